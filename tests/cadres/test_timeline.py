"""Where a cadre counts on a date (``cadres.timeline``): the rule's two columns by hand-made
cases, against the rule asked day by day for random careers, kept in step by every way the app
writes posts and units, and the statistics of past dates equal to the rule counted cadre by
cadre."""

import datetime
import random
from collections import Counter

import pytest

from accounts.models import Role
from cadres.demo import seed_cadres
from cadres.merge import unit_merge
from cadres.models import Appointment, AppointmentKind, Cadre
from cadres.services import appointment_add, appointment_close, appointment_remove, cadre_sync_current_post
from cadres.timeline import NEVER, Post, counted_unit, posts_of, refresh_timelines, timeline
from reports.statistics.data import _grouped_counts
from tests.factories import CadreFactory, UserFactory, position
from units import demo as units_demo

D = datetime.date
CREATED = D(2026, 6, 1)
HERE, THERE, THIRD = 1, 2, 3


def post(order, unit, started, ended=None, *, concurrent=False) -> Post:
    return Post(order=order, unit_id=unit, concurrent=concurrent, started_on=started, ended_on=ended)


@pytest.mark.parametrize(
    ("posts", "expected"),
    [
        pytest.param([], (CREATED, None, None, None), id="no post: on the roster since created"),
        pytest.param([post(1, HERE, D(2020, 1, 1))], (D(2020, 1, 1), None, None, None), id="one post here"),
        pytest.param(
            [post(1, THERE, D(2019, 3, 1), D(2021, 12, 31)), post(2, HERE, D(2022, 1, 1))],
            (D(2019, 3, 1), D(2022, 1, 1), THERE, D(2019, 3, 1)),
            id="moved here",
        ),
        pytest.param(
            [post(1, HERE, D(2018, 1, 1), D(2019, 12, 31)), post(2, THERE, D(2020, 1, 1), D(2023, 5, 31))],
            (D(2018, 1, 1), NEVER, THERE, D(2020, 1, 1)),
            id="last post elsewhere, none since",
        ),
        pytest.param(
            [post(1, HERE, D(2020, 1, 1)), post(2, THERE, D(2024, 1, 1), concurrent=True)],
            (D(2020, 1, 1), None, None, None),
            id="concurrent post elsewhere beside the main one",
        ),
        pytest.param(
            [
                post(1, HERE, D(2020, 1, 1), D(2022, 6, 30)),
                post(2, THERE, D(2022, 1, 1), D(2022, 12, 31)),
                post(3, HERE, D(2023, 1, 1)),
            ],
            (D(2020, 1, 1), D(2023, 1, 1), THERE, D(2022, 1, 1)),  # the later start wins
            id="overlapping posts, back here",
        ),
        pytest.param(
            [
                post(1, THIRD, D(2016, 1, 1), D(2017, 12, 31)),
                post(2, THERE, D(2018, 1, 1), D(2020, 12, 31)),
                post(3, HERE, D(2021, 1, 1)),
            ],
            (D(2016, 1, 1), D(2021, 1, 1), THERE, D(2018, 1, 1)),
            id="three units: the earlier is the one just before",
        ),
        pytest.param(
            [post(1, THERE, D(2027, 1, 1))],
            (CREATED, NEVER, THERE, D(2027, 1, 1)),
            id="a post elsewhere starting later",
        ),
    ],
)
def test_it_keeps_the_first_day_and_the_stretches_in_the_present_and_the_earlier_unit(posts, expected):
    assert timeline(HERE, CREATED, posts) == expected


def test_the_columns_agree_with_the_rule_asked_on_every_day_of_random_careers():
    rng = random.Random(7)
    start, days = D(2018, 1, 1), 3650
    for _ in range(300):
        posts = []
        for order in range(rng.randint(0, 4)):
            started = start + datetime.timedelta(days=rng.randrange(days))
            ended = started + datetime.timedelta(days=rng.randrange(1500)) if rng.random() < 0.6 else None
            unit, concurrent = rng.choice([HERE, THERE, THIRD]), rng.random() < 0.2
            posts.append(post(order, unit, started, ended, concurrent=concurrent))
        created = start + datetime.timedelta(days=rng.randrange(days))

        found = timeline(HERE, created, posts)

        assert found.on_roster_since == min([created, *(p.started_on for p in posts)])
        first_day = start - datetime.timedelta(days=1)
        every_day = [first_day + datetime.timedelta(days=n) for n in range(days + 1600)]
        unit_on = {day: counted_unit(posts, day, HERE) for day in every_day}
        since, earlier, earlier_since = found.unit_since, found.earlier_unit_id, found.earlier_since
        # In the present unit on every day from ``unit_since``, and not the day before.
        assert all(unit_on[day] == HERE for day in every_day if since is None or day >= since), found
        if since is None:
            assert earlier is None and earlier_since is None
            continue
        if since != NEVER:
            assert unit_on[since - datetime.timedelta(days=1)] != HERE, (posts, found)
        # In the earlier unit on every day from ``earlier_since`` to then, and not the day before.
        assert earlier not in (None, HERE) and earlier_since is not None and earlier_since < since
        assert all(unit_on[day] == earlier for day in every_day if earlier_since <= day < since), found
        if earlier_since > every_day[0]:
            assert unit_on[earlier_since - datetime.timedelta(days=1)] != earlier, (posts, found)


