"""The yearly plan's forms in a real Chromium, filled in as the province's editor does, each
result checked against the database:

- starting a plan (/reports/plans/new/) blank for a commune, refused when there is no last
  year's plan to copy, then copied from last year's plan (texts with the new year, the active
  members of the steering group, the targets with their metric, parameters and goal);
- adding a target from the plan page (a metric of the catalogue, its parameters, comparison,
  goal, sentence), refused first with the Vietnamese messages next to the fields and nothing
  saved, then edited to another metric; with no metric chosen, the one message that says so;
- the steering group: a cadre picked twice is refused and nothing saved, three cadres saved
  and shown on the plan, one removed again;
- the year-end report: filled in, saved, a date outside the years refused, and its PDF
  downloaded through its button, with the typed text and its diacritics inside;
- every form page on a 390 px phone without sideways scrolling. Screenshots in
  /tmp/plan_forms_*.png."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from cadres.models import Cadre, CadreStatus
from common.dates import today
from reports.models import AnnualPlan, PlanStatus, SteeringMember, SteeringRole, Target
from tests.browser.pickers import choose_unit
from tests.browser.test_smoke import log_in
from tests.browser.test_training import type_date

pytestmark = pytest.mark.browser

YEAR = today().year + 1
ACTIVITIES = "Tỷ lệ cán bộ tham gia ít nhất N hoạt động nâng cao năng lực"
CERTIFICATES = "Số cán bộ đạt chứng chỉ ngoại ngữ trong năm"


def signed_in(new_context, live_server, width: int = 1366):
    context = new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server, "tinhdoan")
    expect(page.get_by_role("heading", name="Tổng quan")).to_be_visible()
    return page


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def shoot(page, name: str) -> None:
    page.screenshot(path=f"/tmp/plan_forms_{name}.png", full_page=True)


def success(page):
    return page.locator(".alert-success")


def error_of(page, label: str):
    """The message shown under the field labelled ``label``, checked to be marked invalid."""
    box = page.get_by_label(exactly(label))
    expect(box).to_have_class(re.compile(r"\bis-invalid\b"))
    return page.locator(f"#{box.get_attribute('id')}_error")


def exactly(label: str) -> re.Pattern:
    """A field's label as shown, with or without the asterisk of a required field."""
    return re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$")


def one_line(text: str) -> str:
    return " ".join(text.split())


