"""The change history shown on a cadre's page: who changed what, when, across the profile, its
appointments, commendations and disciplines, and whatever other apps register
(``registry.HistorySource``). Every source's django-simple-history records go through the one
formatter below, so all changes read the same: field label, old → new, who, when."""

import datetime
from dataclasses import dataclass, field

from . import registry
from .models import Appointment, Cadre, Commendation, Discipline

ACTIONS = {"+": "Tạo mới", "~": "Sửa", "-": "Xoá"}
# Bookkeeping columns nobody needs to see change.
HIDDEN_FIELDS = frozenset({"version", "search_text", "updated_at", "created_at"})

CADRE_SOURCES = [
    registry.HistorySource(key="cadre", records=lambda cadre: cadre.history.all(), subject=lambda r: "Hồ sơ"),
    registry.HistorySource(
        key="appointments",
        records=lambda cadre: Appointment.history.filter(cadre_id=cadre.pk),
        subject=lambda r: "Quá trình công tác",
    ),
    registry.HistorySource(
        key="commendations",
        records=lambda cadre: Commendation.history.filter(cadre_id=cadre.pk),
        subject=lambda r: f"Khen thưởng: {r.form}",
    ),
    registry.HistorySource(
        key="disciplines",
        records=lambda cadre: Discipline.history.filter(cadre_id=cadre.pk),
        subject=lambda r: f"Kỷ luật: {r.form}",
        sensitive=True,
    ),
]


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
    # Why the change was made when a service says so (``history_change_reason``): e.g. the course
    # whose completion raised a level.
    reason: str = ""
    # (model field, old, new) as recorded, until the names of related rows are looked up.
    deltas: list[tuple] = field(default_factory=list, repr=False)


def cadre_history(cadre: Cadre, *, sensitive: bool, limit: int = 50) -> list[HistoryEntry]:
    """Newest first. One query per source, plus one per model named by a changed foreign key."""
    return history_entries(
        [*CADRE_SOURCES, *registry.history_sources], cadre, sensitive=sensitive, limit=limit
    )


def history_entries(
    sources: list[registry.HistorySource], target, *, sensitive: bool, limit: int = 50
) -> list[HistoryEntry]:
    """The change records of ``sources`` about ``target`` (a cadre, a plan…), formatted alike,
    newest first: one query per source, plus one per model named by a changed foreign key."""
    entries = []
    for source in sources:
        if source.sensitive and not sensitive:
            continue
        records = source.records(target).select_related("history_user").order_by("history_date", "history_id")
        pk_name = records.model.instance_type._meta.pk.attname
        by_object: dict = {}
        for record in records:
            by_object.setdefault(getattr(record, pk_name), []).append(record)
        for object_records in by_object.values():
            entries.extend(_entries_for(object_records, source, sensitive=sensitive))
    entries.sort(key=lambda entry: entry.when, reverse=True)
    entries = entries[:limit]
    names = _related_names(entries)
    for entry in entries:
        entry.changes = [
            Change(
                label=str(model_field.verbose_name).capitalize(),
                old=_format(model_field, old, names),
                new=_format(model_field, new, names),
            )
            for model_field, old, new in entry.deltas
        ]
    return entries


def _entries_for(records: list, source: registry.HistorySource, *, sensitive: bool) -> list[HistoryEntry]:
    """Records of one object, oldest first → one entry per record with its visible changes;
    an edit that changed only hidden fields is left out."""
    model = records[0].instance_type
    hidden = HIDDEN_FIELDS | source.hidden_fields
    if not sensitive:
        hidden |= set(getattr(model, "SENSITIVE_FIELDS", ()))
    entries = []
    previous = None
    for record in records:
        entry = HistoryEntry(
            when=record.history_date,
            user=str(record.history_user or "Hệ thống"),
            action=ACTIONS.get(record.history_type, record.history_type),
            subject=source.subject(record),
            reason=record.history_change_reason or "",
        )
        if previous is not None and record.history_type == "~":
            entry.deltas = [
                (model._meta.get_field(delta.field), delta.old, delta.new)
                for delta in record.diff_against(previous).changes
                if delta.field not in hidden
            ]
            if not entry.deltas:
                previous = record
                continue
        entries.append(entry)
        previous = record
    return entries


def _related_names(entries: list[HistoryEntry]) -> dict:
    """{(model, pk): name} for the related rows the changes mention, one query per model."""
    wanted: dict = {}
    for entry in entries:
        for model_field, old, new in entry.deltas:
            if model_field.is_relation:
                wanted.setdefault(model_field.related_model, set()).update({old, new} - {None, ""})
    return {
        (model, pk): str(row)
        for model, ids in wanted.items()
        for pk, row in model._default_manager.in_bulk(ids).items()
    }


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
