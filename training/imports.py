"""A class list and its results imported from the Excel file a training centre sends: one row
per learner, matched by CCCD. Rows are read within the roster import's limits
(``cadres.imports.sheet``) and every problem is named by row and column; the file is saved whole
or not at all: new learners through ``services.enrol`` (within the course's capacity), results
through ``services.record_results`` (a completion raises the cadre's level).

Two steps: the upload shows what each row will do, the confirmation saves it. The rows read at
the first step reach the second in a signed token (for an hour, for this user and course only);
the second step checks them all again against the database and refuses if a learner's record
changed in between."""

import datetime
import tempfile
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models, transaction

from cadres.imports.cells import READERS, CellError, cell_text, header_key, is_blank
from cadres.imports.limits import ImportFileError
from cadres.imports.sheet import check_upload, sheet_rows
from cadres.models import Cadre, CadreStatus
from common.text import ascii_digits, fold, is_ascii_number
from common.xlsx import is_formula_like

from .models import FIRST_DATE, LAST_DATE, Course, Enrollment, EnrollmentStatus
from .services import RESULT_FIELDS, ResultRow, enrol, places_left, record_results

MAX_ROWS = 500
TOKEN_MAX_AGE = 60 * 60  # seconds between the preview and its confirmation

# Column → the label problems name it by, then the headers it is recognised by (compared
# without case, accents, spaces or punctuation).
COLUMNS: dict[str, tuple[str, ...]] = {
    "national_id": (
        "Số CCCD",
        "CCCD",
        "Số căn cước",
        "Số căn cước công dân",
        "Số định danh",
        "Số định danh cá nhân",
        "Số CMND/CCCD",
        "CCCD/CMND",
    ),
    "full_name": ("Họ và tên", "Họ tên", "Họ và tên học viên", "Tên học viên"),
    "status": ("Kết quả", "Trạng thái", "Kết quả / trạng thái", "Kết quả học tập"),
    "score": ("Điểm", "Điểm tổng kết", "Điểm trung bình", "Điểm TB", "Điểm thi"),
    "result": ("Xếp loại", "Xếp loại học tập", "Xếp loại tốt nghiệp"),
    "prize": ("Giải", "Giải thưởng", "Đạt giải"),
    "certificate_number": (
        "Số chứng chỉ",
        "Số chứng nhận",
        "Số giấy chứng nhận",
        "Số hiệu chứng chỉ",
        "Số văn bằng",
        "Số hiệu văn bằng",
    ),
    "certificate_date": ("Ngày cấp", "Ngày cấp chứng chỉ", "Ngày cấp chứng nhận", "Ngày cấp văn bằng"),
    "note": ("Ghi chú",),
}
LABELS = {key: names[0] for key, names in COLUMNS.items()}
HEADERS = {header_key(name): key for key, names in COLUMNS.items() for name in names}

STATUS_NAMES = {
    EnrollmentStatus.COMPLETED: ("Hoàn thành", "Đạt", "Đạt yêu cầu", "Hoàn thành khoá học", "Tốt nghiệp"),
    EnrollmentStatus.FAILED: ("Không đạt", "Chưa đạt", "Không đạt yêu cầu", "Không hoàn thành"),
    EnrollmentStatus.ATTENDING: ("Đang học",),
    EnrollmentStatus.REGISTERED: ("Đăng ký", "Đăng kí", "Ghi danh"),
    EnrollmentStatus.WITHDRAWN: ("Rút", "Rút tên", "Thôi học"),
}
STATUSES = {header_key(name): status for status, names in STATUS_NAMES.items() for name in names}

TEXT_FIELDS = ("result", "prize", "certificate_number", "note")
SCORE_STEP = Decimal("0.01")
read_date = READERS["birth_date"]  # the roster's dates: dd/mm/yyyy, ISO, Excel dates and serials

NO_HEADER = (
    "Không tìm thấy dòng tiêu đề: tệp cần cột “Số CCCD”, có thể thêm “Họ và tên”, “Kết quả”, “Điểm”, "
    "“Xếp loại”, “Giải”, “Số chứng chỉ”, “Ngày cấp”, “Ghi chú”. Hãy dùng tệp mẫu."
)
CHANGED = "Danh sách học viên vừa thay đổi từ lúc xem trước: hãy xem lại bảng dưới đây rồi xác nhận."


# --- Reading the file --------------------------------------------------------------------------


