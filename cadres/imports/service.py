"""Check every row of a file against the database (nothing written), then commit the plan
all or nothing. One code path for the web page and the ``import_cadres`` command."""

import datetime
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from simple_history.models import HistoricalRecords

from common.bulk import copy_to_history, insert_new
from common.dates import today as local_today

from ..dates import RULES
from ..models import (
    AccessAction,
    AccessLog,
    Appointment,
    AppointmentKind,
    Cadre,
    CadreStatus,
    Position,
    Unit,
)
from ..services import appointment_add
from ..standards import StandardBook
from .cells import (
    COLUMN_LABELS,
    COLUMNS,
    FIELD_COLUMNS,
    READERS,
    SAMPLE_FULL_NAME,
    SAMPLE_NATIONAL_ID,
    CellError,
    cell_text,
    header_key,
    is_blank,
)
from .sheet import ImportFileError, Progress, Sheet, read_sheet

APPOINTMENT_NOTE = "Nhập từ tệp Excel"
CREATE_BATCH = 500  # new cadres written per INSERT (progress is reported after each)
SAMPLE_ROW_MESSAGE = (
    f"“{SAMPLE_FULL_NAME}” là cán bộ ví dụ của tệp mẫu, không phải dữ liệu; hãy xoá dòng này."
)


@dataclass(frozen=True, order=True)
class Problem:
    row: int
    column_index: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f", cột {self.column}" if self.column else ""  # a row-wide problem names no column
        return f"Dòng {self.row}{where}: {self.message}"


class Action:
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    LABELS = {CREATE: "Thêm mới", UPDATE: "Cập nhật", UNCHANGED: "Không thay đổi"}


@dataclass
class PlannedRow:
    row: int
    action: str
    cadre: Cadre
    changes: list[str] = field(default_factory=list)
    base_version: int | None = None
    post_changed: bool = False

    def summary(self) -> dict[str, Any]:
        cadre = self.cadre
        return {
            "row": self.row,
            "action": self.action,
            "action_label": Action.LABELS[self.action],
            "full_name": cadre.full_name,
            "national_id": cadre.national_id,
            "unit": cadre.unit.label,  # the catalogue's units carry their parent's name
            "position": cadre.position.name if cadre.position_id else "",
            "changes": ", ".join(self.changes),
            "url": reverse("cadres:cadre-detail", args=[cadre.pk]) if cadre.pk else "",
        }


@dataclass
class ImportPlan:
    rows: list[PlannedRow]
    problems: list[Problem]
    total_rows: int
    columns: dict[str, tuple[int, str]] = field(default_factory=dict)
    committed: bool = False

    @property
    def is_valid(self) -> bool:
        return not self.problems

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(Action.LABELS, 0)
        for planned in self.rows:
            counts[planned.action] += 1
        return {**counts, "total": self.total_rows, "problems": len(self.problems)}

    def seen(self) -> list[list]:
        """What the preview showed, row by row: [row, action, version of the record or None for
        a new one]; kept with the preview so that the commit applies exactly that."""
        return [[planned.row, planned.action, planned.base_version] for planned in self.rows]


def scope_units(user):
    """The units an import may write into; ``None`` (the command without --user) is the whole system."""
    return Unit.objects.all() if user is None else Unit.objects.visible_to(user)


