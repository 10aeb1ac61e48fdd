"""``make bench`` measures every main page: each list (a URL named ``*-list``), detail page,
printed document (``.pdf``) and the dashboard has a line in some app's ``bench`` module, and every
line answers its user with a page. A new list that nobody benchmarks fails here."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from common.benchmarks import BenchContext, bench_pages

MEASURED_KINDS = ("-list", "-detail", "dashboard")
NOT_MEASURED = {
    # A unit's page is the tree's row opened: one unit, its children and a count, no list.
    "cadres:unit-detail": "one unit and its direct children; the tree page is measured",
}


def _names(patterns, namespace: str = "") -> list[tuple[str, str]]:
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if pattern.namespace != "admin":
                found += _names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            found.append((f"{namespace}{pattern.name}", str(pattern.pattern)))
    return found


@pytest.fixture
def pages(db):
    call_command("seed_demo", cadres=60, stdout=None)
    return bench_pages(BenchContext(cadres=60))


def test_every_main_page_is_benchmarked(pages):
    measured = {resolve(page.path).view_name for page in pages}
    required = {
        name
        for name, route in _names(get_resolver().url_patterns)
        if name.endswith(MEASURED_KINDS) or route.endswith(".pdf")
    }

    assert required - measured - set(NOT_MEASURED) == set()
    assert {"cadres:cadre-list", "cadres:cadre-cv", "reports:dashboard"} <= measured


def test_every_benchmarked_page_answers_its_user(pages):
    from accounts.models import User

    clients = {}
    for page in pages + [page.baseline for page in pages if page.baseline]:
        if page.user not in clients:
            clients[page.user] = Client()
            clients[page.user].force_login(User.objects.get(username=page.user))
        response = clients[page.user].get(page.path, page.params)
        assert response.status_code == 200, (page.name, page.user, page.path, page.params)


def test_each_page_is_measured_as_a_province_and_a_commune_editor(pages):
    users = {}
    for page in pages:
        users.setdefault(page.name, set()).add(page.user)

    assert all(found == {"tinhdoan", "xa"} for found in users.values()), users
