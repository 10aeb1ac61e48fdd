import datetime

import pytest

from cadres.models import Cadre, Education, PoliticalTheory, PositionStandard, UnitLevel
from cadres.services import appointment_add
from cadres.standards import StandardBook, add_months, years_before
from tests.factories import CadreFactory, UnitFactory, position

TODAY = datetime.date(2026, 11, 21)


def born_aged(years: int, extra_days: int = 0) -> datetime.date:
    """Birth date of someone whose completed age today is ``years`` (plus some days)."""
    return years_before(TODAY, years) - datetime.timedelta(days=extra_days)


def make_cadre(unit, *, code="uv-bch", **fields) -> Cadre:
    cadre = CadreFactory(unit=unit, **fields)
    appointment_add(cadre=cadre, unit=unit, position=position(code), started_on=datetime.date(2024, 1, 1))
    cadre.refresh_from_db()
    return cadre


def codes(book, cadre) -> set[str]:
    return {warning.code for warning in book.warnings(cadre)}


def matching(book, method) -> set[int]:
    return set(Cadre.objects.filter(getattr(book, method)()).values_list("pk", flat=True))


@pytest.fixture
def book(db):
    return StandardBook(TODAY)


def test_it_flags_a_commune_cadre_over_35(tree, book):
    over = make_cadre(tree.commune_a, birth_date=born_aged(36))
    within = make_cadre(tree.commune_a, birth_date=born_aged(35, extra_days=200))
    assert "over_age" in codes(book, over)
    assert "over_age" not in codes(book, within)
    assert matching(book, "over_age_q") == {over.pk}


def test_it_warns_twelve_months_before_the_limit(tree, book):
    soon = make_cadre(tree.commune_a, birth_date=born_aged(35, extra_days=100))
    later = make_cadre(tree.commune_a, birth_date=born_aged(34, extra_days=10))
    assert codes(book, soon) == {"near_age"}
    assert "near_age" not in codes(book, later)
    assert matching(book, "near_age_q") == {soon.pk}


def test_it_uses_the_position_limit_at_province_level(tree, book):
    secretary = make_cadre(
        tree.province,
        code="bi-thu",
        birth_date=born_aged(40, extra_days=10),
        education=Education.BACHELOR,
        political_theory=PoliticalTheory.ADVANCED,
    )
    deputy = make_cadre(tree.province, code="pho-bi-thu", birth_date=born_aged(39))
    assert codes(book, secretary) == {"near_age"}
    assert "over_age" in codes(book, deputy)
    assert matching(book, "over_age_q") == {deputy.pk}


def test_it_allows_37_in_hardship_areas(tree, book):
    hardship = UnitFactory(parent=tree.province, name="Đoàn xã Biên Giới", is_hardship_area=True)
    cadre = make_cadre(hardship, birth_date=born_aged(36, extra_days=10))
    assert "over_age" not in codes(book, cadre)
    assert cadre.pk not in matching(book, "over_age_q")


def test_it_flags_a_province_secretary_below_the_standard(tree, book):
    cadre = make_cadre(
        tree.province,
        code="bi-thu",
        birth_date=born_aged(30),
        education=Education.COLLEGE,
        political_theory=PoliticalTheory.INTERMEDIATE,
    )
    assert codes(book, cadre) == {"below_education", "below_political_theory"}
    assert matching(book, "below_standard_q") == {cadre.pk}


def test_it_ignores_archived_cadres(tree, book):
    cadre = make_cadre(tree.commune_a, birth_date=born_aged(40))
    Cadre.objects.filter(pk=cadre.pk).update(status="resigned", left_on=TODAY)
    cadre.refresh_from_db()
    assert book.warnings(cadre) == []
    assert matching(book, "over_age_q") == set()


def test_it_applies_the_school_staff_limit(tree, book):
    school = UnitFactory(parent=tree.province, name="Đoàn trường THPT Thử")
    teacher = make_cadre(
        school,
        code="bi-thu",
        birth_date=born_aged(36),
        is_school_staff=True,
        education=Education.BACHELOR,
        political_theory=PoliticalTheory.ELEMENTARY,
    )
    student_cadre = make_cadre(school, code="bi-thu", birth_date=born_aged(36))
    assert "over_age" not in codes(book, teacher)
    assert "over_age" in codes(book, student_cadre)
    assert matching(book, "over_age_q") == {student_cadre.pk}


def test_it_reads_limits_from_the_table_not_from_code(tree, book):
    cadre = make_cadre(tree.commune_a, birth_date=born_aged(33))
    standard = PositionStandard.objects.get(position=None, level=UnitLevel.BASE, for_school_staff=False)
    standard.max_age_holding = 32
    standard.save()  # as admin saves it: the cadres' stored limits follow (cadres.derived)
    fresh = StandardBook(TODAY)
    assert "over_age" in codes(fresh, cadre)
    assert matching(fresh, "over_age_q") == {cadre.pk}


def test_it_adds_months_at_month_ends():
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 11, 21), 12) == datetime.date(2027, 11, 21)
    assert years_before(datetime.date(2028, 2, 29), 1) == datetime.date(2027, 2, 28)
