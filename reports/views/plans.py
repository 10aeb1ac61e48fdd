"""The yearly plan's pages: the list (with the upper unit's request on top), starting a plan,
the plan as a readable page, editing the document, its steering group, deletion and history.

A plan is seen within the subtree of its unit (``AnnualPlan.objects.visible_to``); a lower unit
sees its upper unit's plan only through the request it answers (``requested_of``)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.db.models.functions import Length, Substr
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import editor_required
from cadres import registry
from cadres.history import history_entries
from cadres.models import Cadre, Unit
from common.dates import today
from common.lists import paginate
from common.models import StaleEditError
from common.pdf import official_date
from common.text import positive_id
from units.scope import scope_prefix, subtree_condition

from .. import markup, metrics, services, snapshots
from ..forms import (
    START_ANSWER,
    START_BLANK,
    START_CHOICES,
    START_COPY,
    STEERING_MORE,
    PlanCreateForm,
    PlanFilterForm,
    PlanForm,
    ReviewForm,
    SteeringFormSet,
    SteeringRowForm,
    SubmitForm,
    default_year,
    steering_choices,
)
from ..models import AnnualPlan, PlanStatus, SteeringMember, Target

PER_PAGE = 50


def get_plan_for_user(user, pk: int, *, read_upper: bool = False) -> AnnualPlan:
    """The plan ``pk`` of ``user``'s subtree (with ``read_upper``, also their upper unit's plan
    that asks for theirs: the one window a unit has on it, to answer it); 404 otherwise."""
    if positive_id(pk) is None:
        raise Http404
    plans = AnnualPlan.objects.visible_to(user)
    if read_upper:
        plans = plans | AnnualPlan.objects.requested_of(user)
    return get_object_or_404(
        plans.select_related("unit", "parent__unit", "submitted_by", "reviewed_by", "created_by"), pk=pk
    )


def _refused(request, error: ValidationError, plan: AnnualPlan):
    for message in error.messages:
        messages.error(request, message)
    return redirect(plan)


# --- The list -----------------------------------------------------------------------------------


@require_GET
def plan_list(request):
    user = request.user
    plans = AnnualPlan.objects.visible_to(user)
    years = sorted(set(plans.order_by().values_list("year", flat=True).distinct()), reverse=True)
    form = PlanFilterForm(request.GET, user=user, years=years)
    filters = form.filters()
    if filters["year"]:
        plans = plans.filter(year=filters["year"])
    if filters["unit"]:
        plans = plans.filter(subtree_condition("unit__path", filters["unit"].path))
    page = paginate(request, plans.select_related("unit").order_by("-year", "unit__path"), per_page=PER_PAGE)
    return render(
        request,
        "reports/plan_list.html",
        {
            "form": form,
            "page": page,
            "rows": _list_rows(page.object_list),
            "requests": _requests(user),
            "filtered": bool(filters["year"] or filters["unit"]),
        },
    )


def _list_rows(plans: list[AnnualPlan]) -> list[dict]:
    """Each plan with, when it has a deadline, its lower plans sent against the units expected:
    two queries for the page."""
    asking = [plan for plan in plans if plan.lower_deadline]
    sent, expected = {}, {}
    if asking:
        sent = dict(
            AnnualPlan.objects.filter(parent__in=asking, status__in=services.SENT)
            .values("parent_id")
            .annotate(count=Count("pk"))
            .values_list("parent_id", "count")
        )
        paths = {plan.unit.path for plan in asking}
        parent_path = Substr("path", 1, Length("path") - Unit.steplen)
        expected = dict(
            Unit.objects.active()
            .annotate(parent_path=parent_path)
            .filter(parent_path__in=paths)
            .order_by()
            .values("parent_path")
            .annotate(count=Count("pk"))
            .values_list("parent_path", "count")
        )
    return [
        {"plan": plan, "sent": sent.get(plan.pk, 0), "expected": expected.get(plan.unit.path, 0)}
        for plan in plans
    ]


def _requests(user) -> list[dict]:
    """The upper unit's requests of this year and later, each with the user's own plan."""
    requests = list(
        AnnualPlan.objects.requested_of(user)
        .filter(year__gte=today().year)
        .select_related("unit")
        .order_by("year")
    )
    if not requests:
        return []
    own = {
        plan.year: plan
        for plan in AnnualPlan.objects.filter(unit_id=user.unit_id, year__in=[r.year for r in requests])
    }
    return [
        {
            "plan": request,
            "own": own.get(request.year),
            "overdue": today() > request.lower_deadline,
            "answer_query": f"unit={user.unit_id}&year={request.year}&start={START_ANSWER}",
        }
        for request in requests
    ]


# --- Starting a plan ----------------------------------------------------------------------------


@editor_required
@require_http_methods(["GET", "POST"])
def plan_create(request):
    user = request.user
    form = PlanCreateForm(request.POST or None, user=user, initial=_create_initial(request))
    if request.method == "POST" and form.is_valid():
        try:
            plan = _start(request, form)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            return redirect(plan)
    return render(
        request,
        "reports/plan_create.html",
        {"form": form, "requests": _requests(user), "choices": dict(START_CHOICES)},
    )


def _create_initial(request) -> dict:
    """Own unit and the coming plan year, unless the link says otherwise (the request box)."""
    initial = {"unit": request.user.unit_id, "year": default_year(), "start": START_BLANK}
    if unit := positive_id(request.GET.get("unit")):
        initial["unit"] = unit
    year = positive_id(request.GET.get("year"))
    if year and 2000 <= year <= 2100:
        initial["year"] = year
    if request.GET.get("start") in dict(START_CHOICES):
        initial["start"] = request.GET["start"]
    return initial


def _start(request, form: PlanCreateForm) -> AnnualPlan:
    """Make the plan the way the form asks, and say what was done."""
    unit, year, start = (form.cleaned_data[name] for name in ("unit", "year", "start"))
    user = request.user
    if start == START_COPY:
        copied = services.plan_copy_from_last_year(unit=unit, year=year, user=user)
        kept = " Các chỉ tiêu đã có của năm nay được giữ nguyên." if copied.targets_kept else ""
        messages.success(
            request,
            f"Đã tạo kế hoạch năm {year} từ kế hoạch năm {year - 1}: {copied.targets} chỉ tiêu, "
            f"{copied.steering} thành viên ban chỉ đạo.{kept} Số, ngày ban hành và hạn gửi của cấp dưới "
            "để trống: nhập khi ban hành.",
        )
        return copied.plan
    if start == START_ANSWER:
        answered = services.plan_answer_request(upper=form.request_plan, unit=unit, user=user)
        messages.success(
            request,
            f"Đã tạo kế hoạch năm {year} theo kế hoạch của {form.request_plan.unit.name}: "
            f"đã chép {answered.targets} chỉ tiêu của cấp trên. Hạn gửi: "
            f"{form.request_plan.lower_deadline:%d/%m/%Y}.",
        )
        return answered.plan
    plan = services.plan_create(unit=unit, year=year, user=user)
    messages.success(request, f"Đã tạo kế hoạch công tác cán bộ năm {year} của {unit.name}.")
    return plan


# --- A plan -------------------------------------------------------------------------------------

SECTIONS = [
    ("purpose", "I. Mục đích, yêu cầu"),
    ("content", "III. Nội dung thực hiện"),
    ("organisation", "IV. Tổ chức thực hiện"),
]


def section_html(text: str):
    return markup.to_html(markup.parse(text))


def _parent_visible(user, upper: AnnualPlan | None) -> bool:
    """Whether the user may open the upper plan (a commune sees its province's plan only
    through the request)."""
    prefix = scope_prefix(user)
    return upper is not None and prefix is not None and upper.unit.path.startswith(prefix)


@require_GET
def plan_detail(request, pk: int):
    user = request.user
    plan = get_plan_for_user(user, pk)
    targets = list(plan.targets().select_related("unit").order_by("order", "pk"))
    measures = snapshots.measures(targets)  # after a change, the previous ones for a moment
    steering = list(plan.steering.select_related("cadre").order_by("order", "pk"))
    own = services.is_own_unit(user, plan)
    sendable = user.can_edit and own and plan.status in services.SENDABLE
    # The upper plan this one answers; a plan started before the request is linked on sending.
    upper = plan.parent or (services.upper_request(plan.unit, plan.year) if sendable else None)
    lower_state = None
    if upper is not None and upper.lower_deadline:
        lower_state = services.submission_state(plan, upper.lower_deadline, today())
    return render(
        request,
        "reports/plan_detail.html",
        {
            "plan": plan,
            "date_line": official_date(plan.place, plan.issued_on),
            "sections": {name: section_html(getattr(plan, name)) for name, _ in SECTIONS},
            "targets_intro": section_html(plan.targets_intro),
            "steering_duties": section_html(plan.steering_duties),
            "targets": [
                {"target": target, "goal": metrics.goal_text(target), "measure": measures.get(target.pk)}
                for target in targets
            ],
            "measures": measures,
            "steering": steering,
            "lower_state": lower_state,
            "upper": upper,
            "parent_visible": _parent_visible(user, upper),
            "collection": _collection_summary(plan),
            "can_edit": user.can_edit and not plan.is_locked,
            "can_delete": user.can_edit and not plan.is_locked,
            "can_report": user.can_edit,
            "can_submit": sendable and upper is not None,
            "can_review": user.can_edit
            and plan.status == PlanStatus.SUBMITTED
            and services.is_upper_unit(user, plan),
            "submit_form": SubmitForm(initial={"version": plan.version}),
            "review_form": ReviewForm(),
            "targets_query": f"year={plan.year}&unit={plan.unit_id}",
        },
    )


def _collection_summary(plan: AnnualPlan) -> dict | None:
    """For a plan with a deadline: the lower plans sent against the units asked (two queries)."""
    if plan.lower_deadline is None:
        return None
    row = _list_rows([plan])[0]
    return {"sent": row["sent"], "expected": row["expected"], "overdue": today() > plan.lower_deadline}


@editor_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk: int):
    plan = get_plan_for_user(request.user, pk)
    if plan.is_locked:
        messages.error(request, services.LOCKED)
        return redirect(plan)
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid() and form.saved_by(form.save):
        messages.success(request, "Đã lưu kế hoạch.")
        return redirect(plan)
    return render(request, "reports/plan_form.html", {"form": form, "plan": plan})


# --- The steering group -------------------------------------------------------------------------


@editor_required
@require_http_methods(["GET", "POST"])
def steering_edit(request, pk: int):
    """The steering group's lines, saved all together; "Thêm dòng" shows more empty lines
    without saving."""
    plan = get_plan_for_user(request.user, pk)
    if plan.is_locked:
        messages.error(request, services.LOCKED)
        return redirect(plan)
    members = list(plan.steering.order_by("order", "pk"))
    initial = [
        {
            "id": m.pk,
            "version": m.version,
            "cadre": m.cadre_id,
            "role": m.role,
            "title": m.title,
            "order": m.order,
        }
        for m in members
    ]
    form_kwargs = {"cadre_choices": steering_choices(plan, keep={m.cadre_id for m in members})}
    problems: list[str] = []
    if request.method == "POST":
        data = request.POST.copy()
        if "more" in data:
            total = positive_id(data.get("steering-TOTAL_FORMS")) or 0
            more = min(total + STEERING_MORE, SteeringFormSet.absolute_max)
            # The new lines come bound to what a fresh empty line shows, so that one left empty
            # is "unchanged" and skipped on saving, as an empty line of the first page is.
            for index in range(total, more):
                for name in ("role", "order"):
                    data[f"steering-{index}-{name}"] = str(SteeringRowForm.base_fields[name].initial)
            data["steering-TOTAL_FORMS"] = str(more)
            formset = SteeringFormSet(data, initial=initial, prefix="steering", form_kwargs=form_kwargs)
        else:
            formset = SteeringFormSet(data, initial=initial, prefix="steering", form_kwargs=form_kwargs)
            problems = _save_steering(request, plan, formset, members)
            if not problems:
                return redirect(plan)
        seen = data.get("members", "")
    else:
        formset = SteeringFormSet(initial=initial, prefix="steering", form_kwargs=form_kwargs)
        seen = ",".join(str(m.pk) for m in members)
    return render(
        request,
        "reports/plan_steering.html",
        {"plan": plan, "formset": formset, "members_seen": seen, "problems": problems},
    )


def _seen_ids(text: str) -> set[int] | None:
    ids = [positive_id(part) for part in text.split(",") if part]
    return None if None in ids else set(ids)


def _save_steering(request, plan: AnnualPlan, formset, members: list[SteeringMember]) -> list[str]:
    """Save the formset through ``services.steering_set``; the problems, or none when saved."""
    if not formset.is_valid():
        problems = []
        for number, form in enumerate(formset.forms, start=1):
            if formset.can_delete and formset._should_delete_form(form):
                continue
            for name, errors in form.errors.items():
                label = form.fields[name].label if name in form.fields else ""
                problems += [
                    f"Dòng {number}: {label}: {error}" if label else f"Dòng {number}: {error}"
                    for error in errors
                ]
        problems += formset.non_form_errors()
        return problems or ["Chưa lưu: ban chỉ đạo có dòng không hợp lệ."]
    seen = _seen_ids(request.POST.get("members", ""))
    if seen is None:
        return [services.STEERING_CHANGED]
    by_pk = {member.pk: member for member in members}
    chosen = [form.cleaned_data.get("cadre") for form in formset.forms if form.cleaned_data]
    cadres = Cadre.objects.select_related("position", "unit").in_bulk([pk for pk in chosen if pk])
    rows = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or (not data.get("id") and data.get("cadre") is None):
            continue  # an empty line, or a new line deleted
        member = by_pk.get(data.get("id")) if data.get("id") else None
        if data.get("id") and member is None:
            return [services.STEERING_CHANGED]
        rows.append(
            services.SteeringRow(
                member=member,
                version=data.get("version"),
                cadre=cadres.get(data.get("cadre")),
                role=data.get("role") or "member",
                title=data.get("title") or "",
                order=data.get("order") if data.get("order") is not None else 100,
                delete=bool(data.get("DELETE")),
            )
        )
    try:
        changed = services.steering_set(plan=plan, rows=rows, members_seen=seen)
    except StaleEditError:
        return [services.STEERING_CHANGED]
    except ValidationError as error:
        return error.messages
    messages.success(
        request, f"Đã lưu ban chỉ đạo ({changed} thay đổi)." if changed else "Không có gì thay đổi."
    )
    return []


# --- Deleting and history -----------------------------------------------------------------------


@editor_required
@require_http_methods(["GET", "POST"])
def plan_delete(request, pk: int):
    plan = get_plan_for_user(request.user, pk)
    if plan.is_locked:
        messages.error(request, "Kế hoạch đã gửi cấp trên (hoặc đã được tiếp nhận) nên không xoá được.")
        return redirect(plan)
    if request.method == "POST":
        try:
            services.plan_delete(plan=plan)
        except ValidationError as error:
            return _refused(request, error, plan)
        messages.success(request, f"Đã xoá kế hoạch công tác cán bộ năm {plan.year} của {plan.unit.name}.")
        return redirect("reports:plans")
    return render(
        request,
        "reports/plan_confirm_delete.html",
        {"plan": plan, "lower_count": plan.lower_plans.count(), "target_count": plan.targets().count()},
    )


HIDDEN = frozenset({"created_by", "submitted_by", "reviewed_by"})


def history_sources() -> list[registry.HistorySource]:
    """The plan's own changes, its unit's targets of the year and its steering group."""
    return [
        registry.HistorySource(
            key="plan",
            records=lambda plan: AnnualPlan.history.filter(id=plan.pk),
            subject=lambda record: "Kế hoạch",
            hidden_fields=HIDDEN,
        ),
        registry.HistorySource(
            key="plan-targets",
            records=lambda plan: Target.history.filter(unit_id=plan.unit_id, year=plan.year),
            subject=lambda record: (
                f"Chỉ tiêu: {record.text if len(record.text) <= 80 else record.text[:79] + '…'}"
            ),
            hidden_fields=frozenset({"source"}),
        ),
        registry.HistorySource(
            key="plan-steering",
            records=lambda plan: SteeringMember.history.filter(plan_id=plan.pk).select_related("cadre"),
            subject=lambda record: (
                f"Ban chỉ đạo: {record.cadre.full_name}" if record.cadre else "Ban chỉ đạo"
            ),
        ),
    ]


@require_GET
def plan_history(request, pk: int):
    plan = get_plan_for_user(request.user, pk)
    return render(
        request,
        "reports/plan_history.html",
        {
            "plan": plan,
            "history": history_entries(
                history_sources(), plan, sensitive=request.user.can_see_sensitive, limit=200
            ),
        },
    )
