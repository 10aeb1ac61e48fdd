"""Browser tests: pytest-playwright driving Debian's Chromium against pytest-django's live server.

Playwright cannot download its own browsers here, so the system Chromium is used. Without it the
tests are skipped — unless REQUIRE_BROWSER=1 (set by .ci/run), where a missing browser is a failure.
"""

import datetime
import importlib
import os
import threading
from pathlib import Path

import pytest
from django.test.testcases import LiveServerThread
from playwright.sync_api import expect

from accounts.models import Role
from common.dates import today
from reports.models import AnnualPlan
from tests.factories import UserFactory

# What a page shows after a click may wait behind another request (on SQLite they take turns, see
# below) on a busy machine: assertions wait as long as actions do (15 s) before they fail.
expect.set_options(timeout=15_000)

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# (factories, assertions) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# The live server speaks plain HTTP on localhost, while the tests run with production settings.
HTTP_SETTINGS = {
    "SECURE_SSL_REDIRECT": False,
    "SESSION_COOKIE_SECURE": False,
    "CSRF_COOKIE_SECURE": False,
}


def browser_required() -> bool:
    return os.environ.get("REQUIRE_BROWSER", "").lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (apt-get install chromium)"
        if browser_required():
            pytest.fail(f"REQUIRE_BROWSER is set but {message}", pytrace=False)
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def _http_live_server_settings():
    # Session-wide, before the live server starts: SecurityMiddleware reads its settings once,
    # when the server thread builds its handler.
    from django.conf import settings

    saved = {name: getattr(settings, name) for name in HTTP_SETTINGS}
    for name, value in HTTP_SETTINGS.items():
        setattr(settings, name, value)
    yield
    for name, value in saved.items():
        setattr(settings, name, value)


@pytest.fixture(scope="session")
def _one_request_at_a_time_on_a_shared_connection():
    """On SQLite the test database lives in memory, and Django's live server hands the test's one
    connection to every request thread. Two requests at once (a page and the charts request the
    dashboard left running) then interleave their transactions on it ("no such savepoint"), which
    no real server does: each of its threads has a connection of its own. Here requests take
    turns; on PostgreSQL, where each thread connects on its own, nothing changes."""
    create_server = LiveServerThread._create_server

    def _create_server(thread, connections_override=None):
        server = create_server(thread, connections_override=connections_override)
        if connections_override:
            set_app, turn = server.set_app, threading.Lock()

            def taking_turns(app):
                def serve(environ, start_response):
                    with turn:  # the body too: a streamed file reads the database as it goes
                        response = app(environ, start_response)
                        try:
                            return [b"".join(response)]
                        finally:
                            if hasattr(response, "close"):
                                response.close()

                set_app(serve)

            server.set_app = taking_turns
        return server

    LiveServerThread._create_server = _create_server
    yield
    LiveServerThread._create_server = create_server


@pytest.fixture(scope="session")
def live_server(_http_live_server_settings, _one_request_at_a_time_on_a_shared_connection, live_server):
    return live_server


# The data migrations that seed catalogues, in the order they run: positions and standards,
# then the planning terms and norms (which name a position).
SEEDING_MIGRATIONS = [
    "cadres.migrations.0003_seed_positions_and_standards",
    "planning.migrations.0002_seed_terms_and_norms",
    "planning.migrations.0004_seed_rules",
    "training.migrations.0002_seed_kinds",
    "fieldwork.migrations.0002_seed_rules",
    "fieldwork.migrations.0004_seed_evaluation_scheme",
]


@pytest.fixture(autouse=True)
def _restore_migration_data(transactional_db):
    # Live-server tests are transactional: the tables are emptied after each one, data
    # migrations included. Seed the catalogues again, as their data migrations do, so each test
    # starts from what a fresh database holds.
    from django.apps import apps

    for migration in SEEDING_MIGRATIONS:
        importlib.import_module(migration).seed(apps, None)


@pytest.fixture
def browser_page(new_context, live_server):
    """A desktop-sized page that records every request it makes."""
    context = new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    page.failed_responses = []

    def record_failure(response):
        if response.status >= 400:
            page.failed_responses.append((response.status, response.url))

    page.on("response", record_failure)
    return page


# --- The yearly plan's pages (test_plan_forms, test_plan_words) ----------------------------------


@pytest.fixture
def editor(tree):
    """The province's editor, ``tinhdoan``."""
    return UserFactory(username="tinhdoan", unit=tree.province, role=Role.EDITOR)


@pytest.fixture
def plan(tree, editor):
    """The province's plan of next year, its document's head written."""
    year = today().year + 1
    return AnnualPlan.objects.create(
        unit=tree.province,
        year=year,
        number="80-KH/TĐTN-TCKT",
        issuer="BCH ĐOÀN TỈNH THỬ",
        place="Thử",
        subject=f"Công tác cán bộ Đoàn năm {year}",
        issued_on=datetime.date(year, 1, 10),
    )
