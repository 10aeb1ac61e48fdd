"""The yearly plan's collection in a real Chromium: a commune's editor opens the plans, starts the
commune's plan from the province's request (the province's targets come along), writes section
III, sends it up; the province's editor opens the collection, sees it sent on time and accepts
it. The list, the plan, its form, the steering group and the collection on a desktop and on a
phone without sideways scrolling; screenshots in /tmp/h5_*.png."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from cadres.models import Cadre
from common.dates import today
from reports.models import AnnualPlan, PlanStatus, SteeringMember, SteeringRole, Target
from tests.browser.test_smoke import log_in
from tests.browser.test_training import no_sideways_scrolling
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

YEAR = today().year + 1
CONTENT = "1. Công tác quy hoạch\n- Rà soát **nguồn cán bộ** của xã.\n+ Chi đoàn thôn giới thiệu đoàn viên."


def shoot(page, name: str, width: int) -> None:
    page.screenshot(path=f"/tmp/h5_{name}_{width}.png", full_page=True)


def signed_in(new_context, live_server, username: str, width: int):
    context = new_context(viewport={"width": width, "height": 800}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server, username)
    return page


@pytest.fixture
def province_plan(tree, make_cadre):
    UserFactory(username="tinhdoan", unit=tree.province, role=Role.EDITOR)
    UserFactory(username="xa", unit=tree.commune_a, role=Role.EDITOR)
    make_cadre(tree.commune_a, code="bi-thu", full_name="Siu Văn Hùng")
    plan = AnnualPlan.objects.create(
        unit=tree.province,
        year=YEAR,
        number="80-KH/TĐTN-TCKT",
        issuer="BCH ĐOÀN TỈNH THỬ",
        place="Thử",
        subject=f"Công tác cán bộ Đoàn năm {YEAR}",
        issued_on=today() - datetime.timedelta(days=3),
        lower_deadline=today() + datetime.timedelta(days=14),
    )
    for order, (text, metric, goal) in enumerate(
        [
            ("100% Bí thư Đoàn xã, phường có trình độ đại học trở lên", "secretary_degree_share", 100),
            ("Ít nhất 10 cán bộ đạt chứng chỉ ngoại ngữ B1 trở lên", "language_certificates", 10),
        ],
        start=1,
    ):
        Target.objects.create(
            unit=tree.province, year=YEAR, order=order, text=text, metric=metric, goal=Decimal(goal)
        )
    return plan


def test_a_commune_sends_its_plan_and_the_province_accepts_it(new_context, live_server, tree, province_plan):
    commune = signed_in(new_context, live_server, "xa", 1366)
    commune.goto(live_server.url + "/reports/plans/")
    box = commune.locator(f'[data-request="{province_plan.pk}"]')
    expect(box).to_contain_text(f"Tỉnh đoàn Thử yêu cầu gửi kế hoạch công tác cán bộ năm {YEAR} trước ngày")
    expect(box).to_contain_text(f"{province_plan.lower_deadline:%d/%m/%Y}")
    assert no_sideways_scrolling(commune)
    shoot(commune, "list_commune", 1366)

    # Start from the request: the form comes filled in.
    box.get_by_role("link", name="Soạn kế hoạch").click()
    expect(commune.get_by_label("Theo kế hoạch cấp trên")).to_be_checked()
    shoot(commune, "create", 1366)
    commune.get_by_role("button", name="Tạo kế hoạch").click()
    expect(commune.locator(".alert-success")).to_contain_text("đã chép 2 chỉ tiêu của cấp trên")
    expect(commune.locator("#target-table")).to_contain_text("100% Bí thư Đoàn xã, phường")
    expect(commune.locator("#plan-signature")).to_contain_text("Siu Văn Hùng")
    plan = AnnualPlan.objects.get(unit=tree.commune_a)
    assert (plan.parent, plan.targets().count()) == (province_plan, 2)

    # Write section III in the light markup.
    commune.locator("#plan-actions").get_by_role("link", name="Sửa").click()
    expect(commune.locator("#plan-form legend").first).to_have_text("Đầu văn bản")
    commune.get_by_label("III. Nội dung thực hiện").fill(CONTENT)
    shoot(commune, "form", 1366)
    assert no_sideways_scrolling(commune)
    commune.get_by_role("button", name="Lưu").click()
    expect(commune.locator(".alert-success")).to_have_text("Đã lưu kế hoạch.")
    expect(commune.locator("#section-content .doc-heading")).to_have_text("1. Công tác quy hoạch")
    expect(commune.locator("#section-content .doc-bullet strong")).to_have_text("nguồn cán bộ")
    shoot(commune, "detail_commune", 1366)

    # Send it up (the browser asks to confirm).
    commune.once("dialog", lambda dialog: dialog.accept())
    commune.get_by_role("button", name="Gửi cấp trên").click()
    expect(commune.locator(".alert-success")).to_have_text("Đã gửi kế hoạch lên Tỉnh đoàn Thử.")
    expect(commune.locator("#lower-state")).to_have_text("Đã gửi đúng hạn")
    expect(commune.locator("#locked")).to_be_visible()
    expect(commune.locator("#plan-actions")).not_to_contain_text("Sửa")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED

    # The province sees it sent in its collection and accepts it.
    province = signed_in(new_context, live_server, "tinhdoan", 1366)
    province.goto(live_server.url + "/reports/plans/")
    province.locator(f'tr[data-plan="{province_plan.pk}"] [data-sent]').get_by_role("link").click()
    line = province.locator(f'tr[data-unit="{tree.commune_a.pk}"]')
    expect(line).to_contain_text("Đã gửi")
    expect(province.locator('[data-count="sent"]')).to_have_text("1/3")
    assert no_sideways_scrolling(province)
    shoot(province, "collection", 1366)
    line.get_by_role("button", name="Tiếp nhận").click()
    expect(province.locator(".alert-success")).to_have_text("Đã tiếp nhận kế hoạch của Đoàn xã An Bình.")
    expect(line).to_contain_text("Đã tiếp nhận")
    plan.refresh_from_db()
    assert (plan.status, plan.reviewed_by.username) == (PlanStatus.ACCEPTED, "tinhdoan")

    province.goto(live_server.url + "/reports/plans/")
    expect(province.locator(f'tr[data-plan="{plan.pk}"]')).to_contain_text("Cấp trên đã tiếp nhận")
    shoot(province, "list_province", 1366)

    # The commune's list says so.
    commune.goto(live_server.url + "/reports/plans/")
    expect(box).to_contain_text("Cấp trên đã tiếp nhận")


def test_the_plan_pages_fit_a_phone(new_context, live_server, tree, province_plan):
    plan = AnnualPlan.objects.create(
        unit=tree.commune_a,
        year=YEAR,
        parent=province_plan,
        issuer="BCH ĐOÀN XÃ AN BÌNH",
        place="An Bình",
        subject=f"Thực hiện Kế hoạch số 80-KH/TĐTN-TCKT của Ban Thường vụ Tỉnh đoàn Thử năm {YEAR}",
        content=CONTENT,
        recipients="Ban Thường vụ Tỉnh đoàn Thử (để báo cáo);\nLưu VP.",
        status=PlanStatus.RETURNED,
        review_note="Bổ sung ban chỉ đạo và thời hạn thực hiện từng nội dung.",
    )
    SteeringMember.objects.create(
        plan=plan,
        cadre=Cadre.objects.get(full_name="Siu Văn Hùng"),
        role=SteeringRole.HEAD,
        title="Bí thư Đoàn xã An Bình",
        order=1,
    )
    commune = signed_in(new_context, live_server, "xa", 390)
    for name, path, ready in [
        ("list", "/reports/plans/", "#plan-table"),
        ("detail", plan.get_absolute_url(), "#plan-document"),
        ("form", f"/reports/plans/{plan.pk}/edit/", "#plan-form"),
        ("steering", f"/reports/plans/{plan.pk}/steering/", "#steering-form"),
        ("create", "/reports/plans/new/", "#plan-create-form"),
        ("history", f"/reports/plans/{plan.pk}/history/", "h1"),
    ]:
        commune.goto(live_server.url + path)
        expect(commune.locator(ready).first).to_be_visible()
        assert no_sideways_scrolling(commune), name
        shoot(commune, name, 390)
    province = signed_in(new_context, live_server, "tinhdoan", 390)
    province.goto(live_server.url + f"/reports/plans/{province_plan.pk}/lower/")
    expect(province.locator("#lower-table")).to_be_visible()
    assert no_sideways_scrolling(province)
    shoot(province, "collection", 390)
    province.goto(live_server.url + province_plan.get_absolute_url())
    expect(province.locator("#plan-document")).to_be_visible()
    assert no_sideways_scrolling(province)
    shoot(province, "detail_province", 390)
