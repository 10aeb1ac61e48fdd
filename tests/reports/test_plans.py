"""The yearly plan's pages through the test client: the list with the upper unit's request on
top, starting a plan (blank with the unit's defaults, copied from last year, answering the
upper unit's request with its targets), the plan's page, editing the document (stale edits and
bad dates refused, nothing saved), the steering group saved as a whole, deletion and history;
the refusals (viewer 403, another unit 404, a commune on its province's plan 404) and query
counts that do not grow with the data."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cadres.models import CadreStatus
from common.dates import today
from common.models import Snapshot
from reports import services
from reports.forms import default_year
from reports.models import AnnualPlan, PlanStatus, SteeringMember, SteeringRole, Target
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

YEAR = today().year + 1
LIST = "/reports/plans/"
NEW = "/reports/plans/new/"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def page_of(plan: AnnualPlan, action: str = "") -> str:
    return f"/reports/plans/{plan.pk}/{action + '/' if action else ''}"


def make_plan(unit, year: int = YEAR, **fields) -> AnnualPlan:
    fields = {
        "issuer": f"BCH {unit.name.upper()}",
        "place": "Thử",
        "subject": f"Công tác cán bộ năm {year}",
    } | fields
    return AnnualPlan.objects.create(unit=unit, year=year, **fields)


def make_target(unit, year: int = YEAR, **fields) -> Target:
    fields = {
        "text": f"100% Bí thư Đoàn xã đạt trình độ đại học trở lên năm {year}",
        "metric": "secretary_degree_share",
        "params": {"positions": ["bi-thu"]},
        "goal": Decimal(100),
    } | fields
    return Target.objects.create(unit=unit, year=year, **fields)


@pytest.fixture
def request_plan(tree):
    """The province's plan asking its units for theirs within ten days."""
    plan = make_plan(
        tree.province,
        number="80-KH/TĐTN-TCKT",
        issued_on=today() - datetime.timedelta(days=5),
        lower_deadline=today() + datetime.timedelta(days=10),
    )
    make_target(tree.province, order=1)
    make_target(
        tree.province,
        order=2,
        text="Ít nhất 10 cán bộ đạt chứng chỉ ngoại ngữ B1",
        metric="language_certificates",
        params={"min_level": 3},
        goal=Decimal(10),
    )
    return plan


# --- The list -----------------------------------------------------------------------------------


def test_it_shows_an_empty_list_with_the_create_button(province_editor):
    page = client_for(province_editor).get(LIST)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Chưa có kế hoạch công tác cán bộ nào." in html
    assert 'id="plan-create"' in html


def test_it_hides_the_create_button_from_a_viewer(viewer):
    assert 'id="plan-create"' not in client_for(viewer).get(LIST).content.decode()


def test_it_lists_the_plans_in_scope_only(tree, commune_editor):
    own = make_plan(tree.commune_a, number="05-KH/ĐTN")
    make_plan(tree.province)
    make_plan(tree.commune_b)
    make_plan(tree.other_commune)
    page = client_for(commune_editor).get(LIST)
    assert [row["plan"] for row in page.context["rows"]] == [own]


def test_it_filters_by_year_and_unit_subtree(tree, province_editor):
    province = make_plan(tree.province)
    commune = make_plan(tree.commune_a)
    make_plan(tree.commune_a, year=YEAR - 1)
    client = client_for(province_editor)
    by_year = client.get(LIST, {"year": YEAR})
    assert {row["plan"] for row in by_year.context["rows"]} == {province, commune}
    by_unit = client.get(LIST, {"year": YEAR, "unit": tree.commune_a.pk})
    assert [row["plan"] for row in by_unit.context["rows"]] == [commune]


def test_it_ignores_bad_filter_values_with_a_message(tree, commune_editor):
    make_plan(tree.commune_a)
    page = client_for(commune_editor).get(LIST, {"year": "abc", "unit": tree.province.pk})
    assert page.status_code == 200
    assert 'id="filter-errors"' in page.content.decode()
    assert len(page.context["rows"]) == 1
    huge = client_for(commune_editor).get(LIST, {"unit": "9" * 30, "year": "9" * 30})
    assert huge.status_code == 200


def test_it_counts_the_lower_plans_sent_against_the_units_asked(tree, province_editor, request_plan):
    make_plan(tree.commune_a, parent=request_plan, status=PlanStatus.SUBMITTED)
    make_plan(tree.commune_b, parent=request_plan, status=PlanStatus.DRAFT)
    rows = client_for(province_editor).get(LIST, {"year": YEAR}).context["rows"]
    province = next(row for row in rows if row["plan"] == request_plan)
    # Units directly below the province: the two communes and the old district.
    assert (province["sent"], province["expected"]) == (1, 3)


def test_it_shows_the_request_box_to_a_lower_unit(tree, commune_editor, request_plan):
    page = client_for(commune_editor).get(LIST)
    html = page.content.decode()
    deadline = f"{request_plan.lower_deadline:%d/%m/%Y}"
    assert f"yêu cầu gửi kế hoạch công tác cán bộ năm {YEAR} trước ngày <strong>{deadline}</strong>" in html
    assert "Tỉnh đoàn Thử" in html
    assert "Soạn kế hoạch" in html
    assert f"unit={tree.commune_a.pk}&amp;year={YEAR}&amp;start=answer" in html
    # The request, not the province's plan itself.
    assert page.context["rows"] == []


