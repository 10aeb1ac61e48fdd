"""The change history shown on a cadre's page: who changed what, when, across the profile,
its appointments, commendations and disciplines (django-simple-history records)."""

import datetime
from dataclasses import dataclass, field

from .models import Cadre, Position, Unit

ACTIONS = {"+": "Tạo mới", "~": "Sửa", "-": "Xoá"}
HIDDEN_FIELDS = {"version", "search_text", "updated_at", "created_at"}


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime.datetime
    user: str
    action: str
    subject: str
    changes: list[Change] = field(default_factory=list)


def _format(model_field, value, names: dict) -> str:
    if value in (None, ""):
        return "—"
    if model_field.is_relation:
        return names.get((model_field.related_model, value), f"#{value}")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _entries_for(records: list, subject, names: dict, hidden: set[str]) -> list[HistoryEntry]:
    """Records of one object, oldest first → one entry per record with its field changes."""
    entries = []
    previous = None
    for record in records:
        entry = HistoryEntry(
            when=record.history_date,
            user=str(record.history_user or "Hệ thống"),
            action=ACTIONS.get(record.history_type, record.history_type),
            subject=subject(record),
        )
        if previous is not None and record.history_type == "~":
            for delta in record.diff_against(previous).changes:
                if delta.field in hidden:
                    continue
                model_field = record.instance_type._meta.get_field(delta.field)
                entry.changes.append(
                    Change(
                        label=str(model_field.verbose_name).capitalize(),
                        old=_format(model_field, delta.old, names),
                        new=_format(model_field, delta.new, names),
                    )
                )
            if not entry.changes:
                previous = record
                continue
        entries.append(entry)
        previous = record
    return entries


def cadre_history(cadre: Cadre, *, sensitive: bool, limit: int = 50) -> list[HistoryEntry]:
    """Newest first. One query per history table plus one each for unit and position names."""
    groups = [
        (
            list(cadre.history.select_related("history_user").order_by("history_date", "history_id")),
            lambda r: "Hồ sơ",
        ),
        (
            list(
                cadre.appointments.model.history.filter(cadre_id=cadre.pk)
                .select_related("history_user")
                .order_by("history_date", "history_id")
            ),
            lambda r: "Quá trình công tác",
        ),
        (
            list(
                cadre.commendations.model.history.filter(cadre_id=cadre.pk)
                .select_related("history_user")
                .order_by("history_date", "history_id")
            ),
            lambda r: f"Khen thưởng: {r.form}",
        ),
    ]
    if sensitive:
        groups.append(
            (
                list(
                    cadre.disciplines.model.history.filter(cadre_id=cadre.pk)
                    .select_related("history_user")
                    .order_by("history_date", "history_id")
                ),
                lambda r: f"Kỷ luật: {r.form}",
            )
        )
    unit_ids, position_ids = set(), set()
    for records, _ in groups:
        for record in records:
            unit_ids.add(getattr(record, "unit_id", None))
            position_ids.add(getattr(record, "position_id", None))
    names = {(Unit, pk): name for pk, name in Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name")}
    names |= {
        (Position, pk): name
        for pk, name in Position.objects.filter(pk__in=position_ids).values_list("pk", "name")
    }
    hidden = HIDDEN_FIELDS if sensitive else HIDDEN_FIELDS | set(Cadre.SENSITIVE_FIELDS)
    entries = []
    for records, subject in groups:
        by_object: dict[int, list] = {}
        for record in records:
            by_object.setdefault(record.id, []).append(record)
        for object_records in by_object.values():
            entries.extend(_entries_for(object_records, subject, names, hidden))
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:limit]
