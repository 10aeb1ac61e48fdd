"""The evaluation's rules through its services, on the scheme seeded by migration 0004 (100
points, thresholds 90/70/50, "xuất sắc" at most 20% of "tốt"): the thresholds at their
boundaries, the steps in order, the lock once decided, a stale form, the 20% rule (with no "tốt"
at all, with an override, in a bulk decision), the field-work points suggested from the trips,
and the scope."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from common.models import StaleEditError
from fieldwork.evaluation import services
from fieldwork.evaluation.models import (
    Classification,
    CriterionKind,
    Evaluation,
    EvaluationStatus,
    Period,
    Score,
)

pytestmark = pytest.mark.django_db

YEAR = 2026
DECIDED_ON = datetime.date(2026, 12, 20)


@pytest.fixture
def scheme():
    found = services.scheme_for(YEAR)
    assert found is not None and services.scheme_problem(found) == ""
    return found


def spread(scheme, total: Decimal) -> dict[int, Decimal]:
    """Points per criterion adding up to ``total``: each criterion its share of it."""
    criteria = list(scheme.criteria.order_by("order"))
    points, left = {}, total
    for criterion in criteria[:-1]:
        value = (criterion.max_points * total / 100).quantize(Decimal("0.01"))
        points[criterion.pk], left = value, left - value
    points[criteria[-1].pk] = left
    assert sum(points.values()) == total
    assert all(0 <= points[c.pk] <= c.max_points for c in criteria)
    return points


def rate(evaluation, scheme, total, *, user, decide=True, reason="") -> Evaluation:
    """Take the evaluation through its steps at ``total`` points."""
    points = spread(scheme, Decimal(total))
    for step in ("self", "review") + (("decide",) if decide else ()):
        evaluation = services.record_step(
            evaluation,
            step=step,
            points=points,
            comment="",
            user=user,
            base_version=evaluation.version,
            decision_number="12-QĐ/TĐTN" if step == "decide" else "",
            decision_date=DECIDED_ON if step == "decide" else None,
            override_reason=reason,
        )
    return evaluation


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


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        ("49.5", Classification.FAILED),
        ("50", Classification.DONE),
        ("69.99", Classification.DONE),
        ("70", Classification.GOOD),
        ("89.99", Classification.GOOD),
        ("90", Classification.EXCELLENT),
        ("100", Classification.EXCELLENT),
        ("0", Classification.FAILED),
    ],
)
def test_thresholds_at_their_boundaries(scheme, points, expected):
    assert scheme.classify(Decimal(points)) == expected


def test_a_decision_at_a_boundary_is_classified_by_its_total(opened, scheme, province_editor):
    decided = rate(opened[0], scheme, "69.99", user=province_editor)
    assert (decided.final_points, decided.classification) == (Decimal("69.99"), Classification.DONE)
    decided = rate(opened[1], scheme, "70", user=province_editor)
    assert decided.classification == Classification.GOOD
    stored = Evaluation.objects.get(pk=decided.pk)
    assert stored.status == EvaluationStatus.DECIDED and stored.decided_by == province_editor
    assert Score.objects.filter(evaluation=stored, final_points__isnull=False).count() == 7


def test_opening_skips_those_already_open_and_those_who_left(tree, office, province_editor, scheme):
    first = services.open_evaluations(unit=tree.province, year=YEAR, period=Period.YEAR, user=province_editor)
    assert len(first) == 6
    again = services.open_evaluations(unit=tree.province, year=YEAR, period=Period.YEAR, user=province_editor)
    assert again == []
    quarter = services.open_evaluations(unit=tree.province, year=YEAR, period=Period.Q1, user=province_editor)
    assert len(quarter) == 6
    assert Evaluation.objects.filter(scheme=scheme, status=EvaluationStatus.SELF).count() == 12


def test_opening_without_a_scheme_is_refused(tree, office, province_editor):
    with pytest.raises(ValidationError, match="Chưa có bộ tiêu chí"):
        services.open_evaluations(unit=tree.province, year=2024, period=Period.YEAR, user=province_editor)
    assert not Evaluation.objects.exists()


def test_a_scheme_not_adding_up_to_100_rates_nobody(tree, office, province_editor, scheme):
    criterion = scheme.criteria.first()
    criterion.max_points += 1
    criterion.save()
    with pytest.raises(ValidationError, match="phải bằng 100"):
        services.open_evaluations(unit=tree.province, year=YEAR, period=Period.YEAR, user=province_editor)
    assert not Evaluation.objects.exists()


def test_steps_go_in_order(opened, scheme, province_editor):
    evaluation = opened[0]
    points = spread(scheme, Decimal(80))
    for step in ("review", "decide"):
        with pytest.raises(ValidationError):
            services.record_step(
                evaluation, step=step, points=points, comment="", user=province_editor, base_version=None
            )
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.SELF and not evaluation.scores.exists()


def test_points_outside_a_criterion_are_refused_and_nothing_saved(opened, scheme, province_editor):
    evaluation = opened[0]
    points = spread(scheme, Decimal(80))
    criterion = scheme.criteria.order_by("order").first()
    points[criterion.pk] = criterion.max_points + Decimal("0.5")
    with pytest.raises(ValidationError, match="điểm phải từ 0 đến 10"):
        services.record_step(
            evaluation, step="self", points=points, comment="x", user=province_editor, base_version=None
        )
    del points[criterion.pk]
    with pytest.raises(ValidationError, match="Chưa chấm"):
        services.record_step(
            evaluation, step="self", points=points, comment="x", user=province_editor, base_version=None
        )
    evaluation.refresh_from_db()
    assert evaluation.self_points is None and evaluation.self_comment == ""
    assert not evaluation.scores.exists()


def test_a_decided_evaluation_is_locked(opened, scheme, province_editor):
    decided = rate(opened[0], scheme, 80, user=province_editor)
    for step in ("self", "review", "decide"):
        with pytest.raises(ValidationError, match="không sửa được"):
            services.record_step(
                decided,
                step=step,
                points=spread(scheme, Decimal(95)),
                comment="",
                user=province_editor,
                base_version=decided.version,
            )
    with pytest.raises(ValidationError, match="không sửa được"):
        services.delete_evaluation(decided)
    decided.refresh_from_db()
    assert decided.final_points == Decimal(80) and decided.classification == Classification.GOOD


def test_a_stale_form_is_refused(opened, scheme, province_editor):
    evaluation = opened[0]
    loaded = evaluation.version
    services.record_step(
        evaluation,
        step="self",
        points=spread(scheme, Decimal(75)),
        comment="Lần một",
        user=province_editor,
        base_version=loaded,
    )
    with pytest.raises(StaleEditError):
        services.record_step(
            evaluation,
            step="self",
            points=spread(scheme, Decimal(60)),
            comment="Lần hai",
            user=province_editor,
            base_version=loaded,
        )
    evaluation.refresh_from_db()
    assert (evaluation.self_points, evaluation.self_comment) == (Decimal(75), "Lần một")


def test_excellent_needs_five_good_each(opened, scheme, province_editor):
    """20% of "tốt": one "xuất sắc" takes five "tốt"."""
    for evaluation in opened[:4]:
        rate(evaluation, scheme, 80, user=province_editor)
    with pytest.raises(ValidationError) as refused:
        rate(opened[4], scheme, 95, user=province_editor)
    assert "1 xếp loại xuất sắc trên 4 xếp loại tốt" in str(refused.value)
    assert Evaluation.objects.get(pk=opened[4].pk).status == EvaluationStatus.DECISION
    rate(opened[5], scheme, 80, user=province_editor)
    evaluation = Evaluation.objects.get(pk=opened[4].pk)
    decided = services.record_step(
        evaluation,
        step="decide",
        points=spread(scheme, Decimal(95)),
        comment="",
        user=province_editor,
        base_version=evaluation.version,
        decision_date=DECIDED_ON,
    )
    assert decided.classification == Classification.EXCELLENT and decided.override_reason == ""


def test_a_unit_with_no_good_may_have_no_excellent_but_by_override(opened, scheme, province_editor):
    rate(opened[0], scheme, 60, user=province_editor)
    with pytest.raises(ValidationError) as refused:
        rate(opened[1], scheme, 92, user=province_editor)
    assert refused.value.message_dict["override_reason"][0].startswith(
        "Đơn vị có 1 xếp loại xuất sắc trên 0 xếp loại tốt"
    )
    evaluation = Evaluation.objects.get(pk=opened[1].pk)
    decided = services.record_step(
        evaluation,
        step="decide",
        points=spread(scheme, Decimal(92)),
        comment="",
        user=province_editor,
        base_version=evaluation.version,
        decision_date=DECIDED_ON,
        override_reason="  Thành tích đặc biệt xuất sắc trong năm.  ",
    )
    assert decided.classification == Classification.EXCELLENT
    assert decided.override_reason == "Thành tích đặc biệt xuất sắc trong năm."
    check = services.share_check(unit_id=decided.unit_id, year=YEAR, period=Period.YEAR, scheme=scheme)
    assert (check.excellent, check.good, check.allowed, check.exceeded) == (1, 0, 0, True)


def test_the_rule_counts_per_unit_and_per_period(tree, make_cadre, opened, scheme, province_editor):
    """A commune's "tốt" do not make room for the province office's "xuất sắc"."""
    for n in range(5):
        make_cadre(tree.commune_a, full_name=f"Xã {n}")
    commune = services.open_evaluations(
        unit=tree.commune_a, year=YEAR, period=Period.YEAR, user=province_editor
    )
    for evaluation in commune:
        rate(evaluation, scheme, 80, user=province_editor)
    quarter = services.open_evaluations(unit=tree.province, year=YEAR, period=Period.Q1, user=province_editor)
    for evaluation in quarter[:5]:
        rate(evaluation, scheme, 80, user=province_editor)
    with pytest.raises(ValidationError, match="0 xếp loại tốt"):
        rate(opened[0], scheme, 90, user=province_editor)


def test_bulk_decision_is_all_or_nothing(opened, scheme, province_editor):
    for evaluation, total in zip(opened, [95, 91, 80, 80, 80, 80], strict=True):
        rate(evaluation, scheme, total, user=province_editor, decide=False)
    ready = list(Evaluation.objects.filter(pk__in=[e.pk for e in opened]))
    with pytest.raises(ValidationError, match="2 xếp loại xuất sắc trên 4 xếp loại tốt"):
        services.decide_many(
            ready, decision_number="5-QĐ", decision_date=DECIDED_ON, override_reason="", user=province_editor
        )
    assert not Evaluation.objects.filter(status=EvaluationStatus.DECIDED).exists()
    assert not Score.objects.filter(final_points__isnull=False).exists()
    count = services.decide_many(
        ready,
        decision_number="5-QĐ",
        decision_date=DECIDED_ON,
        override_reason="Hai đồng chí lập thành tích đột xuất.",
        user=province_editor,
    )
    assert count == 6
    decided = Evaluation.objects.filter(status=EvaluationStatus.DECIDED)
    assert decided.count() == 6
    assert set(decided.exclude(override_reason="").values_list("classification", flat=True)) == {
        Classification.EXCELLENT
    }
    assert decided.filter(classification=Classification.EXCELLENT).count() == 2
    assert not Score.objects.filter(evaluation__in=decided, final_points__isnull=True).exists()
    with pytest.raises(ValidationError, match="đã quyết định"):
        services.decide_many(
            ready[:1],
            decision_number="6-QĐ",
            decision_date=DECIDED_ON,
            override_reason="",
            user=province_editor,
        )


def test_bulk_decision_of_one_unit_at_a_time(tree, make_cadre, opened, scheme, province_editor):
    make_cadre(tree.commune_a, full_name="Xã 1")
    (other,) = services.open_evaluations(
        unit=tree.commune_a, year=YEAR, period=Period.YEAR, user=province_editor
    )
    rate(opened[0], scheme, 80, user=province_editor, decide=False)
    rate(other, scheme, 80, user=province_editor, decide=False)
    with pytest.raises(ValidationError, match="của một đơn vị"):
        services.decide_many(
            list(Evaluation.objects.filter(status=EvaluationStatus.DECISION)),
            decision_number="1",
            decision_date=DECIDED_ON,
            override_reason="",
            user=province_editor,
        )


def test_field_work_points_are_suggested_from_the_trips(tree, office, opened, make_trip, scheme):
    """The province office's cadres owe 60 days (migration 0002): 15 days are a quarter of the
    criterion's 10 points; a registered trip does not count; more than the quota caps at 10."""
    lan, hung = office[0], office[1]
    start = datetime.date(2026, 3, 2)  # a Monday
    for week in range(3):
        monday = start + datetime.timedelta(weeks=week)
        make_trip(
            tree.province, tree.commune_a, [lan], starts_on=monday, ends_on=monday + datetime.timedelta(4)
        )
    make_trip(
        tree.province,
        tree.commune_b,
        [lan],
        starts_on=datetime.date(2026, 6, 1),
        ends_on=datetime.date(2026, 6, 5),
        status="registered",
    )
    make_trip(
        tree.province,
        tree.commune_b,
        [hung],
        starts_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2026, 6, 30),
        days=Decimal(66),
    )
    (fieldwork,) = scheme.criteria.filter(kind=CriterionKind.FIELDWORK)
    by_cadre = {e.cadre_id: e for e in opened}
    suggested = services.suggestions(by_cadre[lan.pk])[fieldwork.pk]
    assert (suggested.days, suggested.quota, suggested.points) == (Decimal(15), Decimal(60), Decimal("2.5"))
    assert suggested.explanation == "15/60 ngày đi cơ sở theo định mức."
    assert services.suggestions(by_cadre[hung.pk])[fieldwork.pk].points == Decimal(10)
    assert services.suggestions(by_cadre[office[2].pk])[fieldwork.pk].points == Decimal(0)