def test_it_shows_the_own_plans_status_in_the_request_box(tree, commune_editor, request_plan):
    own = make_plan(
        tree.commune_a, parent=request_plan, status=PlanStatus.RETURNED, review_note="Bổ sung chỉ tiêu."
    )
    html = client_for(commune_editor).get(LIST).content.decode()
    assert "Soạn kế hoạch" not in html
    assert own.get_absolute_url() in html
    assert "Cấp trên trả lại" in html
    assert "Bổ sung chỉ tiêu." in html


def test_it_lists_the_plans_in_constant_queries(
    tree, province_editor, request_plan, django_assert_max_num_queries
):
    client = client_for(province_editor)
    client.get(LIST)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for index in range(12):
        unit = UnitFactory(parent=tree.province, name=f"Đoàn xã Số {index}")
        plan = make_plan(unit, lower_deadline=today())
        make_plan(UnitFactory(parent=unit), parent=plan, status=PlanStatus.SUBMITTED)
    with django_assert_max_num_queries(len(few)):
        page = client.get(LIST)
    assert len(page.context["rows"]) == 25


# --- Starting a plan ----------------------------------------------------------------------------


def test_it_offers_the_own_unit_and_the_coming_year(commune_editor, tree):
    form = client_for(commune_editor).get(NEW).context["form"]
    assert form["unit"].value() == tree.commune_a.pk
    assert form["year"].value() == default_year()
    assert form["start"].value() == "blank"


def test_it_takes_next_year_from_october(monkeypatch):
    monkeypatch.setattr("reports.forms.today", lambda: datetime.date(2026, 10, 1))
    assert default_year() == 2027
    monkeypatch.setattr("reports.forms.today", lambda: datetime.date(2026, 9, 30))
    assert default_year() == 2026


def test_it_creates_a_blank_plan_with_the_units_defaults(tree, commune_editor, make_cadre):
    make_cadre(tree.commune_a, code="bi-thu", full_name="Trần Văn Bí")
    response = client_for(commune_editor).post(
        NEW, {"unit": tree.commune_a.pk, "year": YEAR, "start": "blank"}
    )
    plan = AnnualPlan.objects.get(unit=tree.commune_a, year=YEAR)
    assert response.url == plan.get_absolute_url()
    assert plan.issuer == "BCH ĐOÀN XÃ AN BÌNH"
    assert plan.superior == "TỈNH ĐOÀN THỬ"
    assert plan.place == "An Bình"
    assert plan.subject == f"Công tác cán bộ Đoàn năm {YEAR}"
    assert (plan.on_behalf, plan.signer_title, plan.signer_name) == (
        "TM. BAN THƯỜNG VỤ",
        "BÍ THƯ",
        "Trần Văn Bí",
    )
    assert plan.recipient_list[-1] == "Lưu VP."
    assert "Ban Thường vụ Tỉnh đoàn Thử (để báo cáo);" in plan.recipient_list
    assert plan.created_by == commune_editor
    assert plan.parent is None
    assert texts(response) == [f"Đã tạo kế hoạch công tác cán bộ năm {YEAR} của Đoàn xã An Bình."]


def test_it_links_a_blank_plan_to_the_upper_request(tree, commune_editor, request_plan):
    client_for(commune_editor).post(NEW, {"unit": tree.commune_a.pk, "year": YEAR, "start": "blank"})
    assert AnnualPlan.objects.get(unit=tree.commune_a).parent == request_plan


def test_it_refuses_a_second_plan_of_the_year(tree, commune_editor):
    existing = make_plan(tree.commune_a)
    page = client_for(commune_editor).post(NEW, {"unit": tree.commune_a.pk, "year": YEAR, "start": "blank"})
    assert page.status_code == 200
    assert page.context["form"].errors["year"] == [
        f"Đoàn xã An Bình đã có kế hoạch công tác cán bộ năm {YEAR}."
    ]
    assert existing.get_absolute_url() in page.content.decode()
    assert AnnualPlan.objects.count() == 1


def test_the_service_refuses_a_second_plan_of_the_year(tree, commune_editor):
    make_plan(tree.commune_a)
    with pytest.raises(services.ValidationError, match="đã có kế hoạch"):
        services.plan_create(unit=tree.commune_a, year=YEAR, user=commune_editor)


@pytest.mark.parametrize(
    "data, field",
    [
        ({"year": YEAR, "start": "blank"}, "unit"),
        ({"unit": "abc", "year": YEAR, "start": "blank"}, "unit"),
        ({"unit": "9" * 40, "year": YEAR, "start": "blank"}, "unit"),
        ({"unit": "UNIT", "year": "", "start": "blank"}, "year"),
        ({"unit": "UNIT", "year": 99999, "start": "blank"}, "year"),
        ({"unit": "UNIT", "year": YEAR, "start": "other"}, "start"),
    ],
)
def test_it_refuses_bad_input_to_start_a_plan(tree, commune_editor, data, field):
    data = {name: tree.commune_a.pk if value == "UNIT" else value for name, value in data.items()}
    page = client_for(commune_editor).post(NEW, data)
    assert page.status_code == 200
    assert field in page.context["form"].errors
    assert not AnnualPlan.objects.exists()


