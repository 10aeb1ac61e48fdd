from django.urls import path

from .evaluation import document_views as evaluation_documents
from .evaluation import views as evaluations
from .views import calendar, progress, secondments, trips

app_name = "fieldwork"
urlpatterns = [
    path("", trips.trip_list, name="index"),
    path("trips/new/", trips.trip_create, name="trip-create"),
    path("trips/<int:pk>/", trips.trip_detail, name="trip-detail"),
    path("trips/<int:pk>/edit/", trips.trip_edit, name="trip-edit"),
    path("trips/<int:pk>/days/", trips.trip_days, name="trip-days"),
    path("trips/<int:pk>/status/", trips.trip_status, name="trip-status"),
    path("trips/<int:pk>/report/", trips.trip_report, name="trip-report"),
    path("trips/<int:pk>/history/", trips.trip_history, name="trip-history"),
    path("trips/<int:pk>/files/<int:file_pk>/", trips.attachment_download, name="attachment"),
    path("trips/<int:pk>/files/<int:file_pk>/delete/", trips.attachment_delete, name="attachment-delete"),
    path("secondments/", secondments.secondment_list, name="secondments"),
    path("secondments/new/", secondments.secondment_create, name="secondment-create"),
    path("secondments/<int:pk>/", secondments.secondment_detail, name="secondment-detail"),
    path("secondments/<int:pk>/edit/", secondments.secondment_edit, name="secondment-edit"),
    path("secondments/<int:pk>/finish/", secondments.secondment_finish, name="secondment-finish"),
    path("secondments/<int:pk>/delete/", secondments.secondment_delete, name="secondment-delete"),
    path("secondments/<int:pk>/history/", secondments.secondment_history, name="secondment-history"),
    path("progress/", progress.progress, name="progress"),
    path("progress.xlsx", progress.progress_xlsx, name="progress-xlsx"),
    path("calendar/", calendar.trip_calendar, name="calendar"),
    path("calendar/feed/", calendar.feed_settings, name="feed"),
    path("calendar/<str:token>.ics", calendar.feed_ics, name="feed-ics"),
    # The annual evaluation (đánh giá, xếp loại).
    path("evaluations/", evaluations.evaluation_summary, name="evaluations"),
    path("evaluations/open/", evaluations.evaluation_open, name="evaluation-open"),
    path("evaluations/decide/", evaluations.evaluations_decide, name="evaluations-decide"),
    path("evaluations/list.pdf", evaluation_documents.evaluations_pdf, name="evaluations-pdf"),
    path("evaluations/list.xlsx", evaluation_documents.evaluations_xlsx, name="evaluations-xlsx"),
    path("evaluations/<int:pk>/", evaluations.evaluation_detail, name="evaluation-detail"),
    path("evaluations/<int:pk>/self/", evaluations.evaluation_self, name="evaluation-self"),
    path("evaluations/<int:pk>/review/", evaluations.evaluation_review, name="evaluation-review"),
    path("evaluations/<int:pk>/decide/", evaluations.evaluation_decide, name="evaluation-decide"),
    path("evaluations/<int:pk>/delete/", evaluations.evaluation_delete, name="evaluation-delete"),
    path("evaluations/<int:pk>/history/", evaluations.evaluation_history, name="evaluation-history"),
    path("evaluations/<int:pk>.pdf", evaluation_documents.evaluation_pdf, name="evaluation-pdf"),
]
