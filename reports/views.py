from django.shortcuts import render

from cadres.models import Unit


def dashboard(request):
    units = Unit.objects.visible_to(request.user).active()
    return render(
        request,
        "reports/dashboard.html",
        {"unit_count": units.count(), "root_unit": request.user.unit},
    )