def test_it_refuses_a_unit_outside_the_scope(tree, commune_editor):
    page = client_for(commune_editor).post(NEW, {"unit": tree.commune_b.pk, "year": YEAR, "start": "blank"})
    assert page.context["form"].errors["unit"] == ["Đơn vị đã chọn không có trong phạm vi của bạn."]
    assert not AnnualPlan.objects.exists()


def test_it_refuses_a_viewer_to_start_a_plan(viewer, tree):
    assert client_for(viewer).get(NEW).status_code == 403
    assert (
        client_for(viewer).post(NEW, {"unit": tree.province.pk, "year": YEAR, "start": "blank"}).status_code
        == 403
    )
    assert not AnnualPlan.objects.exists()


@pytest.fixture
def last_year(tree, make_cadre):
    """The province's plan of the year before, with its steering group and targets."""
    plan = make_plan(
        tree.province,
        year=YEAR - 1,
        number="12-KH/TĐTN",
        issued_on=datetime.date(YEAR - 2, 12, 20),
        lower_deadline=datetime.date(YEAR - 1, 1, 15),
        subject=f"Công tác cán bộ Đoàn năm {YEAR - 1}",
        basis=f"Căn cứ chương trình công tác năm {YEAR - 1}; giai đoạn {YEAR - 1} – {YEAR + 1}.",
        purpose=f"1. Mục đích:\n- Xây dựng đội ngũ cán bộ năm {YEAR - 1}, không đổi mã 1{YEAR - 1}.",
        signer_name="Người Ký Cũ",
    )
    head = make_cadre(tree.province, code="bi-thu", full_name="Lê Văn Trưởng")
    member = make_cadre(tree.commune_a, code="bi-thu", full_name="Phạm Thị Xã")
    gone = make_cadre(tree.province, code="uv-btv", full_name="Đỗ Văn Nghỉ")
    gone.status, gone.left_on = CadreStatus.RESIGNED, today()
    gone.save()
    SteeringMember.objects.create(
        plan=plan, cadre=head, role=SteeringRole.HEAD, title="Bí thư Tỉnh đoàn", order=1
    )
    SteeringMember.objects.create(plan=plan, cadre=member, title="Bí thư Đoàn xã An Bình", order=2)
    SteeringMember.objects.create(plan=plan, cadre=gone, title="Ủy viên BTV", order=3)
    make_target(tree.province, year=YEAR - 1, order=1, goal=Decimal("85.5"), comparison="gte")
    make_target(tree.province, year=YEAR - 1, order=2, text="Không quá 2 người", comparison="lte", goal=2)
    return plan


def test_it_copies_last_years_plan(tree, province_editor, last_year):
    response = client_for(province_editor).post(
        NEW, {"unit": tree.province.pk, "year": YEAR, "start": "copy"}
    )
    plan = AnnualPlan.objects.get(unit=tree.province, year=YEAR)
    assert response.url == plan.get_absolute_url()
    assert plan.subject == f"Công tác cán bộ Đoàn năm {YEAR}"
    assert plan.basis == f"Căn cứ chương trình công tác năm {YEAR}; giai đoạn {YEAR} – {YEAR + 1}."
    assert plan.purpose == f"1. Mục đích:\n- Xây dựng đội ngũ cán bộ năm {YEAR}, không đổi mã 1{YEAR - 1}."
    assert (plan.number, plan.issued_on, plan.lower_deadline) == ("", None, None)
    # Lê Văn Trưởng is the province's Bí thư now: he signs.
    assert plan.signer_name == "Lê Văn Trưởng"
    members = list(plan.steering.order_by("order").values_list("cadre__full_name", "role", "title", "order"))
    assert members == [
        ("Lê Văn Trưởng", SteeringRole.HEAD, "Bí thư Tỉnh đoàn", 1),
        ("Phạm Thị Xã", SteeringRole.MEMBER, "Bí thư Đoàn xã An Bình", 2),
    ]
    targets = list(
        Target.objects.filter(unit=tree.province, year=YEAR)
        .order_by("order")
        .values_list("text", "metric", "params", "comparison", "goal", "source")
    )
    assert targets == [
        (
            f"100% Bí thư Đoàn xã đạt trình độ đại học trở lên năm {YEAR}",
            "secretary_degree_share",
            {"positions": ["bi-thu"]},
            "gte",
            Decimal("85.5"),
            None,
        ),
        ("Không quá 2 người", "secretary_degree_share", {"positions": ["bi-thu"]}, "lte", Decimal(2), None),
    ]
    assert texts(response)[0].startswith(
        f"Đã tạo kế hoạch năm {YEAR} từ kế hoạch năm {YEAR - 1}: 2 chỉ tiêu, 2 thành viên"
    )
    # Last year's plan is untouched.
    last_year.refresh_from_db()
    assert last_year.subject == f"Công tác cán bộ Đoàn năm {YEAR - 1}"


