from django.shortcuts import render


def area_pending(request, *, title: str, icon: str, description: str):
    """The entry of an area whose pages arrive with their own issue: it says what the area will
    hold, so the navigation is complete from the first day."""
    return render(request, "area_pending.html", {"title": title, "icon": icon, "description": description})
