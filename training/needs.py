"""The training-needs list (nhu cầu đào tạo, bồi dưỡng): active cadres below the standard of
the post they hold or are planned for, grouped by what they lack, and cadres appointed lately to
a post whose title course (bồi dưỡng theo chức danh) they have not completed.

The standards are data: education and political theory from ``PositionStandard`` (through
``cadres.standards.StandardBook``), foreign language and IT from ``SkillStandard``, the months
that count as "lately" from ``TrainingRules``. Held posts are judged in SQL (one condition per
group, so the list pages and counts in the database); planned posts come from the planning app
through ``cadres.registry.planned_posts`` — a few thousand rows at most — and are judged in
Python, their cadres joining the SQL as a list of ids."""

import dataclasses
import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import BooleanField, Case, Exists, OuterRef, Q, Value, When

from cadres import registry
from cadres.models import (
    Appointment,
    Cadre,
    Education,
    ItLevel,
    LanguageLevel,
    PoliticalTheory,
    PositionStandard,
    UnitLevel,
)
from cadres.standards import StandardBook
from common.dates import add_months, today
from common.lists import COUNT_CACHE_SECONDS, generation
from units.scope import scope_prefix, subtree_condition

from .models import (
    ENROLLING,
    Course,
    CourseKind,
    Enrollment,
    EnrollmentStatus,
    Qualification,
    SkillStandard,
    TrainingRules,
)


@dataclass(frozen=True)
class Group:
    code: str
    label: str
    field: str  # the Cadre field compared, "" for the title course


GROUPS = [
    Group("political_theory", "Lý luận chính trị", Qualification.POLITICAL_THEORY),
    Group("education", "Trình độ chuyên môn", Qualification.EDUCATION),
    Group("foreign_language", "Ngoại ngữ", Qualification.FOREIGN_LANGUAGE),
    Group("it", "Tin học", Qualification.IT),
    Group("title", "Bồi dưỡng theo chức danh", ""),
]
GROUP_BY_CODE = {group.code: group for group in GROUPS}
LEVEL_CHOICES = {
    Qualification.POLITICAL_THEORY: PoliticalTheory,
    Qualification.EDUCATION: Education,
    Qualification.FOREIGN_LANGUAGE: LanguageLevel,
    Qualification.IT: ItLevel,
}


@dataclass
class Need:
    group: Group
    minimum: int | None  # the level required (None for a title course)
    why: str  # "Bí thư (đang giữ)", "quy hoạch Phó Bí thư Đoàn xã A"
    planned: bool = False
    position_id: int | None = None  # the title course's post

    @property
    def label(self) -> str:
        if self.group.field:
            return f"{self.group.label} {LEVEL_CHOICES[self.group.field](self.minimum).label}"
        return self.group.label


@dataclass
class Suggestion:
    course: Course
    enrolled: bool = False


@dataclass
class NeedRow:
    cadre: Cadre
    needs: list[Need] = field(default_factory=list)
    planned: bool = False
    courses: list[Suggestion] = field(default_factory=list)


class SkillBook:
    """The ``SkillStandard`` rows by (position, level), resolved as ``StandardBook`` does: the
    post's own row, else the level's general one."""

    def __init__(self):
        self.rows = {(row.position_id, row.level): row for row in SkillStandard.objects.all()}

    def resolve(self, position_id: int | None, level: str) -> SkillStandard | None:
        return self.rows.get((position_id, level)) or self.rows.get((None, level))

    def condition(self, field_name: str) -> Q:
        """Cadres holding a post whose row requires more of ``field_name`` than they have."""
        attribute = (
            "min_foreign_language_level" if field_name == Qualification.FOREIGN_LANGUAGE else "min_it_level"
        )
        result = Q(pk__in=[])
        for level in UnitLevel.values:
            own = {pid: row for (pid, lvl), row in self.rows.items() if lvl == level and pid is not None}
            general = self.rows.get((None, level))
            for position_id, row in own.items():
                if minimum := getattr(row, attribute):
                    result |= Q(unit__level=level, position_id=position_id, **{f"{field_name}__lt": minimum})
            if general is not None and (minimum := getattr(general, attribute)):
                result |= Q(unit__level=level, position__isnull=False, **{f"{field_name}__lt": minimum}) & ~Q(
                    position_id__in=list(own)
                )
        return result


