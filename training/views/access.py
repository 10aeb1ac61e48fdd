"""Scope for the training pages. A course is seen by the units that organise it, the units whose
cadres attend it, and the units below an organiser while it is open for enrolment
(``CourseQuerySet.visible_to``); it is run (edited, results entered) only inside the
organiser's subtree. Of the learners, a user sees the cadres of their own subtree, and all of
them on a course they run. Anything else does not exist for them (404)."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from ..models import Course, Enrollment, cadres_in_scope


def get_course_for_user(user, pk: int) -> Course:
    if not isinstance(pk, int) or not 0 < pk < 2**31:
        raise Http404
    return get_object_or_404(Course.objects.visible_one(user, pk).select_related("kind", "organiser"))


def get_managed_course(user, pk: int) -> Course:
    """A course the user runs; a course they only see answers 404 like one they do not."""
    return get_object_or_404(Course.objects.managed_by(user).select_related("kind", "organiser"), pk=pk)


def runs(user, course: Course) -> bool:
    return Course.objects.managed_by(user).filter(pk=course.pk).exists()


def learners_for(user, course: Course, *, managing: bool | None = None):
    """The course's enrolments this user may see, learners' cadre and unit joined, in class-list
    order (unit, then name)."""
    managing = runs(user, course) if managing is None else managing
    rows = Enrollment.objects.filter(course=course)
    if not managing:
        # The user's cadres probed in the class, rather than the whole class (a resolution study
        # has tens of thousands) joined to the roster.
        rows = rows.filter(cadre__in=cadres_in_scope(user).values("pk"))
    return rows.select_related("cadre__unit", "cadre__position").order_by(
        "cadre__unit_path", "cadre__search_text", "pk"
    )
