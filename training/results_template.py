"""The results template a course's page offers beside the import (``training.imports``): the
import's columns, with the learners already on the class, ready for the training centre to fill
in and send back."""

from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from common.xlsx import TEXT_FORMAT, set_safe_value, set_widths, style_header

from .imports import LABELS, MAX_ROWS
from .models import Course, EnrollmentStatus

TEMPLATE_COLUMNS = [
    ("STT", 6),
    (LABELS["full_name"], 28),
    (LABELS["national_id"], 16),
    (LABELS["status"], 14),
    (LABELS["score"], 8),
    (LABELS["result"], 12),
    (LABELS["prize"], 14),
    (LABELS["certificate_number"], 16),
    (LABELS["certificate_date"], 12),
    (LABELS["note"], 30),
]


def write_template(out: BinaryIO, *, course: Course, learners) -> None:
    """The header row, then the learners already on the class with their results: filled in by the
    training centre, it is imported as it comes back."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Kết quả"
    set_widths(sheet, (width for _, width in TEMPLATE_COLUMNS))
    for index, (label, _) in enumerate(TEMPLATE_COLUMNS, start=1):
        style_header(sheet.cell(row=1, column=index, value=label))
    for letter in ("C", "H"):  # CCCD and certificate numbers keep their leading zeros
        sheet.column_dimensions[letter].number_format = TEXT_FORMAT
    for number, enrollment in enumerate(learners, start=1):
        values = [
            number,
            enrollment.cadre.full_name,
            enrollment.cadre.national_id,
            enrollment.get_status_display(),
            enrollment.score,
            enrollment.result,
            enrollment.prize,
            enrollment.certificate_number,
            enrollment.certificate_date,
            enrollment.note,
        ]
        kinds = {3: "text", 8: "text"}
        for column, value in enumerate(values, start=1):
            set_safe_value(sheet.cell(row=number + 1, column=column), value, kinds.get(column, "plain"))
    statuses = DataValidation(
        type="list",
        formula1=f'"{",".join(EnrollmentStatus.labels)}"',
        allow_blank=True,
        showErrorMessage=False,
    )
    sheet.add_data_validation(statuses)
    statuses.add(f"{get_column_letter(4)}2:{get_column_letter(4)}{MAX_ROWS + 1}")
    sheet.freeze_panes = "C2"
    workbook.save(out)
