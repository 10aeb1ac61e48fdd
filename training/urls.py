from django.urls import path

from common.views import area_pending

app_name = "training"
urlpatterns = [
    path(
        "",
        area_pending,
        {
            "title": "Đào tạo, bồi dưỡng",
            "icon": "mortarboard",
            "description": "Khoá học, học viên và kết quả; hoàn thành khoá học cập nhật trình độ của cán bộ.",
        },
        name="index",
    ),
]