class NeedsBook:
    """Everything the needs list weighs, loaded once per request."""

    def __init__(self, user, day: datetime.date | None = None):
        self.user = user
        self.day = day or today()
        self.standards = StandardBook(self.day)
        self.skills = SkillBook()
        self.rules = TrainingRules.current()
        self.since = add_months(self.day, -self.rules.recent_appointment_months)
        self.titled = set(
            CourseKind.objects.filter(positions__isnull=False).values_list("positions", flat=True)
        )
        self.planned_posts = registry.planned_posts(user)
        self.candidate_ids = {post.cadre_id for post in self.planned_posts}
        self._planned = None
        self._title_ids = None
        self._conditions: dict[str | None, Q] = {}
        self._version: str | None = None

    # --- SQL conditions for held posts ------------------------------------------------------

    def held_condition(self, code: str) -> Q:
        if code == "political_theory":
            return self._standard_condition(
                lambda standard, hardship: standard.min_political_theory, "political_theory"
            )
        if code == "education":
            return self._standard_condition(
                lambda standard, hardship: standard.education_minimum(hardship=hardship), "education"
            )
        if code in ("foreign_language", "it"):
            return self.skills.condition(GROUP_BY_CODE[code].field)
        return self.title_condition()

    def _standard_condition(self, minimum_of, field_name: str) -> Q:
        """Below the post's standard: only cadres the roster flags ``below_standard`` (the same
        rules, kept on the row), so the condition walks that flag's index."""
        result = Q(pk__in=[])
        for level in UnitLevel.values:
            for scope, standard in self.standards.groups(level):
                for hardship in (False, True):
                    minimum = minimum_of(standard, hardship)
                    if minimum:
                        result |= (
                            Q(unit__level=level, unit__is_hardship_area=hardship, position__isnull=False)
                            & scope
                            & Q(**{f"{field_name}__lt": minimum})
                        )
        return Q(below_standard=True) & result

    def title_condition(self) -> Q:
        return Q(pk__in=self.title_ids())

    def title_ids(self) -> list[int]:
        """The cadres of the user's scope appointed since ``since`` to a post with a title course
        they have not completed: one query on the open posts' index."""
        if self._title_ids is None and self.titled:
            self._title_ids = cache.get(self._key("training-title"))
        if self._title_ids is None:
            if not self.titled:
                self._title_ids = []
            else:
                done = Enrollment.objects.filter(
                    cadre_id=OuterRef("cadre_id"),
                    status=EnrollmentStatus.COMPLETED,
                    course__kind__positions=OuterRef("position_id"),
                )
                # Driven from the open posts' index (recent appointments are few); the scope is
                # then checked on the cadre's own copy of its unit's path.
                prefix = scope_prefix(self.user)
                rows = (
                    Appointment.objects.filter(
                        ended_on__isnull=True, started_on__gte=self.since, position_id__in=self.titled
                    )
                    .exclude(Exists(done))
                    .values_list("cadre_id", "cadre__unit_path", "cadre__status")
                )
                self._title_ids = sorted(
                    {
                        cadre_id
                        for cadre_id, path, status in (rows if prefix is not None else [])
                        if status == "active" and path.startswith(prefix)
                    }
                )
                cache.set(self._key("training-title"), self._title_ids, timeout=COUNT_CACHE_SECONDS)
        return self._title_ids

    # --- Planned posts, in Python -----------------------------------------------------------

    def planned(self) -> dict[int, list[Need]]:
        """Cadre id → the needs their planned posts give them."""
        if self._planned is None:
            ids = {post.cadre_id for post in self.planned_posts}
            levels = {
                row["pk"]: row
                for row in Cadre.objects.filter(pk__in=ids).values(
                    "pk", "is_school_staff", *(group.field for group in GROUPS if group.field)
                )
            }
            found: dict[int, list[Need]] = defaultdict(list)
            for post in self.planned_posts:
                cadre = levels.get(post.cadre_id)
                if cadre is None:
                    continue
                why = f"quy hoạch {post.position_name}, {post.unit_name}"
                for need in self._post_needs(cadre, post.position_id, post.level, post.hardship, why):
                    need.planned = True
                    found[post.cadre_id].append(need)
            self._planned = dict(found)
        return self._planned

    def planned_ids(self, code: str | None = None) -> list[int]:
        return sorted(
            cadre_id
            for cadre_id, needs in self.planned().items()
            if code is None or any(need.group.code == code for need in needs)
        )

    def _post_needs(self, cadre: dict, position_id: int, level: str, hardship: bool, why: str) -> list[Need]:
        needs = []
        standard = self.standards.resolve(position_id, level, cadre["is_school_staff"])
        if standard is not None:
            theory = standard.min_political_theory
            if theory and cadre["political_theory"] < theory:
                needs.append(Need(GROUP_BY_CODE["political_theory"], theory, why))
            education = standard.education_minimum(hardship=hardship)
            if education and cadre["education"] < education:
                needs.append(Need(GROUP_BY_CODE["education"], education, why))
        skill = self.skills.resolve(position_id, level)
        if skill is not None:
            if (
                skill.min_foreign_language_level
                and cadre["foreign_language_level"] < skill.min_foreign_language_level
            ):
                needs.append(Need(GROUP_BY_CODE["foreign_language"], skill.min_foreign_language_level, why))
            if skill.min_it_level and cadre["it_level"] < skill.min_it_level:
                needs.append(Need(GROUP_BY_CODE["it"], skill.min_it_level, why))
        return needs

    # --- The list ---------------------------------------------------------------------------

    def condition(self, code: str | None = None) -> Q:
        """Cadres with a need of group ``code`` (every group when None); built once per book."""
        if code not in self._conditions:
            codes = [code] if code else [group.code for group in GROUPS]
            result = Q(pk__in=self.planned_ids(code)) if self.planned() else Q(pk__in=[])
            for each in codes:
                result |= self.held_condition(each)
            self._conditions[code] = result
        return self._conditions[code]

    def base(self, unit=None):
        """The active cadres of the user's scope, or of ``unit``'s subtree within it."""
        cadres = Cadre.objects.visible_to(self.user).filter(status="active")
        return cadres.filter(subtree_condition("unit_path", unit.path)) if unit is not None else cadres

    def queryset(self, code: str | None = None, unit=None):
        return self.base(unit).filter(self.condition(code))

    def listing(self, unit=None, code: str = "all") -> list[int]:
        """The ids of the cadres in need of group ``code`` ("all": of any): planning candidates
        first, then the roster's order. Every group is read in one query over the scope (or
        ``unit``'s subtree) and remembered until anything the needs depend on changes
        (``version``), as the roster's counts are: pages are slices of these lists, and the
        counts their lengths, kept apart so that a page reads one list. The key is the scope and
        the version, not the query's SQL: compiling the groups' conditions costs more than
        reading the cache."""
        where = unit.path if unit is not None else ""
        found = cache.get(self._key(f"training-needs-{code}", where))
        if found is None:
            found = self._compute(unit, where)[code]
        return found

    def counts(self, unit=None) -> dict[str, int]:
        """How many cadres each group holds (and "all")."""
        where = unit.path if unit is not None else ""
        counts = cache.get(self._key("training-needs-counts", where))
        if counts is None:
            counts = {code: len(ids) for code, ids in self._compute(unit, where).items()}
        return counts

    def _compute(self, unit, where: str) -> dict[str, list[int]]:
        flags = {
            f"need_{group.code}": Case(
                When(self.condition(group.code), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
            for group in GROUPS
        }
        rows = (
            self.base(unit)
            .filter(self.condition())
            .annotate(**flags)
            .order_by("unit_path", "position_order", "full_name", "pk")
            .values_list("pk", *flags)
        )
        ordered = sorted(rows, key=lambda row: row[0] not in self.candidate_ids)  # stable
        found = {"all": [row[0] for row in ordered]}
        for index, group in enumerate(GROUPS, start=1):
            found[group.code] = [row[0] for row in ordered if row[index]]
        values = {self._key(f"training-needs-{code}", where): ids for code, ids in found.items()}
        values[self._key("training-needs-counts", where)] = {code: len(ids) for code, ids in found.items()}
        cache.set_many(values, timeout=COUNT_CACHE_SECONDS)
        return found

    def _key(self, name: str, where: str = "") -> str:
        """A cache key for a figure of the user's scope (and ``where`` within it) at ``version``."""
        text = f"{scope_prefix(self.user)}|{where}|{self.version()}"
        return f"{name}:{hashlib.sha256(text.encode()).hexdigest()}"

    def version(self) -> str:
        """A token that changes whenever a need may have: any cadre (``data_version``), the newest
        change to enrolments, posts held, the standards and rules read here, and the planned
        posts themselves (hashed, as they are loaded anyway). One index probe each."""
        if self._version is not None:
            return self._version
        newest = [
            model.history.order_by("-history_id").values_list("history_id", flat=True).first()
            for model in (Enrollment, Appointment, PositionStandard, SkillStandard, TrainingRules, CourseKind)
        ]
        planned = hashlib.sha256(
            repr(sorted(dataclasses.astuple(post) for post in self.planned_posts)).encode()
        ).hexdigest()
        self._version = f"{Cadre.objects.data_version()}:{newest}:{planned}:{generation('training')}"
        return self._version

    def rows(self, cadres: list[Cadre], code: str | None = None, *, courses=None) -> list[NeedRow]:
        """The needs of each cadre of a page (the cadres come with ``unit`` and ``position``)."""
        planned = self.planned()
        titles = self._title_needs([cadre.pk for cadre in cadres])
        rows = []
        for cadre in cadres:
            row = NeedRow(cadre, planned=cadre.pk in self.candidate_ids)
            if cadre.position_id is not None:
                values = {
                    name: getattr(cadre, name)
                    for name in ("is_school_staff", *(g.field for g in GROUPS if g.field))
                }
                row.needs += self._post_needs(
                    values,
                    cadre.position_id,
                    cadre.unit.level,
                    cadre.unit.is_hardship_area,
                    f"{cadre.position.name} (đang giữ)",
                )
            row.needs += titles.get(cadre.pk, [])
            row.needs += planned.get(cadre.pk, [])
            if code:
                row.needs.sort(key=lambda need: need.group.code != code)
            rows.append(row)
        self._suggest(rows, courses)
        return rows

    def _title_needs(self, cadre_ids: list[int]) -> dict[int, list[Need]]:
        titled = set(self.title_ids())
        cadre_ids = [pk for pk in cadre_ids if pk in titled]
        if not cadre_ids:
            return {}
        # The open posts of the page's cadres (a few rows), sorted out here.
        appointments = [
            appointment
            for appointment in Appointment.objects.filter(cadre_id__in=cadre_ids, ended_on__isnull=True)
            .select_related("position", "unit")
            .order_by("pk")
            if appointment.started_on >= self.since and appointment.position_id in self.titled
        ]
        done = set(
            Enrollment.objects.filter(cadre_id__in=cadre_ids, status=EnrollmentStatus.COMPLETED).values_list(
                "cadre_id", "course__kind__positions"
            )
        )
        found: dict[int, list[Need]] = defaultdict(list)
        for appointment in appointments:
            if (appointment.cadre_id, appointment.position_id) in done:
                continue
            why = (
                f"{appointment.position.name}, {appointment.unit.name}, từ {appointment.started_on:%d/%m/%Y}"
            )
            found[appointment.cadre_id].append(
                Need(GROUP_BY_CODE["title"], None, why, position_id=appointment.position_id)
            )
        return found

    def _suggest(self, rows: list[NeedRow], courses=None) -> None:
        """For each row, the courses open to this user that would meet one of its needs (those
        given, else the first 200 open ones), and whether the cadre is already enrolled in them
        (two queries at most)."""
        if courses is None:
            courses = list(
                Course.objects.filter(status__in=ENROLLING, ends_on__gte=self.day)
                .visible_to(self.user)
                .select_related("kind")
                .prefetch_related("kind__positions")
                .order_by("starts_on", "pk")[:200]
            )
        courses = [course for course in courses if course.kind.grants or course.kind.positions.all()]
        if not courses:
            return
        enrolled = set(
            Enrollment.objects.filter(cadre_id__in=[row.cadre.pk for row in rows], course__in=courses)
            .exclude(status=EnrollmentStatus.WITHDRAWN)
            .values_list("cadre_id", "course_id")
        )
        for row in rows:
            seen = set()
            for need in row.needs:
                for course in courses:
                    if course.pk in seen or not _meets(course.kind, need, row.cadre):
                        continue
                    seen.add(course.pk)
                    row.courses.append(Suggestion(course, enrolled=(row.cadre.pk, course.pk) in enrolled))
            row.courses = row.courses[:3]


def _meets(kind: CourseKind, need: Need, cadre: Cadre) -> bool:
    if not need.group.field:
        return need.position_id in {position.pk for position in kind.positions.all()}
    if kind.grants != need.group.field or kind.grants_level is None:
        return False
    return kind.grants_level >= need.minimum and kind.grants_level > getattr(cadre, need.group.field)
