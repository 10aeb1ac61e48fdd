"""A succession plan from draft to its first annual review, in a real Chromium, as the people
who do it work: the commune's editor drafts the plan, is refused a fourth candidate and a
too-old one with the reason on screen, and submits; the leader approves (the plan locks); the
editor starts the year's review, accepts the assistant's proposal, submits; the leader approves
the review; the plan's history and the cadre's page show it all. At 1,366 and 390 px, the page
never scrolling sideways; what the pages show is compared with the database."""

import datetime

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from cadres.models import CadreStatus
from planning.models import Candidate, PlanStatus, ReviewStatus, SuccessionPlan
from tests.browser.pickers import choose_unit
from tests.browser.test_smoke import log_in
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def no_sideways_scrolling(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def add_candidate(page, name_typed: str, name: str, post: str, readiness: str = "Sẵn sàng ngay"):
    """Search the cadre without accents, pick them, choose the post, submit."""
    page.get_by_label("Tìm cán bộ").fill(name_typed)
    page.get_by_label("Tìm cán bộ").press("Enter")
    page.locator("label.list-group-item", has_text=name).locator("input[type=radio]").check()
    page.get_by_label("Chức danh quy hoạch").select_option(label=post)
    page.get_by_label("Mức độ sẵn sàng").select_option(label=readiness)
    page.get_by_role("button", name="Đưa vào quy hoạch").click()


def type_date(page, field: str, typed: str):
    """Type a dd/mm/yyyy date into the date field flatpickr shows, as a person does."""
    box = page.locator(f"#id_{field} + input")
    box.fill(typed)
    box.press("Enter")
    page.keyboard.press("Escape")


def log_out(page):
    page.context.clear_cookies()


@pytest.mark.parametrize("width", [1366, 390])
def test_a_plan_from_draft_to_its_first_review(browser_page, live_server, tree, make_cadre, width):
    UserFactory(username="xa", unit=tree.commune_a, role=Role.EDITOR)
    UserFactory(username="lanhdao", unit=tree.province, role=Role.APPROVER)
    born = datetime.date(1998, 4, 10)
    deputies = [
        make_cadre(tree.branch_a, full_name=name, birth_date=born)
        for name in ("Trần Thị Mai", "Lê Văn Hùng", "Phạm Thu Hà", "Đỗ Minh Khoa")
    ]
    make_cadre(tree.branch_a, full_name="Ngô Văn Lớn", birth_date=datetime.date(1993, 2, 2))
    page = browser_page
    page.set_viewport_size({"width": width, "height": 800})

    # The editor drafts the plan.
    log_in(page, live_server, "xa")
    page.goto(live_server.url + "/planning/")
    expect(page.get_by_text("Chưa có quy hoạch nào trong phạm vi đơn vị của bạn.")).to_be_visible()
    page.get_by_role("link", name="Lập quy hoạch").first.click()
    choose_unit(page, "an binh", "Đoàn xã An Bình")
    page.get_by_label("Nhiệm kỳ").select_option(label="Nhiệm kỳ 2025–2030")
    assert no_sideways_scrolling(page)
    page.get_by_role("button", name="Lập quy hoạch").click()
    expect(page.locator("h1")).to_have_text("Quy hoạch Đoàn xã An Bình")
    plan = SuccessionPlan.objects.get()
    assert (plan.unit, plan.status) == (tree.commune_a, PlanStatus.DRAFT)

    # Three deputies-to-be are added; the fourth is refused with the rule.
    for typed, cadre in zip(["tran thi mai", "le van hung", "pham thu ha"], deputies, strict=False):
        page.get_by_role("link", name="Thêm ứng viên").first.click()
        add_candidate(page, typed, cadre.full_name, "Phó Bí thư")
        expect(
            page.get_by_text(f"Đã đưa vào quy hoạch chức danh Phó Bí thư: {cadre.full_name}.")
        ).to_be_visible()
    page.get_by_role("link", name="Thêm ứng viên").first.click()
    add_candidate(page, "do minh khoa", "Đỗ Minh Khoa", "Phó Bí thư")
    expect(page.locator("#candidate-errors")).to_contain_text(
        "Chức danh Phó Bí thư đã có 3 người trong quy hoạch: mỗi chức danh quy hoạch tối đa 3 người."
    )
    assert no_sideways_scrolling(page)
    # Too old to serve the whole term as Bí thư: refused with the ages.
    add_candidate(page, "ngo van lon", "Ngô Văn Lớn", "Bí thư")
    expect(page.locator("#candidate-errors")).to_contain_text(
        "sinh năm 1993, đầu nhiệm kỳ 2025 là 32 tuổi, đến hết nhiệm kỳ 2030 là 37 tuổi, vượt giới hạn 35 tuổi"
    )
    assert Candidate.objects.filter(plan=plan).count() == 3
    page.get_by_role("link", name="Huỷ").click()

    # The board shows what the database holds.
    row = page.locator("section.board-row", has_text="Phó Bí thư")
    expect(row.locator("tbody tr")).to_have_count(3)
    expect(row).to_contain_text("3/3 người quy hoạch")
    page.screenshot(path=f"/tmp/planning-board-draft-{width}.png", full_page=True)

    # Submitted (after the confirmation), the plan is locked.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Trình phê duyệt").click()
    expect(page.locator("#plan-status")).to_have_text("Đã trình duyệt")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    expect(page.get_by_role("link", name="Thêm ứng viên")).to_have_count(0)

    # The leader approves, recording the decision.
    log_out(page)
    log_in(page, live_server, "lanhdao")
    page.goto(live_server.url + plan.get_absolute_url())
    page.get_by_role("link", name="Phê duyệt").click()
    page.get_by_role("button", name="Phê duyệt").click()  # untouched: refused
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    assert SuccessionPlan.objects.get().status == PlanStatus.SUBMITTED
    page.get_by_label("Số quyết định phê duyệt").fill("215-QĐ/ĐU")
    type_date(page, "decided_on", "20/11/2026")
    page.get_by_label("Cấp phê duyệt").fill("Ban Thường vụ Đảng ủy xã")
    page.get_by_role("button", name="Phê duyệt").click()
    expect(page.locator("#plan-status")).to_have_text("Đã phê duyệt")
    plan.refresh_from_db()
    assert (plan.status, plan.decision_number) == (PlanStatus.APPROVED, "215-QĐ/ĐU")
    assert plan.decided_on == datetime.date(2026, 11, 20)

    # Meanwhile one of the planned deputies leaves.
    leaving = deputies[1]
    leaving.status, leaving.left_on = CadreStatus.TRANSFERRED, datetime.date(2026, 11, 25)
    leaving.save()

    # The editor starts the year's review and accepts the assistant's proposal.
    log_out(page)
    log_in(page, live_server, "xa")
    page.goto(live_server.url + plan.get_absolute_url())
    expect(page.get_by_text("Đã phê duyệt và khóa")).to_be_visible()
    page.get_by_role("link", name="Bắt đầu rà soát năm").click()
    page.get_by_role("button", name="Bắt đầu rà soát").click()
    proposal = page.locator("[data-proposal='Lê Văn Hùng']")
    expect(proposal).to_contain_text("Chuyển công tác, nghỉ việc")
    proposal.get_by_role("button", name="Chấp nhận", exact=True).click()
    expect(
        page.get_by_text("Đã chấp nhận đề xuất: Lê Văn Hùng được đề xuất đưa ra khỏi quy hoạch.")
    ).to_be_visible()
    expect(page.locator("#review-removed")).to_contain_text("Lê Văn Hùng — Phó Bí thư")
    assert no_sideways_scrolling(page)
    page.screenshot(path=f"/tmp/planning-review-{width}.png", full_page=True)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Trình phê duyệt").click()
    expect(page.locator("#review-status")).to_have_text("Đã trình duyệt")

    # The leader approves the review: the candidate leaves the plan.
    log_out(page)
    log_in(page, live_server, "lanhdao")
    review = plan.reviews.get()
    page.goto(live_server.url + f"/planning/{plan.pk}/reviews/{review.pk}/")
    page.get_by_role("link", name="Phê duyệt").click()
    page.get_by_label("Số quyết định phê duyệt").fill("230-QĐ/ĐU")
    type_date(page, "decided_on", "01/12/2026")
    page.get_by_role("button", name="Phê duyệt").click()
    expect(page.get_by_text("Đã phê duyệt kết quả rà soát năm 2026")).to_be_visible()
    review.refresh_from_db()
    assert review.status == ReviewStatus.APPROVED
    removed = Candidate.objects.get(cadre=leaving)
    assert (removed.removed_year, removed.removal_reason) == (2026, "transferred")
    row = page.locator("section.board-row", has_text="Phó Bí thư")
    expect(row.locator("tbody tr")).to_have_count(
        Candidate.objects.filter(plan=plan, position__code="pho-bi-thu", removed_year__isnull=True).count()
    )
    expect(page.get_by_text("Lê Văn Hùng — Phó Bí thư: năm 2026, chuyển công tác, nghỉ việc")).to_be_visible()

    # The history tells who did what under which decision; the cadre's page shows the removal.
    page.get_by_role("link", name="Lịch sử").click()
    history = page.locator("#plan-history")
    expect(history).to_contain_text("215-QĐ/ĐU")
    expect(history).to_contain_text("230-QĐ/ĐU")
    expect(history).to_contain_text("Ứng viên Lê Văn Hùng – Phó Bí thư")
    assert no_sideways_scrolling(page)
    page.goto(live_server.url + leaving.get_absolute_url())
    expect(page.locator("#cadre-planning")).to_contain_text("Đưa ra năm 2026: chuyển công tác, nghỉ việc")
    page.screenshot(path=f"/tmp/planning-cadre-{width}.png", full_page=True)
