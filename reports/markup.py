"""The light markup the yearly plan's sections are written in, and its one reading.

A section is plain text typed into a form; the lines say what they are, as in the documents
offices already write:

- a blank line ends a paragraph (the lines of one paragraph are joined by a space);
- "1." starts a level-1 sub-heading, "1.1." a level-2 one, "a)" a level-3 one (one line each;
  a heading that carries its text after a colon, "3.2. Cơ sở Đoàn: Chủ động …", keeps that text
  in plain type after the emphasised label);
- "- " starts a bullet, "+ " a sub-bullet (their following lines continue them);
- ``**bold**`` and ``*italic*`` inside any line; anything else is text as typed.

``parse`` turns the text into ``Block``s that every renderer reads (the PDF through ``to_html``,
the Word file through ``reports.docx``), so the two documents and the web preview always say the
same. Text is NFC, so each diacritic is one glyph in every renderer.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PARAGRAPH, HEADING, BULLET, SUB_BULLET = "paragraph", "heading", "bullet", "sub-bullet"
MARKERS = {BULLET: "-", SUB_BULLET: "+"}

# Longest numbering first: "1.1.1." before "1.1." before "1.".
_HEADINGS = (
    (3, re.compile(r"^\d{1,2}\.\d{1,2}\.\d{1,2}\.?\s")),
    (2, re.compile(r"^\d{1,2}\.\d{1,2}\.?\s")),
    (1, re.compile(r"^\d{1,2}\.\s")),
    (3, re.compile(r"^[a-zđ]\)\s")),
)
_BULLETS = ((BULLET, re.compile(r"^[-–]\s+")), (SUB_BULLET, re.compile(r"^\+\s+")))
# A heading's label ends at its first colon when text follows it.
_LABEL_END = re.compile(r":\s+(?=\S)")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<!\*)\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?!\*)")
# Characters no document may hold (XML refuses them; Word files are XML): control characters
# other than the line breaks and tabs that ``parse`` reads as white space.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
# How each level's label is emphasised (Nghị định 30/2020, as Youth Union offices use it):
# "1." bold, "1.1." bold italic, "a)" italic.
LEVEL_EMPHASIS = {1: (True, False), 2: (True, True), 3: (False, True)}


@dataclass(frozen=True)
class Span:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Block:
    """A paragraph of the document: ``kind`` is PARAGRAPH, HEADING (with its ``level``, 1–3),
    BULLET or SUB_BULLET (printed after their ``marker``)."""

    kind: str
    spans: tuple[Span, ...]
    level: int = 0

    @property
    def marker(self) -> str:
        return MARKERS.get(self.kind, "")

    @property
    def text(self) -> str:
        """The block as plain text, its marker included: what a reader of the document sees."""
        body = "".join(span.text for span in self.spans)
        return f"{self.marker} {body}" if self.marker else body


def paragraph(text: str, *, bold: bool = False, italic: bool = False) -> Block:
    """A paragraph of one run of text, as typed (no markup read)."""
    return Block(PARAGRAPH, (Span(_clean(text), bold, italic),))


def bullet(text: str, *, sub: bool = False) -> Block:
    """A "- " (or "+ ") line of one run of text, as typed."""
    return Block(SUB_BULLET if sub else BULLET, (Span(_clean(text)),))


def parse(text: str) -> list[Block]:
    """The blocks of ``text``, in order."""
    blocks: list[Block] = []
    kind, level, lines = "", 0, []

    def flush() -> None:
        if lines:
            blocks.append(_block(kind, level, " ".join(lines)))
            lines.clear()

    for raw in printable(unicodedata.normalize("NFC", text or "")).splitlines():
        line = " ".join(raw.split())
        if not line:
            flush()
            continue
        found = _line_kind(line)
        if found is None and lines and kind != HEADING:
            lines.append(line)  # continues the paragraph or the bullet
            continue
        flush()
        kind, level, body = found or (PARAGRAPH, 0, line)
        lines.append(body)
    flush()
    return blocks


def _line_kind(line: str) -> tuple[str, int, str] | None:
    """(kind, level, the line without a bullet's marker) for a line that starts a block of its
    own; None for plain text."""
    for level, pattern in _HEADINGS:
        if pattern.match(line):
            return HEADING, level, line
    for kind, pattern in _BULLETS:
        if match := pattern.match(line):
            return kind, 0, line[match.end() :]
    return None


def _block(kind: str, level: int, text: str) -> Block:
    if kind != HEADING:
        return Block(kind, tuple(inline(text)))
    bold, italic = LEVEL_EMPHASIS[level]
    label, rest = text, ""
    if match := _LABEL_END.search(text):
        label, rest = text[: match.start() + 1], text[match.start() + 1 :]
    spans = inline(label, bold=bold, italic=italic) + inline(rest)
    return Block(HEADING, tuple(spans), level)


def inline(text: str, *, bold: bool = False, italic: bool = False) -> list[Span]:
    """The runs of ``text`` with its ``**bold**`` and ``*italic*`` read (on top of the emphasis
    given); an asterisk that opens nothing stays as typed."""
    spans: list[Span] = []
    for part, strong in _split(text, _BOLD):
        for piece, emphasised in _split(part, _ITALIC):
            if piece:
                _append(spans, Span(piece, bold or strong, italic or emphasised))
    return spans


def _split(text: str, pattern: re.Pattern) -> list[tuple[str, bool]]:
    parts, start = [], 0
    for match in pattern.finditer(text):
        parts += [(text[start : match.start()], False), (match[1], True)]
        start = match.end()
    parts.append((text[start:], False))
    return parts


def _append(spans: list[Span], span: Span) -> None:
    """Neighbouring runs of the same emphasis are one."""
    if spans and (spans[-1].bold, spans[-1].italic) == (span.bold, span.italic):
        spans[-1] = Span(spans[-1].text + span.text, span.bold, span.italic)
    else:
        spans.append(span)


def _clean(text: str) -> str:
    return " ".join(printable(unicodedata.normalize("NFC", text or "")).split())


def printable(text: str) -> str:
    """``text`` without the control characters no document can hold."""
    return _UNPRINTABLE.sub("", text)


# --- HTML ----------------------------------------------------------------------------------------

_CLASSES = {PARAGRAPH: "doc-p", BULLET: "doc-p doc-bullet", SUB_BULLET: "doc-p doc-sub-bullet"}


def to_html(blocks: list[Block]) -> SafeString:
    """The blocks as ``<p>`` elements with ``<strong>`` and ``<em>`` runs, every text escaped:
    the plan page's preview and the PDF's body. No other tag or attribute is ever produced, so
    whatever was typed stays text. Classes: ``doc-p`` on each, plus ``doc-heading doc-h1`` (…3),
    ``doc-bullet`` or ``doc-sub-bullet``; the emphasis is in the tags, so the text reads right
    unstyled."""
    return mark_safe("\n".join(_block_html(block) for block in blocks))  # every text is escaped


def _block_html(block: Block) -> str:
    css = f"doc-p doc-heading doc-h{block.level}" if block.kind == HEADING else _CLASSES[block.kind]
    marker = f"{block.marker} " if block.marker else ""
    return f'<p class="{css}">{marker}{"".join(_span_html(span) for span in block.spans)}</p>'


def _span_html(span: Span) -> str:
    html = escape(span.text)
    if span.italic:
        html = f"<em>{html}</em>"
    if span.bold:
        html = f"<strong>{html}</strong>"
    return html
