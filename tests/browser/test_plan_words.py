"""The yearly plan in a real Chromium, beyond test_plan_forms.py, each result checked against the
database:

- the steering group's "Thêm dòng": three lines filled, three more shown with what was typed and
  picked still there, the new ones filled, all six saved; Enter in the cadre search picks the
  cadre without sending the form, Enter in a text box saves; the new lines of "Thêm dòng" show
  what a fresh line shows, and one left empty is skipped on saving;
- the plan and its year-end report downloaded as Word through their buttons and read back with
  python-docx: the head, the subject, the targets (the report's table as the report page shows
  it), the steering group, the signature, with their diacritics; another province gets 404;
- the defaults the plan form starts with (own unit, the coming plan year, "Soạn mới"), the
  link's own values, refused ones ignored, then the new plan's document fields as its edit form
  shows them; a year already planned and a year out of range refused, nothing made."""

import datetime
import re
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import pytest
from playwright.sync_api import expect

from accounts.models import Role
from reports.models import AnnualPlan, SteeringMember, SteeringRole, Target
from tests.browser.pickers import choose_unit
from tests.browser.test_plan_forms import YEAR, exactly
from tests.browser.test_smoke import log_in
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def signed_in(new_context, live_server, username: str = "tinhdoan"):
    context = new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server, username)
    expect(page.get_by_role("heading", name="Tổng quan")).to_be_visible()
    return page


# --- The steering group -------------------------------------------------------------------------


def open_steering(page, live_server, plan):
    page.goto(live_server.url + plan.get_absolute_url())
    page.locator("#plan-actions").get_by_role("link", name="Ban chỉ đạo").click()
    expect(page.get_by_role("heading", name=f"Ban chỉ đạo thực hiện kế hoạch năm {YEAR}")).to_be_visible()


def line(page, number: int):
    return page.get_by_role("group", name=f"Dòng {number}", exact=True)


def cadre_of(page, number: int):
    return page.locator(f"#id_steering-{number - 1}-cadre")


def fill_line(page, number: int, typed: str, name: str, role: str, order: str, title: str) -> None:
    choose_unit(page, typed, name, field=f"steering-{number - 1}-cadre")
    line(page, number).get_by_label("Vai trò").select_option(label=role)
    line(page, number).get_by_label("Thứ tự").fill(order)
    line(page, number).get_by_label("Chức vụ ghi trong kế hoạch").fill(title)


