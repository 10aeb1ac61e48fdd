"""Graceful faults: error pages in Vietnamese without the stack, a 503 page while the database is
unreachable, a message instead of a broken download, and one log line per expected 403/404."""

import logging
import os
import re
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.urls import path, reverse

import config.urls

ROOT = Path(__file__).resolve().parent.parent


def boom(request):
    raise RuntimeError("a bug in a view")


# This module is also the urlconf of the tests marked with it: the site's URLs, the site's error
# handlers, and a view that fails.
urlpatterns = [*config.urls.urlpatterns, path("boom/", boom)]
handler400 = config.urls.handler400
handler403 = config.urls.handler403
handler404 = config.urls.handler404
handler500 = config.urls.handler500


@pytest.fixture
def cadre(tree, make_cadre):
    return make_cadre(tree.commune_a, full_name="Nguyễn Thị Lan")


@pytest.fixture
def editor_client(client, commune_editor):
    client.force_login(commune_editor)
    client.raise_request_exception = False
    return client


def assert_no_stack(response):
    html = response.content.decode()
    assert "Traceback" not in html
    assert re.search(r"\w+(Error|Exception)\b", html) is None  # no exception class names
    return html


def test_it_shows_the_404_page_in_vietnamese(editor_client):
    response = editor_client.get("/khong-co-trang-nay/")

    assert response.status_code == 404
    assert "Không tìm thấy trang" in assert_no_stack(response)


def test_it_shows_the_403_page_in_vietnamese(client, viewer):
    client.force_login(viewer)

    response = client.get(reverse("cadres:cadre-create"))

    assert response.status_code == 403
    assert "Không có quyền thực hiện" in assert_no_stack(response)


def test_it_shows_the_400_page_in_vietnamese(client, db):
    # A Host header outside ALLOWED_HOSTS is a SuspiciousOperation: Django answers 400.
    response = client.get(reverse("login"), HTTP_HOST="ke-la.example")

    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in assert_no_stack(response)


@pytest.mark.urls("tests.test_faults")
def test_it_shows_the_500_page_in_vietnamese(editor_client):
    response = editor_client.get("/boom/")

    assert response.status_code == 500
    html = assert_no_stack(response)
    assert "Đã xảy ra lỗi hệ thống" in html
    assert "a bug in a view" not in html
    assert response["Cache-Control"] == "no-store"


def test_it_shows_the_503_page_while_the_database_is_unreachable(editor_client):
    down = OperationalError('connection to server at "10.0.0.5", port 5432 failed')

    # Patched for the request only: the test's own teardown needs the database back.
    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=down):
        response = editor_client.get(reverse("cadres:cadre-list"))

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    html = assert_no_stack(response)
    assert "Hệ thống tạm thời không truy cập được dữ liệu" in html
    assert "10.0.0.5" not in html


# Runs in a separate process so that the settings are read with a database nobody listens on.
PROBE = """
import django
django.setup()
from django.test import Client
signed_in = Client(raise_request_exception=False)
# A session cookie: reading the session is the first thing that needs the database.
signed_in.cookies["sessionid"] = "a" * 32
for url, client in (("/", signed_in), ("/healthz", Client())):
    response = client.get(url)
    print("STATUS", url, response.status_code, response.get("Retry-After"))
    print("BODY", url, response.content.decode().replace("\\n", " "))
"""


def test_it_answers_503_in_vietnamese_when_the_database_server_is_down():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": "faults-test-secret-key",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/none",
        "CONN_MAX_AGE": "0",
    }

    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )

    assert result.returncode == 0, result.stderr
    statuses = [line for line in result.stdout.splitlines() if line.startswith("STATUS")]
    assert statuses == ["STATUS / 503 30", "STATUS /healthz 503 None"]
    page = next(line for line in result.stdout.splitlines() if line.startswith("BODY / "))
    assert "Hệ thống tạm thời không truy cập được dữ liệu" in page
    assert "Traceback" not in page and "OperationalError" not in page and "127.0.0.1" not in page


def test_it_gives_a_message_instead_of_a_broken_cv_pdf(editor_client, cadre, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise ValueError("WeasyPrint could not lay out the page")

    monkeypatch.setattr("cadres.views.cv.render_pdf", broken)

    response = editor_client.get(reverse("cadres:cadre-cv", args=[cadre.pk]), follow=True)

    assert response.redirect_chain == [(reverse("cadres:cadre-detail", args=[cadre.pk]), 302)]
    assert response["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in response
    assert "Không tạo được tệp PDF" in response.content.decode()
    assert "WeasyPrint could not lay out the page" in caplog.text  # the log keeps the cause


def test_it_gives_an_error_page_instead_of_a_broken_export(editor_client, cadre, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("openpyxl could not write the sheet")

    monkeypatch.setattr("cadres.views.excel.write_filtered_roster", broken)

    response = editor_client.get(reverse("cadres:cadre-export"))

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in response
    assert "Đã xảy ra lỗi hệ thống" in assert_no_stack(response)


def request_log(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "django.request"]


def test_it_logs_an_expected_404_as_one_line(editor_client, caplog):
    editor_client.get("/khong-co-trang-nay/")

    (record,) = request_log(caplog)
    assert record.levelname == "WARNING"
    assert record.getMessage() == "Not Found: /khong-co-trang-nay/"
    assert record.exc_info is None
    assert "\n" not in logging.Formatter().format(record)


def test_it_logs_an_expected_403_as_one_line(client, viewer, caplog):
    client.force_login(viewer)

    client.get(reverse("cadres:cadre-create"))

    (record,) = request_log(caplog)
    assert record.levelname == "WARNING"
    assert record.getMessage().startswith("Forbidden (Permission denied)")
    assert "\n" not in logging.Formatter().format(record)


@pytest.mark.urls("tests.test_faults")
def test_it_keeps_the_traceback_of_a_500_in_the_log(editor_client, caplog):
    editor_client.get("/boom/")

    (record,) = request_log(caplog)
    assert record.levelname == "ERROR"
    assert "RuntimeError: a bug in a view" in logging.Formatter().format(record)