@dataclass
class ImportRow:
    """A data row as read: the CCCD, the name written beside it, and the results of the columns
    the file has (a blank cell clears the value, a blank result keeps the status)."""

    number: int
    national_id: str = ""
    full_name: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def read_rows(upload) -> list[ImportRow]:
    """The upload's data rows; ValidationError if the file as a whole cannot be read."""
    try:
        check_upload(upload.name, upload.size)
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as copy:
            for chunk in upload.chunks():
                copy.write(chunk)
            copy.flush()
            rows = sheet_rows(Path(copy.name), max_rows=MAX_ROWS)
    except ImportFileError as error:
        raise ValidationError(str(error)) from error
    header_at = next((i for i, (_, values) in enumerate(rows) if "national_id" in _columns(values)), None)
    if header_at is None:
        raise ValidationError(NO_HEADER)
    columns = _columns(rows[header_at][1])
    found = []
    for number, values in rows[header_at + 1 :]:
        cells = {key: values[index] if index < len(values) else None for key, index in columns.items()}
        # Rows with nothing under the known columns (a total, a signature) are not learners.
        if not all(map(is_blank, cells.values())):
            found.append(_read_row(number, cells))
    if not found:
        raise ValidationError("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề.")
    return found


def _columns(values) -> dict[str, int]:
    """Column → index of the known headers among ``values`` (the first of each)."""
    found: dict[str, int] = {}
    for index, value in enumerate(values):
        if isinstance(value, str) and (key := HEADERS.get(header_key(value))) and key not in found:
            found[key] = index
    return found


def _read_row(number: int, cells: dict[str, Any]) -> ImportRow:
    row = ImportRow(number)
    for key, value in cells.items():
        try:
            read = _READERS[key](value)
        except CellError as error:
            row.problems.append(f"Dòng {number}, cột «{LABELS[key]}»: {error}")
            continue
        if key == "national_id":
            row.national_id = read
        elif key == "full_name":
            row.full_name = read
        elif read is not None or key != "status":
            row.values[key] = read
    return row


def _national_id(value: Any) -> str:
    if is_blank(value):
        raise CellError("chưa có số CCCD.")
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
        if 10 <= len(text) <= 11:  # stored as a number, Excel dropped the leading zeros
            text = text.zfill(12)
    elif isinstance(value, float):
        text = cell_text(value)  # a fraction: its dot is no digit-group separator
    else:
        text = ascii_digits(cell_text(value)).lstrip("'‘’`")
    if not is_ascii_number(text, 12):
        raise CellError(f"“{text}” không hợp lệ: số CCCD gồm đúng 12 chữ số 0–9.")
    return text


def _full_name(value: Any) -> str:
    return "" if is_blank(value) else cell_text(value).strip()


def _status(value: Any) -> str | None:
    if is_blank(value):
        return None
    text = cell_text(value).strip()
    if (status := STATUSES.get(header_key(text))) is None:
        raise CellError(
            f"“{text}” không phải kết quả; ghi một trong: Hoàn thành (hoặc Đạt), Không đạt, Đang học, "
            "Đăng ký, Rút."
        )
    return status


def _score(value: Any) -> Decimal | None:
    if is_blank(value):
        return None
    if isinstance(value, bool | datetime.date):
        raise CellError(f"“{cell_text(value)}” không phải là điểm; ghi số từ 0 đến 10, ví dụ 8,5.")
    text = str(value) if isinstance(value, int | float) else cell_text(value).strip()
    try:
        score = Decimal(text.replace(",", "."))
    except InvalidOperation:
        score = None
    if score is None or not score.is_finite():
        raise CellError(f"“{text}” không phải là điểm; ghi số từ 0 đến 10, ví dụ 8,5.")
    if not 0 <= score <= 10:
        raise CellError(f"điểm “{text}” phải từ 0 đến 10.")
    return score.quantize(SCORE_STEP, rounding=ROUND_HALF_UP).copy_abs()  # "-0" is 0


def _text_reader(name: str):
    limit = Enrollment._meta.get_field(name).max_length

    def read(value: Any) -> str:
        if is_blank(value):
            return ""
        text = cell_text(value).strip()
        if is_formula_like(text):
            raise CellError(f"“{text}” có dạng công thức (bắt đầu bằng =, +, - hoặc @).")
        if len(text) > limit:
            raise CellError(f"dài {len(text)} ký tự; tối đa {limit} ký tự.")
        return text

    return read


def _certificate_date(value: Any) -> datetime.date | None:
    if is_blank(value):
        return None
    day = read_date(value)
    if not FIRST_DATE <= day <= LAST_DATE:
        raise CellError(f"ngày {day:%d/%m/%Y} không hợp lệ.")
    return day