def test_more_lines_keep_what_was_entered_and_all_are_saved(new_context, live_server, tree, plan, make_cadre):
    def cadre(unit, code: str, name: str):
        return make_cadre(unit, code=code, full_name=name)

    # (cadre, typed in its search, role shown, role saved, order, title typed; none: the post's)
    entered = [
        (
            cadre(tree.province, "bi-thu", "Rơ Châm Thủy"),
            "Rơ Châm",
            "Trưởng ban",
            SteeringRole.HEAD,
            "1",
            "Bí thư Tỉnh đoàn, Trưởng ban",
        ),
        (
            cadre(tree.province, "pho-bi-thu", "Nguyễn Thị Hoa"),
            "Hoa",
            "Phó ban",
            SteeringRole.DEPUTY,
            "2",
            "",
        ),
        (
            cadre(tree.commune_a, "bi-thu", "Siu Văn Hùng"),
            "Siu",
            "Thành viên",
            SteeringRole.MEMBER,
            "5",
            "Bí thư Đoàn xã An Bình (khu vực 1)",
        ),
        (
            cadre(tree.commune_b, "bi-thu", "Đinh Thị Lành"),
            "Lành",
            "Thành viên",
            SteeringRole.MEMBER,
            "6",
            "Bí thư Đoàn phường Bắc Sơn",
        ),
        (
            cadre(tree.commune_b, "pho-bi-thu", "Ksor H'Bia"),
            "Ksor",
            "Thư ký",
            SteeringRole.SECRETARY,
            "9",
            "",
        ),
        (
            cadre(tree.district, "bi-thu", "Trần Quốc Việt"),
            "Trần Quốc",
            "Phó ban",
            SteeringRole.DEPUTY,
            "3",
            "Bí thư Huyện đoàn Cũ – Phó ban thường trực",
        ),
    ]
    page = signed_in(new_context, live_server)
    open_steering(page, live_server, plan)
    lines = page.locator("#steering-form fieldset")
    expect(lines).to_have_count(3)
    for number, (member, typed, label, _, order, title) in enumerate(entered[:3], start=1):
        expect(cadre_of(page, number)).to_have_value("")
        fill_line(page, number, typed, member.full_name, label, order, title)

    page.get_by_role("button", name="Thêm dòng").click()
    expect(lines).to_have_count(6)
    expect(page).to_have_url(live_server.url + f"/reports/plans/{plan.pk}/steering/")
    assert not SteeringMember.objects.exists()  # more lines, nothing saved
    for number, (member, _, _, role, order, title) in enumerate(entered[:3], start=1):
        expect(cadre_of(page, number)).to_have_value(str(member.pk))
        expect(page.locator(f"#id_steering-{number - 1}-cadre + .ts-wrapper .item")).to_have_text(
            re.compile(f"^{re.escape(member.full_name)} – ")
        )
        expect(line(page, number).get_by_label("Vai trò")).to_have_value(role)
        expect(line(page, number).get_by_label("Thứ tự")).to_have_value(order)
        expect(line(page, number).get_by_label("Chức vụ ghi trong kế hoạch")).to_have_value(title)
    for number in (4, 5, 6):
        expect(cadre_of(page, number)).to_have_value("")
        expect(line(page, number).get_by_label("Chức vụ ghi trong kế hoạch")).to_have_value("")
        expect(line(page, number).get_by_label("Xoá")).to_have_count(0)  # nothing to delete yet

    for number, (member, typed, label, _, order, title) in enumerate(entered[3:], start=4):
        fill_line(page, number, typed, member.full_name, label, order, title)
    page.get_by_role("button", name="Lưu ban chỉ đạo").click()
    expect(page.locator(".alert-success")).to_have_text("Đã lưu ban chỉ đạo (6 thay đổi).")
    expect(page).to_have_url(live_server.url + plan.get_absolute_url())
    saved = sorted(SteeringMember.objects.filter(plan=plan).values_list("cadre", "role", "order", "title"))
    assert saved == sorted(
        (member.pk, role, int(order), title or f"{member.position.name} {member.unit.name}")
        for member, _, _, role, order, title in entered
    )
    expect(page.locator("#steering-list li")).to_have_count(6)


def test_enter_picks_a_cadre_in_the_search_and_saves_in_a_text_box(
    new_context, live_server, tree, plan, make_cadre
):
    hung = make_cadre(tree.commune_a, code="bi-thu", full_name="Siu Văn Hùng")
    page = signed_in(new_context, live_server)
    open_steering(page, live_server, plan)

    # Enter in the cadre's search box picks the option it found; the form is not sent.
    wrapper = page.locator("#id_steering-0-cadre + .ts-wrapper")
    wrapper.locator(".ts-control").click()
    box = wrapper.locator(".ts-control input")
    # Typed only once the list is open and the box has the focus: keys typed before (a busy
    # machine) are lost, and the list still shows every option, "— Chọn cán bộ —" first.
    expect(wrapper.locator(".ts-dropdown")).to_be_visible()
    expect(box).to_be_focused()
    box.press_sequentially("Siu Văn")
    expect(box).to_have_value("Siu Văn")
    expect(wrapper.locator(".ts-dropdown .option")).to_have_count(1)
    box.press("Enter")
    expect(cadre_of(page, 1)).to_have_value(str(hung.pk))
    expect(page.locator("#steering-form fieldset")).to_have_count(3)
    assert not SteeringMember.objects.exists()

    # Enter in a text box sends the form with its first button: saved, not three more lines.
    line(page, 1).get_by_label("Vai trò").select_option(label="Phó ban")
    title = line(page, 1).get_by_label("Chức vụ ghi trong kế hoạch")
    title.fill("Bí thư Đoàn xã An Bình")
    title.press("Enter")
    expect(page.locator(".alert-success")).to_have_text("Đã lưu ban chỉ đạo (1 thay đổi).")
    expect(page).to_have_url(live_server.url + plan.get_absolute_url())
    assert list(SteeringMember.objects.filter(plan=plan).values_list("cadre", "role", "order", "title")) == [
        (hung.pk, SteeringRole.DEPUTY, 100, "Bí thư Đoàn xã An Bình")
    ]


