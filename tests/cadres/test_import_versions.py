"""An import commits exactly what its preview showed: a record changed since the preview, or a
"new" CCCD that now has a record, fails the whole commit with a message naming the row."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from cadres.imports import JobStatus
from cadres.models import Cadre
from tests.cadres.test_import import HEADER, job_page, problems_of, row
from tests.factories import xlsx_bytes
from tests.test_admin import posted_back


@pytest.fixture(autouse=True)
def _tasks_within_the_request(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def binh(tree, make_cadre):
    return make_cadre(
        tree.commune_a,
        full_name="Trần Văn Bình",
        national_id="001095000901",
        birth_date=datetime.date(1995, 3, 15),
    )


def test_it_refuses_a_new_row_whose_cccd_was_added_after_the_preview(
    client, province_editor, tree, make_cadre
):
    client.force_login(province_editor)
    url, preview = job_page(client, xlsx_bytes_of(row("Trần Văn Bình", "001095000902", phone="0905000001")))
    assert preview.context["state"]["counts"]["create"] == 1
    added = make_cadre(tree.commune_a, full_name="Trần Văn Bình", national_id="001095000902")
    version = added.version

    client.post(url)

    page = client.get(url)
    assert page.context["job"].status == JobStatus.INVALID
    assert problems_of(page) == [
        "Dòng 2: số CCCD 001095000902 đã có trong hệ thống sau khi xem trước (hồ sơ của Trần Văn Bình); "
        "hãy tải tệp lên lại."
    ]
    added.refresh_from_db()
    assert (Cadre.objects.count(), added.phone, added.version) == (1, "", version)


def test_it_refuses_an_update_of_a_record_edited_in_a_form_after_the_preview(
    client, province_editor, commune_editor, binh
):
    client.force_login(province_editor)
    url, preview = job_page(client, xlsx_bytes_of(row("Trần Văn Bình", "001095000901", phone="0905000001")))
    assert preview.context["state"]["counts"]["update"] == 1
    edit_form(commune_editor, binh, phone="0905999999")

    client.post(url)

    page = client.get(url)
    assert page.context["job"].status == JobStatus.INVALID
    assert problems_of(page) == [
        "Dòng 2: hồ sơ của Trần Văn Bình đã được cập nhật sau khi xem trước; hãy tải tệp lên lại."
    ]
    binh.refresh_from_db()
    assert binh.phone == "0905999999"


def test_it_fails_the_whole_commit_for_one_row_previewed_unchanged(
    client, province_editor, commune_editor, binh
):
    client.force_login(province_editor)
    rows = [row("Trần Văn Bình", "001095000901"), row("Lê Thị Hoa", "001095000903")]
    url, preview = job_page(client, xlsx_bytes_of(*rows))
    counts = preview.context["state"]["counts"]
    assert (counts["unchanged"], counts["create"]) == (1, 1)
    edit_form(commune_editor, binh, phone="0905999999")

    client.post(url)

    page = client.get(url)
    assert problems_of(page) == [
        "Dòng 2: hồ sơ của Trần Văn Bình đã được cập nhật sau khi xem trước; hãy tải tệp lên lại."
    ]
    assert not Cadre.objects.filter(national_id="001095000903").exists()


def test_it_commits_a_preview_nobody_changed_since(client, province_editor, binh):
    client.force_login(province_editor)
    url, _ = job_page(client, xlsx_bytes_of(row("Trần Văn Bình", "001095000901", phone="0905000001")))

    client.post(url)

    assert client.get(url).context["job"].status == JobStatus.DONE
    binh.refresh_from_db()
    assert binh.phone == "0905000001"


def xlsx_bytes_of(*rows) -> bytes:
    return xlsx_bytes([HEADER, *rows])


def edit_form(user, cadre: Cadre, **changes) -> None:
    """``user`` opens the profile's form and saves ``changes``."""
    client = Client()
    client.force_login(user)
    url = reverse("cadres:cadre-edit", args=[cadre.pk])
    response = client.post(url, posted_back(client.get(url).context["form"]) | changes)
    assert response.status_code == 302
