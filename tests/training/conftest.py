"""What the training tests share: a course maker on the seeded kinds of course (migration
training.0002), and clients signed in as a given user."""

import datetime

import pytest
from django.test import Client

from common.dates import today
from training.models import Course, CourseKind, CourseStatus


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def kind(code: str) -> CourseKind:
    return CourseKind.objects.get(code=code)


@pytest.fixture
def make_course(db):
    def make(organiser, kind_code: str = "llct-trung-cap", **fields) -> Course:
        fields.setdefault("name", f"Lớp {kind(kind_code).name} {organiser.name}")
        # A class that has not ended: the needs list offers only those.
        fields.setdefault("starts_on", today() - datetime.timedelta(days=10))
        fields.setdefault("ends_on", today() + datetime.timedelta(days=60))
        fields.setdefault("status", CourseStatus.OPEN)
        return Course.objects.create(kind=kind(kind_code), organiser=organiser, **fields)

    return make
