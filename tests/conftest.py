import copy
import datetime
from types import SimpleNamespace

import pytest

from accounts.models import Role
from cadres.models import Cadre, UnitKind, UnitLevel
from cadres.services import appointment_add
from tests.factories import CadreFactory, UnitFactory, UserFactory, position


def pytest_configure(config):
    """Every run has the read replica alias (DATABASE_REPLICA_URL in production) as Django's test
    mirror of "default": a second connection to the same test database, so that a test can see
    which reads go where (tests/test_replica.py) without a second server. Added here, before any
    connection is opened, and whatever the environment says, so every run has the same one."""
    from django.conf import settings

    from common.db import REPLICA

    default = settings.DATABASES["default"]
    settings.DATABASES[REPLICA] = {
        **copy.deepcopy(default),
        "TEST": {**default.get("TEST", {}), "MIRROR": "default"},
    }


@pytest.fixture
def committed_db(transactional_db):
    """Data committed as the app commits it, for a test that runs the task worker: the worker
    checks its connections as a server does and drops one left inside a transaction (on
    PostgreSQL). Every table is emptied after such a test, so the catalogues are seeded first,
    as their data migrations do."""
    import importlib

    from django.apps import apps

    from tests.browser.conftest import SEEDING_MIGRATIONS

    for migration in SEEDING_MIGRATIONS:
        importlib.import_module(migration).seed(apps, None)


@pytest.fixture(autouse=True)
def _replica_only_where_declared(request, settings):
    """pytest-django refuses queries to an alias a test has not declared, and a test mirror only
    sees committed rows (transactional tests): a test that does not declare the replica alias
    runs without the router, as a deployment without a replica does."""
    marker = request.node.get_closest_marker("django_db")
    databases = (marker.kwargs.get("databases") if marker else None) or ()
    if databases != "__all__" and "replica" not in databases:
        settings.DATABASE_ROUTERS = []


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # The manifest storage needs collectstatic; tests render templates without it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _own_cache(settings):
    """A cache of the test's own: cached counts and figures (common.lists) are keyed by the
    newest change, and a frozen clock can give two tests the same one."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    """Tasks run within the request that queues them (the dashboard's snapshots, reports.snapshots),
    as with no worker; a test of queued work sets the database or Redis backend itself."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _plain_http(settings):
    # Tests run with DEBUG off, which turns the HTTPS redirect on; the test client speaks HTTP.
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The production hasher is slow on purpose; every test creates and logs in users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def tree(db):
    """A post-2025 province: province → communes → chi đoàn (three levels), plus an old
    district branch province → district → commune → chi đoàn (four levels)."""
    province = UnitFactory(name="Tỉnh đoàn Thử", code="P", level=UnitLevel.PROVINCE, kind=UnitKind.PROVINCE)
    commune_a = UnitFactory(parent=province, name="Đoàn xã An Bình", code="P-A", kind=UnitKind.COMMUNE)
    commune_b = UnitFactory(parent=province, name="Đoàn phường Bắc Sơn", code="P-B", kind=UnitKind.WARD)
    branch_a = UnitFactory(
        parent=commune_a, name="Chi đoàn thôn 1", code="P-A-1", level=UnitLevel.BRANCH, kind=UnitKind.BRANCH
    )
    branch_b = UnitFactory(
        parent=commune_b, name="Chi đoàn tổ 2", code="P-B-1", level=UnitLevel.BRANCH, kind=UnitKind.BRANCH
    )
    district = UnitFactory(
        parent=province, name="Huyện đoàn Cũ", code="P-H", level=UnitLevel.DISTRICT, kind=UnitKind.DISTRICT
    )
    district_commune = UnitFactory(
        parent=district, name="Đoàn xã Đông Hà", code="P-H-X", kind=UnitKind.COMMUNE
    )
    district_branch = UnitFactory(
        parent=district_commune,
        name="Chi đoàn thôn Đông",
        code="P-H-X-1",
        level=UnitLevel.BRANCH,
        kind=UnitKind.BRANCH,
    )
    other_province = UnitFactory(
        name="Tỉnh đoàn Khác", code="Q", level=UnitLevel.PROVINCE, kind=UnitKind.PROVINCE
    )
    other_commune = UnitFactory(
        parent=other_province, name="Đoàn xã Ngoài", code="Q-A", kind=UnitKind.COMMUNE
    )
    return SimpleNamespace(
        province=province,
        commune_a=commune_a,
        commune_b=commune_b,
        branch_a=branch_a,
        branch_b=branch_b,
        district=district,
        district_commune=district_commune,
        district_branch=district_branch,
        other_province=other_province,
        other_commune=other_commune,
    )


@pytest.fixture
def province_editor(tree):
    return UserFactory(username="tinhdoan", unit=tree.province, role=Role.EDITOR)


@pytest.fixture
def commune_editor(tree):
    return UserFactory(username="xa", unit=tree.commune_a, role=Role.EDITOR)


@pytest.fixture
def viewer(tree):
    return UserFactory(username="xem", unit=tree.province, role=Role.VIEWER)


@pytest.fixture
def unit_admin(tree):
    return UserFactory(username="qtxa", unit=tree.commune_a, role=Role.ADMIN)


@pytest.fixture
def system_admin(tree):
    return UserFactory(username="admin", unit=None, role=Role.ADMIN, is_superuser=True)


@pytest.fixture
def make_cadre(db):
    """A cadre with an open main post, as the app keeps them."""

    def make(unit, *, code: str = "uv-bch", started_on=datetime.date(2024, 1, 1), **fields) -> Cadre:
        cadre = CadreFactory(unit=unit, **fields)
        appointment_add(cadre=cadre, unit=unit, position=position(code), started_on=started_on)
        cadre.refresh_from_db()
        return cadre

    return make
