"""Paging through the roster as a person does: a search typed and sent with Enter, then the
"Sau", "Trang cuối" and "Trước" links, each page compared with the order and the count the
database gives independently — the filter stays on every page."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from cadres.models import Cadre, CadreStatus
from cadres.views.cadres import PAGE_SIZE
from tests.browser.test_filter_forms import matches, shown_total
from tests.browser.test_smoke import log_in

pytestmark = pytest.mark.browser
SEARCH = "thi"


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)


def expected_names() -> list[str]:
    """The search's matches in the roster's order (unit down the tree, post, name), by Python."""
    cadres = [
        cadre
        for cadre in Cadre.objects.filter(status=CadreStatus.ACTIVE).select_related("unit", "position")
        if matches(cadre, SEARCH)
    ]
    # Whole-word matches first ("Thị" before "Thịnh"), then by name, as the list ranks a search.
    ranked = sorted(cadres, key=lambda c: (SEARCH not in c.search_text.split(), c.full_name, c.pk))
    return [cadre.full_name for cadre in ranked]


def shown_names(page) -> list[str]:
    return page.locator("#cadre-table tbody .name-cell a").all_inner_texts()


def test_paging_through_a_search_shows_every_match_once_in_order(browser_page, live_server, demo):
    page = browser_page
    log_in(page, live_server, "tinhdoan")
    page.goto(live_server.url + "/cadres/")
    page.get_by_label("Tìm theo tên, số CCCD, điện thoại").fill(SEARCH)
    page.get_by_label("Tìm theo tên, số CCCD, điện thoại").press("Enter")
    page.wait_for_load_state()
    names = expected_names()
    pages = -(-len(names) // PAGE_SIZE)
    assert shown_total(page) == len(names) and pages >= 3

    page.get_by_role("link", name="Sau").click()
    page.get_by_role("link", name="Sau").click()
    expect(page.locator("nav[aria-label='Phân trang']")).to_contain_text(
        f"Hiển thị {2 * PAGE_SIZE + 1}–{3 * PAGE_SIZE}"
    )
    assert shown_names(page) == names[2 * PAGE_SIZE : 3 * PAGE_SIZE]
    assert f"q={SEARCH}" in page.url and "after=" in page.url

    page.get_by_role("link", name="Trang cuối").click()
    expect(page.locator("nav[aria-label='Phân trang']")).to_contain_text(f"Trang {pages} / {pages}")
    assert shown_names(page) == names[(pages - 1) * PAGE_SIZE :]

    page.get_by_role("link", name="Trước").click()
    expect(page.locator("nav[aria-label='Phân trang']")).to_contain_text(f"Trang {pages - 1} / {pages}")
    assert shown_names(page) == names[(pages - 2) * PAGE_SIZE : (pages - 1) * PAGE_SIZE]
    assert shown_total(page) == len(names)
