"""Training in a real Chromium, as the province's staff work: create a course with the form,
enrol cadres from the needs list with its buttons, enter the class's results in the grid, and
see the completed cadres' political-theory level change on their pages and vanish from the needs
list. The course list's and the needs list's filters are filled and submitted as a person does,
their totals compared with counts from the database; every page at 1,366 and 390 px without
sideways scrolling."""

import datetime

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from cadres.models import Education, ItLevel, PoliticalTheory
from common.dates import today
from tests.browser.pickers import choose_unit
from tests.browser.test_smoke import log_in
from tests.factories import UserFactory
from training.models import Course, CourseKind, CourseStatus, Enrollment, EnrollmentStatus
from training.needs import NeedsBook

pytestmark = pytest.mark.browser


def no_sideways_scrolling(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def shown_total(page) -> int:
    return int(page.locator("[data-total]").first.get_attribute("data-total"))


def type_date(page, field: str, typed: str):
    """Type a dd/mm/yyyy date into the date field flatpickr shows, as a person does."""
    box = page.locator(f"#id_{field} + input")
    box.fill(typed)
    box.press("Enter")
    page.keyboard.press("Escape")


@pytest.mark.parametrize("width", [1366, 390])
def test_a_course_from_the_needs_list_to_the_raised_levels(
    browser_page, live_server, tree, make_cadre, width
):
    UserFactory(username="tinhdoan", unit=tree.province, role=Role.EDITOR)
    secretaries = [
        make_cadre(
            tree.district,
            code=code,
            full_name=name,
            education=Education.BACHELOR,
            political_theory=PoliticalTheory.ELEMENTARY,
            it_level=ItLevel.BASIC,
        )
        for code, name in (("bi-thu", "Nguyễn Văn Bình"), ("pho-bi-thu", "Trần Thị Cúc"))
    ]
    page = browser_page
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, live_server, "tinhdoan")

    # The needs list names both, under political theory.
    page.goto(live_server.url + "/training/needs/")
    page.locator("#need-groups").get_by_role("link", name="Lý luận chính trị").click()
    expect(page.locator("#needs-table tbody tr")).to_have_count(2)
    expect(page.locator("#needs-table")).to_contain_text("Lý luận chính trị Trung cấp")
    assert no_sideways_scrolling(page)

    # A course is created with the form.
    page.goto(live_server.url + "/training/")
    page.get_by_role("link", name="Tạo khoá học").first.click()
    page.get_by_label("Tên khoá học").fill("Trung cấp lý luận chính trị – hành chính khoá 20")
    page.get_by_label("Loại khoá học").select_option(label="Lý luận chính trị trung cấp")
    choose_unit(page, "tinh doan thu", "Tỉnh đoàn Thử", field="organiser")
    starts, ends = today(), today() + datetime.timedelta(days=90)
    type_date(page, "starts_on", f"{starts:%d/%m/%Y}")
    type_date(page, "ends_on", f"{ends:%d/%m/%Y}")
    page.get_by_label("Số học viên tối đa").fill("40")
    page.get_by_label("Trạng thái").select_option(label="Đang tuyển sinh")
    assert no_sideways_scrolling(page)
    page.get_by_role("button", name="Tạo khoá học").click()
    expect(page.locator("h1")).to_have_text("Trung cấp lý luận chính trị – hành chính khoá 20")
    course = Course.objects.get()
    assert (course.organiser, course.capacity, course.status) == (tree.province, 40, CourseStatus.OPEN)

    # Each is enrolled with one click on the needs list.
    page.goto(live_server.url + "/training/needs/?missing=political_theory")
    for cadre in secretaries:
        row = page.locator(f"#needs-table tr[data-cadre='{cadre.pk}']")
        row.get_by_role("button", name=f"Ghi danh: {course.name}").click()
        expect(page.get_by_text(f"Đã ghi danh 1 học viên vào «{course.name}»")).to_be_visible()
        expect(page.locator(f"#needs-table tr[data-cadre='{cadre.pk}']")).to_contain_text("Đã ghi danh")
    assert set(course.enrollments.values_list("cadre", flat=True)) == {c.pk for c in secretaries}

    # The class's results in the grid: both completed, one with a certificate number.
    page.goto(live_server.url + course.get_absolute_url())
    expect(page.locator("#learner-counts [data-status='registered']")).to_have_text("2")
    page.get_by_role("link", name="Nhập kết quả").click()
    page.get_by_role("button", name="Đánh dấu tất cả “Hoàn thành”").click()
    first = page.locator(f"#results-table tr[data-learner='{secretaries[0].pk}']")
    first.locator("input[name$='-score']").fill("8,5")
    first.locator("input[name$='-certificate_number']").fill("TC-20-001")
    assert no_sideways_scrolling(page)
    page.get_by_role("button", name="Lưu kết quả").click()
    expect(page.get_by_text("Đã lưu kết quả của 2 học viên.")).to_be_visible()
    expect(page.locator("#learner-counts [data-status='completed']")).to_have_text("2")
    assert Enrollment.objects.filter(course=course, status=EnrollmentStatus.COMPLETED).count() == 2

    # Their pages show the new level, with the course as the reason; the needs list lets them go.
    page.goto(live_server.url + secretaries[0].get_absolute_url())
    expect(page.locator("body")).to_contain_text("Trung cấp")
    expect(page.locator("#training-section")).to_contain_text(course.name)
    expect(page.locator("body")).to_contain_text(f"Căn cứ: Hoàn thành khoá học «{course.name}»")
    for cadre in secretaries:
        cadre.refresh_from_db()
        assert cadre.political_theory == PoliticalTheory.INTERMEDIATE
    page.goto(live_server.url + "/training/needs/")
    expect(page.get_by_text("Mọi cán bộ trong phạm vi đều đạt chuẩn")).to_be_visible()
    assert not NeedsBook(UserFactory.build(unit=None, role=Role.ADMIN, is_superuser=True)).queryset().exists()
    assert no_sideways_scrolling(page)


