"""Keeping ``Cadre``'s derived columns in step with what they copy.

A cadre row carries its unit's path, its post's order, the age limit of its post and whether it
is below its post's standard (``Cadre.DERIVED_FIELDS``), so that the roster's scope, order and
warning filters are index ranges on one table. ``Cadre.save()`` sets them for the row it saves;
this module sets them for many rows when what they copy changes elsewhere:

- a unit moves in the tree (new paths for its subtree), or its level or hardship flag changes;
- a position's order changes;
- an age-limit or qualification standard is added, edited or removed (every cadre: within the
  request up to ``DERIVED_SYNC_MAX_ROWS`` cadres, beyond that as a task, since a national
  table of a million rows takes longer than a request may);
- a post is saved or deleted, or a cadre's unit changes: where the cadre counted on past dates
  (``cadres.timeline``).

``manage.py refresh_roster`` recomputes every row (the timeline columns too), for a database
edited behind the app's back.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django_tasks import task

from common.lists import bump_generation
from units.models import Unit, unit_moved

from .models import Appointment, Cadre, Position, PositionStandard
from .models.roster import NO_POSITION_ORDER
from .standards import StandardBook
from .timeline import refresh_timelines

GENERATION = "cadres"


def refresh_cadres(queryset=None, *, book: StandardBook | None = None) -> None:
    """Recompute the derived columns of ``queryset`` (every cadre by default) in a few
    set-based UPDATEs, each row written once."""
    queryset = Cadre.objects.all() if queryset is None else queryset
    (book or StandardBook()).refresh_rows(
        queryset,
        unit_path=Subquery(Unit.objects.filter(pk=OuterRef("unit_id")).values("path")[:1]),
        position_order=Coalesce(
            Subquery(Position.objects.filter(pk=OuterRef("position_id")).values("order")[:1]),
            Value(NO_POSITION_ORDER),
        ),
    )
    bump_generation(GENERATION)


@task()
def refresh_all_cadres() -> None:
    with transaction.atomic():
        refresh_cadres()


def refresh_everyone() -> None:
    """After a standard changed: every cadre, now or (for a large table) as a task once the
    change is committed."""
    if Cadre.objects.count() <= settings.DERIVED_SYNC_MAX_ROWS:
        refresh_cadres()
    else:
        transaction.on_commit(refresh_all_cadres.enqueue)


@receiver([post_save, post_delete], sender=PositionStandard)
def standard_changed(sender, **kwargs) -> None:
    refresh_everyone()


@receiver(pre_save, sender=Position)
def remember_position_order(sender, instance: Position, **kwargs) -> None:
    instance._order_before = (
        Position.objects.filter(pk=instance.pk).values_list("order", flat=True).first()
        if instance.pk
        else None
    )


@receiver(post_save, sender=Position)
def position_changed(sender, instance: Position, created: bool, **kwargs) -> None:
    if not created and instance._order_before != instance.order:
        Cadre.objects.filter(position=instance).update(position_order=instance.order)
        bump_generation(GENERATION)


@receiver(pre_save, sender=Unit)
def remember_unit_rules(sender, instance: Unit, **kwargs) -> None:
    instance._rules_before = (
        Unit.objects.filter(pk=instance.pk).values_list("level", "is_hardship_area").first()
        if instance.pk
        else None
    )


@receiver(post_save, sender=Unit)
def unit_changed(sender, instance: Unit, created: bool, **kwargs) -> None:
    before = getattr(instance, "_rules_before", None)
    if not created and before is not None and before != (instance.level, instance.is_hardship_area):
        refresh_cadres(Cadre.objects.filter(unit=instance))


@receiver(unit_moved)
def unit_moved_in_tree(sender, unit: Unit, **kwargs) -> None:
    refresh_cadres(Cadre.objects.filter(unit__in=unit.subtree()))


@receiver([post_save, post_delete], sender=Appointment)
def post_changed(sender, instance: Appointment, **kwargs) -> None:
    """Where the cadre counted on past dates (``cadres.timeline``)."""
    refresh_timelines([instance.cadre_id])


@receiver(post_save, sender=Cadre)
def cadre_saved(sender, instance: Cadre, created: bool, raw: bool = False, **kwargs) -> None:
    if not created and not raw and instance.unit_changed:
        refresh_timelines([instance.pk])


@receiver(post_delete, sender=Cadre)
def cadre_deleted(sender, **kwargs) -> None:
    bump_generation(GENERATION)
