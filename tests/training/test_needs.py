"""The training-needs list: who is listed under which group and why, planning candidates first,
the counts against a hand count, scope, and enrolment from the list's buttons."""

import datetime

import pytest
from django.urls import reverse

from cadres.models import Education, ItLevel, LanguageLevel, PoliticalTheory
from common.dates import add_months, today
from planning.models import SuccessionPlan, Term
from planning.services import CandidateRow, add_candidates
from tests.factories import position
from tests.training.conftest import client_for
from training.models import CourseStatus, EnrollmentStatus
from training.needs import NeedsBook
from training.services import ResultRow, enrol, record_results

# Qualifications that meet every seeded standard of a commune post (tin học cơ bản).
SKILLED = {"it_level": ItLevel.BASIC}


def listed(user, code=None) -> set[str]:
    return set(NeedsBook(user).queryset(code).values_list("full_name", flat=True))


def complete(course, cadre, user):
    (enrollment,) = enrol(course, [cadre], user=user)
    record_results(
        course, [ResultRow(enrollment, enrollment.version, {"status": EnrollmentStatus.COMPLETED})]
    )


@pytest.fixture
def district_secretary(tree, make_cadre):
    """Bí thư of a district union: the standard asks for đại học and LLCT trung cấp."""
    return make_cadre(
        tree.district,
        code="bi-thu",
        full_name="Bí Thư Huyện",
        education=Education.BACHELOR,
        political_theory=PoliticalTheory.ELEMENTARY,
        **SKILLED,
    )


def test_a_post_holder_below_its_standard_is_listed_under_what_is_missing(
    tree, make_cadre, district_secretary, province_editor
):
    make_cadre(
        tree.district, code="bi-thu", full_name="Đạt Chuẩn", education=4, political_theory=2, **SKILLED
    )

    assert listed(province_editor, "political_theory") == {"Bí Thư Huyện"}
    assert "Bí Thư Huyện" not in listed(province_editor, "education")
    (row,) = NeedsBook(province_editor).rows([district_secretary])
    assert [need.label for need in row.needs] == ["Lý luận chính trị Trung cấp"]
    assert row.needs[0].why == "Bí thư (đang giữ)"


def test_completing_the_course_takes_the_cadre_off_the_list(
    tree, make_course, district_secretary, province_editor
):
    course = make_course(tree.province, "llct-trung-cap", status=CourseStatus.RUNNING)

    complete(course, district_secretary, province_editor)

    assert listed(province_editor) == set()


def test_skill_standards_list_province_cadres_without_the_language_or_it(tree, make_cadre, province_editor):
    make_cadre(tree.province, code="uv-btv", full_name="Chưa Có Ngoại Ngữ", it_level=ItLevel.BASIC)
    make_cadre(
        tree.province,
        code="uv-btv",
        full_name="Có B1",
        foreign_language="Tiếng Anh",
        foreign_language_level=LanguageLevel.B1,
        it_level=ItLevel.NONE,
    )

    assert listed(province_editor, "foreign_language") == {"Chưa Có Ngoại Ngữ"}
    assert listed(province_editor, "it") == {"Có B1"}


def test_a_newly_appointed_secretary_needs_the_title_course_until_completed(
    tree, make_cadre, make_course, province_editor
):
    recent = make_cadre(
        tree.commune_a, code="bi-thu", full_name="Mới Bổ Nhiệm", started_on=add_months(today(), -3), **SKILLED
    )
    make_cadre(
        tree.commune_b,
        code="bi-thu",
        full_name="Bổ Nhiệm Lâu",
        started_on=add_months(today(), -30),
        **SKILLED,
    )

    assert listed(province_editor, "title") == {"Mới Bổ Nhiệm"}
    complete(make_course(tree.province, "chuc-danh-bi-thu-co-so"), recent, province_editor)
    assert listed(province_editor, "title") == set()


