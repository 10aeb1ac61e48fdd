"""The field-work part of ``seed_demo`` (fieldwork/demo.py): a year of the province office's trips
around the demo's day — made and reported, overdue, still within their time, cancelled, to
come —, no cadre on two trips at once, base units left unvisited, the demo commune's own trips,
a secondment holding a real post, a calendar feed; the year's evaluations at every step, one
unit decided over the 20% rule and one over it at the decision step; seeded once however often
it runs; and the bulk path of large rosters leaving what ``trip_save`` leaves."""

import datetime
import io
import itertools
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from accounts.management.commands.seed_demo import demo_modules
from accounts.models import User
from cadres.demo import demo_anchor
from cadres.models import Appointment, AppointmentKind, Cadre, Unit, UnitLevel
from fieldwork import demo as fieldwork_demo
from fieldwork.evaluation import services as evaluation_services
from fieldwork.evaluation.models import Classification, Evaluation, EvaluationStatus, Period, Score
from fieldwork.models import (
    COUNTED,
    CalendarFeed,
    FieldTrip,
    Secondment,
    SecondmentYear,
    TripMember,
    TripStatus,
    shortest_secondment_end,
)
from fieldwork.services import default_days
from fieldwork.workdays import working_days

CADRES = 600
SEED = 2025
LOG = re.compile(
    r"Đi cơ sở: (\d+) đợt, (\d+) lượt cán bộ, [\d,]+ ngày, (\d+) báo cáo quá hạn; "
    r"1 cán bộ tăng cường cơ sở; (\d+) cơ sở chưa được đến \(\d+\.\d s\)\."
)
EVALUATION_LOG = re.compile(
    r"Đánh giá, xếp loại: (\d+) phiếu năm (\d+) \((\d+) chờ tự đánh giá, (\d+) chờ tập thể nhận xét, "
    r"(\d+) chờ quyết định, (\d+) đã quyết định\), (\d+) phiếu năm (\d+) \(\d+\.\d s\)\."
)


@dataclass
class Demo:
    anchor: datetime.date
    log: list[str]
    services: dict  # what the demo left, every trip saved through trip_save
    bulk: dict  # the same, the province's trips written in bulk


@pytest.fixture(scope="module", autouse=True)
def _fast_password_hashing():
    # seed_demo sets the demo passwords on every run; the production hasher is slow on purpose.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


def seed_before_fieldwork() -> None:
    options = {"seed": SEED, "cadres": CADRES, "password": DEMO_PASSWORD, "log": lambda line: None}
    for module in demo_modules():
        if module is fieldwork_demo:
            return
        module.seed(**options)


def seed_fieldwork(one_by_one_max: int, log=lambda line: None) -> None:
    original = fieldwork_demo.ONE_BY_ONE_MAX
    fieldwork_demo.ONE_BY_ONE_MAX = one_by_one_max
    try:
        fieldwork_demo.seed(seed=SEED, cadres=CADRES, log=log)
    finally:
        fieldwork_demo.ONE_BY_ONE_MAX = original


