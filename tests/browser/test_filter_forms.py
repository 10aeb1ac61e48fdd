"""Every filter form, filled and submitted as a person does (Enter in the search box, or the
"Lọc" button), must show what an independent count of the database says.

The rule for every list page: its filter form has a test here. ``FILTER_FORM_PAGES`` lists the
pages that have one; tests/test_list_forms.py fails for a page with a GET form that is not
listed, so a new list page cannot land without its browser test.
"""

import openpyxl
import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from cadres.models import Cadre, CadreStatus, Education, Unit
from cadres.standards import StandardBook
from cadres.text import fold
from tests.browser.pickers import choose_unit
from tests.browser.test_smoke import assert_everything_came_from, log_in

pytestmark = pytest.mark.browser

# URL name → the test below that fills and submits its filter form.
PLANNING_LISTS = "tests.browser.test_planning_lists"
TRAINING = "tests.browser.test_training"
FIELDWORK = "tests.browser.test_fieldwork"
REPORTS = "tests.browser.test_reports_lists"
FILTER_FORM_PAGES = {
    "cadres:cadre-list": "test_the_roster_filter_form_counts_what_the_database_counts",
    "cadres:unit-list": "test_the_unit_search_counts_what_the_database_counts",
    # Tests in another module are named with it.
    "planning:index": f"{PLANNING_LISTS}.test_the_plan_filter_form_counts_what_the_database_counts",
    "planning:vacancies": f"{PLANNING_LISTS}.test_the_vacancy_filter_counts_what_the_database_counts",
    "planning:source-list": (
        "tests.browser.test_planning_sources.test_the_source_filter_form_counts_what_the_database_counts"
    ),
    "training:index": f"{TRAINING}.test_the_course_filter_form_counts_what_the_database_counts",
    "training:needs": f"{TRAINING}.test_the_needs_filter_counts_what_the_database_counts",
    "training:calendar": f"{TRAINING}.test_the_calendar_filter_shows_what_the_database_holds",
    "fieldwork:index": f"{FIELDWORK}.test_the_trip_filter_form_counts_what_the_database_counts",
    "fieldwork:calendar": f"{FIELDWORK}.test_the_trip_calendar_filter_shows_what_the_database_holds",
    "fieldwork:feed": f"{FIELDWORK}.test_the_calendar_feed_gives_a_phone_the_users_own_trips",
    "fieldwork:evaluations": (
        "tests.browser.test_evaluations.test_the_summary_filter_form_counts_what_the_database_counts"
    ),
    "fieldwork:progress": (
        "tests.fieldwork.test_progress.test_the_progress_filter_form_counts_what_the_database_counts"
    ),
    "reports:statistics": (
        "tests.browser.test_statistics.test_the_statistics_from_the_province_down_to_a_commune_and_its_excel_file"
    ),
    "reports:targets": f"{REPORTS}.test_the_target_filter_form_counts_what_the_database_counts",
    "reports:plans": f"{REPORTS}.test_the_plan_filter_form_counts_what_the_database_counts",
}


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)


def shown_total(page) -> int:
    return int(page.locator("[data-total]").first.get_attribute("data-total"))


def active_cadres():
    return list(Cadre.objects.filter(status=CadreStatus.ACTIVE).select_related("unit", "position"))


def matches(cadre: Cadre, query: str) -> bool:
    text = fold(" ".join(filter(None, [cadre.full_name, cadre.other_name, cadre.national_id, cadre.phone])))
    return all(word in text for word in fold(query).split())


def clear_filters(page, live_server, path: str = "/cadres/"):
    page.get_by_role("link", name="Xoá bộ lọc").click()
    expect(page).to_have_url(live_server.url + path)
    page.wait_for_load_state()


def test_the_roster_filter_form_counts_what_the_database_counts(browser_page, live_server, demo, tmp_path):
    page = browser_page
    log_in(page, live_server, "tinhdoan")
    page.goto(live_server.url + "/cadres/")
    everyone = active_cadres()
    assert shown_total(page) == len(everyone)

    # 1. A name typed without accents, then Enter.
    page.get_by_label("Tìm theo tên, số CCCD, điện thoại").fill("nguyen thi")
    page.get_by_label("Tìm theo tên, số CCCD, điện thoại").press("Enter")
    expected = [c for c in everyone if matches(c, "nguyen thi")]
    expect(page.locator("[data-total]")).to_have_attribute("data-total", str(len(expected)))
    assert len(expected) > 10
    # Names whose words match whole come first: "Nguyễn Thị …" before "Nguyễn Thành Thịnh".
    shown = page.locator("#cadre-table tbody td.name-cell a").all_inner_texts()
    whole = [c for c in expected if " thi " in f" {fold(c.full_name)} "]
    assert all(" thi " in f" {fold(name)} " for name in shown[: min(len(whole), len(shown))])
    expect(page.locator("#cadre-table mark").first).to_be_visible()

    # 2. A ward picked in the searchable select by typing without accents, and "Sắp quá tuổi", then "Lọc".
    clear_filters(page, live_server)
    province = Unit.objects.get(code="GL")
    east = Unit.objects.get(code="GL-P02")
    choose_unit(page, "quy nhon dong", f"{east.name} – {province.name}")
    page.get_by_label("Cảnh báo").select_option(label="Sắp quá tuổi")
    page.get_by_role("button", name="Lọc").click()
    book = StandardBook()
    expected = [
        c
        for c in everyone
        if c.unit.path.startswith(east.path) and any(w.code == "near_age" for w in book.warnings(c))
    ]
    expect(page.locator("[data-total]")).to_have_attribute("data-total", str(len(expected)))
    assert len(expected) > 0
    assert "education=0" not in page.url and "political_theory=0" not in page.url

    # 3. One of the look-alike "Chi đoàn thôn 1", told apart by its parent's name, then Enter.
    clear_filters(page, live_server)
    branch = Unit.objects.filter(name="Chi đoàn thôn 1").order_by("path").last()
    parent = Unit.objects.get_parent(branch)
    assert Unit.objects.filter(name=branch.name).count() > 1
    choose_unit(page, "thon 1", f"{branch.name} – {parent.name}")
    page.get_by_label("Tìm theo tên, số CCCD, điện thoại").press("Enter")
    expected = [c for c in everyone if c.unit.path.startswith(branch.path)]
    expect(page.locator("[data-total]")).to_have_attribute("data-total", str(len(expected)))
    for row in page.locator("#cadre-table tbody tr").all():
        expect(row.locator("td[data-label='Đơn vị']")).to_have_text(f"{branch.name} – {parent.name}")

    # 4. A ward and a level under "Bộ lọc khác", submitted with Enter in the search box.
    clear_filters(page, live_server)
    ward = Unit.objects.get(code="GL-P01")
    choose_unit(page, "quy nhon", f"{ward.name} – {province.name}")
    page.locator("summary", has_text="Bộ lọc khác").click()
    page.get_by_label("Chuyên môn").select_option(label="Đại học")
    page.get_by_label("Tìm theo tên, số CCCD, điện thoại").press("Enter")
    expected = [
        c for c in everyone if c.unit.path.startswith(ward.path) and c.education == Education.BACHELOR
    ]
    expect(page.locator("[data-total]")).to_have_attribute("data-total", str(len(expected)))
    assert len(expected) > 0

    # ... and the Excel export from that page carries the same filters.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Xuất Excel").click()
    path = tmp_path / "export.xlsx"
    download_info.value.save_as(path)
    sheet = openpyxl.load_workbook(path).active
    rows = [row for row in sheet.iter_rows(min_row=4, values_only=True) if row[1]]
    assert sorted(row[1] for row in rows) == sorted(c.full_name for c in expected)
    assert_everything_came_from(page, live_server)