def test_it_keeps_the_years_targets_already_there_when_copying(tree, province_editor, last_year):
    make_target(tree.province, text="Đã có sẵn")
    copied = services.plan_copy_from_last_year(unit=tree.province, year=YEAR, user=province_editor)
    assert (copied.targets, copied.targets_kept) == (0, True)
    assert list(Target.objects.filter(unit=tree.province, year=YEAR).values_list("text", flat=True)) == [
        "Đã có sẵn"
    ]


def test_it_leaves_out_steering_members_who_moved_out_of_the_unit(
    tree, province_editor, last_year, make_cadre
):
    moved = make_cadre(tree.other_province, full_name="Ngoài Phạm Vi")
    SteeringMember.objects.create(plan=last_year, cadre=moved, title="x", order=9)
    copied = services.plan_copy_from_last_year(unit=tree.province, year=YEAR, user=province_editor)
    assert "Ngoài Phạm Vi" not in copied.plan.steering.values_list("cadre__full_name", flat=True)


def test_it_refuses_to_copy_without_last_years_plan(tree, commune_editor):
    page = client_for(commune_editor).post(NEW, {"unit": tree.commune_a.pk, "year": YEAR, "start": "copy"})
    assert page.context["form"].errors["start"] == [
        f"Đoàn xã An Bình chưa có kế hoạch năm {YEAR - 1} để sao chép."
    ]
    assert not AnnualPlan.objects.exists()


def test_it_answers_the_upper_units_request(tree, commune_editor, request_plan):
    response = client_for(commune_editor).post(
        NEW, {"unit": tree.commune_a.pk, "year": YEAR, "start": "answer"}
    )
    plan = AnnualPlan.objects.get(unit=tree.commune_a, year=YEAR)
    assert response.url == plan.get_absolute_url()
    assert plan.parent == request_plan
    assert plan.status == PlanStatus.DRAFT
    issued = f"{request_plan.issued_on:%d/%m/%Y}"
    reference = f"Kế hoạch số 80-KH/TĐTN-TCKT ngày {issued} của Ban Thường vụ Tỉnh đoàn Thử"
    assert plan.subject == f"Thực hiện {reference} về công tác cán bộ Đoàn năm {YEAR}"
    assert plan.basis.startswith(
        f"Thực hiện {reference} về công tác cán bộ Đoàn năm {YEAR}; Ban Thường vụ Đoàn xã An Bình"
    )
    assert plan.issuer == "BCH ĐOÀN XÃ AN BÌNH"
    upper_targets = list(request_plan.targets().order_by("order"))
    copies = list(plan.targets().order_by("order"))
    assert [(t.text, t.metric, t.params, t.goal, t.source) for t in copies] == [
        (t.text, t.metric, t.params, t.goal, t) for t in upper_targets
    ]
    assert "đã chép 2 chỉ tiêu của cấp trên" in texts(response)[0]


def test_it_does_not_copy_an_upper_target_twice(tree, commune_editor, request_plan):
    upper = request_plan.targets().first()
    make_target(tree.commune_a, text="Chép từ trước", source=upper)
    answered = services.plan_answer_request(upper=request_plan, unit=tree.commune_a, user=commune_editor)
    assert answered.targets == 1
    assert answered.plan.targets().count() == 2


def test_it_refuses_to_answer_without_a_request(tree, commune_editor):
    make_plan(tree.province)  # no deadline: no request
    page = client_for(commune_editor).post(NEW, {"unit": tree.commune_a.pk, "year": YEAR, "start": "answer"})
    assert page.context["form"].errors["start"] == [
        f"Cấp trên của Đoàn xã An Bình chưa yêu cầu gửi kế hoạch công tác cán bộ năm {YEAR}."
    ]
    assert AnnualPlan.objects.count() == 1


def test_the_service_refuses_to_answer_another_units_request(tree, commune_editor, request_plan):
    with pytest.raises(services.ValidationError, match="không yêu cầu"):
        services.plan_answer_request(upper=request_plan, unit=tree.branch_a, user=commune_editor)


def test_it_prefills_the_form_from_the_request_box_link(tree, commune_editor, request_plan):
    page = client_for(commune_editor).get(NEW, {"unit": tree.commune_a.pk, "year": YEAR, "start": "answer"})
    form = page.context["form"]
    assert (form["unit"].value(), form["year"].value(), form["start"].value()) == (
        tree.commune_a.pk,
        YEAR,
        "answer",
    )
    bad = client_for(commune_editor).get(NEW, {"unit": "x" * 30, "year": "9" * 40, "start": "<b>"})
    assert bad.status_code == 200


def test_with_year_changes_the_old_year_only_where_it_stands_alone():
    assert (
        services.with_year("năm 2025, mã 120251, 2025–2027", 2025, 2026) == "năm 2026, mã 120251, 2026–2027"
    )


# --- A plan's page ------------------------------------------------------------------------------


