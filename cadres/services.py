"""Workflows that touch several rows: keep a cadre's current post in step with their
appointments, save with a version check, archive."""

import datetime

from django.db import transaction

from common.models import FieldChange, StaleEditError  # noqa: F401 (the views' refusal)

from .models import Appointment, AppointmentKind, Cadre, CadreStatus, Position, Unit


def cadre_sync_current_post(*, cadre: Cadre) -> bool:
    """Set the cadre's unit and position from their open appointments: the main post (not
    a concurrent one), the most recent first. Returns whether anything changed."""
    main = (
        cadre.appointments.open()
        .exclude(kind=AppointmentKind.CONCURRENT)
        .order_by("-started_on", "-pk")
        .select_related("unit", "position")
        .first()
    )
    if main is None:
        main = cadre.appointments.open().order_by("-started_on", "-pk").first()
    unit_id = main.unit_id if main else cadre.unit_id
    position_id = main.position_id if main else None
    if (unit_id, position_id) == (cadre.unit_id, cadre.position_id):
        return False
    cadre.unit_id, cadre.position_id = unit_id, position_id
    cadre.save()  # a new version: a profile form opened before is stale
    return True


@transaction.atomic
def appointment_add(
    *,
    cadre: Cadre,
    unit: Unit,
    position: Position,
    started_on: datetime.date,
    kind: str = AppointmentKind.APPOINTED,
    decision_number: str = "",
    note: str = "",
    close_current: bool = False,
) -> Appointment:
    """Record a new post. ``close_current`` ends the open main posts the day before
    (a transfer or promotion); concurrent posts stay open."""
    if close_current and kind != AppointmentKind.CONCURRENT:
        for current in cadre.appointments.open().exclude(kind=AppointmentKind.CONCURRENT):
            current.ended_on = max(current.started_on, _day_before(started_on))
            current.save()
    appointment = Appointment.objects.create(
        cadre=cadre,
        unit=unit,
        position=position,
        started_on=started_on,
        kind=kind,
        decision_number=decision_number,
        note=note,
    )
    cadre_sync_current_post(cadre=cadre)
    return appointment


def _day_before(day: datetime.date) -> datetime.date:
    """The day before ``day``; 1 January of year 1 has none, and stays itself."""
    return day - datetime.timedelta(days=1) if day > datetime.date.min else day


@transaction.atomic
def appointment_close(*, appointment: Appointment, ended_on: datetime.date) -> Appointment:
    appointment.ended_on = ended_on
    appointment.full_clean(exclude=["cadre", "unit", "position"])
    appointment.save()
    cadre_sync_current_post(cadre=appointment.cadre)
    return appointment


@transaction.atomic
def appointment_update(*, appointment: Appointment, base_version: int | None) -> Appointment:
    """Save a corrected appointment, refused (``StaleEditError``) if it changed since its form
    was opened at ``base_version``, and move the cadre's current post with it."""
    appointment.save_checked(base_version)
    cadre_sync_current_post(cadre=appointment.cadre)
    return appointment


@transaction.atomic
def appointment_remove(*, appointment: Appointment) -> None:
    """Delete a post entered by mistake (the history keeps it)."""
    cadre = appointment.cadre
    appointment.delete()
    cadre_sync_current_post(cadre=cadre)


def cadre_changes_since(*, cadre: Cadre, version: int) -> list[FieldChange]:
    """What changed in the record after ``version``, field by field, with who and when."""
    return cadre.changes_since(version)


def cadre_save_checked(*, cadre: Cadre, base_version: int | None) -> Cadre:
    """Save a cadre edited from a form loaded at ``base_version``; refuse if someone saved
    in between, instead of silently overwriting their work."""
    cadre.save_checked(base_version)
    return cadre


@transaction.atomic
def cadre_archive(*, cadre: Cadre, status: str, left_on: datetime.date, reason: str) -> Cadre:
    """Leaving (chuyển công tác, nghỉ việc, trưởng thành Đoàn) archives the record and ends
    the open posts; nothing is deleted."""
    if status == CadreStatus.ACTIVE:
        raise ValueError("Archiving needs a leaving status.")
    for appointment in cadre.appointments.open():
        appointment.ended_on = max(appointment.started_on, left_on)
        appointment.save()
    cadre.status, cadre.left_on, cadre.leaving_reason = status, left_on, reason
    cadre.save()
    return cadre
