"""``/healthz``: 200 with a database check, 503 when the database is unreachable."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent

# Runs in a separate process so that the settings are read with a database nobody listens on.
PROBE = """
import django
django.setup()
from django.test import Client
response = Client().get("/healthz")
print("STATUS", response.status_code)
print("BODY", response.content.decode())
"""


def test_it_answers_ok_when_the_database_answers(client, db):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["status"] == "ok"
    assert "no-cache" in response["Cache-Control"]


def test_it_needs_no_login(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_it_answers_over_plain_http_behind_an_ssl_redirect(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz").status_code == 200
    assert client.get(reverse("login")).status_code == 301


def test_it_refuses_post(client, db):
    assert client.post("/healthz").status_code == 405


def test_it_answers_503_when_the_database_is_unreachable():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": "healthz-test-secret-key",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/none",
        "CONN_MAX_AGE": "0",
    }

    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )

    assert result.returncode == 0, result.stderr
    lines = dict(
        line.split(" ", 1) for line in result.stdout.splitlines() if line.startswith(("STATUS", "BODY"))
    )
    assert lines["STATUS"] == "503"
    body = lines["BODY"]
    assert json.loads(body)["status"] == "error"
    assert "Traceback" not in body
    assert "OperationalError" not in body
    assert "127.0.0.1" not in body
