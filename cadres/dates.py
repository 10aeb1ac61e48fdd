"""The date rules of every record, as data: what each date field may be relative to today, to
the cadre's birth and to another date of the same record. Each model's ``clean()`` applies its
rules (so its forms and the admin do), and the import applies the cadre's through
``Cadre.date_problems``; nothing else decides whether a date is plausible.

The horizon ahead of today is ``settings.DATE_HORIZON_DAYS`` (a decision signed now may take
effect next term). Nothing is earlier than the founding of the organisation it belongs to: the
Party (03/02/1930) for Party dates, the Youth Union (26/03/1931) for everything else, merges
included; birth-relative rules catch the rest.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils.text import capfirst

from common.dates import add_years, years_before

# Sanity bounds of a birth date (not a rule of the Youth Union: those live in PositionStandard).
# Nothing about a cadre happens before MIN_AGE either: joining, posts, commendations, disciplines.
MIN_AGE, MAX_AGE = 14, 70
PARTY_FOUNDED = datetime.date(1930, 2, 3)
YOUTH_UNION_FOUNDED = datetime.date(1931, 3, 26)


@dataclass(frozen=True)
class DateRule:
    field: str
    label: str = ""  # how messages name the field; its verbose name when empty
    not_future: bool = False  # not after today
    horizon: bool = False  # not more than DATE_HORIZON_DAYS after today
    earliest: datetime.date | None = None  # not before this day
    min_age: int | None = None  # not before the cadre's birthday at this age (0: birth)
    not_before: str = ""  # not before this other date field of the record
    requires: str = ""  # this other date field must be filled when this one is
    age_between: tuple[int, int] | None = None  # a birth date: the age today within these bounds


RULES: dict[str, tuple[DateRule, ...]] = {
    "cadres.Cadre": (
        DateRule("birth_date", age_between=(MIN_AGE, MAX_AGE)),
        DateRule("youth_union_joined_on", not_future=True, earliest=YOUTH_UNION_FOUNDED, min_age=MIN_AGE),
        DateRule("party_joined_on", not_future=True, earliest=PARTY_FOUNDED, min_age=MIN_AGE),
        DateRule(
            "party_official_on",
            not_future=True,
            earliest=PARTY_FOUNDED,
            min_age=MIN_AGE,
            not_before="party_joined_on",
            requires="party_joined_on",
        ),
        DateRule("left_on", not_future=True, min_age=0),
    ),
    "cadres.Appointment": (
        DateRule("started_on", "ngày bắt đầu", horizon=True, earliest=YOUTH_UNION_FOUNDED, min_age=MIN_AGE),
        DateRule(
            "ended_on",
            "ngày kết thúc",
            horizon=True,
            earliest=YOUTH_UNION_FOUNDED,
            min_age=MIN_AGE,
            not_before="started_on",
        ),
    ),
    "cadres.Commendation": (
        DateRule(
            "awarded_on", "ngày khen thưởng", horizon=True, earliest=YOUTH_UNION_FOUNDED, min_age=MIN_AGE
        ),
    ),
    "cadres.Discipline": (
        DateRule("decided_on", "ngày kỷ luật", horizon=True, earliest=YOUTH_UNION_FOUNDED, min_age=MIN_AGE),
    ),
    "cadres.UnitMerge": (DateRule("effective_on", horizon=True, earliest=YOUTH_UNION_FOUNDED),),
}


def horizon(day: datetime.date) -> datetime.date:
    """The last day a date may be when it may lie ahead of ``day``."""
    return day + datetime.timedelta(days=settings.DATE_HORIZON_DAYS)


def date_problems(instance, *, today: datetime.date, birth: datetime.date | None) -> dict[str, str]:
    """The rules of ``instance``'s model applied to it, field → message (one per field).
    ``birth`` is the cadre's birth date; rules relative to it are skipped when it is unknown."""
    rules = RULES[instance._meta.label]
    labels = {rule.field: _label(instance, rule) for rule in rules}
    problems: dict[str, str] = {}
    for rule in rules:
        value = getattr(instance, rule.field)
        if value is not None and (problem := _problem(rule, value, instance, today, birth, labels)):
            problems[rule.field] = problem
    for rule in rules:
        if rule.requires and getattr(instance, rule.field) and not getattr(instance, rule.requires):
            problems.setdefault(
                rule.requires, f"Cần nhập {labels[rule.requires]} khi đã có {labels[rule.field]}."
            )
    return problems


def _label(instance, rule: DateRule) -> str:
    return rule.label or str(instance._meta.get_field(rule.field).verbose_name)


def _day(value: datetime.date) -> str:
    # Not strftime: "%Y" drops the zeros of year 1 ("01/01/1").
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def _problem(rule, value, instance, today, birth, labels) -> str | None:
    name = f"{capfirst(labels[rule.field])} {_day(value)}"
    if rule.age_between:
        youngest, oldest = rule.age_between
        if not years_before(today, oldest) <= value <= years_before(today, youngest):
            return f"{name} không hợp lệ: tuổi phải từ {youngest} đến {oldest}."
        return None
    if rule.not_future and value > today:
        return f"{name} ở tương lai."
    if rule.horizon and value > horizon(today):
        return f"{name} quá xa trong tương lai (chỉ nhập đến ngày {_day(horizon(today))})."
    if rule.earliest and value < rule.earliest:
        return f"{name} quá xa trong quá khứ (không thể trước {_day(rule.earliest)})."
    if rule.min_age is not None and birth:
        if value < birth:
            return f"{name} trước ngày sinh."
        if value < add_years(birth, rule.min_age):
            return f"{name} khi cán bộ chưa đủ {rule.min_age} tuổi (ngày sinh {_day(birth)})."
    other = getattr(instance, rule.not_before) if rule.not_before else None
    if other and value < other:
        return f"{name} không thể trước {labels[rule.not_before]} ({_day(other)})."
    return None