class _Catalogue:
    """Units of the user's scope and positions, looked up ignoring accents and case."""

    SHOWN_LOOK_ALIKES = 5

    def __init__(self, user):
        self.unit_ids: set[int] = set()
        self.units_by_code: dict[str, Unit] = {}
        self.units_by_name: dict[str, list[Unit]] = defaultdict(list)
        self.units_by_short_name: dict[str, list[Unit]] = defaultdict(list)
        units = scope_units(user).with_parent_name()
        for unit in units.only("id", "name", "short_name", "code", "dissolved_on", "path", "level"):
            self.unit_ids.add(unit.pk)
            self.units_by_code[header_key(unit.code)] = unit
            # "Chi đoàn thôn 1 – Đoàn xã Ia Hrú", as the preview shows it, tells look-alikes apart.
            for name in dict.fromkeys([header_key(unit.name), header_key(unit.label)]):
                self.units_by_name[name].append(unit)
            if unit.short_name:
                self.units_by_short_name[header_key(unit.short_name)].append(unit)
        positions = list(Position.objects.all())
        # Names win over codes when a code happens to read like another position's name.
        self.positions = {header_key(position.code): position for position in positions}
        self.positions.update({header_key(position.name): position for position in positions})

    def unit_by_code(self, raw: Any) -> Unit:
        text = cell_text(raw)
        if unit := self.units_by_code.get(header_key(text)):
            return unit
        # A unit outside the scope is not in these tables: it reads exactly like an unknown one.
        raise CellError(f"không tìm thấy đơn vị “{text}” trong phạm vi quản lý của bạn.")

    def unit_by_name(self, raw: Any) -> Unit:
        """By name, short name or, failing those, code: the one unit that answers to it."""
        text = cell_text(raw)
        key = header_key(text)
        if key and (unit := self.units_by_code.get(key)):
            return unit
        for table in (self.units_by_name, self.units_by_short_name):
            candidates = table.get(key, []) if key else []
            if len(candidates) == 1:
                return candidates[0]
            if len(candidates) > 1:
                raise CellError(self._look_alikes(text, candidates))
        return self.unit_by_code(raw)  # not found, in the same words as an unknown code

    def _look_alikes(self, text: str, units: list[Unit]) -> str:
        shown = "; ".join(f"{unit.label} (mã {unit.code})" for unit in units[: self.SHOWN_LOOK_ALIKES])
        more = "; …" if len(units) > self.SHOWN_LOOK_ALIKES else ""
        return (
            f"có {len(units)} đơn vị cùng tên “{text}”: {shown}{more}. Hãy ghi mã đơn vị "
            f"vào cột “{COLUMN_LABELS['unit_code']}”."
        )

    @staticmethod
    def answers_to(unit: Unit, raw: Any) -> bool:
        """Whether a "Đơn vị" cell names this unit (by name, short name, name with parent or code)."""
        names = (unit.name, unit.short_name, unit.label, unit.code)
        return header_key(cell_text(raw)) in {header_key(name) for name in names if name}

    @staticmethod
    def active(unit: Unit) -> Unit:
        if unit.dissolved_on:
            raise CellError(f"đơn vị “{unit.label}” đã giải thể ngày {unit.dissolved_on:%d/%m/%Y}.")
        return unit

    def position(self, raw: Any) -> Position:
        text = cell_text(raw)
        try:
            return self.positions[header_key(text)]
        except KeyError:
            raise CellError(f"không có chức vụ “{text}” trong danh mục chức vụ.") from None


REQUIRED_KEYS = [column.key for column in COLUMNS if column.required and column.key != "unit"]


