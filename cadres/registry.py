"""Extension points: how other apps add to the cadre's page, the 2C CV, the cadre's history,
the unit merge, the dashboard, the cadres' ratings and the access log — without ``cadres``
importing them.

Apps above ``cadres`` (planning, training, fieldwork) register from their ``AppConfig.ready()``;
``cadres`` and ``reports`` read the registrations. One registration per kind and key:

=================  ===========================================  =================================
kind               register with                                read by
=================  ===========================================  =================================
profile section    ``register_profile_section(ProfileSection)``  cadre page (views/cadres.py)
CV rows            ``register_cv_rows(CvRows)``                  2C CV PDF (views/cv.py)
history source     ``register_history_source(HistorySource)``    cadre history (history.py)
merge participant  ``register_merge_participant(participant)``   unit merge (merge.py)
dashboard          ``register_dashboard(DashboardProvider)``     dashboard (reports/views/dashboard.py)
planned posts      ``register_planned_posts(PlannedPosts)``      training needs (training/needs.py)
ratings            ``register_ratings(RatingsProvider)``         annual review (planning/services)
access-log action  ``register_access_action(value, label)``      AccessLog (models/access.py)
=================  ===========================================  =================================

For example, in ``planning/apps.py``::

    def ready(self):
        from cadres import registry

        from . import sections

        registry.register_profile_section(
            registry.ProfileSection(
                key="planning",
                title="Quy hoạch",
                icon="diagram-3",
                order=10,
                template="planning/includes/_cadre_section.html",
                provider=sections.cadre_section,
            )
        )

What every provider keeps to:
- **Scope**: it receives objects already checked against the user's scope (the page's cadre,
  the merge's units) or the request (the dashboard: start from ``visible_to(request.user)``).
  It never looks a cadre or unit up by id.
- **Queries**: a constant number, however many rows it shows (``select_related``, aggregates);
  the pages' query counts are tested with the providers in place.
- **Sensitive data** (``Cadre.SENSITIVE_FIELDS``, discipline…) only when ``user.can_see_sensitive``.

Registrations are sorted by ``order``, then by registration order. Registering another item
under a key already taken is a configuration error; registering the same item again (a second
``ready()``) is harmless. This module imports no models, so ``cadres.models`` may use it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, Protocol, TypeVar

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet
    from django.http import HttpRequest

    from accounts.models import User

    from .merge import MergePlan
    from .models import Cadre, Unit, UnitMerge


class _Registration(Protocol):
    key: str
    order: int


T = TypeVar("T", bound=_Registration)


class Kind(Generic[T]):
    """The registrations of one kind, iterated in ``order`` then registration order."""

    def __init__(self, name: str):
        self.name = name
        self._items: dict[str, T] = {}

    def add(self, item: T) -> T:
        if not item.key:
            raise ImproperlyConfigured(f"A {self.name} needs a key.")
        present = self._items.setdefault(item.key, item)
        if present is not item and present != item:
            raise ImproperlyConfigured(f"{self.name.capitalize()} {item.key!r} is registered twice.")
        return present

    def remove(self, key: str) -> None:
        """Undo a registration (tests use it to clean up)."""
        del self._items[key]

    def __iter__(self) -> Iterator[T]:
        return iter(sorted(self._items.values(), key=lambda item: item.order))

    def __len__(self) -> int:
        return len(self._items)


# Profile sections ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProfileSection:
    """A card on the cadre's page, under the cadre's own sections.

    ``provider(request, cadre)`` gets the cadre the view already fetched through the scope rule
    and returns the data for ``template``, or None to leave the card out (nothing this user may
    see). The template is included inside the card's body and sees the page's ``cadre``,
    ``user`` and ``sensitive``, and ``section`` — ``section.data`` is the provider's dict.
    """

    key: str
    title: str
    icon: str  # a Bootstrap Icons name without "bi-"
    template: str
    provider: Callable[[HttpRequest, Cadre], dict | None]
    order: int = 100
    wide: bool = False  # the full width of the column rather than half


@dataclass(frozen=True)
class RenderedSection:
    """A section with its provider's data, as the cadre page renders it."""

    section: ProfileSection
    data: dict

    @property
    def key(self) -> str:
        return self.section.key

    @property
    def title(self) -> str:
        return self.section.title

    @property
    def icon(self) -> str:
        return self.section.icon

    @property
    def template(self) -> str:
        return self.section.template

    @property
    def wide(self) -> bool:
        return self.section.wide


profile_sections: Kind[ProfileSection] = Kind("profile section")


def register_profile_section(section: ProfileSection) -> ProfileSection:
    return profile_sections.add(section)