_READERS = {
    "national_id": _national_id,
    "full_name": _full_name,
    "status": _status,
    "score": _score,
    "certificate_date": _certificate_date,
    **{name: _text_reader(name) for name in TEXT_FIELDS},
}


# --- What each row will do ---------------------------------------------------------------------


class Action(models.TextChoices):
    ENROL = "enrol", "Ghi danh mới"
    REENROL = "reenrol", "Ghi danh lại"
    UPDATE = "update", "Cập nhật kết quả"
    UNCHANGED = "unchanged", "Không thay đổi"
    SKIP = "skip", "Bỏ qua (đã rút, chưa ghi danh)"


JOINING = (Action.ENROL, Action.REENROL)
DEFAULTS = {name: Enrollment._meta.get_field(name).get_default() for name in RESULT_FIELDS}


@dataclass
class PreviewRow:
    row: ImportRow
    problems: list[str]
    cadre: Cadre | None = None
    enrollment: Enrollment | None = None
    action: str = ""
    result: dict[str, Any] = field(default_factory=dict)  # every result field, after the import

    @property
    def action_label(self) -> str:
        return Action(self.action).label if self.action else ""

    @property
    def old_status(self) -> str:
        return self.enrollment.get_status_display() if self.enrollment else ""

    @property
    def new_status(self) -> str:
        status = self.result.get("status")
        return EnrollmentStatus(status).label if status else ""


@dataclass
class Preview:
    rows: list[PreviewRow]
    problems: list[str]  # the whole file's: every row's, in order, then the capacity

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, *actions: str) -> int:
        return sum(1 for row in self.rows if row.action in actions)

    @property
    def joining(self) -> int:
        return self.count(*JOINING)

    @property
    def updating(self) -> int:
        return self.count(Action.UPDATE)

    @property
    def unchanged(self) -> int:
        return self.count(Action.UNCHANGED, Action.SKIP)

    def seen(self) -> list[list[int | None]]:
        """Each row's enrolment and its version: the confirmation saves only what was shown."""
        return [
            [row.enrollment.pk, row.enrollment.version] if row.enrollment else [None, None]
            for row in self.rows
        ]


def import_preview(course: Course, rows: list[ImportRow], *, user) -> Preview:
    """What importing ``rows`` into ``course`` would do, row by row, with every problem."""
    numbers = [row.national_id for row in rows if row.national_id]
    cadres = {
        cadre.national_id: cadre
        for cadre in Cadre.objects.visible_to(user).filter(national_id__in=numbers).select_related("unit")
    }
    # The learners of a course the user runs count as theirs (``access.learners_for``).
    enrollments = {
        enrollment.cadre.national_id: enrollment
        for enrollment in course.enrollments.filter(cadre__national_id__in=numbers).select_related(
            "cadre__unit"
        )
    }
    cadres |= {number: enrollment.cadre for number, enrollment in enrollments.items()}
    first_seen: dict[str, int] = {}
    preview = []
    for row in rows:
        line = PreviewRow(row, list(row.problems))
        preview.append(line)
        where = f"Dòng {row.number}, cột «{LABELS['national_id']}»"
        if not row.national_id:
            continue
        if row.national_id in first_seen:
            line.problems.append(f"{where}: số CCCD này đã có ở dòng {first_seen[row.national_id]}.")
            continue
        first_seen[row.national_id] = row.number
        line.cadre = cadres.get(row.national_id)
        if line.cadre is None:
            line.problems.append(f"{where}: không có cán bộ nào có số CCCD này trong phạm vi đơn vị của bạn.")
            continue
        line.enrollment = enrollments.get(row.national_id)
        _plan(course, line)
    problems = [problem for line in preview for problem in line.problems]
    joining = sum(1 for line in preview if line.action in JOINING)
    left = places_left(course)
    if course.is_enrolling and left is not None and joining > left:
        problems.append(
            f"Khoá học chỉ còn {left} chỗ (tối đa {course.capacity} học viên): tệp ghi danh thêm {joining} "
            "người."
        )
    return Preview(preview, problems)


