"""What changes training records: enrolling learners (all or none, within the course's
capacity, serialised on the course row), withdrawing them, and recording results — where a
completion raises the cadre's recorded level, only upward, and undoing it restores the level.

Every function runs in one transaction and raises ``ValidationError`` with Vietnamese messages
naming the cadre; nothing is half-saved."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from cadres.models import Cadre, CadreStatus
from common.models import StaleEditError, change_reason
from common.text import fold

from .models import Course, CourseStatus, Enrollment, EnrollmentStatus, Qualification


def lock_course(course: Course) -> Course:
    """The course row, locked until the transaction ends: enrolments into one course wait for
    each other, so two of them never both take the last place."""
    return Course.objects.select_for_update().select_related("kind").get(pk=course.pk)


def places_left(course: Course) -> int | None:
    if course.capacity is None:
        return None
    return max(0, course.capacity - course.enrollments.taking_places().count())


def enrol(course: Course, cadres: Sequence[Cadre], *, user) -> list[Enrollment]:
    """Enrol ``cadres`` (already checked against the user's scope) in ``course``: all of them or
    none. A learner who had withdrawn is registered again."""
    with transaction.atomic():
        course = lock_course(course)
        if not course.is_enrolling:
            raise ValidationError(f"Khoá học «{course}» đã kết thúc: không ghi danh thêm học viên.")
        problems = []
        seen: set[int] = set()
        chosen = []
        for cadre in cadres:
            if cadre.pk in seen:
                problems.append(f"{cadre.full_name} được chọn hai lần.")
                continue
            seen.add(cadre.pk)
            if cadre.status != CadreStatus.ACTIVE:
                problems.append(f"{cadre.full_name} đã thôi công tác ({cadre.get_status_display().lower()}).")
                continue
            chosen.append(cadre)
        existing = {
            enrollment.cadre_id: enrollment
            for enrollment in course.enrollments.select_for_update().filter(cadre__in=[c.pk for c in chosen])
        }
        again = []
        new = []
        for cadre in chosen:
            enrollment = existing.get(cadre.pk)
            if enrollment is None:
                new.append(cadre)
            elif enrollment.status == EnrollmentStatus.WITHDRAWN:
                again.append(enrollment)
            else:
                problems.append(
                    f"{cadre.full_name} đã có trong danh sách học viên "
                    f"({enrollment.get_status_display().lower()})."
                )
        wanted = len(new) + len(again)
        left = places_left(course)
        if left is not None and wanted > left:
            problems.append(
                f"Khoá học chỉ còn {left} chỗ (tối đa {course.capacity} học viên): không ghi danh được "
                f"{wanted} người."
            )
        if problems:
            raise ValidationError(problems)
        for enrollment in again:
            enrollment.status = EnrollmentStatus.REGISTERED
            enrollment._change_reason = "Ghi danh lại"
            enrollment.save()
        created = bulk_create_with_history(
            [Enrollment(course=course, cadre=cadre, enrolled_by=user) for cadre in new],
            Enrollment,
            default_user=user,
        )
        if not created or created[0].pk is None:  # SQLite before 3.35 returns no keys
            created = list(course.enrollments.filter(cadre__in=[c.pk for c in new]))
        return [*again, *created]


def withdraw(enrollment: Enrollment) -> None:
    """Take the learner off the class (their place frees up); a completion is undone first."""
    with transaction.atomic():
        enrollment = (
            Enrollment.objects.select_for_update().select_related("course__kind").get(pk=enrollment.pk)
        )
        if enrollment.status == EnrollmentStatus.WITHDRAWN:
            return
        if enrollment.course.status == CourseStatus.FINISHED:
            raise ValidationError("Khoá học đã kết thúc: sửa kết quả của học viên thay vì rút tên.")
        _undo(enrollment)
        enrollment.status = EnrollmentStatus.WITHDRAWN
        enrollment.certificate_number = ""
        enrollment.certificate_date = None
        enrollment.save()


# --- Results ---------------------------------------------------------------------------------

RESULT_FIELDS = ("status", "score", "result", "prize", "certificate_number", "certificate_date", "note")


@dataclass
class ResultRow:
    """One learner's result as entered: the enrolment, its version when the grid was opened,
    and the new values of ``RESULT_FIELDS``."""

    enrollment: Enrollment
    version: int | None
    values: dict = field(default_factory=dict)


def record_results(course: Course, rows: Iterable[ResultRow]) -> int:
    """Save the class's results in one transaction: refused whole if a learner's row changed
    since the grid was opened (``StaleEditError``) or a row is invalid (``ValidationError``
    naming the learner). A completion raises the cadre's level; a completion taken back undoes
    the raise. Returns how many rows changed."""
    rows = list(rows)
    changed = 0
    with transaction.atomic():
        course = lock_course(course)
        for row in rows:
            enrollment = row.enrollment
            enrollment.check_version(row.version, lock=True)
            stored = Enrollment.objects.get(pk=enrollment.pk)
            if all(
                getattr(stored, name) == row.values.get(name, getattr(stored, name)) for name in RESULT_FIELDS
            ):
                continue
            was_completed = stored.status == EnrollmentStatus.COMPLETED
            for name, value in row.values.items():
                setattr(stored, name, value)
            try:
                stored.full_clean(exclude=["course", "cadre", "enrolled_by"])
            except ValidationError as error:
                raise ValidationError(
                    [f"{enrollment.cadre.full_name}: {message}" for message in error.messages]
                ) from error
            stored.course = course
            if was_completed and stored.status != EnrollmentStatus.COMPLETED:
                _undo(stored)
            elif not was_completed and stored.status == EnrollmentStatus.COMPLETED:
                _raise(stored)
            stored.save()
            changed += 1
    return changed


def completion_reason(course: Course) -> str:
    return change_reason(
        f"Hoàn thành khoá học «{course.name}» ({course.starts_on:%d/%m/%Y} – {course.ends_on:%d/%m/%Y})"
    )


def _raise(enrollment: Enrollment) -> None:
    """Raise the cadre's level to what the course's kind grants, if that is higher; remember
    the level before, for ``_undo``."""
    kind = enrollment.course.kind
    if not kind.grants or kind.grants_level is None or enrollment.raised:
        return
    cadre = Cadre.objects.select_for_update().select_related("unit").get(pk=enrollment.cadre_id)
    current = getattr(cadre, kind.grants)
    if kind.grants_level <= current:
        return
    enrollment.raised = kind.grants
    enrollment.raised_from = current
    enrollment.raised_to = kind.grants_level
    enrollment.raised_language_from = cadre.foreign_language
    setattr(cadre, kind.grants, kind.grants_level)
    if kind.grants == Qualification.FOREIGN_LANGUAGE:
        cadre.foreign_language = kind.language
    cadre._change_reason = completion_reason(enrollment.course)
    cadre.save()


def _undo(enrollment: Enrollment) -> None:
    """Undo what completing the course raised. The level goes back to what it was before, or to
    what another completed course grants; a level changed since by someone else stays."""
    field_name = enrollment.raised
    if not field_name:
        return
    cadre = Cadre.objects.select_for_update().select_related("unit").get(pk=enrollment.cadre_id)
    restore, language = enrollment.raised_from or 0, enrollment.raised_language_from
    # Later raises of the same field started from this one's level: they now start from ours.
    Enrollment.objects.filter(cadre_id=cadre.pk, raised=field_name, raised_from=enrollment.raised_to).exclude(
        pk=enrollment.pk
    ).update(raised_from=restore, raised_language_from=language)
    still_held = getattr(cadre, field_name) == enrollment.raised_to and (
        field_name != Qualification.FOREIGN_LANGUAGE
        or fold(cadre.foreign_language) == fold(enrollment.course.kind.language)
    )
    if still_held:
        others = (
            Enrollment.objects.filter(
                cadre_id=cadre.pk,
                status=EnrollmentStatus.COMPLETED,
                course__kind__grants=field_name,
                course__kind__grants_level__gt=restore,
                course__kind__grants_level__lte=enrollment.raised_to,
            )
            .exclude(pk=enrollment.pk)
            .select_related("course__kind")
            .order_by("-course__kind__grants_level")
            .first()
        )
        if others is not None:
            restore, language = others.course.kind.grants_level, others.course.kind.language or language
        setattr(cadre, field_name, restore)
        if field_name == Qualification.FOREIGN_LANGUAGE:
            cadre.foreign_language = language if restore else ""
        cadre._change_reason = change_reason(f"Huỷ kết quả hoàn thành khoá học «{enrollment.course.name}»")
        cadre.save()
    enrollment.raised = ""
    enrollment.raised_from = None
    enrollment.raised_to = None
    enrollment.raised_language_from = ""


__all__ = [
    "RESULT_FIELDS",
    "ResultRow",
    "StaleEditError",
    "enrol",
    "lock_course",
    "places_left",
    "record_results",
    "withdraw",
]