def test_it_shows_the_plan_as_a_readable_page(tree, province_editor, request_plan, make_cadre):
    request_plan.purpose = "1. Mục đích:\n- Xây dựng **đội ngũ** cán bộ <script>x</script>."
    request_plan.recipients = "Ban Bí thư Trung ương Đoàn;\nLưu VP."
    request_plan.signer_name = "Lê Văn Ký"
    request_plan.basis = "Căn cứ <b>Điều lệ</b>;\nBan Thường vụ ban hành."
    request_plan.issued_on = datetime.date(YEAR - 1, 3, 5)
    request_plan.save()
    head = make_cadre(tree.province, code="bi-thu", full_name="Lê Văn Ký")
    SteeringMember.objects.create(
        plan=request_plan, cadre=head, role=SteeringRole.HEAD, title="Bí thư Tỉnh đoàn Thử"
    )
    page = client_for(province_editor).get(page_of(request_plan))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<strong>đội ngũ</strong>" in html
    assert "Căn cứ &lt;b&gt;Điều lệ&lt;/b&gt;;<br>Ban Thường vụ ban hành." in html
    assert f"Thử, ngày 05 tháng 3 năm {YEAR - 1}" in html
    assert "&lt;script&gt;" in html and "<script>x" not in html
    assert "Trưởng ban: Đ/c Lê Văn Ký – Bí thư Tỉnh đoàn Thử." in html
    assert "100% Bí thư Đoàn xã đạt trình độ đại học" in html
    assert "≥ 100%" in html and "≥ 10 người" in html
    # The actual figures (reports.metrics): no cadre got a certificate; the province's Bí thư
    # (no degree on record) is the share's population.
    actual = {row["target"].order: row["measure"].text for row in page.context["targets"]}
    assert actual == {1: "0,0% (0/1)", 2: "0 người"}
    assert f'/reports/targets/{request_plan.targets().get(order=2).pk}/">0 người</a>' in html
    assert "- Lưu VP." in html
    assert f"/reports/targets/?year={YEAR}&amp;unit={tree.province.pk}" in html
    assert f"/reports/plans/{request_plan.pk}/lower/" in html
    for link in ("edit/", "steering/", "history/", "delete/", "report/"):
        assert page_of(request_plan, link.rstrip("/")) in html
    assert (
        f"/reports/plans/{request_plan.pk}.pdf" in html and f"/reports/plans/{request_plan.pk}.docx" in html
    )


def test_it_shows_a_lower_plans_status_and_the_upper_units_note(tree, commune_editor, request_plan):
    plan = make_plan(
        tree.commune_a, parent=request_plan, status=PlanStatus.RETURNED, review_note="Thiếu phần III."
    )
    page = client_for(commune_editor).get(page_of(plan))
    html = page.content.decode()
    assert "Cấp trên trả lại" in html
    assert "Thiếu phần III." in html
    assert page.context["lower_state"].label == "Trả lại"
    assert page.context["can_submit"]
    # The province's plan is named, not linked: the commune cannot open it.
    assert request_plan.get_absolute_url() not in html


@pytest.mark.parametrize("action", ["", "edit", "steering", "delete", "history"])
def test_a_commune_cannot_open_its_provinces_plan(tree, commune_editor, request_plan, action):
    assert client_for(commune_editor).get(page_of(request_plan, action)).status_code == 404


@pytest.mark.parametrize("action", ["", "edit", "steering", "delete", "history"])
def test_it_hides_another_units_plan(tree, province_editor, action):
    other = make_plan(tree.other_commune)
    assert client_for(province_editor).get(page_of(other, action)).status_code == 404
    assert (
        client_for(province_editor)
        .get(f"/reports/plans/{2**40}/{action + '/' if action else ''}")
        .status_code
        == 404
    )


@pytest.mark.parametrize("action", ["edit", "steering", "delete"])
def test_it_refuses_a_viewer_every_change(tree, viewer, action):
    plan = make_plan(tree.province)
    client = client_for(viewer)
    assert client.get(page_of(plan, action)).status_code == 403
    assert client.post(page_of(plan, action), {"subject": "x"}).status_code == 403
    assert AnnualPlan.objects.get().subject == plan.subject


def test_it_shows_the_page_in_constant_queries(
    tree, province_editor, request_plan, make_cadre, django_assert_max_num_queries
):
    client = client_for(province_editor)
    client.get(page_of(request_plan))
    Snapshot.objects.all().delete()  # the targets' figures computed each time (reports.snapshots)
    with CaptureQueriesContext(connection) as few:
        client.get(page_of(request_plan))
    for index in range(6):
        cadre = make_cadre(tree.province, full_name=f"Thành Viên {index}")
        SteeringMember.objects.create(plan=request_plan, cadre=cadre, title="Ủy viên", order=index)
    Snapshot.objects.all().delete()
    with django_assert_max_num_queries(len(few)):
        client.get(page_of(request_plan))


# --- Editing ------------------------------------------------------------------------------------


def edit_data(plan: AnnualPlan, **changes) -> dict:
    data = {
        "version": plan.version,
        "number": plan.number,
        "issued_on": "",
        "superior": plan.superior,
        "issuer": plan.issuer,
        "place": plan.place,
        "subject": plan.subject,
        "basis": plan.basis,
        "purpose": plan.purpose,
        "targets_intro": plan.targets_intro,
        "content": plan.content,
        "organisation": plan.organisation,
        "steering_duties": plan.steering_duties,
        "lower_deadline": "",
        "recipients": plan.recipients,
        "on_behalf": plan.on_behalf,
        "signer_title": plan.signer_title,
        "signer_name": plan.signer_name,
    }
    return data | changes


