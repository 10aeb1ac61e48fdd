"""The annual review (rà soát, bổ sung) of an approved plan: started with the assistant's
proposals, edited, submitted, then approved or returned."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.permissions import approver_required, editor_required
from common.dates import today

from ..board import plan_board
from ..forms import ApproveForm, ReturnForm, ReviewStartForm
from ..models import PlanningRules, ReviewProposal, ReviewStatus
from ..services import approve_review, decide_proposal, return_review, start_review, submit_review
from .access import get_plan_for_user, get_review_for_user


@editor_required
def review_start(request, pk: int):
    plan = get_plan_for_user(request.user, pk)
    form = ReviewStartForm(request.POST or None, initial={"year": today().year})
    if request.method == "POST" and form.is_valid():
        try:
            review = start_review(plan, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            count = review.proposals.count()
            messages.success(
                request,
                f"Đã bắt đầu rà soát năm {review.year}: có {count} đề xuất đưa ra khỏi quy hoạch "
                "cần quyết định."
                if count
                else f"Đã bắt đầu rà soát năm {review.year}: không có đề xuất đưa ra khỏi quy hoạch.",
            )
            return redirect(_review_url(review))
    return render(
        request,
        "planning/workflow_form.html",
        {
            "plan": plan,
            "form": form,
            "heading": "Bắt đầu rà soát, bổ sung quy hoạch",
            "button": "Bắt đầu rà soát",
            "wrong_state": not plan.is_approved,
            "wrong_state_message": "Chỉ rà soát được quy hoạch đã phê duyệt.",
        },
    )


def _review_url(review) -> str:
    return reverse("planning:review-detail", args=[review.plan_id, review.pk])


def review_detail(request, pk: int, review_pk: int):
    plan = get_plan_for_user(request.user, pk)
    review = get_review_for_user(request.user, plan, review_pk)
    board = plan_board(plan, sensitive=request.user.can_see_sensitive)
    rules = PlanningRules.current()
    thin = [row for row in board.rows if row.coverage < rules.min_candidates_per_position]
    unmet = [line for line in board.structure if line.met is False]
    return render(
        request,
        "planning/review_detail.html",
        {
            "plan": plan,
            "review": review,
            "board": board,
            "proposals": review.proposals.select_related("candidate__cadre", "candidate__position"),
            "added": review.added_candidates.select_related("cadre", "position"),
            "removed": review.removed_candidates.select_related("cadre", "position"),
            "thin": thin,
            "unmet": unmet,
            "rules": rules,
            "can_edit": request.user.can_edit and review.is_editable,
            "can_approve": request.user.can_approve and review.status == ReviewStatus.SUBMITTED,
        },
    )


@require_POST
@editor_required
def proposal_decide(request, pk: int, review_pk: int, proposal_pk: int):
    plan = get_plan_for_user(request.user, pk)
    review = get_review_for_user(request.user, plan, review_pk)
    proposal = get_object_or_404(
        ReviewProposal.objects.select_related("candidate__cadre"), pk=proposal_pk, review=review
    )
    accept = request.POST.get("decision") == "accept"
    if request.POST.get("decision") not in ("accept", "reject"):
        messages.error(request, "Chọn chấp nhận hoặc không chấp nhận đề xuất.")
        return redirect(_review_url(review))
    try:
        decide_proposal(proposal, accept=accept, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        name = proposal.candidate.cadre.full_name
        messages.success(
            request,
            f"Đã chấp nhận đề xuất: {name} được đề xuất đưa ra khỏi quy hoạch."
            if accept
            else f"Không chấp nhận đề xuất: giữ {name} trong quy hoạch.",
        )
    return redirect(_review_url(review))


@require_POST
@editor_required
def review_submit(request, pk: int, review_pk: int):
    plan = get_plan_for_user(request.user, pk)
    review = get_review_for_user(request.user, plan, review_pk)
    try:
        submit_review(review, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Đã trình phê duyệt kết quả rà soát năm {review.year}.")
    return redirect(_review_url(review))


@approver_required
def review_approve(request, pk: int, review_pk: int):
    plan = get_plan_for_user(request.user, pk)
    review = get_review_for_user(request.user, plan, review_pk)
    form = ApproveForm(request.POST or None, with_body=False)
    if request.method == "POST" and form.is_valid():
        try:
            approve_review(review, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"Đã phê duyệt kết quả rà soát năm {review.year}: quy hoạch đã được cập nhật."
            )
            return redirect(plan)
    return render(
        request,
        "planning/workflow_form.html",
        {
            "plan": plan,
            "review": review,
            "form": form,
            "heading": f"Phê duyệt kết quả rà soát năm {review.year}",
            "button": "Phê duyệt",
            "wrong_state": review.status != ReviewStatus.SUBMITTED,
            "wrong_state_message": "Chỉ phê duyệt được đợt rà soát đã trình.",
        },
    )


@approver_required
def review_return(request, pk: int, review_pk: int):
    plan = get_plan_for_user(request.user, pk)
    review = get_review_for_user(request.user, plan, review_pk)
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            return_review(review, user=request.user, comment=form.cleaned_data["comment"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Đã trả lại kết quả rà soát năm {review.year} kèm ý kiến.")
            return redirect(_review_url(review))
    return render(
        request,
        "planning/workflow_form.html",
        {
            "plan": plan,
            "review": review,
            "form": form,
            "heading": f"Trả lại kết quả rà soát năm {review.year}",
            "button": "Trả lại",
            "button_class": "btn-warning",
            "wrong_state": review.status != ReviewStatus.SUBMITTED,
            "wrong_state_message": "Chỉ trả lại được đợt rà soát đã trình.",
        },
    )
