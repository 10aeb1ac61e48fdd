"""The evaluation's pages as people use them, through the test client: an editor opens the
province office's evaluations, enters a cadre's self-assessment and the collective's review
(points typed with a decimal comma), an approver decides; the summary's figures against a count
from the database; a decided evaluation's forms refuse; the 20% rule refused and overridden on
the decision form and on the bulk form; a stale form; bad points; deletion and history; the
refusals (viewer 403, another unit 404) and a summary whose query count does not grow with its
units."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from fieldwork.evaluation import services
from fieldwork.evaluation.models import (
    Classification,
    CriterionKind,
    Evaluation,
    EvaluationStatus,
    Period,
    Score,
    format_points,
)
from tests.factories import UnitFactory, UserFactory

from .conftest import client_for

pytestmark = pytest.mark.django_db

YEAR = 2026
SUMMARY = "/fieldwork/evaluations/"
OPEN = "/fieldwork/evaluations/open/"
BULK = "/fieldwork/evaluations/decide/"
DECIDED_ON = datetime.date(2026, 12, 20)


def page_of(pk: int, step: str = "") -> str:
    return f"/fieldwork/evaluations/{pk}/{step + '/' if step else ''}"


def texts(response) -> list[str]:
    """The messages a redirect carries to the next page."""
    return [str(message) for message in get_messages(response.wsgi_request)]


def shown_messages(page) -> list[str]:
    return [str(message) for message in page.context["messages"]]


@pytest.fixture
def scheme():
    return services.scheme_for(YEAR)


@pytest.fixture
def criteria(scheme):
    return list(scheme.criteria.order_by("order"))


@pytest.fixture
def approver(tree):
    return UserFactory(username="lanhdao", unit=tree.province, role=Role.APPROVER)


@pytest.fixture
def office(tree, make_cadre):
    """Six cadres of the province office."""
    return [make_cadre(tree.province, full_name=f"Cán bộ {n}") for n in range(6)]


@pytest.fixture
def opened(office, tree, province_editor, scheme):
    evaluations = services.open_evaluations(
        unit=tree.province, year=YEAR, period=Period.YEAR, user=province_editor
    )
    return sorted(evaluations, key=lambda e: e.cadre_id)


def spread(criteria, total) -> dict[int, Decimal]:
    """Points per criterion adding up to ``total``, each criterion its share."""
    total = Decimal(total)
    points, left = {}, total
    for criterion in criteria[:-1]:
        points[criterion.pk] = value = (criterion.max_points * total / 100).quantize(Decimal("0.01"))
        left -= value
    points[criteria[-1].pk] = left
    return points


def typed(criteria, total, **extra) -> dict[str, str]:
    """A step form's data as a person types it: "8,5", decimal comma."""
    data = {f"points_{pk}": format_points(value) for pk, value in spread(criteria, total).items()}
    return {**data, **extra}


def step_data(client, evaluation, step: str, criteria, total, **extra) -> dict:
    """The form's data: the version it was opened at, the points typed."""
    form = client.get(page_of(evaluation.pk, step)).context["form"]
    return {"version": form["version"].value(), **typed(criteria, total), **extra}


def rate(evaluation, criteria, total, *, user, decide=True, reason=""):
    for step in ("self", "review") + (("decide",) if decide else ()):
        evaluation = services.record_step(
            evaluation,
            step=step,
            points=spread(criteria, total),
            comment="",
            user=user,
            base_version=evaluation.version,
            decision_date=DECIDED_ON if step == "decide" else None,
            override_reason=reason,
        )
    return evaluation


# --- Opening ------------------------------------------------------------------------------------