def test_a_plan_is_started_blank_and_copied_from_last_year(
    new_context, live_server, tree, editor, make_cadre
):
    make_cadre(tree.commune_a, code="bi-thu", full_name="Siu Văn Hùng")
    secretary = make_cadre(tree.province, code="bi-thu", full_name="Rơ Châm Thủy")
    gone = make_cadre(tree.province, code="pho-bi-thu", full_name="Đinh Văn Cũ")
    last = AnnualPlan.objects.create(
        unit=tree.province,
        year=YEAR - 1,
        number="70-KH/TĐTN-TCKT",
        issued_on=datetime.date(YEAR - 2, 12, 20),
        lower_deadline=datetime.date(YEAR - 1, 1, 31),
        superior="TRUNG ƯƠNG ĐOÀN",
        issuer="BCH ĐOÀN TỈNH THỬ",
        place="Thử",
        subject=f"Công tác cán bộ Đoàn năm {YEAR - 1}",
        purpose=f"- Nâng cao chất lượng đội ngũ cán bộ Đoàn năm {YEAR - 1}.",
        content=f"1. Quy hoạch\n- Rà soát nguồn cán bộ trước ngày 30/6/{YEAR - 1}.",
        signer_name="Người Ký Năm Trước",
        report_number="95-BC/TĐTN-BTC",
        report_assessment="Đánh giá của năm trước.",
        status=PlanStatus.ACCEPTED,
    )
    SteeringMember.objects.create(
        plan=last, cadre=secretary, role=SteeringRole.HEAD, title="Bí thư Tỉnh đoàn", order=1
    )
    SteeringMember.objects.create(
        plan=last, cadre=gone, role=SteeringRole.DEPUTY, title="Phó Bí thư Tỉnh đoàn", order=2
    )
    Cadre.objects.filter(pk=gone.pk).update(status=CadreStatus.TRANSFERRED, left_on=today())
    Target.objects.create(
        unit=tree.province,
        year=YEAR - 1,
        order=1,
        text=f"100% Bí thư Đoàn xã có trình độ đại học trong năm {YEAR - 1}",
        metric="secretary_degree_share",
        params={"positions": ["bi-thu"], "unit_kinds": [], "min_education": 4},
        goal=Decimal(100),
    )
    Target.objects.create(
        unit=tree.province,
        year=YEAR - 1,
        order=2,
        text="Không quá 5 cán bộ chưa có chứng chỉ ngoại ngữ",
        metric="language_certificates",
        params={"min_level": 4},
        comparison="lte",
        goal=Decimal("5.5"),
    )

    page = signed_in(new_context, live_server)
    page.goto(live_server.url + "/reports/plans/")
    page.get_by_role("link", name="Tạo kế hoạch").click()
    expect(page.get_by_role("heading", name="Tạo kế hoạch công tác cán bộ")).to_be_visible()
    expect(page.get_by_label("Soạn mới")).to_be_checked()

    # A blank plan for a commune.
    choose_unit(page, "An Bình", "Đoàn xã An Bình")
    page.get_by_label(exactly("Năm")).fill(str(YEAR))
    shoot(page, "create_desktop")
    page.get_by_role("button", name="Tạo kế hoạch").click()
    expect(success(page)).to_contain_text(f"Đã tạo kế hoạch công tác cán bộ năm {YEAR} của Đoàn xã An Bình.")
    blank = AnnualPlan.objects.get(unit=tree.commune_a)
    expect(page).to_have_url(live_server.url + f"/reports/plans/{blank.pk}/")
    assert (blank.year, blank.status, blank.created_by.username, blank.parent) == (
        YEAR,
        PlanStatus.DRAFT,
        "tinhdoan",
        None,
    )
    assert (blank.superior, blank.issuer, blank.place, blank.subject) == (
        "TỈNH ĐOÀN THỬ",
        "BCH ĐOÀN XÃ AN BÌNH",
        "An Bình",
        f"Công tác cán bộ Đoàn năm {YEAR}",
    )
    assert (blank.on_behalf, blank.signer_title, blank.signer_name) == (
        "TM. BAN THƯỜNG VỤ",
        "BÍ THƯ",
        "Siu Văn Hùng",
    )
    assert blank.recipient_list[0] == "Ban Thường vụ Tỉnh đoàn Thử (để báo cáo);"
    assert (blank.number, blank.purpose, blank.content, blank.issued_on) == ("", "", "", None)
    assert not blank.steering.exists() and not blank.targets().exists()

    # Copying asks for last year's plan: a ward without one is refused, nothing made.
    page.goto(live_server.url + "/reports/plans/new/")
    choose_unit(page, "Bắc Sơn", "Đoàn phường Bắc Sơn")
    page.get_by_label(exactly("Năm")).fill(str(YEAR))
    page.get_by_label("Sao chép từ kế hoạch năm trước").check()
    page.get_by_role("button", name="Tạo kế hoạch").click()
    expect(page.locator("#start-error")).to_have_text(
        f"Đoàn phường Bắc Sơn chưa có kế hoạch năm {YEAR - 1} để sao chép."
    )
    expect(page.get_by_label("Sao chép từ kế hoạch năm trước")).to_be_checked()
    assert not AnnualPlan.objects.filter(unit=tree.commune_b).exists()

    # The province copies its own.
    choose_unit(page, "Tỉnh đoàn", "Tỉnh đoàn Thử")
    page.get_by_role("button", name="Tạo kế hoạch").click()
    expect(success(page)).to_contain_text(
        f"Đã tạo kế hoạch năm {YEAR} từ kế hoạch năm {YEAR - 1}: 2 chỉ tiêu, 1 thành viên ban chỉ đạo."
    )
    copy = AnnualPlan.objects.get(unit=tree.province, year=YEAR)
    expect(page).to_have_url(live_server.url + f"/reports/plans/{copy.pk}/")
    assert (copy.status, copy.created_by.username) == (PlanStatus.DRAFT, "tinhdoan")
    assert (copy.superior, copy.issuer, copy.place) == ("TRUNG ƯƠNG ĐOÀN", "BCH ĐOÀN TỈNH THỬ", "Thử")
    assert copy.subject == f"Công tác cán bộ Đoàn năm {YEAR}"
    assert copy.purpose == f"- Nâng cao chất lượng đội ngũ cán bộ Đoàn năm {YEAR}."
    assert copy.content == f"1. Quy hoạch\n- Rà soát nguồn cán bộ trước ngày 30/6/{YEAR}."
    # The new document's own parts start empty; the signer is the Bí thư now.
    assert (copy.number, copy.issued_on, copy.lower_deadline) == ("", None, None)
    assert (copy.report_number, copy.report_assessment) == ("", "")
    assert copy.signer_name == "Rơ Châm Thủy"
    assert list(copy.steering.values_list("cadre__full_name", "role", "title", "order")) == [
        ("Rơ Châm Thủy", SteeringRole.HEAD, "Bí thư Tỉnh đoàn", 1)
    ]
    copied = list(
        copy.targets()
        .order_by("order")
        .values_list("order", "text", "metric", "params", "comparison", "goal")
    )
    assert copied == [
        (
            1,
            f"100% Bí thư Đoàn xã có trình độ đại học trong năm {YEAR}",
            "secretary_degree_share",
            {"positions": ["bi-thu"], "unit_kinds": [], "min_education": 4},
            "gte",
            Decimal(100),
        ),
        (
            2,
            "Không quá 5 cán bộ chưa có chứng chỉ ngoại ngữ",
            "language_certificates",
            {"min_level": 4},
            "lte",
            Decimal("5.5"),
        ),
    ]
    # Last year's plan and targets are untouched.
    assert Target.objects.filter(unit=tree.province, year=YEAR - 1).count() == 2
    assert last.steering.count() == 2
    expect(page.locator("#plan-subject")).to_have_text(f"Công tác cán bộ Đoàn năm {YEAR}")
    expect(page.locator("#target-table tbody tr")).to_have_count(2)
    expect(page.locator("#steering-list")).to_contain_text("Trưởng ban: Đ/c Rơ Châm Thủy")
    expect(page.locator("#steering-list")).not_to_contain_text("Đinh Văn Cũ")


