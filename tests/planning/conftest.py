"""What the planning tests share: the current term, a draft plan of commune A, the leader who
approves, and cadres young enough for any commune post."""

import datetime

import pytest
from django.test import Client

from accounts.models import Role
from planning.models import SuccessionPlan, Term
from tests.factories import UserFactory


@pytest.fixture
def term():
    return Term.objects.get(start_year=2025, end_year=2030)


@pytest.fixture
def plan(tree, term):
    return SuccessionPlan.objects.create(unit=tree.commune_a, term=term)


@pytest.fixture
def approver(tree):
    return UserFactory(username="lanhdao", unit=tree.province, role=Role.APPROVER)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def young(make_cadre, unit, name, year=1998, **fields):
    """A cadre who can serve the 2025–2030 term in any commune post (at most 32 at its end)."""
    return make_cadre(unit, full_name=name, birth_date=datetime.date(year, 3, 1), **fields)
