from django.urls import path

from .views import calendar, courses, exports, imports, needs

app_name = "training"
urlpatterns = [
    path("", courses.course_list, name="index"),
    path("new/", courses.course_create, name="course-create"),
    path("needs/", needs.needs_list, name="needs"),
    path("calendar/", calendar.course_calendar, name="calendar"),
    path("<int:pk>/", courses.course_detail, name="course-detail"),
    path("<int:pk>/edit/", courses.course_edit, name="course-edit"),
    path("<int:pk>/history/", courses.course_history, name="course-history"),
    path("<int:pk>/enrol/", courses.course_enrol, name="course-enrol"),
    path("<int:pk>/results/", courses.course_results, name="course-results"),
    path("<int:pk>/import/", imports.results_import, name="course-import"),
    path("<int:pk>/class-list.pdf", exports.class_list_pdf, name="class-list-pdf"),
    path("<int:pk>/class-list.xlsx", exports.class_list_xlsx, name="class-list-xlsx"),
    path("<int:pk>/certificates.pdf", exports.certificates_pdf, name="certificates-pdf"),
    path("<int:pk>/certificates.xlsx", exports.certificates_xlsx, name="certificates-xlsx"),
    path(
        "<int:pk>/learners/<int:enrollment_pk>/withdraw/",
        courses.enrollment_withdraw,
        name="enrollment-withdraw",
    ),
]
