"""The training pages in ``make bench`` (see ``common.benchmarks``): the course list (beside Django
admin's course change list), the largest course's page, the training needs, and a class's
class list and certificate list as PDF, for the province editor and the commune editor."""

from django.db.models import Count

from accounts.models import User
from common.benchmarks import COMMUNE_EDITOR, PROVINCE_EDITOR, BenchContext, BenchPage

from .models import Course

ADMIN_COURSES = BenchPage("admin_course_changelist", "/admin/training/course/", user="admin")
# The PDFs are timed on a class of the user's (the largest up to this size), not on the
# province's resolution study of nearly every cadre, which nobody prints.
PDF_MAX_LEARNERS = 500


def pages(context: BenchContext) -> list[BenchPage]:
    found = []
    for username in (PROVINCE_EDITOR, COMMUNE_EDITOR):
        found += _training_pages(User.objects.select_related("unit").get(username=username))
    return found


def _training_pages(user: User) -> list[BenchPage]:
    name = user.username
    found = [
        BenchPage("training_course_list", "/training/", user=name, baseline=ADMIN_COURSES),
        BenchPage("training_needs", "/training/needs/", user=name),
    ]
    if course := _largest(Course.objects.visible_to(user)):
        found.append(BenchPage("training_course_detail", f"/training/{course.pk}/", user=name))
    if course := _largest(Course.objects.managed_by(user), at_most=PDF_MAX_LEARNERS):
        found += [
            # Seconds each for a class of hundreds (WeasyPrint lays out every row): five are enough.
            BenchPage("training_class_list_pdf", f"/training/{course.pk}/class-list.pdf", user=name, runs=5),
            BenchPage(
                "training_certificates_pdf", f"/training/{course.pk}/certificates.pdf", user=name, runs=5
            ),
        ]
    return found


def _largest(courses, *, at_most: int | None = None) -> Course | None:
    """The course with the most learners: the page that costs the most."""
    courses = courses.annotate(size=Count("enrollments"))
    if at_most is not None:
        courses = courses.filter(size__lte=at_most)
    return courses.order_by("-size", "pk").first()
