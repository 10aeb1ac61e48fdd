"""The training part of ``seed_demo`` (training/demo.py): last year's and this year's courses —
the title course of 243 learners, LLCT, English B1, the contest with its prizes, resolution
studies, courses under way, open and planned —, levels raised by completions with the history
saying why, some learners failed or withdrawn; seeded once however often it runs; and the bulk
path of large rosters leaving what the services leave."""

import io
import unicodedata
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
from cadres.demo import demo_anchor
from cadres.models import Cadre, LanguageLevel, PoliticalTheory, UnitLevel
from training import demo as training_demo
from training.models import Course, CourseStatus, Enrollment, EnrollmentStatus

CADRES = 900
SEED = 2025
S = EnrollmentStatus


@dataclass
class Demo:
    anchor: object
    services: dict  # what the demo left, run through the services
    bulk: dict  # the same, every course written in bulk
    bulk_queries: int
    bulk_learners: int


@pytest.fixture(scope="module", autouse=True)
def _fast_password_hashing():
    # seed_demo sets the demo passwords on every run; the production hasher is slow on purpose.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


def seed_before_training() -> None:
    options = {"seed": SEED, "cadres": CADRES, "password": DEMO_PASSWORD, "log": lambda line: None}
    for module in demo_modules():
        if module is not training_demo:
            module.seed(**options)


def seed_training() -> None:
    training_demo.seed(seed=SEED, cadres=CADRES, log=lambda line: None)