@pytest.mark.parametrize("width", [1366, 390])
def test_the_course_filter_form_counts_what_the_database_counts(
    browser_page, live_server, tree, province_editor, width
):
    def course(name, code, organiser, status, start):
        return Course.objects.create(
            name=name,
            kind=CourseKind.objects.get(code=code),
            organiser=organiser,
            starts_on=start,
            ends_on=start + datetime.timedelta(days=5),
            status=status,
        )

    course(
        "Tập huấn nghiệp vụ công tác Đoàn",
        "tap-huan-nghiep-vu",
        tree.province,
        "finished",
        datetime.date(2025, 5, 1),
    )
    course("Tập huấn kỹ năng số", "chuyen-doi-so", tree.commune_a, "open", datetime.date(2026, 9, 1))
    course(
        "Học tập Nghị quyết Đại hội",
        "hoc-tap-nghi-quyet",
        tree.province,
        "running",
        datetime.date(2026, 3, 1),
    )
    course(
        "Lớp sơ cấp lý luận chính trị", "llct-so-cap", tree.commune_b, "planned", datetime.date(2026, 11, 1)
    )
    course(
        "Tập huấn ở tỉnh khác", "tap-huan-nghiep-vu", tree.other_province, "open", datetime.date(2026, 4, 1)
    )
    visible = Course.objects.visible_to(province_editor)
    page = browser_page
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, live_server, "tinhdoan")
    page.goto(live_server.url + "/training/")
    assert shown_total(page) == visible.count() == 4
    assert no_sideways_scrolling(page)

    # Part of a name typed without accents, then Enter.
    page.get_by_label("Tên khoá học").fill("tap huan")
    page.get_by_label("Tên khoá học").press("Enter")
    expect(page.locator("[data-total]")).to_have_attribute("data-total", "2")
    expect(page.locator("#course-table tbody tr")).to_have_count(2)

    # A kind and a year, then "Lọc".
    page.get_by_role("link", name="Xoá lọc").click()
    page.get_by_label("Loại").select_option(label="Tập huấn nghiệp vụ công tác Đoàn")
    page.get_by_label("Năm").fill("2025")
    page.get_by_role("button", name="Lọc").click()
    expected = visible.filter(kind__code="tap-huan-nghiep-vu", starts_on__year=2025).count()
    expect(page.locator("[data-total]")).to_have_attribute("data-total", str(expected))
    assert expected == 1

    # A status alone.
    page.get_by_role("link", name="Xoá lọc").click()
    page.get_by_label("Trạng thái").select_option(label="Đang tuyển sinh")
    page.get_by_role("button", name="Lọc").click()
    expect(page.locator("[data-total]")).to_have_attribute(
        "data-total", str(visible.filter(status=CourseStatus.OPEN).count())
    )
    expect(page.locator("#course-table")).to_contain_text("Tập huấn kỹ năng số")
    assert no_sideways_scrolling(page)