def test_a_target_is_added_refused_and_edited(new_context, live_server, tree, plan):
    page = signed_in(new_context, live_server)
    page.goto(live_server.url + plan.get_absolute_url())
    page.locator("#section-targets").get_by_role("link", name="Thêm chỉ tiêu").click()
    expect(page).to_have_url(re.compile(r"/reports/targets/new/\?"))
    expect(page.get_by_role("heading", name="Thêm chỉ tiêu")).to_be_visible()
    expect(page.locator("#target-scope")).to_contain_text(f"Tỉnh đoàn Thử · năm {YEAR}")
    expect(page.get_by_label(exactly("Thứ tự"))).to_have_value("1")

    # The metric, then only its own parameters show.
    page.get_by_label("Cách tính số liệu thực tế").select_option(label=ACTIVITIES)
    params = page.get_by_role("group", name=ACTIVITIES)
    expect(params).to_be_visible()
    expect(page.get_by_role("group", name=CERTIFICATES)).to_have_count(0)
    expect(params.get_by_label("Ngoại ngữ", exact=True)).to_be_checked()
    expect(params.get_by_label("Tin học, chuyển đổi số")).to_be_checked()
    params.get_by_label("Số hoạt động tối thiểu").fill("3")
    params.get_by_label("Chuyên trách", exact=True).check()
    page.get_by_label("So sánh").select_option(label="Đạt ít nhất")

    # No sentence, and a share above 100%: refused, nothing saved, what was typed kept.
    page.get_by_label(exactly("Mục tiêu")).fill("120")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("#form-errors")).to_contain_text("Chưa lưu được")
    expect(error_of(page, "Chỉ tiêu (câu ghi trong kế hoạch)")).to_have_text(
        "Nhập câu chỉ tiêu như ghi trong kế hoạch."
    )
    expect(error_of(page, "Mục tiêu")).to_have_text("Chỉ tiêu tỷ lệ: mục tiêu không quá 100 (%).")
    shoot(page, "target_errors_desktop")
    assert not Target.objects.exists()
    expect(page.get_by_label(exactly("Mục tiêu"))).to_have_value("120")
    expect(params.get_by_label("Số hoạt động tối thiểu")).to_have_value("3")
    expect(params.get_by_label("Chuyên trách", exact=True)).to_be_checked()

    sentence = "Ít nhất 85,5% cán bộ chuyên trách tham gia từ 3 hoạt động ngoại ngữ, tin học trở lên"
    page.get_by_label("Chỉ tiêu (câu ghi trong kế hoạch)").fill(sentence)
    page.get_by_label(exactly("Mục tiêu")).fill("85,5")
    page.get_by_role("button", name="Lưu").click()
    expect(success(page)).to_have_text(f"Đã thêm chỉ tiêu 1 của năm {YEAR}.")
    target = Target.objects.get()
    assert (target.unit, target.year, target.order, target.text) == (tree.province, YEAR, 1, sentence)
    assert (target.metric, target.comparison, target.goal) == ("activity_share", "gte", Decimal("85.5"))
    assert target.params == {
        "categories": ["language", "digital"],
        "min_activities": 3,
        "employment": ["full_time"],
        "unit_levels": [],
    }
    row = page.locator(f'#target-table tr[data-target="{target.pk}"]')
    expect(row).to_contain_text(sentence)
    expect(row.locator("[data-goal]")).to_have_text("≥ 85,5%")

    # Edited: another metric, a count, which may pass 100.
    row.get_by_role("link", name="Sửa").click()
    expect(page).to_have_url(live_server.url + f"/reports/targets/{target.pk}/edit/")
    expect(page.get_by_role("heading", name="Sửa chỉ tiêu 1")).to_be_visible()
    expect(page.get_by_label("Chỉ tiêu (câu ghi trong kế hoạch)")).to_have_value(sentence)
    expect(page.get_by_role("group", name=ACTIVITIES).get_by_label("Số hoạt động tối thiểu")).to_have_value(
        "3"
    )
    page.get_by_label("Cách tính số liệu thực tế").select_option(label=CERTIFICATES)
    page.get_by_role("group", name=CERTIFICATES).get_by_label("Trình độ ngoại ngữ tối thiểu").select_option(
        label="Bậc 4 (B2)"
    )
    page.get_by_label("So sánh").select_option(label="Không vượt quá")
    page.get_by_label(exactly("Mục tiêu")).fill("150")
    page.get_by_label("Chỉ tiêu (câu ghi trong kế hoạch)").fill("Không quá 150 cán bộ đạt chứng chỉ B2")
    shoot(page, "target_edit_desktop")
    page.get_by_role("button", name="Lưu").click()
    expect(success(page)).to_have_text(f"Đã lưu chỉ tiêu 1 của năm {YEAR}.")
    edited = Target.objects.get()
    assert edited.pk == target.pk and edited.version > target.version
    assert (edited.text, edited.metric, edited.params) == (
        "Không quá 150 cán bộ đạt chứng chỉ B2",
        "language_certificates",
        {"min_level": 4},
    )
    assert (edited.comparison, edited.goal, edited.order) == ("lte", Decimal(150), 1)
    expect(page.locator(f'#target-table tr[data-target="{target.pk}"] [data-goal]')).to_have_text(
        "≤ 150 người"
    )


