"""PDF documents rendered from templates with WeasyPrint, in the fonts shipped in static/fonts/.

``render_pdf`` is the one builder every printable document uses (the 2C CV here; later the
planning export, the statistics and the yearly plan), so they all share the same fonts and
page defaults and never reach the network.
"""

import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.request import url2pathname

from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from .models import Cadre, Education, ItLevel, PoliticalTheory, StateManagement, Unit, UnitLevel

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
# left 30, right 20 mm. Given as a *user* stylesheet, so a template's own rules win.
_PAGE_DEFAULTS = f"""
@page {{ size: A4; margin: 20mm 20mm 20mm 30mm; }}
html {{ font-family: {FONT_FAMILY}; font-size: 13pt; line-height: 1.3; }}
"""


def _static_path(name: str) -> Path:
    """Resolve through the staticfiles finders, so it works without collectstatic."""
    found = finders.find(name)
    if not found:
        raise ImproperlyConfigured(f"Static file {name!r} is missing; PDFs need the shipped fonts.")
    return Path(found).resolve()


@cache
def _font_faces() -> str:
    rules = []
    for (weight, style), name in _FONT_FILES.items():
        rules.append(
            "@font-face { font-family: 'Liberation Serif'; "
            f"src: url('{_static_path(name).as_uri()}') format('truetype'); "
            f"font-weight: {weight}; font-style: {style}; }}"
        )
    return "\n".join(rules)


def _static_root() -> Path:
    """The static directory that holds the fonts: the base for relative URLs in PDF templates."""
    return _static_path(_FONT_FILES["normal", "normal"]).parent.parent


class StaticOnlyFetcher(URLFetcher):
    """Only files of the static directory, and data: URLs. Never the network, and never an
    arbitrary file of the server, whatever ends up in the HTML."""

    def __init__(self):
        super().__init__(allowed_protocols={"file", "data"})
        self.root = _static_root()

    def fetch(self, url, headers=None):
        if url.startswith("file:"):
            path = Path(url2pathname(url.split("?")[0].removeprefix("file:"))).resolve()
            if not path.is_relative_to(self.root):
                raise ValueError(f"PDF resources must be static files: {url}")
        return super().fetch(url, headers)


def render_pdf(template_name: str, context: dict, *, request) -> bytes:
    """Render a Django template to PDF bytes. The template sets its own layout; fonts, A4 and
    the official margins come from here. Text is NFC so every diacritic maps to one glyph."""
    html = unicodedata.normalize("NFC", render_to_string(template_name, context, request=request))
    font_config = FontConfiguration()
    defaults = CSS(
        string=_font_faces() + _PAGE_DEFAULTS, font_config=font_config, url_fetcher=StaticOnlyFetcher()
    )
    document = HTML(string=html, base_url=_static_path(_FONT_FILES["normal", "normal"]).parent.as_uri())
    return document.write_pdf(stylesheets=[defaults], font_config=font_config)


# The 2C CV (sơ yếu lý lịch mẫu 2C-TCTW-98 / 2C-BNV/2008) ------------------------------------


@dataclass(frozen=True)
class CvTrainingRow:
    """A row of the "Đào tạo, bồi dưỡng" table of the 2C form."""

    school: str = ""
    subject: str = ""
    period: str = ""
    form: str = ""
    qualification: str = ""


def cv_context(cadre: Cadre, *, user) -> dict:
    """Everything the 2C template shows. Sensitive data (dân tộc, tôn giáo, Party dates, kỷ
    luật) only for users who may see it: for others it is not even in the context."""
    sensitive = user.can_see_sensitive
    appointments = list(cadre.appointments.select_related("unit", "position").order_by("started_on", "pk"))
    current = [a for a in appointments if a.is_open]
    current.sort(key=lambda a: (a.is_concurrent, -a.started_on.toordinal()))
    return {
        "cadre": cadre,
        "show_sensitive": sensitive,
        "managing_unit": _managing_unit(cadre.unit),
        "current_posts": current,
        "appointments": appointments,
        "training_rows": _level_rows(cadre) + _course_rows(cadre),
        "commendations": list(cadre.commendations.all()),
        "disciplines": list(cadre.disciplines.all()) if sensitive else [],
        "printed_on": timezone.localdate(),
    }


def _managing_unit(unit: Unit) -> Unit:
    """The province-level unit above (or at) the cadre's unit: the "Tỉnh" of the form header."""
    steps = range(unit.steplen, len(unit.path) + 1, unit.steplen)
    ancestors = list(Unit.objects.filter(path__in=[unit.path[:end] for end in steps]))
    for level in (UnitLevel.PROVINCE, UnitLevel.CENTRAL):
        for ancestor in reversed(ancestors):
            if ancestor.level == level:
                return ancestor
    return ancestors[0] if ancestors else unit


def _level_rows(cadre: Cadre) -> list[CvTrainingRow]:
    """The qualification levels recorded on the profile, one row each."""
    rows = []
    if cadre.education != Education.NONE:
        rows.append(
            CvTrainingRow(subject=cadre.major or "Chuyên môn", qualification=cadre.get_education_display())
        )
    if cadre.political_theory != PoliticalTheory.NONE:
        rows.append(
            CvTrainingRow(subject="Lý luận chính trị", qualification=cadre.get_political_theory_display())
        )
    if cadre.state_management != StateManagement.NONE:
        rows.append(
            CvTrainingRow(subject="Quản lý nhà nước", qualification=cadre.get_state_management_display())
        )
    if cadre.foreign_language:
        rows.append(
            CvTrainingRow(
                subject=f"Ngoại ngữ: {cadre.foreign_language}",
                qualification=cadre.get_foreign_language_level_display(),
            )
        )
    if cadre.it_level != ItLevel.NONE:
        rows.append(CvTrainingRow(subject="Tin học", qualification=cadre.get_it_level_display()))
    return rows


def _course_rows(cadre: Cadre) -> list[CvTrainingRow]:
    """Training courses attended (đào tạo, bồi dưỡng). Hook for the training app: the courses
    are recorded there (a later issue); until then there are none."""
    return []
