"""The cadre's derived columns (unit path, post order, age limit, standard flag) stay in step
with what they copy, whichever way that changes (cadres.derived)."""

import datetime

import pytest

from cadres.derived import refresh_cadres
from cadres.models import Cadre, PositionStandard, Unit, UnitLevel
from cadres.standards import StandardBook
from tests.factories import position

TODAY = datetime.date.today()


def born_aged(years: int) -> datetime.date:
    return TODAY.replace(year=TODAY.year - years) - datetime.timedelta(days=30)


def assert_in_step() -> None:
    """Every stored row equals what ``Cadre.save()`` would compute now, from scratch."""
    book = StandardBook()
    for stored in Cadre.objects.select_related("unit"):
        fresh = Cadre.objects.select_related("unit").get(pk=stored.pk)
        book.refresh_derived(fresh)
        for name in Cadre.DERIVED_FIELDS:
            assert getattr(stored, name) == getattr(fresh, name), (stored, name)


@pytest.fixture
def cadres(tree, make_cadre):
    return [
        make_cadre(tree.commune_a, code="bi-thu", birth_date=born_aged(40)),
        make_cadre(tree.branch_a, code="bi-thu", birth_date=born_aged(25), education=0),
        make_cadre(tree.district_commune, code="pho-bi-thu", birth_date=born_aged(31), is_school_staff=True),
        make_cadre(tree.commune_b, code="uv-bch", birth_date=born_aged(29)),
    ]


def test_a_saved_cadre_carries_its_units_path_and_its_posts_order(cadres, tree):
    assert cadres[0].unit_path == tree.commune_a.path
    assert cadres[0].position_order == position("bi-thu").order
    assert cadres[0].age_limit is not None
    assert_in_step()


def test_a_unit_moved_in_the_tree_takes_its_cadres_paths_along(cadres, tree):
    Unit.objects.move(
        Unit.objects.get(pk=tree.commune_a.pk), Unit.objects.get(pk=tree.district.pk), "last-child"
    )

    moved = Cadre.objects.get(pk=cadres[1].pk)  # in the chi đoàn below the moved commune
    assert moved.unit_path == Unit.objects.get(pk=tree.branch_a.pk).path
    assert moved.unit_path.startswith(Unit.objects.get(pk=tree.district.pk).path)
    assert_in_step()


def test_a_unit_made_a_hardship_area_gets_the_wider_limits(cadres, tree):
    unit = Unit.objects.get(pk=tree.commune_a.pk)
    unit.is_hardship_area = True
    unit.save()

    assert_in_step()


def test_a_unit_changing_level_takes_the_other_levels_standards(cadres, tree):
    unit = Unit.objects.get(pk=tree.commune_b.pk)
    unit.level = UnitLevel.DISTRICT
    unit.save()

    assert_in_step()


def test_a_position_reordered_reorders_its_cadres(cadres):
    post = position("uv-bch")
    post.order = 1
    post.save()

    assert Cadre.objects.get(pk=cadres[3].pk).position_order == 1
    assert_in_step()


@pytest.mark.parametrize("change", ["edit", "add", "delete"])
def test_an_edited_standard_is_applied_to_every_cadre(cadres, change):
    standard = PositionStandard.objects.filter(level=UnitLevel.BASE).first()
    if change == "edit":
        standard.max_age_holding = 26
        standard.min_education = 7
        standard.save()
    elif change == "add":
        PositionStandard.objects.create(
            position=position("uv-bch"), level=UnitLevel.BASE, max_age_holding=27, source="Thử"
        )
    else:
        standard.delete()

    assert_in_step()


def test_the_set_based_refresh_agrees_with_the_per_row_rule(cadres):
    Cadre.objects.update(unit_path="", position_order=0, age_limit=99, below_standard=True)

    refresh_cadres()

    assert_in_step()


def test_the_refresh_command_repairs_a_database_edited_behind_the_apps_back(cadres):
    from django.core.management import call_command

    Cadre.objects.update(age_limit=None, below_standard=False)

    call_command("refresh_roster", stdout=None)

    assert_in_step()