def test_a_new_line_left_empty_after_more_lines_is_ignored(new_context, live_server, tree, plan, make_cadre):
    hung = make_cadre(tree.commune_a, code="bi-thu", full_name="Siu Văn Hùng")
    page = signed_in(new_context, live_server)
    open_steering(page, live_server, plan)
    fill_line(page, 1, "Siu", hung.full_name, "Thành viên", "3", "")
    page.get_by_role("button", name="Thêm dòng").click()
    expect(page.locator("#steering-form fieldset")).to_have_count(6)
    expect(page.locator("#id_steering-4-role")).to_have_value(SteeringRole.MEMBER)
    expect(page.locator("#id_steering-4-order")).to_have_value("100")
    page.get_by_role("button", name="Lưu ban chỉ đạo").click()
    expect(page.locator(".alert-success")).to_have_text("Đã lưu ban chỉ đạo (1 thay đổi).")
    assert list(SteeringMember.objects.filter(plan=plan).values_list("cadre", "order")) == [(hung.pk, 3)]


# --- The Word downloads -------------------------------------------------------------------------

ASSESSMENT = (
    "1. Ưu điểm\n"
    "- Đội ngũ cán bộ Đoàn trẻ, nhiệt huyết, được bồi dưỡng thường xuyên.\n"
    "2. Hạn chế\n"
    "- Việc luân chuyển cán bộ về cơ sở còn chậm."
)


@pytest.fixture
def written_plan(tree, plan, make_cadre):
    """The plan with every part of the document written, two targets and a steering group of
    four (two members: listed under one heading), and its year-end report's own parts."""
    AnnualPlan.objects.filter(pk=plan.pk).update(
        superior="TRUNG ƯƠNG ĐOÀN",
        basis=f"Căn cứ Chương trình công tác Đoàn năm {YEAR} của Ban Thường vụ Tỉnh đoàn Thử;",
        purpose="- Xây dựng đội ngũ cán bộ Đoàn đủ về số lượng, bảo đảm chất lượng.",
        content="1. Công tác quy hoạch\n- Rà soát, bổ sung nguồn cán bộ trẻ, nữ, dân tộc thiểu số.",
        organisation="- Các ban chuyên môn phối hợp thực hiện.",
        recipients="Ban Bí thư Trung ương Đoàn (để báo cáo);\nThường trực Tỉnh ủy (để báo cáo);\nLưu VP.",
        signer_name="Rơ Châm Thủy",
        report_number="95-BC/TĐTN-BTC",
        report_issued_on=datetime.date(YEAR, 12, 15),
        report_assessment=ASSESSMENT,
        report_next_steps="- Tiếp tục rà soát, bổ sung nguồn quy hoạch; ưu tiên cán bộ nữ.",
    )
    Target.objects.create(
        unit=tree.province,
        year=YEAR,
        order=1,
        text="100% Bí thư Đoàn xã, phường có trình độ đại học trở lên",
        metric="secretary_degree_share",
        params={"positions": ["bi-thu"], "unit_kinds": [], "min_education": 4},
        goal=Decimal(100),
    )
    Target.objects.create(
        unit=tree.province,
        year=YEAR,
        order=2,
        text="Ít nhất 10 cán bộ đạt chứng chỉ ngoại ngữ B1 trở lên",
        metric="language_certificates",
        goal=Decimal(10),
    )
    members = [
        (tree.province, "bi-thu", "Rơ Châm Thủy", SteeringRole.HEAD, "Bí thư Tỉnh đoàn"),
        (tree.province, "pho-bi-thu", "Nguyễn Thị Hoa", SteeringRole.DEPUTY, "Phó Bí thư Thường trực"),
        (tree.commune_a, "bi-thu", "Siu Văn Hùng", SteeringRole.MEMBER, "Bí thư Đoàn xã An Bình"),
        (tree.commune_b, "bi-thu", "Đinh Thị Lành", SteeringRole.MEMBER, "Bí thư Đoàn phường Bắc Sơn"),
    ]
    for order, (unit, code, name, role, title) in enumerate(members, start=1):
        cadre = make_cadre(unit, code=code, full_name=name)
        SteeringMember.objects.create(plan=plan, cadre=cadre, role=role, title=title, order=order)
    return AnnualPlan.objects.get(pk=plan.pk)