def test_the_steering_group_is_picked_saved_and_shown(new_context, live_server, tree, plan, make_cadre):
    make_cadre(tree.province, code="bi-thu", full_name="Rơ Châm Thủy")
    make_cadre(tree.province, code="pho-bi-thu", full_name="Nguyễn Thị Hoa")
    make_cadre(tree.commune_a, code="bi-thu", full_name="Siu Văn Hùng")
    page = signed_in(new_context, live_server)
    page.goto(live_server.url + plan.get_absolute_url())
    expect(page.locator("#no-steering")).to_have_text("Chưa có thành viên.")
    page.locator("#plan-actions").get_by_role("link", name="Ban chỉ đạo").click()
    expect(page.get_by_role("heading", name=f"Ban chỉ đạo thực hiện kế hoạch năm {YEAR}")).to_be_visible()

    def line(number: int):
        return page.get_by_role("group", name=f"Dòng {number}")

    def fill_line(number: int, typed: str, name: str, role: str, order: str, title: str = ""):
        choose_unit(page, typed, name, field=f"steering-{number - 1}-cadre")
        line(number).get_by_label("Vai trò").select_option(label=role)
        line(number).get_by_label("Thứ tự").fill(order)
        line(number).get_by_label("Chức vụ ghi trong kế hoạch").fill(title)

    # The same cadre on two lines: refused, nothing saved, the lines kept as typed.
    fill_line(1, "Rơ Châm", "Rơ Châm Thủy", "Trưởng ban", "1")
    fill_line(2, "Rơ Châm", "Rơ Châm Thủy", "Phó ban", "2", "Phó Bí thư Thường trực Tỉnh đoàn")
    page.get_by_role("button", name="Lưu ban chỉ đạo").click()
    expect(page.locator("#steering-errors")).to_have_text(
        "Rơ Châm Thủy có hai dòng trong ban chỉ đạo: xoá bớt một dòng."
    )
    assert not SteeringMember.objects.exists()
    expect(line(2).get_by_label("Chức vụ ghi trong kế hoạch")).to_have_value(
        "Phó Bí thư Thường trực Tỉnh đoàn"
    )
    expect(line(2).get_by_label("Vai trò")).to_have_value(SteeringRole.DEPUTY)

    choose_unit(page, "Hoa", "Nguyễn Thị Hoa", field="steering-1-cadre")
    fill_line(3, "Siu", "Siu Văn Hùng", "Thành viên", "3")
    shoot(page, "steering_desktop")
    page.get_by_role("button", name="Lưu ban chỉ đạo").click()
    expect(success(page)).to_have_text("Đã lưu ban chỉ đạo (3 thay đổi).")
    expect(page).to_have_url(live_server.url + plan.get_absolute_url())
    rows = list(
        SteeringMember.objects.filter(plan=plan)
        .order_by("order")
        .values_list("cadre__full_name", "role", "title", "order")
    )
    assert rows == [
        ("Rơ Châm Thủy", SteeringRole.HEAD, "Bí thư Tỉnh đoàn Thử", 1),
        ("Nguyễn Thị Hoa", SteeringRole.DEPUTY, "Phó Bí thư Thường trực Tỉnh đoàn", 2),
        ("Siu Văn Hùng", SteeringRole.MEMBER, "Bí thư Đoàn xã An Bình", 3),
    ]
    expect(page.locator("#steering-list li")).to_have_text(
        [
            "- Trưởng ban: Đ/c Rơ Châm Thủy – Bí thư Tỉnh đoàn Thử.",
            "- Phó ban: Đ/c Nguyễn Thị Hoa – Phó Bí thư Thường trực Tỉnh đoàn.",
            "- Thành viên: Đ/c Siu Văn Hùng – Bí thư Đoàn xã An Bình.",
        ]
    )

    # One removed again.
    page.get_by_role("link", name="Sửa ban chỉ đạo").click()
    expect(line(3).get_by_label("Chức vụ ghi trong kế hoạch")).to_have_value("Bí thư Đoàn xã An Bình")
    line(3).get_by_label("Xoá").check()
    page.get_by_role("button", name="Lưu ban chỉ đạo").click()
    expect(success(page)).to_have_text("Đã lưu ban chỉ đạo (1 thay đổi).")
    assert list(
        SteeringMember.objects.filter(plan=plan).order_by("order").values_list("cadre__full_name", flat=True)
    ) == [
        "Rơ Châm Thủy",
        "Nguyễn Thị Hoa",
    ]
    expect(page.locator("#steering-list li")).to_have_count(2)
    expect(page.locator("#steering-list")).not_to_contain_text("Siu Văn Hùng")