class _RowChecker:
    def __init__(self, sheet: Sheet, catalogue: _Catalogue, today: datetime.date):
        self.sheet = sheet
        self.catalogue = catalogue
        self.today = today
        self.date_probe = Cadre()  # holds each row's dates in turn for the date rules

    def problem(self, number: int, key: str, message: str) -> Problem:
        column_key = key if key in self.sheet.columns else ("unit_code" if key == "unit" else key)
        index, header = self.sheet.columns.get(column_key, (999, _label(column_key)))
        return Problem(number, index, header, message)

    def check(self, number: int, values: tuple) -> tuple[dict[str, Any], list[Problem]]:
        data: dict[str, Any] = {}
        problems = []

        def cell(key: str) -> Any:
            index = self.sheet.columns[key][0]
            return values[index] if index < len(values) else None

        for key, reader in READERS.items():
            if key not in self.sheet.columns:
                continue
            raw = cell(key)
            if is_blank(raw):
                if key in REQUIRED_KEYS:
                    problems.append(self.problem(number, key, "chưa có dữ liệu (bắt buộc)."))
                continue
            try:
                value = reader(raw)
            except CellError as error:
                problems.append(self.problem(number, key, str(error)))
                continue
            if key == "foreign_language":
                data["foreign_language"], data["foreign_language_level"] = value
            else:
                data[key] = value
        problems += self._unit_and_position(number, cell, data)
        problems += self._dates(number, data)
        if (data.get("full_name"), data.get("national_id")) == (SAMPLE_FULL_NAME, SAMPLE_NATIONAL_ID):
            problems.append(self.problem(number, "full_name", SAMPLE_ROW_MESSAGE))
        return data, problems

    def _unit_and_position(self, number: int, cell, data: dict) -> list[Problem]:
        problems = []
        unit = self._unit(number, cell)
        if isinstance(unit, Problem):
            problems.append(unit)
        else:
            data["unit"] = unit
        if "position" in self.sheet.columns and not is_blank(cell("position")):
            try:
                data["position"] = self.catalogue.position(cell("position"))
            except CellError as error:
                problems.append(self.problem(number, "position", str(error)))
        return problems

    def _unit(self, number: int, cell) -> Unit | Problem:
        """The unit of "Mã đơn vị" when given, else of "Đơn vị"; when both are given they must
        name the same unit."""
        name = cell("unit") if "unit" in self.sheet.columns else None
        code = cell("unit_code") if "unit_code" in self.sheet.columns else None
        if is_blank(name) and is_blank(code):
            return self.problem(number, "unit", "chưa có dữ liệu (bắt buộc).")
        try:
            name = None if is_blank(name) else cell_text(name)
            if is_blank(code):
                return self.catalogue.active(self.catalogue.unit_by_name(name))
        except CellError as error:
            return self.problem(number, "unit", str(error))
        try:
            unit = self.catalogue.unit_by_code(code)
            if name is not None and not self.catalogue.answers_to(unit, name):
                return self.problem(number, "unit", self._mismatch(name, cell_text(code), unit))
            return self.catalogue.active(unit)
        except CellError as error:
            return self.problem(number, "unit_code", str(error))

    def _mismatch(self, name: str, code: str, unit: Unit) -> str:
        code_header = self.sheet.columns["unit_code"][1]
        return (
            f"“{name}” nhưng cột {code_header} ghi “{code}”, là mã của “{unit.label}”; "
            "hai cột không khớp nhau, hãy sửa một trong hai cột."
        )

    def _dates(self, number: int, data: dict) -> list[Problem]:
        """The profile's date rules (cadres/dates.py), as the form and the admin check them."""
        probe = self.date_probe
        for rule in RULES["cadres.Cadre"]:
            setattr(probe, rule.field, data.get(rule.field))
        return [
            self.problem(number, key, message[0].lower() + message[1:])
            for key, message in probe.date_problems(self.today).items()
        ]


def _label(key: str) -> str:
    """A column's heading, or for a field the sheet has no column for (the record's Party
    confirmation date…), the field's own name as a user knows it, never the code's."""
    if key in COLUMN_LABELS:
        return COLUMN_LABELS[key]
    try:
        return str(Cadre._meta.get_field(key).verbose_name).capitalize()
    except FieldDoesNotExist:
        return "Hồ sơ"


def _duplicates(entries: list[tuple[int, dict, list[Problem]]], checker: _RowChecker) -> None:
    """A CCCD twice in the file is an error on every row that has it."""
    rows_by_id: dict[str, list[int]] = defaultdict(list)
    for number, data, _ in entries:
        if national_id := data.get("national_id"):
            rows_by_id[national_id].append(number)
    for number, data, problems in entries:
        numbers = rows_by_id.get(data.get("national_id"), [])
        if len(numbers) > 1:
            others = ", ".join(str(other) for other in numbers if other != number)
            message = f"số CCCD {data['national_id']} trùng với dòng {others}."
            problems.append(checker.problem(number, "national_id", message))


