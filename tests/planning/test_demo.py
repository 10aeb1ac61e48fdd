"""The planning part of ``seed_demo`` (planning/demo.py): plans in every state of the workflow,
an approved annual review, uncovered posts, a vacancy, the next term's plan and the sourcing
pool; every candidate within the rules; seeded once however often it runs; and a number of
queries that does not grow with the roster."""

import io
from collections import Counter
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from accounts.demo import DEMO_PASSWORD
from accounts.management.commands.seed_demo import demo_modules
from accounts.models import User
from cadres.models import Appointment, Cadre, CadreStatus, Unit
from cadres.standards import StandardBook
from common.dates import add_years, today
from planning import demo as planning_demo
from planning.models import (
    AnnualReview,
    Candidate,
    PlanningRules,
    PlanStatus,
    Readiness,
    ReviewProposal,
    ReviewStatus,
    SourceOutcome,
    SourcePerson,
    StaffingNorm,
    SuccessionPlan,
)
from planning.rules import end_of_term_age, holding_limit, key_positions

# Two rosters with the same plans to make (``commune_plan_count``): the larger one stays seeded
# for the tests of this module.
SMALL, LARGE = 300, 900


@dataclass
class Demo:
    queries: dict[int, int]  # roster size → queries of the planning part


@pytest.fixture(scope="module", autouse=True)
def _fast_password_hashing():
    # seed_demo sets the demo passwords on every run; the production hasher is slow on purpose.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


def seed_counting(cadres: int) -> int:
    """Run every app's demo as ``seed_demo`` does; the number of queries planning's part sent."""
    options = {"seed": 2025, "cadres": cadres, "password": DEMO_PASSWORD, "log": lambda line: None}
    sent = 0
    for module in demo_modules():
        if module is planning_demo:
            with CaptureQueriesContext(connection) as queries:
                module.seed(**options)
            sent = len(queries)
        else:
            module.seed(**options)
    return sent


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo seeded at two roster sizes, the smaller one rolled back; the larger one stays for
    this module's tests and is rolled back after them."""
    with django_db_blocker.unblock(), transaction.atomic():
        with transaction.atomic():
            small = seed_counting(SMALL)
            transaction.set_rollback(True)
        large = seed_counting(LARGE)
        yield Demo(queries={SMALL: small, LARGE: large})
        transaction.set_rollback(True)


def plan_of(code: str, start: int = 2025) -> SuccessionPlan:
    return SuccessionPlan.objects.select_related("unit", "term").get(unit__code=code, term__start_year=start)


def commune_plans():
    return SuccessionPlan.objects.filter(unit__code__startswith="GL-", term__start_year=2025)


def test_it_approves_the_province_plan_with_an_approved_2026_review(demo, db):
    plan = plan_of("GL")
    review = plan.reviews.get()
    added = plan.candidates.filter(added_by_review=review)
    removed = plan.candidates.filter(removed_by_review=review)

    assert plan.status == PlanStatus.APPROVED
    assert plan.decision_number and plan.decided_on and plan.approving_body
    assert plan.approved_by.username == "lanhdao"
    assert (review.year, review.status, review.approved_by.username) == (
        2026,
        ReviewStatus.APPROVED,
        "lanhdao",
    )
    assert review.decision_number
    assert [candidate.is_live for candidate in added] == [True]
    assert [(c.removed_year, bool(c.removal_reason), bool(c.removal_note)) for c in removed] == [
        (2026, True, True)
    ]


def test_it_dates_the_approved_plans_first_candidates_in_the_year_of_approval(demo, db):
    plan = plan_of("GL")
    first = plan.candidates.filter(added_by_review=None)

    assert set(first.values_list("added_year", flat=True)) == {plan.decided_on.year}
    assert plan.submitted_at.date() < plan.decided_on


def test_it_has_commune_plans_in_each_state_of_the_workflow(demo, db):
    statuses = Counter(commune_plans().values_list("status", flat=True))
    returned = commune_plans().get(status=PlanStatus.RETURNED)

    assert set(statuses) == set(PlanStatus.values)
    assert statuses[PlanStatus.DRAFT] == 1
    assert returned.return_comment
    assert commune_plans().count() == len(planning_demo.COMMUNE_RECIPES)


