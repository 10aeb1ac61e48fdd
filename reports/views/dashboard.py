"""The dashboard (``/``), its charts (``/reports/charts/``) and the reports' hub (``/reports/``).

The dashboard shows the user's scope: the roster's cards and alerts, from one aggregate query
that reads the roster's index alone (``roster_figures``, cached until a cadre changes), then
what every other app registers (``cadres.registry.dashboard_items``): cards and alerts that open
the list of exactly what they count. The apps' figures take seconds to compute for a province,
so they are read from the user's snapshot (``reports.snapshots``): after a change the page
shows the previous figures with the time they were computed, while the task worker computes
the new ones, and reloads itself once they are in (``poll``). Its charts come in a second
request after the page (htmx, ``dashboard_charts``): the roster's charts, its Party share and
its average age need every row of the scope (``roster_chart_figures``, a snapshot too); they
fill in the page's cards kept for them. The charts are drawn by
static/js/dashboard-charts.js."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from cadres import registry
from cadres.dates import MIN_AGE
from cadres.models import Cadre, Education, Gender, PoliticalTheory, Unit
from cadres.standards import StandardBook
from common.dates import today, years_before
from common.lists import cached_figures
from common.text import thousands

from .. import snapshots

# The age pyramid's bands, in completed years (None: open-ended), youngest first.
AGE_BANDS = ((None, 25), (26, 30), (31, 35), (36, 40), (41, 45), (46, None))
GENDERS = (Gender.MALE, Gender.FEMALE)
OLDEST = 100  # completed_age counts older cadres as this old
# The cards the charts' request fills in (their figures come with the charts'): their keys.
PARTY_CARD = "party-share"
AGE_CARD = "average-age"
# While its figures are being computed again the page asks every POLL_SECONDS whether they are
# in, at most POLL_LIMIT times (about a minute), then says to reload later.
POLL_SECONDS = 3
POLL_LIMIT = 20


@require_GET
def dashboard(request):
    units = Unit.objects.visible_to(request.user).active()
    cadres = Cadre.objects.visible_to(request.user).active()
    # One pass over the roster's index for the scope, cached until a cadre changes or the day does.
    figures = cached_figures(cadres, roster_figures, name="dashboard-roster")
    # Then the cards and alerts of the other apps (cadres.registry), from the user's snapshot;
    # their charts come with the charts' request.
    # A user's first visit queues them too, rather than computing them for seconds.
    snapshot = snapshots.providers(request.user, inline=False)
    poll = _poll_number(request)
    if poll and request.htmx and not snapshot.stale:
        # The new figures are in: the page reloads itself to show them (htmx's HX-Refresh).
        return HttpResponse(status=204, headers={"HX-Refresh": "true"})
    items = snapshot.value or registry.DashboardItems([], [], [])
    unit_count = units.count()
    return render(
        request,
        "reports/dashboard.html",
        {
            "root_unit": request.user.unit,
            "unit_count": unit_count,
            "figures": figures,
            "cards": [*_roster_cards(request.user, unit_count, figures), *items.cards],
            "alerts": [*_roster_alerts(figures), *items.alerts],
            "reports": REPORTS,
            "snapshot": snapshot,
            "computed_at": timezone.localtime(snapshot.computed_at),
            "next_poll": poll + 1 if snapshot.stale and poll < POLL_LIMIT else None,
            "poll_delay": POLL_SECONDS,
        },
    )


def _poll_number(request) -> int:
    """How many times the page has asked whether its new figures are in (``?poll=``): 0 for a
    visit; anything but a small whole number counts as a visit."""
    value = request.GET.get("poll", "")
    return int(value) if value.isdigit() and len(value) <= 3 else 0


@require_GET
@vary_on_headers("HX-Request")
def dashboard_charts(request):
    """The dashboard's charts for the user's scope, and the cards computed with them (the Party
    share, the average age): the fragment the dashboard asks for once it is shown (htmx swaps it
    in place of the loading notice, the cards out of band), or, opened as a page (without
    JavaScript), the same charts with their tables under the site's layout."""
    figures = snapshots.roster_charts(request.user).value
    # The apps' charts, once their snapshot is in (the page's first visit queued it).
    items = snapshots.providers(request.user, inline=False)
    charts = sorted(
        [*_roster_charts(figures), *(items.value.charts if items.value else [])],
        key=lambda chart: chart.order,
    )
    context = {
        "root_unit": request.user.unit,
        "chart_figures": figures,
        "charts": charts,
        "late_cards": _late_cards(request.user, figures),
    }
    if request.htmx:
        return render(request, "reports/includes/_charts.html", {**context, "swap_cards": True})
    return render(request, "reports/dashboard.html", {**context, "charts_page": True})


