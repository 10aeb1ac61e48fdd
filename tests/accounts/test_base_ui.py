"""The base UI every role sees: Vietnamese, the user's unit and role, and nothing loaded from the internet."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import Role
from tests.factories import UserFactory

# Attributes through which a page makes the browser fetch something.
FETCHING = {
    "script": ["src"],
    "link": ["href"],
    "img": ["src", "srcset"],
    "iframe": ["src"],
    "source": ["src", "srcset"],
    "video": ["src", "poster"],
    "audio": ["src"],
    "embed": ["src"],
    "object": ["data"],
    "input": ["src"],
}


class FetchedUrls(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in FETCHING.get(tag, []) and value:
                self.urls.append((tag, value))
            if name == "style" and value and "url(" in value:
                self.urls.append((tag, value))


def fetched_urls(html: str) -> list[tuple[str, str]]:
    parser = FetchedUrls()
    parser.feed(html)
    return parser.urls


def is_local(url: str) -> bool:
    return url.startswith("/static/") or url.startswith("data:")


@pytest.mark.parametrize("role", [Role.ADMIN, Role.EDITOR, Role.APPROVER, Role.VIEWER])
def test_it_renders_the_dashboard_in_vietnamese_for_each_role(client, tree, role):
    user = UserFactory(unit=tree.province, role=role)
    client.force_login(user)

    response = client.get(reverse("reports:dashboard"))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Tổng quan" in html
    assert "Tỉnh đoàn Thử" in html
    assert user.get_role_display() in html
    assert "Đăng xuất" in html
    for area in ["Cán bộ", "Đơn vị", "Quy hoạch", "Đào tạo", "Đi cơ sở", "Báo cáo"]:
        assert area in html, area


def test_it_shows_the_whole_system_to_an_admin_without_unit(client, system_admin):
    client.force_login(system_admin)

    html = client.get(reverse("reports:dashboard")).content.decode()

    assert "Toàn hệ thống" in html
    assert reverse("admin:index") in html


def test_it_shows_the_admin_link_only_to_admins(client, tree, province_editor):
    client.force_login(province_editor)

    html = client.get(reverse("reports:dashboard")).content.decode()

    assert reverse("admin:index") not in html


def test_it_counts_only_the_units_in_scope_on_the_dashboard(client, tree, commune_editor):
    client.force_login(commune_editor)

    response = client.get(reverse("reports:dashboard"))

    assert response.context["unit_count"] == 2


@pytest.mark.parametrize(
    "url_name",
    ["reports:dashboard", "cadres:unit-list", "password_change", "planning:index", "cadres:cadre-list"],
)
def test_it_loads_nothing_from_the_internet(client, tree, province_editor, url_name):
    client.force_login(province_editor)

    response = client.get(reverse(url_name))

    assert response.status_code == 200
    urls = fetched_urls(response.content.decode())
    assert any(tag == "script" for tag, _ in urls), "the page should load its scripts"
    assert any(tag == "link" and url.endswith(".css") for tag, url in urls)
    outside = [(tag, url) for tag, url in urls if not is_local(url)]
    assert outside == []


def test_it_loads_nothing_from_the_internet_on_the_login_and_unit_pages(client, tree, province_editor):
    pages = [client.get(reverse("login"))]
    client.force_login(province_editor)
    pages.append(client.get(reverse("cadres:unit-detail", args=[tree.district.pk])))
    pages.append(client.get(reverse("admin:index")))

    for response in pages:
        outside = [(tag, url) for tag, url in fetched_urls(response.content.decode()) if not is_local(url)]
        assert outside == [], response.request["PATH_INFO"]


def test_the_vendored_stylesheets_fetch_nothing_from_the_internet():
    stylesheets = list(Path(settings.BASE_DIR, "static").rglob("*.css"))
    assert stylesheets

    for path in stylesheets:
        css = path.read_text(encoding="utf-8")
        assert not re.search(r"""url\(\s*['"]?(https?:)?//""", css), path
        assert not re.search(r"""@import\s+(url\()?\s*['"]?(https?:)?//""", css), path


def test_every_static_file_the_base_page_needs_exists(client, tree, province_editor):
    client.force_login(province_editor)

    urls = fetched_urls(client.get(reverse("reports:dashboard")).content.decode())

    for _, url in urls:
        relative = url.removeprefix(
            settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/static/"
        )
        assert Path(settings.BASE_DIR, "static", relative.split("?")[0]).is_file(), url
