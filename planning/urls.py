from django.urls import path

from .views import exports, plans, reviews, sources

app_name = "planning"
urlpatterns = [
    path("", plans.plan_list, name="index"),
    path("new/", plans.plan_create, name="plan-create"),
    path("vacancies/", plans.vacancies, name="vacancies"),
    path("sources/", sources.source_list, name="source-list"),
    path("sources/new/", sources.source_create, name="source-create"),
    path("sources/export.xlsx", sources.source_export, name="source-export"),
    path("sources/<int:pk>/edit/", sources.source_edit, name="source-edit"),
    path("<int:pk>/", plans.plan_detail, name="plan-detail"),
    path("<int:pk>/edit/", plans.plan_edit, name="plan-edit"),
    path("<int:pk>/history/", plans.plan_history, name="plan-history"),
    path("<int:pk>/export.pdf", exports.plan_export_pdf, name="plan-export-pdf"),
    path("<int:pk>/export.xlsx", exports.plan_export_xlsx, name="plan-export-xlsx"),
    path("<int:pk>/candidates/new/", plans.candidate_add, name="candidate-add"),
    path("<int:pk>/candidates/bulk/", plans.candidate_bulk, name="candidate-bulk"),
    path("<int:pk>/candidates/import/", plans.candidate_import, name="candidate-import"),
    path("<int:pk>/candidates/<int:candidate_pk>/edit/", plans.candidate_edit, name="candidate-edit"),
    path("<int:pk>/candidates/<int:candidate_pk>/remove/", plans.candidate_remove, name="candidate-remove"),
    path(
        "<int:pk>/candidates/<int:candidate_pk>/restore/", plans.candidate_restore, name="candidate-restore"
    ),
    path("<int:pk>/submit/", plans.plan_submit, name="plan-submit"),
    path("<int:pk>/approve/", plans.plan_approve, name="plan-approve"),
    path("<int:pk>/return/", plans.plan_return, name="plan-return"),
    path("<int:pk>/reviews/new/", reviews.review_start, name="review-start"),
    path("<int:pk>/reviews/<int:review_pk>/", reviews.review_detail, name="review-detail"),
    path(
        "<int:pk>/reviews/<int:review_pk>/proposals/<int:proposal_pk>/",
        reviews.proposal_decide,
        name="proposal-decide",
    ),
    path("<int:pk>/reviews/<int:review_pk>/submit/", reviews.review_submit, name="review-submit"),
    path("<int:pk>/reviews/<int:review_pk>/approve/", reviews.review_approve, name="review-approve"),
    path("<int:pk>/reviews/<int:review_pk>/return/", reviews.review_return, name="review-return"),
]
