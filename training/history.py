"""Training records in the histories: a learner's enrolment changes in the cadre's history
(registered in apps.py), and a course's own changes with its learners' on the course page."""

from cadres import registry

from .models import Course, Enrollment

ENROLLMENT_SOURCE = registry.HistorySource(
    key="training-enrollments",
    records=lambda cadre: Enrollment.history.filter(cadre_id=cadre.pk).select_related("course"),
    subject=lambda record: f"Khoá học: {record.course.name}" if record.course_id else "Khoá học",
    hidden_fields=frozenset({"raised", "raised_from", "raised_to", "raised_language_from", "enrolled_by"}),
    order=40,
)

HIDDEN = frozenset({"raised", "raised_from", "raised_to", "raised_language_from", "enrolled_by"})


def course_sources(user, *, managing: bool) -> list[registry.HistorySource]:
    """The course's own changes and its learners'; on a course the user does not run, only the
    learners of their subtree."""
    visible = Enrollment.objects.visible_to(user).values("pk")

    def learners(course):
        records = Enrollment.history.filter(course_id=course.pk).select_related("cadre")
        return records if managing else records.filter(id__in=visible)

    return [
        registry.HistorySource(
            key="training-course",
            records=lambda course: Course.history.filter(id=course.pk),
            subject=lambda record: f"Khoá học: {record.name}",
        ),
        registry.HistorySource(
            key="training-course-learners",
            records=learners,
            subject=lambda record: f"Học viên: {record.cadre.full_name}" if record.cadre_id else "Học viên",
            hidden_fields=HIDDEN,
        ),
    ]