def test_it_gives_the_commune_editor_its_own_plan_with_a_review_in_progress(demo, db):
    xa = User.objects.get(username="xa")
    plans = SuccessionPlan.objects.visible_to(xa)
    review = AnnualReview.objects.visible_to(xa).get()

    assert [plan.unit.code for plan in plans] == ["GL-P01"]
    assert plans.get().status == PlanStatus.APPROVED
    assert (review.year, review.status, review.created_by) == (2026, ReviewStatus.DRAFT, xa)
    assert review.added_candidates.count() == 1
    assert SourcePerson.objects.visible_to(xa).count() >= 3


def test_it_leaves_some_key_posts_without_a_candidate(demo, db):
    for plan in [plan_of("GL"), *commune_plans().select_related("unit")]:
        covered = set(plan.candidates.live().values_list("position_id", flat=True))
        keys = {position.pk for position in key_positions(plan.unit)}

        assert covered and covered < keys, plan


def test_it_leaves_a_communes_pho_bi_thu_post_vacant_with_a_candidate_ready(demo, db):
    commune = Unit.objects.get(code="GL-P02")
    norm = StaffingNorm.objects.get(unit_kind=commune.kind, position__code="pho-bi-thu")
    holders = Appointment.objects.open().filter(unit=commune, position=norm.position)
    moved = Cadre.objects.get(status=CadreStatus.TRANSFERRED, leaving_reason__contains="phường Quy Nhơn Đông")
    plan = plan_of("GL-P02")

    assert holders.count() < norm.count
    assert not moved.appointments.open().exists()
    assert plan.status == PlanStatus.APPROVED
    assert plan.candidates.live().filter(position=norm.position, readiness=Readiness.NOW).exists()


def test_it_drafts_the_provinces_plan_for_the_next_term(demo, db):
    plan = plan_of("GL", start=2030)

    assert (plan.term.end_year, plan.status) == (2035, PlanStatus.DRAFT)
    assert plan.candidates.live().count() >= 3


def test_it_seeds_a_sourcing_pool_of_people_16_or_older(demo, db):
    pool = SourcePerson.objects.all()
    became = pool.get(outcome=SourceOutcome.BECAME_CADRE)

    assert 25 <= pool.count() <= 35
    assert len(set(pool.values_list("category", flat=True))) >= 4
    assert set(pool.values_list("outcome", flat=True)) == set(SourceOutcome.values)
    assert len(set(pool.values_list("unit", flat=True))) >= 10
    assert all(add_years(person.birth_date, 16) <= today() for person in pool)
    assert became.cadre.full_name == became.full_name
    assert became.cadre.unit == became.unit


def test_every_candidate_keeps_the_rules(demo, db):
    rules, book = PlanningRules.current(), StandardBook()
    live = Candidate.objects.live().select_related("plan__unit", "plan__term", "cadre", "position")
    per_post = Counter((c.plan_id, c.position_id) for c in live)
    posts_of_cadre = Counter((c.cadre_id, c.plan.term_id, c.plan.unit.level) for c in live)

    assert live.count() > 40
    assert max(per_post.values()) <= rules.max_candidates_per_position
    assert max(posts_of_cadre.values()) <= rules.max_positions_per_cadre
    for candidate in live:
        plan, cadre = candidate.plan, candidate.cadre
        limit = holding_limit(book, plan, cadre, candidate.position)

        assert cadre.is_active, candidate
        assert candidate.position in key_positions(plan.unit), candidate
        assert limit is None or end_of_term_age(cadre, plan) <= limit, candidate


def test_it_seeds_once_however_often_it_runs(demo, db):
    models = (SuccessionPlan, Candidate, AnnualReview, ReviewProposal, SourcePerson)

    def counts() -> dict[str, int]:
        found = {model.__name__: model.objects.count() for model in models}
        found |= {f"{model.__name__} history": model.history.count() for model in models}
        return found | {"archived": Cadre.objects.exclude(status=CadreStatus.ACTIVE).count()}

    before = counts()
    call_command("seed_demo", "--cadres", str(LARGE), stdout=io.StringIO())

    assert counts() == before


def test_its_queries_do_not_grow_with_the_roster(demo, db):
    assert demo.queries[SMALL] == demo.queries[LARGE]
    assert demo.queries[LARGE] < 1000


def test_it_plans_more_communes_for_a_larger_roster():
    count = planning_demo.commune_plan_count

    assert count(SMALL, 24) == count(LARGE, 24) == len(planning_demo.COMMUNE_RECIPES)
    assert count(20_000, 24) == 10
    assert count(100_000, 24) == count(1_000_000, 24) == 24
