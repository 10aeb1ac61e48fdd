"""The dashboard's planning card and alerts (registered in apps.py through cadres.registry): the
vacancies of the scope (key posts held by fewer people than the unit's norm) and the key posts of
the current plans with 0 or 1 person planned for them. Each counts exactly the rows of its list
on the vacancies page (``vacancies_in_scope``, ``thin_successions_in_scope``), but in SQL: five
aggregate queries whatever the scope's size, cached until the data change (two probes)."""

import datetime
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db import connections, router
from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse

from cadres.models import Appointment, Cadre, CadreStatus, Position, Unit
from cadres.registry import DashboardAlert, DashboardCard, DashboardItem
from common.dates import today
from common.lists import cached_figures
from common.text import thousands

from .models import Candidate, StaffingNorm, SuccessionPlan, Term
from .vacancies import FEW_SUCCESSORS, current_plans, key_post_condition


@dataclass(frozen=True)
class PlanningFigures:
    vacancies: int  # key posts below the unit's norm (rows of the vacancies list)
    thin: int  # key posts of the current plans with fewer than FEW_SUCCESSORS people planned
    uncovered: int  # of which with nobody planned
    plans: int  # the current plans


def dashboard(request: HttpRequest) -> list[DashboardItem]:
    day = today()
    figures = planning_figures(request.user, day=day)
    vacancies = reverse("planning:vacancies")
    items: list[DashboardItem] = [
        DashboardCard(
            "Chức danh chủ chốt đang khuyết",
            figures.vacancies,
            link=vacancies,
            tone="warning" if figures.vacancies else "",
            note="so với định mức của đơn vị",
        )
    ]
    if figures.vacancies:
        items.append(
            DashboardAlert(
                f"{thousands(figures.vacancies)} chức danh chủ chốt đang khuyết so với định mức.",
                link=vacancies,
            )
        )
    if figures.thin:
        none = f" (trong đó {thousands(figures.uncovered)} chức danh chưa có ai)" if figures.uncovered else ""
        items.append(
            DashboardAlert(
                f"{thousands(figures.thin)} chức danh chủ chốt chỉ có 0–{FEW_SUCCESSORS - 1} người "
                f"quy hoạch{none}.",
                link=f"{vacancies}?show=few_successors",
                tone="danger" if figures.uncovered else "warning",
            )
        )
    return items


def planning_figures(user, *, day: datetime.date | None = None) -> PlanningFigures:
    day = day or today()
    units = Unit.objects.visible_to(user).active()
    return cached_figures(
        units, lambda units: _figures(user, units, day), name="planning-dashboard", version=data_version(day)
    )


def _figures(user, units, day: datetime.date) -> PlanningFigures:
    plans = current_plans(user, day=day)
    thin, uncovered, plan_count = _thin_posts(plans)
    return PlanningFigures(
        vacancies=_vacancies(user, units), thin=thin, uncovered=uncovered, plans=plan_count
    )


def _vacancies(user, units) -> int:
    """The (unit, post) pairs of the active units in scope whose open appointments of active
    cadres are fewer than the norm of the unit's kind: the norm's pairs, less those held enough
    (two queries and the norms)."""
    norms = list(StaffingNorm.objects.values_list("unit_kind", "position_id", "count"))
    if not norms:
        return 0
    units = units.filter(kind__in={kind for kind, _, _ in norms})
    per_kind = dict(units.order_by().values_list("kind").annotate(count=Count("pk")))
    pairs = sum(per_kind.get(kind, 0) for kind, _, _ in norms)
    held_enough = reduce(
        or_, (Q(unit__kind=kind, position_id=position, held__gte=count) for kind, position, count in norms)
    )
    filled = (
        Appointment.objects.open()
        .filter(cadre__status=CadreStatus.ACTIVE, unit__in=units.values("pk"))
        .order_by()
        .values("unit_id", "position_id", "unit__kind")
        .annotate(held=Count("pk"))
        .filter(held_enough)
        .count()
    )
    return pairs - filled


def _thin_posts(plans) -> tuple[int, int, int]:
    """How many key posts of ``plans`` have fewer than ``FEW_SUCCESSORS`` live candidates, how
    many have none, and how many plans there are: the plans' key posts (plans by level × the key
    posts of each level), less those with enough candidates."""
    per_level = dict(plans.order_by().values_list("unit__level").annotate(count=Count("pk")))
    keys = list(Position.objects.filter(is_key=True).values_list("level", flat=True))
    posts = sum(count for level, count in per_level.items() for key_level in keys if key_level in ("", level))
    planned = (
        Candidate.objects.live()
        .filter(key_post_condition(), plan__in=plans.values("pk"))
        .order_by()
        .values("plan_id", "position_id")
        .annotate(people=Count("pk"))
    )
    enough = planned.filter(people__gte=FEW_SUCCESSORS).count()
    return posts - enough, posts - planned.count(), sum(per_level.values())


def data_version(day: datetime.date) -> str:
    """A token that changes whenever the figures may have: the newest history record of the
    plans, candidates, terms, norms, positions, units and appointments (one query), the cadres'
    own ``data_version`` (a cadre who leaves frees a post) and the day (the current term)."""
    connection = connections[router.db_for_read(SuccessionPlan)]
    quote = connection.ops.quote_name
    newest = ", ".join(
        f"(SELECT MAX({quote('history_id')}) FROM {quote(model.history.model._meta.db_table)})"
        for model in (SuccessionPlan, Candidate, Term, StaffingNorm, Position, Unit, Appointment)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {newest}")
        versions = cursor.fetchone()
    return f"{Cadre.objects.data_version()}:{versions}:{day}"
