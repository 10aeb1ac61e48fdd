"""The collection of the lower units' plans: a plan with a deadline (``lower_deadline``) asks
each unit directly below its unit for its own plan of the year. The upper unit sees, unit by
unit, whether the plan is missing, being drafted, sent on time or late, returned or accepted;
a lower unit submits its plan, the upper unit accepts it or returns it with a note."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import editor_required
from cadres.models import Unit
from common.dates import today
from common.lists import paginate_list
from common.models import StaleEditError
from units.scope import subtree_condition

from .. import services
from ..forms import ACCEPT, ReviewForm, SubmitForm
from ..models import AnnualPlan, PlanStatus
from ..services import SubmissionState, submission_state, submitted_late_days
from .plans import get_plan_for_user

UNITS_PER_PAGE = 100


@dataclass(frozen=True)
class Line:
    unit: Unit
    plan: AnnualPlan | None
    state: SubmissionState


def collection_lines(plan: AnnualPlan) -> list[Line]:
    """One line per active unit directly below the plan's unit, with its plan answering this
    one: two queries whatever the number of units."""
    units = Unit.objects.active().filter(subtree_condition("path", plan.unit.path), depth=plan.unit.depth + 1)
    answers = {
        answer.unit_id: answer
        for answer in AnnualPlan.objects.filter(parent=plan).select_related("submitted_by").order_by("pk")
    }
    day = today()
    return [
        Line(unit, answers.get(unit.pk), submission_state(answers.get(unit.pk), plan.lower_deadline, day))
        for unit in units.order_by("path")
    ]


def collection_counts(lines: list[Line]) -> dict[str, int]:
    states = [line.state for line in lines]
    statuses = [line.plan.status if line.plan else None for line in lines]
    sent = sum(state.is_sent for state in states)
    late = sum(state.is_sent and state.late_days > 0 for state in states)
    return {
        "expected": len(lines),
        "sent": sent,
        "on_time": sent - late,
        "late": late,
        "waiting": statuses.count(PlanStatus.SUBMITTED),
        "accepted": statuses.count(PlanStatus.ACCEPTED),
        "returned": statuses.count(PlanStatus.RETURNED),
        "drafting": statuses.count(PlanStatus.DRAFT),
        "missing": statuses.count(None),
        "overdue": sum(state.code == "overdue" for state in states),
    }


@require_GET
def lower_plans(request, pk: int):
    plan = get_plan_for_user(request.user, pk)
    if plan.lower_deadline is None:
        messages.info(request, "Kế hoạch này chưa đặt hạn để các đơn vị trực thuộc gửi kế hoạch của mình.")
        return redirect(plan)
    lines = collection_lines(plan)
    page = paginate_list(request, lines, per_page=UNITS_PER_PAGE)
    return render(
        request,
        "reports/plan_lower.html",
        {
            "plan": plan,
            "page": page,
            "counts": collection_counts(lines),
            "overdue": today() > plan.lower_deadline,
            "can_review": request.user.can_edit,
        },
    )


@require_POST
@editor_required
def plan_submit(request, pk: int):
    plan = get_plan_for_user(request.user, pk)
    form = SubmitForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Yêu cầu không hợp lệ: tải lại trang rồi thử lại.")
        return redirect(plan)
    try:
        sent = services.plan_submit(plan=plan, user=request.user, base_version=form.cleaned_data["version"])
    except StaleEditError:
        messages.error(request, "Chưa gửi: kế hoạch vừa được người khác cập nhật. Xem lại rồi gửi.")
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        deadline = sent.parent.lower_deadline
        late = submitted_late_days(sent, deadline) if deadline else 0
        note = f" (muộn {late} ngày so với hạn {deadline:%d/%m/%Y})" if late else ""
        messages.success(request, f"Đã gửi kế hoạch lên {sent.parent.unit.name}{note}.")
    return redirect(plan)


@require_POST
@editor_required
def plan_review(request, pk: int):
    plan = get_plan_for_user(request.user, pk)
    form = ReviewForm(request.POST)
    back = (
        reverse("reports:plan-lower", args=[plan.parent_id])
        if request.POST.get("back") and plan.parent_id
        else None
    )
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(plan)
    action, note = form.cleaned_data["action"], form.cleaned_data["note"]
    try:
        if action == ACCEPT:
            services.plan_accept(plan=plan, user=request.user, note=note)
        else:
            services.plan_return(plan=plan, user=request.user, note=note)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(plan)
    if action == ACCEPT:
        messages.success(request, f"Đã tiếp nhận kế hoạch của {plan.unit.name}.")
    else:
        messages.success(request, f"Đã trả lại kế hoạch của {plan.unit.name} kèm ý kiến.")
    return redirect(back or plan)
