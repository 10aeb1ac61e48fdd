"""The parameters of the metrics: their kinds, their choices and their validation.

A target stores its parameters as JSON (``Target.params``): lists of codes (posts, unit kinds,
unit levels, course categories, course kinds, employment) and whole numbers (a level of
education or of foreign language, a count, a number of months). ``clean_params`` turns what a
form or a copy sent into the stored form, with the defaults filled in, or refuses it with a
Vietnamese message naming the parameter."""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from cadres.models import Education, Employment, LanguageLevel, Position, UnitLevel
from training.models import Category, CourseKind
from units.models import UnitKind

# The kinds of parameter. A list kind holds codes; an int kind a whole number.
POSITIONS = "positions"  # codes of cadres.Position ("bi-thu")
UNIT_KINDS = "unit_kinds"  # values of units.UnitKind ("doan_phuong")
UNIT_LEVELS = "unit_levels"  # values of units.UnitLevel ("base")
CATEGORIES = "categories"  # values of training.Category ("political_theory")
COURSE_KINDS = "course_kinds"  # codes of training.CourseKind
EMPLOYMENT = "employment"  # values of cadres.Employment ("full_time")
EDUCATION = "education"  # a value of cadres.Education (4 = Đại học)
LANGUAGE_LEVEL = "language_level"  # a value of cadres.LanguageLevel (3 = B1)
INT = "int"  # a whole number within [minimum, maximum]

LIST_KINDS = (POSITIONS, UNIT_KINDS, UNIT_LEVELS, CATEGORIES, COURSE_KINDS, EMPLOYMENT)
MAX_CODES = 50  # no list of codes is longer than its catalogue; refused beyond this


@dataclass(frozen=True)
class Param:
    name: str
    label: str
    kind: str
    default: Any
    help: str = ""
    required: bool = False  # a list that may not be empty
    minimum: int | None = None  # int kinds
    maximum: int | None = None

    @property
    def is_list(self) -> bool:
        return self.kind in LIST_KINDS


def static_choices(kind: str) -> list[tuple[Any, str]] | None:
    """The choices of a kind that are code constants (None for those read from the database)."""
    return {
        UNIT_KINDS: UnitKind.choices,
        UNIT_LEVELS: UnitLevel.choices,
        CATEGORIES: Category.choices,
        EMPLOYMENT: Employment.choices,
        EDUCATION: [(value, label) for value, label in Education.choices if value],
        LANGUAGE_LEVEL: [(value, label) for value, label in LanguageLevel.choices if value],
    }.get(kind)


def choices(kind: str) -> list[tuple[Any, str]]:
    """Every choice of a kind, for forms (one query for posts and course kinds)."""
    if kind == POSITIONS:
        return list(Position.objects.order_by("order", "name").values_list("code", "name"))
    if kind == COURSE_KINDS:
        return list(CourseKind.objects.order_by("order", "name").values_list("code", "name"))
    return static_choices(kind) or []


def choice_labels(kind: str, values) -> list[str]:
    """The labels of ``values`` of a kind, in the given order (unknown codes as they are)."""
    labels = dict(choices(kind))
    return [str(labels.get(value, value)) for value in values]


@dataclass
class _Cleaner:
    errors: list[str] = field(default_factory=list)

    def codes(self, param: Param, value) -> list:
        if value is None or value == "":
            value = []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple):
            self.errors.append(f"{param.label}: phải là danh sách các lựa chọn.")
            return []
        if len(value) > MAX_CODES:
            self.errors.append(f"{param.label}: chọn quá nhiều ({len(value)}), tối đa {MAX_CODES}.")
            return []
        codes = []
        for item in value:
            if not isinstance(item, str) or not item.strip():
                self.errors.append(f"{param.label}: có lựa chọn không hợp lệ.")
                return []
            if item.strip() not in codes:
                codes.append(item.strip())
        known = self.known(param.kind, codes)
        unknown = [code for code in codes if code not in known]
        if unknown:
            self.errors.append(f"{param.label}: không có trong danh mục: {', '.join(unknown[:5])}.")
            return []
        if param.required and not codes:
            self.errors.append(f"{param.label}: chọn ít nhất một.")
        return codes

    @staticmethod
    def known(kind: str, codes: list[str]) -> set[str]:
        if not codes:
            return set()
        if kind == POSITIONS:
            return set(Position.objects.filter(code__in=codes).values_list("code", flat=True))
        if kind == COURSE_KINDS:
            return set(CourseKind.objects.filter(code__in=codes).values_list("code", flat=True))
        return {str(value) for value, _ in static_choices(kind) or []}

    def number(self, param: Param, value) -> int | None:
        if value is None or value == "":
            value = param.default
        if isinstance(value, bool):
            value = None
        elif isinstance(value, str):
            text = value.strip()
            value = int(text) if text.isascii() and text.isdigit() and len(text) <= 6 else None
        elif isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int):
            self.errors.append(f"{param.label}: phải là một số nguyên.")
            return None
        allowed = static_choices(param.kind)
        if allowed is not None:
            if value not in [choice for choice, _ in allowed]:
                names = ", ".join(label for _, label in allowed)
                self.errors.append(f"{param.label}: chọn một trong: {names}.")
                return None
            return value
        if param.minimum is not None and value < param.minimum:
            self.errors.append(f"{param.label}: phải từ {param.minimum} trở lên.")
            return None
        if param.maximum is not None and value > param.maximum:
            self.errors.append(f"{param.label}: không được quá {param.maximum}.")
            return None
        return value


def clean_params(params_spec: tuple[Param, ...], params) -> dict:
    """``params`` checked against ``params_spec``: every parameter present (defaults filled in),
    nothing else; raises ``ValidationError`` with one Vietnamese message per problem."""
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise ValidationError("Tham số của chỉ tiêu không hợp lệ.")
    names = {param.name for param in params_spec}
    unknown = [str(name) for name in params if name not in names]
    if unknown:
        raise ValidationError(f"Tham số không dùng cho cách tính này: {', '.join(unknown[:5])}.")
    cleaner = _Cleaner()
    cleaned = {}
    for param in params_spec:
        value = params.get(param.name, param.default)
        if param.is_list:
            cleaned[param.name] = cleaner.codes(param, value)
        else:
            cleaned[param.name] = cleaner.number(param, value)
    if cleaner.errors:
        raise ValidationError(cleaner.errors)
    return cleaned
