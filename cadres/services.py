"""Workflows that touch several rows: keep a cadre's current post in step with their
appointments, save with a version check, archive."""

import datetime
import itertools
from dataclasses import dataclass

from django.db import transaction

from .models import Appointment, AppointmentKind, Cadre, CadreStatus, Position, Unit


class StaleEditError(Exception):
    """The record changed since the form was loaded; carries what changed."""

    def __init__(self, changes: list["FieldChange"]):
        super().__init__("Hồ sơ đã được người khác cập nhật.")
        self.changes = changes


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: str
    new: str
    user: str
    when: datetime.datetime | None


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
    cadre.version += 1
    cadre.save()
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
            current.ended_on = max(current.started_on, started_on - datetime.timedelta(days=1))
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


@transaction.atomic
def appointment_close(*, appointment: Appointment, ended_on: datetime.date) -> Appointment:
    appointment.ended_on = ended_on
    appointment.full_clean(exclude=["cadre", "unit", "position"])
    appointment.save()
    cadre_sync_current_post(cadre=appointment.cadre)
    return appointment


@transaction.atomic
def appointment_update(*, appointment: Appointment) -> Appointment:
    """Save a corrected appointment and move the cadre's current post with it."""
    appointment.save()
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
    records = list(cadre.history.filter(version__gte=version).order_by("history_date", "history_id"))
    if len(records) < 2:
        return []
    changes = []
    for older, newer in itertools.pairwise(records):
        delta = newer.diff_against(older)
        for change in delta.changes:
            field = Cadre._meta.get_field(change.field)
            changes.append(
                FieldChange(
                    field=change.field,
                    label=str(field.verbose_name).capitalize(),
                    old=_display(field, change.old),
                    new=_display(field, change.new),
                    user=str(newer.history_user or "hệ thống"),
                    when=newer.history_date,
                )
            )
    return [change for change in changes if change.field != "version"]


def _display(field, value) -> str:
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        model = field.related_model
        return str(model._base_manager.filter(pk=value).first() or value)
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


@transaction.atomic
def cadre_save_checked(*, cadre: Cadre, base_version: int) -> Cadre:
    """Save a cadre edited from a form loaded at ``base_version``; refuse if someone saved
    in between, instead of silently overwriting their work."""
    current = Cadre.objects.select_for_update().only("version").get(pk=cadre.pk)
    if current.version != base_version:
        raise StaleEditError(cadre_changes_since(cadre=cadre, version=base_version))
    cadre.version = base_version + 1
    cadre.save()
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
    cadre.version += 1
    cadre.save()
    return cadre