def profile_sections_for(request: HttpRequest, cadre: Cadre) -> list[RenderedSection]:
    rendered = []
    for section in profile_sections:
        data = section.provider(request, cadre)
        if data is not None:
            rendered.append(RenderedSection(section, data))
    return rendered


# CV rows -------------------------------------------------------------------------------------

# The tables of the 2C CV that apps may add rows to, with the attributes a row needs.
CV_TABLES = {
    # "17) Đào tạo, bồi dưỡng…": rows like cadres.pdf.CvTrainingRow.
    "training": ("school", "subject", "period", "form", "qualification"),
}


@dataclass(frozen=True)
class CvRows:
    """Rows an app adds to a table of the 2C CV, after the rows ``cadres`` writes itself.

    ``provider(cadre, user)`` returns objects with the table's attributes (``CV_TABLES``).
    """

    key: str
    table: str
    provider: Callable[[Cadre, User], Iterable[Any]]
    order: int = 100

    def __post_init__(self):
        if self.table not in CV_TABLES:
            raise ImproperlyConfigured(f"The CV has no table {self.table!r}; tables: {', '.join(CV_TABLES)}.")


cv_row_sources: Kind[CvRows] = Kind("CV rows source")


def register_cv_rows(rows: CvRows) -> CvRows:
    return cv_row_sources.add(rows)


def cv_rows(table: str, *, cadre: Cadre, user: User) -> list[Any]:
    return [row for source in cv_row_sources if source.table == table for row in source.provider(cadre, user)]


# History sources -----------------------------------------------------------------------------


@dataclass(frozen=True)
class HistorySource:
    """Change records shown in the cadre's history, formatted by ``cadres.history`` like every
    other source (field labels, old → new, who, when).

    ``records(cadre)`` returns a queryset of django-simple-history records of rows belonging to
    the cadre, e.g. ``Enrollment.history.filter(cadre_id=cadre.pk)`` (one query; the formatter
    orders it and joins the user). ``subject(record)`` names the object ("Khen thưởng: Bằng
    khen"). ``sensitive`` shows the whole source only to users who see sensitive data; the
    model's own ``SENSITIVE_FIELDS`` are always hidden from the others, and ``hidden_fields``
    from everybody.
    """

    key: str
    records: Callable[[Cadre], QuerySet]
    subject: Callable[[Any], str]
    sensitive: bool = False
    hidden_fields: frozenset[str] = frozenset()
    order: int = 100


history_sources: Kind[HistorySource] = Kind("history source")


def register_history_source(source: HistorySource) -> HistorySource:
    return history_sources.add(source)


# Merge participants --------------------------------------------------------------------------


@dataclass(frozen=True)
class MergePreviewLine:
    """One line of a participant's section on the merge preview: a label with a count, and
    optionally the rows themselves (their names)."""

    label: str
    count: int | None = None
    rows: Sequence[str] = ()

    @property
    def total(self) -> int:
        return len(self.rows) if self.count is None else self.count


class MergeParticipant:
    """An app's part in a unit merge (sáp nhập). Subclass it, set the attributes and register
    an instance.

    - ``models``: the models with a ForeignKey to ``Unit`` whose rows this participant moves;
      ``kept``: models it leaves pointing at the old unit on purpose, with the reason. Every
      model pointing at ``Unit`` must be moved by ``cadres``, or claimed here by one participant
      (``cadres.merge.merge_coverage``; a test walks all models).
    - ``preview(plan)``: what will move, as lines of the preview page; changes nothing, runs a
      constant number of queries. ``plan`` is a ``cadres.merge.MergePlan`` (sources, target or
      new_target, effective_on).
    - ``move(merge=, sources=, target=)``: move the rows. It runs inside the merge's
      transaction after ``cadres`` moved its own rows; raising undoes the whole merge (raise a
      ``ValidationError`` to show the user why).
    """

    key: str = ""
    title: str = ""
    order: int = 100
    models: Sequence[type[Model]] = ()
    kept: Mapping[type[Model], str] = MappingProxyType({})

    def preview(self, plan: MergePlan) -> list[MergePreviewLine]:
        return []

    def move(self, *, merge: UnitMerge, sources: list[Unit], target: Unit) -> None:
        return None


merge_participants: Kind[MergeParticipant] = Kind("merge participant")


def register_merge_participant(participant: MergeParticipant) -> MergeParticipant:
    return merge_participants.add(participant)


# Dashboard cards, alerts and charts ---------------------------------------------------------

TONES = ("", "primary", "success", "info", "warning", "danger")