@pytest.fixture
def careers(tree):
    """Cadres whose posts moved them about the province, written through the services."""
    rng = random.Random(11)
    units = [tree.commune_a, tree.commune_b, tree.branch_a, tree.branch_b, tree.district_commune]
    cadres = []
    for _ in range(40):
        home = rng.choice(units)
        cadre = CadreFactory(unit=home)
        day = D(2019, 1, 1) + datetime.timedelta(days=rng.randrange(1500))
        for _ in range(rng.randint(0, 3)):
            appointment_add(
                cadre=cadre,
                unit=rng.choice(units),
                position=position(rng.choice(["uv-bch", "pho-bi-thu", "bi-thu"])),
                started_on=day,
                kind=AppointmentKind.CONCURRENT if rng.random() < 0.2 else AppointmentKind.APPOINTED,
                close_current=rng.random() < 0.7,
            )
            day += datetime.timedelta(days=rng.randrange(60, 900))
        cadres.append(cadre)
    return cadres


def stale_rows() -> int:
    """How many stored rows a recomputation from scratch would change (0: all in step)."""
    return refresh_timelines()


def test_the_services_keep_the_columns_in_step(tree, careers):
    assert stale_rows() == 0

    cadre = careers[0]
    first = appointment_add(
        cadre=cadre,
        unit=tree.commune_b,
        position=position("bi-thu"),
        started_on=D(2015, 3, 1),
        close_current=False,
    )
    assert stale_rows() == 0
    appointment_close(appointment=first, ended_on=D(2016, 1, 1))
    assert stale_rows() == 0
    appointment_remove(appointment=first)
    assert stale_rows() == 0

    moved = Cadre.objects.get(pk=careers[1].pk)  # loaded, then moved on the profile
    moved.unit = tree.district_branch
    moved.save()
    assert stale_rows() == 0

    Appointment.objects.filter(cadre=careers[2]).delete()
    assert stale_rows() == 0


def test_a_profile_loaded_before_a_post_was_added_does_not_put_back_old_columns(tree):
    cadre = CadreFactory(unit=tree.commune_a)
    loaded = Cadre.objects.get(pk=cadre.pk)
    appointment_add(cadre=cadre, unit=tree.commune_b, position=position("uv-bch"), started_on=D(2020, 1, 1))
    cadre_sync_current_post(cadre=cadre)

    loaded.full_name = "Tên đã sửa"
    loaded.unit = Cadre.objects.get(pk=cadre.pk).unit
    loaded.save()

    assert Cadre.objects.values_list("on_roster_since", flat=True).get(pk=cadre.pk) == D(2020, 1, 1)
    assert stale_rows() == 0


def test_a_merge_keeps_the_columns_in_step(tree, careers):
    admin = UserFactory(unit=None, role=Role.ADMIN, is_superuser=True)
    unit_merge(
        sources=[tree.commune_b],
        target=tree.commune_a,
        new_target=None,
        parent=None,
        effective_on=D(2025, 7, 1),
        decision_number="9-QĐ",
        user=admin,
    )

    assert Appointment.objects.filter(note__startswith="Sáp nhập").exists()
    assert stale_rows() == 0


@pytest.mark.parametrize(
    "day", [D(2019, 6, 1), D(2021, 1, 1), D(2022, 9, 30), D(2024, 12, 31), D(2026, 1, 1)]
)
def test_the_past_statistics_count_each_cadre_where_the_rule_puts_them(tree, careers, day):
    key_length = len(tree.province.path) + tree.province.steplen
    paths = dict(type(tree.province).objects.values_list("pk", "path"))
    expected = Counter()
    for cadre in Cadre.objects.all():
        posts = posts_of(
            cadre.appointments.order_by("pk").values("pk", "unit_id", "kind", "started_on", "ended_on")
        )
        if cadre.on_roster_since <= day and (cadre.left_on is None or cadre.left_on > day):
            expected[paths[counted_unit(posts, day, cadre.unit_id)][:key_length]] += 1

    counted = _grouped_counts(tree.province.path, key_length, day, frozenset())

    assert {key: counts["total"] for key, counts in counted.items()} == dict(expected)
    assert sum(expected.values()) > 0


def test_the_demo_roster_is_seeded_with_its_columns_in_step(db):
    units_demo.seed(log=lambda line: None)
    seed_cadres(count=600, seed=2025)

    moved = Cadre.objects.filter(unit_since__isnull=False).count()
    assert 0 < moved < Cadre.objects.count()  # the demo has careers across units, and others
    assert stale_rows() == 0
