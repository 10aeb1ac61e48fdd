import datetime

import pytest
from django.urls import reverse

from cadres.models import Appointment, Cadre, Commendation, Discipline
from tests.factories import position


def detail(cadre) -> str:
    return reverse("cadres:cadre-detail", args=[cadre.pk])


@pytest.fixture
def lan(tree, make_cadre):
    cadre = make_cadre(
        tree.commune_a,
        full_name="Nguyễn Thị Lan",
        ethnicity="Gia Rai",
        religion="catholic",
        party_joined_on=datetime.date(2019, 3, 26),
        code="bi-thu",
    )
    Discipline.objects.create(cadre=cadre, decided_on=datetime.date(2023, 5, 1), form="Khiển trách")
    Commendation.objects.create(cadre=cadre, awarded_on=datetime.date(2024, 3, 26), form="Bằng khen")
    return cadre


def test_it_shows_the_profile_with_posts_and_history(client, province_editor, lan):
    client.force_login(province_editor)
    html = client.get(detail(lan)).content.decode()
    assert "Nguyễn Thị Lan" in html
    assert "Bí thư" in html and "Đoàn xã An Bình" in html
    assert "Bằng khen" in html and "Khiển trách" in html
    assert "Gia Rai" in html and "Công giáo" in html
    assert "Lịch sử thay đổi" in html


def test_it_hides_sensitive_fields_from_viewers(client, viewer, lan):
    client.force_login(viewer)
    html = client.get(detail(lan)).content.decode()
    assert "Nguyễn Thị Lan" in html
    for secret in ("Gia Rai", "Công giáo", "Khiển trách", "26/03/2019", "Ngày vào Đảng"):
        assert secret not in html
    assert "Sửa hồ sơ" not in html


def test_it_answers_404_outside_scope(client, tree, make_cadre, commune_editor):
    other = make_cadre(tree.commune_b)
    client.force_login(commune_editor)
    assert client.get(detail(other)).status_code == 404
    assert client.get(reverse("cadres:cadre-edit", args=[other.pk])).status_code == 404
    assert client.post(reverse("cadres:cadre-archive", args=[other.pk])).status_code == 404


def test_it_keeps_a_constant_number_of_queries(client, province_editor, lan, django_assert_max_num_queries):
    client.force_login(province_editor)
    # The profile's own queries and a fixed few for each app's section (planning, training,
    # field work: this year's days, the last years', the recent trips, the secondments; the
    # evaluations).
    with django_assert_max_num_queries(29):
        client.get(detail(lan))


def test_it_archives_instead_of_deleting(client, province_editor, lan):
    client.force_login(province_editor)
    response = client.post(
        reverse("cadres:cadre-archive", args=[lan.pk]),
        {
            "status": "transferred",
            "left_on": "01/11/2026",
            "reason": "Chuyển công tác về Huyện ủy",
        },
    )
    assert response.status_code == 302
    lan.refresh_from_db()
    assert (lan.status, lan.left_on) == ("transferred", datetime.date(2026, 11, 1))
    assert not lan.appointments.open().exists()
    assert "Chuyển công tác" in client.get(detail(lan)).content.decode()


def test_it_refuses_an_archive_without_a_reason(client, province_editor, lan):
    client.force_login(province_editor)
    response = client.post(
        reverse("cadres:cadre-archive", args=[lan.pk]),
        {"status": "resigned", "left_on": "01/11/2026", "reason": ""},
    )
    assert response.status_code == 200
    assert "Trường này là bắt buộc" in response.content.decode()
    lan.refresh_from_db()
    assert lan.is_active


def test_it_refuses_writes_to_viewers(client, viewer, lan):
    client.force_login(viewer)
    for url in (
        reverse("cadres:cadre-edit", args=[lan.pk]),
        reverse("cadres:cadre-create"),
        reverse("cadres:cadre-archive", args=[lan.pk]),
        reverse("cadres:appointment-create", args=[lan.pk]),
        reverse("cadres:record-create", args=[lan.pk, "commendation"]),
    ):
        assert client.post(url, {}).status_code == 403
    lan.refresh_from_db()
    assert lan.is_active and lan.version == 2


def test_it_adds_a_transfer_that_closes_the_current_post(client, province_editor, lan, tree):
    client.force_login(province_editor)
    response = client.post(
        reverse("cadres:appointment-create", args=[lan.pk]),
        {
            "unit": tree.province.pk,
            "position": position("uv-btv").pk,
            "kind": "rotated",
            "started_on": "2026-09-01",
            "decision_number": "125-QĐ/TĐTN",
            "close_current": "on",
        },
    )
    assert response.status_code == 302
    lan.refresh_from_db()
    assert (lan.unit, lan.position.code) == (tree.province, "uv-btv")
    old = Appointment.objects.get(cadre=lan, position__code="bi-thu")
    assert old.ended_on == datetime.date(2026, 8, 31)


def test_it_keeps_a_concurrent_post_beside_the_main_one(client, province_editor, lan, tree):
    client.force_login(province_editor)
    client.post(
        reverse("cadres:appointment-create", args=[lan.pk]),
        {
            "unit": tree.commune_a.pk,
            "position": position("chu-tich-hoi").pk,
            "kind": "concurrent",
            "started_on": "2026-09-01",
        },
    )
    lan.refresh_from_db()
    assert lan.position.code == "bi-thu"
    assert lan.appointments.open().count() == 2