def _plan(course: Course, line: PreviewRow) -> None:
    """The row's action and resulting values, and the problems found with its learner."""
    row, cadre, enrollment = line.row, line.cadre, line.enrollment
    where = f"Dòng {row.number}, cột «{LABELS['national_id']}»"
    if row.full_name and fold(row.full_name) != fold(cadre.full_name):
        line.problems.append(
            f"Dòng {row.number}, cột «{LABELS['full_name']}»: “{row.full_name}” không khớp với họ tên của "
            f"cán bộ có số CCCD này ({cadre.full_name})."
        )
    stored = {name: getattr(enrollment, name) for name in RESULT_FIELDS} if enrollment else dict(DEFAULTS)
    line.result = stored | row.values
    status = line.result["status"]
    if enrollment is None:
        line.action = Action.SKIP if status == EnrollmentStatus.WITHDRAWN else Action.ENROL
    elif enrollment.status == EnrollmentStatus.WITHDRAWN and status != EnrollmentStatus.WITHDRAWN:
        line.action = Action.REENROL
    else:
        line.action = Action.UNCHANGED if line.result == stored else Action.UPDATE
    if line.action in JOINING:
        if not course.is_enrolling:
            done = "chưa có trong danh sách học viên" if enrollment is None else "đã rút tên"
            line.problems.append(
                f"{where}: {cadre.full_name} {done}, mà khoá học đã kết thúc: không ghi danh thêm được."
            )
        if cadre.status != CadreStatus.ACTIVE:
            line.problems.append(
                f"{where}: {cadre.full_name} đã thôi công tác ({cadre.get_status_display().lower()}): "
                "không ghi danh được."
            )
    if line.result["certificate_number"] and status != EnrollmentStatus.COMPLETED:
        column = "certificate_number" if row.values.get("certificate_number") else "status"
        line.problems.append(
            f"Dòng {row.number}, cột «{LABELS[column]}»: chỉ học viên hoàn thành khoá học mới có số chứng "
            f"chỉ (số {line.result['certificate_number']}, kết quả {EnrollmentStatus(status).label})."
        )


# --- Between the two steps ---------------------------------------------------------------------


def preview_token(preview: Preview, *, course: Course, user) -> str:
    """The preview's rows and what they were checked against, signed for this user and course."""
    rows = [
        [line.row.number, line.row.national_id, line.row.full_name, _dump(line.row.values)]
        for line in preview.rows
    ]
    return signing.dumps({"rows": rows, "seen": preview.seen()}, salt=_salt(course, user), compress=True)


def read_token(token: str, *, course: Course, user) -> tuple[list[ImportRow], list]:
    """The rows a preview token carries and the enrolment versions they were shown with."""
    try:
        payload = signing.loads(token, salt=_salt(course, user), max_age=TOKEN_MAX_AGE)
        rows = [
            ImportRow(number, national_id, name, _load(values))
            for number, national_id, name, values in payload["rows"]
        ]
        return rows, payload["seen"]
    except signing.SignatureExpired as error:
        raise ValidationError(
            f"Bản xem trước đã quá {TOKEN_MAX_AGE // 60} phút: hãy tải tệp lên lại để kiểm tra."
        ) from error
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise ValidationError("Dữ liệu xác nhận không hợp lệ: hãy tải tệp lên lại.") from error


def _salt(course: Course, user) -> str:
    return f"training.imports:{course.pk}:{user.pk}"


def _dump(values: dict[str, Any]) -> dict[str, Any]:
    return {
        name: str(value) if isinstance(value, Decimal | datetime.date) else value
        for name, value in values.items()
    }


def _load(values: dict[str, Any]) -> dict[str, Any]:
    loaded = {name: values[name] for name in RESULT_FIELDS if name in values}
    if loaded.get("score") is not None:
        loaded["score"] = Decimal(loaded["score"])
    if loaded.get("certificate_date") is not None:
        loaded["certificate_date"] = datetime.date.fromisoformat(loaded["certificate_date"])
    return loaded


# --- Saving ------------------------------------------------------------------------------------


def import_save(course: Course, preview: Preview, *, user) -> None:
    """Enrol the new learners, then record every row's results: all in one transaction, so a
    refusal (capacity, a learner changed meanwhile, an invalid result) saves nothing."""
    assert preview.ok, "a preview with problems is never saved"
    with transaction.atomic():
        joining = [line.cadre for line in preview.rows if line.action in JOINING]
        enrolled = (
            {enrollment.cadre_id: enrollment for enrollment in enrol(course, joining, user=user)}
            if joining
            else {}
        )
        rows = []
        for line in preview.rows:
            if line.action == Action.SKIP:
                continue
            enrollment = enrolled.get(line.cadre.pk) or line.enrollment
            rows.append(ResultRow(enrollment, enrollment.version, dict(line.row.values)))
        record_results(course, rows)
