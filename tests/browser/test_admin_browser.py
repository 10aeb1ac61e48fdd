"""Django admin in a real Chromium at 1,366 × 768: every page in Vietnamese, and none scrolls
sideways or hides the last columns of a list."""

import datetime
import re

import pytest
from django.contrib import admin
from django.urls import reverse

from cadres.models import Commendation, Discipline, UnitKind
from tests.browser.test_smoke import log_in
from tests.factories import UnitFactory

pytestmark = pytest.mark.browser

# What the admin showed in English before (django-axes' names, Django strings missing from its
# Vietnamese catalogue, fields without a label, Python's None and simple-history's breadcrumbs on
# the history pages), and Django's words for its own buttons.
ENGLISH = [
    "Axes",
    "Access attempts",
    "Access failures",
    "Access logs",
    "Attempt Time",
    "Show counts",
    "Skip to main content",
    "Toggle theme",
    "Version",
    "Created at",
    "Updated at",
    "Numchild",
    "History",
    "Historical",
    "Cadres",
    "None",
    "Filter",
    "Add ",
    "Change ",
    "Select ",
]

# A list whose table is wider than its box is cut off on the right (Django scrolls it inside the
# box); an inline wider than the page makes the whole page scroll.
CLIPPED = """[...document.querySelectorAll('#changelist .results, .inline-group')]
    .filter(box => box.scrollWidth > box.clientWidth)
    .map(box => box.id || box.className)"""


def admin_pages(cadre) -> list[str]:
    changelists = sorted(
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    )
    return [
        reverse("admin:index"),
        *changelists,
        reverse("admin:cadres_cadre_change", args=[cadre.pk]),
        reverse("admin:cadres_cadre_history", args=[cadre.pk]),
        reverse("admin:cadres_cadre_simple_history", args=[cadre.pk, cadre.history.first().history_id]),
    ]


def test_it_shows_every_admin_page_in_vietnamese_within_1366_px(
    browser_page, live_server, tree, system_admin, make_cadre
):
    # Real names are long: they must wrap, not push the last columns out of sight.
    college = UnitFactory(
        parent=tree.commune_a,
        name="Đoàn trường Cao đẳng Kỹ thuật Công nghệ Quy Nhơn",
        code="P-A-CD",
        kind=UnitKind.SCHOOL,
    )
    cadre = make_cadre(college, full_name="Nguyễn Thị Phương Thảo", code="pho-bi-thu")
    Commendation.objects.create(
        cadre=cadre,
        awarded_on=datetime.date(2024, 12, 19),
        form="Bằng khen",
        issuer="Ban Thường vụ Tỉnh đoàn Thử",
        decision_number="464-QĐ/TĐTN",
        content="Đã có thành tích xuất sắc trong công tác Đoàn và phong trào thanh thiếu nhi năm 2024",
    )
    Discipline.objects.create(
        cadre=cadre,
        decided_on=datetime.date(2025, 3, 2),
        form="Khiển trách",
        issuer="Ban Chấp hành Đoàn xã An Bình",
        decision_number="12-QĐ/ĐTN",
        reason="Không hoàn thành nhiệm vụ được giao trong quý I năm 2025",
    )
    page = browser_page
    # A failed login (of an account other than the admin's, whose successful login would clear
    # it), so that the list of failed logins has a row to lay out.
    log_in(page, live_server, "khach", "sai-mat-khau")
    log_in(page, live_server, "admin")

    for url in admin_pages(cadre):
        response = page.goto(live_server.url + url)

        assert response.status == 200, url
        text = page.locator("body").inner_text()
        assert [english for english in ENGLISH if english in text] == [], url
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= page.evaluate("window.innerWidth"), (url, width)
        assert page.evaluate(CLIPPED) == [], url
        name = re.sub(r"[^a-z0-9]+", "-", url.removeprefix("/admin/").strip("/")) or "index"
        page.screenshot(path=f"/tmp/admin-{name}.png", full_page=True)

    page.goto(live_server.url + reverse("admin:cadres_cadre_change", args=[cadre.pk]))
    for inline in ["Quá trình công tác", "Khen thưởng", "Kỷ luật"]:
        assert page.get_by_role("heading", name=inline).is_visible()
    assert page.get_by_text("Cập nhật lần cuối").is_visible()