@dataclass(frozen=True)
class DashboardCard:
    """A figure on the dashboard: ``tone`` colours its border (Bootstrap contextual name).
    ``key`` names a card a later request fills in (the dashboard's charts fragment replaces the
    page's card of the same key)."""

    title: str
    value: int | str
    link: str = ""
    tone: str = ""
    note: str = ""
    key: str = ""

    def __post_init__(self):
        if self.tone not in TONES:
            raise ValueError(f"Unknown tone {self.tone!r}; use one of {TONES}.")


@dataclass(frozen=True)
class DashboardAlert:
    """A line above the dashboard's figures calling for action. ``link`` opens the list of
    exactly what the message counts."""

    message: str
    link: str = ""
    tone: str = "warning"

    def __post_init__(self):
        if self.tone not in TONES[1:]:
            raise ValueError(f"Unknown tone {self.tone!r}; use one of {TONES}.")


# How a chart is drawn (static/js/dashboard-charts.js): vertical or horizontal bars, bars stacked
# by dataset, a population pyramid (the first dataset to the left, the second to the right),
# a line.
CHART_KINDS = ("bar", "hbar", "stacked", "pyramid", "line")


@dataclass(frozen=True)
class ChartSeries:
    """One dataset of a chart: a value per label of the chart."""

    label: str
    values: tuple[int | float | Decimal, ...]


@dataclass(frozen=True)
class DashboardChart:
    """A chart on the dashboard, drawn with the vendored Chart.js and shown as a table too (its
    accessible fallback, and what a phone reader opens). ``unit`` names what the values count
    ("người", "ngày"); ``links`` optionally give, per label, the list behind the bar; ``note``
    is a line under the chart. The values are figures computed in SQL, a handful per label."""

    key: str
    title: str
    labels: tuple[str, ...]
    datasets: tuple[ChartSeries, ...]
    kind: str = "bar"
    order: int = 100
    unit: str = ""
    note: str = ""
    links: tuple[str, ...] = ()

    def __post_init__(self):
        if self.kind not in CHART_KINDS:
            raise ValueError(f"Unknown chart kind {self.kind!r}; use one of {CHART_KINDS}.")
        if self.kind == "pyramid" and len(self.datasets) != 2:
            raise ValueError("A pyramid has two datasets (left, right).")
        for series in self.datasets:
            if len(series.values) != len(self.labels):
                raise ValueError(
                    f"Dataset {series.label!r} has {len(series.values)} values for {len(self.labels)} labels."
                )
        if self.links and len(self.links) != len(self.labels):
            raise ValueError("A chart has one link per label, or none.")

    @property
    def total(self) -> int | float | Decimal:
        return sum(value for series in self.datasets for value in series.values)

    @property
    def is_empty(self) -> bool:
        return not any(value for series in self.datasets for value in series.values)

    @property
    def rows(self) -> list[tuple[str, list[str], str]]:
        """The table: per label, its values as Vietnamese write them, and its link."""
        links = self.links or ("",) * len(self.labels)
        return [
            (label, [number_text(series.values[index]) for series in self.datasets], links[index])
            for index, label in enumerate(self.labels)
        ]

    @property
    def summary(self) -> str:
        """The chart in one sentence, for screen readers (the canvas's ``aria-label``)."""
        unit = f" {self.unit}" if self.unit else ""
        parts = []
        for series in self.datasets:
            values = ", ".join(
                f"{label}: {number_text(value)}"
                for label, value in zip(self.labels, series.values, strict=True)
            )
            parts.append(f"{series.label} — {values}{unit}" if len(self.datasets) > 1 else f"{values}{unit}")
        return f"{self.title}. " + "; ".join(parts) + "."

    def as_json(self) -> dict:
        """What ``json_script`` hands the page's script."""
        return {
            "kind": self.kind,
            "title": self.title,
            "unit": self.unit,
            "labels": list(self.labels),
            "datasets": [
                {"label": series.label, "data": [_plain_number(value) for value in series.values]}
                for series in self.datasets
            ],
        }


def number_text(value: int | float | Decimal) -> str:
    """1234 → "1.234", 2.5 → "2,5", 3.0 → "3": as Vietnamese write numbers."""
    if isinstance(value, int):
        whole, fraction = f"{value:,}", ""
    else:
        whole, _, fraction = f"{Decimal(str(value)).quantize(Decimal('0.1')):,.1f}".partition(".")
    whole = whole.replace(",", ".")
    return whole if fraction in ("", "0") else f"{whole},{fraction}"


def _plain_number(value: int | float | Decimal) -> int | float:
    return value if isinstance(value, int) else float(value)


DashboardItem = DashboardCard | DashboardAlert | DashboardChart