def test_it_edits_the_document_with_dates_typed_dd_mm_yyyy(tree, commune_editor):
    plan = make_plan(tree.commune_a)
    client = client_for(commune_editor)
    form = client.get(page_of(plan, "edit")).context["form"]
    assert [title for title, _ in form.fieldsets()] == [
        "Đầu văn bản",
        "Nội dung",
        "Tổ chức thực hiện",
        "Nơi nhận và chữ ký",
    ]
    assert "“1.”" in form.fields["content"].help_text and "**chữ đậm**" in form.fields["content"].help_text
    response = client.post(
        page_of(plan, "edit"),
        edit_data(
            plan, number="07-KH/ĐTN", issued_on=f"05/01/{YEAR}", content="1. Quy hoạch\n- Rà soát nguồn."
        ),
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.number, plan.issued_on, plan.content) == (
        "07-KH/ĐTN",
        datetime.date(YEAR, 1, 5),
        "1. Quy hoạch\n- Rà soát nguồn.",
    )
    assert texts(response) == ["Đã lưu kế hoạch."]


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"issued_on": "05/01/2001"}, "issued_on", f"Ngày ban hành phải trong năm {YEAR - 1} hoặc {YEAR}."),
        (
            {"lower_deadline": f"01/01/{YEAR + 1}"},
            "lower_deadline",
            f"Hạn gửi kế hoạch phải trong năm {YEAR - 1} hoặc {YEAR}.",
        ),
        ({"issued_on": "31/02/2026"}, "issued_on", "Ngày theo dạng dd/mm/yyyy, ví dụ 15/01/2026."),
        ({"lower_deadline": "9" * 40}, "lower_deadline", "Ngày theo dạng dd/mm/yyyy, ví dụ 15/01/2026."),
        ({"subject": ""}, "subject", "Nhập trích yếu của kế hoạch."),
        ({"issuer": "x" * 121}, "issuer", None),
    ],
)
def test_it_refuses_bad_input_and_saves_nothing(tree, commune_editor, changes, field, message):
    plan = make_plan(tree.commune_a, content="Cũ")
    page = client_for(commune_editor).post(page_of(plan, "edit"), edit_data(plan, content="Mới", **changes))
    assert page.status_code == 200
    errors = page.context["form"].errors[field]
    assert message in errors if message else errors
    plan.refresh_from_db()
    assert plan.content == "Cũ"


def test_it_refuses_a_stale_edit_and_lists_what_changed(tree, commune_editor):
    plan = make_plan(tree.commune_a, content="Cũ")
    client = client_for(commune_editor)
    opened = edit_data(plan, content="Của tôi")
    other = AnnualPlan.objects.get(pk=plan.pk)
    other.subject = "Người khác đã sửa"
    other.save()
    page = client.post(page_of(plan, "edit"), opened)
    assert page.status_code == 200
    assert "đã được người khác cập nhật" in page.content.decode()
    assert [change.new for change in page.context["form"].stale_changes] == ["Người khác đã sửa"]
    plan.refresh_from_db()
    assert (plan.subject, plan.content) == ("Người khác đã sửa", "Cũ")


@pytest.mark.parametrize("status", [PlanStatus.SUBMITTED, PlanStatus.ACCEPTED])
def test_it_refuses_to_edit_a_locked_plan(tree, commune_editor, request_plan, status):
    plan = make_plan(tree.commune_a, parent=request_plan, status=status, content="Cũ")
    client = client_for(commune_editor)
    response = client.get(page_of(plan, "edit"))
    assert response.status_code == 302
    assert texts(response) == [services.LOCKED]
    client.post(page_of(plan, "edit"), edit_data(plan, content="Mới"))
    plan.refresh_from_db()
    assert plan.content == "Cũ"
    assert client.get(page_of(plan, "steering")).status_code == 302


# --- The steering group -------------------------------------------------------------------------


def steering_data(rows: list[dict], *, members: str = "", initial: int = 0, extra: int = 0) -> dict:
    data = {
        "steering-TOTAL_FORMS": len(rows) + extra,
        "steering-INITIAL_FORMS": initial,
        "steering-MIN_NUM_FORMS": 0,
        "steering-MAX_NUM_FORMS": 40,
        "members": members,
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"steering-{index}-{name}"] = value
    return data


@pytest.fixture
def office(tree, make_cadre):
    return {
        "head": make_cadre(tree.province, code="bi-thu", full_name="Lê Văn Trưởng"),
        "deputy": make_cadre(tree.province, code="pho-bi-thu", full_name="Ngô Thị Phó"),
        "commune": make_cadre(tree.commune_a, code="bi-thu", full_name="Phạm Văn Xã"),
        "branch": make_cadre(tree.branch_a, code="bi-thu", full_name="Vũ Văn Chi"),
    }