ASSESSMENT = (
    "1. Ưu điểm\n"
    "- Đội ngũ cán bộ Đoàn trẻ, nhiệt huyết, được bồi dưỡng thường xuyên.\n"
    "2. Hạn chế\n"
    "- Việc luân chuyển cán bộ về cơ sở còn chậm."
)
NEXT_STEPS = "- Tiếp tục rà soát, bổ sung nguồn quy hoạch; ưu tiên cán bộ nữ, dân tộc thiểu số."


def test_the_year_end_report_is_saved_and_downloaded_as_pdf(new_context, live_server, tree, plan, tmp_path):
    Target.objects.create(
        unit=tree.province,
        year=YEAR,
        order=1,
        text="Ít nhất 10 cán bộ đạt chứng chỉ ngoại ngữ B1 trở lên",
        metric="language_certificates",
        goal=Decimal(10),
    )
    page = signed_in(new_context, live_server)
    page.goto(live_server.url + plan.get_absolute_url())
    page.locator("#plan-actions").get_by_role("link", name="Báo cáo kết quả").click()
    expect(page).to_have_url(live_server.url + f"/reports/plans/{plan.pk}/report/")
    expect(page.get_by_role("heading", name=f"Báo cáo kết quả công tác cán bộ năm {YEAR}")).to_be_visible()
    expect(page.locator("#targets-table")).to_contain_text("Ít nhất 10 cán bộ đạt chứng chỉ ngoại ngữ B1")

    page.get_by_label("Số, ký hiệu báo cáo").fill("95-BC/TĐTN-BTC")
    type_date(page, "report_issued_on", f"15/12/{YEAR}")
    page.get_by_label("Đánh giá chung").fill(ASSESSMENT)
    page.get_by_label("Phương hướng năm sau").fill(NEXT_STEPS)
    shoot(page, "report_desktop")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(success(page)).to_have_text(f"Đã lưu báo cáo kết quả năm {YEAR}.")
    expect(page).to_have_url(live_server.url + f"/reports/plans/{plan.pk}/report/")
    saved = AnnualPlan.objects.get(pk=plan.pk)
    assert (saved.report_number, saved.report_issued_on) == ("95-BC/TĐTN-BTC", datetime.date(YEAR, 12, 15))
    # The browser sends a textarea's line breaks as CRLF.
    assert saved.report_assessment.replace("\r\n", "\n") == ASSESSMENT
    assert saved.report_next_steps.replace("\r\n", "\n") == NEXT_STEPS
    assert (saved.number, saved.subject, saved.version) == (plan.number, plan.subject, plan.version + 1)
    expect(page.get_by_label("Số, ký hiệu báo cáo")).to_have_value("95-BC/TĐTN-BTC")
    expect(page.locator("#id_report_issued_on + input")).to_have_value(f"15/12/{YEAR}")

    # A date two years on: refused next to the field, nothing changed.
    page.get_by_label("Số, ký hiệu báo cáo").fill("96-BC/TĐTN-BTC")
    type_date(page, "report_issued_on", f"01/01/{YEAR + 2}")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.locator("#id_report_issued_on_error")).to_have_text(
        f"Ngày báo cáo phải trong năm {YEAR} hoặc {YEAR + 1}."
    )
    expect(success(page)).to_have_count(0)
    assert AnnualPlan.objects.get(pk=plan.pk).report_number == "95-BC/TĐTN-BTC"

    # The PDF through its button.
    page.goto(live_server.url + f"/reports/plans/{plan.pk}/report/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Báo cáo (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    path = tmp_path / "bao-cao.pdf"
    download.save_as(path)
    content = path.read_bytes()
    assert content.startswith(b"%PDF")
    text = one_line("\n".join(page_.extract_text() for page_ in PdfReader(io.BytesIO(content)).pages))
    for expected in [
        "BÁO CÁO",
        f"Kết quả thực hiện công tác cán bộ năm {YEAR}",
        "95-BC/TĐTN-BTC",
        f"ngày 15 tháng 12 năm {YEAR}",
        "III. ĐÁNH GIÁ CHUNG",
        "Ưu điểm",
        "Đội ngũ cán bộ Đoàn trẻ, nhiệt huyết, được bồi dưỡng thường xuyên.",
        "Việc luân chuyển cán bộ về cơ sở còn chậm.",
        f"IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM {YEAR + 1}",
        "ưu tiên cán bộ nữ, dân tộc thiểu số.",
        "Ít nhất 10 cán bộ đạt chứng chỉ ngoại ngữ B1 trở lên",
    ]:
        assert expected in text, expected


def test_the_plan_forms_fit_a_phone(new_context, live_server, tree, plan, make_cadre):
    make_cadre(tree.province, code="bi-thu", full_name="Rơ Châm Thủy")
    target = Target.objects.create(
        unit=tree.province,
        year=YEAR,
        order=1,
        text="100% Bí thư Đoàn xã, phường có trình độ đại học trở lên",
        metric="secretary_degree_share",
        goal=Decimal(100),
    )
    page = signed_in(new_context, live_server, 390)
    for name, path, ready in [
        ("create", "/reports/plans/new/", "#plan-create-form"),
        ("target_new", f"/reports/targets/new/?year={YEAR}&unit={tree.province.pk}", "#target-form"),
        ("target_edit", f"/reports/targets/{target.pk}/edit/", "#target-form"),
        ("steering", f"/reports/plans/{plan.pk}/steering/", "#steering-form"),
        ("report", f"/reports/plans/{plan.pk}/report/", "#report-form"),
    ]:
        page.goto(live_server.url + path)
        expect(page.locator(ready)).to_be_visible()
        assert fits(page), name
        shoot(page, name)

    # With the refusal's messages too.
    page.goto(live_server.url + f"/reports/targets/new/?year={YEAR}&unit={tree.province.pk}")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("#form-errors")).to_contain_text("Chưa lưu được")
    expect(error_of(page, "Mục tiêu")).to_have_text("Nhập mục tiêu.")
    assert fits(page)
    shoot(page, "target_errors")
    assert Target.objects.count() == 1


def test_a_target_without_a_metric_gets_one_message(new_context, live_server, tree, plan):
    page = signed_in(new_context, live_server)
    page.goto(live_server.url + f"/reports/targets/new/?year={YEAR}&unit={tree.province.pk}")
    page.get_by_label("Chỉ tiêu (câu ghi trong kế hoạch)").fill("100% Bí thư Đoàn xã có bằng đại học")
    page.get_by_label(exactly("Mục tiêu")).fill("100")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("#form-errors")).to_contain_text("Chưa lưu được")
    assert not Target.objects.exists()
    expect(error_of(page, "Cách tính số liệu thực tế")).to_have_text("Chọn cách tính số liệu thực tế.")