def outcome() -> dict:
    """What the demo left, in terms that do not depend on primary keys or versions."""
    enrolments = Enrollment.objects.values_list(
        "course__name",
        "cadre__national_id",
        "status",
        "score",
        "result",
        "prize",
        "certificate_number",
        "certificate_date",
        "note",
        "raised",
        "raised_from",
        "raised_to",
    )
    levels = Cadre.objects.values_list(
        "national_id", "political_theory", "foreign_language_level", "below_standard"
    )
    reasons = Cadre.history.filter(history_change_reason__startswith="Hoàn thành khoá học")
    return {
        "courses": set(Course.objects.values_list("name", "organiser__code", "status", "starts_on")),
        "enrolments": set(enrolments),
        "levels": set(levels),
        "history": Counter(reasons.values_list("national_id", "history_change_reason")),
    }


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The roster seeded once; the training part run in bulk (rolled back), then through the
    services (kept for this module's tests, rolled back after them)."""
    with django_db_blocker.unblock(), transaction.atomic():
        seed_before_training()
        with transaction.atomic():
            original = training_demo.ONE_BY_ONE_MAX
            training_demo.ONE_BY_ONE_MAX = 0
            try:
                with CaptureQueriesContext(connection) as queries:
                    seed_training()
            finally:
                training_demo.ONE_BY_ONE_MAX = original
            bulk, bulk_learners = outcome(), Enrollment.objects.count()
            transaction.set_rollback(True)
        seed_training()
        yield Demo(demo_anchor(SEED), outcome(), bulk, len(queries), bulk_learners)
        transaction.set_rollback(True)


def course(prefix: str) -> Course:
    return Course.objects.select_related("kind", "organiser").get(name__startswith=prefix)


def test_it_seeds_last_years_courses_by_name(demo, db):
    last = demo.anchor.year - 1
    names = {
        f"Bồi dưỡng chức danh Bí thư, Phó Bí thư Đoàn cơ sở năm {last}": "chuc-danh-bi-thu-co-so",
        f"Hội thi Bí thư Chi đoàn giỏi năm {last}": "hoi-thi",
        f"Tiếng Anh bậc 3 (B1) cho cán bộ Đoàn năm {last}": "tieng-anh-b1",
        f"Lớp Trung cấp LLCT – HC khoá {last}, hệ tập trung": "llct-trung-cap",
        f"Lớp Sơ cấp LLCT phường Quy Nhơn năm {last}": "llct-so-cap",
    }
    for name, kind in names.items():
        found = Course.objects.get(name=name)

        assert (found.kind.code, found.status, found.starts_on.year) == (kind, CourseStatus.FINISHED, last)


def test_it_enrols_243_base_level_learners_in_the_title_course(demo, db):
    title = course("Bồi dưỡng chức danh Bí thư, Phó Bí thư Đoàn cơ sở")
    learners = title.enrollments.select_related("cadre__unit", "cadre__position")
    heads = Cadre.objects.active().filter(
        unit__level=UnitLevel.BASE, position__code__in=["bi-thu", "pho-bi-thu"]
    )

    assert (
        Cadre.objects.active().filter(unit__level=UnitLevel.BASE).count() >= 243
    )  # the roster is large enough
    assert learners.count() == 243
    assert {learner.cadre.unit.level for learner in learners} == {UnitLevel.BASE}
    assert set(heads.values_list("pk", flat=True)) <= {learner.cadre_id for learner in learners}
    assert title.organiser.code == "GL"
    assert set(title.target_positions.values_list("code", flat=True)) == {"bi-thu", "pho-bi-thu"}


def test_it_runs_the_resolution_studies_of_the_province_and_the_demo_commune(demo, db):
    studies = Course.objects.filter(kind__code="hoc-tap-nghi-quyet").select_related("organiser")
    active = Cadre.objects.active().count()
    province_study = studies.get(organiser__code="GL")

    assert {study.organiser.code for study in studies} == {"GL", "GL-P01"}
    assert 0.75 * active < province_study.enrollments.count() < 0.95 * active
    assert province_study.enrollments.filter(status=S.REGISTERED).exists()  # some did not come


def test_it_gives_the_contest_its_prizes_by_score(demo, db):
    contest = course("Hội thi Bí thư Chi đoàn giỏi")
    prizes = Counter(contest.enrollments.exclude(prize="").values_list("prize", flat=True))
    best = contest.enrollments.order_by("-score", "cadre_id").first()

    assert prizes == {"Giải Nhất": 1, "Giải Nhì": 2, "Giải Ba": 3, "Giải Khuyến khích": 4}
    assert best.prize == "Giải Nhất"
    assert set(contest.enrollments.values_list("cadre__position__code", "cadre__unit__level")) == {
        ("bi-thu", UnitLevel.BRANCH)
    }


def test_completing_llct_raises_the_level_and_the_history_says_which_course(demo, db):
    for prefix, level in (
        ("Lớp Trung cấp LLCT", PoliticalTheory.INTERMEDIATE),
        ("Lớp Sơ cấp LLCT", PoliticalTheory.ELEMENTARY),
    ):
        completed = Enrollment.objects.filter(
            course__name__startswith=prefix, course__status=CourseStatus.FINISHED, status=S.COMPLETED
        ).select_related("cadre", "course")

        assert completed.exists()
        for enrolment in completed:
            history = enrolment.cadre.history.filter(history_change_reason__contains=enrolment.course.name)

            assert enrolment.cadre.political_theory == level
            assert (enrolment.raised, enrolment.raised_to) == ("political_theory", level)
            assert enrolment.raised_from < level
            assert [record.political_theory for record in history] == [level]


def test_completing_english_b1_raises_the_language_level(demo, db):
    completed = course("Tiếng Anh bậc 3 (B1)").enrollments.filter(status=S.COMPLETED)

    assert completed.exists()
    for enrolment in completed.select_related("cadre"):
        assert (enrolment.cadre.foreign_language, enrolment.cadre.foreign_language_level) == (
            "Tiếng Anh",
            LanguageLevel.B1,
        )
        assert enrolment.certificate_number and enrolment.certificate_date


def test_some_learners_fail_and_some_withdraw_without_a_certificate(demo, db):
    for found in (course("Bồi dưỡng chức danh Bí thư"), Course.objects.get(name__endswith="hệ tập trung")):
        statuses = Counter(found.enrollments.values_list("status", flat=True))

        assert statuses[S.FAILED] >= 1 and statuses[S.WITHDRAWN] >= 1, found
        assert statuses[S.COMPLETED] > statuses[S.FAILED] + statuses[S.WITHDRAWN], found
    assert not Enrollment.objects.exclude(status=S.COMPLETED).exclude(certificate_number="").exists()
    assert not Enrollment.objects.filter(status=S.FAILED, result="").exists()
    assert not Enrollment.objects.filter(status=S.WITHDRAWN, note="").exists()


def test_it_has_courses_under_way_open_and_planned_from_the_demos_day(demo, db):
    running = Course.objects.get(status=CourseStatus.RUNNING)
    open_courses = Course.objects.filter(status=CourseStatus.OPEN)
    planned = Course.objects.get(status=CourseStatus.PLANNED)

    assert running.starts_on <= demo.anchor <= running.ends_on
    assert set(running.enrollments.values_list("status", flat=True)) == {S.ATTENDING, S.WITHDRAWN}
    assert open_courses.count() == 2
    for open_course in open_courses:
        assert open_course.starts_on > demo.anchor
        assert open_course.enrollments.filter(status=S.REGISTERED).exists()
    assert planned.starts_on > demo.anchor and not planned.enrollments.exists()
    assert not Course.objects.filter(status=CourseStatus.FINISHED, ends_on__gte=demo.anchor).exists()
    assert Course.objects.earliest("starts_on").starts_on.year == demo.anchor.year - 1


def test_it_lets_the_province_and_some_communes_organise(demo, db):
    xa = User.objects.get(username="xa")
    organisers = Counter(Course.objects.values_list("organiser__level", flat=True))
    own = Course.objects.managed_by(xa)

    assert set(organisers) == {UnitLevel.PROVINCE, UnitLevel.BASE}
    assert organisers[UnitLevel.BASE] >= training_demo.MIN_COMMUNE_CLASSES + 1
    assert own.count() >= 3
    assert set(own.values_list("created_by__username", flat=True)) == {"xa"}


def test_it_writes_vietnamese_text_in_nfc(demo, db):
    texts = [
        *Course.objects.values_list("name", "place", "description"),
        *Enrollment.objects.values_list("result", "prize", "note"),
    ]

    assert all(unicodedata.is_normalized("NFC", text) for row in texts for text in row)


def test_its_history_reasons_fit_the_history_column(demo, db):
    # SQLite stores a longer one; PostgreSQL refuses it (varchar(100)) and the demo with it.
    limit = Cadre.history.model._meta.get_field("history_change_reason").max_length
    reasons = Cadre.history.exclude(history_change_reason=None).values_list(
        "history_change_reason", flat=True
    )

    assert reasons and max(len(reason) for reason in reasons) <= limit


def test_it_seeds_once_however_often_it_runs(demo, db):
    def counts() -> dict[str, int]:
        return {
            "courses": Course.objects.count(),
            "enrolments": Enrollment.objects.count(),
            "course history": Course.history.count(),
            "enrolment history": Enrollment.history.count(),
            "cadre history": Cadre.history.count(),
        }

    before = counts()
    call_command("seed_demo", "--cadres", str(CADRES), stdout=io.StringIO())

    assert counts() == before


def test_its_bulk_path_leaves_what_the_services_leave(demo, db):
    assert demo.bulk == demo.services
    assert demo.services["history"]  # levels were raised, with their reasons


def test_its_bulk_path_sends_a_few_queries_per_course_not_per_learner(demo, db):
    courses = len(demo.services["courses"])

    assert demo.bulk_learners > 1000
    assert demo.bulk_queries < 40 * courses
