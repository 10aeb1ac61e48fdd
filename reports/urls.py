from django.urls import path

from .views import collection, dashboard, documents, plans, statistics, targets, year_end

app_name = "reports"
urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("reports/charts/", dashboard.dashboard_charts, name="dashboard-charts"),
    path("reports/", dashboard.index, name="index"),
    # Quality statistics as of a date (DOMAIN.md §10).
    path("reports/statistics/", statistics.statistics, name="statistics"),
    path("reports/statistics.xlsx", statistics.statistics_xlsx, name="statistics-xlsx"),
    path("reports/statistics.pdf", statistics.statistics_pdf, name="statistics-pdf"),
    # Targets and their actual figures.
    path("reports/targets/", targets.target_list, name="targets"),
    path("reports/targets/new/", targets.target_create, name="target-create"),
    path("reports/targets/<int:pk>/", targets.target_cadres, name="target-cadres"),
    path("reports/targets/<int:pk>/edit/", targets.target_edit, name="target-edit"),
    path("reports/targets/<int:pk>/delete/", targets.target_delete, name="target-delete"),
    # The yearly plans.
    path("reports/plans/", plans.plan_list, name="plans"),
    path("reports/plans/new/", plans.plan_create, name="plan-create"),
    path("reports/plans/<int:pk>/", plans.plan_detail, name="plan-detail"),
    path("reports/plans/<int:pk>/edit/", plans.plan_edit, name="plan-edit"),
    path("reports/plans/<int:pk>/steering/", plans.steering_edit, name="plan-steering"),
    path("reports/plans/<int:pk>/delete/", plans.plan_delete, name="plan-delete"),
    path("reports/plans/<int:pk>/history/", plans.plan_history, name="plan-history"),
    path("reports/plans/<int:pk>.pdf", documents.plan_pdf, name="plan-pdf"),
    path("reports/plans/<int:pk>.docx", documents.plan_docx, name="plan-docx"),
    # The collection of the units' plans below a plan with a deadline.
    path("reports/plans/<int:pk>/lower/", collection.lower_plans, name="plan-lower"),
    path("reports/plans/<int:pk>/submit/", collection.plan_submit, name="plan-submit"),
    path("reports/plans/<int:pk>/review/", collection.plan_review, name="plan-review"),
    # The year-end results report made from a plan.
    path("reports/plans/<int:pk>/report/", year_end.report_edit, name="plan-report"),
    path("reports/plans/<int:pk>/report.pdf", year_end.report_pdf, name="plan-report-pdf"),
    path("reports/plans/<int:pk>/report.docx", year_end.report_docx, name="plan-report-docx"),
]