def test_it_offers_the_cadres_of_the_unit_and_the_units_below(tree, province_editor, office):
    plan = make_plan(tree.province)
    form = client_for(province_editor).get(page_of(plan, "steering")).context["formset"].forms[0]
    offered = [label for value, label in form.fields["cadre"].choices if value]
    assert offered == [
        "Lê Văn Trưởng – Bí thư, Tỉnh đoàn Thử",
        "Ngô Thị Phó – Phó Bí thư, Tỉnh đoàn Thử",
        "Phạm Văn Xã – Bí thư, Đoàn xã An Bình",
    ]


def test_it_adds_members_with_their_title_prefilled(tree, province_editor, office):
    plan = make_plan(tree.province)
    response = client_for(province_editor).post(
        page_of(plan, "steering"),
        steering_data(
            [
                {"cadre": office["head"].pk, "role": "head", "title": "", "order": 1},
                {
                    "cadre": office["deputy"].pk,
                    "role": "deputy",
                    "title": "Phó Bí thư Thường trực",
                    "order": 2,
                },
                {"cadre": "", "role": "member", "title": "", "order": 100},
            ]
        ),
    )
    assert response.status_code == 302, response.context and response.context["problems"]
    assert list(plan.steering.order_by("order").values_list("cadre__full_name", "role", "title")) == [
        ("Lê Văn Trưởng", "head", "Bí thư Tỉnh đoàn Thử"),
        ("Ngô Thị Phó", "deputy", "Phó Bí thư Thường trực"),
    ]
    assert texts(response) == ["Đã lưu ban chỉ đạo (2 thay đổi)."]


@pytest.fixture
def steering(tree, office):
    plan = make_plan(tree.province)
    head = SteeringMember.objects.create(
        plan=plan, cadre=office["head"], role="head", title="Trưởng", order=1
    )
    deputy = SteeringMember.objects.create(
        plan=plan, cadre=office["deputy"], role="deputy", title="Phó", order=2
    )
    return plan, head, deputy


def member_row(member: SteeringMember, **changes) -> dict:
    row = {
        "id": member.pk,
        "version": member.version,
        "cadre": member.cadre_id,
        "role": member.role,
        "title": member.title,
        "order": member.order,
    }
    return row | changes


def test_it_changes_and_removes_members_together(tree, province_editor, office, steering):
    plan, head, deputy = steering
    response = client_for(province_editor).post(
        page_of(plan, "steering"),
        steering_data(
            [
                member_row(head, title="Bí thư Tỉnh đoàn"),
                member_row(deputy, DELETE="on"),
                {"cadre": office["commune"].pk, "role": "member", "title": "", "order": 3},
            ],
            members=f"{head.pk},{deputy.pk}",
            initial=2,
        ),
    )
    assert response.status_code == 302
    assert list(plan.steering.order_by("order").values_list("cadre__full_name", "title")) == [
        ("Lê Văn Trưởng", "Bí thư Tỉnh đoàn"),
        ("Phạm Văn Xã", "Bí thư Đoàn xã An Bình"),
    ]


def test_it_refuses_a_stale_line_and_saves_nothing(tree, province_editor, office, steering):
    plan, head, deputy = steering
    opened = steering_data(
        [member_row(head, title="Của tôi"), member_row(deputy, DELETE="on")],
        members=f"{head.pk},{deputy.pk}",
        initial=2,
    )
    head.title = "Người khác sửa"
    head.save()
    page = client_for(province_editor).post(page_of(plan, "steering"), opened)
    assert page.status_code == 200
    assert page.context["problems"] == [services.STEERING_CHANGED]
    assert list(plan.steering.order_by("order").values_list("title", flat=True)) == ["Người khác sửa", "Phó"]


def test_it_refuses_when_someone_else_added_a_member_meanwhile(tree, province_editor, office, steering):
    plan, head, deputy = steering
    opened = steering_data(
        [member_row(head), member_row(deputy)], members=f"{head.pk},{deputy.pk}", initial=2
    )
    SteeringMember.objects.create(plan=plan, cadre=office["commune"], title="Mới", order=3)
    page = client_for(province_editor).post(page_of(plan, "steering"), opened)
    assert page.context["problems"] == [services.STEERING_CHANGED]


def test_it_refuses_a_cadre_twice(tree, province_editor, office, steering):
    plan, head, deputy = steering
    page = client_for(province_editor).post(
        page_of(plan, "steering"),
        steering_data(
            [
                member_row(head),
                member_row(deputy),
                {"cadre": office["head"].pk, "role": "member", "order": 5},
            ],
            members=f"{head.pk},{deputy.pk}",
            initial=2,
        ),
    )
    assert page.context["problems"] == ["Lê Văn Trưởng có hai dòng trong ban chỉ đạo: xoá bớt một dòng."]
    assert plan.steering.count() == 2


