"""What training adds to other pages through ``cadres.registry`` (registered in apps.py): the
cadre page's "Đào tạo, bồi dưỡng" card, the 2C CV's training rows, and the dashboard's cards."""

from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse

from cadres import registry
from cadres.models import Cadre
from cadres.pdf import CvTrainingRow

from .models import Course, CourseStatus, Enrollment, EnrollmentStatus
from .needs import GROUPS, NeedsBook


def cadre_section(request: HttpRequest, cadre: Cadre) -> dict:
    """The cadre's courses, newest first, in one query (the cadre is in the user's scope, so are
    their enrolments)."""
    enrollments = (
        Enrollment.objects.filter(cadre=cadre)
        .select_related("course__kind", "course__organiser")
        .order_by("-course__starts_on", "-pk")
    )
    return {"enrollments": list(enrollments)}


def cv_rows(cadre: Cadre, user) -> list[CvTrainingRow]:
    """The completed courses, oldest first, as rows of the 2C form's training table."""
    done = (
        Enrollment.objects.filter(cadre=cadre, status=EnrollmentStatus.COMPLETED)
        .select_related("course__kind", "course__organiser")
        .order_by("course__starts_on", "pk")
    )
    rows = []
    for enrollment in done:
        course = enrollment.course
        outcome = course.kind.grant_label or enrollment.result or "Hoàn thành"
        if enrollment.prize:
            outcome = enrollment.prize
        if enrollment.certificate_number:
            outcome += f"; chứng chỉ số {enrollment.certificate_number}"
        rows.append(
            CvTrainingRow(
                school=course.organiser.name,
                subject=course.name,
                period=f"{course.starts_on:%m/%Y} – {course.ends_on:%m/%Y}",
                form=course.kind.get_category_display(),
                qualification=outcome,
            )
        )
    return rows


def dashboard(request: HttpRequest) -> list:
    """Courses running and open in the user's scope, and the training needs by kind: three
    queries whatever the data size."""
    courses = Course.objects.visible_to(request.user).aggregate(
        running=Count("pk", filter=Q(status=CourseStatus.RUNNING)),
        open=Count("pk", filter=Q(status=CourseStatus.OPEN)),
    )
    book = NeedsBook(request.user)
    counts = book.counts()
    index, needs = reverse("training:index"), reverse("training:needs")
    items = [
        registry.DashboardCard(
            "Khoá học đang diễn ra",
            courses["running"],
            link=f"{index}?status={CourseStatus.RUNNING}",
            tone="info",
            note=f"{courses['open']} khoá đang tuyển sinh",
        ),
        registry.DashboardCard(
            "Cán bộ cần đào tạo, bồi dưỡng",
            counts["all"],
            link=needs,
            tone="warning" if counts["all"] else "success",
            note=" · ".join(f"{group.label}: {counts[group.code]}" for group in GROUPS if counts[group.code]),
        ),
    ]
    if counts["title"]:
        items.append(
            registry.DashboardAlert(
                f"{counts['title']} cán bộ mới được bổ nhiệm chưa hoàn thành khoá bồi dưỡng theo chức danh.",
                link=f"{needs}?missing=title",
            )
        )
    return items
