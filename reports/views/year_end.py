"""The year-end results report (Báo cáo kết quả) made from a yearly plan: its own parts edited
by editors (number, date, assessment, next year's direction) beside a preview of the targets'
actual figures and the year's figures, and the report as PDF and as Word for every role that
sees the plan. A plan outside the user's subtree does not exist for them (404)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import editor_required

from ..documents import figure_blocks, render_docx, report_document, target_lines
from ..forms_report import ReportForm
from ..markup import to_html
from ..year_figures import year_figures
from .documents import download, pdf_download
from .plans import get_plan_for_user

SAVED = "Đã lưu báo cáo kết quả năm {year}."


@editor_required
@require_http_methods(["GET", "POST"])
def report_edit(request, pk: int):
    plan = get_plan_for_user(request.user, pk)
    form = ReportForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, SAVED.format(year=plan.year))
        return redirect("reports:plan-report", pk=plan.pk)
    lines = target_lines(plan)
    return render(
        request,
        "reports/plan_report_form.html",
        {
            "form": form,
            "plan": plan,
            "lines": lines,
            "met": sum(1 for line in lines if line.met),
            "figures": to_html(figure_blocks(year_figures(plan.unit, plan.year))),
        },
    )


@require_GET
def report_pdf(request, pk: int):
    plan = get_plan_for_user(request.user, pk)
    return pdf_download(request, plan, report_document(plan))


@require_GET
def report_docx(request, pk: int):
    plan = get_plan_for_user(request.user, pk)
    document = report_document(plan)
    return download(request, document, render_docx(document), "docx")
