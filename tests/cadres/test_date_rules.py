"""The date rules of cadres/dates.py: each date is refused, with a message naming its field, in
the app's forms, in the import and in the admin, and nothing is saved."""

import datetime

import pytest
from django.urls import reverse

from cadres.dates import RULES, date_problems
from cadres.models import Appointment, Cadre, Commendation, Discipline, Unit, UnitMerge
from tests.cadres.test_cadre_forms import CREATE, edit_data, valid_data
from tests.cadres.test_import import HEADER, job_page, row
from tests.cadres.test_merge import MERGE_URL
from tests.cadres.test_merge import form_data as merge_form_data
from tests.factories import CadreFactory, position, xlsx_bytes
from tests.test_admin import admin_url, change_page_data

TODAY = datetime.date(2026, 11, 22)
BORN = datetime.date(1995, 6, 15)  # CadreFactory's birth date


@pytest.fixture(autouse=True)
def _tasks_within_the_request(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


# --- the rule table -------------------------------------------------------------------------------


@pytest.mark.parametrize("model", [Cadre, Appointment, Commendation, Discipline, UnitMerge])
def test_every_date_field_declares_its_rule(model):
    # Every date a person enters; the columns the app derives (``Cadre.TIMELINE_FIELDS``) are not.
    date_fields = {
        field.name
        for field in model._meta.fields
        if field.get_internal_type() == "DateField" and field.editable
    }

    assert {rule.field for rule in RULES[model._meta.label]} == date_fields


@pytest.mark.parametrize(
    ("record", "field", "message"),
    [
        (Cadre(youth_union_joined_on=datetime.date(2090, 1, 1)), "youth_union_joined_on", "ở tương lai"),
        (Cadre(party_joined_on=datetime.date(1994, 1, 1)), "party_joined_on", "trước ngày sinh"),
        (Cadre(party_joined_on=datetime.date(2005, 1, 1)), "party_joined_on", "chưa đủ 14 tuổi"),
        (Appointment(started_on=datetime.date(1, 1, 1)), "started_on", "quá xa trong quá khứ"),
        (Appointment(started_on=datetime.date(2008, 1, 1)), "started_on", "chưa đủ 14 tuổi"),
        (Commendation(awarded_on=datetime.date(2099, 1, 1)), "awarded_on", "quá xa trong tương lai"),
        (Discipline(decided_on=datetime.date(1900, 1, 1)), "decided_on", "quá xa trong quá khứ"),
        (UnitMerge(effective_on=datetime.date(2999, 1, 1)), "effective_on", "quá xa trong tương lai"),
    ],
)
def test_it_names_the_field_and_the_reason(record, field, message):
    if isinstance(record, Cadre):
        record.birth_date = BORN

    problems = date_problems(record, today=TODAY, birth=BORN)

    assert list(problems) == [field]
    assert message in problems[field]


def test_it_allows_dates_up_to_the_configured_horizon(settings):
    settings.DATE_HORIZON_DAYS = 30
    within, beyond = TODAY + datetime.timedelta(days=30), TODAY + datetime.timedelta(days=31)

    assert date_problems(Commendation(awarded_on=within), today=TODAY, birth=BORN) == {}
    assert date_problems(Commendation(awarded_on=beyond), today=TODAY, birth=BORN) == {
        "awarded_on": "Ngày khen thưởng 23/12/2026 quá xa trong tương lai (chỉ nhập đến ngày 22/12/2026)."
    }


def test_it_refuses_an_end_before_the_start():
    post = Appointment(started_on=datetime.date(2024, 5, 1), ended_on=datetime.date(2024, 4, 30))

    assert date_problems(post, today=TODAY, birth=BORN) == {
        "ended_on": "Ngày kết thúc 30/04/2024 không thể trước ngày bắt đầu (01/05/2024)."
    }


def test_it_skips_the_birth_rules_when_the_birth_is_unknown():
    assert date_problems(Commendation(awarded_on=datetime.date(2000, 1, 1)), today=TODAY, birth=None) == {}


# --- the app's forms ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("youth_union_joined_on", "01/01/2090", "Ngày vào Đoàn 01/01/2090 ở tương lai."),
        ("party_joined_on", "01/01/2090", "Ngày vào Đảng 01/01/2090 ở tương lai."),
        ("party_joined_on", "01/01/1997", "Ngày vào Đảng 01/01/1997 trước ngày sinh."),
        ("party_joined_on", "01/01/2008", "Ngày vào Đảng 01/01/2008 khi cán bộ chưa đủ 14 tuổi"),
        ("started_on", "01/01/1900", "Ngày bắt đầu 01/01/1900 quá xa trong quá khứ"),
    ],
)
def test_it_refuses_a_new_cadres_implausible_dates(client, province_editor, tree, field, value, message):
    client.force_login(province_editor)

    response = client.post(CREATE, valid_data(tree.commune_a, **{field: value}))

    assert message in response.content.decode()
    assert not Cadre.objects.exists()


