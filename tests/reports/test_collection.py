"""The collection of the lower units' plans: the upper plan's deadline asks each unit directly
below for its plan; the collection page shows each unit's state (missing, drafting, sent on time
or late by n days, returned, accepted, overdue) with counts, in a number of queries that does
not grow with the units; a lower unit submits its plan, the upper unit accepts it or returns it
with a note. Every refusal: a viewer (403), a plan out of scope (404), the upper unit sending a
lower plan, a unit reviewing its own plan, the wrong state, a return without a note."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from common.dates import today
from reports import services
from reports.models import AnnualPlan, PlanStatus, Target
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

YEAR = today().year + 1


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def make_plan(unit, year: int = YEAR, **fields) -> AnnualPlan:
    fields = {"issuer": "BCH", "place": "Thử", "subject": "Công tác cán bộ"} | fields
    return AnnualPlan.objects.create(unit=unit, year=year, **fields)


def lower(plan: AnnualPlan) -> str:
    return f"/reports/plans/{plan.pk}/lower/"


def submit(plan: AnnualPlan) -> str:
    return f"/reports/plans/{plan.pk}/submit/"


def review(plan: AnnualPlan) -> str:
    return f"/reports/plans/{plan.pk}/review/"


def sent_at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(15, 30)))


@pytest.fixture
def upper(tree):
    return make_plan(tree.province, number="80-KH/TĐTN", lower_deadline=today() + datetime.timedelta(days=10))


@pytest.fixture
def approver(tree):
    return UserFactory(username="lanhdao", unit=tree.province, role=Role.APPROVER)


# --- The collection page ------------------------------------------------------------------------


def test_it_shows_each_unit_below_with_its_state(tree, province_editor, upper):
    deadline = upper.lower_deadline
    make_plan(tree.commune_a, parent=upper, status=PlanStatus.SUBMITTED, submitted_at=sent_at(deadline))
    make_plan(tree.commune_b, parent=upper, status=PlanStatus.DRAFT)
    # A plan of the district that does not answer this one, and a dissolved unit: neither counts.
    make_plan(tree.district, year=YEAR - 1)
    UnitFactory(parent=tree.province, name="Đoàn xã Đã Giải Thể", dissolved_on=today())
    page = client_for(province_editor).get(lower(upper))
    assert page.status_code == 200
    lines = {line.unit.name: line.state for line in page.context["page"].object_list}
    assert {name: state.label for name, state in lines.items()} == {
        "Đoàn xã An Bình": "Đã gửi đúng hạn",
        "Đoàn phường Bắc Sơn": "Đang soạn",
        "Huyện đoàn Cũ": "Chưa có",
    }
    counts = page.context["counts"]
    assert (counts["expected"], counts["sent"], counts["late"], counts["missing"], counts["drafting"]) == (
        3,
        1,
        0,
        1,
        1,
    )
    html = page.content.decode()
    assert "Đã gửi đúng hạn" in html and 'data-count="sent">1/3<' in html


def test_it_tells_late_returned_and_accepted_plans(tree, province_editor, upper):
    deadline = upper.lower_deadline
    make_plan(
        tree.commune_a,
        parent=upper,
        status=PlanStatus.SUBMITTED,
        submitted_at=sent_at(deadline + datetime.timedelta(days=3)),
    )
    make_plan(tree.commune_b, parent=upper, status=PlanStatus.RETURNED, submitted_at=sent_at(deadline))
    make_plan(
        tree.district,
        parent=upper,
        status=PlanStatus.ACCEPTED,
        submitted_at=sent_at(deadline + datetime.timedelta(days=1)),
    )
    page = client_for(province_editor).get(lower(upper))
    states = [
        (line.state.code, line.state.label, line.state.late_days) for line in page.context["page"].object_list
    ]
    assert states == [
        ("late", "Gửi muộn 3 ngày", 3),
        ("returned", "Trả lại", 0),
        ("accepted", "Đã tiếp nhận", 1),
    ]
    counts = page.context["counts"]
    assert (counts["sent"], counts["late"], counts["on_time"], counts["accepted"], counts["returned"]) == (
        2,
        2,
        0,
        1,
        1,
    )
    assert "gửi muộn 1 ngày" in page.content.decode()


def test_it_marks_missing_and_drafted_plans_overdue_after_the_deadline(tree, province_editor):
    upper = make_plan(tree.province, lower_deadline=today() - datetime.timedelta(days=1))
    make_plan(tree.commune_a, parent=upper, status=PlanStatus.DRAFT)
    make_plan(tree.commune_b, parent=upper, status=PlanStatus.SUBMITTED, submitted_at=sent_at(today()))
    page = client_for(province_editor).get(lower(upper))
    assert [line.state.label for line in page.context["page"].object_list] == [
        "Quá hạn",
        "Gửi muộn 1 ngày",
        "Quá hạn",
    ]
    assert page.context["counts"]["overdue"] == 2
    assert page.context["overdue"]


def test_the_state_of_a_plan_sent_before_the_deadline_is_on_time():
    deadline = datetime.date(2026, 1, 15)
    plan = AnnualPlan(
        status=PlanStatus.SUBMITTED, submitted_at=sent_at(deadline - datetime.timedelta(days=2))
    )
    state = services.submission_state(plan, deadline, deadline + datetime.timedelta(days=30))
    assert (state.code, state.label) == ("on_time", "Đã gửi đúng hạn")
    assert services.submission_state(None, deadline, deadline).label == "Chưa có"


def test_it_sends_a_plan_without_a_deadline_back_to_the_plan(tree, province_editor):
    plan = make_plan(tree.province)
    response = client_for(province_editor).get(lower(plan))
    assert response.url == plan.get_absolute_url()
    assert texts(response) == ["Kế hoạch này chưa đặt hạn để các đơn vị trực thuộc gửi kế hoạch của mình."]


def test_a_commune_cannot_open_the_provinces_collection(tree, commune_editor, upper):
    assert client_for(commune_editor).get(lower(upper)).status_code == 404


def test_it_hides_another_units_collection(tree, province_editor):
    other = make_plan(tree.other_province, lower_deadline=today())
    assert client_for(province_editor).get(lower(other)).status_code == 404
    assert client_for(province_editor).post(lower(other)).status_code == 405


def test_it_shows_the_collection_in_constant_queries(
    tree, province_editor, upper, django_assert_max_num_queries
):
    client = client_for(province_editor)
    client.get(lower(upper))
    with CaptureQueriesContext(connection) as few:
        client.get(lower(upper))
    for index in range(10):
        unit = UnitFactory(parent=tree.province, name=f"Đoàn xã Số {index:02d}")
        make_plan(unit, parent=upper, status=PlanStatus.SUBMITTED, submitted_at=sent_at(today()))
    with django_assert_max_num_queries(len(few)):
        page = client.get(lower(upper))
    assert len(page.context["page"].object_list) == 13


# --- Submitting ---------------------------------------------------------------------------------


def test_a_lower_unit_submits_its_plan(tree, commune_editor, upper):
    plan = make_plan(tree.commune_a, parent=upper)
    response = client_for(commune_editor).post(submit(plan), {"version": plan.version})
    assert response.url == plan.get_absolute_url()
    assert texts(response) == ["Đã gửi kế hoạch lên Tỉnh đoàn Thử."]
    plan.refresh_from_db()
    assert (plan.status, plan.submitted_by) == (PlanStatus.SUBMITTED, commune_editor)
    assert plan.submitted_at is not None and plan.is_locked


def test_it_says_a_plan_was_sent_late(tree, commune_editor):
    upper = make_plan(tree.province, lower_deadline=today() - datetime.timedelta(days=4))
    plan = make_plan(tree.commune_a, parent=upper)
    response = client_for(commune_editor).post(submit(plan))
    deadline = f"{upper.lower_deadline:%d/%m/%Y}"
    assert texts(response) == [f"Đã gửi kế hoạch lên Tỉnh đoàn Thử (muộn 4 ngày so với hạn {deadline})."]


def test_it_sends_a_returned_plan_again(tree, commune_editor, upper):
    plan = make_plan(tree.commune_a, parent=upper, status=PlanStatus.RETURNED, review_note="Sửa phần III.")
    client_for(commune_editor).post(submit(plan))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_it_links_a_plan_started_before_the_request(tree, commune_editor, upper):
    plan = make_plan(tree.commune_a)
    page = client_for(commune_editor).get(plan.get_absolute_url())
    assert (page.context["upper"], page.context["can_submit"]) == (upper, True)
    assert 'id="submit-form"' in page.content.decode()
    client_for(commune_editor).post(submit(plan))
    plan.refresh_from_db()
    assert (plan.status, plan.parent) == (PlanStatus.SUBMITTED, upper)


def test_it_refuses_to_submit_without_a_request(tree, commune_editor):
    plan = make_plan(tree.commune_a)
    assert not client_for(commune_editor).get(plan.get_absolute_url()).context["can_submit"]
    response = client_for(commune_editor).post(submit(plan))
    assert texts(response) == [
        f"Cấp trên chưa yêu cầu gửi kế hoạch công tác cán bộ năm {YEAR}: chưa có nơi để gửi."
    ]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


@pytest.mark.parametrize(
    "status, message",
    [
        (PlanStatus.SUBMITTED, "Kế hoạch đã gửi cấp trên, đang chờ xem xét."),
        (PlanStatus.ACCEPTED, "Kế hoạch đã được cấp trên tiếp nhận."),
    ],
)
def test_it_refuses_to_submit_twice(tree, commune_editor, upper, status, message):
    plan = make_plan(tree.commune_a, parent=upper, status=status)
    response = client_for(commune_editor).post(submit(plan))
    assert texts(response) == [message]
    plan.refresh_from_db()
    assert (plan.status, plan.submitted_at) == (status, None)


def test_the_upper_unit_cannot_submit_a_lower_plan(tree, province_editor, upper):
    plan = make_plan(tree.commune_a, parent=upper)
    response = client_for(province_editor).post(submit(plan))
    assert texts(response) == ["Chỉ cán bộ của đơn vị soạn kế hoạch mới gửi được kế hoạch lên cấp trên."]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_it_refuses_to_submit_a_plan_changed_since_it_was_shown(tree, commune_editor, upper):
    plan = make_plan(tree.commune_a, parent=upper)
    shown = plan.version
    plan.content = "Người khác sửa"
    plan.save()
    response = client_for(commune_editor).post(submit(plan), {"version": shown})
    assert texts(response) == ["Chưa gửi: kế hoạch vừa được người khác cập nhật. Xem lại rồi gửi."]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_it_refuses_submitting_to_a_viewer_a_get_and_another_unit(tree, upper, commune_editor):
    plan = make_plan(tree.commune_a, parent=upper)
    commune_viewer = UserFactory(username="xemxa", unit=tree.commune_a, role=Role.VIEWER)
    assert client_for(commune_viewer).post(submit(plan)).status_code == 403
    assert client_for(commune_editor).get(submit(plan)).status_code == 405
    other = make_plan(tree.commune_b, parent=upper)
    assert client_for(commune_editor).post(submit(other)).status_code == 404
    assert client_for(commune_editor).post(submit(plan), {"version": "x"}).status_code == 302
    assert not AnnualPlan.objects.filter(status=PlanStatus.SUBMITTED).exists()


# --- Reviewing ----------------------------------------------------------------------------------


@pytest.fixture
def sent(tree, upper):
    return make_plan(tree.commune_a, parent=upper, status=PlanStatus.SUBMITTED, submitted_at=sent_at(today()))


def test_the_upper_unit_accepts_a_plan(tree, province_editor, sent):
    response = client_for(province_editor).post(review(sent), {"action": "accept", "note": "Tốt."})
    assert response.url == sent.get_absolute_url()
    assert texts(response) == ["Đã tiếp nhận kế hoạch của Đoàn xã An Bình."]
    sent.refresh_from_db()
    assert (sent.status, sent.reviewed_by, sent.review_note) == (PlanStatus.ACCEPTED, province_editor, "Tốt.")
    assert sent.reviewed_at is not None


def test_an_approver_accepts_from_the_collection(tree, approver, sent, upper):
    response = client_for(approver).post(review(sent), {"action": "accept", "back": "1"})
    assert response.url == lower(upper)
    sent.refresh_from_db()
    assert sent.status == PlanStatus.ACCEPTED


def test_the_upper_unit_returns_a_plan_with_a_note(tree, province_editor, sent):
    client_for(province_editor).post(review(sent), {"action": "return", "note": "Bổ sung phần IV."})
    sent.refresh_from_db()
    assert (sent.status, sent.review_note, sent.is_locked) == (PlanStatus.RETURNED, "Bổ sung phần IV.", False)


def test_it_refuses_a_return_without_a_note(tree, province_editor, sent):
    response = client_for(province_editor).post(review(sent), {"action": "return", "note": "  "})
    assert texts(response) == ["Ghi ý kiến khi trả lại kế hoạch: đơn vị cần biết phải sửa gì."]
    sent.refresh_from_db()
    assert sent.status == PlanStatus.SUBMITTED
    with pytest.raises(services.ValidationError):
        services.plan_return(plan=sent, user=province_editor, note="")


@pytest.mark.parametrize("data", [{}, {"action": "approve"}, {"action": "accept", "note": "x" * 2001}])
def test_it_refuses_a_bad_review(tree, province_editor, sent, data):
    response = client_for(province_editor).post(review(sent), data)
    assert response.status_code == 302 and texts(response)
    sent.refresh_from_db()
    assert sent.status == PlanStatus.SUBMITTED


def test_a_unit_cannot_review_its_own_plan(tree, commune_editor, sent):
    response = client_for(commune_editor).post(review(sent), {"action": "accept"})
    assert texts(response) == ["Chỉ cấp trên của đơn vị mới tiếp nhận hoặc trả lại kế hoạch này."]
    sent.refresh_from_db()
    assert sent.status == PlanStatus.SUBMITTED


@pytest.mark.parametrize("status", [PlanStatus.DRAFT, PlanStatus.RETURNED, PlanStatus.ACCEPTED])
def test_it_refuses_to_review_a_plan_not_waiting(tree, province_editor, upper, status):
    plan = make_plan(tree.commune_a, parent=upper, status=status)
    response = client_for(province_editor).post(review(plan), {"action": "accept"})
    assert texts(response) == ["Chỉ tiếp nhận hoặc trả lại được kế hoạch đã gửi lên, đang chờ xem xét."]
    plan.refresh_from_db()
    assert (plan.status, plan.reviewed_at) == (status, None)


def test_it_refuses_reviewing_to_a_viewer_a_get_and_another_unit(tree, viewer, province_editor, sent):
    assert client_for(viewer).post(review(sent), {"action": "accept"}).status_code == 403
    assert client_for(province_editor).get(review(sent)).status_code == 405
    other = make_plan(tree.other_commune, status=PlanStatus.SUBMITTED)
    assert client_for(province_editor).post(review(other), {"action": "accept"}).status_code == 404
    assert not AnnualPlan.objects.filter(status=PlanStatus.ACCEPTED).exists()


def test_the_plan_page_offers_review_to_the_upper_unit_only(tree, province_editor, commune_editor, sent):
    assert client_for(province_editor).get(sent.get_absolute_url()).context["can_review"]
    own = client_for(commune_editor).get(sent.get_absolute_url())
    assert not own.context["can_review"] and not own.context["can_submit"]
    assert 'id="review-form"' not in own.content.decode()


def test_the_full_round(tree, province_editor, commune_editor, upper):
    """Answer the request, submit, return, submit again, accept: the targets come along once."""
    Target.objects.create(
        unit=tree.province, year=YEAR, text="100% Bí thư", metric="secretary_degree_share", goal=Decimal(100)
    )
    commune = client_for(commune_editor)
    commune.post("/reports/plans/new/", {"unit": tree.commune_a.pk, "year": YEAR, "start": "answer"})
    plan = AnnualPlan.objects.get(unit=tree.commune_a)
    commune.post(submit(plan))
    province = client_for(province_editor)
    province.post(review(plan), {"action": "return", "note": "Thêm ban chỉ đạo."})
    commune.post(submit(plan))
    province.post(review(plan), {"action": "accept"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACCEPTED
    assert plan.targets().count() == 1
    page = province.get(lower(upper))
    assert page.context["page"].object_list[0].state.label == "Đã tiếp nhận"
    history = [
        entry.reason for entry in province.get(f"/reports/plans/{plan.pk}/history/").context["history"]
    ]
    assert {"Gửi cấp trên", "Cấp trên trả lại", "Cấp trên tiếp nhận"} <= set(history)
