"""common/bulk.py: new rows inserted as ``bulk_create`` would, history copied inside the
database as django-simple-history's ``bulk_history_create`` would."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict

from cadres.models import Appointment, AppointmentKind, Cadre
from common.bulk import copy_to_history, insert_new
from tests.factories import CadreFactory, position

HISTORY_ONLY = {"history_id", "history_date"}


def _history_values(record) -> dict:
    values = model_to_dict(record, exclude=list(HISTORY_ONLY))
    values.update(
        history_user=record.history_user_id,
        history_type=record.history_type,
        history_change_reason=record.history_change_reason,
    )
    return values


@pytest.fixture
def two_cadres(tree):
    first = CadreFactory(unit=tree.commune_a, full_name="Trần Thị Ánh", email="anh@example.vn")
    second = CadreFactory(
        unit=tree.branch_a, full_name="Lê Văn Bình", party_joined_on=datetime.date(2019, 5, 19)
    )
    Cadre.history.all().delete()  # the factory's save() wrote their first rows already
    return [first, second]


def test_the_copy_is_what_bulk_history_create_writes(two_cadres, province_editor):
    Cadre.history.bulk_history_create(two_cadres, default_user=province_editor, default_change_reason="Nhập")
    expected = {row.id: _history_values(row) for row in Cadre.history.all()}
    Cadre.history.all().delete()

    copy_to_history(Cadre, [cadre.pk for cadre in two_cadres], user=province_editor, reason="Nhập")

    copied = {row.id: _history_values(row) for row in Cadre.history.all()}
    assert copied == expected
    assert len(copied) == 2 and expected[two_cadres[0].pk]["full_name"] == "Trần Thị Ánh"


def test_the_copy_is_dated_now_and_its_kind_and_user_are_the_callers(two_cadres, province_editor):
    before = datetime.datetime.now(datetime.UTC)

    copy_to_history(Cadre, [two_cadres[1].pk], created=False)

    row = Cadre.history.get()
    assert (row.id, row.history_type, row.history_user, row.history_change_reason) == (
        two_cadres[1].pk,
        "~",
        None,
        "",
    )
    assert before <= row.history_date <= datetime.datetime.now(datetime.UTC)
    assert row.instance.full_name == "Lê Văn Bình"


def test_nothing_is_copied_for_no_rows_or_with_history_switched_off(two_cadres, settings):
    copy_to_history(Cadre, [])
    settings.SIMPLE_HISTORY_ENABLED = False
    copy_to_history(Cadre, [two_cadres[0].pk])

    assert not Cadre.history.exists()


def test_many_rows_go_in_batches(tree, monkeypatch):
    monkeypatch.setattr("common.bulk.BATCH", 2)
    cadres = CadreFactory.create_batch(5, unit=tree.commune_a)
    Cadre.history.all().delete()

    copy_to_history(Cadre, [cadre.pk for cadre in cadres])

    assert sorted(Cadre.history.values_list("id", flat=True)) == sorted(cadre.pk for cadre in cadres)


# --- insert_new ----------------------------------------------------------------------------


def _new_cadres(tree, count: int, first: int = 0) -> list[Cadre]:
    return [
        Cadre(
            full_name=f"Phạm Thị Hoa {index}",
            gender="F",
            birth_date=datetime.date(1996, 3, 8),
            national_id=f"{900000000000 + index:012d}",
            unit=tree.commune_a,
            party_joined_on=datetime.date(2020, 1, 1) if index % 2 else None,
        )
        for index in range(first, first + count)
    ]


def _stored(pks) -> list[dict]:
    return list(Cadre.objects.filter(pk__in=pks).order_by("national_id").values())


def test_insert_new_stores_what_bulk_create_stores_and_sets_the_keys(tree):
    expected_rows = _new_cadres(tree, 3)
    Cadre.objects.bulk_create(expected_rows)
    expected = _stored([cadre.pk for cadre in expected_rows])
    Cadre.objects.all().delete()
    inserted = _new_cadres(tree, 3)

    insert_new(inserted)

    stored = _stored([cadre.pk for cadre in inserted])
    differs = {"id", "created_at", "updated_at"}
    assert [{k: v for k, v in row.items() if k not in differs} for row in stored] == [
        {k: v for k, v in row.items() if k not in differs} for row in expected
    ]
    assert [row["id"] for row in stored] == [cadre.pk for cadre in inserted]
    assert all(row["created_at"] and row["updated_at"] for row in stored)  # auto_now(_add) applied
    assert not any(cadre._state.adding for cadre in inserted)


def test_insert_new_keeps_tabs_newlines_backslashes_and_empty_values(tree):
    cadre = _new_cadres(tree, 1)[0]
    cadre.birth_place = "Thôn\tĐông\\Tây\nxã Hòa\r\\N"
    cadre.party_joined_on = None

    insert_new([cadre])

    stored = Cadre.objects.get(pk=cadre.pk)
    assert stored.birth_place == "Thôn\tĐông\\Tây\nxã Hòa\r\\N"
    assert stored.party_joined_on is None and stored.birth_date == datetime.date(1996, 3, 8)


def test_insert_new_takes_foreign_keys_from_parents_saved_just_before(tree):
    cadres = _new_cadres(tree, 2)
    insert_new(cadres)
    appointments = [
        Appointment(
            cadre=cadre,
            unit=tree.commune_a,
            position=position("uv-bch"),
            started_on=datetime.date(2025, 1, 1),
            kind=AppointmentKind.APPOINTED,
        )
        for cadre in cadres
    ]

    insert_new(appointments)

    assert sorted(Appointment.objects.values_list("cadre__full_name", flat=True)) == [
        "Phạm Thị Hoa 0",
        "Phạm Thị Hoa 1",
    ]


def test_insert_new_goes_in_batches(tree, monkeypatch):
    monkeypatch.setattr("common.bulk.BATCH", 2)
    cadres = _new_cadres(tree, 5)

    insert_new(cadres)

    assert Cadre.objects.count() == 5
    assert len({cadre.pk for cadre in cadres}) == 5


def test_insert_new_refuses_a_record_already_saved_and_writes_nothing(tree):
    saved = CadreFactory(unit=tree.commune_a)
    cadres = [*_new_cadres(tree, 2), saved]

    with pytest.raises(ValueError, match=r"new cadres\.Cadre records only"):
        insert_new(cadres)

    assert Cadre.objects.count() == 1


def test_a_taken_unique_value_raises_djangos_integrity_error(tree):
    taken = CadreFactory(unit=tree.commune_a)
    duplicate = _new_cadres(tree, 1)[0]
    duplicate.national_id = taken.national_id

    with pytest.raises(IntegrityError), transaction.atomic():
        insert_new([duplicate])

    assert Cadre.objects.count() == 1
