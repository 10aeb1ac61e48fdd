from django.urls import path

from .views import cadres, cv, excel, merge, units

app_name = "cadres"
urlpatterns = [
    path("units/", units.unit_list, name="unit-list"),
    path("units/merge/", merge.unit_merge_view, name="unit-merge"),
    path("units/<int:pk>/", units.unit_detail, name="unit-detail"),
    path("cadres/", cadres.cadre_list, name="cadre-list"),
    path("cadres/export.xlsx", excel.cadre_export, name="cadre-export"),
    path("cadres/exports/", excel.cadre_export_start, name="cadre-export-start"),
    path("cadres/exports/<uuid:token>/", excel.export_job, name="cadre-export-job"),
    path("cadres/exports/<uuid:token>/status/", excel.export_job_status, name="cadre-export-status"),
    path("cadres/exports/<uuid:token>/download/", excel.export_job_download, name="cadre-export-download"),
    path("cadres/import/", excel.cadre_import, name="cadre-import"),
    path("cadres/import/template.xlsx", excel.import_template, name="cadre-import-template"),
    path("cadres/import/<uuid:token>/", excel.import_job, name="cadre-import-job"),
    path("cadres/import/<uuid:token>/status/", excel.import_job_status, name="cadre-import-status"),
    path("cadres/import/<uuid:token>/cancel/", excel.import_cancel, name="cadre-import-cancel"),
    path("cadres/new/", cadres.cadre_create, name="cadre-create"),
    path("cadres/<int:pk>/", cadres.cadre_detail, name="cadre-detail"),
    path("cadres/<int:pk>/edit/", cadres.cadre_edit, name="cadre-edit"),
    path("cadres/<int:pk>/archive/", cadres.cadre_archive, name="cadre-archive"),
    path("cadres/<int:pk>/cv.pdf", cv.cadre_cv_pdf, name="cadre-cv"),
    path("cadres/<int:pk>/appointments/new/", cadres.appointment_create, name="appointment-create"),
    path(
        "cadres/<int:pk>/appointments/<int:appointment_pk>/close/",
        cadres.appointment_close_view,
        name="appointment-close",
    ),
    path(
        "cadres/<int:pk>/appointments/<int:appointment_pk>/edit/",
        cadres.appointment_edit,
        name="appointment-edit",
    ),
    path(
        "cadres/<int:pk>/appointments/<int:appointment_pk>/delete/",
        cadres.appointment_delete,
        name="appointment-delete",
    ),
    path("cadres/<int:pk>/records/<str:kind>/new/", cadres.record_form, name="record-create"),
    path("cadres/<int:pk>/records/<str:kind>/<int:record_pk>/edit/", cadres.record_form, name="record-edit"),
    path(
        "cadres/<int:pk>/records/<str:kind>/<int:record_pk>/delete/",
        cadres.record_delete,
        name="record-delete",
    ),
]
