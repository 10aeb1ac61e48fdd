from django.urls import path

from common.views import area_pending

app_name = "fieldwork"
urlpatterns = [
    path(
        "",
        area_pending,
        {
            "title": "Đi cơ sở và đánh giá",
            "icon": "geo-alt",
            "description": (
                "Chế độ “1+2”: các đợt đi cơ sở, số ngày, báo cáo, tăng cường cơ sở; "
                "đánh giá, xếp loại hằng năm."
            ),
        },
        name="index",
    ),
]
