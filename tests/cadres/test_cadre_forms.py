import unicodedata

import pytest
from django.urls import reverse

from cadres.models import Cadre
from tests.factories import position

CREATE = reverse("cadres:cadre-create")


def valid_data(unit, **overrides) -> dict:
    data = {
        "full_name": "Lê Thị Mỹ Duyên",
        "gender": "female",
        "birth_date": "12/03/1998",
        "national_id": "052198001234",
        "ethnicity": "Kinh",
        "religion": "none",
        "employment": "full_time",
        "general_education": "12/12",
        "education": "4",
        "political_theory": "2",
        "state_management": "0",
        "foreign_language_level": "3",
        "foreign_language": "Tiếng Anh",
        "it_level": "1",
        "unit": unit.pk,
        "position": position("pho-bi-thu").pk,
        "started_on": "2025-10-01",
        "appointment_kind": "elected",
        "decision_number": "12-QĐ/ĐTN",
    }
    return {**data, **overrides}


def edit_data(cadre, **overrides) -> dict:
    data = valid_data(
        cadre.unit,
        full_name=cadre.full_name,
        national_id=cadre.national_id,
        birth_date=cadre.birth_date.strftime("%d/%m/%Y"),
        gender=cadre.gender,
        version=cadre.version,
    )
    return {**data, **overrides}


def test_it_creates_a_cadre_with_their_first_post(client, commune_editor, tree):
    client.force_login(commune_editor)
    response = client.post(CREATE, valid_data(tree.branch_a))
    cadre = Cadre.objects.get(national_id="052198001234")
    assert response.status_code == 302 and response["Location"] == cadre.get_absolute_url()
    assert (cadre.unit, cadre.position.code) == (tree.branch_a, "pho-bi-thu")
    assert cadre.appointments.get().decision_number == "12-QĐ/ĐTN"


