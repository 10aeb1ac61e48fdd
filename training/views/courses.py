"""The courses: list, creation and editing, the course page with its learners, enrolment (from
the needs list's buttons or a filtered roster), the results grid, withdrawal and history."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.permissions import editor_required
from cadres.filters import CadreFilter, describe_filters
from cadres.history import history_entries
from cadres.models import Cadre
from common.lists import cached_figures, paginate, paginate_list
from common.models import StaleEditError
from common.text import fold, positive_id

from ..forms import MAX_ENROL, CourseFilterForm, CourseForm, EnrolForm, ResultForm, ResultFormSet
from ..history import course_sources
from ..models import Course, Enrollment, EnrollmentStatus
from ..services import RESULT_FIELDS, ResultRow, enrol, places_left, record_results, withdraw
from .access import get_course_for_user, get_managed_course, learners_for, runs

PAGE_SIZE = 50
LEARNERS_PAGE_SIZE = 50
PREVIEW_SIZE = 20


def course_list(request):
    form = CourseFilterForm(request.GET or None)
    courses = Course.objects.visible_to(request.user).select_related("kind", "organiser")
    if form.is_valid():
        data = form.cleaned_data
        if data["kind"]:
            courses = courses.filter(kind=data["kind"])
        if data["status"]:
            courses = courses.filter(status=data["status"])
        if data["year"]:
            courses = courses.filter(starts_on__year__lte=data["year"], ends_on__year__gte=data["year"])
        if data["q"].strip():
            courses = courses.filter(pk__in=_named(courses, data["q"]))
    page = paginate(request, courses.order_by("-starts_on", "-pk"), per_page=PAGE_SIZE)
    _count_learners(page.object_list)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "training/course_list.html",
        {
            "form": form,
            "page": page,
            "query_string": params.urlencode(),
            "filtered": form.is_valid() and any(form.cleaned_data.values()),
        },
    )


def _count_learners(courses) -> None:
    """Each course's learners and completions, for the page's courses only (one query, then
    remembered until an enrolment changes): a count joined into the list would read every
    enrolment of every course, and a resolution study has hundreds of thousands."""
    counts = cached_figures(
        Enrollment.objects.filter(course__in=sorted(course.pk for course in courses)),
        _learners_by_course,
        name="course-learners",
        version=Enrollment.objects.learners_version(),
    )
    for course in courses:
        row = counts.get(course.pk, {})
        course.learners, course.completed = row.get("learners", 0), row.get("completed", 0)


def _learners_by_course(enrolments) -> dict[int, dict]:
    return {
        row["course"]: row
        for row in enrolments.values("course")
        .annotate(
            learners=Count("pk", filter=~Q(status=EnrollmentStatus.WITHDRAWN)),
            completed=Count("pk", filter=Q(status=EnrollmentStatus.COMPLETED)),
        )
        .order_by()
    }


def _by_status(learners) -> dict[str, int]:
    return dict(learners.order_by().values_list("status").annotate(count=Count("pk")))


def _named(courses, query: str) -> list[int]:
    """Courses whose name holds every word of ``query``, accents ignored."""
    words = fold(query).split()
    return [pk for pk, name in courses.values_list("pk", "name") if all(word in fold(name) for word in words)]


@editor_required
def course_create(request):
    form = CourseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        course = form.save(commit=False)
        course.created_by = request.user
        course.save()
        form.save_m2m()
        messages.success(
            request,
            f"Đã tạo khoá học «{course}». Ghi danh học viên từ danh sách nhu cầu hoặc danh sách cán bộ.",
        )
        return redirect(course)
    return render(request, "training/course_form.html", {"form": form, "heading": "Tạo khoá học"})


@editor_required
def course_edit(request, pk: int):
    course = get_managed_course(request.user, pk)
    form = CourseForm(request.POST or None, instance=course, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Đã lưu khoá học.")
        return redirect(course)
    return render(
        request,
        "training/course_form.html",
        {"form": form, "course": course, "heading": f"Sửa khoá học: {course}"},
    )


def course_detail(request, pk: int):
    course = get_course_for_user(request.user, pk)
    managing = runs(request.user, course)
    # In the order they enrolled: a class of tens of thousands (a resolution study) pages from
    # an index; the class list's documents are in unit order.
    learners = learners_for(request.user, course, managing=managing).order_by("pk")
    status = request.GET.get("status", "")
    status = status if status in EnrollmentStatus.values else ""
    counts = dict.fromkeys(EnrollmentStatus.values, 0)
    if managing:
        # The whole class: counted on the (course, status) index (remembered until an enrolment
        # changes), paged on (course, id).
        version = Enrollment.objects.learners_version()
        counts |= cached_figures(learners, _by_status, name="course-statuses", version=version)
        shown = learners.filter(status=status) if status else learners
        page = paginate(
            request,
            shown,
            per_page=LEARNERS_PAGE_SIZE,
            count=counts[status] if status else sum(counts.values()),
        )
    else:
        # A unit's own learners in someone else's class: its cadres probed in the class (a ward
        # of a million-cadre province: tens of thousands, 0.45 s), remembered until an enrolment
        # or a cadre changes, counted and paged here.
        rows = cached_figures(
            learners.order_by(),
            lambda own: sorted(own.values_list("pk", "status")),
            name="course-own-learners",
            version=Enrollment.objects.learners_version(),
        )
        for _, value in rows:
            counts[value] += 1
        page = paginate_list(
            request, [pk for pk, value in rows if not status or value == status], per_page=LEARNERS_PAGE_SIZE
        )
        found = learners.in_bulk(page.object_list)
        page.object_list = [found[pk] for pk in page.object_list if pk in found]
    params = request.GET.copy()
    for name in ("page", "after", "before", "last"):
        params.pop(name, None)
    return render(
        request,
        "training/course_detail.html",
        {
            "course": course,
            "page": page,
            "status": status,
            "counts": [(value, label, counts[value]) for value, label in EnrollmentStatus.choices],
            "taking": sum(counts.values()) - counts[EnrollmentStatus.WITHDRAWN],
            "places_left": places_left(course),
            "managing": managing,
            "can_edit": request.user.can_edit,
            "can_run": request.user.can_edit and managing,
            "target_positions": list(course.target_positions.all()),
            "query_string": params.urlencode(),
        },
    )


def course_history(request, pk: int):
    course = get_course_for_user(request.user, pk)
    return render(
        request,
        "training/course_history.html",
        {
            "course": course,
            "history": history_entries(
                course_sources(request.user, managing=runs(request.user, course)),
                course,
                sensitive=request.user.can_see_sensitive,
                limit=200,
            ),
        },
    )


# --- Enrolment ---------------------------------------------------------------------------------


@editor_required
def course_enrol(request, pk: int):
    """GET: the roster's filters to choose learners in bulk. POST: enrol the cadres named
    (``cadre``, from the needs list), or every cadre the filters find (``all``)."""
    course = get_course_for_user(request.user, pk)
    back = _back(request, course)
    filterset = CadreFilter(
        request.GET,
        queryset=Cadre.objects.visible_to(request.user).select_related("unit", "position"),
        request=request,
    )
    if request.method == "POST":
        if request.POST.get("all"):
            chosen = list(filterset.qs[:MAX_ENROL]) if filterset.is_valid() else []
            count = filterset.qs.count() if filterset.is_valid() else 0
            if not filterset.is_valid() or not chosen:
                messages.error(request, "Bộ lọc không tìm thấy cán bộ nào để ghi danh.")
                return redirect(request.get_full_path())
            if count > len(chosen):
                messages.error(
                    request,
                    f"Bộ lọc tìm thấy {count} cán bộ: mỗi lần ghi danh tối đa {len(chosen)} người. "
                    "Thu hẹp bộ lọc.",
                )
                return redirect(request.get_full_path())
            # Those already on the class are left as they are; the others are enrolled.
            taken = set(
                course.enrollments.exclude(status=EnrollmentStatus.WITHDRAWN)
                .filter(cadre__in=[cadre.pk for cadre in chosen])
                .values_list("cadre_id", flat=True)
            )
            chosen = [cadre for cadre in chosen if cadre.pk not in taken]
            if not chosen:
                messages.info(request, "Mọi cán bộ bộ lọc tìm thấy đã có trong danh sách học viên.")
                return redirect(request.get_full_path())
        else:
            form = EnrolForm(request.POST)
            if not form.is_valid():
                for error in form.errors.get("cadre", []):
                    messages.error(request, error)
                return redirect(back)
            wanted = form.cleaned_data["cadre"]
            found = Cadre.objects.visible_to(request.user).in_bulk(wanted)
            if len(found) != len(set(wanted)):
                messages.error(
                    request,
                    "Không ghi danh: có cán bộ không thuộc phạm vi đơn vị của bạn hoặc không còn trong "
                    "hồ sơ.",
                )
                return redirect(back)
            chosen = [found[pk] for pk in dict.fromkeys(wanted)]
        try:
            added = enrol(course, chosen, user=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, f"Không ghi danh: {message}")
            return redirect(back if not request.POST.get("all") else request.get_full_path())
        names = ", ".join(e.cadre.full_name for e in added[:3]) + ("…" if len(added) > 3 else "")
        messages.success(request, f"Đã ghi danh {len(added)} học viên vào «{course}»: {names}.")
        return redirect(back)
    page = None
    total = 0
    if filterset.is_valid():
        total = filterset.qs.count()
        page = list(filterset.qs[:PREVIEW_SIZE])
    enrolled = set(
        course.enrollments.exclude(status=EnrollmentStatus.WITHDRAWN)
        .filter(cadre__in=[c.pk for c in page or []])
        .values_list("cadre_id", flat=True)
    )
    return render(
        request,
        "training/course_enrol.html",
        {
            "course": course,
            "filterset": filterset,
            "found": page or [],
            "total": total,
            "enrolled": enrolled,
            "places_left": places_left(course),
            "described": describe_filters(filterset) if filterset.is_valid() else [],
            "query_string": request.GET.urlencode(),
        },
    )


def _back(request, course: Course) -> str:
    """Where to go after enrolling: the page the button was on (the needs list), else the course."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
        and target.startswith("/")
    ):
        return target
    return course.get_absolute_url()


