"""The metrics of targets (``reports.models.Target``): the catalogue of what a target can
measure (``CATALOGUE``), and its actual figure over the target unit's subtree for the target's
year (``measure``), as pages and documents print it (``Measure.text``).

    measure(target) -> Measure            # the figure of one target
    measure_all(targets) -> {pk: Measure}  # of a plan's targets (a few queries each)
    validate_params(key, params) -> dict   # Target.clean: the parameters checked, defaults filled
    cadres_behind(target) -> QuerySet       # the cadres of the figure, each with ``is_counted``
    population_behind(target) -> Population  # the same cadres, and the condition of those counted
    with_result(found, counted) -> QuerySet  # those counted, or not, for a page of them
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Case, Exists, OuterRef, QuerySet, Value, When
from django.urls import reverse

from common.text import thousands

from .catalogue import CATALOGUE, Metric, metric_choices
from .compute import Population, Scope, figures, population
from .params import Param, clean_params

__all__ = [
    "CATALOGUE",
    "Measure",
    "Metric",
    "Param",
    "cadres_behind",
    "counted_among",
    "decimal_text",
    "goal_text",
    "marked",
    "measure",
    "measure_all",
    "metric_choices",
    "population_behind",
    "validate_params",
    "with_result",
]

ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True)
class Measure:
    value: Decimal  # percent (0–100, one decimal) for shares, a count for counts
    numerator: int  # what is counted
    denominator: int | None  # the population for shares, None for counts
    is_share: bool
    met: bool  # value compared with target.goal by target.comparison
    text: str  # "85,0% (17/20)" or "12 người"
    link: str = ""  # a page of the cadres (or posts) behind the figure, "" if none

    @property
    def has_population(self) -> bool:
        return not self.is_share or bool(self.denominator)


def decimal_text(value: Decimal, places: int | None = None) -> str:
    """A number as Vietnamese print writes it: "1.234", "85,5" (``places`` fixed, else as few
    as the value needs)."""
    value = Decimal(value)
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    else:
        value = value.normalize() if value != value.to_integral_value() else value.to_integral_value()
    sign = "-" if value < 0 else ""
    whole, _, fraction = f"{abs(value):f}".partition(".")
    return f"{sign}{thousands(int(whole))}{',' + fraction if fraction else ''}"


def validate_params(metric_key: str, params) -> dict:
    """The parameters of a target of metric ``metric_key``, checked and with their defaults
    filled in; ``ValidationError`` with Vietnamese messages otherwise (an unknown metric too)."""
    metric = CATALOGUE.get(metric_key)
    if metric is None:
        raise ValidationError("Cách tính chỉ tiêu không có trong danh mục.")
    return clean_params(metric.params, params)


def effective_params(metric: Metric, params) -> dict:
    """The parameters a stored target is computed with, without reading the catalogues: each
    stored value of the right shape, else the default (a target saved through ``Target.clean``
    always has them right)."""
    params = params if isinstance(params, dict) else {}
    found = {}
    for param in metric.params:
        value = params.get(param.name, param.default)
        if param.is_list:
            ok = isinstance(value, list) and all(isinstance(item, str) for item in value)
        else:
            ok = isinstance(value, int) and not isinstance(value, bool)
        found[param.name] = value if ok else param.default
    return found


def scope_of(target, day=None) -> Scope:
    metric = CATALOGUE[target.metric]
    return Scope.of(target.unit, target.year, effective_params(metric, target.params), day)


def goal_text(target) -> str:
    """ "≥ 100%", "≥ 3 người", "≤ 5 người"."""
    metric = CATALOGUE.get(target.metric)
    sign = "≥" if target.comparison == "gte" else "≤"
    if metric is None:
        return f"{sign} {decimal_text(target.goal)}"
    if metric.is_share:
        return f"{sign} {decimal_text(target.goal)}%"
    return f"{sign} {decimal_text(target.goal)} {metric.unit_word}"


def _met(value: Decimal, target) -> bool:
    return value <= target.goal if target.comparison == "lte" else value >= target.goal


def link_of(target, metric: Metric) -> str:
    if target.pk is None:
        return ""
    if not metric.cadres:
        return reverse("planning:index")
    return reverse("reports:target-cadres", args=[target.pk])


def measure(target, *, day=None) -> Measure:
    """The actual figure of ``target`` over its unit's subtree for its year, as of ``day``
    (today). An unknown metric gives an empty figure saying so."""
    metric = CATALOGUE.get(target.metric)
    if metric is None:
        return Measure(Decimal(0), 0, None, False, False, "Cách tính không còn trong danh mục")
    numerator, denominator = figures(metric.key, metric.is_share, scope_of(target, day))
    link = link_of(target, metric)
    if not metric.is_share:
        value = Decimal(numerator)
        return Measure(
            value,
            numerator,
            None,
            False,
            _met(value, target),
            f"{thousands(numerator)} {metric.unit_word}",
            link,
        )
    if not denominator:
        return Measure(Decimal(0), 0, 0, True, False, "Chưa có đối tượng (0/0)", link)
    value = (Decimal(100 * numerator) / Decimal(denominator)).quantize(ONE_DECIMAL, ROUND_HALF_UP)
    text = f"{decimal_text(value, 1)}% ({thousands(numerator)}/{thousands(denominator)})"
    return Measure(value, numerator, denominator, True, _met(value, target), text, link)


def measure_all(targets, *, day=None) -> dict[int, Measure]:
    """The figures of ``targets`` (a plan has about ten), by their pk: a few queries each, as
    many whatever the data's size. A queryset is read with its targets' units."""
    if isinstance(targets, QuerySet):
        targets = targets.select_related("unit")
    targets = list(targets)
    return {target.pk: measure(target, day=day) for target in targets}


def population_behind(target, *, day=None) -> Population | None:
    """The cadres the figure of ``target`` counts among (a share's population, a count's
    counted cadres) and the condition of those it counts (None: all of them); None for a
    metric that counts posts or an unknown one. Not narrowed to a user's scope."""
    metric = CATALOGUE.get(target.metric)
    if metric is None or not metric.cadres:
        return None
    return population(metric.key, scope_of(target, day))


