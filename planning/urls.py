from django.urls import path

from common.views import area_pending

app_name = "planning"
urlpatterns = [
    path(
        "",
        area_pending,
        {
            "title": "Quy hoạch cán bộ",
            "icon": "diagram-3",
            "description": "Quy hoạch cán bộ theo đơn vị và nhiệm kỳ, rà soát hằng năm và phê duyệt.",
        },
        name="index",
    ),
]
