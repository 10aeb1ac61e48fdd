from django.db.models import Count, Q
from django.shortcuts import render

from cadres.models import Cadre, Gender, Unit
from cadres.standards import StandardBook


def dashboard(request):
    units = Unit.objects.visible_to(request.user).active()
    cadres = Cadre.objects.visible_to(request.user).active()
    book = StandardBook()
    figures = cadres.aggregate(
        total=Count("pk"),
        women=Count("pk", filter=Q(gender=Gender.FEMALE)),
        over_age=Count("pk", filter=book.over_age_q()),
        near_age=Count("pk", filter=book.near_age_q()),
        below_standard=Count("pk", filter=book.below_standard_q()),
    )
    return render(
        request,
        "reports/dashboard.html",
        {
            "unit_count": units.count(),
            "root_unit": request.user.unit,
            "figures": figures,
        },
    )