def official_date(place: str, day: datetime.date) -> str:
    """The date line as the official format writes it: two-digit days, and months 1 and 2 with a
    leading zero ("Thử, ngày 05 tháng 02 năm 2026", "ngày 15 tháng 12")."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def downloaded(page, link_name: str, tmp_path: Path) -> tuple[str, docx.document.Document]:
    with page.expect_download() as download_info:
        page.get_by_role("link", name=link_name).click()
    download = download_info.value
    assert download.failure() is None
    path = tmp_path / "tai-ve.docx"
    download.save_as(path)
    return download.suggested_filename, docx.Document(str(path))


def cell_lines(cell) -> list[str]:
    return [paragraph.text for paragraph in cell.paragraphs if paragraph.text.strip()]


def body_lines(word) -> list[str]:
    """The body's paragraphs in order, each table's cells' paragraphs in their place."""
    lines = []
    for item in word.iter_inner_content():
        if isinstance(item, docx.table.Table):
            lines += [text for row in item.rows for cell in row.cells for text in cell_lines(cell)]
        elif item.text.strip():
            lines.append(item.text)
    return lines


def index_of(lines: list[str], text: str) -> int:
    """The first line holding ``text``; fails naming it when none does."""
    found = [number for number, line_ in enumerate(lines) if text in line_]
    assert found, f"{text!r} is not in the document"
    return found[0]


def written(text: str) -> list[str]:
    """A markup text's lines without their list markers ("- ", "+ ")."""
    return [re.sub(r"^[-+]\s+", "", row.strip()) for row in text.splitlines() if row.strip()]


def assert_head_and_signature(word, plan: AnnualPlan, number: str, day: datetime.date) -> None:
    left, right = word.tables[0].rows[0].cells
    assert cell_lines(left)[:2] == [plan.superior, plan.issuer]
    assert number in cell_lines(left)[-1]
    assert cell_lines(right)[-1] == official_date(plan.place, day)
    recipients, signature = word.tables[-1].rows[0].cells
    assert cell_lines(signature) == [plan.on_behalf, plan.signer_title, plan.signer_name]
    for recipient in plan.recipient_list:
        assert any(recipient.rstrip(".;") in text for text in cell_lines(recipients)), recipient


