"""An ``OfficialDocument`` (``reports.documents``) as a Word file, because offices finish and sign
in Word: the same words as the PDF, in the same format (DOMAIN.md §9) — A4 portrait, margins
top 20, bottom 20, left 30, right 20 mm, Times New Roman (the PDF's Liberation Serif has its
metrics), the head and the signature as borderless two-column tables, justified paragraphs with a
first-line indent, the page number centred in the footer from page 2.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from .markup import HEADING, Block, Span, printable

if TYPE_CHECKING:
    from common.pdf import DocumentHead, Signature

    from .documents import OfficialDocument, Section

FONT = "Times New Roman"
BODY_SIZE = Pt(14)
TITLE_SIZE = Pt(16)
TABLE_SIZE = Pt(12)
PARAGRAPH_GAP = Pt(6)
INDENT = Mm(10)
LINE_SPACING = 1.1  # a multiple of Word's single spacing: about the PDF's 1.25 em
TEXT_WIDTH = Mm(160)  # A4's 210 mm less the margins
HEAD_WIDTHS = (Mm(72), Mm(88))  # the PDF's 45% and 55%
TABLE_WIDTHS = (Mm(10), Mm(74), Mm(22), Mm(34), Mm(20))  # STT, target, goal, actual, status
# What follows ``w:tblBorders`` among a table's properties, in the schema's order.
_AFTER_BORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription")


def render_docx(document: OfficialDocument) -> bytes:
    word = Document()
    _page(word)
    _styles(word)
    _head(word, document.head)
    title = [Span(document.kind, bold=True)]
    _paragraph(word, title, align="center", size=TITLE_SIZE, before=Pt(18), indent=False)
    _paragraph(word, [Span(document.subject, bold=True)], align="center", after=Pt(12), indent=False)
    for block in document.opening:
        _block(word, block)
    for section in document.sections:
        _section(word, section, document.target_columns)
    _tail(word, document.signature)
    _properties(word, document)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


# --- The page and the styles --------------------------------------------------------------------


def _page(word) -> None:
    section = word.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(20)
    section.header_distance = section.footer_distance = Mm(8)
    # No number on the first page: its footer stays empty, every other page's shows the number.
    section.different_first_page_header_footer = True
    section.first_page_footer.is_linked_to_previous = False  # its own, empty
    number = section.footer.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(number, "PAGE", "2")


def _field(paragraph, instruction: str, shown: str) -> None:
    """A field (``PAGE``) Word computes when it lays out the page; ``shown`` until it does."""
    parts = (("begin", None), (None, instruction), ("separate", None), (None, shown), ("end", None))
    for kind, text in parts:
        run = paragraph.add_run()
        _font(run, size=Pt(13))
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == instruction:
            code = OxmlElement("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = f" {instruction} "
            run._r.append(code)
        else:
            run.text = text


def _styles(word) -> None:
    normal = word.styles["Normal"]
    normal.font.name, normal.font.size = FONT, BODY_SIZE
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "vi-VN")
    normal.element.get_or_add_rPr().append(language)
    spacing = normal.paragraph_format
    spacing.space_before, spacing.space_after, spacing.line_spacing = Pt(0), Pt(0), 1.0


def _properties(word, document: OfficialDocument) -> None:
    properties = word.core_properties
    properties.title = printable(f"{document.kind.capitalize()} {document.subject}")[:255]
    properties.author = printable(document.head.issuer)[:255]
    properties.language = "vi-VN"


# --- Paragraphs ---------------------------------------------------------------------------------

_ALIGN = {
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "left": WD_ALIGN_PARAGRAPH.LEFT,
}


def _paragraph(
    container,
    spans,
    *,
    align: str = "justify",
    size=None,
    indent: bool = True,
    before=None,
    after=PARAGRAPH_GAP,
    keep: bool = False,
    spacing: float = LINE_SPACING,
):
    paragraph = container.add_paragraph()
    paragraph.alignment = _ALIGN[align]
    layout = paragraph.paragraph_format
    layout.first_line_indent = INDENT if indent else None
    layout.space_before, layout.space_after = before or Pt(0), after
    layout.line_spacing = spacing
    layout.widow_control = True
    if keep:
        layout.keep_with_next = True
    for span in spans:
        _run(paragraph, span.text, size=size, bold=span.bold, italic=span.italic)
    return paragraph


def _run(paragraph, text: str, **style) -> None:
    """A run of ``text`` (its control characters dropped: Word refuses them) in the font."""
    _font(paragraph.add_run(printable(text)), **style)


def _font(run, *, size=None, bold: bool = False, italic: bool = False, underline: bool = False) -> None:
    run.font.name = FONT
    run.font.size = size or BODY_SIZE
    run.font.bold, run.font.italic = bold or None, italic or None
    if underline:
        run.font.underline = True
    run._r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def _block(container, block: Block, *, size=None) -> None:
    spans = list(block.spans)
    if block.marker:
        spans.insert(0, Span(f"{block.marker} "))
    _paragraph(container, spans, size=size, keep=block.kind == HEADING)


def _section(word, section: Section, columns: tuple[str, ...]) -> None:
    _paragraph(word, [Span(section.heading, bold=True)], keep=True, before=Pt(6))
    for block in section.blocks:
        _block(word, block)
    if section.targets:
        _targets(word, section, columns)


def _targets(word, section: Section, columns: tuple[str, ...]) -> None:
    table = word.add_table(rows=1, cols=len(TABLE_WIDTHS))
    header = table.rows[0]
    _row_flags(header, repeat=True)
    for cell, label in zip(header.cells, columns, strict=True):
        _cell_text(cell, [Span(label, bold=True)], align="center")
    for line in section.targets:
        row = table.add_row()
        _row_flags(row)
        for index, (cell, text) in enumerate(zip(row.cells, line.cells, strict=True)):
            _cell_text(cell, [Span(text)], align="left" if index == 1 else "center")
    _layout(table, TABLE_WIDTHS, borders=True)
    _paragraph(word, [], after=Pt(0))  # a little room before the next section


def _cell_text(cell, spans, *, align: str, size=TABLE_SIZE) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = _ALIGN[align]
    paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(2)
    for span in spans:
        _run(paragraph, span.text, size=size, bold=span.bold, italic=span.italic)


# --- The head and the tail ----------------------------------------------------------------------


def _head(word, head: DocumentHead) -> None:
    table = word.add_table(rows=1, cols=2)
    _layout(table, HEAD_WIDTHS)
    left, right = table.rows[0].cells
    lines = [
        (head.superior, {}),
        (head.issuer, {"bold": True}),
        ("***", {}),
        (f"Số: {head.number}" if head.number else "", {}),
    ]
    _lines(left, [line for line in lines if line[0]])
    lines = [
        (head.heading, {"bold": True, "underline": True, "size": Pt(15)}),
        (head.motto, {"bold": True}),
        (head.date_line, {"italic": True, "before": Pt(8)}),
    ]
    _lines(right, [line for line in lines if line[0]])


def _lines(cell, lines) -> None:
    """Centred lines in a cell, each with its own emphasis."""
    for index, (text, style) in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_before = style.get("before", Pt(0))
        paragraph.paragraph_format.space_after = Pt(0)
        _run(
            paragraph,
            text,
            size=style.get("size"),
            bold=style.get("bold", False),
            italic=style.get("italic", False),
            underline=style.get("underline", False),
        )


def _tail(word, signature: Signature) -> None:
    """ "Nơi nhận:" on the left, the signature on the right, one row never split across pages
    and kept with the last paragraph (a signature never stands alone on the last page)."""
    word.paragraphs[-1].paragraph_format.keep_with_next = True
    _paragraph(word, [], after=Pt(6), keep=True)
    table = word.add_table(rows=1, cols=2)
    _layout(table, HEAD_WIDTHS)
    row = table.rows[0]
    _row_flags(row)
    left, right = row.cells
    if signature.recipients:
        first = left.paragraphs[0]
        _run(first, "Nơi nhận:", size=Pt(12), bold=True, italic=True)
        for line in signature.recipient_lines:
            paragraph = left.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
            _run(paragraph, line, size=Pt(11))
    lines = [(signature.on_behalf, {"bold": True}), (signature.title, {"bold": True})]
    lines += [(" ", {})] * 4  # room to sign and seal
    lines.append((signature.signer or " ", {"bold": True}))
    _lines(right, lines)
    for paragraph in (*left.paragraphs, *right.paragraphs):
        paragraph.paragraph_format.keep_with_next = True


def _layout(table, widths, *, borders: bool = False) -> None:
    """Fixed column widths (Word reads each cell's) and borders: none, or thin lines all round.
    Called once the table has all its rows."""
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # a fixed layout
    edges = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{edge}")
        line.set(qn("w:val"), "single" if borders else "nil")
        if borders:
            line.set(qn("w:sz"), "4")
            line.set(qn("w:space"), "0")
            line.set(qn("w:color"), "000000")
        edges.append(line)
    table._tbl.tblPr.insert_element_before(edges, *_AFTER_BORDERS)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width


def _row_flags(row, *, repeat: bool = False) -> None:
    """A row kept on one page; ``repeat``: the header row, printed again on every page."""
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))
    if repeat:
        properties.append(OxmlElement("w:tblHeader"))
