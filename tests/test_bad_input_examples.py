"""The bad inputs that once answered 500, each asked again: on the roster, on its export, and on
the appointment form. Each must answer with a Vietnamese message and save nothing."""

import datetime

import pytest
from django.urls import reverse

from cadres.models import Appointment, Cadre
from cadres.services import appointment_add
from tests.factories import position

LIST_URL = reverse("cadres:cadre-list")
EXPORT_URL = reverse("cadres:cadre-export")
EXPORT_START_URL = reverse("cadres:cadre-export-start")


@pytest.fixture(autouse=True)
def _tasks_within_the_request(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def editor_client(client, province_editor, tree, make_cadre):
    make_cadre(tree.commune_a, full_name="Nguyễn Thị Lan")
    client.force_login(province_editor)
    return client


OUT_OF_RANGE_AGES = [
    {"age_min": "3000"},
    {"age_max": "99999999999"},
    {"age_min": "-5"},
    {"age_max": "1e400"},
]


@pytest.mark.parametrize(
    "query", OUT_OF_RANGE_AGES, ids=lambda query: "&".join(f"{k}={v}" for k, v in query.items())
)
def test_it_lists_an_out_of_range_age_as_a_filter_error(editor_client, query):
    response = editor_client.get(LIST_URL, query)

    assert response.status_code == 200
    assert "Bộ lọc không hợp lệ" in response.content.decode()


@pytest.mark.parametrize(
    "query", OUT_OF_RANGE_AGES, ids=lambda query: "&".join(f"{k}={v}" for k, v in query.items())
)
def test_it_refuses_to_export_with_an_out_of_range_age(editor_client, query):
    response = editor_client.get(EXPORT_URL, query)

    assert response.status_code == 400
    assert "Bộ lọc không hợp lệ" in response.content.decode()
    assert not response.get("Content-Disposition")


def test_it_refuses_to_start_an_export_with_an_out_of_range_age(editor_client):
    response = editor_client.post(f"{EXPORT_START_URL}?age_max=99999999999")

    assert response.status_code == 400
    assert "Bộ lọc không hợp lệ" in response.content.decode()


LONG_SEARCH = " ".join(f"t{number}" for number in range(1500))  # 1,500 short words


def test_it_lists_a_search_of_many_words_as_a_filter_error(editor_client):
    response = editor_client.get(LIST_URL, {"q": LONG_SEARCH})

    assert response.status_code == 200
    assert "Bộ lọc không hợp lệ" in response.content.decode()


def test_it_refuses_to_export_a_search_of_many_words(editor_client):
    response = editor_client.get(EXPORT_URL, {"q": LONG_SEARCH})

    assert response.status_code == 400
    assert "Bộ lọc không hợp lệ" in response.content.decode()


def test_it_still_finds_with_a_search_of_a_few_words(editor_client):
    response = editor_client.get(LIST_URL, {"q": "lan nguyen thi"})

    assert [cadre.full_name for cadre in response.context["page"].object_list] == ["Nguyễn Thị Lan"]


def test_its_search_methods_cap_the_words_themselves(db):
    # Callers other than the list's filter (the export task, the shell) get no expression tree
    # too large for the database either.
    assert list(Cadre.objects.ranked_search(LONG_SEARCH)) == []
    assert list(Cadre.objects.search(LONG_SEARCH)) == []


@pytest.fixture
def cadre_in_post(tree, make_cadre):
    return make_cadre(tree.commune_a, full_name="Lê Văn Bổ", started_on=datetime.date(2024, 1, 1))


def test_it_refuses_an_appointment_starting_on_year_one_that_closes_the_current_post(
    client, province_editor, tree, cadre_in_post
):
    client.force_login(province_editor)
    data = {
        "unit": tree.commune_a.pk,
        "position": position("bi-thu").pk,
        "kind": "appointed",
        "started_on": "01/01/0001",
        "close_current": "on",
    }
    before = list(Appointment.objects.values_list("pk", "started_on", "ended_on"))

    response = client.post(reverse("cadres:appointment-create", args=[cadre_in_post.pk]), data)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert list(Appointment.objects.values_list("pk", "started_on", "ended_on")) == before


def test_its_service_closes_the_current_post_on_the_first_day_it_can(tree, cadre_in_post):
    # Reached from the shell or an import: the earlier post ends the day the new one starts
    # rather than on a day before 1 January of year 1.
    current = cadre_in_post.appointments.get()
    current.started_on = datetime.date.min
    current.save()

    appointment_add(
        cadre=cadre_in_post,
        unit=tree.commune_a,
        position=position("bi-thu"),
        started_on=datetime.date.min,
        close_current=True,
    )

    current.refresh_from_db()
    assert current.ended_on == datetime.date.min


def test_a_refused_filter_names_the_field_it_refuses(client, province_editor):
    client.force_login(province_editor)

    html = client.get("/cadres/", {"age_min": "3000"}).content.decode()

    assert "Bộ lọc không hợp lệ — Tuổi từ:" in html


@pytest.mark.django_db
def test_a_nul_in_the_query_string_is_a_bad_request_not_an_error(client, tree, province_editor):
    client.force_login(province_editor)

    for path in ("/planning/vacancies/?level=a%00b", "/cadres/?q=lan%00", "/planning/sources/?q%00=x"):
        response = client.get(path)
        assert response.status_code == 400, path
        assert "Yêu cầu không hợp lệ" in response.content.decode()
