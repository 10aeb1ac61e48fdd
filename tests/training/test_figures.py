"""The year's training figures (training/figures.py) against a hand count over a small world: a
province with two communes and a chi đoàn, courses of several kinds in and around 2024, some
learners withdrawn, one cadre gone, and a course of another province."""

import datetime
from types import SimpleNamespace

import pytest

from accounts.models import Role
from cadres import registry
from cadres.models import CadreStatus
from planning.models import Candidate, RemovalReason, SuccessionPlan, Term
from tests.factories import UserFactory, position
from training.figures import PLANNED_TRAINED_GOAL, PlannedTraining, training_figures
from training.models import Course, CourseKind, CourseStatus, Enrollment, EnrollmentStatus

START, END = datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)
C, A, R, F, W = (
    EnrollmentStatus.COMPLETED,
    EnrollmentStatus.ATTENDING,
    EnrollmentStatus.REGISTERED,
    EnrollmentStatus.FAILED,
    EnrollmentStatus.WITHDRAWN,
)


def held(make_course, cadres, kind: str, organiser, starts_on, status=CourseStatus.FINISHED, **learners):
    """A course of ``kind`` with learners given as ``cadre_name=status``."""
    made = make_course(
        organiser,
        kind,
        name=f"{kind} {organiser.code} {starts_on}",
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(days=3),
        status=status,
    )
    for name, learner_status in learners.items():
        Enrollment.objects.create(course=made, cadre=cadres[name], status=learner_status)
    return made


@pytest.fixture
def world(tree, make_cadre, make_course):
    """Cadres a1–a5 in commune A (a5 in its chi đoàn, a4 gone since), b1–b2 in commune B, p1–p2
    at the province, q1 in another province; and these courses (C1…C9):

    ====  ==================  ==========  ==========  =========  ===================================
    name  kind                organiser   starts      status     learners
    ====  ==================  ==========  ==========  =========  ===================================
    C1    LLCT trung cấp      province    2024-03-01  finished   a1 C, b1 C, p1 F, a2 W
    C2    resolution study    commune A   2024-05-10  finished   a1 C, a2 A, a3 R, a5 C, a4 C
    C3    English B1          commune B   2024-06-01  finished   b1 C, b2 F
    C4    title (Bí thư)      province    2023-11-01  finished   a3 C            (before the year)
    C5    contest             province    2025-02-01  finished   b2 C            (after the year)
    C6    professional        province    2024-10-01  planned    a3 R            (not held)
    C7    professional        province    2024-12-01  open       (none)
    C8    LLCT trung cấp      other prov  2024-04-01  finished   q1 C            (out of scope)
    C9    resolution study    province    2024-09-01  finished   p1 C, a1 C, b2 R, p2 W
    ====  ==================  ==========  ==========  =========  ===================================
    """
    places = {
        "a1": tree.commune_a,
        "a2": tree.commune_a,
        "a3": tree.commune_a,
        "a4": tree.commune_a,
        "a5": tree.branch_a,
        "b1": tree.commune_b,
        "b2": tree.commune_b,
        "p1": tree.province,
        "p2": tree.province,
        "q1": tree.other_commune,
    }
    cadres = {name: make_cadre(unit, full_name=f"Cán bộ {name}") for name, unit in places.items()}
    cadres["a4"].status, cadres["a4"].left_on = CadreStatus.TRANSFERRED, datetime.date(2025, 1, 1)
    cadres["a4"].save()

    def course(*args, **learners) -> Course:
        return held(make_course, cadres, *args, **learners)

    courses = {
        "C1": course("llct-trung-cap", tree.province, datetime.date(2024, 3, 1), a1=C, b1=C, p1=F, a2=W),
        "C2": course(
            "hoc-tap-nghi-quyet", tree.commune_a, datetime.date(2024, 5, 10), a1=C, a2=A, a3=R, a5=C, a4=C
        ),
        "C3": course("tieng-anh-b1", tree.commune_b, datetime.date(2024, 6, 1), b1=C, b2=F),
        "C4": course("chuc-danh-bi-thu-co-so", tree.province, datetime.date(2023, 11, 1), a3=C),
        "C5": course("hoi-thi", tree.province, datetime.date(2025, 2, 1), b2=C),
        "C6": course(
            "tap-huan-nghiep-vu", tree.province, datetime.date(2024, 10, 1), CourseStatus.PLANNED, a3=R
        ),
        "C7": course("tap-huan-nghiep-vu", tree.province, datetime.date(2024, 12, 1), CourseStatus.OPEN),
        "C8": course("llct-trung-cap", tree.other_province, datetime.date(2024, 4, 1), q1=C),
        "C9": course("hoc-tap-nghi-quyet", tree.province, datetime.date(2024, 9, 1), p1=C, a1=C, b2=R, p2=W),
    }
    return SimpleNamespace(cadres=cadres, courses=courses, course=course)


