"""What training adds to other pages through ``cadres.registry`` (registered in apps.py): the
cadre page's "Đào tạo, bồi dưỡng" card, the 2C CV's training rows, and the dashboard's cards,
alert and chart."""

import datetime

from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse

from cadres import registry
from cadres.models import Cadre
from cadres.pdf import CvTrainingRow
from common.dates import today
from common.lists import cached_figures

from .figures import learners_of
from .models import Category, Course, CourseStatus, Enrollment, EnrollmentStatus
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
    """Courses running and open in the user's scope, the training needs by kind, and the year's
    learner places by kind of course: four queries whatever the data size (the needs and the
    learner places cached until what they count changes)."""
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
    items.append(_learners_chart(request.user, today().year, book))
    return items


def _learners_chart(user, year: int, book: NeedsBook) -> registry.DashboardChart:
    """The learner places (lượt học viên) of the user's cadres in the courses held this year, by
    category of course, as the year's training figures count them (``figures.learners_of``):
    one grouped query, cached against the needs' version (the cadres, the enrolments, the kinds)
    and the newest change to a course (one probe)."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    newest_course = Course.history.order_by("-history_id").values_list("history_id", flat=True).first()
    learners = learners_of(user, start, end)
    places = cached_figures(
        learners, _places_by_category, name="training-dashboard", version=f"{book.version()}:{newest_course}"
    )
    return registry.DashboardChart(
        key="training-learners-by-category",
        title=f"Lượt học viên theo loại hình năm {year}",
        labels=tuple(Category(category).label for category in places),
        datasets=(registry.ChartSeries("Lượt học viên", tuple(places.values())),),
        kind="hbar",
        order=40,
        unit="lượt",
        note="Lượt cán bộ trong phạm vi đơn vị theo học các khoá bắt đầu trong năm (trừ người rút).",
    )


def _places_by_category(learners) -> dict[str, int]:
    rows = learners.order_by().values_list("course__kind__category").annotate(count=Count("pk"))
    found = dict(rows)
    return {category: found.get(category, 0) for category in Category.values}