def test_it_refuses_an_edit_that_puts_joining_before_the_minimum_age(
    client, province_editor, tree, make_cadre
):
    cadre = make_cadre(tree.commune_a)
    client.force_login(province_editor)

    response = client.post(
        reverse("cadres:cadre-edit", args=[cadre.pk]), edit_data(cadre, youth_union_joined_on="01/01/2005")
    )

    assert (
        "Ngày vào Đoàn 01/01/2005 khi cán bộ chưa đủ 14 tuổi (ngày sinh 15/06/1995)."
        in response.content.decode()
    )
    cadre.refresh_from_db()
    assert cadre.youth_union_joined_on is None


@pytest.mark.parametrize(
    ("kind", "field", "value", "message"),
    [
        ("commendation", "awarded_on", "01/01/2099", "Ngày khen thưởng 01/01/2099 quá xa trong tương lai"),
        ("commendation", "awarded_on", "01/01/1900", "Ngày khen thưởng 01/01/1900 quá xa trong quá khứ"),
        ("discipline", "decided_on", "01/01/2099", "Ngày kỷ luật 01/01/2099 quá xa trong tương lai"),
        ("discipline", "decided_on", "01/01/1900", "Ngày kỷ luật 01/01/1900 quá xa trong quá khứ"),
    ],
)
def test_it_refuses_a_commendation_or_discipline_out_of_range(
    client, province_editor, tree, make_cadre, kind, field, value, message
):
    cadre = make_cadre(tree.commune_a)
    client.force_login(province_editor)

    response = client.post(
        reverse("cadres:record-create", args=[cadre.pk, kind]), {field: value, "form": "Bằng khen"}
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Commendation.objects.exists() and not Discipline.objects.exists()


def test_it_refuses_a_commendation_moved_before_the_cadre_was_fourteen(
    client, province_editor, tree, make_cadre
):
    cadre = make_cadre(tree.commune_a)
    record = Commendation.objects.create(cadre=cadre, awarded_on=datetime.date(2024, 3, 26), form="Bằng khen")
    client.force_login(province_editor)

    response = client.post(
        reverse("cadres:record-edit", args=[cadre.pk, "commendation", record.pk]),
        {"awarded_on": "26/03/2005", "form": "Bằng khen", "version": record.version},
    )

    assert "Ngày khen thưởng 26/03/2005 khi cán bộ chưa đủ 14 tuổi" in response.content.decode()
    record.refresh_from_db()
    assert record.awarded_on == datetime.date(2024, 3, 26)


def appointment_data(tree, **overrides) -> dict:
    return {
        "unit": tree.commune_a.pk,
        "position": position("pho-bi-thu").pk,
        "kind": "appointed",
        "started_on": "01/10/2025",
        "decision_number": "",
        "note": "",
        **overrides,
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("started_on", "01/01/1900", "Ngày bắt đầu 01/01/1900 quá xa trong quá khứ"),
        ("started_on", "0001-01-01", "Ngày bắt đầu 01/01/0001 quá xa trong quá khứ"),
        ("started_on", "01/01/2999", "Ngày bắt đầu 01/01/2999 quá xa trong tương lai"),
        ("ended_on", "31/12/2999", "Ngày kết thúc 31/12/2999 quá xa trong tương lai"),
        ("ended_on", "30/09/2025", "Ngày kết thúc 30/09/2025 không thể trước ngày bắt đầu (01/10/2025)."),
    ],
)
def test_it_refuses_an_appointment_out_of_range(
    client, province_editor, tree, make_cadre, field, value, message
):
    cadre = make_cadre(tree.commune_a)
    client.force_login(province_editor)

    response = client.post(
        reverse("cadres:appointment-create", args=[cadre.pk]), appointment_data(tree, **{field: value})
    )

    assert message in response.content.decode()
    assert cadre.appointments.count() == 1


def test_it_refuses_to_move_a_recorded_post_before_the_cadre_was_fourteen(
    client, province_editor, tree, make_cadre
):
    cadre = make_cadre(tree.commune_a)
    appointment = cadre.appointments.get()
    client.force_login(province_editor)

    response = client.post(
        reverse("cadres:appointment-edit", args=[cadre.pk, appointment.pk]),
        appointment_data(tree, started_on="01/01/2005", version=appointment.version),
    )

    assert "Ngày bắt đầu 01/01/2005 khi cán bộ chưa đủ 14 tuổi" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.started_on == datetime.date(2024, 1, 1)


def test_it_refuses_to_close_a_post_on_31_12_2999(client, province_editor, tree, make_cadre):
    cadre = make_cadre(tree.commune_a)
    appointment = cadre.appointments.get()
    client.force_login(province_editor)

    response = client.post(
        reverse("cadres:appointment-close", args=[cadre.pk, appointment.pk]),
        {"close-ended_on": "31/12/2999"},
        follow=True,
    )

    assert "Ngày kết thúc 31/12/2999 quá xa trong tương lai" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.is_open