@pytest.fixture
def planned(monkeypatch, world, tree):
    """The planning app's answer: a1, a3, b2 and p2 are candidates of the province's plans, of
    which commune A sees a1 and a3."""
    asked = []

    def planned_cadre_ids(user) -> set[int]:
        asked.append(user)
        names = {tree.commune_a.pk: ["a1", "a3"], tree.province.pk: ["a1", "a3", "b2", "p2"]}
        return {world.cadres[name].pk for name in names.get(user.unit_id, [])}

    monkeypatch.setattr(registry, "planned_cadre_ids", planned_cadre_ids)
    return asked


def by_key(rows) -> dict[str, tuple[int, int]]:
    return {row.key: (row.courses, row.learners) for row in rows if row.courses or row.learners}


def test_it_counts_the_provinces_courses_and_learner_places_by_kind(world, planned, province_editor):
    figures = training_figures(province_editor, START, END)

    # C1, C2, C3, C7, C9; places not withdrawn: C1 a1 b1 p1, C2 a1 a2 a3 a5 a4, C3 b1 b2, C9 p1 a1 b2.
    assert by_key(figures.by_kind) == {
        "llct-trung-cap": (1, 3),
        "hoc-tap-nghi-quyet": (2, 8),
        "tieng-anh-b1": (1, 2),
        "tap-huan-nghiep-vu": (1, 0),
    }
    assert (figures.courses, figures.learners) == (5, 13)
    assert len(figures.by_kind) == CourseKind.objects.count()


def test_it_counts_the_provinces_courses_and_learner_places_by_organiser_level(
    world, planned, province_editor
):
    figures = training_figures(province_editor, START, END)

    assert by_key(figures.by_level) == {"province": (3, 6), "base": (2, 7)}
    assert [row.key for row in figures.by_level] == ["central", "province", "district", "base", "branch"]
    assert [row.label for row in figures.by_level][1] == "Cấp tỉnh"


def test_it_counts_each_cadre_trained_once_gone_or_not(world, planned, province_editor):
    figures = training_figures(province_editor, START, END)

    # Completed in the year: a1 (C1, C2, C9), b1 (C1, C3), a5 (C2), a4 (C2, since gone), p1 (C9).
    assert figures.cadres_trained == 5


def test_it_counts_the_planned_cadres_who_completed_a_course_by_the_years_end(
    world, planned, province_editor
):
    figures = training_figures(province_editor, START, END)

    # a1 completed C1; a3 completed C4 in 2023; b2 failed C3 and completed C5 only in 2025; p2
    # withdrew from C9.
    assert figures.planned == PlannedTraining(trained=2, planned=4)
    assert figures.planned.percent == 50.0
    assert figures.planned.goal == PLANNED_TRAINED_GOAL == 90
    assert not figures.planned.meets_goal
    assert planned == [province_editor]


def test_it_counts_certificates_by_kind_and_level(world, planned, province_editor):
    figures = training_figures(province_editor, START, END)

    assert [(row.kind, row.qualification, row.level, row.count) for row in figures.certificates] == [
        ("Lý luận chính trị trung cấp", "Lý luận chính trị", "Trung cấp", 2),
        ("Tiếng Anh bậc 3 (B1)", "Ngoại ngữ", "Bậc 3 (B1)", 1),
    ]


def test_it_measures_each_resolution_study_against_the_active_cadres(world, planned, province_editor):
    figures = training_figures(province_editor, START, END)
    studies = [
        (row.course_id, row.attended, row.active_cadres, row.percent) for row in figures.resolution_studies
    ]

    # Active in the province: a1 a2 a3 a5 b1 b2 p1 p2 (a4 left). C2: a1 a2 a5 a4; C9: p1 a1.
    assert figures.active_cadres == 8
    assert studies == [(world.courses["C2"].pk, 4, 8, 50.0), (world.courses["C9"].pk, 2, 8, 25.0)]