@require_GET
def index(request):
    """The reports' hub: what each report is, one link each."""
    return render(request, "reports/index.html", {"reports": REPORTS})


# The reports, as the hub and the dashboard's foot list them: URL name, title, what it is, icon.
REPORTS = [
    (
        "reports:statistics",
        "Thống kê chất lượng đội ngũ",
        "Số lượng, cơ cấu, độ tuổi, trình độ của cán bộ theo đơn vị tại một ngày bất kỳ; tải Excel, PDF.",
        "table",
    ),
    (
        "reports:targets",
        "Chỉ tiêu",
        "Hệ thống chỉ tiêu công tác cán bộ của năm, so với số liệu thực tế và danh sách cán bộ đứng sau.",
        "bullseye",
    ),
    (
        "reports:plans",
        "Kế hoạch công tác cán bộ",
        "Kế hoạch năm theo thể thức văn bản của Đoàn (PDF, Word), kế hoạch của đơn vị cấp dưới, "
        "báo cáo kết quả.",
        "journal-text",
    ),
]


# --- The roster's figures ------------------------------------------------------------------------


def roster_figures(cadres) -> dict:
    """The cards' and alerts' figures of the scope's active cadres: counts and warnings, in one
    aggregate query on the columns of the roster's index (``cadre_roster``): the database reads
    the index alone, never the rows. The average age is the charts' (``roster_chart_figures``):
    summing each cadre's completed age (``completed_age``) here, though index-only too, doubled
    this query's time at 100,000 cadres."""
    day = today()
    book = StandardBook(day)
    figures = cadres.order_by().aggregate(
        total=Count("pk"),
        women=Count("pk", filter=Q(gender=Gender.FEMALE)),
        over_age=Count("pk", filter=book.over_age_q()),
        near_age=Count("pk", filter=book.near_age_q()),
        below_standard=Count("pk", filter=book.below_standard_q()),
    )
    return {**figures, "day": day}


def roster_chart_figures(cadres) -> dict:
    """The charts' figures of the scope's active cadres: ages by sex and band (and their sum, for
    the average age), Party members and the levels of education and political theory, in one
    pass: the cadres grouped by sex and
    completed age (a few dozen rows whatever the scope's size), each group's levels counted
    alongside. One query reading each row once: the levels and the Party dates are not in the
    roster's index, and a second query for them took a third longer at 1,000,000 cadres. The
    dashboard asks for it after the page (``dashboard_charts``)."""
    day = today()
    levels = {
        **{f"education_{value}": Count("pk", filter=Q(education=value)) for value in Education.values},
        **{
            f"theory_{value}": Count("pk", filter=Q(political_theory=value))
            for value in PoliticalTheory.values
        },
    }
    groups = (
        cadres.order_by()
        .annotate(age=completed_age(day))
        .values("gender", "age")
        .annotate(count=Count("pk"), party=Count("pk", filter=Q(party_joined_on__isnull=False)), **levels)
    )
    sums = ("party", *levels)
    figures = dict.fromkeys(("total", "age_sum", *sums), 0)
    bands = {gender: [0] * len(AGE_BANDS) for gender in GENDERS}
    for group in groups:
        figures["total"] += group["count"]
        figures["age_sum"] += group["age"] * group["count"]
        for name in sums:
            figures[name] += group[name]
        if group["gender"] in bands:
            bands[group["gender"]][_band_of(group["age"])] += group["count"]
    return {
        "total": figures["total"],
        "age_sum": figures["age_sum"],
        "party": figures["party"],
        "bands": bands,
        "education": {value: figures[f"education_{value}"] for value in Education.values},
        "political_theory": {value: figures[f"theory_{value}"] for value in PoliticalTheory.values},
        "day": day,
    }


