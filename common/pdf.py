"""PDF documents rendered from templates with WeasyPrint, in the fonts shipped in static/fonts/.

``render_pdf`` is the one builder every printable document uses (the 2C CV, the planning export,
the statistics, the yearly plan), so they all share the same fonts and page defaults and never
reach the network. Official documents (Hướng dẫn 29-HD/TWĐTN-VP) open with
``common/includes/_official_header.html`` (given a ``DocumentHead`` as ``head``) and end with
``common/includes/_signature.html`` (given a ``Signature`` as ``signature``).
"""

import datetime
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.request import url2pathname

from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.ffi import ffi, fontconfig, pangoft2
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

YOUTH_UNION = "ĐOÀN TNCS HỒ CHÍ MINH"

# Times-metric, with full Vietnamese coverage; the official format asks for Times New Roman.
# The fallbacks also cover Vietnamese, so no glyph is ever missing.
FONT_FAMILY = '"Liberation Serif", "Times New Roman", "DejaVu Serif", serif'

_FONT_FILES = {
    ("normal", "normal"): "fonts/LiberationSerif-Regular.ttf",
    ("bold", "normal"): "fonts/LiberationSerif-Bold.ttf",
    ("normal", "italic"): "fonts/LiberationSerif-Italic.ttf",
    ("bold", "italic"): "fonts/LiberationSerif-BoldItalic.ttf",
}

# A4 with the margins of the official format (Hướng dẫn 29-HD/TWĐTN-VP): top 20, bottom 20,
# left 30, right 20 mm. Given as a *user* stylesheet, so a template's own rules win; so are the
# rules of the header and signature blocks.
_PAGE_DEFAULTS = f"""
@page {{ size: A4; margin: 20mm 20mm 20mm 30mm; }}
html {{ font-family: {FONT_FAMILY}; font-size: 13pt; line-height: 1.3; }}
.doc-head, .doc-tail {{ width: 100%; border-collapse: collapse; }}
.doc-head td, .doc-tail td {{ vertical-align: top; padding: 0; text-align: center; }}
.doc-head .doc-issuer {{ width: 45%; }}
.doc-issuer-name {{ font-weight: bold; }}
.doc-number {{ margin-top: 1mm; white-space: pre-wrap; }}
.doc-heading-line {{ font-weight: bold; text-decoration: underline; }}
.doc-motto {{ font-weight: bold; }}
.doc-date {{ margin-top: 3mm; font-style: italic; }}
.doc-tail {{ margin-top: 6mm; break-inside: avoid; }}
.doc-tail .doc-recipients {{ width: 45%; text-align: left; font-size: 11pt; }}
.doc-recipients-title {{ font-size: 12pt; font-weight: bold; font-style: italic; }}
.doc-recipients ul {{ margin: 0; padding: 0; list-style: none; }}
.doc-on-behalf, .doc-title, .doc-signer-name {{ font-weight: bold; }}
.doc-space {{ height: 25mm; }}
"""


def _static_path(name: str) -> Path:
    """Resolve through the staticfiles finders, so it works without collectstatic."""
    found = finders.find(name)
    if not found:
        raise ImproperlyConfigured(f"Static file {name!r} is missing; PDFs need the shipped fonts.")
    return Path(found).resolve()


@cache
def _font_paths() -> tuple[bytes, ...]:
    return tuple(os.fsencode(_static_path(name)) for name in _FONT_FILES.values())


class ShippedFontConfiguration(FontConfiguration):
    """WeasyPrint's font configuration (the system fonts) with the shipped fonts added straight
    from static/fonts/. Not through @font-face: WeasyPrint copies each @font-face font into a
    temporary folder of its own per render, removed only when the garbage collector reaches the
    configuration, so workers left folders behind. Fontconfig reads these files in place and
    takes family, weight and style from the fonts themselves; nothing is written anywhere. One
    per render, as before: nothing is shared between threads."""

    def __init__(self):
        super().__init__()
        for path in _font_paths():
            if not fontconfig.FcConfigAppFontAddFile(self._config, path):
                raise ImproperlyConfigured(f"Fontconfig cannot load {os.fsdecode(path)!r}.")
        pangoft2.pango_fc_font_map_config_changed(ffi.cast("PangoFcFontMap *", self.font_map))


def static_root() -> Path:
    """The static directory that holds the fonts: the base for relative URLs in PDF templates,
    and the only place a PDF may take files from."""
    return _static_path(_FONT_FILES["normal", "normal"]).parent.parent


class StaticOnlyFetcher(URLFetcher):
    """Only files of the static directory, and data: URLs. Never the network, and never an
    arbitrary file of the server, whatever ends up in the HTML."""

    def __init__(self):
        super().__init__(allowed_protocols={"file", "data"})
        self.root = static_root()

    def fetch(self, url, headers=None):
        if url.startswith("file:"):
            path = Path(url2pathname(url.split("?")[0].removeprefix("file:"))).resolve()
            if not path.is_relative_to(self.root):
                raise ValueError(f"PDF resources must be static files: {url}")
        return super().fetch(url, headers)