@dataclass(frozen=True)
class DashboardProvider:
    """``provider(request)`` returns the cards, alerts and charts of an app, computed for
    ``request.user``'s scope; one provider may return all three, from the same aggregate
    queries. The dashboard does not call it on a visit: the task worker does, after a change
    to the data, and the dashboard shows what it returned (a user's snapshot,
    ``reports.snapshots``). So a provider may take a second or two for a province; it is
    called with a request that carries only the user."""

    key: str
    provider: Callable[[HttpRequest], Iterable[DashboardItem]]
    order: int = 100


dashboard_providers: Kind[DashboardProvider] = Kind("dashboard provider")


def register_dashboard(provider: DashboardProvider) -> DashboardProvider:
    return dashboard_providers.add(provider)


class DashboardItems(NamedTuple):
    cards: list[DashboardCard]
    alerts: list[DashboardAlert]
    charts: list[DashboardChart]  # by ``order``, then by provider


def dashboard_items(request: HttpRequest, *, charts: bool = True) -> DashboardItems:
    """Every provider's items, computed (what a user's dashboard snapshot holds); ``charts=False``
    leaves the charts out."""
    items = DashboardItems([], [], [])
    for provider in dashboard_providers:
        for item in provider.provider(request):
            if isinstance(item, DashboardChart):
                if charts:
                    items.charts.append(item)
            else:
                (items.alerts if isinstance(item, DashboardAlert) else items.cards).append(item)
    items.charts.sort(key=lambda chart: chart.order)
    return items


# Planned posts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedPost:
    """A post a cadre is planned for (quy hoạch): what other apps need to weigh it against the
    post's standard without reading the planning app's models."""

    cadre_id: int
    position_id: int
    position_name: str
    unit_name: str
    level: str
    hardship: bool


@dataclass(frozen=True)
class PlannedPosts:
    """``provider(user)`` returns the ``PlannedPost`` rows of the candidates ``user`` may see
    (one query): the planning app registers it; training's needs list reads it."""

    key: str
    provider: Callable[[User], Iterable[PlannedPost]]
    order: int = 100


planned_posts_providers: Kind[PlannedPosts] = Kind("planned posts provider")


def register_planned_posts(provider: PlannedPosts) -> PlannedPosts:
    return planned_posts_providers.add(provider)


def planned_posts(user: User) -> list[PlannedPost]:
    return [post for provider in planned_posts_providers for post in provider.provider(user)]


def planned_cadre_ids(user: User) -> set[int]:
    """The cadres of the succession plans ``user`` may see."""
    return {post.cadre_id for post in planned_posts(user)}


# Ratings ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rating:
    """A cadre's latest decided yearly classification (đánh giá, xếp loại): what the
    succession review weighs without reading the evaluation's models. ``failed`` is "không
    hoàn thành nhiệm vụ", a reason to take a candidate out of the plan (DOMAIN.md §8)."""

    year: int
    label: str  # "Hoàn thành tốt nhiệm vụ"
    failed: bool


@dataclass(frozen=True)
class RatingsProvider:
    """``provider(cadre_ids)`` returns ``{cadre_id: Rating}`` for those of ``cadre_ids`` rated
    at least once (one query): the fieldwork app registers it; planning's review assistant
    reads it through ``latest_ratings``. The ids come from records the caller already scoped."""

    key: str
    provider: Callable[[Iterable[int]], Mapping[int, Rating]]
    order: int = 100


ratings_providers: Kind[RatingsProvider] = Kind("ratings provider")


def register_ratings(provider: RatingsProvider) -> RatingsProvider:
    return ratings_providers.add(provider)


def latest_ratings(cadre_ids: Iterable[int]) -> dict[int, Rating]:
    """Each cadre's latest rating among the providers' (none without a provider)."""
    ids = list(cadre_ids)
    found: dict[int, Rating] = {}
    for provider in ratings_providers:
        for cadre_id, rating in provider.provider(ids).items():
            if cadre_id not in found or rating.year > found[cadre_id].year:
                found[cadre_id] = rating
    return found


# Access-log actions --------------------------------------------------------------------------


@dataclass(frozen=True)
class AccessLogAction:
    """An action of the access log beside ``AccessAction``'s own (e.g. printing a plan that
    lists cadres' Party data). ``key`` is the stored value."""

    key: str
    label: str
    order: int = 100


access_actions: Kind[AccessLogAction] = Kind("access-log action")


def register_access_action(value: str, label: str) -> AccessLogAction:
    from .models import AccessAction, AccessLog

    max_length = AccessLog._meta.get_field("action").max_length
    if value in AccessAction.values:
        raise ImproperlyConfigured(f"Access-log action {value!r} is one of cadres' own.")
    if not value or len(value) > max_length:
        raise ImproperlyConfigured(f"Access-log action {value!r} must have 1 to {max_length} characters.")
    return access_actions.add(AccessLogAction(key=value, label=label))
