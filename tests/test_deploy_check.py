"""Production settings: ``check --deploy`` is clean, and a missing SECRET_KEY stops the app."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Variables a test run may carry that would change what production settings look like.
LOCAL_OVERRIDES = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "DATABASE_REPLICA_URL",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set for the browser tests; check --deploy rightly refuses it
}


def production_env(**overrides: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in LOCAL_OVERRIDES}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="canbo.tinhdoan.example.vn",
        CSRF_TRUSTED_ORIGINS="https://canbo.tinhdoan.example.vn",
        DATABASE_URL="postgres://canbo:mat-khau@db.internal:5432/canbo",
        USE_X_FORWARDED_PROTO="true",
    )
    env.update(overrides)
    return {name: value for name, value in env.items() if value is not None}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_passes_the_deployment_checks_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "no issues" in output
    assert "WARNINGS" not in output
    assert "security.W" not in output


def test_the_deployment_check_can_fail():
    # The same command notices an insecure setting, so the test above means something.
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=production_env(SECURE_HSTS_SECONDS="0")
    )

    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    env = production_env()
    del env["SECRET_KEY"]

    result = manage("check", env=env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY must be set" in result.stderr


def test_it_refuses_an_empty_secret_key_when_debug_is_off():
    result = manage("check", env=production_env(SECRET_KEY=""))

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_it_starts_without_a_secret_key_in_debug():
    env = production_env(DEBUG="true", DATABASE_URL="sqlite:///:memory:")
    del env["SECRET_KEY"]

    result = manage("check", env=env)

    assert result.returncode == 0, result.stderr


def test_it_refuses_a_malformed_boolean():
    result = manage("check", env=production_env(DEBUG="maybe"))

    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_it_uses_sqlite_when_database_url_is_empty():
    # `make test-sqlite` forces SQLite this way even when DATABASE_URL points to PostgreSQL.
    env = production_env(DATABASE_URL="")
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"

    result = manage("shell", "--no-imports", "-c", code, env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3"


def _settings_value(expression: str, **overrides: str) -> str:
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=production_env(**overrides),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_several_app_servers_share_the_cache_through_redis():
    backend = "settings.CACHES['default']['BACKEND']"

    assert _settings_value(backend).endswith("FileBasedCache")
    assert _settings_value(backend, CACHE_REDIS_URL="redis://cache.internal:6379/2").endswith("RedisCache")


def test_postgresql_connections_do_not_compile_short_queries():
    options = "settings.DATABASES['default'].get('OPTIONS', {}).get('options')"

    assert _settings_value(options) == "-c jit=off"
    assert _settings_value(options, DATABASE_URL="sqlite:///x.sqlite3") == "None"


def test_the_wsgi_application_moves_what_it_loaded_out_of_the_collectors_reach():
    code = (
        "import gc; before = gc.get_freeze_count(); import config.wsgi; "
        "print(before, gc.get_freeze_count() > 10_000, callable(config.wsgi.application))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=production_env(), cwd=ROOT, capture_output=True, text=True
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0", "True", "True"]