def test_it_counts_only_the_commune_subtree_for_a_commune_editor(world, planned, commune_editor):
    figures = training_figures(commune_editor, START, END)
    studies = [(row.course_id, row.attended, row.percent) for row in figures.resolution_studies]

    # C1 and C9 (the province's, attended by a1), C2 (its own); C7 is only open to it.
    assert by_key(figures.by_kind) == {"llct-trung-cap": (1, 1), "hoc-tap-nghi-quyet": (2, 6)}
    assert by_key(figures.by_level) == {"province": (2, 2), "base": (1, 5)}
    assert figures.cadres_trained == 3  # a1, a5, a4
    assert [(row.kind, row.count) for row in figures.certificates] == [("Lý luận chính trị trung cấp", 1)]
    assert figures.active_cadres == 4  # a1 a2 a3 a5
    assert studies == [(world.courses["C2"].pk, 4, 100.0), (world.courses["C9"].pk, 1, 25.0)]
    assert figures.planned == PlannedTraining(trained=2, planned=2)
    assert figures.planned.meets_goal


def test_it_leaves_out_a_course_seen_only_as_open_for_enrolment(world, planned, commune_editor):
    seen = Course.objects.visible_to(commune_editor)
    figures = training_figures(commune_editor, START, END)

    assert seen.filter(pk=world.courses["C7"].pk).exists()
    assert by_key(figures.by_kind).get("tap-huan-nghiep-vu") is None


def test_it_counts_nothing_for_a_user_without_a_unit(world, planned, tree):
    nobody = UserFactory(unit=None, role=Role.VIEWER)
    figures = training_figures(nobody, START, END)

    assert (figures.courses, figures.learners, figures.cadres_trained, figures.active_cadres) == (0, 0, 0, 0)
    assert figures.certificates == figures.resolution_studies == []
    assert figures.planned.percent is None


def test_its_queries_do_not_grow_with_the_data(world, planned, province_editor, django_assert_num_queries):
    # 8, and the 4 with which the scope finds the courses organised elsewhere that its cadres
    # attend (CourseQuerySet.visible_to): those courses, the two probes of the version its
    # answer is remembered by, and (not remembered yet, as after each change) the answer.
    with django_assert_num_queries(12):
        training_figures(province_editor, START, END)
    world.course("hoc-tap-nghi-quyet", world.cadres["b1"].unit, datetime.date(2024, 7, 1), b1=C, b2=A, p2=C)
    world.course("tieng-anh-b1", world.cadres["p1"].unit, datetime.date(2024, 8, 1), p1=C, a2=C)

    with django_assert_num_queries(12):
        figures = training_figures(province_editor, START, END)
    assert (figures.courses, len(figures.resolution_studies)) == (7, 3)


def test_it_reads_the_planned_cadres_from_the_planning_apps_plans(
    world, tree, province_editor, commune_editor
):
    term = Term.objects.get(start_year=2025, end_year=2030)
    commune_plan = SuccessionPlan.objects.create(unit=tree.commune_a, term=term)
    province_plan = SuccessionPlan.objects.create(unit=tree.province, term=term)
    secretary = position("bi-thu")
    for plan, name in ((commune_plan, "a1"), (commune_plan, "a3"), (province_plan, "b2")):
        Candidate.objects.create(plan=plan, position=secretary, cadre=world.cadres[name], added_year=2025)
    Candidate.objects.filter(cadre=world.cadres["a3"]).update(
        removed_year=2026, removal_reason=RemovalReason.OTHER
    )

    # Live: a1 (trained, C1) in commune A's plan, b2 (not trained by 2024) in the province's.
    assert training_figures(province_editor, START, END).planned == PlannedTraining(trained=1, planned=2)
    assert training_figures(commune_editor, START, END).planned == PlannedTraining(trained=1, planned=1)


def test_it_counts_the_planned_cadres_in_chunks_of_ids(world, planned, province_editor, monkeypatch):
    monkeypatch.setattr("training.figures.IDS_PER_QUERY", 1)

    assert training_figures(province_editor, START, END).planned == PlannedTraining(trained=2, planned=4)


def test_it_counts_every_province_for_an_admin_who_sees_everything(world, planned, system_admin):
    figures = training_figures(system_admin, START, END)

    assert by_key(figures.by_kind)["llct-trung-cap"] == (2, 4)  # C1 and the other province's C8
    assert figures.active_cadres == 9