def _existing_cadres(national_ids: list[str]) -> dict[str, Cadre]:
    found = {}
    for start in range(0, len(national_ids), 500):
        chunk = national_ids[start : start + 500]
        for cadre in Cadre.objects.filter(national_id__in=chunk).select_related("unit", "position"):
            found[cadre.national_id] = cadre
    return found


def _changes(cadre: Cadre, data: dict) -> list[str]:
    changed_columns = []
    for name, value in data.items():
        field_ = Cadre._meta.get_field(name)
        old = getattr(cadre, field_.attname)
        new = value.pk if field_.is_relation else value
        if old != new:
            column = FIELD_COLUMNS.get(name, name)
            changed_columns.append(COLUMN_LABELS[column])
    return list(dict.fromkeys(changed_columns))


def _plan_row(number: int, data: dict, existing: Cadre | None, checker: _RowChecker) -> PlannedRow | Problem:
    if existing is None:
        return PlannedRow(number, Action.CREATE, Cadre(**data), changes=[], post_changed="position" in data)
    changes = _changes(existing, data)
    post_changed = existing.unit_id != data["unit"].pk or (
        "position" in data and existing.position_id != data["position"].pk
    )
    if post_changed and existing.status != CadreStatus.ACTIVE:
        return checker.problem(
            number,
            "unit",
            f"cán bộ đã thôi công tác ({existing.get_status_display().lower()}); "
            "không đổi đơn vị, chức vụ bằng nhập Excel.",
        )
    base_version = existing.version
    for name, value in data.items():
        setattr(existing, name, value)
    action = Action.UPDATE if changes else Action.UNCHANGED
    return PlannedRow(number, action, existing, changes, base_version=base_version, post_changed=post_changed)


