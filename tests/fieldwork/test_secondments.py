"""Grassroots secondments: at least three months, a real concurrent appointment on the host unit
(open while it runs, closed by the end-of-secondment report, removed with it), its working days
year by year, no overlap with trips, and scope on both sides."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from cadres.models import Appointment, AppointmentKind
from fieldwork.models import Secondment, SecondmentYear
from fieldwork.workdays import working_days
from tests.factories import position

from .conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def lan(tree, make_cadre):
    return make_cadre(tree.province, code="uv-btv", full_name="Trần Thị Lan")


def secondment_data(tree, cadre, **fields) -> dict:
    data = {
        "cadre": cadre.pk,
        "host": tree.commune_a.pk,
        "position": position("pho-bi-thu").pk,
        "starts_on": "2026-03-01",
        "ends_on": "2026-06-30",
        "decision_number": "125-QĐ/TĐTN-TCKT",
        "decision_date": "2026-02-20",
        "tasks": "Phụ trách công tác thanh niên công nhân.",
    }
    data.update(fields)
    return data


def test_it_holds_the_post_in_the_host_unit(tree, province_editor, lan):
    response = client_for(province_editor).post(
        reverse("fieldwork:secondment-create"), secondment_data(tree, lan)
    )
    secondment = Secondment.objects.get()
    assert response.status_code == 302 and response["Location"] == secondment.get_absolute_url()
    held = Appointment.objects.open().get(unit=tree.commune_a, position=position("pho-bi-thu"))
    assert held == secondment.appointment
    assert (
        held.cadre == lan
        and held.kind == AppointmentKind.CONCURRENT
        and held.started_on == datetime.date(2026, 3, 1)
    )
    lan.refresh_from_db()
    assert lan.unit == tree.province  # the main post stays
    assert list(SecondmentYear.objects.values_list("year", "days")) == [
        (2026, Decimal(working_days(datetime.date(2026, 3, 1), datetime.date(2026, 6, 30))))
    ]


def test_it_closes_the_post_with_the_final_report(tree, province_editor, lan):
    client = client_for(province_editor)
    client.post(
        reverse("fieldwork:secondment-create"),
        secondment_data(tree, lan, starts_on="2025-09-01", ends_on="2025-12-31"),
    )
    secondment = Secondment.objects.get()
    response = client.post(
        reverse("fieldwork:secondment-finish", args=[secondment.pk]),
        {"ends_on": "2025-12-31", "results": "Hoàn thành nhiệm vụ.", "version": secondment.version},
    )
    assert response.status_code == 302
    secondment.refresh_from_db()
    assert secondment.finished
    assert secondment.appointment.ended_on == datetime.date(2025, 12, 31)
    assert not Appointment.objects.open().filter(unit=tree.commune_a).exists()


def test_it_splits_the_days_between_years(tree, province_editor, lan):
    client_for(province_editor).post(
        reverse("fieldwork:secondment-create"),
        secondment_data(tree, lan, starts_on="2025-11-01", ends_on="2026-02-28"),
    )
    days = dict(SecondmentYear.objects.values_list("year", "days"))
    assert days == {
        2025: Decimal(working_days(datetime.date(2025, 11, 1), datetime.date(2025, 12, 31))),
        2026: Decimal(working_days(datetime.date(2026, 1, 1), datetime.date(2026, 2, 28))),
    }


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"ends_on": "2026-05-30"}, "ít nhất 3 tháng: từ 01/03/2026 phải đến ngày 31/05/2026 trở đi"),
        ({"ends_on": "2026-02-01"}, "Ngày kết thúc không được trước ngày bắt đầu"),
        ({"host": "unit-of-own"}, "Đơn vị tiếp nhận là đơn vị của chính cán bộ"),
    ],
)
def test_it_refuses_a_secondment_it_cannot_be(tree, province_editor, lan, fields, message):
    if fields.get("host") == "unit-of-own":
        fields = {"host": tree.province.pk}
    response = client_for(province_editor).post(
        reverse("fieldwork:secondment-create"), secondment_data(tree, lan, **fields)
    )
    assert message in response.content.decode()
    assert (
        not Secondment.objects.exists()
        and not Appointment.objects.filter(kind=AppointmentKind.CONCURRENT).exists()
    )


def test_it_refuses_overlapping_a_trip(tree, province_editor, lan, make_trip):
    make_trip(tree.province, tree.commune_b, [lan], starts_on=datetime.date(2026, 4, 6))
    response = client_for(province_editor).post(
        reverse("fieldwork:secondment-create"), secondment_data(tree, lan)
    )
    assert "Trần Thị Lan đã có đợt đi cơ sở ngày 06/04/2026" in response.content.decode()
    assert not Secondment.objects.exists()


def test_deleting_it_removes_the_post(tree, province_editor, lan):
    client = client_for(province_editor)
    client.post(reverse("fieldwork:secondment-create"), secondment_data(tree, lan))
    secondment = Secondment.objects.get()
    client.post(reverse("fieldwork:secondment-delete", args=[secondment.pk]))
    assert not Secondment.objects.exists()
    assert not Appointment.objects.filter(unit=tree.commune_a).exists()


def test_the_host_sees_it_and_only_the_sender_edits_it(tree, province_editor, commune_editor, lan):
    client_for(province_editor).post(reverse("fieldwork:secondment-create"), secondment_data(tree, lan))
    secondment = Secondment.objects.get()
    host = client_for(commune_editor)
    assert host.get(secondment.get_absolute_url()).status_code == 200
    assert lan.full_name in host.get(reverse("fieldwork:secondments")).content.decode()
    assert host.get(reverse("fieldwork:secondment-edit", args=[secondment.pk])).status_code == 404
    assert host.post(reverse("fieldwork:secondment-delete", args=[secondment.pk])).status_code == 404


def test_another_province_does_not_see_it(tree, province_editor, lan, make_cadre):
    from tests.factories import UserFactory

    client_for(province_editor).post(reverse("fieldwork:secondment-create"), secondment_data(tree, lan))
    stranger = UserFactory(unit=tree.other_province)
    secondment = Secondment.objects.get()
    assert client_for(stranger).get(secondment.get_absolute_url()).status_code == 404


def test_a_merge_moves_the_trips_and_secondments_of_the_merged_unit(
    tree, province_editor, system_admin, lan, make_trip
):
    from cadres.merge import unit_merge

    visit = make_trip(tree.province, tree.commune_b, [lan], starts_on=datetime.date(2026, 3, 9))
    own = make_trip(tree.commune_b, tree.branch_b, [lan], starts_on=datetime.date(2026, 3, 16))
    client_for(province_editor).post(
        reverse("fieldwork:secondment-create"),
        secondment_data(tree, lan, host=tree.commune_b.pk, starts_on="2026-04-01", ends_on="2026-07-31"),
    )
    unit_merge(
        sources=[tree.commune_b],
        target=tree.commune_a,
        new_target=None,
        parent=None,
        effective_on=datetime.date(2026, 7, 1),
        decision_number="9-QĐ",
        user=system_admin,
    )
    visit.refresh_from_db()
    own.refresh_from_db()
    assert visit.host == tree.commune_a
    assert own.organiser == tree.commune_a and own.host == tree.branch_b  # the chi đoàn moved under A
    assert Secondment.objects.get().host == tree.commune_a
