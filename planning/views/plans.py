"""The plans: list, creation, the succession board, candidates, the approval workflow, the
plan's history and the vacancies in the user's scope."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.permissions import approver_required, editor_required
from cadres.models import Cadre, Unit, UnitLevel
from common.lists import paginate, paginate_list
from common.text import fold, positive_id

from ..board import plan_board
from ..forms import (
    ApproveForm,
    CandidateAddForm,
    CandidateBulkForm,
    CandidateEditForm,
    CandidateImportForm,
    CandidateRemoveForm,
    PlanCreateForm,
    PlanEditForm,
    ReturnForm,
)
from ..history import plan_history_entries
from ..models import PlanStatus, SuccessionPlan, Term
from ..services import (
    CandidatesRefused,
    add_candidates,
    approve_plan,
    editing_context,
    open_review,
    remove_candidate,
    restore_candidate,
    return_plan,
    submit_plan,
)
from ..vacancies import FEW_SUCCESSORS, thin_successions_in_scope, vacancies_in_scope
from .access import get_candidate_for_user, get_plan_for_user

PAGE_SIZE = 50
SEARCH_RESULTS = 20


def plan_list(request):
    plans = SuccessionPlan.objects.visible_to(request.user).select_related("unit", "term")
    terms = list(Term.objects.all())
    term = positive_id(request.GET.get("term"))
    status = request.GET.get("status", "")
    query = request.GET.get("q", "").strip()[:100]
    if term:
        plans = plans.filter(term_id=term)
    if status in PlanStatus.values:
        plans = plans.filter(status=status)
    if query:
        plans = plans.filter(unit__in=_units_named(request.user, query))
    plans = plans.annotate(
        candidate_count=Count("candidates", filter=Q(candidates__removed_year__isnull=True)),
        open_reviews=Count("reviews", filter=~Q(reviews__status="approved"), distinct=True),
    ).order_by("-term__start_year", "unit__path", "pk")
    page = paginate(request, plans, per_page=PAGE_SIZE)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "planning/plan_list.html",
        {
            "page": page,
            "terms": terms,
            "statuses": PlanStatus.choices,
            "term": term,
            "status": status,
            "query": query,
            "query_string": params.urlencode(),
            "filtered": bool(term or status or query),
        },
    )


def _units_named(user, query: str) -> list[int]:
    """The units in scope whose name has every word of ``query``, accents ignored (as the unit
    tree's search: a few thousand names folded in Python)."""
    words = fold(query).split()
    rows = Unit.objects.visible_to(user).values_list("pk", "name", "short_name")
    return [pk for pk, name, short in rows if all(word in fold(f"{name} {short}") for word in words)]


@editor_required
def plan_create(request):
    form = PlanCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        plan = form.save()
        messages.success(request, f"Đã lập {plan}. Thêm ứng viên cho từng chức danh.")
        return redirect(plan)
    return render(request, "planning/plan_form.html", {"form": form, "heading": "Lập quy hoạch cán bộ"})


@editor_required
def plan_edit(request, pk: int):
    plan = get_plan_for_user(request.user, pk)
    form = PlanEditForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Đã lưu ghi chú của quy hoạch.")
        return redirect(plan)
    return render(
        request, "planning/plan_form.html", {"form": form, "plan": plan, "heading": "Sửa ghi chú quy hoạch"}
    )


def plan_detail(request, pk: int):
    plan = get_plan_for_user(request.user, pk)
    board = plan_board(plan, sensitive=request.user.can_see_sensitive)
    review = open_review(plan) if plan.is_approved else None
    return render(
        request,
        "planning/plan_detail.html",
        {
            "plan": plan,
            "board": board,
            "review": review,
            "can_change": request.user.can_edit and _changeable(plan),
            "reviews": plan.reviews.all(),
        },
    )


def _changeable(plan: SuccessionPlan) -> bool:
    try:
        editing_context(plan)
    except ValidationError:
        return False
    return True


def plan_history(request, pk: int):
    plan = get_plan_for_user(request.user, pk)
    return render(
        request,
        "planning/plan_history.html",
        {"plan": plan, "history": plan_history_entries(plan, sensitive=request.user.can_see_sensitive)},
    )


# --- Candidates ------------------------------------------------------------------------------


@editor_required
def candidate_add(request, pk: int):
    plan = get_plan_for_user(request.user, pk)
    query = request.GET.get("q", "").strip()[:100]
    form = CandidateAddForm(request.POST or None, plan=plan, user=request.user, initial=_initial(request))
    refusal = _locked_message(plan)
    if request.method == "POST" and refusal is None and form.is_valid() and _added(request, plan, form):
        return redirect(plan)
    found = _search(request.user, plan, query)
    chosen = form.cleaned_data.get("cadre") if form.is_bound and hasattr(form, "cleaned_data") else None
    if chosen is not None and chosen not in found:
        found.insert(0, chosen)  # the choice stays on screen with the reasons it was refused
    chosen = chosen.pk if chosen else None
    return render(
        request,
        "planning/candidate_add.html",
        {
            "plan": plan,
            "form": form,
            "query": query,
            "found": found,
            "chosen": str(chosen or ""),
            "refusal": refusal,
        },
    )


def _initial(request) -> dict:
    initial = {}
    if position := positive_id(request.GET.get("position")):
        initial["position"] = position
    return initial


def _locked_message(plan) -> str | None:
    try:
        editing_context(plan)
    except ValidationError as error:
        return " ".join(error.messages)
    return None


def _search(user, plan, query: str) -> list[Cadre]:
    """The cadres to choose from: the query's matches in scope, else the plan's unit's own."""
    cadres = Cadre.objects.visible_to(user).active().select_related("unit", "position")
    if query:
        cadres = cadres.ranked_search(query).order_by("-search_rank", "full_name", "pk")
    else:
        cadres = cadres.filter(unit=plan.unit)
    return list(cadres[:SEARCH_RESULTS])


def _added(request, plan, form) -> bool:
    """Add the form's rows; on refusal, the reasons become the form's errors."""
    try:
        added = add_candidates(plan, form.rows(), user=request.user)
    except CandidatesRefused as refused:
        for message in refused.messages:
            form.add_error(None, message)
        return False
    except ValidationError as error:
        form.add_error(None, error)
        return False
    except IntegrityError:
        form.add_error(None, "Danh sách vừa được người khác thay đổi: hãy thử lại.")
        return False
    posts = {}
    for candidate, _ in added:
        posts.setdefault(candidate.position.name, []).append(candidate.cadre.full_name)
    for post, names in posts.items():
        messages.success(request, f"Đã đưa vào quy hoạch chức danh {post}: {', '.join(names)}.")
    for candidate, flags in added:
        for flag in flags:
            messages.warning(request, f"{candidate.cadre.full_name} — {flag}")
    return True


@editor_required
def candidate_bulk(request, pk: int):
    plan = get_plan_for_user(request.user, pk)
    form = CandidateBulkForm(request.POST or None, plan=plan, user=request.user)
    refusal = _locked_message(plan)
    if request.method == "POST" and refusal is None and form.is_valid() and _added(request, plan, form):
        return redirect(plan)
    return render(request, "planning/candidate_bulk.html", {"plan": plan, "form": form, "refusal": refusal})


@editor_required
def candidate_import(request, pk: int):
    plan = get_plan_for_user(request.user, pk)
    form = CandidateImportForm(request.POST or None, request.FILES or None, plan=plan, user=request.user)
    refusal = _locked_message(plan)
    if request.method == "POST" and refusal is None and form.is_valid() and _added(request, plan, form):
        return redirect(plan)
    return render(request, "planning/candidate_import.html", {"plan": plan, "form": form, "refusal": refusal})


@editor_required
def candidate_edit(request, pk: int, candidate_pk: int):
    plan = get_plan_for_user(request.user, pk)
    candidate = get_candidate_for_user(request.user, plan, candidate_pk)
    refusal = _locked_message(plan)
    form = CandidateEditForm(request.POST or None, instance=candidate)
    if request.method == "POST" and refusal is None and form.is_valid():
        form.save()
        messages.success(request, f"Đã lưu thông tin ứng viên {candidate.cadre.full_name}.")
        return redirect(plan)
    return render(
        request,
        "planning/candidate_form.html",
        {
            "plan": plan,
            "candidate": candidate,
            "form": form,
            "refusal": refusal,
            "heading": "Sửa thông tin ứng viên",
        },
    )


@editor_required
def candidate_remove(request, pk: int, candidate_pk: int):
    plan = get_plan_for_user(request.user, pk)
    candidate = get_candidate_for_user(request.user, plan, candidate_pk)
    refusal = _locked_message(plan)
    review = None if refusal else editing_context(plan)
    needs_reason = review is not None and candidate.added_by_review_id != review.pk
    form = CandidateRemoveForm(request.POST or None, needs_reason=needs_reason)
    if request.method == "POST" and refusal is None and form.is_valid():
        try:
            remove_candidate(
                candidate,
                reason=form.cleaned_data.get("reason", ""),
                note=form.cleaned_data.get("note", ""),
                user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            done = "đề xuất đưa ra khỏi quy hoạch" if needs_reason else "bỏ khỏi danh sách"
            messages.success(request, f"Đã {done}: {candidate.cadre.full_name} ({candidate.position.name}).")
            return redirect(plan)
    return render(
        request,
        "planning/candidate_form.html",
        {
            "plan": plan,
            "candidate": candidate,
            "form": form,
            "refusal": refusal,
            "heading": "Đưa ra khỏi quy hoạch" if needs_reason else "Bỏ khỏi danh sách dự thảo",
            "button": "Xác nhận",
            "button_class": "btn-danger",
        },
    )


@require_POST
@editor_required
def candidate_restore(request, pk: int, candidate_pk: int):
    plan = get_plan_for_user(request.user, pk)
    candidate = get_candidate_for_user(request.user, plan, candidate_pk)
    try:
        restore_candidate(candidate, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Đã giữ lại {candidate.cadre.full_name} trong quy hoạch.")
    return redirect(plan)


# --- Workflow --------------------------------------------------------------------------------


@require_POST
@editor_required
def plan_submit(request, pk: int):
    plan = get_plan_for_user(request.user, pk)
    try:
        submit_plan(plan, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Đã trình phê duyệt quy hoạch. Danh sách bị khóa trong khi chờ duyệt.")
    return redirect(plan)


@approver_required
def plan_approve(request, pk: int):
    plan = get_plan_for_user(request.user, pk)
    form = ApproveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            approve_plan(plan, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, "Đã phê duyệt quy hoạch. Quy hoạch đã khóa: thay đổi tiếp theo qua rà soát hằng năm."
            )
            return redirect(plan)
    return render(
        request,
        "planning/workflow_form.html",
        {
            "plan": plan,
            "form": form,
            "heading": "Phê duyệt quy hoạch",
            "button": "Phê duyệt",
            "wrong_state": plan.status != PlanStatus.SUBMITTED,
        },
    )


@approver_required
def plan_return(request, pk: int):
    plan = get_plan_for_user(request.user, pk)
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            return_plan(plan, user=request.user, comment=form.cleaned_data["comment"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Đã trả lại quy hoạch kèm ý kiến.")
            return redirect(plan)
    return render(
        request,
        "planning/workflow_form.html",
        {
            "plan": plan,
            "form": form,
            "heading": "Trả lại quy hoạch",
            "button": "Trả lại",
            "button_class": "btn-warning",
            "wrong_state": plan.status != PlanStatus.SUBMITTED,
        },
    )


# --- Vacancies -------------------------------------------------------------------------------


def vacancies(request):
    """The vacancies in the user's scope, or (``?show=few_successors``) the key posts of the
    current plans with 0 or 1 person planned for them."""
    units = Unit.objects.visible_to(request.user)
    level = request.GET.get("level", "")
    if level not in UnitLevel.values:
        level = ""
    show = request.GET.get("show", "")
    if show not in VACANCY_LISTS:
        show = ""
    if show:
        found = thin_successions_in_scope(request.user, level=level)
    else:
        found = vacancies_in_scope(request.user, level=level)
    page = paginate_list(request, found, per_page=PAGE_SIZE)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "planning/vacancies.html",
        {
            "page": page,
            "level": level,
            "levels": sorted(set(units.values_list("level", flat=True))),
            "level_labels": dict(Unit._meta.get_field("level").choices),
            "show": show,
            "lists": VACANCY_LISTS.items(),
            "query_string": params.urlencode(),
            "plan_list": reverse("planning:index"),
        },
    )


# The vacancies page's two lists (``?show=``).
VACANCY_LISTS = {
    "": "Chức danh đang khuyết",
    "few_successors": f"Chức danh chủ chốt chỉ có 0–{FEW_SUCCESSORS - 1} người quy hoạch",
}