def cadres_behind(target, *, day=None):
    """``population_behind``'s cadres, each annotated ``is_counted``; None for a metric that
    counts posts or an unknown one. Not narrowed to a user's scope: the caller does that."""
    found = population_behind(target, day=day)
    return None if found is None else marked(found)


def marked(found: Population) -> QuerySet:
    """The cadres of ``found``, each annotated ``is_counted``."""
    if found.counted is None:
        return found.cadres.annotate(is_counted=Value(True, output_field=BooleanField()))
    return found.cadres.annotate(
        is_counted=Case(
            When(found.counted, then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    )


def counted_among(found: Population, pks) -> set[int]:
    """Which of the cadres ``pks`` (a page of ``found``) are counted, as ``marked`` says: the
    condition asked of those rows only. Annotated on a whole list, a condition over a subquery
    (the learners of every resolution study…) is computed for the whole population first: 0.3 s
    for a province of a million, for a page of fifty."""
    if found.counted is None:
        return set(pks)
    return set(found.cadres.filter(found.counted, pk__in=list(pks)).values_list("pk", flat=True))


def with_result(found: Population, counted: bool) -> QuerySet:
    """The cadres of ``found`` that are counted (``counted``) or not, as ``marked`` says, the
    condition asked of each row as it is read (an EXISTS): a page of them takes a few ms, where
    filtering ``marked`` computes the condition for the whole population first. Counting them
    all is the other way round: 3 s through ``marked`` for a province of a million, 9 s here."""
    if found.counted is None:
        return found.cadres if counted else found.cadres.none()
    condition = Exists(found.cadres.filter(found.counted).filter(pk=OuterRef("pk")))
    return found.cadres.filter(condition if counted else ~condition)