def test_the_plan_is_downloaded_as_word_with_its_words(new_context, live_server, written_plan, tmp_path):
    plan = written_plan
    page = signed_in(new_context, live_server)
    page.goto(live_server.url + plan.get_absolute_url())
    filename, word = downloaded(page, "Tải Word", tmp_path)
    assert filename.endswith(".docx") and str(plan.year) in filename and plan.unit.name in filename
    expect(page.locator("#plan-actions").get_by_role("link", name="Tải Word")).to_be_enabled()

    assert_head_and_signature(word, plan, plan.number, plan.issued_on)
    lines = body_lines(word)
    subject = index_of(lines, plan.subject)
    assert lines[subject] == plan.subject
    assert plan.subject in word.core_properties.title
    for text in [plan.basis, *written(plan.purpose), *written(plan.content), *written(plan.organisation)]:
        assert index_of(lines, text) > subject
    targets = [index_of(lines, target.text) for target in plan.targets().order_by("order")]
    assert len(targets) == 2 and subject < targets[0] < targets[1]
    members = plan.steering.select_related("cadre").order_by("order")
    assert members.count() == 4
    for member in members:
        at = index_of(lines, member.cadre.full_name)
        assert at > targets[-1]
        assert member.title in lines[at]
        if member.role != SteeringRole.MEMBER:  # members are listed under one heading of theirs
            assert SteeringRole(member.role).label in lines[at]
    # The signer (here also the head of the steering group) signs last.
    assert lines[-1] == plan.signer_name


def test_the_year_end_report_is_downloaded_as_word_with_its_words(
    new_context, live_server, written_plan, tmp_path
):
    plan = written_plan
    page = signed_in(new_context, live_server)
    page.goto(live_server.url + plan.get_absolute_url())
    page.locator("#plan-actions").get_by_role("link", name="Báo cáo kết quả").click()
    expect(page).to_have_url(live_server.url + f"/reports/plans/{plan.pk}/report/")
    rows = page.locator("#targets-table tbody tr")
    expect(rows).to_have_count(2)
    shown = [[" ".join(text.split()) for text in row.locator("td").all_inner_texts()] for row in rows.all()]
    filename, word = downloaded(page, "Báo cáo (Word)", tmp_path)
    assert filename.endswith(".docx") and str(plan.year) in filename and plan.unit.name in filename

    assert_head_and_signature(word, plan, plan.report_number, plan.report_issued_on)
    lines = body_lines(word)
    opening = index_of(lines, plan.number)
    assert plan.unit.name in lines[opening]
    parts = [*written(plan.report_assessment), *written(plan.report_next_steps)]
    found = [index_of(lines, text) for text in parts]
    assert found == sorted(found) and found[0] > opening
    assert lines[-1] == plan.signer_name
    # The targets' table says what the report page says, line by line.
    table = next(table for table in word.tables if len(table.columns) == len(shown[0]))
    in_word = [[cell.text for cell in row.cells] for row in table.rows[1:]]
    assert in_word == shown
    assert [row[1] for row in in_word] == list(
        plan.targets().order_by("order").values_list("text", flat=True)
    )


def test_another_province_gets_no_word_file(new_context, live_server, tree, written_plan):
    UserFactory(username="khac", unit=tree.other_province, role=Role.EDITOR)
    page = signed_in(new_context, live_server, "khac")
    for path in (f"/reports/plans/{written_plan.pk}.docx", f"/reports/plans/{written_plan.pk}/report.docx"):
        response = page.request.get(live_server.url + path)
        assert response.status == 404, path
        assert "wordprocessingml" not in response.headers["content-type"]


# --- The plan form's defaults -------------------------------------------------------------------


def coming_plan_year() -> int:
    """Plans are written late in the year before: from October on (in Vietnam's time), the
    next year's."""
    now = datetime.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    return now.year + 1 if now.month >= 10 else now.year


