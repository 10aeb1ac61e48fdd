"""No request waits for a large export (issue: the deployment's timeout turned the whole-province
export into a 500): the export link and the start button answer from a count and a queued task,
doing the same work for 10 cadres as for 50, whatever the province's size; the file is the task's."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadres.models import ExportJob, ExportStatus

EXPORT_URL = reverse("cadres:cadre-export")
START_URL = reverse("cadres:cadre-export-start")


@pytest.fixture
def queued(settings):
    """Tasks wait in the database for a worker, as deployed (nothing runs within the request)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.EXPORT_BACKGROUND_MIN_ROWS = 5


def _add(make_cadre, tree, count: int) -> None:
    for n in range(count):
        make_cadre([tree.commune_a, tree.branch_b][n % 2], full_name=f"Cán Bộ {n}")


def _start(client) -> tuple[int, int]:
    """Queries of the export link and of the start button."""
    with CaptureQueriesContext(connection) as link:
        assert "Tạo tệp" in client.get(EXPORT_URL).content.decode()
    with CaptureQueriesContext(connection) as start:
        response = client.post(START_URL)
    assert response.status_code == 302
    return len(link), len(start)


def test_a_large_export_is_only_queued_however_large(client, province_editor, tree, make_cadre, queued):
    client.force_login(province_editor)
    _add(make_cadre, tree, 10)
    small = _start(client)

    _add(make_cadre, tree, 40)
    large = _start(client)

    assert large == small  # neither request reads the rows: they only count and queue
    jobs = list(ExportJob.objects.order_by("pk"))
    assert [job.status for job in jobs] == [ExportStatus.RUNNING, ExportStatus.RUNNING]
    assert all(job.task_id and not job.file for job in jobs)  # the worker writes the files later


def test_the_export_link_writes_a_small_list_at_once(client, commune_editor, tree, make_cadre, queued):
    client.force_login(commune_editor)
    _add(make_cadre, tree, 2)

    response = client.get(EXPORT_URL)

    assert response["Content-Disposition"].startswith("attachment")
    assert not ExportJob.objects.exists()
