"""Age limits and qualification standards applied to cadres.

The rules live in ``PositionStandard`` rows (seeded from Quyết định 289-QĐ/TW, edited by
admins). A ``StandardBook`` loads the rows in force on a day once, then answers both
per-cadre questions (warnings on a page) and whole-list questions (SQL filters), so the
page badges and the list filters can never disagree.

"Quá tuổi" means a completed age above the holding limit: with a limit of 35, a cadre is
over it from their 36th birthday.
"""

import contextlib
import contextvars
import datetime
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db.models import BooleanField, Case, PositiveSmallIntegerField, Q, Value, When

from common.dates import add_months, add_years, today, years_before

from .models import Cadre, Education, Position, PositionStandard, UnitLevel
from .models.roster import NO_POSITION_ORDER

# A book shared by many saves in a row (an import, the demo data): see ``StandardBook.shared``.
_shared_book: contextvars.ContextVar["StandardBook | None"] = contextvars.ContextVar(
    "shared_book", default=None
)


@dataclass(frozen=True)
class Warning:
    code: str  # over_age, near_age, below_education, below_political_theory
    label: str
    detail: str
    severity: str  # Bootstrap colour: danger, warning

    @property
    def badge_class(self) -> str:
        return f"text-bg-{self.severity}"


class StandardBook:
    def __init__(self, day: datetime.date | None = None, warning_months: int | None = None):
        self.day = day or today()
        self.warning_months = warning_months or settings.AGE_WARNING_MONTHS
        self._rows: dict[tuple[int | None, str, bool], PositionStandard] = {}
        for standard in PositionStandard.objects.effective_on(self.day).order_by("effective_from"):
            # A later effective_from wins where rows overlap.
            self._rows[(standard.position_id, standard.level, standard.for_school_staff)] = standard
        self._position_orders = dict(Position.objects.values_list("pk", "order"))
        self._position_ids = list(self._position_orders)

    @classmethod
    def current(cls) -> "StandardBook":
        """The book of ``shared()`` when one is open, else a fresh one (two small queries)."""
        book = _shared_book.get()
        return book if book is not None and book.day == today() else cls()

    @classmethod
    @contextlib.contextmanager
    def shared(cls) -> Iterator["StandardBook"]:
        """One book for every save inside the block, instead of one per save: for work that
        saves many cadres while the standards stay as they are (imports, merges, demo data)."""
        token = _shared_book.set(cls())
        try:
            yield _shared_book.get()
        finally:
            _shared_book.reset(token)

    def limits(self) -> set[int]:
        """Every holding limit in force, normal and for hardship areas."""
        found = set()
        for standard in self._rows.values():
            for hardship in (False, True):
                if (limit := standard.holding_limit(hardship=hardship)) is not None:
                    found.add(limit)
        return found

    # Derived columns ---------------------------------------------------------------------

    def refresh_derived(self, cadre: Cadre) -> None:
        """Set the cadre's copies of what the roster sorts and warns on: the unit's path, the
        post's order, the age limit of the post and whether the cadre is below its standard."""
        unit = cadre.unit
        cadre.unit_path = unit.path
        cadre.position_order = self._position_orders.get(cadre.position_id, NO_POSITION_ORDER)
        standard = self.resolve(cadre.position_id, unit.level, cadre.is_school_staff)
        if standard is None:
            cadre.age_limit, cadre.below_standard = None, False
            return
        hardship = unit.is_hardship_area
        cadre.age_limit = standard.holding_limit(hardship=hardship)
        education = standard.education_minimum(hardship=hardship)
        theory = standard.min_political_theory
        cadre.below_standard = (education is not None and cadre.education < education) or (
            theory is not None and cadre.political_theory < theory
        )

    def refresh_rows(self, queryset, **also) -> None:
        """``refresh_derived`` for many cadres at once (the standards or the units changed): one
        UPDATE per unit level and hardship flag, each row written once, the rules of ``_groups``
        as CASE expressions on the cadre's own columns; ``also`` sets more columns in the same
        UPDATE."""
        for level in UnitLevel.values:
            for hardship in (False, True):
                limits, below = [], []
                for scope, standard in self._groups(level):
                    if (limit := standard.holding_limit(hardship=hardship)) is not None:
                        limits.append(When(scope, then=Value(limit)))
                    short = Q(pk__in=[])
                    if (education := standard.education_minimum(hardship=hardship)) is not None:
                        short |= Q(education__lt=education)
                    if standard.min_political_theory is not None:
                        short |= Q(political_theory__lt=standard.min_political_theory)
                    below.append(When(scope & short, then=Value(True)))
                queryset.filter(unit__level=level, unit__is_hardship_area=hardship).update(
                    age_limit=Case(*limits, default=Value(None), output_field=PositiveSmallIntegerField()),
                    below_standard=Case(*below, default=Value(False), output_field=BooleanField()),
                    **also,
                )

    def resolve(self, position_id: int | None, level: str, school_staff: bool) -> PositionStandard | None:
        """The row for this post: the position's own, else the level's general one; a
        school-staff row first when the cadre is school staff."""
        staff_options = (True, False) if school_staff else (False,)
        for staff in staff_options:
            for key in ((position_id, level, staff), (None, level, staff)):
                if key in self._rows:
                    return self._rows[key]
        return None

    def standard_for(self, cadre: Cadre) -> PositionStandard | None:
        return self.resolve(cadre.position_id, cadre.unit.level, cadre.is_school_staff)

    # Per cadre ---------------------------------------------------------------------------

    def warnings(self, cadre: Cadre) -> list[Warning]:
        if not cadre.is_active:
            return []
        standard = self.standard_for(cadre)
        if standard is None:
            return []
        hardship = cadre.unit.is_hardship_area
        found = []
        limit = standard.holding_limit(hardship=hardship)
        if limit is not None:
            over_from = self._over_cutoff(limit, self.day)
            soon_from = self._over_cutoff(limit, add_months(self.day, self.warning_months))
            if cadre.birth_date <= over_from:
                found.append(
                    Warning(
                        "over_age",
                        "Quá tuổi",
                        f"{cadre.age_on(self.day)} tuổi, giới hạn khi đảm nhiệm là {limit}",
                        "danger",
                    )
                )
            elif cadre.birth_date <= soon_from:
                reaches_on = add_years(cadre.birth_date, limit + 1)
                found.append(
                    Warning(
                        "near_age", "Sắp quá tuổi", f"quá {limit} tuổi từ {reaches_on:%d/%m/%Y}", "warning"
                    )
                )
        minimum = standard.education_minimum(hardship=hardship)
        if minimum is not None and cadre.education < minimum:
            found.append(
                Warning(
                    "below_education",
                    "Chưa đạt chuẩn chuyên môn",
                    f"{cadre.get_education_display()}, chuẩn tối thiểu {Education(minimum).label}",
                    "warning",
                )
            )
        if (
            standard.min_political_theory is not None
            and cadre.political_theory < standard.min_political_theory
        ):
            found.append(
                Warning(
                    "below_political_theory",
                    "Chưa đạt chuẩn LLCT",
                    f"{cadre.get_political_theory_display()}, chuẩn tối thiểu "
                    f"{standard.get_min_political_theory_display()}",
                    "warning",
                )
            )
        return found

    # Whole lists, in SQL -----------------------------------------------------------------

    def groups(self, level: str):
        """``_groups``, for other apps' conditions on the same rules (training's needs list)."""
        return self._groups(level)

    def _groups(self, level: str):
        """(Q selecting the cadres of a unit of ``level`` a row applies to, the row), covering
        every such cadre once; the Q is on the cadre's own columns."""
        for staff in (False, True):
            by_standard: dict[int, list[int]] = defaultdict(list)
            standards: dict[int, PositionStandard] = {}
            for position_id in self._position_ids:
                standard = self.resolve(position_id, level, staff)
                if standard is not None:
                    by_standard[standard.pk].append(position_id)
                    standards[standard.pk] = standard
            general = self.resolve(None, level, staff)
            for pk, position_ids in by_standard.items():
                positions = Q(position__in=position_ids)
                if general is not None and general.pk == pk:
                    positions |= Q(position__isnull=True)
                yield Q(is_school_staff=staff) & positions, standards[pk]
            if general is not None and general.pk not in by_standard:
                yield Q(is_school_staff=staff, position__isnull=True), general

    @staticmethod
    def _over_cutoff(limit: int, day: datetime.date) -> datetime.date:
        return years_before(day, limit + 1)

    def _age_q(self, day: datetime.date) -> Q:
        """Cadres whose completed age on ``day`` is above their holding limit: one range of
        birth dates per limit, on the stored ``age_limit`` (index ``cadre_age_limit``)."""
        result = Q(pk__in=[])
        for limit in sorted(self.limits()):
            result |= Q(age_limit=limit, birth_date__lte=self._over_cutoff(limit, day))
        return result

    def _near_q(self, day: datetime.date, later: datetime.date) -> Q:
        result = Q(pk__in=[])
        for limit in sorted(self.limits()):
            result |= Q(
                age_limit=limit,
                birth_date__gt=self._over_cutoff(limit, day),
                birth_date__lte=self._over_cutoff(limit, later),
            )
        return result

    def over_age_q(self) -> Q:
        return Q(status="active") & self._age_q(self.day)

    def near_age_q(self) -> Q:
        return Q(status="active") & self._near_q(self.day, add_months(self.day, self.warning_months))

    def below_standard_q(self) -> Q:
        return Q(status="active", below_standard=True)
