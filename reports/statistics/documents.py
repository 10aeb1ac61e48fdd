"""What the statistics' documents (xlsx and PDF) print around the table: the official head of
the chosen unit, the signatures of the person who prepared it and of the head, the file names.
Both documents are laid out from one ``StatisticsDocument``, so they always agree."""

import datetime
from dataclasses import dataclass

from django.utils.text import slugify

from common.dates import today
from common.downloads import readable_filename
from common.pdf import DocumentHead, document_place, issuer_name, render_pdf
from common.text import fold

from .data import StatisticsTable

PDF_TEMPLATE = "reports/statistics_pdf.html"
PREPARER_HEADING = "NGƯỜI LẬP BIỂU"
SIGN_HINT = "(Ký, ghi rõ họ tên)"
ON_BEHALF = "TM. BAN THƯỜNG VỤ"
SIGNER_TITLE = "BÍ THƯ"


@dataclass(frozen=True)
class StatisticsDocument:
    table: StatisticsTable
    head: DocumentHead
    preparer: str  # the name of who made the file, under "NGƯỜI LẬP BIỂU"
    on_behalf: str = ON_BEHALF
    signer_title: str = SIGNER_TITLE

    @property
    def title(self) -> str:
        return self.table.title

    @property
    def subtitle(self) -> str:
        return self.table.unit_name

    def filenames(self, extension: str) -> tuple[str, str]:
        """ "Thống kê chất lượng cán bộ_Tỉnh đoàn Gia Lai_31-12-2025.xlsx" and its ASCII twin."""
        day = self.table.on_date
        name = self.table.unit_name
        readable = readable_filename(f"Thống kê chất lượng cán bộ_{name}_{day:%d-%m-%Y}")
        slug = slugify(fold(name))[:60].strip("-") or "don-vi"
        return f"{readable}.{extension}", f"thong-ke-chat-luong-can-bo_{slug}_{day.isoformat()}.{extension}"


def statistics_document(
    table: StatisticsTable, user, *, made_on: datetime.date | None = None
) -> StatisticsDocument:
    """The document of ``table``, issued by the chosen unit (its ancestors came with the table)
    and dated the day it is made."""
    unit = table.unit
    if unit is None:  # the whole organisation: no one issuing body
        head = DocumentHead(issuer="", place="……", date=made_on or today())
    else:
        ancestors = list(table.ancestors)
        head = DocumentHead(
            issuer=issuer_name(unit),
            superior=ancestors[-1].name.upper() if ancestors else "",
            place=document_place(unit, ancestors),
            date=made_on or today(),
        )
    return StatisticsDocument(table=table, head=head, preparer=user.get_full_name())


def render_statistics_pdf(document: StatisticsDocument, *, request=None) -> bytes:
    return render_pdf(PDF_TEMPLATE, {"document": document, "table": document.table}, request=request)