def test_it_stores_names_in_nfc_and_finds_them_without_accents(client, commune_editor, tree):
    client.force_login(commune_editor)
    client.post(
        CREATE, valid_data(tree.commune_a, full_name="  " + unicodedata.normalize("NFD", "Lê Thị  Duyên"))
    )
    cadre = Cadre.objects.get()
    assert cadre.full_name == "Lê Thị Duyên"
    assert unicodedata.is_normalized("NFC", cadre.full_name)
    assert cadre.search_text.startswith("le thi duyen")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("national_id", "05219800123", "12 chữ số"),
        ("national_id", "05219800123A", "12 chữ số"),
        ("birth_date", "31/02/1998", "Nhập một ngày hợp lệ"),
        ("birth_date", "01/01/2020", "tuổi phải từ"),
        ("full_name", "", "bắt buộc"),
        ("started_on", "", "Nhập ngày bắt đầu"),
    ],
)
def test_it_refuses_bad_input_with_a_message_and_saves_nothing(
    client, commune_editor, tree, field, value, message
):
    client.force_login(commune_editor)
    response = client.post(CREATE, valid_data(tree.commune_a, **{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Cadre.objects.exists()


def test_it_refuses_a_duplicate_national_id(client, commune_editor, tree, make_cadre):
    make_cadre(tree.commune_b, national_id="052198001234")
    client.force_login(commune_editor)
    response = client.post(CREATE, valid_data(tree.commune_a))
    assert "đã có trong hồ sơ" in response.content.decode()
    assert Cadre.objects.count() == 1


def test_it_refuses_a_unit_outside_scope(client, commune_editor, tree):
    client.force_login(commune_editor)
    response = client.post(CREATE, valid_data(tree.commune_b))
    assert response.status_code == 200
    assert not Cadre.objects.exists()


def test_it_refuses_party_dates_out_of_order(client, commune_editor, tree):
    client.force_login(commune_editor)
    response = client.post(
        CREATE, valid_data(tree.commune_a, party_joined_on="2022-05-01", party_official_on="2021-05-01")
    )
    assert "không thể trước ngày vào Đảng" in response.content.decode()
    assert not Cadre.objects.exists()


def test_it_saves_an_edit_and_records_who_changed_what(client, province_editor, tree, make_cadre):
    cadre = make_cadre(tree.commune_a, full_name="Trần Văn Hùng")
    client.force_login(province_editor)
    response = client.post(reverse("cadres:cadre-edit", args=[cadre.pk]), edit_data(cadre, major="Luật"))
    assert response.status_code == 302
    cadre.refresh_from_db()
    assert cadre.major == "Luật"
    html = client.get(cadre.get_absolute_url()).content.decode()
    assert "Chuyên ngành" in html and "Luật" in html and province_editor.get_full_name() in html


def test_it_refuses_a_stale_edit_and_shows_what_changed(
    client, province_editor, commune_editor, tree, make_cadre
):
    cadre = make_cadre(tree.commune_a, full_name="Trần Văn Hùng")
    stale = edit_data(cadre, major="Kinh tế")
    client.force_login(commune_editor)
    assert (
        client.post(reverse("cadres:cadre-edit", args=[cadre.pk]), edit_data(cadre, major="Luật")).status_code
        == 302
    )

    client.force_login(province_editor)
    response = client.post(reverse("cadres:cadre-edit", args=[cadre.pk]), stale)
    html = response.content.decode()
    assert response.status_code == 200
    assert "người khác cập nhật" in html
    assert "Chuyên ngành" in html and "Luật" in html and commune_editor.get_full_name() in html
    cadre.refresh_from_db()
    assert cadre.major == "Luật"

    # Seen the change, the user can now save deliberately against the current version.
    resubmit = {**stale, "version": response.context["form"].data["version"]}
    assert client.post(reverse("cadres:cadre-edit", args=[cadre.pk]), resubmit).status_code == 302
    cadre.refresh_from_db()
    assert cadre.major == "Kinh tế"


def test_it_does_not_let_an_edit_change_the_unit(client, province_editor, tree, make_cadre):
    cadre = make_cadre(tree.commune_a)
    client.force_login(province_editor)
    client.post(reverse("cadres:cadre-edit", args=[cadre.pk]), edit_data(cadre, unit=tree.commune_b.pk))
    cadre.refresh_from_db()
    assert cadre.unit == tree.commune_a


def test_it_offers_only_units_in_scope(client, commune_editor, tree):
    client.force_login(commune_editor)
    units = set(client.get(CREATE).context["form"].fields["unit"].queryset)
    assert units == {tree.commune_a, tree.branch_a}


def test_it_offers_units_with_their_parents_when_adding_a_cadre_or_a_post(
    client, province_editor, tree, make_cadre
):
    cadre = make_cadre(tree.commune_a)
    client.force_login(province_editor)

    for url in (CREATE, reverse("cadres:appointment-create", args=[cadre.pk])):
        html = client.get(url).content.decode()
        assert f'<option value="{tree.branch_a.pk}">Chi đoàn thôn 1 – Đoàn xã An Bình</option>' in html, url
        assert f'<option value="{tree.branch_b.pk}">Chi đoàn tổ 2 – Đoàn phường Bắc Sơn</option>' in html, url


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("youth_union_joined_on", "2090-03-26", "Ngày vào Đoàn 26/03/2090 ở tương lai."),
        ("party_joined_on", "1990-01-01", "Ngày vào Đảng 01/01/1990 trước ngày sinh."),
        ("birth_date", "01/01/1900", "tuổi phải từ 14 đến 70"),
    ],
)
def test_it_applies_the_profiles_date_rules_from_the_model(
    client, commune_editor, tree, field, value, message
):
    client.force_login(commune_editor)

    response = client.post(CREATE, valid_data(tree.commune_a, **{field: value}))

    assert message in response.content.decode()
    assert not Cadre.objects.exists()


def test_the_model_and_the_import_share_the_date_rules(tree):
    import datetime

    cadre = Cadre(
        birth_date=datetime.date(1998, 3, 12),
        party_joined_on=None,
        party_official_on=datetime.date(2020, 1, 1),
    )

    assert cadre.date_problems(datetime.date(2026, 11, 22)) == {
        "party_joined_on": "Cần nhập ngày vào Đảng khi đã có ngày chính thức."
    }
