"""What is cached from the trips (the calendar's filter choices) goes stale when a trip, a trip's
cadres or a unit changes: each save or deletion bumps the trips' generation, now and again once
its transaction commits (a request between the two would otherwise keep what it read before the
commit). Bulk writes bump it themselves (``fieldwork.demo``)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from cadres.models import Unit
from common.lists import bump_generation
from units.models import unit_moved

from .models import TRIPS_GENERATION, FieldTrip, TripMember


def trips_changed() -> None:
    bump_generation(TRIPS_GENERATION)
    transaction.on_commit(lambda: bump_generation(TRIPS_GENERATION))


@receiver([post_save, post_delete], sender=FieldTrip)
@receiver([post_save, post_delete], sender=TripMember)
@receiver([post_save, post_delete], sender=Unit)
def trip_or_unit_changed(sender, **kwargs) -> None:
    trips_changed()


@receiver(unit_moved)
def unit_moved_in_tree(sender, **kwargs) -> None:
    trips_changed()