def test_it_closes_an_appointment_and_refuses_an_end_before_its_start(client, province_editor, lan):
    appointment = lan.appointments.get()
    client.force_login(province_editor)
    url = reverse("cadres:appointment-close", args=[lan.pk, appointment.pk])
    client.post(url, {"close-ended_on": "2020-01-01"})
    appointment.refresh_from_db()
    assert appointment.ended_on is None
    client.post(url, {"close-ended_on": "2026-06-30"})
    appointment.refresh_from_db()
    lan.refresh_from_db()
    assert appointment.ended_on == datetime.date(2026, 6, 30)
    assert lan.position is None


def test_it_refuses_get_on_closing_an_appointment(client, province_editor, lan):
    client.force_login(province_editor)
    url = reverse("cadres:appointment-close", args=[lan.pk, lan.appointments.get().pk])
    assert client.get(url).status_code == 405


def test_it_adds_a_commendation_with_history(client, province_editor, lan):
    client.force_login(province_editor)
    client.post(
        reverse("cadres:record-create", args=[lan.pk, "commendation"]),
        {
            "awarded_on": "2025-12-20",
            "form": "Giấy khen",
            "issuer": "BCH Tỉnh đoàn",
        },
    )
    assert lan.commendations.filter(form="Giấy khen").exists()
    html = client.get(detail(lan)).content.decode()
    assert "Khen thưởng: Giấy khen" in html
    assert province_editor.get_full_name() in html


def test_it_answers_404_for_an_unknown_record_kind(client, province_editor, lan):
    client.force_login(province_editor)
    assert client.get(reverse("cadres:record-create", args=[lan.pk, "salary"])).status_code == 404


def test_only_admins_can_delete_a_cadre(province_editor, system_admin, lan, rf):
    from django.contrib import admin

    from cadres.admin import CadreAdmin

    model_admin = CadreAdmin(Cadre, admin.site)
    request = rf.get("/")
    request.user = province_editor
    assert not model_admin.has_delete_permission(request, lan)
    request.user = system_admin
    assert model_admin.has_delete_permission(request, lan)


def test_it_logs_reads_of_sensitive_profiles(client, province_editor, viewer, lan):
    from cadres.models import AccessLog

    client.force_login(province_editor)
    client.get(detail(lan))
    client.force_login(viewer)
    client.get(detail(lan))
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.cadre) == (province_editor, "view", lan)


def test_it_corrects_an_appointment_and_moves_the_current_post(client, province_editor, lan, tree):
    appointment = lan.appointments.get()
    client.force_login(province_editor)
    response = client.post(
        reverse("cadres:appointment-edit", args=[lan.pk, appointment.pk]),
        {
            "unit": tree.commune_a.pk,
            "position": position("pho-bi-thu").pk,
            "kind": "elected",
            "started_on": "2023-12-15",
            "decision_number": "45-QĐ/ĐTN",
            "note": "",
            "version": appointment.version,  # the version the form was opened at
        },
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    lan.refresh_from_db()
    assert (appointment.started_on, appointment.decision_number) == (datetime.date(2023, 12, 15), "45-QĐ/ĐTN")
    assert lan.position.code == "pho-bi-thu"
    assert Appointment.objects.count() == 1


def test_it_deletes_an_appointment_entered_by_mistake(client, province_editor, lan):
    client.force_login(province_editor)
    appointment = lan.appointments.get()
    assert client.get(reverse("cadres:appointment-delete", args=[lan.pk, appointment.pk])).status_code == 405
    client.post(reverse("cadres:appointment-delete", args=[lan.pk, appointment.pk]))
    lan.refresh_from_db()
    assert not lan.appointments.exists()
    assert lan.position is None


def test_it_edits_and_deletes_a_commendation(client, province_editor, lan):
    record = lan.commendations.get()
    client.force_login(province_editor)
    client.post(
        reverse("cadres:record-edit", args=[lan.pk, "commendation", record.pk]),
        {"awarded_on": "2024-03-26", "form": "Bằng khen Trung ương Đoàn", "version": record.version},
    )
    record.refresh_from_db()
    assert record.form == "Bằng khen Trung ương Đoàn"
    client.post(reverse("cadres:record-delete", args=[lan.pk, "commendation", record.pk]))
    assert not lan.commendations.exists()


def test_it_refuses_record_changes_outside_scope_and_to_viewers(
    client, commune_editor, viewer, tree, make_cadre
):
    other = make_cadre(tree.commune_b)
    record = Commendation.objects.create(cadre=other, awarded_on=datetime.date(2024, 1, 1), form="Giấy khen")
    appointment = other.appointments.get()
    client.force_login(commune_editor)
    assert (
        client.post(reverse("cadres:record-delete", args=[other.pk, "commendation", record.pk])).status_code
        == 404
    )
    assert (
        client.post(reverse("cadres:appointment-delete", args=[other.pk, appointment.pk])).status_code == 404
    )
    client.force_login(viewer)
    assert (
        client.post(reverse("cadres:record-delete", args=[other.pk, "commendation", record.pk])).status_code
        == 403
    )
    assert client.get(reverse("cadres:appointment-edit", args=[other.pk, appointment.pk])).status_code == 403
    assert Commendation.objects.filter(pk=record.pk).exists()
    assert other.appointments.exists()
