"""The evaluation's pages: the summary of a period by unit (with the unit's list and its bulk
decision), opening a unit's evaluations, an evaluation's page, its three steps — self-assessment
and the collective's review by editors, the decision by approvers —, deletion and history.

An evaluation is seen and run within the subtree of the unit that rates it
(``Evaluation.objects.visible_to``); anything else does not exist for the user (404)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import approver_required, editor_required
from cadres import registry
from cadres.history import history_entries
from common.dates import today
from common.lists import paginate, paginate_list
from common.models import StaleEditError

from ..views.access import MAX_ID
from . import summary
from .forms import (
    BulkDecisionForm,
    DecisionForm,
    EvaluationFilterForm,
    OpenEvaluationsForm,
    StepForm,
    add_service_error,
)
from .models import Classification, Evaluation, EvaluationStatus, Period, Score, format_points
from .services import (
    check_step,
    decide_many,
    delete_evaluation,
    open_evaluations,
    record_step,
    share_check,
    suggestions,
)

PAGE_SIZE = 50
STEP_DONE = {
    "self": "Đã lưu phần tự đánh giá của {name}.",
    "review": "Đã lưu nhận xét của tập thể về {name}.",
    "decide": "Đã quyết định xếp loại {name}: {classification}.",
}
STEP_HEADINGS = {
    "self": "Tự đánh giá",
    "review": "Nhận xét, đánh giá của tập thể",
    "decide": "Quyết định xếp loại",
}


def get_evaluation_for_user(user, pk: int) -> Evaluation:
    if not 0 < pk < MAX_ID:
        raise Http404
    return get_object_or_404(
        Evaluation.objects.visible_to(user).select_related(
            "cadre__position", "unit", "scheme", "self_by", "review_by", "decided_by", "created_by"
        ),
        pk=pk,
    )


def summary_url(filters: summary.SummaryFilters) -> str:
    return f"{reverse('fieldwork:evaluations')}?{filters.query()}"


# --- The summary --------------------------------------------------------------------------------


@require_GET
def evaluation_summary(request):
    return _summary_page(request)


def _summary_page(request, *, decision_form: BulkDecisionForm | None = None):
    """The units' lines (pages of their own, ``units_page``) and the chosen unit's own list
    (``page``, with the bulk decision of its page's evaluations waiting for it). The list shows
    for a unit picked (in the filter or by its line) or when the user's unit is the only line;
    "Tất cả" over several units is their overview."""
    form = EvaluationFilterForm(request.GET, user=request.user)
    filters = form.filters()
    lines = summary.unit_lines(request.user, filters)
    units_page = paginate_list(request, lines, per_page=PAGE_SIZE, param="units_page")
    summary.load_units(units_page.object_list)
    own = next((line for line in lines if filters.unit and line.unit_id == filters.unit.pk), None)
    picked = form.cleaned_data.get("unit") is not None or lines == [own]
    own_evaluations = (
        summary.own_evaluations(request.user, filters) if own and picked else Evaluation.objects.none()
    )
    own_page = paginate(
        request, own_evaluations, per_page=PAGE_SIZE, count=own.rated if own and picked else 0
    )
    rows = summary.evaluation_rows(own_page.object_list)
    if decision_form is None and request.user.can_approve and any(row.can_be_decided for row in rows):
        decision_form = BulkDecisionForm(user=request.user)
    return render(
        request,
        "fieldwork/evaluation/summary.html",
        {
            "form": form,
            "filters": filters,
            "units_page": units_page,
            "total": summary.total_of(units_page.object_list),
            "own_page": own_page,
            "rows": rows,
            "own": own,
            "decision_form": decision_form,
            "query": filters.query(),
        },
    )


@require_POST
@approver_required
def evaluations_decide(request):
    """The bulk decision of the unit's list; the summary's filters ride in the query string, so
    a refusal shows the same summary again with the form's errors."""
    form = BulkDecisionForm(request.POST, user=request.user)
    if form.has_error("evaluations", "invalid_choice"):
        raise Http404  # an evaluation outside the user's scope
    if form.is_valid():
        try:
            count = decide_many(
                list(form.cleaned_data["evaluations"]), user=request.user, **form.decision_arguments()
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Đã quyết định xếp loại {count} phiếu.")
            filters = EvaluationFilterForm(request.GET, user=request.user).filters()
            return redirect(summary_url(filters))
    return _summary_page(request, decision_form=form)


@editor_required
def evaluation_open(request):
    # From the summary, its unit and period.
    initial = {"unit": request.user.unit_id, "year": today().year, "period": Period.YEAR}
    initial.update({name: request.GET[name] for name in initial if request.GET.get(name)})
    form = OpenEvaluationsForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        filters = summary.SummaryFilters(year=data["year"], period=data["period"], unit=data["unit"])
        try:
            opened = open_evaluations(
                unit=data["unit"], year=data["year"], period=data["period"], user=request.user
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            if opened:
                messages.success(
                    request,
                    f"Đã mở {len(opened)} phiếu đánh giá cho {data['unit'].name}, {filters.period_label}.",
                )
            else:
                messages.info(
                    request, f"Mọi cán bộ đang công tác của {data['unit'].name} đã có phiếu kỳ này."
                )
            return redirect(summary_url(filters))
    return render(request, "fieldwork/evaluation/open_form.html", {"form": form})


# --- An evaluation ------------------------------------------------------------------------------


def _criteria_rows(evaluation: Evaluation) -> list[dict]:
    """The scheme's criteria with the evaluation's points at each step, as written."""
    scores = {score.criterion_id: score for score in evaluation.scores.all()}
    rows = []
    for criterion in evaluation.scheme.criteria.all():
        score = scores.get(criterion.pk)
        rows.append(
            {
                "criterion": criterion,
                "max_points": format_points(criterion.max_points),
                "self": format_points(score.self_points) if score else "",
                "review": format_points(score.review_points) if score else "",
                "final": format_points(score.final_points) if score else "",
            }
        )
    return rows


@require_GET
def evaluation_detail(request, pk: int):
    evaluation = get_evaluation_for_user(request.user, pk)
    user, status = request.user, evaluation.status
    criteria = _criteria_rows(evaluation)
    return render(
        request,
        "fieldwork/evaluation/detail.html",
        {
            "evaluation": evaluation,
            "criteria": criteria,
            "max_total": format_points(sum(row["criterion"].max_points for row in criteria)),
            "totals": {
                "self": format_points(evaluation.self_points),
                "review": format_points(evaluation.review_points),
                "final": format_points(evaluation.final_points),
                "latest": format_points(evaluation.points),
            },
            "can_self": user.can_edit and status in (EvaluationStatus.SELF, EvaluationStatus.REVIEW),
            "can_review": user.can_edit and status in (EvaluationStatus.REVIEW, EvaluationStatus.DECISION),
            "can_decide": user.can_approve and status == EvaluationStatus.DECISION,
            "can_delete": user.can_edit and not evaluation.is_decided,
            "summary_query": summary.SummaryFilters(
                year=evaluation.year, period=evaluation.period, unit=evaluation.unit
            ).query(),
        },
    )


@editor_required
def evaluation_self(request, pk: int):
    return _step_page(request, pk, "self")


@editor_required
def evaluation_review(request, pk: int):
    return _step_page(request, pk, "review")


@approver_required
def evaluation_decide(request, pk: int):
    return _step_page(request, pk, "decide")


def _step_page(request, pk: int, step: str):
    evaluation = get_evaluation_for_user(request.user, pk)
    try:
        check_step(evaluation, step)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(evaluation)
    form_class = DecisionForm if step == "decide" else StepForm
    form = form_class(
        request.POST or None,
        instance=evaluation,
        step=step,
        criteria=list(evaluation.scheme.criteria.all()),
        scores={score.criterion_id: score for score in evaluation.scores.all()},
        suggestions=suggestions(evaluation) if step == "self" else None,
    )
    if request.method == "POST" and form.is_valid() and _saved(request, form, evaluation, step):
        return redirect(evaluation)
    return render(
        request,
        "fieldwork/evaluation/step_form.html",
        {
            "form": form,
            "evaluation": evaluation,
            "step": step,
            "heading": STEP_HEADINGS[step],
            "thresholds": {
                level: format_points(getattr(evaluation.scheme, f"{level}_min"))
                for level in ("excellent", "good", "done")
            },
            **(_share_figures(evaluation) if step == "decide" else {}),
        },
    )


def _saved(request, form: StepForm, evaluation: Evaluation, step: str) -> bool:
    """Take the step; a stale form or a rule refused becomes the form's error (nothing saved:
    ``record_step`` is atomic)."""
    try:
        done = record_step(
            evaluation,
            step=step,
            user=request.user,
            base_version=form.base_version,
            **form.step_arguments(),
        )
    except StaleEditError as error:
        form.refuse_stale(error)
        return False
    except ValidationError as error:
        add_service_error(form, error)
        return False
    messages.success(
        request,
        STEP_DONE[step].format(name=done.cadre.full_name, classification=done.get_classification_display()),
    )
    return True


def _share_figures(evaluation: Evaluation) -> dict:
    """The unit's "xuất sắc" against its "tốt" now, and if this evaluation is decided "xuất sắc"."""
    arguments = {
        "unit_id": evaluation.unit_id,
        "year": evaluation.year,
        "period": evaluation.period,
        "scheme": evaluation.scheme,
    }
    return {
        "share_now": share_check(**arguments),
        "share_if_excellent": share_check(**arguments, changes={evaluation.pk: Classification.EXCELLENT}),
    }


@editor_required
def evaluation_delete(request, pk: int):
    evaluation = get_evaluation_for_user(request.user, pk)
    if evaluation.is_decided:
        messages.error(request, "Phiếu đã có quyết định xếp loại nên không xoá được.")
        return redirect(evaluation)
    if request.method == "POST":
        filters = summary.SummaryFilters(year=evaluation.year, period=evaluation.period, unit=evaluation.unit)
        try:
            delete_evaluation(evaluation)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(evaluation)
        messages.success(
            request, f"Đã xoá phiếu đánh giá {evaluation.period_label} của {evaluation.cadre.full_name}."
        )
        return redirect(summary_url(filters))
    return render(request, "fieldwork/evaluation/confirm_delete.html", {"evaluation": evaluation})


# The evaluation's own changes and its points per criterion.
HISTORY_SOURCES = [
    registry.HistorySource(
        key="evaluation",
        records=lambda evaluation: Evaluation.history.filter(id=evaluation.pk),
        subject=lambda record: "Phiếu đánh giá",
        hidden_fields=frozenset({"created_by"}),
    ),
    registry.HistorySource(
        key="evaluation-scores",
        records=lambda evaluation: Score.history.filter(evaluation_id=evaluation.pk).select_related(
            "criterion"
        ),
        subject=lambda record: f"Điểm: {record.criterion.name}",
    ),
]


@require_GET
def evaluation_history(request, pk: int):
    evaluation = get_evaluation_for_user(request.user, pk)
    return render(
        request,
        "fieldwork/evaluation/history.html",
        {
            "evaluation": evaluation,
            "history": history_entries(
                HISTORY_SOURCES,
                evaluation,
                sensitive=request.user.can_see_sensitive,
                limit=200,
            ),
        },
    )