def test_it_refuses_to_archive_a_cadre_before_their_birth(client, province_editor, tree, make_cadre):
    cadre = make_cadre(tree.commune_a)
    client.force_login(province_editor)

    response = client.post(
        reverse("cadres:cadre-archive", args=[cadre.pk]),
        {"status": "transferred", "left_on": "01/01/1990", "reason": "Chuyển công tác"},
    )

    assert "Ngày thôi công tác 01/01/1990 trước ngày sinh." in response.content.decode()
    cadre.refresh_from_db()
    assert cadre.is_active


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("01/01/2999", "Ngày hiệu lực 01/01/2999 quá xa trong tương lai"),
        ("01/01/1900", "Ngày hiệu lực 01/01/1900 quá xa trong quá khứ"),
    ],
)
def test_it_refuses_a_merge_effective_out_of_range(client, tree, province_editor, value, message):
    client.force_login(province_editor)

    response = client.post(MERGE_URL, merge_form_data(tree, effective_on=value, confirm="1"))

    assert message in response.content.decode()
    assert not UnitMerge.objects.exists()
    assert Unit.objects.get(pk=tree.commune_a.pk).dissolved_on is None


# --- the import -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("Ngày vào Đoàn", "01/01/2090", "ngày vào Đoàn 01/01/2090 ở tương lai."),
        ("Ngày vào Đảng", "01/01/2090", "ngày vào Đảng 01/01/2090 ở tương lai."),
        ("Ngày vào Đảng", "01/01/1990", "ngày vào Đảng 01/01/1990 trước ngày sinh."),
        ("Ngày vào Đảng", "01/01/2005", "ngày vào Đảng 01/01/2005 khi cán bộ chưa đủ 14 tuổi"),
        ("Ngày vào Đoàn", "01/01/0001", "ngày vào Đoàn 01/01/0001 quá xa trong quá khứ"),
    ],
)
def test_it_refuses_implausible_joining_dates_in_an_import(
    client, province_editor, tree, column, value, message
):
    client.force_login(province_editor)
    content = xlsx_bytes([[*HEADER, column], [*row("Lê Văn Mới", "001095000042"), value]])

    url, page = job_page(client, content)

    problems = page.context["state"]["problems"]
    assert any(problem.startswith(f"Dòng 2, cột {column}: {message}") for problem in problems), problems
    client.post(url)
    assert not Cadre.objects.filter(national_id="001095000042").exists()


# --- the admin ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "field", "message"),
    [
        (Commendation, "awarded_on", "Ngày khen thưởng 01/01/2099 quá xa trong tương lai"),
        (Discipline, "decided_on", "Ngày kỷ luật 01/01/2099 quá xa trong tương lai"),
    ],
)
def test_the_admin_refuses_a_record_out_of_range(client, system_admin, tree, model, field, message):
    cadre = CadreFactory(unit=tree.commune_a)
    client.force_login(system_admin)

    response = client.post(
        admin_url(model, "add"), {"cadre": cadre.pk, field: "01/01/2099", "form": "Bằng khen"}
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not model.objects.exists()


def test_the_admin_refuses_an_appointment_before_the_cadre_was_fourteen(client, system_admin, tree):
    cadre = CadreFactory(unit=tree.commune_a)
    client.force_login(system_admin)

    response = client.post(
        admin_url(Appointment, "add"),
        {
            "cadre": cadre.pk,
            "unit": tree.commune_a.pk,
            "position": position("bi-thu").pk,
            "kind": "appointed",
            "started_on": "01/01/2005",
        },
    )

    assert "Ngày bắt đầu 01/01/2005 khi cán bộ chưa đủ 14 tuổi" in response.content.decode()
    assert not Appointment.objects.exists()


def test_the_admin_refuses_a_cadre_joining_the_party_in_2090(client, system_admin, tree, make_cadre):
    cadre = make_cadre(tree.commune_a)
    client.force_login(system_admin)
    url = admin_url(Cadre, "change", cadre.pk)

    response = client.post(url, change_page_data(client.get(url), party_joined_on="01/01/2090"))

    assert "Ngày vào Đảng 01/01/2090 ở tương lai." in response.content.decode()
    cadre.refresh_from_db()
    assert cadre.party_joined_on is None


# --- the create pages give their form the cadre, so birth-relative rules apply there too ---------


def test_it_refuses_a_new_post_before_the_cadre_was_fourteen(client, province_editor, tree, make_cadre):
    cadre = make_cadre(tree.commune_a)
    client.force_login(province_editor)

    response = client.post(
        reverse("cadres:appointment-create", args=[cadre.pk]), appointment_data(tree, started_on="01/01/2005")
    )

    assert "Ngày bắt đầu 01/01/2005 khi cán bộ chưa đủ 14 tuổi" in response.content.decode()
    assert cadre.appointments.count() == 1


def test_it_refuses_a_new_commendation_before_the_cadre_was_fourteen(
    client, province_editor, tree, make_cadre
):
    cadre = make_cadre(tree.commune_a)
    client.force_login(province_editor)

    response = client.post(
        reverse("cadres:record-create", args=[cadre.pk, "commendation"]),
        {"awarded_on": "01/01/2005", "form": "Bằng khen"},
    )

    assert "Ngày khen thưởng 01/01/2005 khi cán bộ chưa đủ 14 tuổi" in response.content.decode()
    assert not Commendation.objects.exists()