def test_planning_candidates_come_first_with_the_needs_of_the_planned_post(
    tree, make_cadre, district_secretary, province_editor
):
    planned = make_cadre(
        tree.district_commune,
        full_name="Người Quy Hoạch",
        birth_date=datetime.date(1998, 1, 1),
        education=Education.BACHELOR,
        political_theory=PoliticalTheory.NONE,
        **SKILLED,
    )
    plan = SuccessionPlan.objects.create(
        unit=tree.district, term=Term.objects.get(start_year=2025, end_year=2030)
    )
    add_candidates(plan, [CandidateRow(planned, position("pho-bi-thu"))], user=province_editor)
    client = client_for(province_editor)

    page = client.get(reverse("training:needs"))

    rows = page.context["rows"]
    assert [row.cadre.full_name for row in rows] == ["Người Quy Hoạch", "Bí Thư Huyện"]
    assert rows[0].planned and rows[0].needs[0].why == "quy hoạch Phó Bí thư, Huyện đoàn Cũ"
    assert "Quy hoạch" in page.content.decode()


def test_the_counts_match_a_hand_count_and_a_commune_sees_only_its_cadres(
    tree, make_cadre, district_secretary, commune_editor, province_editor
):
    make_cadre(tree.commune_a, full_name="Xã A Chưa Tin Học", code="uv-bch")
    make_cadre(
        tree.branch_a, full_name="Chi Đoàn Chưa Tin Học", code="bi-thu", started_on=datetime.date(2020, 1, 1)
    )
    make_cadre(tree.commune_b, full_name="Xã B Chưa Tin Học", code="uv-bch")
    make_cadre(tree.commune_a, full_name="Xã A Đủ", code="uv-bch", **SKILLED)

    commune = client_for(commune_editor).get(reverse("training:needs")).context
    province = client_for(province_editor).get(reverse("training:needs")).context

    assert {row.cadre.full_name for row in commune["rows"]} == {"Xã A Chưa Tin Học"}
    assert {group.code: count for group, count in commune["groups"]}["it"] == 1
    assert commune["total"] == 1
    # The branch's secretary is at the branch level, where no IT standard is seeded.
    assert {row.cadre.full_name for row in province["rows"]} == {
        "Xã A Chưa Tin Học",
        "Xã B Chưa Tin Học",
        "Bí Thư Huyện",
    }
    counts = {group.code: count for group, count in province["groups"]}
    assert counts == {"political_theory": 1, "education": 0, "foreign_language": 0, "it": 2, "title": 0}


def test_one_click_enrols_from_the_list_and_the_row_then_says_so(
    tree, make_course, district_secretary, province_editor
):
    course = make_course(tree.province, "llct-trung-cap", name="Trung cấp LLCT khoá 5")
    make_course(tree.province, "llct-so-cap", name="Sơ cấp không đủ")  # grants less than needed
    client = client_for(province_editor)
    url = reverse("training:needs")
    (row,) = client.get(url).context["rows"]
    assert [suggestion.course.name for suggestion in row.courses] == ["Trung cấp LLCT khoá 5"]

    response = client.post(
        reverse("training:course-enrol", args=[course.pk]),
        {"cadre": district_secretary.pk, "next": f"{url}?missing=political_theory"},
    )

    assert response.status_code == 302 and response["Location"] == f"{url}?missing=political_theory"
    assert list(course.enrollments.values_list("cadre", flat=True)) == [district_secretary.pk]
    (row,) = client.get(url).context["rows"]
    assert row.courses[0].enrolled


def test_the_list_enrols_the_checked_cadres_into_the_chosen_course(
    tree, make_cadre, make_course, province_editor
):
    course = make_course(tree.province, "tin-hoc-co-ban", capacity=10)
    first = make_cadre(tree.commune_a, full_name="Một")
    second = make_cadre(tree.commune_b, full_name="Hai")

    response = client_for(province_editor).post(
        reverse("training:needs") + "?missing=it", {"course": course.pk, "cadre": [first.pk, second.pk]}
    )

    assert response.status_code == 302
    assert set(course.enrollments.values_list("cadre", flat=True)) == {first.pk, second.pk}


@pytest.mark.parametrize(
    "query", ["?missing=nothing", "?unit=abc", "?unit=999999", "?page=-1", "?missing=it&unit=0"]
)
def test_odd_parameters_show_the_list(tree, province_editor, query):
    assert client_for(province_editor).get(reverse("training:needs") + query).status_code == 200
