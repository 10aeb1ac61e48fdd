"""What the field-work tests share: a trip maker through the service (so overlaps, due dates and
days are the app's), on the seeded quota (migration fieldwork.0002: 60 days a year for the
province- and district-level offices, reports due 10 days after a trip)."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client

from fieldwork.models import FieldTrip, TripStatus
from fieldwork.services import trip_save


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def make_trip(db):
    def make(
        organiser,
        host,
        cadres,
        *,
        starts_on: datetime.date,
        ends_on: datetime.date | None = None,
        days: Decimal | None = None,
        status: str = TripStatus.DONE,
        topic: str = "",
        user=None,
    ) -> FieldTrip:
        trip = FieldTrip(
            organiser=organiser,
            host=host,
            starts_on=starts_on,
            ends_on=ends_on or starts_on,
            topic=topic,
            status=status,
        )
        return trip_save(trip=trip, cadres=list(cadres), days=days, user=user)

    return make