def unit_matches(unit, query: str) -> bool:
    words = fold(f"{unit.name} {unit.short_name} {unit.parent_name} {unit.code}").split()
    return all(any(word.startswith(part) for word in words) for part in query.split())


def test_the_unit_search_counts_what_the_database_counts(browser_page, live_server, demo):
    page = browser_page
    log_in(page, live_server, "tinhdoan")
    page.goto(live_server.url + "/units/")
    assert shown_total(page) == Unit.objects.active().count()

    # Typing filters the tree at once; Enter asks the server, which lists the matches with their parents.
    search = page.get_by_label("Tìm đơn vị theo tên hoặc mã")
    search.fill("thon 1 quy")
    expected = [u for u in Unit.objects.with_parent_name().active() if unit_matches(u, "thon 1 quy")]
    assert len(expected) > 1
    shown = page.locator("#unit-tree .tree-node:visible > .tree-row .tree-name a")
    shown_expected = {u.name for u in expected} | {u.parent_name for u in expected}
    expect(shown).not_to_have_count(0)
    assert set(shown.all_inner_texts()) == shown_expected | {"Tỉnh đoàn Gia Lai"}
    search.press("Enter")
    expect(page.locator("[data-total]")).to_have_attribute("data-total", str(len(expected)))
    labels = page.locator("#unit-results .unit-label").all_inner_texts()
    assert sorted(labels) == sorted(f"{unit.name} – {unit.parent_name}" for unit in expected)

    # The button, with the dissolved units too.
    clear_filters(page, live_server, "/units/")
    dissolved = Unit.objects.get(code="GL-P02")
    Unit.objects.filter(pk=dissolved.pk).update(dissolved_on="2025-07-01")
    page.get_by_label("Cả đơn vị đã giải thể").check()
    page.get_by_role("button", name="Lọc").click()
    expect(page.locator("[data-total]")).to_have_attribute("data-total", str(Unit.objects.count()))
    page.get_by_label("Cả đơn vị đã giải thể").uncheck()
    page.get_by_role("button", name="Lọc").click()
    expect(page.locator("[data-total]")).to_have_attribute("data-total", str(Unit.objects.active().count()))
    assert_everything_came_from(page, live_server)


def test_the_unit_tree_opens_two_levels_and_works_from_the_keyboard(browser_page, live_server, demo):
    page = browser_page
    log_in(page, live_server, "tinhdoan")
    page.goto(live_server.url + "/units/")
    province = Unit.objects.get(code="GL")
    ward = Unit.objects.get(code="GL-P01")
    wards = Unit.objects.filter(depth=province.depth + 1).count()

    # The province and the units right below it are shown; deeper ones wait behind their toggle.
    expect(page.locator("#unit-tree .tree-name a:visible")).to_have_count(wards + 1)
    branch = Unit.objects.filter(path__startswith=ward.path, depth=ward.depth + 1).first()
    branch_link = page.locator(f'#unit-tree a[href="/units/{branch.pk}/"]')
    expect(branch_link).to_be_hidden()

    toggle = page.get_by_role("button", name=f"Các đơn vị trực thuộc {ward.name}", exact=True)
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(branch_link).to_be_visible()
    page.keyboard.press("Space")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(branch_link).to_be_hidden()

    page.get_by_role("button", name="Mở rộng tất cả").click()
    expect(page.locator("#unit-tree .tree-node:visible")).to_have_count(Unit.objects.active().count())

    # A unit page's children look like links and lead to their pages.
    page.goto(live_server.url + f"/units/{ward.pk}/")
    child = page.get_by_role("link", name=branch.name)
    assert child.locator("span.link-primary").count() == 1
    child.click()
    expect(page.get_by_role("heading", name=branch.name)).to_be_visible()
