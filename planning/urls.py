from django.urls import path

from config.views import area_pending

app_name = "planning"
urlpatterns = [
    path("", area_pending, {"area": "planning"}, name="index"),
]
