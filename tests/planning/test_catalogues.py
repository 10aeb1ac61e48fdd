"""The planning catalogues: terms of office and staffing norms, seeded and edited in Django admin."""

import pytest
from django.test import Client

from cadres.models import UnitKind
from planning.models import StaffingNorm, Term
from tests.factories import position
from tests.test_admin import admin_url, change_page_data


@pytest.fixture
def admin_client(system_admin) -> Client:
    client = Client()
    client.force_login(system_admin)
    return client


def add_term(client: Client, **fields):
    page = client.get(admin_url(Term, "add"))
    data = change_page_data(page, name="Nhiệm kỳ thử", note="", **fields)
    return client.post(admin_url(Term, "add"), data)


def add_norm(client: Client, post_code: str, count: str):
    """Post the add page of a norm for communes, as the page rendered it, with ``post_code``."""
    page = client.get(admin_url(StaffingNorm, "add"))
    data = change_page_data(
        page, unit_kind=UnitKind.COMMUNE, position=str(position(post_code).pk), count=count, source=""
    )
    return client.post(admin_url(StaffingNorm, "add"), data)


def errors_of(response) -> str:
    form = response.context["adminform"].form
    return " ".join(str(message) for messages in form.errors.values() for message in messages)


@pytest.mark.django_db
def test_the_terms_in_use_are_seeded_with_their_length():
    terms = {(term.name, term.years) for term in Term.objects.all()}

    assert terms == {
        ("Nhiệm kỳ 2022–2027", 5),
        ("Nhiệm kỳ 2025–2030", 5),
        ("Nhiệm kỳ 2026–2031", 5),
        ("Nhiệm kỳ 2027–2032", 5),
        ("Nhiệm kỳ 2030–2035", 5),
    }


@pytest.mark.django_db
def test_every_kind_of_unit_has_one_secretary():
    norms = StaffingNorm.objects.filter(position=position("bi-thu"))

    assert sorted(norms.values_list("unit_kind", flat=True)) == sorted(UnitKind.values)
    assert set(norms.values_list("count", flat=True)) == {1}


def test_an_admin_adds_a_term(admin_client):
    response = add_term(admin_client, start_year="2032", end_year="2037")

    assert response.status_code == 302
    term = Term.objects.get(name="Nhiệm kỳ thử")
    assert (term.years, term.history.get().history_type) == (5, "+")


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2030", "2030", "Năm kết thúc phải sau năm bắt đầu"),
        ("2030", "2025", "Năm kết thúc phải sau năm bắt đầu"),
        ("2030", "2045", "dài không quá 10 năm"),
        ("2025", "2030", "Đã có nhiệm kỳ với năm bắt đầu và năm kết thúc này."),
        ("1930", "1935", "Năm phải từ 1931 (năm thành lập Đoàn) trở đi."),
        ("2030", "99999", "Năm không được sau 2100."),
    ],
)
def test_it_refuses_a_term_whose_years_do_not_make_one(admin_client, start, end, message):
    count = Term.objects.count()

    response = add_term(admin_client, start_year=start, end_year=end)

    assert response.status_code == 200
    assert message in errors_of(response)
    assert Term.objects.count() == count


def test_it_refuses_a_second_norm_for_the_same_kind_and_post(admin_client):
    response = add_norm(admin_client, "bi-thu", "2")

    assert response.status_code == 200
    assert "Loại đơn vị này đã có định mức cho chức vụ này." in errors_of(response)
    assert StaffingNorm.objects.get(unit_kind=UnitKind.COMMUNE, position=position("bi-thu")).count == 1


def test_a_norm_is_set_for_key_posts_only(admin_client):
    page = admin_client.get(admin_url(StaffingNorm, "add"))
    offered = {
        choice.value for choice, _ in page.context["adminform"].form.fields["position"].choices if choice
    }

    response = add_norm(admin_client, "chuyen-vien", "3")

    assert position("pho-bi-thu").pk in offered and position("chuyen-vien").pk not in offered
    assert response.status_code == 200 and "position" in response.context["adminform"].form.errors
    assert not StaffingNorm.objects.filter(position=position("chuyen-vien")).exists()


def test_an_admin_sets_the_standing_committee_of_a_commune(admin_client):
    response = add_norm(admin_client, "uv-btv", "3")

    assert response.status_code == 302
    norm = StaffingNorm.objects.get(unit_kind=UnitKind.COMMUNE, position=position("uv-btv"))
    assert str(norm) == "Đoàn xã: 3 Ủy viên Ban Thường vụ"


@pytest.mark.django_db
def test_the_deputies_of_provinces_and_communes_are_seeded_as_provisional_norms():
    deputies = dict(
        StaffingNorm.objects.filter(position__code="pho-bi-thu").values_list("unit_kind", "count")
    )

    assert deputies[UnitKind.PROVINCE] == 2 and deputies[UnitKind.COMMUNE] == 1
    assert StaffingNorm.objects.get(
        unit_kind=UnitKind.COMMUNE, position__code="pho-bi-thu"
    ).source.startswith("Định mức tạm tính")
