"""The planning catalogues' admin forms in a real Chromium, as the system admin fills them: the
untouched form is refused in Vietnamese, typed values are saved (by Enter and by the button), and
what the list shows is what the database holds; at 1,366 and at 390 px without sideways scrolling."""

import pytest
from playwright.sync_api import expect

from planning.models import StaffingNorm, Term
from tests.browser.test_smoke import log_in

pytestmark = pytest.mark.browser

REFUSED = "Chưa lưu được: hãy sửa các lỗi ghi bên dưới."


def no_sideways_scrolling(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", [1366, 390])
def test_an_admin_adds_a_staffing_norm_and_a_term(browser_page, live_server, system_admin, width):
    page = browser_page
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, live_server, "admin")
    norms, terms = StaffingNorm.objects.count(), Term.objects.count()

    # A staffing norm: the untouched form is refused, nothing saved.
    page.goto(live_server.url + "/admin/planning/staffingnorm/add/")
    assert no_sideways_scrolling(page)
    page.get_by_role("button", name="Lưu lại").click()
    expect(page.get_by_text(REFUSED)).to_be_visible()
    assert StaffingNorm.objects.count() == norms

    # Typed values, sent with Enter from the number field.
    page.get_by_label("Loại đơn vị").select_option(label="Đoàn phường")
    page.get_by_label("Chức vụ").select_option(label="Ủy viên Ban Thường vụ")
    page.get_by_label("Số lượng").fill("3")
    page.get_by_label("Số lượng").press("Enter")
    expect(page).to_have_url(live_server.url + "/admin/planning/staffingnorm/")
    assert StaffingNorm.objects.count() == norms + 1
    saved = StaffingNorm.objects.get(unit_kind="doan_phuong", position__code="uv-btv")
    assert saved.count == 3
    expect(page.get_by_text(f"{StaffingNorm.objects.count()} định mức chức danh chủ chốt")).to_be_visible()
    assert no_sideways_scrolling(page)

    # A term whose years are out of order is refused; corrected, it is saved with the button.
    page.goto(live_server.url + "/admin/planning/term/add/")
    page.get_by_label("Tên nhiệm kỳ").fill("Nhiệm kỳ 2032–2037")
    page.get_by_label("Năm bắt đầu").fill("2037")
    page.get_by_label("Năm kết thúc").fill("2032")
    page.get_by_role("button", name="Lưu lại").click()
    expect(page.get_by_text("Năm kết thúc phải sau năm bắt đầu")).to_be_visible()
    assert Term.objects.count() == terms

    page.get_by_label("Năm bắt đầu").fill("2032")
    page.get_by_label("Năm kết thúc").fill("2037")
    page.get_by_role("button", name="Lưu lại").click()
    expect(page).to_have_url(live_server.url + "/admin/planning/term/")
    expect(page.locator("#result_list tbody tr")).to_have_count(terms + 1)
    assert Term.objects.count() == terms + 1
    assert Term.objects.get(name="Nhiệm kỳ 2032–2037").years == 5
    assert no_sideways_scrolling(page)
    page.screenshot(path=f"/tmp/admin-planning-term-{width}.png", full_page=True)