def _model_problems(planned: PlannedRow, checker: _RowChecker) -> list[Problem]:
    """Field validation of the model (lengths, e-mail, Party dates) on the final values."""
    cadre = planned.cadre
    problems = []
    try:
        cadre.full_clean(exclude=["unit", "position"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            key = FIELD_COLUMNS.get(name, name)
            problems += [checker.problem(planned.row, key, message) for message in messages]
    if cadre.party_official_on and cadre.party_joined_on and cadre.party_official_on < cadre.party_joined_on:
        problems.append(
            checker.problem(
                planned.row,
                "party_joined_on",
                f"ngày vào Đảng sau ngày chính thức ({cadre.party_official_on:%d/%m/%Y}) đã có trong hồ sơ.",
            )
        )
    if cadre.youth_union_joined_on and cadre.youth_union_joined_on < cadre.birth_date:
        problems.append(
            checker.problem(planned.row, "youth_union_joined_on", "ngày vào Đoàn trước ngày sinh.")
        )
    return problems


def cadre_import_check(
    path: Path, *, user, progress: Progress | None = None, today: datetime.date | None = None
) -> ImportPlan:
    """Read and check the whole file without writing anything: every problem, and for the
    good rows what would be created or updated."""
    today = today or local_today()
    with translation.override(settings.LANGUAGE_CODE):
        sheet = read_sheet(path, progress)
        if not sheet.rows:
            raise ImportFileError(
                f"Tệp không có dòng dữ liệu nào dưới dòng tiêu đề (dòng {sheet.header_row}); không có gì "
                "được lưu. Hãy điền mỗi cán bộ một dòng dưới dòng tiêu đề rồi tải lên lại."
            )
        checker = _RowChecker(sheet, _Catalogue(user), today)
        total = len(sheet.rows)
        entries = []
        for done, (number, values) in enumerate(sheet.rows, start=1):
            entries.append((number, *checker.check(number, values)))
            if progress and (done % 100 == 0 or done == total):
                progress("check", done, total)
        _duplicates(entries, checker)
        existing = _existing_cadres([data["national_id"] for _, data, _ in entries if "national_id" in data])
        rows, problems = [], []
        for number, data, row_problems in entries:
            cadre = existing.get(data.get("national_id"))
            if cadre is not None and cadre.unit_id not in checker.catalogue.unit_ids:
                # Another unit's cadre: say no more than that the number is taken.
                message = "số CCCD đã có trong hồ sơ một cán bộ ngoài phạm vi quản lý."
                row_problems.append(checker.problem(number, "national_id", message))
            if not row_problems:
                planned = _plan_row(number, data, cadre, checker)
                row_problems = (
                    [planned] if isinstance(planned, Problem) else _model_problems(planned, checker)
                )
                if not row_problems:
                    rows.append(planned)
            problems += row_problems
        return ImportPlan(rows=rows, problems=sorted(problems), total_rows=total, columns=sheet.columns)


# --- Committing ------------------------------------------------------------------------


class _StaleRows(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("Rows changed since they were checked.")
        self.problems = problems


@contextmanager
def _history_attributed_to(user):
    """History rows written by the services (appointments…) carry the importing user, also
    outside a request: in a background thread or the management command."""
    context = HistoricalRecords.context
    previous = getattr(context, "request", None)
    if user is not None:
        context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        if previous is not None:
            context.request = previous
        elif hasattr(context, "request"):
            del context.request


STALE_RECORD = "hồ sơ của {name} đã được cập nhật sau khi xem trước; hãy tải tệp lên lại."
TAKEN_NATIONAL_ID = (
    "số CCCD {national_id} đã có trong hệ thống sau khi xem trước (hồ sơ của {name}); hãy tải tệp lên lại."
)
CHANGED_ROW = "dữ liệu trong hệ thống đã thay đổi sau khi xem trước; hãy tải tệp lên lại."


def _lock_versions(plan: ImportPlan, previewed: dict[int, tuple[str, int | None]]) -> None:
    """Refuse the commit unless every row is still what the preview showed (``previewed``: row →
    action and version seen): the same record at the same version, and no record yet for a new
    one. The records are locked until the commit ends, so nobody saves them in between."""
    stale = []
    existing = [planned for planned in plan.rows if planned.action != Action.CREATE]
    for start in range(0, len(existing), 500):
        chunk = existing[start : start + 500]
        stored = {
            pk: (version, name)
            for pk, version, name in Cadre.objects.select_for_update()
            .filter(pk__in=[planned.cadre.pk for planned in chunk])
            .order_by("pk")  # the default ordering joins positions, which FOR UPDATE refuses
            .values_list("pk", "version", "full_name")
        }
        for planned in chunk:
            version, name = stored.get(planned.cadre.pk, (None, planned.cadre.full_name))
            seen = previewed.get(planned.row)
            if seen is None:
                stale.append(Problem(planned.row, 0, "", CHANGED_ROW))
            elif seen[0] == Action.CREATE:
                message = TAKEN_NATIONAL_ID.format(national_id=planned.cadre.national_id, name=name)
                stale.append(Problem(planned.row, 0, "", message))
            elif not version == seen[1] == planned.base_version:
                stale.append(Problem(planned.row, 0, "", STALE_RECORD.format(name=name)))
    creates = [planned for planned in plan.rows if planned.action == Action.CREATE]
    for planned in creates:
        if previewed.get(planned.row, (None,))[0] != Action.CREATE:
            stale.append(Problem(planned.row, 0, "", CHANGED_ROW))  # its record was deleted meanwhile
    taken = _existing_cadres([planned.cadre.national_id for planned in creates])
    for planned in creates:
        if cadre := taken.get(planned.cadre.national_id):
            message = TAKEN_NATIONAL_ID.format(national_id=cadre.national_id, name=cadre.full_name)
            stale.append(Problem(planned.row, 0, "", message))
    if stale:
        raise _StaleRows(sorted(stale))


def _create_rows(rows: list[PlannedRow], *, user, today: datetime.date) -> None:
    """New cadres in bulk: what ``Cadre.save()`` and ``appointment_add`` do for one new record
    (normalised text, search text, derived columns, history, the post as an appointment),
    in a few statements per batch (``common.bulk``) instead of a dozen queries a row. A new
    cadre's only post is the one recorded here, so there is nothing to close and nothing to
    bring in step."""
    book = StandardBook.current()
    cadres = [planned.cadre for planned in rows]
    for cadre in cadres:
        cadre.prepare_for_save(book)
    insert_new(cadres)
    copy_to_history(Cadre, [cadre.pk for cadre in cadres], user=user)
    appointments = [
        Appointment(
            cadre=cadre,
            unit=cadre.unit,
            position=cadre.position,
            started_on=today,
            kind=AppointmentKind.APPOINTED,
            note=APPOINTMENT_NOTE,
        )
        for planned, cadre in zip(rows, cadres, strict=True)
        if planned.post_changed and cadre.position_id
    ]
    insert_new(appointments)
    copy_to_history(Appointment, [appointment.pk for appointment in appointments], user=user)


def _save_row(planned: PlannedRow, *, user, today: datetime.date) -> None:
    cadre = planned.cadre
    if user is not None:
        cadre._history_user = user
    cadre.save()  # takes the next version (the row is locked since ``_lock_versions``)
    if planned.post_changed and cadre.position_id:
        appointment_add(
            cadre=cadre,
            unit=cadre.unit,
            position=cadre.position,
            started_on=today,
            note=APPOINTMENT_NOTE,
            close_current=planned.action == Action.UPDATE,
        )


def cadre_import_commit(
    path: Path,
    *,
    user,
    progress: Progress | None = None,
    today: datetime.date | None = None,
    filename: str = "",
    previewed: list[list] | None = None,
) -> ImportPlan:
    """Check the file again, then save every row or none. With ``previewed`` (``ImportPlan.seen``
    of the preview), a row whose record changed since, or whose new record now exists, fails
    the whole commit. The returned plan has ``committed`` set when the rows were saved;
    otherwise its problems say why not."""
    today = today or local_today()
    plan = cadre_import_check(path, user=user, progress=progress, today=today)
    if not plan.is_valid:
        return plan
    to_save = [planned for planned in plan.rows if planned.action != Action.UNCHANGED]
    try:
        with (
            transaction.atomic(),
            _history_attributed_to(user),
            translation.override(settings.LANGUAGE_CODE),
            StandardBook.shared(),  # one read of the standards for every row saved
        ):
            # Without a preview (the command), the rows are held to what was just checked.
            _lock_versions(plan, _by_row(plan.seen() if previewed is None else previewed))
            creates = [planned for planned in to_save if planned.action == Action.CREATE]
            updates = [planned for planned in to_save if planned.action != Action.CREATE]
            for start in range(0, len(creates), CREATE_BATCH):
                _create_rows(creates[start : start + CREATE_BATCH], user=user, today=today)
                if progress:
                    progress("save", min(start + CREATE_BATCH, len(creates)), len(to_save))
            for done, planned in enumerate(updates, start=len(creates) + 1):
                _save_row(planned, user=user, today=today)
                if progress and (done % 50 == 0 or done == len(to_save)):
                    progress("save", done, len(to_save))
            if user is not None:
                AccessLog.record(user, AccessAction.IMPORT, rows=len(to_save), detail=filename or path.name)
    except _StaleRows as stale:
        plan.problems = stale.problems
        return plan
    except IntegrityError as exc:
        raise ImportFileError(
            "Dữ liệu vừa thay đổi trong lúc nhập (có số CCCD vừa được thêm); "
            "không có gì được lưu. Hãy thử lại."
        ) from exc
    plan.committed = True
    return plan


def _by_row(previewed: list[list]) -> dict[int, tuple[str, int | None]]:
    return {row: (action, version) for row, action, version in previewed}
