"""CCCD and phone numbers are ASCII digits after NFKC: full-width digits are the same number (and
find the cadre who has it), Arabic-Indic digits are refused; in the form, the import and the admin."""

import pytest
from django.core.exceptions import ValidationError

from cadres.imports import Action
from cadres.models import Cadre
from common.text import ascii_digits, is_ascii_number, is_phone_number, phone_text
from tests.cadres.test_cadre_forms import CREATE, valid_data
from tests.cadres.test_import import HEADER, job_page, row
from tests.factories import CadreFactory, xlsx_bytes
from tests.test_admin import admin_url, change_page_data

NUMBER = "052198001234"
FULL_WIDTH = "０５２１９８００１２３４"  # NFKC: NUMBER
ARABIC_INDIC = "٠٥٢١٩٨٠٠١٢٣٤"  # digits, but not 0–9, and NFKC keeps them
TAKEN = "Số CCCD này đã có trong hồ sơ của một cán bộ khác."
NOT_ASCII = "Số CCCD chỉ gồm 12 chữ số 0–9."


@pytest.fixture(autouse=True)
def _tasks_within_the_request(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


# --- the normalisers ------------------------------------------------------------------------------


def test_it_turns_full_width_digits_into_ascii_and_drops_grouping():
    assert ascii_digits(FULL_WIDTH) == NUMBER
    assert ascii_digits("052 198.001-234") == NUMBER
    assert is_ascii_number(ascii_digits(FULL_WIDTH), 12)


def test_it_keeps_arabic_indic_digits_for_the_check_to_refuse():
    assert ascii_digits(ARABIC_INDIC) == ARABIC_INDIC
    assert not is_ascii_number(ARABIC_INDIC, 12)


def test_it_keeps_a_phones_grouping_and_leading_plus():
    assert phone_text("＋８４ ９０５ １２３ ４５６") == "+84 905 123 456"
    assert is_phone_number("+84 905 123 456")
    assert not is_phone_number("٠٩٠٥١٢٣٤٥٦")


# --- the model (and so the admin and every ModelForm) ---------------------------------------------


def test_the_model_checks_uniqueness_on_the_normalised_number(tree):
    CadreFactory(unit=tree.commune_a, national_id=NUMBER)
    twin = CadreFactory.build(unit=tree.commune_a, national_id=FULL_WIDTH)

    with pytest.raises(ValidationError) as refused:
        twin.full_clean()

    assert refused.value.message_dict["national_id"] == [TAKEN]


def test_the_model_stores_the_ascii_number():
    cadre = CadreFactory.build(national_id=FULL_WIDTH, phone="０９０５ １２３ ４５６")

    cadre.normalize_identifiers()

    assert (cadre.national_id, cadre.phone) == (NUMBER, "0905 123 456")


# --- the app's form -------------------------------------------------------------------------------


def test_it_finds_the_existing_person_behind_a_full_width_number(client, province_editor, tree):
    CadreFactory(unit=tree.commune_a, national_id=NUMBER)
    client.force_login(province_editor)

    response = client.post(CREATE, valid_data(tree.commune_a, national_id=FULL_WIDTH))

    assert TAKEN in response.content.decode()
    assert Cadre.objects.count() == 1


def test_it_saves_a_new_full_width_number_as_ascii(client, province_editor, tree):
    client.force_login(province_editor)

    response = client.post(
        CREATE, valid_data(tree.commune_a, national_id=FULL_WIDTH, phone="０９０５ １２３ ４５６")
    )

    assert response.status_code == 302
    cadre = Cadre.objects.get()
    assert (cadre.national_id, cadre.phone) == (NUMBER, "0905 123 456")


def test_it_refuses_arabic_indic_digits(client, province_editor, tree):
    client.force_login(province_editor)

    response = client.post(CREATE, valid_data(tree.commune_a, national_id=ARABIC_INDIC))

    assert NOT_ASCII in response.content.decode()
    assert not Cadre.objects.exists()


def test_it_refuses_a_phone_in_arabic_indic_digits(client, province_editor, tree):
    client.force_login(province_editor)

    response = client.post(CREATE, valid_data(tree.commune_a, phone="٠٩٠٥١٢٣٤٥٦"))

    assert "Số điện thoại “٠٩٠٥١٢٣٤٥٦” không hợp lệ" in response.content.decode()
    assert not Cadre.objects.exists()


# --- the import -----------------------------------------------------------------------------------


def test_an_import_finds_the_existing_person_behind_a_full_width_number(client, province_editor, tree):
    existing = CadreFactory(unit=tree.commune_a, full_name="Lê Thị Mỹ Duyên", national_id=NUMBER)
    client.force_login(province_editor)

    url, page = job_page(client, xlsx_bytes([HEADER, row("Lê Thị Mỹ Duyên", FULL_WIDTH)]))

    planned = page.context["state"]["rows"]
    assert [(r["action"], r["national_id"]) for r in planned] == [(Action.UPDATE, NUMBER)]
    assert planned[0]["url"] == existing.get_absolute_url()
    client.post(url)
    assert list(Cadre.objects.values_list("national_id", flat=True)) == [NUMBER]


def test_an_import_refuses_arabic_indic_digits(client, province_editor, tree):
    client.force_login(province_editor)

    url, page = job_page(client, xlsx_bytes([HEADER, row("Lê Văn Mới", ARABIC_INDIC)]))

    assert page.context["state"]["problems"] == [
        f"Dòng 2, cột Số CCCD: “{ARABIC_INDIC}” không hợp lệ: số CCCD chỉ gồm 12 chữ số 0–9."
    ]
    client.post(url)
    assert not Cadre.objects.exists()


def test_an_import_stores_full_width_phone_digits_as_ascii(client, province_editor, tree):
    client.force_login(province_editor)

    url, _ = job_page(client, xlsx_bytes([HEADER, row("Lê Văn Mới", NUMBER, phone="０９０５ １２３ ４５６")]))
    client.post(url)

    assert Cadre.objects.get().phone == "0905 123 456"


# --- the admin ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "message"), [(FULL_WIDTH, TAKEN), (ARABIC_INDIC, NOT_ASCII)])
def test_the_admin_refuses_a_number_another_cadre_has_or_not_in_ascii(
    client, system_admin, tree, make_cadre, typed, message
):
    CadreFactory(unit=tree.commune_a, national_id=NUMBER)
    cadre = make_cadre(tree.commune_a)
    client.force_login(system_admin)
    url = admin_url(Cadre, "change", cadre.pk)

    response = client.post(url, change_page_data(client.get(url), national_id=typed))

    assert message in response.content.decode()
    assert Cadre.objects.get(pk=cadre.pk).national_id == cadre.national_id