def outcome() -> dict:
    """What the demo left, in terms that do not depend on primary keys or the seconds it ran."""
    key = ("organiser__code", "host__code", "starts_on", "ends_on")
    trips = FieldTrip.objects.values_list(
        *key[1:],
        "organiser__code",
        "topic",
        "plan",
        "status",
        "report_due_on",
        "results",
        "difficulties",
        "proposals",
        "reported_at",
        "reported_by__username",
        "created_by__username",
        "version",
    )
    created = [
        (*row[:-1], timezone.localdate(row[-1])) for row in FieldTrip.objects.values_list(*key, "created_at")
    ]
    return {
        "trips": Counter(trips),
        "created": Counter(created),
        "members": Counter(
            TripMember.objects.values_list(*(f"trip__{k}" for k in key), "cadre__national_id", "days")
        ),
        "activities": Counter(FieldTrip.objects.values_list(*key, "activities__code")),
        "secondments": set(Secondment.objects.values_list("cadre__national_id", "host__code", "starts_on")),
    }


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The roster seeded once; the field-work part written in bulk (rolled back), then through
    the services (kept for this module's tests, rolled back after them)."""
    with django_db_blocker.unblock(), transaction.atomic():
        seed_before_fieldwork()
        with transaction.atomic():
            seed_fieldwork(0)
            bulk = outcome()
            transaction.set_rollback(True)
        lines = []
        seed_fieldwork(10**6, log=lines.append)
        yield Demo(demo_anchor(SEED), lines, outcome(), bulk)
        transaction.set_rollback(True)


def office_trips():
    return FieldTrip.objects.filter(organiser__code="GL").select_related("organiser", "host")


def test_it_seeds_a_year_of_the_province_offices_trips_to_the_units_below(demo, db):
    trips = office_trips()
    in_year = trips.in_year(demo.anchor.year)
    members = TripMember.objects.filter(trip__in=trips).select_related("cadre")
    topics = trips.exclude(topic="").count()

    assert in_year.count() >= 100
    assert trips.filter(starts_on__gt=demo.anchor).exists()
    for trip in trips:
        assert trip.host.is_within(trip.organiser) and trip.host != trip.organiser
        assert trip.host.level in (UnitLevel.BASE, UnitLevel.BRANCH)
        assert 1 <= trip.length <= 5
        assert 1 <= trip.members.count() <= 3
        assert trip.activities.exists() and trip.plan
    assert {member.cadre.unit.code for member in members} == {"GL"}
    assert 0.3 < topics / trips.count() < 0.7
    assert trips.filter(topic__startswith="Kiểm tra công tác Đoàn và phong trào thanh niên quý").exists()


def test_no_cadre_is_on_two_trips_or_a_trip_and_a_secondment_at_once(demo, db):
    spans = defaultdict(list)
    for cadre, start, end in TripMember.objects.values_list("cadre_id", "trip__starts_on", "trip__ends_on"):
        spans[cadre].append((start, end))
    for cadre, start, end in Secondment.objects.values_list("cadre_id", "starts_on", "ends_on"):
        spans[cadre].append((start, end))

    assert len(spans) >= 20
    for cadre, dates in spans.items():
        dates.sort()
        for (_, end), (start, _) in itertools.pairwise(dates):
            assert start > end, (cadre, dates)


def test_trips_before_the_demos_day_are_made_and_mostly_reported_days_after(demo, db):
    past = FieldTrip.objects.filter(ends_on__lt=demo.anchor)
    statuses = Counter(past.values_list("status", flat=True))
    reported = past.filter(status=TripStatus.REPORTED).select_related("reported_by")

    assert set(statuses) == {TripStatus.DONE, TripStatus.REPORTED, TripStatus.CANCELLED}
    assert statuses[TripStatus.REPORTED] > 0.85 * past.count()
    for trip in reported:
        reported_on = timezone.localdate(trip.reported_at)
        assert trip.ends_on < reported_on <= trip.report_due_on and reported_on < demo.anchor
        assert trip.results
        assert trip.reported_by.username == ("xa" if trip.organiser.code == "GL-P01" else "tinhdoan")
    assert reported.exclude(difficulties="").exists() and reported.exclude(proposals="").exists()
    assert not FieldTrip.objects.exclude(status=TripStatus.REPORTED).exclude(results="").exists()


def test_a_handful_of_reports_are_overdue_one_by_a_day(demo, db):
    overdue = FieldTrip.objects.overdue(demo.anchor)
    past = FieldTrip.objects.filter(ends_on__lt=demo.anchor).count()

    assert 5 <= overdue.count() <= 0.05 * past
    assert set(overdue.values_list("status", flat=True)) == {TripStatus.DONE}
    assert overdue.filter(ends_on=demo.anchor - datetime.timedelta(days=11)).exists()
    assert {trip.report_due_on - trip.ends_on for trip in FieldTrip.objects.all()} == {
        datetime.timedelta(days=10)
    }


def test_the_latest_trips_are_still_within_their_ten_days(demo, db):
    waiting = FieldTrip.objects.filter(
        status=TripStatus.DONE, ends_on__lt=demo.anchor, report_due_on__gte=demo.anchor
    )

    assert waiting.exists()


def test_a_few_trips_to_come_are_registered_with_their_topics(demo, db):
    to_come = FieldTrip.objects.filter(starts_on__gt=demo.anchor)

    assert 0 < to_come.count() < 0.1 * FieldTrip.objects.count()
    assert set(to_come.values_list("status", flat=True)) == {TripStatus.REGISTERED}
    assert not to_come.filter(topic="").exists()
    assert not FieldTrip.objects.filter(status=TripStatus.REGISTERED, starts_on__lte=demo.anchor).exists()


def test_it_cancels_one_trip(demo, db):
    cancelled = FieldTrip.objects.get(status=TripStatus.CANCELLED)

    assert cancelled.ends_on < demo.anchor and cancelled.reported_at is None


def test_each_cadre_counts_the_trips_working_days_a_few_half_a_day_less(demo, db):
    halves = 0
    for member in TripMember.objects.select_related("trip"):
        default = default_days(member.trip)
        assert member.days in (default, default - Decimal("0.5")), member
        halves += member.days != default and member.days % 1 != 0

    assert halves >= 1


def test_the_office_cadres_are_spread_around_the_pro_rata_mark(demo, db):
    """Some at or past the mark, some behind it, one at least without a trip."""
    year = demo.anchor.year
    first = FieldTrip.objects.filter(organiser__code="GL").earliest("starts_on").starts_on
    mark = 60 * working_days(first, demo.anchor - datetime.timedelta(days=1))
    mark /= working_days(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    counted = TripMember.objects.filter(trip__status__in=COUNTED, trip__ends_on__lt=demo.anchor)
    days = Counter()
    for cadre, value in counted.values_list("cadre_id", "days"):
        days[cadre] += value
    office = Cadre.objects.active().filter(unit__code="GL")
    seconded = set(Secondment.objects.values_list("cadre_id", flat=True))
    figures = [days[pk] for pk in office.values_list("pk", flat=True) if pk not in seconded]

    assert min(figures) == 0
    assert max(figures) >= Decimal(mark)
    assert sum(1 for value in figures if 0 < value < Decimal(mark)) >= len(figures) // 4


def test_it_leaves_a_few_base_units_unvisited_this_year(demo, db):
    trips = FieldTrip.objects.counted().in_year(demo.anchor.year)
    secondments = Secondment.objects.in_year(demo.anchor.year)
    visited = {*trips.values_list("host__path", flat=True), *secondments.values_list("host__path", flat=True)}
    base = Unit.objects.filter(level=UnitLevel.BASE)
    unvisited = [unit for unit in base if not any(path.startswith(unit.path) for path in visited)]

    assert 3 <= len(unvisited) <= 8
    assert "GL-P01" not in {unit.code for unit in unvisited}


def test_the_demo_communes_cadres_visit_its_chi_doan(demo, db):
    xa = User.objects.get(username="xa")
    own = FieldTrip.objects.visible_to(xa).select_related("host")

    assert own.count() >= 1
    assert set(own.values_list("organiser__code", "created_by__username")) == {("GL-P01", "xa")}
    assert {trip.host.level for trip in own} == {UnitLevel.BRANCH}


def test_it_seconds_a_province_cadre_to_hold_a_pho_bi_thu_post_in_a_commune(demo, db):
    secondment = Secondment.objects.select_related("cadre__unit", "host", "appointment__position").get()
    appointment = secondment.appointment

    assert secondment.cadre.unit.code == "GL"
    assert secondment.host.level == UnitLevel.BASE
    assert secondment.starts_on <= demo.anchor <= secondment.ends_on
    assert secondment.ends_on >= shortest_secondment_end(secondment.starts_on)
    assert re.fullmatch(r"\d+-QĐ/TĐTN-TCKT", secondment.decision_number)
    assert secondment.decision_date < secondment.starts_on
    assert (appointment.kind, appointment.unit, appointment.position.code) == (
        AppointmentKind.CONCURRENT,
        secondment.host,
        "pho-bi-thu",
    )
    assert appointment.ended_on is None and appointment.cadre == secondment.cadre
    assert Appointment.objects.open().filter(cadre=secondment.cadre).exclude(pk=appointment.pk).exists()
    assert SecondmentYear.objects.filter(secondment=secondment, year=demo.anchor.year, days__gt=0).exists()


def test_the_province_editor_has_a_calendar_feed_of_her_trips(demo, db):
    feed = CalendarFeed.objects.select_related("cadre").get(user__username="tinhdoan")

    assert feed.cadre is not None and feed.token
    assert feed.cadre.field_trips.filter(trip__status__in=COUNTED).exists()
    assert feed.cadre.field_trips.filter(trip__starts_on__gt=demo.anchor).exists()


def test_it_logs_one_summary_line(demo, db):
    found = [LOG.fullmatch(line) for line in demo.log]
    trips, members, overdue, unvisited = map(int, next(match for match in found if match).groups())

    assert trips == FieldTrip.objects.count()
    assert members == TripMember.objects.count()
    assert overdue == FieldTrip.objects.overdue(demo.anchor).count()
    assert unvisited >= 3


def test_it_writes_vietnamese_text_in_nfc(demo, db):
    texts = FieldTrip.objects.values_list("topic", "plan", "results", "difficulties", "proposals")

    assert all(unicodedata.is_normalized("NFC", text) for row in texts for text in row)


def test_it_seeds_once_however_often_it_runs(demo, db):
    def counts() -> dict[str, int]:
        return {
            "trips": FieldTrip.objects.count(),
            "members": TripMember.objects.count(),
            "secondments": Secondment.objects.count(),
            "appointments": Appointment.objects.count(),
            "feeds": CalendarFeed.objects.count(),
            "trip history": FieldTrip.history.count(),
            "member history": TripMember.history.count(),
            "evaluations": Evaluation.objects.count(),
            "scores": Score.objects.count(),
            "evaluation history": Evaluation.history.count(),
        }

    before = counts()
    call_command("seed_demo", "--cadres", str(CADRES), stdout=io.StringIO())

    assert counts() == before


def test_its_bulk_path_leaves_what_the_services_leave(demo, db):
    assert demo.bulk == demo.services
    assert sum(demo.services["trips"].values()) > fieldwork_demo.ONE_BY_ONE_MAX  # bulk by default


# --- The evaluations -------------------------------------------------------------------------


def rated_units() -> set[str]:
    return set(Evaluation.objects.values_list("unit__code", flat=True))


def test_it_rates_every_working_cadre_of_the_offices_and_the_demo_commune(demo, db):
    year = Evaluation.objects.filter(year=demo.anchor.year, period=Period.YEAR)
    for code in ("GL", "GL-CQD", "GL-P01"):
        working = set(Cadre.objects.active().filter(unit__code=code).values_list("pk", flat=True))
        assert set(year.filter(unit__code=code).values_list("cadre_id", flat=True)) == working

    assert rated_units() == {"GL", "GL-CQD", "GL-P01"}
    assert Evaluation.objects.filter(year=demo.anchor.year - 1).exclude(unit__code="GL").count() == 0
    previous = Evaluation.objects.filter(year=demo.anchor.year - 1)
    assert previous.count() == year.filter(unit__code="GL").count()
    assert set(previous.values_list("status", flat=True)) == {EvaluationStatus.DECIDED}


def test_the_evaluations_are_at_every_step_most_decided(demo, db):
    year = Evaluation.objects.filter(year=demo.anchor.year)
    steps = Counter(year.values_list("status", flat=True))

    assert set(steps) == set(EvaluationStatus.values)
    assert steps[EvaluationStatus.DECIDED] > year.count() / 2
    for code in ("GL", "GL-P01"):  # the commune editor's commune too
        assert set(year.filter(unit__code=code).values_list("status", flat=True)) == set(
            EvaluationStatus.values
        )
    decided = year.filter(status=EvaluationStatus.DECIDED).select_related("decided_by")
    assert {e.decided_by.username for e in decided} == {"lanhdao"}
    assert all(e.decision_number and e.decision_date and e.final_points == e.review_points for e in decided)
    assert {
        e.self_by.username for e in year.exclude(status=EvaluationStatus.SELF).select_related("self_by")
    } == {
        "tinhdoan",
        "xa",
    }


def test_each_evaluation_holds_what_its_steps_wrote(demo, db):
    """Totals are their criteria's points, the classification the latest step's, the field-work
    criterion what the trips suggest, the history a record per step."""
    evaluations = Evaluation.objects.filter(year=demo.anchor.year).select_related("scheme", "cadre__unit")
    for evaluation in evaluations.prefetch_related("scores__criterion"):
        scores = list(evaluation.scores.all())
        steps = ("self", "review", "final")[
            : ["self", "review", "decision", "decided"].index(evaluation.status)
        ]
        assert len(scores) == (7 if steps else 0)
        for step in steps:
            assert sum(getattr(s, f"{step}_points") for s in scores) == getattr(evaluation, f"{step}_points")
        assert all(
            0 <= points <= s.criterion.max_points
            for s in scores
            for points in (s.self_points, s.review_points, s.final_points)
            if points is not None
        )
        expected = evaluation.scheme.classify(evaluation.points) if steps else ""
        assert evaluation.classification == expected
        assert evaluation.history.count() == evaluation.version == len(steps) + 1
    for evaluation in evaluations.filter(status=EvaluationStatus.DECIDED).order_by("pk")[:20]:
        ((criterion_id, suggestion),) = evaluation_services.suggestions(evaluation).items()
        assert evaluation.scores.get(criterion_id=criterion_id).final_points == suggestion.points


def test_one_unit_is_decided_over_the_20_percent_rule_with_its_reason(demo, db):
    over = []
    for code in rated_units():
        evaluation = Evaluation.objects.filter(unit__code=code, year=demo.anchor.year).first()
        check = evaluation_services.share_check(
            unit_id=evaluation.unit_id, year=demo.anchor.year, period=Period.YEAR, scheme=evaluation.scheme
        )
        if check.exceeded:
            over.append(code)
    decided_over = Evaluation.objects.filter(unit__code="GL-CQD", year=demo.anchor.year)

    assert sorted(over) == ["GL-CQD", "GL-P01"]
    assert set(decided_over.values_list("status", flat=True)) == {EvaluationStatus.DECIDED}
    excellent = decided_over.filter(classification=Classification.EXCELLENT)
    assert excellent.exists() and not excellent.filter(override_reason="").exists()
    assert not Evaluation.objects.exclude(unit__code="GL-CQD").exclude(override_reason="").exists()


def test_the_approver_is_refused_a_commune_xuat_sac_over_the_rule_without_a_reason(demo, db):
    commune = Evaluation.objects.filter(unit__code="GL-P01", year=demo.anchor.year)
    waiting = commune.filter(status=EvaluationStatus.DECISION)
    excellent = waiting.filter(classification=Classification.EXCELLENT).first()
    assert not commune.filter(
        status=EvaluationStatus.DECIDED, classification=Classification.EXCELLENT
    ).exists()
    points = {score.criterion_id: score.review_points for score in excellent.scores.all()}

    with pytest.raises(ValidationError) as refused:
        evaluation_services.record_step(
            excellent,
            step="decide",
            points=points,
            comment="",
            user=User.objects.get(username="lanhdao"),
            base_version=excellent.version,
            decision_number="1-QĐ",
            decision_date=demo.anchor,
        )

    assert "override_reason" in refused.value.message_dict


def test_it_logs_the_evaluations_in_one_line(demo, db):
    (match,) = [found for line in demo.log if (found := EVALUATION_LOG.fullmatch(line))]
    count, year, waiting_self, waiting_review, waiting_decision, decided, previous, last_year = map(
        int, match.groups()
    )
    this_year = Evaluation.objects.filter(year=year)

    assert year == demo.anchor.year and last_year == year - 1
    assert count == this_year.count() == waiting_self + waiting_review + waiting_decision + decided
    assert waiting_decision == this_year.filter(status=EvaluationStatus.DECISION).count()
    assert previous == Evaluation.objects.filter(year=last_year).count()


def test_the_evaluations_text_is_in_nfc(demo, db):
    texts = Evaluation.objects.values_list("self_comment", "review_comment", "override_reason")

    assert all(unicodedata.is_normalized("NFC", text) for row in texts for text in row)