def completed_age(day) -> Case:
    """A cadre's completed age on ``day`` (``Cadre.age_on``) in SQL: a CASE over birth-date bounds,
    youngest first, as the roster's age filter reckons ages. A row passes a date comparison per
    year of age, where extracting the birth date's year, month and day costs PostgreSQL numeric
    arithmetic on every row (1.6 times the time at 1,000,000 cadres). Birth dates keep ages from
    ``MIN_AGE`` (``cadres.dates``); ``OLDEST`` and above count as ``OLDEST``."""
    return Case(
        *[When(birth_date__gt=years_before(day, age + 1), then=Value(age)) for age in range(MIN_AGE, OLDEST)],
        default=Value(OLDEST),
        output_field=IntegerField(),
    )


def _band_of(years: int) -> int:
    """The index in ``AGE_BANDS`` of a completed age (an age below the first band's counts in it)."""
    for index, (_, high) in enumerate(AGE_BANDS):
        if high is None or years <= high:
            return index
    return len(AGE_BANDS) - 1


def share_text(part: int, whole: int) -> str:
    """``part`` of ``whole`` in percent to one decimal, as Vietnamese write it: "38,5%"."""
    if not whole:
        return "—"
    return f"{_one_decimal(Decimal(100 * part) / whole)}%"


