from django.urls import path

from config.views import area_pending

app_name = "fieldwork"
urlpatterns = [
    path("", area_pending, {"area": "fieldwork"}, name="index"),
]
