"""The printable 2C CV (sơ yếu lý lịch mẫu 2C-TCTW-98 / 2C-BNV/2008): what it shows.

Rendering (fonts, page, the static-only fetcher) is common's: ``common.pdf.render_pdf``. Its
names are re-exported here for the callers that still import them from ``cadres.pdf``.
"""

from dataclasses import dataclass

from django.utils import timezone

from common.pdf import FONT_FAMILY, StaticOnlyFetcher, render_pdf

from .models import Cadre, Education, ItLevel, PoliticalTheory, StateManagement, Unit, UnitLevel

__all__ = ["FONT_FAMILY", "CvTrainingRow", "StaticOnlyFetcher", "cv_context", "render_pdf"]


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
        "training_rows": _level_rows(cadre),
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
