"""What Django admin shows: Vietnamese section, model and field names (ours, django-axes' and
Django's own, through locale/vi), and the site icon. The browser test
(tests/browser/test_admin_browser.py) checks the rendered pages."""

import io

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from PIL import Image

# Fields whose name reads the same in Vietnamese, or that no admin page shows (treebeard's).
SAME_IN_VIETNAMESE = {"id", "email", "path", "depth", "numchild"}


@translation.override("vi")
def test_every_admin_section_and_model_name_is_vietnamese(system_admin):
    request = RequestFactory().get("/admin/")
    request.user = system_admin

    app_list = admin.site.get_app_list(request)

    names = [app["name"] for app in app_list] + [model["name"] for app in app_list for model in app["models"]]
    assert {
        "Kiểm soát đăng nhập",
        "Lần đăng nhập sai",
        "Nhật ký đăng nhập thất bại",
        "Nhật ký đăng nhập",
    } <= set(names)
    # Vietnamese names carry diacritics; an all-ASCII name is an English leftover ("Axes", "Groups").
    assert [name for name in names if name.isascii()] == []


@translation.override("vi")
def test_every_field_of_a_registered_model_has_a_vietnamese_label():
    english = []
    for model in admin.site._registry:
        for field in model._meta.concrete_fields:
            if field.name in SAME_IN_VIETNAMESE:
                continue
            label = str(field.verbose_name)
            if label.lower() == field.name.replace("_", " ") or label.isascii():
                english.append(f"{model._meta.label}.{field.name}: {label}")

    assert english == []


@pytest.mark.parametrize(
    ("english", "vietnamese"),
    [
        ("Show counts", "Hiện số lượng"),
        ("Skip to main content", "Bỏ qua, đến nội dung chính"),
        ("History", "Lịch sử"),
        ("access attempts", "lần đăng nhập sai"),
        ("Changed by", "Người sửa"),
    ],
)
def test_it_translates_what_django_and_the_packages_leave_in_english(english, vietnamese):
    with translation.override("vi"):
        assert translation.gettext(english) == vietnamese


def test_it_serves_the_site_icon_to_anyone(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    icon = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert icon.format == "ICO"
    assert (32, 32) in icon.info["sizes"]


def test_a_refused_admin_form_says_so_in_vietnamese(client, system_admin):
    client.force_login(system_admin)

    response = client.post(
        reverse("admin:planning_term_add"), {"name": "", "start_year": "2030", "end_year": "2020"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Chưa lưu được: hãy sửa các lỗi ghi bên dưới." in html and "Please correct" not in html