@pytest.mark.parametrize("width", [1366, 390])
def test_the_needs_filter_counts_what_the_database_counts(
    browser_page, live_server, tree, make_cadre, province_editor, width
):
    for unit, name in (
        (tree.commune_a, "Xã A Một"),
        (tree.commune_a, "Xã A Hai"),
        (tree.commune_b, "Xã B Một"),
    ):
        make_cadre(unit, full_name=name)  # no IT: the commune posts ask for "tin học cơ bản"
    make_cadre(
        tree.district, code="bi-thu", full_name="Bí Thư Huyện", education=4, political_theory=1, it_level=1
    )
    book = NeedsBook(province_editor)
    page = browser_page
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, live_server, "tinhdoan")
    page.goto(live_server.url + "/training/needs/")
    assert shown_total(page) == book.queryset().count() == 4
    assert no_sideways_scrolling(page)

    # A group's tab.
    page.locator("#need-groups").get_by_role("link", name="Tin học").click()
    expect(page.locator("#needs-table tbody tr")).to_have_count(book.queryset("it").count())

    # A unit chosen in the searchable select, then "Lọc": the tab is kept.
    choose_unit(page, "an binh", "Đoàn xã An Bình")
    page.get_by_role("button", name="Lọc").click()
    expect(page.locator("#needs-table tbody tr")).to_have_count(2)
    expect(page.locator("#need-groups [data-group='it'] [data-count]")).to_have_attribute("data-count", "2")
    expect(page.locator("#needs-table")).not_to_contain_text("Xã B Một")
    assert no_sideways_scrolling(page)


@pytest.mark.parametrize("width", [1366, 390])
def test_the_calendar_filter_shows_what_the_database_holds(
    browser_page, live_server, tree, province_editor, width
):
    def course(name, code, organiser, start, days=3):
        return Course.objects.create(
            name=name,
            kind=CourseKind.objects.get(code=code),
            organiser=organiser,
            starts_on=start,
            ends_on=start + datetime.timedelta(days=days - 1),
            status=CourseStatus.RUNNING,
        )

    course("Tập huấn tháng Tư", "tap-huan-nghiep-vu", tree.province, datetime.date(2026, 4, 6))
    course("Kỹ năng số tháng Tư", "chuyen-doi-so", tree.commune_a, datetime.date(2026, 4, 20), days=2)
    course("Học nghị quyết tháng Năm", "hoc-tap-nghi-quyet", tree.province, datetime.date(2026, 5, 4))
    page = browser_page
    page.set_viewport_size({"width": width, "height": 800})
    shown = "#calendar-grid" if width > 700 else "#calendar-list"
    log_in(page, live_server, "tinhdoan")
    page.goto(live_server.url + "/training/calendar/")

    page.get_by_label("Tháng", exact=True).fill("2026-04")
    page.get_by_role("button", name="Lọc").click()
    april = Course.objects.visible_to(province_editor).filter(starts_on__month=4, starts_on__year=2026)
    # Every class day of each course of the month is a link to it: 3 + 2.
    expect(page.locator(f"{shown} a[href^='/training/']")).to_have_count(
        sum(len(c.meeting_days()) for c in april)
    )
    expect(page.locator(shown)).not_to_contain_text("Học nghị quyết tháng Năm")

    page.get_by_label("Loại khoá học").select_option(label="Kỹ năng số, chuyển đổi số")
    page.get_by_role("button", name="Lọc").click()
    expect(page.locator(f"{shown} a[href^='/training/']")).to_have_count(2)
    expect(page.locator(shown)).to_contain_text("Kỹ năng số tháng Tư")
    assert no_sideways_scrolling(page)