def test_it_opens_a_units_evaluations_once(tree, office, province_editor, scheme):
    client = client_for(province_editor)
    page = client.get(OPEN, {"unit": tree.province.pk, "year": YEAR})
    assert page.status_code == 200
    assert page.context["form"]["unit"].value() == str(tree.province.pk)

    data = {"unit": tree.province.pk, "year": YEAR, "period": Period.YEAR}
    response = client.post(OPEN, data, follow=True)
    assert response.redirect_chain == [(f"{SUMMARY}?year={YEAR}&period=year&unit={tree.province.pk}", 302)]
    assert shown_messages(response) == ["Đã mở 6 phiếu đánh giá cho Tỉnh đoàn Thử, năm 2026."]
    assert Evaluation.objects.filter(unit=tree.province, status=EvaluationStatus.SELF).count() == 6
    assert len(response.context["rows"]) == 6

    again = client.post(OPEN, data, follow=True)
    assert shown_messages(again) == ["Mọi cán bộ đang công tác của Tỉnh đoàn Thử đã có phiếu kỳ này."]
    assert Evaluation.objects.count() == 6


def test_opening_without_a_scheme_says_why(tree, office, province_editor):
    response = client_for(province_editor).post(
        OPEN, {"unit": tree.province.pk, "year": 2024, "period": Period.YEAR}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["year"] == ["Chưa có bộ tiêu chí đánh giá áp dụng cho năm 2024."]
    assert not Evaluation.objects.exists()


def test_it_opens_no_unit_outside_the_scope(tree, make_cadre, commune_editor, scheme):
    make_cadre(tree.commune_b)
    response = client_for(commune_editor).post(
        OPEN, {"unit": tree.commune_b.pk, "year": YEAR, "period": Period.YEAR}
    )
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert not Evaluation.objects.exists()


# --- The three steps ----------------------------------------------------------------------------


def test_a_cadre_goes_through_the_three_steps_by_the_forms(opened, criteria, province_editor, approver):
    evaluation = opened[0]
    editor = client_for(province_editor)

    # The self-assessment: the field work's points are suggested (no trip: none of the 60 days).
    page = editor.get(page_of(evaluation.pk, "self"))
    (fieldwork,) = [c for c in criteria if c.kind == CriterionKind.FIELDWORK]
    field = page.context["form"][f"points_{fieldwork.pk}"]
    assert field.value() == "0"
    assert field.help_text == "Gợi ý: 0 điểm – 0/60 ngày đi cơ sở theo định mức."
    assert field.label == f"{fieldwork.name} (tối đa 10 điểm)"
    data = {
        "version": page.context["form"]["version"].value(),
        **{
            f"points_{c.pk}": value
            for c, value in zip(criteria, ["8,5", "9", "9", "34", "8", "8", "9"], strict=True)
        },
        "comment": "Hoàn thành tốt nhiệm vụ được giao.",
    }
    response = editor.post(page_of(evaluation.pk, "self"), data)
    assert response.status_code == 302 and response["Location"] == page_of(evaluation.pk)
    evaluation.refresh_from_db()
    assert (evaluation.status, evaluation.self_points) == (EvaluationStatus.REVIEW, Decimal("85.5"))
    assert evaluation.self_comment == "Hoàn thành tốt nhiệm vụ được giao."
    assert evaluation.self_by == province_editor
    assert Score.objects.get(evaluation=evaluation, criterion=criteria[0]).self_points == Decimal("8.5")

    # The collective's review starts from the self-assessment's points.
    page = editor.get(page_of(evaluation.pk, "review"))
    assert page.context["form"][f"points_{criteria[0].pk}"].value() == "8,5"
    data = {**data, "version": page.context["form"]["version"].value(), f"points_{criteria[3].pk}": "36,25"}
    data["comment"] = "Tập thể thống nhất."
    assert editor.post(page_of(evaluation.pk, "review"), data).status_code == 302
    evaluation.refresh_from_db()
    assert (evaluation.status, evaluation.review_points) == (EvaluationStatus.DECISION, Decimal("87.75"))
    assert evaluation.classification == Classification.GOOD

    # An editor who is not an approver may not decide.
    assert editor.get(page_of(evaluation.pk, "decide")).status_code == 403

    # The approver decides from the review's points.
    leader = client_for(approver)
    page = leader.get(page_of(evaluation.pk, "decide"))
    assert page.context["form"][f"points_{criteria[3].pk}"].value() == "36,25"
    assert page.context["share_now"].good == 1
    data = {
        **data,
        "version": page.context["form"]["version"].value(),
        "comment": "Đồng ý.",
        "decision_number": "15-QĐ/TĐTN",
        "decision_date": "20/12/2026",
    }
    response = leader.post(page_of(evaluation.pk, "decide"), data)
    assert texts(response) == [
        f"Đã quyết định xếp loại {evaluation.cadre.full_name}: Hoàn thành tốt nhiệm vụ."
    ]
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.DECIDED
    assert (evaluation.final_points, evaluation.classification) == (Decimal("87.75"), Classification.GOOD)
    assert (evaluation.decision_number, evaluation.decision_date) == ("15-QĐ/TĐTN", DECIDED_ON)
    assert evaluation.decided_by == approver

    # Its page: locked, no step left to take.
    detail = leader.get(page_of(evaluation.pk)).content.decode()
    assert "Đã khoá" in detail and "15-QĐ/TĐTN" in detail and "87,75" in detail
    for step in ("self", "review", "decide", "delete"):
        assert page_of(evaluation.pk, step) not in detail


def test_bad_points_are_the_forms_errors_and_nothing_is_saved(opened, criteria, province_editor):
    evaluation = opened[0]
    client = client_for(province_editor)
    data = step_data(client, evaluation, "self", criteria, 80)
    data[f"points_{criteria[0].pk}"] = "10,5"
    data[f"points_{criteria[1].pk}"] = "8,555"
    data[f"points_{criteria[2].pk}"] = "tám"
    data[f"points_{criteria[3].pk}"] = "-1"
    data[f"points_{criteria[4].pk}"] = ""
    response = client.post(page_of(evaluation.pk, "self"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors[f"points_{criteria[0].pk}"] == ["Tối đa 10 điểm."]
    assert errors[f"points_{criteria[1].pk}"] == ["Điểm lấy tối đa 2 chữ số sau dấu phẩy."]
    assert errors[f"points_{criteria[2].pk}"] == ["Nhập một số, ví dụ 8,5."]
    assert errors[f"points_{criteria[3].pk}"] == ["Điểm không được âm."]
    assert errors[f"points_{criteria[4].pk}"] == ["Nhập điểm của tiêu chí này."]
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.SELF and evaluation.self_points is None
    assert not Score.objects.exists()


def test_a_step_out_of_order_is_refused(opened, criteria, province_editor):
    evaluation = opened[0]
    client = client_for(province_editor)
    response = client.post(page_of(evaluation.pk, "review"), typed(criteria, 80, version=evaluation.version))
    assert response["Location"] == page_of(evaluation.pk)
    assert texts(response) == [
        "Tập thể chỉ nhận xét được sau khi cán bộ tự đánh giá và trước khi có quyết định."
    ]
    assert Evaluation.objects.get(pk=evaluation.pk).status == EvaluationStatus.SELF


def test_a_stale_form_is_refused_and_shown_again(opened, criteria, province_editor):
    evaluation = opened[0]
    client = client_for(province_editor)
    mine = step_data(client, evaluation, "self", criteria, 60, comment="Của tôi")
    # Meanwhile a colleague saves the self-assessment.
    theirs = step_data(client, evaluation, "self", criteria, 75, comment="Của đồng nghiệp")
    assert client.post(page_of(evaluation.pk, "self"), theirs).status_code == 302

    response = client.post(page_of(evaluation.pk, "self"), mine)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.non_field_errors()[0].startswith("Chưa lưu: phiếu đánh giá đã được người khác cập nhật")
    assert form.stale_changes
    evaluation.refresh_from_db()
    assert (evaluation.self_points, evaluation.self_comment) == (Decimal(75), "Của đồng nghiệp")
    # Seen, sent again: saved deliberately.
    assert client.post(page_of(evaluation.pk, "self"), form.data).status_code == 302
    evaluation.refresh_from_db()
    assert (evaluation.self_points, evaluation.self_comment) == (Decimal(60), "Của tôi")


def test_a_decided_evaluations_forms_refuse(opened, criteria, province_editor, approver):
    evaluation = rate(opened[0], criteria, 80, user=province_editor)
    before = Evaluation.objects.filter(pk=evaluation.pk).values().get()
    scores = list(Score.objects.filter(evaluation=evaluation).values())
    client = client_for(approver)
    for step in ("self", "review", "decide"):
        for response in (
            client.get(page_of(evaluation.pk, step), follow=True),
            client.post(
                page_of(evaluation.pk, step), typed(criteria, 95, version=evaluation.version), follow=True
            ),
        ):
            assert response.redirect_chain == [(page_of(evaluation.pk), 302)]
            assert shown_messages(response) == ["Phiếu đã có quyết định xếp loại nên không sửa được nữa."]
    response = client.post(page_of(evaluation.pk, "delete"), follow=True)
    assert shown_messages(response) == ["Phiếu đã có quyết định xếp loại nên không xoá được."]
    assert Evaluation.objects.filter(pk=evaluation.pk).values().get() == before
    assert list(Score.objects.filter(evaluation=evaluation).values()) == scores


# --- The 20% rule -------------------------------------------------------------------------------


def test_the_decide_form_refuses_a_sixth_of_excellent_without_a_reason(
    opened, criteria, province_editor, approver
):
    for evaluation in opened[:4]:
        rate(evaluation, criteria, 80, user=province_editor)
    evaluation = rate(opened[4], criteria, 95, user=province_editor, decide=False)
    client = client_for(approver)
    page = client.get(page_of(evaluation.pk, "decide"))
    assert page.context["share_if_excellent"].exceeded
    assert "1 xếp loại xuất sắc trên 4 xếp loại tốt" in page.content.decode()

    data = step_data(client, evaluation, "decide", criteria, 95, decision_date="20/12/2026")
    response = client.post(page_of(evaluation.pk, "decide"), data)
    assert response.status_code == 200
    (error,) = response.context["form"].errors["override_reason"]
    assert error == (
        "Đơn vị có 1 xếp loại xuất sắc trên 4 xếp loại tốt: vượt tỷ lệ 20% số xếp loại tốt (tối đa 0). "
        "Muốn giữ xếp loại xuất sắc, hãy ghi rõ lý do."
    )
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.DECISION and evaluation.final_points is None
    assert not Score.objects.filter(evaluation=evaluation, final_points__isnull=False).exists()

    data["override_reason"] = "Lập thành tích đột xuất được Trung ương Đoàn khen thưởng."
    assert client.post(page_of(evaluation.pk, "decide"), data).status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.classification == Classification.EXCELLENT
    assert evaluation.override_reason == "Lập thành tích đột xuất được Trung ương Đoàn khen thưởng."
    assert "Lập thành tích đột xuất" in client.get(page_of(evaluation.pk)).content.decode()


def test_the_bulk_decision_is_refused_over_the_share_then_taken_with_a_reason(
    tree, opened, criteria, province_editor, approver
):
    for evaluation, total in zip(opened, [95, 91, 80, 80, 80, 80], strict=True):
        rate(evaluation, criteria, total, user=province_editor, decide=False)
    client = client_for(approver)
    query = f"?year={YEAR}&period=year&unit={tree.province.pk}"
    page = client.get(SUMMARY + query)
    assert page.context["decision_form"] is not None
    assert page.context["own"].exceeded
    assert 'id="bulk-share-warning"' in page.content.decode()

    data = {
        "evaluations": [e.pk for e in opened],
        "decision_number": "20-QĐ/TĐTN",
        "decision_date": "20/12/2026",
    }
    response = client.post(BULK + query, data)
    assert response.status_code == 200
    assert (
        response.context["decision_form"]
        .errors["override_reason"][0]
        .startswith("Đơn vị có 2 xếp loại xuất sắc trên 4 xếp loại tốt")
    )
    assert not Evaluation.objects.filter(status=EvaluationStatus.DECIDED).exists()
    assert not Score.objects.filter(final_points__isnull=False).exists()

    response = client.post(BULK + query, {**data, "override_reason": "Hai đồng chí lập thành tích đột xuất."})
    assert response["Location"] == SUMMARY + query
    assert texts(response) == ["Đã quyết định xếp loại 6 phiếu."]
    decided = Evaluation.objects.filter(status=EvaluationStatus.DECIDED)
    assert decided.count() == 6
    assert set(decided.values_list("decision_number", "decision_date")) == {("20-QĐ/TĐTN", DECIDED_ON)}
    assert decided.filter(classification=Classification.EXCELLENT).exclude(override_reason="").count() == 2


def test_the_bulk_decision_needs_a_chosen_evaluation(tree, opened, criteria, province_editor, approver):
    rate(opened[0], criteria, 80, user=province_editor, decide=False)
    query = f"?year={YEAR}&unit={tree.province.pk}"
    response = client_for(approver).post(BULK + query, {"decision_date": "20/12/2026"})
    assert response.status_code == 200
    assert response.context["decision_form"].errors["evaluations"] == [
        "Chọn ít nhất một phiếu để quyết định."
    ]
    assert not Evaluation.objects.filter(status=EvaluationStatus.DECIDED).exists()


# --- The summary --------------------------------------------------------------------------------


@pytest.fixture
def rated_tree(tree, make_cadre, opened, criteria, province_editor):
    """The province office's six at every step; commune A's three decided, one "xuất sắc" of no
    "tốt" (over the share); the district's two waiting; another year's and a quarter's left out."""
    rate(opened[0], criteria, 95, user=province_editor, decide=False)
    rate(opened[1], criteria, 80, user=province_editor)
    rate(opened[2], criteria, 60, user=province_editor)
    rate(opened[3], criteria, 40, user=province_editor, decide=False)
    services.record_step(
        opened[4],
        step="self",
        points=spread(criteria, 70),
        comment="",
        user=province_editor,
        base_version=opened[4].version,
    )
    for n in range(3):
        make_cadre(tree.commune_a, full_name=f"Xã {n}")
    commune = services.open_evaluations(unit=tree.commune_a, year=YEAR, period=Period.YEAR, user=None)
    rate(commune[0], criteria, 92, user=province_editor, reason="Thành tích đặc biệt.")
    rate(commune[1], criteria, 55, user=province_editor)
    rate(commune[2], criteria, 30, user=province_editor)
    for n in range(2):
        make_cadre(tree.district, full_name=f"Huyện {n}")
    services.open_evaluations(unit=tree.district, year=YEAR, period=Period.YEAR, user=None)
    services.open_evaluations(unit=tree.district, year=YEAR - 1, period=Period.YEAR, user=None)
    services.open_evaluations(unit=tree.district, year=YEAR, period=Period.Q1, user=None)
    return tree


def counted(unit, year=YEAR, period=Period.YEAR) -> dict:
    """A unit's figures, counted one by one from the database."""
    evaluations = Evaluation.objects.filter(unit=unit, year=year, period=period)
    rated = evaluations.filter(status__in=[EvaluationStatus.DECISION, EvaluationStatus.DECIDED])
    return {
        "rated": evaluations.count(),
        **{name: rated.filter(classification=name).count() for name in Classification.values},
        "waiting_self": evaluations.filter(status=EvaluationStatus.SELF).count(),
        "waiting_review": evaluations.filter(status=EvaluationStatus.REVIEW).count(),
        "waiting_decision": evaluations.filter(status=EvaluationStatus.DECISION).count(),
        "decided": evaluations.filter(status=EvaluationStatus.DECIDED).count(),
    }


def shown(line) -> dict:
    names = ["rated", *Classification.values, "waiting_self", "waiting_review", "waiting_decision", "decided"]
    return {name: getattr(line, name) for name in names}


def test_the_summary_counts_what_the_database_counts(rated_tree, viewer):
    tree = rated_tree
    page = client_for(viewer).get(SUMMARY, {"year": YEAR})  # the viewer's own unit by default
    assert page.status_code == 200
    assert page.context["filters"].unit == tree.province
    lines = page.context["units_page"].object_list
    assert [line.unit for line in lines] == [tree.province, tree.commune_a, tree.district]
    for line in lines:
        assert shown(line) == counted(line.unit)
    assert shown(lines[0]) == {
        "rated": 6,
        "excellent": 1,
        "good": 1,
        "done": 1,
        "failed": 1,
        "waiting_self": 1,
        "waiting_review": 1,
        "waiting_decision": 2,
        "decided": 2,
    }
    # The rule: one "xuất sắc" of one "tốt" is over; commune A's of none too; the district's none.
    assert [line.exceeded for line in lines] == [True, True, False]
    total = page.context["total"]
    assert total.rated == 11 and total.decided == 5 and total.waiting_self == 3
    html = page.content.decode()
    assert html.count("data-exceeded") == 2
    # "Tất cả" over several units is their overview: a unit's list is one click away.
    assert page.context["rows"] == [] and 'id="pick-a-unit"' in html
    assert "/fieldwork/evaluations/list.pdf" not in html
    # The office's own list, each with its points as written.
    page = client_for(viewer).get(SUMMARY, {"year": YEAR, "unit": tree.province.pk})
    html = page.content.decode()
    rows = page.context["rows"]
    assert len(rows) == 6
    assert {row.review_points for row in rows} == {"95", "80", "60", "40", ""}
    assert page.context["decision_form"] is None  # a viewer decides nothing
    assert "Mở phiếu đánh giá" not in html
    query = f"?year={YEAR}&amp;period=year&amp;unit={tree.province.pk}"
    assert f"/fieldwork/evaluations/list.pdf{query}" in html
    assert f"/fieldwork/evaluations/list.xlsx{query}" in html


def test_a_unit_row_narrows_the_summary_to_that_unit(rated_tree, province_editor):
    tree = rated_tree
    client = client_for(province_editor)
    html = client.get(SUMMARY, {"year": YEAR}).content.decode()
    link = f"{SUMMARY}?year={YEAR}&amp;period=year&amp;unit={tree.commune_a.pk}"
    assert link in html
    page = client.get(SUMMARY, {"year": YEAR, "period": "year", "unit": tree.commune_a.pk})
    assert [line.unit for line in page.context["units_page"].object_list] == [tree.commune_a]
    assert sorted(row.evaluation.cadre.full_name for row in page.context["rows"]) == ["Xã 0", "Xã 1", "Xã 2"]
    quarter = client.get(SUMMARY, {"year": YEAR, "period": "q1", "unit": tree.province.pk})
    assert [line.unit for line in quarter.context["units_page"].object_list] == [tree.district]
    assert quarter.context["rows"] == []
    assert "Quý I" in quarter.content.decode()


def test_an_empty_period_says_so(tree, province_editor):
    html = client_for(province_editor).get(SUMMARY, {"year": 2030}).content.decode()
    assert "Chưa có phiếu đánh giá nào năm 2030 của Tỉnh đoàn Thử và các đơn vị trực thuộc." in html
    assert "list.pdf" not in html


def test_a_bad_filter_is_said_and_its_default_used(rated_tree, province_editor):
    page = client_for(province_editor).get(SUMMARY, {"year": "abc", "period": "q9", "unit": "999999"})
    assert page.status_code == 200
    assert set(page.context["form"].errors) == {"year", "period", "unit"}
    filters = page.context["filters"]
    assert (filters.period, filters.unit) == (Period.YEAR, rated_tree.province)


def test_the_summary_stays_within_the_scope(rated_tree, commune_editor):
    tree = rated_tree
    client = client_for(commune_editor)
    page = client.get(SUMMARY, {"year": YEAR})
    assert [line.unit for line in page.context["units_page"].object_list] == [tree.commune_a]
    page = client.get(SUMMARY, {"year": YEAR, "unit": tree.province.pk})  # not one of theirs
    assert page.context["filters"].unit == tree.commune_a
    assert [line.unit for line in page.context["units_page"].object_list] == [tree.commune_a]


def test_an_administrator_of_the_whole_organisation_sees_every_unit(rated_tree, system_admin, make_cadre):
    tree = rated_tree
    make_cadre(tree.other_province)
    services.open_evaluations(unit=tree.other_province, year=YEAR, period=Period.YEAR, user=None)
    page = client_for(system_admin).get(SUMMARY, {"year": YEAR})
    assert page.context["filters"].unit is None
    units = [line.unit for line in page.context["units_page"].object_list]
    assert units == [tree.province, tree.commune_a, tree.district, tree.other_province]
    assert page.context["rows"] == [] and page.context["decision_form"] is None


def test_the_summarys_query_count_does_not_grow_with_its_units(tree, make_cadre, approver, scheme):
    def add_units(count: int):
        for _ in range(count):
            unit = UnitFactory(parent=tree.province)
            make_cadre(unit)
            services.open_evaluations(unit=unit, year=YEAR, period=Period.YEAR, user=None)

    make_cadre(tree.province)
    services.open_evaluations(unit=tree.province, year=YEAR, period=Period.YEAR, user=None)
    client = client_for(approver)
    add_units(2)
    with CaptureQueriesContext(connection) as few:
        page = client.get(SUMMARY, {"year": YEAR})
    assert len(page.context["units_page"].object_list) == 3
    add_units(27)
    with CaptureQueriesContext(connection) as many:
        page = client.get(SUMMARY, {"year": YEAR})
    assert len(page.context["units_page"].object_list) == 30
    assert len(many) == len(few)


# --- Deletion and history -----------------------------------------------------------------------


def test_an_editor_deletes_an_evaluation_after_confirming(tree, opened, province_editor):
    evaluation = opened[0]
    client = client_for(province_editor)
    page = client.get(page_of(evaluation.pk, "delete"))
    assert page.status_code == 200 and "Xoá phiếu đánh giá?" in page.content.decode()
    assert Evaluation.objects.filter(pk=evaluation.pk).exists()
    response = client.post(page_of(evaluation.pk, "delete"))
    assert response["Location"] == f"{SUMMARY}?year={YEAR}&period=year&unit={tree.province.pk}"
    assert texts(response) == [f"Đã xoá phiếu đánh giá năm {YEAR} của {evaluation.cadre.full_name}."]
    assert not Evaluation.objects.filter(pk=evaluation.pk).exists()


def test_the_history_shows_each_step(opened, criteria, province_editor):
    evaluation = rate(opened[0], criteria, 80, user=province_editor, decide=False)
    page = client_for(province_editor).get(page_of(evaluation.pk, "history"))
    assert page.status_code == 200
    steps = [entry for entry in page.context["history"] if entry.subject == "Phiếu đánh giá"]
    assert [entry.reason for entry in steps] == ["Tập thể nhận xét", "Tự đánh giá", "Mở phiếu"]
    assert "Điểm tập thể chấm" in {change.label for change in steps[0].changes}
    assert f"Điểm: {criteria[0].name}" in {entry.subject for entry in page.context["history"]}


# --- Refusals -----------------------------------------------------------------------------------


def test_a_viewer_may_look_but_not_act(opened, criteria, viewer):
    evaluation = opened[0]
    client = client_for(viewer)
    assert client.get(page_of(evaluation.pk)).status_code == 200
    assert client.get(page_of(evaluation.pk, "history")).status_code == 200
    for step in ("self", "review", "decide", "delete"):
        assert client.get(page_of(evaluation.pk, step)).status_code == 403
        assert client.post(page_of(evaluation.pk, step), typed(criteria, 80)).status_code == 403
    assert client.get(OPEN).status_code == 403
    assert client.post(BULK, {"evaluations": [evaluation.pk]}).status_code == 403
    detail = client.get(page_of(evaluation.pk)).content.decode()
    assert page_of(evaluation.pk, "self") not in detail
    assert Evaluation.objects.get(pk=evaluation.pk).status == EvaluationStatus.SELF


def test_another_units_evaluation_does_not_exist(opened, criteria, province_editor, tree, scheme):
    evaluation = rate(opened[0], criteria, 80, user=province_editor, decide=False)
    outsider = UserFactory(username="ngoai", unit=tree.commune_a, role=Role.APPROVER)
    client = client_for(outsider)
    for step in ("", "self", "review", "decide", "delete", "history"):
        assert client.get(page_of(evaluation.pk, step)).status_code == 404
    for step in ("self", "review", "decide", "delete"):
        data = typed(criteria, 90, version=evaluation.version, decision_date="20/12/2026")
        assert client.post(page_of(evaluation.pk, step), data).status_code == 404
    response = client.post(BULK, {"evaluations": [evaluation.pk], "decision_date": "20/12/2026"})
    assert response.status_code == 404
    assert Evaluation.objects.get(pk=evaluation.pk).status == EvaluationStatus.DECISION
    assert client.get(page_of(2**40)).status_code == 404


def test_the_bulk_decision_takes_only_a_post(approver):
    assert client_for(approver).get(BULK).status_code == 405


def test_the_units_and_a_units_list_have_pages_of_their_own(rated_tree, province_editor, monkeypatch):
    """Both lists are paged, each by its own parameter: paging one leaves the other where it is."""
    from fieldwork.evaluation import views

    tree = rated_tree
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    client = client_for(province_editor)
    query = {"year": YEAR, "unit": tree.province.pk}
    first = client.get(SUMMARY, query)
    assert [line.unit for line in first.context["units_page"].object_list] == [tree.province, tree.commune_a]
    assert first.context["own_page"].count == 6 and len(first.context["rows"]) == 2
    second = client.get(SUMMARY, {**query, "units_page": 2, "page": 3})
    assert [line.unit for line in second.context["units_page"].object_list] == [tree.district]
    third_rows = [row.evaluation for row in second.context["rows"]]
    everyone = [
        row.evaluation
        for number in (1, 2, 3)
        for row in client.get(SUMMARY, {**query, "page": number}).context["rows"]
    ]
    assert third_rows == everyone[4:] and len(set(everyone)) == 6
    assert set(everyone) == set(Evaluation.objects.filter(unit=tree.province, year=YEAR, period="year"))


@pytest.mark.parametrize("typed", ["31/12/1999", "01/01/2200", "31/02/2026"])
def test_an_impossible_decision_date_is_refused_with_a_message(rated_tree, typed):
    from fieldwork.evaluation.forms import BulkDecisionForm

    form = BulkDecisionForm({"decision_date": typed}, user=UserFactory(unit=rated_tree.province))
    assert not form.is_valid()
    (message,) = form.errors["decision_date"]
    assert message.startswith("Ngày quyết định phải trong khoảng 01/01/2000") or message == (
        "Ngày theo dạng dd/mm/yyyy."
    )