def test_evaluations_are_scoped_to_the_rating_unit(tree, make_cadre, opened, commune_editor, province_editor):
    make_cadre(tree.commune_a, full_name="Xã 1")
    (own,) = services.open_evaluations(
        unit=tree.commune_a, year=YEAR, period=Period.YEAR, user=province_editor
    )
    assert list(Evaluation.objects.visible_to(commune_editor)) == [own]
    assert Evaluation.objects.visible_to(province_editor).count() == 7
    assert Score.objects.visible_to(commune_editor).count() == 0


def test_latest_classification_is_the_latest_decided_year(opened, scheme, province_editor, tree, office):
    rate(opened[0], scheme, 40, user=province_editor)
    (quarter,) = [
        e
        for e in services.open_evaluations(
            unit=tree.province, year=YEAR, period=Period.Q1, user=province_editor
        )
        if e.cadre_id == opened[0].cadre_id
    ]
    rate(quarter, scheme, 95, user=province_editor, reason="Quý đặc biệt")
    latest = services.latest_classifications([office[0].pk, office[1].pk])
    assert list(latest) == [opened[0].cadre_id]
    assert latest[opened[0].cadre_id].classification == Classification.FAILED


def test_a_decision_is_dated_within_or_after_the_year_it_rates(opened, scheme, province_editor):
    evaluation = rate(opened[0], scheme, 80, user=province_editor, decide=False)
    points = spread(scheme, Decimal(80))
    for day, message in [
        (None, "Nhập ngày quyết định."),
        (datetime.date(2025, 12, 31), "Ngày quyết định không được trước năm được đánh giá (2026)."),
    ]:
        with pytest.raises(ValidationError) as refused:
            services.record_step(
                evaluation,
                step="decide",
                points=points,
                comment="",
                user=province_editor,
                base_version=evaluation.version,
                decision_date=day,
            )
        assert refused.value.message_dict == {"decision_date": [message]}
        with pytest.raises(ValidationError):
            services.decide_many(
                [evaluation], decision_number="1", decision_date=day, override_reason="", user=province_editor
            )
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.DECISION and evaluation.decision_date is None
