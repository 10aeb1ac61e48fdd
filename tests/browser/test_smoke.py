"""Smoke test in a real Chromium: log in as ``tinhdoan`` through the form and see the dashboard."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SCREENSHOT = "/tmp/smoke.png"
PHONE_SCREENSHOT = "/tmp/smoke-phone.png"
UNITS_SCREENSHOT = "/tmp/smoke-units.png"


def log_in(page, live_server, username: str, password: str = "demo12345"):
    page.goto(live_server.url + "/")
    expect(page).to_have_url(live_server.url + "/accounts/login/?next=/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def assert_everything_came_from(page, live_server):
    server = urlsplit(live_server.url).netloc
    outside = [
        url for url in page.requests if urlsplit(url).scheme != "data" and urlsplit(url).netloc != server
    ]
    assert outside == [], "the page fetched something from outside the app"
    assert page.failed_responses == []


def test_it_logs_in_as_tinhdoan_and_sees_the_dashboard(browser_page, live_server, tree, province_editor):
    page = browser_page

    log_in(page, live_server, "tinhdoan")

    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_role("heading", name="Tổng quan")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("nav.navbar")).to_contain_text("Cán bộ")
    # Bootstrap's stylesheet and script arrived: the navbar is styled and the menu drops down.
    assert page.evaluate("getComputedStyle(document.querySelector('nav.navbar')).display") == "flex"
    assert page.evaluate("typeof window.bootstrap") == "object"
    assert page.evaluate("typeof window.htmx") == "object"
    page.screenshot(path=SCREENSHOT)

    page.get_by_role("link", name="Đơn vị").first.click()

    expect(page).to_have_url(live_server.url + "/units/")
    expect(page.get_by_role("link", name="Tỉnh đoàn Thử")).to_be_visible()
    # Two levels open; the rest on demand.
    expect(page.get_by_role("link", name="Chi đoàn thôn Đông")).to_be_hidden()
    page.get_by_role("button", name="Mở rộng tất cả").click()
    expect(page.get_by_role("link", name="Chi đoàn thôn Đông")).to_be_visible()
    expect(page.get_by_text("Tỉnh đoàn Khác")).to_have_count(0)
    # The tree reads as a tree: each level starts further right.
    lefts = [
        page.get_by_role("link", name=name).bounding_box()["x"]
        for name in ["Tỉnh đoàn Thử", "Huyện đoàn Cũ", "Đoàn xã Đông Hà", "Chi đoàn thôn Đông"]
    ]
    assert lefts == sorted(lefts) and len(set(lefts)) == 4, lefts
    page.screenshot(path=UNITS_SCREENSHOT)
    assert_everything_came_from(page, live_server)


def test_it_refuses_a_wrong_password_in_vietnamese(browser_page, live_server, tree, province_editor):
    page = browser_page

    log_in(page, live_server, "tinhdoan", "sai-mat-khau")

    expect(page.get_by_role("alert")).to_contain_text("mật khẩu chính xác")
    expect(page).to_have_url(live_server.url + "/accounts/login/?next=/")


def test_it_collapses_the_navigation_on_a_phone(browser_page, live_server, tree, province_editor):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})

    log_in(page, live_server, "tinhdoan")

    expect(page.get_by_role("heading", name="Tổng quan")).to_be_visible()
    toggler = page.locator(".navbar-toggler")
    menu = page.locator("#main-nav")
    expect(toggler).to_be_visible()
    expect(menu).to_be_hidden()
    page.screenshot(path=PHONE_SCREENSHOT, full_page=True)

    toggler.click()

    expect(menu).to_be_visible()
    expect(menu.get_by_role("link", name="Đơn vị")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page must not scroll sideways on a phone"
    assert_everything_came_from(page, live_server)