def test_the_plan_form_starts_with_its_defaults(new_context, live_server, tree, editor, make_cadre):
    secretary = make_cadre(tree.province, code="bi-thu", full_name="Rơ Châm Thủy")
    make_cadre(tree.province, code="pho-bi-thu", full_name="Nguyễn Thị Hoa")
    year = coming_plan_year()
    page = signed_in(new_context, live_server)
    unit, year_box = page.locator("#id_unit"), page.get_by_label(exactly("Năm"))

    def expect_form(unit_id: int, unit_name: str, plan_year: int, start: str) -> None:
        expect(unit).to_have_value(str(unit_id))
        # The unit's name, then (below the province) the unit above it.
        picked = re.compile(f"^{re.escape(unit_name)}( – .+)?$")
        expect(page.locator("#id_unit + .ts-wrapper .item")).to_have_text(picked)
        expect(year_box).to_have_value(str(plan_year))
        for choice in ("Soạn mới", "Sao chép từ kế hoạch năm trước", "Theo kế hoạch cấp trên"):
            if choice == start:
                expect(page.get_by_label(choice)).to_be_checked()
            else:
                expect(page.get_by_label(choice)).not_to_be_checked()

    page.goto(live_server.url + "/reports/plans/")
    page.get_by_role("link", name="Tạo kế hoạch").click()
    expect(page.get_by_role("heading", name="Tạo kế hoạch công tác cán bộ")).to_be_visible()
    expect_form(tree.province.pk, tree.province.name, year, "Soạn mới")

    # A link may ask for another unit, year and start; values it may not give are ignored.
    query = f"unit={tree.commune_a.pk}&year={year + 2}&start=copy"
    page.goto(live_server.url + f"/reports/plans/new/?{query}")
    expect_form(tree.commune_a.pk, tree.commune_a.name, year + 2, "Sao chép từ kế hoạch năm trước")
    page.goto(live_server.url + "/reports/plans/new/?unit=abc&year=1999&start=all")
    expect_form(tree.province.pk, tree.province.name, year, "Soạn mới")

    # Sent as shown: the province's plan of that year, its document fields filled in.
    page.get_by_role("button", name="Tạo kế hoạch").click()
    expect(page.locator(".alert-success")).to_have_text(
        f"Đã tạo kế hoạch công tác cán bộ năm {year} của {tree.province.name}."
    )
    plan = AnnualPlan.objects.get()
    assert (plan.unit, plan.year) == (tree.province, year)
    page.locator("#plan-actions").get_by_role("link", name="Sửa").click()
    expect(page.get_by_role("heading", name=f"Sửa kế hoạch công tác cán bộ năm {year}")).to_be_visible()
    locality = tree.province.name.removeprefix("Tỉnh đoàn ")
    shown = {
        "number": "",
        "superior": "",  # a province has no unit above it
        "issuer": f"BCH ĐOÀN TỈNH {locality.upper()}",
        "place": locality,
        "subject": f"Công tác cán bộ Đoàn năm {year}",
        "on_behalf": "TM. BAN THƯỜNG VỤ",
        "signer_title": "BÍ THƯ",
        "signer_name": secretary.full_name,
        "purpose": "",
        "content": "",
    }
    for name, value in shown.items():
        expect(page.locator(f"#id_{name}")).to_have_value(value)
        assert getattr(plan, name) == value, name
    # No dates yet: they are the issued document's.
    for name in ("issued_on", "lower_deadline"):
        expect(page.locator(f"#id_{name}")).to_have_value("")
        expect(page.locator(f"#id_{name} + input")).to_have_value("")
        assert getattr(plan, name) is None, name
    recipients = page.locator("#id_recipients").input_value().splitlines()
    assert recipients == plan.recipients.splitlines() and recipients[-1].startswith("Lưu")

    # The same year again, and a year out of range: refused, nothing more made.
    page.goto(live_server.url + "/reports/plans/new/")
    page.get_by_role("button", name="Tạo kế hoạch").click()
    expect(year_box).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator("#id_year_error")).to_have_text(
        f"{tree.province.name} đã có kế hoạch công tác cán bộ năm {year}."
    )
    expect(page.locator("#existing-plan").get_by_role("link")).to_have_attribute(
        "href", plan.get_absolute_url()
    )
    year_box.fill("1999")
    page.get_by_role("button", name="Tạo kế hoạch").click()
    expect(page.locator("#id_year_error")).to_have_text("Năm từ 2000 đến 2100.")
    expect(year_box).to_have_value("1999")
    assert AnnualPlan.objects.count() == 1
