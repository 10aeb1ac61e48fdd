from django.urls import path

from config.views import area_pending

app_name = "training"
urlpatterns = [
    path("", area_pending, {"area": "training"}, name="index"),
]