@pytest.mark.parametrize(
    "row, problem",
    [
        ({"cadre": "BRANCH", "role": "member", "order": 1}, "Cán bộ đã chọn không thuộc đơn vị"),
        ({"cadre": "9" * 40, "role": "member", "order": 1}, "Cán bộ đã chọn không thuộc đơn vị"),
        ({"cadre": "", "role": "member", "title": "Chỉ có chức vụ", "order": 1}, "Chọn cán bộ cho dòng này."),
        ({"cadre": "HEAD", "role": "boss", "order": 1}, "Vai trò"),
        ({"cadre": "HEAD", "role": "member", "order": -1}, "Thứ tự từ 0 đến 999."),
        ({"cadre": "HEAD", "role": "member", "order": "x"}, "Thứ tự là một số."),
        ({"cadre": "HEAD", "role": "member", "order": 1, "title": "x" * 201}, "Chức vụ tối đa 200 ký tự."),
    ],
)
def test_it_refuses_a_bad_line_and_saves_nothing(tree, province_editor, office, row, problem):
    plan = make_plan(tree.province)
    row = {
        name: {"BRANCH": office["branch"].pk, "HEAD": office["head"].pk}.get(value, value)
        for name, value in row.items()
    }
    page = client_for(province_editor).post(page_of(plan, "steering"), steering_data([row]))
    assert page.status_code == 200
    assert any(problem in text for text in page.context["problems"]), page.context["problems"]
    assert "Dòng 1" in page.context["problems"][0]
    assert not SteeringMember.objects.exists()


def test_it_refuses_a_mangled_management_form(tree, province_editor):
    plan = make_plan(tree.province)
    page = client_for(province_editor).post(page_of(plan, "steering"), {"steering-TOTAL_FORMS": "x"})
    assert page.status_code == 200
    assert page.context["problems"]
    assert client_for(province_editor).post(page_of(plan, "steering"), {}).status_code == 200


def test_it_adds_empty_lines_without_saving(tree, province_editor, office):
    plan = make_plan(tree.province)
    page = client_for(province_editor).post(
        page_of(plan, "steering"),
        steering_data([{"cadre": office["head"].pk, "role": "head", "order": 1}], extra=2) | {"more": "1"},
    )
    assert page.status_code == 200
    assert len(page.context["formset"].forms) == 6
    assert page.context["formset"].forms[0]["cadre"].value() == str(office["head"].pk)
    assert not SteeringMember.objects.exists()


# --- Deleting and history -----------------------------------------------------------------------


def test_it_deletes_a_plan_and_keeps_its_units_targets(tree, commune_editor, office):
    plan = make_plan(tree.commune_a)
    SteeringMember.objects.create(plan=plan, cadre=office["commune"], title="Bí thư")
    make_target(tree.commune_a)
    client = client_for(commune_editor)
    confirm = client.get(page_of(plan, "delete"))
    assert "1 chỉ tiêu của đơn vị" in confirm.content.decode()
    response = client.post(page_of(plan, "delete"))
    assert response.url == LIST
    assert not AnnualPlan.objects.exists() and not SteeringMember.objects.exists()
    assert Target.objects.filter(unit=tree.commune_a).count() == 1


def test_it_refuses_to_delete_a_plan_lower_plans_answer(tree, province_editor, request_plan):
    make_plan(tree.commune_a, parent=request_plan)
    client = client_for(province_editor)
    assert "không xoá được" in client.get(page_of(request_plan, "delete")).content.decode()
    response = client.post(page_of(request_plan, "delete"))
    assert texts(response) == [
        "Đã có 1 kế hoạch của đơn vị cấp dưới thực hiện kế hoạch này nên không xoá được."
    ]
    assert AnnualPlan.objects.filter(pk=request_plan.pk).exists()


@pytest.mark.parametrize("status", [PlanStatus.SUBMITTED, PlanStatus.ACCEPTED])
def test_it_refuses_to_delete_a_plan_sent_up(tree, commune_editor, request_plan, status):
    plan = make_plan(tree.commune_a, parent=request_plan, status=status)
    response = client_for(commune_editor).post(page_of(plan, "delete"))
    assert texts(response) == ["Kế hoạch đã gửi cấp trên (hoặc đã được tiếp nhận) nên không xoá được."]
    assert AnnualPlan.objects.filter(pk=plan.pk).exists()


def test_it_shows_the_history_of_the_plan_its_targets_and_steering(tree, province_editor, office):
    client = client_for(province_editor)
    client.post(NEW, {"unit": tree.province.pk, "year": YEAR, "start": "blank"})
    plan = AnnualPlan.objects.get()
    client.post(page_of(plan, "edit"), edit_data(plan, subject="Trích yếu mới"))
    make_target(tree.province, text="Chỉ tiêu mới")
    client.post(
        page_of(plan, "steering"), steering_data([{"cadre": office["head"].pk, "role": "head", "order": 1}])
    )
    page = client.get(page_of(plan, "history"))
    assert page.status_code == 200
    subjects = [entry.subject for entry in page.context["history"]]
    assert {"Kế hoạch", "Chỉ tiêu: Chỉ tiêu mới", "Ban chỉ đạo: Lê Văn Trưởng"} <= set(subjects)
    edit = next(entry for entry in page.context["history"] if entry.action == "Sửa")
    assert [(c.label, c.new) for c in edit.changes] == [("Trích yếu", "Trích yếu mới")]
    assert "Trích yếu mới" in page.content.decode()
