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
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from simple_history.models import HistoricalRecords

from ..forms import MAX_AGE, MIN_AGE
from ..models import AccessAction, AccessLog, Cadre, CadreStatus, Position, Unit
from ..services import appointment_add
from ..standards import years_before
from .cells import COLUMN_LABELS, COLUMNS, FIELD_COLUMNS, READERS, CellError, cell_text, header_key, is_blank
from .sheet import ImportFileError, Progress, Sheet, read_sheet

APPOINTMENT_NOTE = "Nhập từ tệp Excel"


@dataclass(frozen=True, order=True)
class Problem:
    row: int
    column_index: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"Dòng {self.row}, cột {self.column}: {self.message}"


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
            "unit": cadre.unit.name,
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


def scope_units(user):
    """The units an import may write into; ``None`` (the command without --user) is the whole system."""
    return Unit.objects.all() if user is None else Unit.objects.visible_to(user)


class _Catalogue:
    """Units of the user's scope and positions, looked up ignoring accents and case."""

    def __init__(self, user):
        self.unit_ids: set[int] = set()
        self.units_by_code: dict[str, Unit] = {}
        self.units_by_name: dict[str, list[Unit]] = defaultdict(list)
        self.units_by_short_name: dict[str, list[Unit]] = defaultdict(list)
        for unit in scope_units(user).only(
            "id", "name", "short_name", "code", "dissolved_on", "path", "level"
        ):
            self.unit_ids.add(unit.pk)
            self.units_by_code[header_key(unit.code)] = unit
            self.units_by_name[header_key(unit.name)].append(unit)
            if unit.short_name:
                self.units_by_short_name[header_key(unit.short_name)].append(unit)
        positions = list(Position.objects.all())
        # Names win over codes when a code happens to read like another position's name.
        self.positions = {header_key(position.code): position for position in positions}
        self.positions.update({header_key(position.name): position for position in positions})

    def unit(self, raw: Any, *, by_code_only: bool = False) -> Unit:
        text = cell_text(raw)
        key = header_key(text)
        # A unit outside the scope is not in these tables: it reads exactly like an unknown one.
        not_found = CellError(f"không tìm thấy đơn vị “{text}” trong phạm vi quản lý của bạn.")
        if not key:
            raise not_found
        if unit := self.units_by_code.get(key):
            return self._active(unit)
        if by_code_only:
            raise not_found
        for table in (self.units_by_name, self.units_by_short_name):
            candidates = table.get(key, [])
            if len(candidates) == 1:
                return self._active(candidates[0])
            if len(candidates) > 1:
                raise CellError(
                    f"có {len(candidates)} đơn vị cùng tên “{text}”; hãy ghi mã đơn vị "
                    f"(cột “{COLUMN_LABELS['unit_code']}”)."
                )
        raise not_found

    @staticmethod
    def _active(unit: Unit) -> Unit:
        if unit.dissolved_on:
            raise CellError(f"đơn vị “{unit.name}” đã giải thể ngày {unit.dissolved_on:%d/%m/%Y}.")
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

    def problem(self, number: int, key: str, message: str) -> Problem:
        column_key = key if key in self.sheet.columns else ("unit_code" if key == "unit" else key)
        index, header = self.sheet.columns.get(column_key, (999, COLUMN_LABELS.get(column_key, column_key)))
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
        return data, problems

    def _unit_and_position(self, number: int, cell, data: dict) -> list[Problem]:
        problems = []
        by_code = "unit_code" in self.sheet.columns and not is_blank(cell("unit_code"))
        key = "unit_code" if by_code else "unit"
        if key not in self.sheet.columns or is_blank(cell(key)):
            problems.append(self.problem(number, key, "chưa có dữ liệu (bắt buộc)."))
        else:
            try:
                data["unit"] = self.catalogue.unit(cell(key), by_code_only=by_code)
            except CellError as error:
                problems.append(self.problem(number, key, str(error)))
        if "position" in self.sheet.columns and not is_blank(cell("position")):
            try:
                data["position"] = self.catalogue.position(cell("position"))
            except CellError as error:
                problems.append(self.problem(number, "position", str(error)))
        return problems

    def _dates(self, number: int, data: dict) -> list[Problem]:
        problems = []
        birth = data.get("birth_date")
        if birth and not years_before(self.today, MAX_AGE) <= birth <= years_before(self.today, MIN_AGE):
            message = f"ngày sinh {birth:%d/%m/%Y}: tuổi phải từ {MIN_AGE} đến {MAX_AGE}."
            problems.append(self.problem(number, "birth_date", message))
        for key in ("youth_union_joined_on", "party_joined_on"):
            day = data.get(key)
            if day and day > self.today:
                problems.append(self.problem(number, key, f"ngày {day:%d/%m/%Y} ở tương lai."))
            elif day and birth and day < birth:
                problems.append(self.problem(number, key, f"ngày {day:%d/%m/%Y} trước ngày sinh."))
        return problems


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
    today = today or timezone.localdate()
    with translation.override(settings.LANGUAGE_CODE):
        sheet = read_sheet(path, progress)
        if not sheet.rows:
            raise ImportFileError(
                f"Tệp không có dòng dữ liệu nào dưới dòng tiêu đề (dòng {sheet.header_row})."
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


def _lock_versions(plan: ImportPlan) -> None:
    """Refuse to overwrite a record someone saved after it was checked."""
    updates = [planned for planned in plan.rows if planned.action == Action.UPDATE]
    index, header = plan.columns["national_id"]
    stale = []
    for start in range(0, len(updates), 500):
        chunk = updates[start : start + 500]
        versions = dict(
            Cadre.objects.select_for_update()
            .filter(pk__in=[planned.cadre.pk for planned in chunk])
            .order_by("pk")  # the default ordering joins positions, which FOR UPDATE refuses
            .values_list("pk", "version")
        )
        for planned in chunk:
            if versions.get(planned.cadre.pk) != planned.base_version:
                stale.append(
                    Problem(
                        planned.row,
                        index,
                        header,
                        "hồ sơ vừa được người khác cập nhật; hãy tải tệp lên lại để xem trước.",
                    )
                )
    if stale:
        raise _StaleRows(stale)


def _save_row(planned: PlannedRow, *, user, today: datetime.date) -> None:
    cadre = planned.cadre
    if user is not None:
        cadre._history_user = user
    if planned.action == Action.UPDATE:
        cadre.version = planned.base_version + 1
    cadre.save()
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
) -> ImportPlan:
    """Check the file again, then save every row or none. The returned plan has
    ``committed`` set when the rows were saved; otherwise its problems say why not."""
    today = today or timezone.localdate()
    plan = cadre_import_check(path, user=user, progress=progress, today=today)
    if not plan.is_valid:
        return plan
    to_save = [planned for planned in plan.rows if planned.action != Action.UNCHANGED]
    try:
        with transaction.atomic(), _history_attributed_to(user), translation.override(settings.LANGUAGE_CODE):
            _lock_versions(plan)
            for done, planned in enumerate(to_save, start=1):
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