def render_pdf(template_name: str, context: dict, *, request=None, base_url: str | None = None) -> bytes:
    """Render a Django template to PDF bytes. The template sets its own layout; fonts, A4, the
    official margins and the styles of the document blocks come from here. Relative URLs
    (``img/logo.png``) resolve against ``base_url``, by default the static directory; only
    static files are ever read. Text is NFC so every diacritic maps to one glyph."""
    html = unicodedata.normalize("NFC", render_to_string(template_name, context, request=request))
    font_config = ShippedFontConfiguration()
    fetcher = StaticOnlyFetcher()
    defaults = CSS(string=_PAGE_DEFAULTS, font_config=font_config, url_fetcher=fetcher)
    document = HTML(string=html, base_url=base_url or static_root().as_uri() + "/", url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[defaults], font_config=font_config)


# --- The official document blocks ----------------------------------------------------------------

# "Tỉnh đoàn Gia Lai" → BCH ĐOÀN TỈNH GIA LAI, place "Gia Lai"; "Đoàn xã Ia Hrú" → place "Ia Hrú".
_LEVEL_FIRST = re.compile(r"^(tỉnh|thành|huyện|quận|thị)\s+đoàn\s+(.+)$", re.IGNORECASE)
_LOCALITY_KINDS = {"tỉnh": "TỈNH", "thành": "THÀNH PHỐ", "huyện": "HUYỆN", "quận": "QUẬN", "thị": "THỊ XÃ"}
_COMMUNE = re.compile(r"^đoàn\s+(?:xã|phường|thị trấn|đặc khu)\s+(.+)$", re.IGNORECASE)
_UNION_NAME = re.compile(r"^(?:đoàn|chi đoàn|liên chi đoàn)\s", re.IGNORECASE)


def issuer_name(unit) -> str:
    """The issuing body of a unit's documents: "BCH ĐOÀN TỈNH GIA LAI" for "Tỉnh đoàn Gia Lai",
    "BCH ĐOÀN XÃ IA HRÚ" for "Đoàn xã Ia Hrú" (``unit`` has a ``name``)."""
    name = unit.name.strip()
    if match := _LEVEL_FIRST.match(name):
        return f"BCH ĐOÀN {_LOCALITY_KINDS[match[1].lower()]} {match[2].upper()}"
    if _UNION_NAME.match(name):
        return f"BCH {name.upper()}"
    return f"BCH ĐOÀN {name.upper()}"


def document_place(unit, ancestors) -> str:
    """Where a unit's document is dated: the unit's locality, else the nearest one above it
    (``ancestors`` top down), else dotted blanks."""
    for candidate in (unit, *reversed(list(ancestors))):
        name = candidate.name.strip()
        if match := _LEVEL_FIRST.match(name) or _COMMUNE.match(name):
            return match[match.lastindex]
    return "……"


def official_date(place: str, day: datetime.date | None) -> str:
    """ "Gia Lai, ngày 05 tháng 02 năm 2026": days below 10 and the months 1 and 2 take a
    leading zero, as the official format asks. No day yet (a draft): dotted blanks to fill in."""
    if day is None:
        return f"{place}, ngày … tháng … năm …"
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


@dataclass(frozen=True)
class DocumentHead:
    """The two-column head of an official document. Left: the superior body (optional), the
    issuing body, "***" and the number; right: the Youth Union line (or, for a state-format
    document, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" with ``motto`` "Độc lập - Tự do - Hạnh phúc")
    and the place and date in italics."""

    issuer: str  # "BCH ĐOÀN TỈNH GIA LAI"
    number: str = ""  # "12-KH/TĐTN-BTC", shown as "Số: 12-KH/TĐTN-BTC"
    place: str = ""  # "Gia Lai"
    date: datetime.date | None = None
    superior: str = ""  # a line above the issuer, e.g. "TỈNH ĐOÀN GIA LAI" above a commune's BCH
    heading: str = YOUTH_UNION
    motto: str = ""

    @property
    def date_line(self) -> str:
        return official_date(self.place, self.date) if self.place else ""


@dataclass(frozen=True)
class Signature:
    """The tail of an official document: "Nơi nhận:" on the left, the signature on the right."""

    signer: str  # the signer's name, under the space left for the signature and seal
    title: str = "BÍ THƯ"  # or "PHÓ BÍ THƯ"
    on_behalf: str = "TM. BAN THƯỜNG VỤ TỈNH ĐOÀN"
    recipients: Sequence[str] = ()

    @property
    def recipient_lines(self) -> list[str]:
        """ "- Ban Thường vụ Tỉnh đoàn;" … "- Lưu VP.": each line ends with ";", the last with "."."""
        items = [item.strip().rstrip(";.").strip() for item in self.recipients if item.strip()]
        return [f"- {item}{'.' if index == len(items) - 1 else ';'}" for index, item in enumerate(items)]