@require_POST
@editor_required
def enrollment_withdraw(request, pk: int, enrollment_pk: int):
    course = get_course_for_user(request.user, pk)
    enrollment = learners_for(request.user, course).filter(pk=enrollment_pk).first()
    if enrollment is None:
        raise Http404
    try:
        withdraw(enrollment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Đã rút tên {enrollment.cadre.full_name} khỏi khoá học.")
    return redirect(course)


# --- Results -----------------------------------------------------------------------------------


@editor_required
def course_results(request, pk: int):
    """One grid for the whole class's results: saved all together, or not at all."""
    course = get_managed_course(request.user, pk)
    everyone = learners_for(request.user, course, managing=True).order_by("pk")
    if request.method == "POST":
        # The rows as posted, in their order: each form's initial values are its own learner's.
        total = min(positive_id(request.POST.get("learners-TOTAL_FORMS")) or 0, LEARNERS_PAGE_SIZE)
        posted = [positive_id(request.POST.get(f"learners-{index}-id")) for index in range(total)]
        found = everyone.in_bulk([pk for pk in posted if pk])
        learners = {pk: found[pk] for pk in posted if pk in found}
        initial = [ResultForm.initial_for(found[pk]) if pk in found else {} for pk in posted]
        page = None
    else:
        page = paginate(request, everyone, per_page=LEARNERS_PAGE_SIZE)
        learners = {enrollment.pk: enrollment for enrollment in page.object_list}
        initial = [ResultForm.initial_for(enrollment) for enrollment in learners.values()]
    formset = ResultFormSet(request.POST or None, initial=initial, prefix="learners")
    problems: list[str] = []
    if request.method == "POST" and formset.is_valid():
        rows = []
        for form in formset.forms:
            enrollment = learners.get(form.cleaned_data.get("id"))
            if enrollment is None:
                problems.append("Danh sách học viên vừa thay đổi: tải lại trang rồi nhập lại.")
                break
            if form.has_changed():
                values = {name: form.cleaned_data[name] for name in RESULT_FIELDS}
                rows.append(ResultRow(enrollment, form.cleaned_data["version"], values))
        if not problems:
            try:
                changed = record_results(course, rows)
            except StaleEditError:
                problems.append(
                    "Chưa lưu: kết quả của một số học viên vừa được người khác cập nhật. Tải lại trang "
                    "để xem kết quả mới rồi nhập lại."
                )
            except ValidationError as error:
                problems += error.messages
            else:
                messages.success(
                    request,
                    f"Đã lưu kết quả của {changed} học viên."
                    if changed
                    else "Không có kết quả nào thay đổi.",
                )
                return redirect(course)
    elif request.method == "POST":
        problems.append("Chưa lưu: kiểm tra các ô được đánh dấu đỏ.")
        problems += formset.non_form_errors()
    for form in formset.forms:
        key = form.data.get(form.add_prefix("id")) if form.is_bound else form.initial.get("id")
        form.learner = learners.get(positive_id(key))
    return render(
        request,
        "training/course_results.html",
        {
            "course": course,
            "formset": formset,
            "page": page,
            "problems": problems,
            "is_contest": course.kind.is_contest,
            "query_string": "",
        },
    )