def _one_decimal(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.1"), ROUND_HALF_UP)).replace(".", ",")


def average_age_text(figures: dict) -> str:
    if not figures["total"]:
        return "—"
    return _one_decimal(Decimal(figures["age_sum"]) / figures["total"])


def _roster_cards(user, unit_count: int, figures: dict) -> list[registry.DashboardCard]:
    cadre_list = reverse("cadres:cadre-list")
    Card = registry.DashboardCard
    total, women = figures["total"], figures["women"]
    cards = [
        Card("Đơn vị đang hoạt động", unit_count, link=reverse("cadres:unit-list")),
        Card(
            "Cán bộ đang công tác",
            total,
            link=cadre_list,
            note=f"nam: {thousands(total - women)} · nữ: {thousands(women)}",
        ),
        Card(
            "Tỷ lệ nữ",
            share_text(women, total),
            link=f"{cadre_list}?gender={Gender.FEMALE}",
            note=f"{thousands(women)} cán bộ nữ",
        ),
    ]
    # The Party share and the average age are filled in with the charts (``dashboard_charts``,
    # ``_late_cards``): the one reads every row, the other every row's age.
    if user.can_see_sensitive:  # Party membership is sensitive data (Cadre.SENSITIVE_FIELDS)
        cards.append(
            Card(
                "Tỷ lệ đảng viên",
                "…",
                link=f"{cadre_list}?party_member=yes",
                note="đang tính…",
                key=PARTY_CARD,
            )
        )
    cards.append(Card("Tuổi bình quân", "…", note="đang tính…", key=AGE_CARD))
    return cards


def _late_cards(user, figures: dict) -> list[registry.DashboardCard]:
    """The roster's cards computed with the charts (``roster_chart_figures``), each replacing
    the page's placeholder of the same ``key`` (``_roster_cards``)."""
    Card = registry.DashboardCard
    cards = []
    if user.can_see_sensitive:
        party = figures["party"]
        cards.append(
            Card(
                "Tỷ lệ đảng viên",
                share_text(party, figures["total"]),
                link=f"{reverse('cadres:cadre-list')}?party_member=yes",
                note=f"{thousands(party)} đảng viên",
                key=PARTY_CARD,
            )
        )
    cards.append(
        Card(
            "Tuổi bình quân",
            average_age_text(figures),
            note=f"tuổi tròn năm, tính đến {figures['day']:%d/%m/%Y}",
            key=AGE_CARD,
        )
    )
    return cards


def _roster_alerts(figures: dict) -> list[registry.DashboardAlert]:
    cadre_list = reverse("cadres:cadre-list")
    Alert = registry.DashboardAlert
    alerts = []
    if figures["over_age"]:
        alerts.append(
            Alert(
                f"{thousands(figures['over_age'])} cán bộ đã quá tuổi đảm nhiệm chức vụ.",
                link=f"{cadre_list}?warning=over_age",
                tone="danger",
            )
        )
    if figures["near_age"]:
        alerts.append(
            Alert(
                f"{thousands(figures['near_age'])} cán bộ sắp quá tuổi đảm nhiệm "
                f"(trong {settings.AGE_WARNING_MONTHS} tháng tới).",
                link=f"{cadre_list}?warning=near_age",
            )
        )
    if figures["below_standard"]:
        alerts.append(
            Alert(
                f"{thousands(figures['below_standard'])} cán bộ chưa đạt chuẩn chức danh đang đảm nhiệm.",
                link=f"{cadre_list}?warning=below_standard",
            )
        )
    return alerts


# --- The roster's charts --------------------------------------------------------------------------


def _band_label(band: tuple[int | None, int | None]) -> str:
    low, high = band
    if low is None:
        return f"Đến {high}"
    return f"Trên {low - 1}" if high is None else f"{low}–{high}"


def _band_link(cadre_list: str, band: tuple[int | None, int | None]) -> str:
    low, high = band
    params = [f"age_min={low}"] if low is not None else []
    params += [f"age_max={high}"] if high is not None else []
    return f"{cadre_list}?{'&'.join(params)}"


def _roster_charts(figures: dict) -> list[registry.DashboardChart]:
    cadre_list = reverse("cadres:cadre-list")
    Chart, Series = registry.DashboardChart, registry.ChartSeries
    # Oldest on top, as a population pyramid is read.
    bands = list(reversed(list(enumerate(AGE_BANDS))))
    education = figures["education"]
    theory = figures["political_theory"]
    return [
        Chart(
            key="roster-age-pyramid",
            title="Tháp tuổi cán bộ theo giới tính",
            labels=tuple(_band_label(band) for _, band in bands),
            datasets=tuple(
                Series(
                    Gender(gender).label,
                    tuple(figures["bands"][gender][index] for index, _ in bands),
                )
                for gender in GENDERS
            ),
            kind="pyramid",
            order=10,
            unit="người",
            note="Tuổi tròn năm; nam bên trái, nữ bên phải.",
            links=tuple(_band_link(cadre_list, band) for _, band in bands),
        ),
        Chart(
            key="roster-political-theory",
            title="Trình độ lý luận chính trị",
            labels=tuple(PoliticalTheory(level).label for level in theory),
            datasets=(Series("Cán bộ", tuple(theory.values())),),
            kind="hbar",
            order=12,
            unit="người",
            links=tuple(f"{cadre_list}?political_theory={level}" for level in theory),
        ),
        Chart(
            key="roster-education",
            title="Trình độ chuyên môn",
            labels=tuple(Education(level).label for level in education),
            datasets=(Series("Cán bộ", tuple(education.values())),),
            kind="hbar",
            order=14,
            unit="người",
            links=tuple(f"{cadre_list}?education={level}" for level in education),
        ),
    ]