@pytest.mark.parametrize("width", [1366, 390])
def test_a_results_file_with_one_bad_row_is_refused_whole_then_imported(
    browser_page, live_server, tree, make_cadre, province_editor, tmp_path, width
):
    from tests.factories import xlsx_bytes

    course = Course.objects.create(
        name="Lớp Sơ cấp lý luận chính trị 2026",
        kind=CourseKind.objects.get(code="llct-so-cap"),
        organiser=tree.province,
        starts_on=today() - datetime.timedelta(days=30),
        ends_on=today() - datetime.timedelta(days=1),
        status=CourseStatus.RUNNING,
    )
    learners = [
        make_cadre(tree.commune_a, full_name=name, national_id=number, political_theory=PoliticalTheory.NONE)
        for name, number in (("Lê Văn Một", "001099000001"), ("Trần Thị Hai", "001099000002"))
    ]
    header = ["STT", "Họ và tên", "Số CCCD", "Kết quả", "Điểm", "Số chứng chỉ"]
    bad = tmp_path / "ket-qua-sai.xlsx"
    bad.write_bytes(
        xlsx_bytes(
            [
                header,
                [1, "Lê Văn Một", "001099000001", "Hoàn thành", "8,5", "SC-01"],
                [2, "Trần Thị Hai", "001099000002", "Hoàn thành", "12", "SC-02"],
            ]
        )
    )
    good = tmp_path / "ket-qua.xlsx"
    good.write_bytes(
        xlsx_bytes(
            [
                header,
                [1, "Lê Văn Một", "001099000001", "Hoàn thành", "8,5", "SC-01"],
                [2, "Trần Thị Hai", "001099000002", "Hoàn thành", "9", "SC-02"],
            ]
        )
    )
    page = browser_page
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, live_server, "tinhdoan")
    page.goto(live_server.url + course.get_absolute_url())
    page.get_by_role("link", name="Nhập từ Excel").click()

    # One score above 10: the page names the row and the column, and nothing is saved.
    page.locator("#upload-form input[type=file]").set_input_files(str(bad))
    page.get_by_role("button", name="Tải lên và xem trước").click()
    expect(page.locator("#import-problems")).to_contain_text("Dòng 3")
    expect(page.locator("#import-problems")).to_contain_text("Điểm")
    expect(page.locator("#confirm-form")).to_have_count(0)
    assert not course.enrollments.exists()
    assert no_sideways_scrolling(page)

    # The corrected file: previewed, then confirmed; both learners complete and are raised.
    page.locator("#upload-form input[type=file]").set_input_files(str(good))
    page.get_by_role("button", name="Tải lên và xem trước").click()
    expect(page.locator("#import-preview tbody tr")).to_have_count(2)
    assert not course.enrollments.exists()  # a preview saves nothing
    page.get_by_role("button", name="Xác nhận nhập").click()
    expect(page.locator("#learner-counts [data-status='completed']")).to_have_text("2")
    for cadre in learners:
        cadre.refresh_from_db()
        assert cadre.political_theory == PoliticalTheory.ELEMENTARY
    assert sorted(course.enrollments.values_list("certificate_number", flat=True)) == ["SC-01", "SC-02"]
