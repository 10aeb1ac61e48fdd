"""Each metric of the targets' catalogue (reports.metrics) against a hand-built case: records in
and out of the target unit's subtree, in and out of the year, and the boundaries (exactly N
activities, exactly three months, exactly the quota). The year measured is 2025, a past year."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cadres.models import Appointment, CadreStatus, Education, Employment, LanguageLevel, UnitKind, UnitLevel
from cadres.services import appointment_add
from fieldwork.models import FieldTrip, Secondment, TripStatus
from fieldwork.services import secondment_save, trip_save
from planning.models import Candidate, PlanStatus, RemovalReason, SuccessionPlan, Term
from reports.metrics import CATALOGUE, cadres_behind, goal_text, measure, measure_all, validate_params
from reports.models import Target
from tests.factories import UnitFactory, position
from training.models import Course, CourseKind, CourseStatus, Enrollment
from units.models import Sector

YEAR = 2025
D = datetime.date


def target(unit, metric, params=None, *, goal=100, comparison="gte", year=YEAR) -> Target:
    return Target.objects.create(
        unit=unit,
        year=year,
        text=f"Chỉ tiêu {metric}",
        metric=metric,
        params=params or {},
        goal=goal,
        comparison=comparison,
    )


def course(kind_code, organiser, starts_on, ends_on=None, status=CourseStatus.FINISHED) -> Course:
    """A course of a seeded kind of course (migration training.0002)."""
    return Course.objects.create(
        kind=CourseKind.objects.get(code=kind_code),
        organiser=organiser,
        name=f"Lớp {kind_code} {starts_on}",
        starts_on=starts_on,
        ends_on=ends_on or starts_on,
        status=status,
    )


def enrol(made: Course, **by_status):
    """``enrol(course, completed=[a, b], attending=[c])``."""
    for status, cadres in by_status.items():
        for cadre in cadres:
            Enrollment.objects.create(course=made, cadre=cadre, status=status)
    return made


def names(queryset) -> dict[str, bool]:
    return {cadre.full_name: cadre.is_counted for cadre in queryset}


@pytest.fixture
def cadre(make_cadre):
    def make(unit, name, **fields):
        return make_cadre(unit, full_name=name, **fields)

    return make


# --- secretary_degree_share ------------------------------------------------------------------


def test_it_counts_secretaries_of_a_kind_of_unit_with_a_degree(tree, cadre):
    cadre(tree.commune_a, "Bí thư xã A", code="bi-thu", education=Education.BACHELOR)  # exactly the minimum
    cadre(tree.district_commune, "Bí thư xã Đông Hà", code="bi-thu", education=Education.COLLEGE)
    cadre(tree.commune_b, "Bí thư phường", code="bi-thu", education=Education.MASTER)  # a ward, not a commune
    cadre(tree.other_commune, "Bí thư xã ngoài", code="bi-thu", education=Education.BACHELOR)  # outside
    cadre(tree.commune_a, "Ủy viên xã A", code="uv-bch", education=Education.BACHELOR)  # not the post
    # Bí thư until mid-2024 only, then another post: not a secretary at the end of 2025.
    former = cadre(tree.commune_a, "Bí thư cũ", code="bi-thu", started_on=D(2020, 1, 1), education=6)
    appointment_add(
        cadre=former,
        unit=tree.commune_a,
        position=position("uv-btv"),
        started_on=D(2024, 7, 1),
        close_current=True,
    )
    # Bí thư from 2026: not yet at the end of 2025.
    cadre(tree.district_commune, "Bí thư mới", code="bi-thu", started_on=D(2026, 2, 1), education=6)

    only_communes = target(tree.province, "secretary_degree_share", {"unit_kinds": [UnitKind.COMMUNE]})
    figure = measure(only_communes)
    assert (figure.numerator, figure.denominator, figure.value) == (1, 2, Decimal("50.0"))
    assert figure.text == "50,0% (1/2)"
    assert figure.is_share and not figure.met

    every_kind = measure(target(tree.province, "secretary_degree_share"))
    assert (every_kind.numerator, every_kind.denominator, every_kind.text) == (2, 3, "66,7% (2/3)")
    # The master's degree counts when only masters are asked for; the bachelor not.
    masters = measure(target(tree.province, "secretary_degree_share", {"min_education": Education.MASTER}))
    assert (masters.numerator, masters.denominator) == (1, 3)
    assert names(cadres_behind(only_communes)) == {"Bí thư xã A": True, "Bí thư xã Đông Hà": False}


def test_it_reads_a_secretary_who_left_after_the_year_as_one_of_that_year(tree, cadre):
    left = cadre(tree.commune_a, "Bí thư đã chuyển", code="bi-thu", education=Education.BACHELOR)
    Appointment.objects.filter(cadre=left).update(ended_on=D(2026, 3, 1))
    left.status, left.left_on = CadreStatus.TRANSFERRED, D(2026, 3, 1)
    left.save()

    figure = measure(target(tree.commune_a, "secretary_degree_share"))

    assert (figure.numerator, figure.denominator) == (1, 1)
    assert figure.met


# --- language_certificates --------------------------------------------------------------------


def test_it_counts_cadres_gaining_a_language_certificate_in_the_year(tree, cadre):
    a1, a2, a3, a4, a5 = (cadre(tree.commune_a, f"Học viên {n}") for n in range(1, 6))
    outside = cadre(tree.other_commune, "Học viên ngoài")
    enrol(
        course("tieng-anh-b1", tree.province, D(2025, 3, 1), D(2025, 6, 30)),
        completed=[a1, outside],
        failed=[a4],
    )
    # Ends on the year's last day: counts.
    enrol(course("tieng-anh-b2", tree.province, D(2025, 9, 1), D(2025, 12, 31)), completed=[a1, a2])
    # Last year's, next year's, and a certificate that is not a language's: do not count.
    enrol(course("tieng-anh-b1", tree.province, D(2024, 9, 1), D(2024, 12, 31)), completed=[a3])
    enrol(course("tieng-anh-b2", tree.province, D(2025, 12, 1), D(2026, 1, 15)), completed=[a3])
    enrol(course("tin-hoc-co-ban", tree.province, D(2025, 4, 1), D(2025, 4, 30)), completed=[a5])

    figure = measure(target(tree.province, "language_certificates", goal=2))
    assert (figure.numerator, figure.denominator, figure.text) == (2, None, "2 người")
    assert not figure.is_share and figure.met
    b2 = measure(target(tree.province, "language_certificates", {"min_level": LanguageLevel.B2}, goal=3))
    assert (b2.numerator, b2.met) == (2, False)
    c1 = measure(target(tree.province, "language_certificates", {"min_level": LanguageLevel.C1}))
    assert c1.numerator == 0
    assert names(cadres_behind(target(tree.province, "language_certificates"))) == {
        "Học viên 1": True,
        "Học viên 2": True,
    }


# --- course_completions -----------------------------------------------------------------------


def test_it_counts_cadres_completing_a_course_of_the_categories_in_the_year(tree, cadre):
    a1, a2, a3, a4, a5, a6 = (cadre(tree.commune_a, f"Học viên {n}") for n in range(1, 7))
    outside = cadre(tree.other_commune, "Học viên ngoài")
    enrol(
        course("llct-trung-cap", tree.province, D(2025, 1, 5), D(2025, 11, 30)),
        completed=[a1, outside],
        failed=[a6],
    )
    enrol(course("trung-cap-thanh-nien", tree.province, D(2024, 3, 1), D(2025, 2, 1)), completed=[a2])
    enrol(course("tong-phu-trach-doi", tree.province, D(2025, 6, 1), D(2025, 6, 20)), completed=[a3, a1])
    enrol(course("tap-huan-nghiep-vu", tree.province, D(2025, 6, 1)), completed=[a4])  # another category
    enrol(course("llct-trung-cap", tree.province, D(2024, 1, 5), D(2024, 11, 30)), completed=[a5])  # 2024

    figure = measure(target(tree.province, "course_completions", goal=3))
    assert (figure.numerator, figure.text, figure.met) == (3, "3 người", True)
    llct = {"categories": ["political_theory"], "course_kinds": ["llct-trung-cap"]}
    assert measure(target(tree.province, "course_completions", llct, goal=3)).numerator == 1
    assert measure(target(tree.commune_b, "course_completions", goal=3)).numerator == 0
    # "At most": 3 is not above 3.
    assert measure(target(tree.province, "course_completions", goal=3, comparison="lte")).met


# --- resolution_study_share -------------------------------------------------------------------


def test_it_shares_the_cadres_who_studied_a_resolution_in_the_year(tree, cadre):
    a1 = cadre(tree.commune_a, "Đang học")
    a2 = cadre(tree.commune_a, "Hoàn thành", employment=Employment.CONCURRENT)
    a3 = cadre(tree.commune_a, "Mới đăng ký")
    a4 = cadre(tree.commune_a, "Không học")
    a5 = cadre(tree.branch_a, "Học năm trước")
    gone = cadre(tree.commune_a, "Đã nghỉ")
    gone.status, gone.left_on = CadreStatus.RESIGNED, D(2024, 12, 1)
    gone.save()
    outside = cadre(tree.commune_b, "Xã khác")
    enrol(
        course("hoc-tap-nghi-quyet", tree.province, D(2025, 3, 1)),
        attending=[a1],
        completed=[a2, gone, outside],
    )
    enrol(course("hoc-tap-nghi-quyet", tree.province, D(2025, 4, 1)), registered=[a3])
    enrol(course("hoc-tap-nghi-quyet", tree.province, D(2024, 12, 31)), completed=[a5])  # last year
    enrol(course("tap-huan-nghiep-vu", tree.province, D(2025, 5, 1)), completed=[a4])  # not a resolution
    enrol(
        course("hoc-tap-nghi-quyet", tree.province, D(2025, 11, 1), status=CourseStatus.PLANNED),
        registered=[a4],
    )

    studied = target(tree.commune_a, "resolution_study_share")
    figure = measure(studied)
    assert (figure.numerator, figure.denominator, figure.text) == (2, 5, "40,0% (2/5)")
    full_time = measure(target(tree.commune_a, "resolution_study_share", {"employment": ["full_time"]}))
    assert (full_time.numerator, full_time.denominator) == (1, 4)
    branches = measure(target(tree.commune_a, "resolution_study_share", {"unit_levels": [UnitLevel.BRANCH]}))
    assert (branches.numerator, branches.denominator) == (0, 1)
    assert names(cadres_behind(studied)) == {
        "Đang học": True,
        "Hoàn thành": True,
        "Mới đăng ký": False,
        "Không học": False,
        "Học năm trước": False,
    }


# --- title_training_share ---------------------------------------------------------------------


def test_it_shares_the_new_holders_who_completed_their_title_course(tree, cadre):
    trained = cadre(tree.commune_a, "Bí thư mới đã học", code="bi-thu", started_on=D(2025, 3, 1))
    untrained = cadre(tree.commune_b, "Bí thư mới chưa học", code="bi-thu", started_on=D(2025, 5, 1))
    chair = cadre(tree.commune_a, "Chủ tịch Hội mới", code="chu-tich-hoi", started_on=D(2025, 1, 1))
    leader = cadre(tree.commune_b, "Tổng phụ trách mới", code="tong-phu-trach-doi", started_on=D(2025, 8, 1))
    cadre(tree.commune_a, "Bí thư từ năm trước", code="bi-thu", started_on=D(2024, 12, 31))
    cadre(tree.other_commune, "Bí thư tỉnh khác", code="bi-thu", started_on=D(2025, 3, 1))
    cadre(tree.commune_a, "Ủy viên mới", code="uv-bch", started_on=D(2025, 3, 1))  # not a post asked for
    # The Bí thư course names the post; Chủ tịch Hội has no course of its own, so any title course
    # counts; the leader's own course is the TPT Đội one, not a professional training.
    enrol(
        course("chuc-danh-bi-thu-co-so", tree.province, D(2025, 10, 1), D(2025, 12, 31)),
        completed=[trained, chair],
    )
    enrol(
        course("chuc-danh-bi-thu-co-so", tree.province, D(2025, 12, 20), D(2026, 1, 10)),
        completed=[untrained],
    )
    enrol(course("tap-huan-nghiep-vu", tree.province, D(2025, 9, 1)), completed=[leader])

    new_holders = target(tree.province, "title_training_share")
    figure = measure(new_holders)
    assert (figure.numerator, figure.denominator, figure.text) == (2, 4, "50,0% (2/4)")
    assert names(cadres_behind(new_holders)) == {
        "Bí thư mới đã học": True,
        "Bí thư mới chưa học": False,
        "Chủ tịch Hội mới": True,
        "Tổng phụ trách mới": False,
    }
    wards = measure(target(tree.province, "title_training_share", {"unit_kinds": [UnitKind.WARD]}))
    assert (wards.numerator, wards.denominator) == (0, 2)
    # No post named: the posts that have a title course (Bí thư, Phó Bí thư, TPT Đội).
    titled = measure(target(tree.province, "title_training_share", {"positions": []}))
    assert (titled.numerator, titled.denominator) == (1, 3)


# --- activity_share ---------------------------------------------------------------------------


def test_it_shares_the_cadres_with_at_least_n_activities(tree, cadre):
    two = cadre(tree.commune_a, "Đủ hai")
    one = cadre(tree.commune_a, "Một")
    withdrew = cadre(tree.branch_a, "Một và một rút")
    late = cadre(tree.commune_a, "Một và một năm trước")
    outside = cadre(tree.commune_b, "Ba ở xã khác")
    english = course("tieng-anh-b1", tree.province, D(2025, 2, 1), D(2025, 8, 1))
    digital = course("chuyen-doi-so", tree.province, D(2025, 5, 1))
    digital_again = course("chuyen-doi-so", tree.province, D(2025, 12, 31))
    enrol(english, attending=[two, outside], completed=[withdrew, late])
    enrol(digital, completed=[two, one, outside], withdrawn=[withdrew])
    enrol(digital_again, completed=[outside])
    enrol(course("chuyen-doi-so", tree.province, D(2024, 6, 1)), completed=[late])
    enrol(course("tap-huan-nghiep-vu", tree.province, D(2025, 6, 1)), completed=[one])  # another category

    figure = measure(target(tree.commune_a, "activity_share"))
    assert (figure.numerator, figure.denominator, figure.text) == (1, 4, "25,0% (1/4)")
    with_training = {"categories": ["language", "digital", "professional"], "min_activities": 2}
    assert measure(target(tree.commune_a, "activity_share", with_training)).numerator == 2
    three = measure(target(tree.province, "activity_share", {"min_activities": 3}))
    assert (three.numerator, three.denominator) == (1, 5)


# --- fieldwork_quota_share --------------------------------------------------------------------


def trip(organiser, host, cadres, starts_on, ends_on, days):
    made = FieldTrip(
        organiser=organiser, host=host, starts_on=starts_on, ends_on=ends_on, status=TripStatus.DONE
    )
    return trip_save(trip=made, cadres=cadres, days=Decimal(days), user=None)


def test_it_shares_the_cadres_who_met_the_quota(tree, cadre):
    # The seeded quota: 60 days a year for the cadres of province- and district-level units.
    exactly = cadre(tree.province, "Đủ 60 ngày")
    short = cadre(tree.province, "59 ngày")
    cadre(tree.province, "Chưa đi")
    commune = cadre(tree.commune_a, "Cán bộ xã")  # not subject to the quota
    outside = cadre(tree.other_province, "Tỉnh khác")
    trip(tree.province, tree.commune_a, [exactly, outside], D(2025, 3, 1), D(2025, 4, 30), 40)
    trip(tree.province, tree.commune_b, [exactly, short, commune, outside], D(2025, 6, 1), D(2025, 6, 30), 20)
    trip(tree.province, tree.commune_b, [short], D(2025, 9, 1), D(2025, 10, 31), 39)
    trip(tree.province, tree.commune_b, [short], D(2024, 9, 1), D(2024, 9, 30), 10)  # last year

    quota = target(tree.province, "fieldwork_quota_share")
    figure = measure(quota)
    assert (figure.numerator, figure.denominator, figure.text) == (1, 3, "33,3% (1/3)")
    assert names(cadres_behind(quota)) == {"Đủ 60 ngày": True, "59 ngày": False, "Chưa đi": False}
    assert measure(target(tree.commune_a, "fieldwork_quota_share")).text == "Chưa có đối tượng (0/0)"


# --- secondment_share -------------------------------------------------------------------------


def second(cadre_, starts_on, ends_on, host):
    return secondment_save(
        secondment=Secondment(cadre=cadre_, host=host, starts_on=starts_on, ends_on=ends_on), user=None
    )


def test_it_shares_the_cadres_seconded_for_at_least_n_months(tree, cadre):
    three = cadre(tree.province, "Ba tháng", code="uv-btv")
    across = cadre(tree.province, "Từ năm trước", code="uv-btv")
    before = cadre(tree.province, "Năm trước")
    four = cadre(tree.province, "Bốn tháng")
    cadre(tree.province, "Không đi", code="uv-btv")
    outside = cadre(tree.other_province, "Tỉnh khác")
    second(three, D(2025, 3, 1), D(2025, 5, 31), tree.commune_a)  # exactly three months
    second(across, D(2024, 11, 1), D(2025, 1, 31), tree.commune_b)
    second(before, D(2024, 9, 1), D(2024, 12, 31), tree.commune_b)
    second(four, D(2025, 1, 1), D(2025, 4, 30), tree.commune_a)
    second(outside, D(2025, 1, 1), D(2025, 6, 30), tree.other_commune)

    seconded = target(tree.province, "secondment_share", {"unit_levels": [UnitLevel.PROVINCE]})
    figure = measure(seconded)
    assert (figure.numerator, figure.denominator, figure.text) == (3, 5, "60,0% (3/5)")
    standing = measure(target(tree.province, "secondment_share", {"positions": ["uv-btv"]}))
    assert (standing.numerator, standing.denominator) == (2, 3)
    longer = measure(target(tree.province, "secondment_share", {"min_months": 4}))
    assert (longer.numerator, longer.denominator) == (1, 5)
    assert names(cadres_behind(seconded))["Ba tháng"] is True
    assert names(cadres_behind(seconded))["Năm trước"] is False


# --- candidates_trained_share and key_successors_share --------------------------------------


def approved_plan(unit, status=PlanStatus.APPROVED) -> SuccessionPlan:
    term = Term.objects.get(start_year=2025, end_year=2030)
    number = "12-QĐ/TĐTN" if status == PlanStatus.APPROVED else ""
    return SuccessionPlan.objects.create(unit=unit, term=term, status=status, decision_number=number)


def plan_candidate(plan, code, cadre_, added=2025, removed=None) -> Candidate:
    return Candidate.objects.create(
        plan=plan,
        position=position(code),
        cadre=cadre_,
        added_year=added,
        removed_year=removed,
        removal_reason=RemovalReason.OTHER if removed else "",
    )


def test_it_shares_the_planned_cadres_trained_in_the_year(tree, cadre):
    plan = approved_plan(tree.commune_a)
    draft = approved_plan(tree.commune_b, PlanStatus.DRAFT)
    other = approved_plan(tree.other_commune)
    trained, earlier, removed, later, drafted, outside = (
        cadre(unit, name)
        for unit, name in [
            (tree.commune_a, "Đã học"),
            (tree.commune_a, "Học năm trước"),
            (tree.commune_a, "Đã đưa ra"),
            (tree.commune_a, "Đưa vào năm sau"),
            (tree.commune_b, "Quy hoạch dự thảo"),
            (tree.other_commune, "Tỉnh khác"),
        ]
    )
    plan_candidate(plan, "bi-thu", trained)
    plan_candidate(plan, "pho-bi-thu", trained)  # planned twice: one cadre
    plan_candidate(plan, "bi-thu", earlier, added=2025)
    plan_candidate(plan, "uv-btv", removed, removed=2025)
    plan_candidate(plan, "uv-btv", later, added=2026)
    plan_candidate(draft, "bi-thu", drafted)
    plan_candidate(other, "bi-thu", outside)
    enrol(
        course("tap-huan-nghiep-vu", tree.province, D(2025, 4, 1)),
        completed=[trained, removed, later, drafted, outside],
    )
    enrol(course("llct-trung-cap", tree.province, D(2024, 1, 1), D(2024, 12, 1)), completed=[earlier])

    planned = target(tree.province, "candidates_trained_share", goal=90)
    figure = measure(planned)
    assert (figure.numerator, figure.denominator, figure.text) == (1, 2, "50,0% (1/2)")
    assert names(cadres_behind(planned)) == {"Đã học": True, "Học năm trước": False}
    theory = measure(target(tree.province, "candidates_trained_share", {"categories": ["political_theory"]}))
    assert (theory.numerator, theory.denominator) == (0, 2)


def test_it_shares_the_key_posts_with_enough_successors(tree, cadre):
    plan = approved_plan(tree.commune_a)
    other = approved_plan(tree.other_commune)
    approved_plan(tree.commune_b, PlanStatus.DRAFT)
    people = [cadre(tree.commune_a, f"Nguồn {n}") for n in range(7)]
    plan_candidate(plan, "bi-thu", people[0])
    plan_candidate(plan, "bi-thu", people[1])  # exactly two
    plan_candidate(plan, "pho-bi-thu", people[2])
    plan_candidate(plan, "uv-btv", people[3])
    plan_candidate(plan, "uv-btv", people[4])
    plan_candidate(plan, "uv-btv", people[5], removed=2024)  # out before the year: two remain
    plan_candidate(plan, "chu-tich-hoi", people[6])
    plan_candidate(plan, "chu-tich-hoi", people[0], added=2026)  # not yet in 2025
    plan_candidate(plan, "truong-ban", people[1])
    plan_candidate(plan, "truong-ban", people[2])  # not a key post
    for n, code in enumerate(["bi-thu", "pho-bi-thu", "uv-btv", "uv-bch", "chu-tich-hoi"] * 2):
        plan_candidate(other, code, cadre(tree.other_commune, f"Ngoài {n}"))

    successors = target(tree.province, "key_successors_share")
    figure = measure(successors)
    # The five key posts of a commune's plan (Bí thư, Phó Bí thư, UV BTV, UV BCH, Chủ tịch Hội).
    assert (figure.numerator, figure.denominator, figure.text) == (2, 5, "40,0% (2/5)")
    assert figure.link == "/planning/"
    assert cadres_behind(successors) is None
    one = measure(target(tree.province, "key_successors_share", {"min_successors": 1}))
    assert (one.numerator, one.denominator) == (4, 5)
    assert measure(target(tree.commune_b, "key_successors_share")).denominator == 0
    assert measure(target(tree.province, "key_successors_share", year=2031)).denominator == 0


# --- school_to_university ---------------------------------------------------------------------


def test_it_counts_school_cadres_moving_to_university_posts(tree, cadre):
    school = UnitFactory(
        parent=tree.commune_a, name="Đoàn trường THPT A", kind=UnitKind.SCHOOL, sector=Sector.HIGH_SCHOOL
    )
    university = UnitFactory(
        parent=tree.province, name="Đoàn trường Đại học", kind=UnitKind.SCHOOL, sector=Sector.HIGHER_EDUCATION
    )
    far_school = UnitFactory(
        parent=tree.other_province,
        name="Đoàn trường THPT ngoài",
        kind=UnitKind.SCHOOL,
        sector=Sector.HIGH_SCHOOL,
    )

    def moved(name, start_unit, new_unit, on):
        person = cadre(start_unit, name, code="uv-bch", started_on=D(2022, 9, 1))
        appointment_add(
            cadre=person, unit=new_unit, position=position("uv-bch"), started_on=on, close_current=True
        )
        return person

    moved("Lên đại học", school, university, D(2025, 9, 1))
    moved("Lên đại học năm trước", school, university, D(2024, 9, 1))
    moved("Về phường", school, tree.commune_b, D(2025, 9, 1))
    moved("Trường ngoài", far_school, university, D(2025, 9, 1))
    moved("Từ xã", tree.commune_a, university, D(2025, 9, 1))
    # A concurrent post at the university is not a move; the main post stays at the school.
    both = cadre(school, "Kiêm nhiệm", code="uv-bch", started_on=D(2022, 9, 1))
    appointment_add(
        cadre=both, unit=university, position=position("uv-bch"), started_on=D(2025, 3, 1), kind="concurrent"
    )

    figure = measure(target(tree.province, "school_to_university", goal=5))
    # The concurrent post counts too: its holder's previous main post was the school's.
    assert (figure.numerator, figure.text, figure.met) == (2, "2 người", False)
    behind = names(cadres_behind(target(tree.province, "school_to_university")))
    assert behind == {"Lên đại học": True, "Kiêm nhiệm": True}
    assert measure(target(tree.commune_b, "school_to_university")).numerator == 0
    assert measure(target(tree.commune_a, "school_to_university")).numerator == 2


# --- The API ------------------------------------------------------------------------------------


def test_every_metric_computes_on_an_empty_tree(tree, django_assert_max_num_queries):
    for key, metric in CATALOGUE.items():
        made = target(tree.province, key)
        with django_assert_max_num_queries(5):
            figure = measure(made)
        assert figure.is_share == metric.is_share
        assert figure.numerator == 0


def test_it_measures_a_plans_targets_by_pk(tree, cadre):
    cadre(tree.commune_a, "Bí thư", code="bi-thu", education=Education.BACHELOR)
    first = target(tree.province, "secretary_degree_share")
    second_ = target(tree.province, "course_completions", goal=3)
    found = measure_all(Target.objects.filter(unit=tree.province).select_related("unit"))
    assert found[first.pk].text == "100,0% (1/1)" and found[first.pk].met
    assert found[second_.pk].text == "0 người" and not found[second_.pk].met
    assert found[first.pk].link == f"/reports/targets/{first.pk}/"


def test_it_prints_goals(tree):
    assert (
        goal_text(Target(unit=tree.province, year=YEAR, metric="resolution_study_share", goal=100))
        == "≥ 100%"
    )
    assert goal_text(
        Target(unit=tree.province, year=YEAR, metric="activity_share", goal=Decimal("85.5"))
    ) == ("≥ 85,5%")
    count = Target(unit=tree.province, year=YEAR, metric="course_completions", goal=3, comparison="lte")
    assert goal_text(count) == "≤ 3 người"


def test_an_unknown_metric_gives_an_empty_figure(tree):
    stale = target(tree.province, "no_such_metric")
    assert measure(stale).text == "Cách tính không còn trong danh mục"
    assert cadres_behind(stale) is None


def test_it_fills_the_defaults_and_checks_the_parameters(db):
    assert validate_params("activity_share", {}) == {
        "categories": ["language", "digital"],
        "min_activities": 2,
        "employment": [],
        "unit_levels": [],
    }
    assert (
        validate_params("secondment_share", {"min_months": "4", "positions": ["bi-thu"]})["min_months"] == 4
    )
    refusals = [
        ("no_such_metric", {}, "không có trong danh mục"),
        ("activity_share", {"min_activities": 0}, "Số hoạt động tối thiểu: phải từ 1 trở lên."),
        ("activity_share", {"min_activities": "nhiều"}, "phải là một số nguyên"),
        ("activity_share", {"categories": []}, "chọn ít nhất một"),
        ("activity_share", {"categories": ["cooking"]}, "không có trong danh mục: cooking"),
        ("secretary_degree_share", {"positions": ["khong-co"]}, "Chức vụ: không có trong danh mục: khong-co"),
        ("secretary_degree_share", {"min_education": 9}, "Trình độ chuyên môn tối thiểu: chọn một trong"),
        ("secretary_degree_share", {"positions": []}, "Chức vụ: chọn ít nhất một."),
        ("secretary_degree_share", {"positions": "bi-thu", "extra": 1}, "Tham số không dùng"),
        ("language_certificates", ["min_level"], "không hợp lệ"),
        ("course_completions", {"course_kinds": ["x"] * 60}, "tối đa"),
        ("secondment_share", {"min_months": True}, "phải là một số nguyên"),
    ]
    for key, params, message in refusals:
        with pytest.raises(ValidationError) as error:
            validate_params(key, params)
        assert any(message in text for text in error.value.messages), (key, params, error.value.messages)
