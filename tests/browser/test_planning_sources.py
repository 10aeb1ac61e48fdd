"""The sourcing pool (nguồn cán bộ) in a real Chromium, as a commune editor works with it: the
add form filled and submitted (refused for someone under 16, then saved with the cadre's CCCD),
the person found in the list, the filter form submitted with Enter and with "Lọc"; the totals
are the database's, at 1,366 and at 390 px, without sideways scrolling."""

import pytest
from playwright.sync_api import expect

from cadres.models import Gender
from common.dates import today, years_before
from common.text import fold
from planning.models import SourceCategory, SourceOutcome, SourcePerson
from tests.browser.pickers import choose_unit
from tests.browser.test_planning_admin import no_sideways_scrolling
from tests.browser.test_smoke import assert_everything_came_from, log_in

pytestmark = pytest.mark.browser

LIST_PATH = "/planning/sources/"


def shown_total(page) -> int:
    return int(page.locator("[data-total]").first.get_attribute("data-total"))


def type_date(page, field_id: str, text: str) -> None:
    """A date typed dd/mm/yyyy into the date picker's visible box, as people type it."""
    box = page.locator(f"#{field_id} + input")
    box.fill(text)
    box.press("Enter")


def add_person(unit, full_name: str, **fields) -> SourcePerson:
    fields = {
        "birth_date": "2003-05-20",
        "gender": Gender.FEMALE,
        "category": SourceCategory.COLLABORATOR,
        **fields,
    }
    return SourcePerson.objects.create(unit=unit, full_name=full_name, **fields)


@pytest.mark.parametrize("width", [1366, 390])
def test_a_commune_editor_adds_a_person_to_the_pool(
    browser_page, live_server, tree, commune_editor, make_cadre, width
):
    add_person(tree.commune_a, "Nguyễn Thị Lan")
    add_person(tree.commune_b, "Trần Văn Hùng", gender=Gender.MALE)
    cadre = make_cadre(tree.branch_a, full_name="Hồ Thị Ngọc Ánh", national_id="052204000123")
    page = browser_page
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, live_server, "xa")

    page.goto(live_server.url + LIST_PATH)
    assert shown_total(page) == SourcePerson.objects.visible_to(commune_editor).count() == 1
    expect(page.get_by_text("Trần Văn Hùng")).to_have_count(0)
    assert no_sideways_scrolling(page)

    page.get_by_role("link", name="Thêm nguồn cán bộ").click()
    expect(page.get_by_role("heading", name="Thêm nguồn cán bộ")).to_be_visible()
    assert no_sideways_scrolling(page)
    page.get_by_label("Họ và tên").fill("Hồ Thị Ngọc Ánh")
    type_date(page, "id_birth_date", years_before(today(), 15).strftime("%d/%m/%Y"))
    page.get_by_label("Giới tính").select_option(label="Nữ")
    page.get_by_label("Nơi học tập, công tác").fill("Trường Đại học Quy Nhơn")
    page.get_by_label("Điện thoại").fill("0905 123 456")
    page.get_by_label("Nhóm nguồn").select_option(label="Sinh viên sắp tốt nghiệp")
    choose_unit(page, "thon 1", "Chi đoàn thôn 1 – Đoàn xã An Bình")
    page.get_by_label("Kết quả").select_option(label="Đã trở thành cán bộ")
    page.get_by_label("Số CCCD của hồ sơ cán bộ").fill("052 204 000 123")

    # Fifteen years old: refused, with the reason, and nothing saved.
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Chưa đủ 16 tuổi: nguồn cán bộ chỉ ghi nhận người từ 16 tuổi.")).to_be_visible()
    assert SourcePerson.objects.count() == 2
    assert no_sideways_scrolling(page)
    page.screenshot(path=f"/tmp/planning-source-form-{width}.png", full_page=True)

    type_date(page, "id_birth_date", "02/09/2004")
    page.get_by_role("button", name="Lưu").click()

    expect(page).to_have_url(live_server.url + LIST_PATH)
    expect(page.locator(".alert-success")).to_contain_text("Đã thêm Hồ Thị Ngọc Ánh vào nguồn cán bộ.")
    row = page.locator("#source-table tbody tr", has_text="Hồ Thị Ngọc Ánh")
    expect(row).to_have_count(1)
    expect(row.locator("td[data-label='Đơn vị']")).to_have_text("Chi đoàn thôn 1 – Đoàn xã An Bình")
    expect(row.get_by_role("link", name="Hồ Thị Ngọc Ánh").last).to_have_attribute(
        "href", cadre.get_absolute_url()
    )
    assert shown_total(page) == SourcePerson.objects.visible_to(commune_editor).count() == 2
    person = SourcePerson.objects.get(full_name="Hồ Thị Ngọc Ánh")
    assert (person.unit, person.cadre, person.birth_date.isoformat()) == (tree.branch_a, cadre, "2004-09-02")
    assert (person.category, person.outcome) == (SourceCategory.GRADUATE, SourceOutcome.BECAME_CADRE)
    assert no_sideways_scrolling(page)
    page.screenshot(path=f"/tmp/planning-source-list-{width}.png", full_page=True)
    assert_everything_came_from(page, live_server)


def test_the_source_filter_form_counts_what_the_database_counts(
    browser_page, live_server, tree, province_editor
):
    people = [
        add_person(tree.commune_a, "Nguyễn Thị Lan"),
        add_person(tree.branch_a, "Nguyễn Thị Đào", category=SourceCategory.OUTSTANDING_MEMBER),
        add_person(tree.commune_b, "Nguyễn Văn Hùng", gender=Gender.MALE, outcome=SourceOutcome.STOPPED),
        add_person(tree.district_branch, "Lê Thị Thu", category=SourceCategory.OUTSTANDING_MEMBER),
        add_person(tree.other_commune, "Nguyễn Thị Ngoài"),
    ]
    visible = [p for p in people if p.unit.path.startswith(tree.province.path)]
    page = browser_page
    log_in(page, live_server, "tinhdoan")
    page.goto(live_server.url + LIST_PATH)
    assert shown_total(page) == SourcePerson.objects.visible_to(province_editor).count() == len(visible)

    # A name typed without accents, then Enter.
    search = page.get_by_label("Tìm theo tên, điện thoại")
    search.fill("nguyen thi")
    search.press("Enter")
    expected = [p for p in visible if all(word in fold(p.full_name) for word in ("nguyen", "thi"))]
    expect(page.locator("[data-total]")).to_have_attribute("data-total", str(len(expected)))
    assert len(expected) == 2
    expect(page.locator("#source-table mark").first).to_be_visible()

    # A commune picked by typing without accents, and a category, then "Lọc".
    page.get_by_role("link", name="Xoá bộ lọc").click()
    expect(page).to_have_url(live_server.url + LIST_PATH)
    choose_unit(page, "an binh", "Đoàn xã An Bình – Tỉnh đoàn Thử")
    page.get_by_label("Nhóm nguồn").select_option(label="Đoàn viên ưu tú")
    page.get_by_role("button", name="Lọc").click()
    expected = [
        p
        for p in visible
        if p.unit.path.startswith(tree.commune_a.path) and p.category == SourceCategory.OUTSTANDING_MEMBER
    ]
    expect(page.locator("[data-total]")).to_have_attribute("data-total", str(len(expected)))
    expect(page.locator("#source-table tbody tr")).to_have_count(len(expected))
    assert [p.full_name for p in expected] == ["Nguyễn Thị Đào"]
    assert_everything_came_from(page, live_server)
