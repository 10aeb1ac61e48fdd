"""The yearly plan (Kế hoạch công tác cán bộ năm …) and its year-end results report (Báo cáo kết
quả) as official documents in the format of DOMAIN.md §9 (Hướng dẫn 29-HD/TWĐTN-VP).

``plan_document`` and ``report_document`` say what each document says, once, as an
``OfficialDocument``: the head, the title and subject, the opening, the sections (each a heading
and ``reports.markup`` blocks, the report's first also the targets' table) and the signature.
The renderers only lay it out: ``render_pdf`` (WeasyPrint, templates/reports/documents/) and
``render_docx`` (python-docx, ``reports.docx``), so the PDF and the Word file always agree.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils.safestring import SafeString
from django.utils.text import slugify

from common.downloads import readable_filename
from common.pdf import DocumentHead, Signature
from common.pdf import render_pdf as render_template_pdf
from common.text import fold, thousands

from . import snapshots
from .docx import render_docx
from .markup import PARAGRAPH, Block, Span, bullet, paragraph, parse, printable, to_html
from .metrics import decimal_text, goal_text, measure_all
from .models import AnnualPlan, SteeringRole
from .year_figures import YearFigures, year_figures

__all__ = ["OfficialDocument", "plan_document", "render_docx", "render_pdf", "report_document"]

PLAN_KIND = "KẾ HOẠCH"
REPORT_KIND = "BÁO CÁO"
PLAN_TEMPLATE = "reports/documents/plan.html"
REPORT_TEMPLATE = "reports/documents/report.html"
TARGET_COLUMNS = ("STT", "Chỉ tiêu", "Mục tiêu", "Kết quả", "Đánh giá")
MET, NOT_MET = "Đạt", "Chưa đạt"
NO_TARGETS = "Kế hoạch chưa có chỉ tiêu."
BLANK = "……"  # what an office fills in by hand: a draft's number, an unwritten section
_ENDINGS = tuple(".;:!?…")
_ROLE_ORDER = {role: index for index, role in enumerate(SteeringRole.values)}


@dataclass(frozen=True)
class TargetLine:
    """A target of the report's table: its sentence, goal, actual figure and status."""

    number: int
    text: str
    goal: str  # "≥ 100%", "≥ 3 người" (metrics.goal_text)
    actual: str  # Measure.text: "85,0% (17/20)", "12 người"
    met: bool
    link: str = ""  # the page of the cadres behind the figure (the web preview's)

    @property
    def status(self) -> str:
        return MET if self.met else NOT_MET

    @property
    def cells(self) -> tuple[str, ...]:
        return (str(self.number), self.text, self.goal, self.actual, self.status)


@dataclass(frozen=True)
class Section:
    """A numbered section: its heading ("I. MỤC ĐÍCH, YÊU CẦU"), its blocks, then the targets'
    table if it has targets (the report's first section)."""

    heading: str
    blocks: tuple[Block, ...] = ()
    targets: tuple[TargetLine, ...] = ()

    @property
    def html(self) -> SafeString:
        return to_html(list(self.blocks))


@dataclass(frozen=True)
class OfficialDocument:
    head: DocumentHead
    kind: str  # "KẾ HOẠCH", "BÁO CÁO": the centred title
    subject: str  # the line under it
    opening: tuple[Block, ...]  # the paragraph(s) before section I
    sections: tuple[Section, ...]
    signature: Signature
    template: str  # the PDF's
    file_stem: str  # "Kế hoạch công tác cán bộ năm 2026_Tỉnh đoàn Gia Lai"
    ascii_stem: str  # "ke-hoach-cong-tac-can-bo-2026-tinh-doan-gia-lai"
    target_columns: tuple[str, ...] = TARGET_COLUMNS

    @property
    def opening_html(self) -> SafeString:
        return to_html(list(self.opening))

    def filenames(self, extension: str) -> tuple[str, str]:
        return f"{self.file_stem}.{extension}", f"{self.ascii_stem}.{extension}"

    @property
    def text(self) -> str:
        """The document's words, a paragraph a line (the tests' and the search's reading)."""
        head = self.head
        lines = [head.superior, head.issuer, "***", f"Số: {head.number}", head.heading, head.date_line]
        lines += [self.kind, self.subject, *(block.text for block in self.opening)]
        for section in self.sections:
            lines.append(section.heading)
            lines += [block.text for block in section.blocks]
            lines += [" ".join(line.cells) for line in section.targets]
        signature = self.signature
        lines += ["Nơi nhận:", *signature.recipient_lines]
        lines += [signature.on_behalf, signature.title, signature.signer]
        return "\n".join(line for line in lines if line)


# --- The plan ---------------------------------------------------------------------------------


def plan_document(plan: AnnualPlan) -> OfficialDocument:
    """The plan as issued: head, "KẾ HOẠCH" and its subject, the basis, sections I–IV (section
    II the unit's targets of the year, section IV opened by the steering group and the lower
    units' deadline), "Nơi nhận" and the signature. ``plan`` comes with its unit; two queries:
    the targets and the steering group with their cadres."""
    targets = list(plan.targets().order_by("order", "pk"))
    return OfficialDocument(
        head=_head(plan, plan.number, plan.issued_on),
        kind=PLAN_KIND,
        subject=_line(plan.subject),
        opening=tuple(parse(plan.basis)),
        sections=(
            Section("I. MỤC ĐÍCH, YÊU CẦU", _written(plan.purpose)),
            Section(
                "II. HỆ THỐNG CHỈ TIÊU",
                (*parse(plan.targets_intro), *(bullet(_sentence(target.text)) for target in targets)),
            ),
            Section("III. NỘI DUNG THỰC HIỆN", _written(plan.content)),
            Section("IV. TỔ CHỨC THỰC HIỆN", tuple(_organisation(plan)) or (paragraph(BLANK),)),
        ),
        signature=_signature(plan),
        template=PLAN_TEMPLATE,
        **_stems("Kế hoạch công tác cán bộ", "ke-hoach-cong-tac-can-bo", plan),
    )


def _organisation(plan: AnnualPlan) -> list[Block]:
    """Section IV: the steering group, its duties, the lower units' deadline, then what the plan
    writes of the organisation."""
    blocks = _steering(plan)
    blocks += _duties(plan.steering_duties)
    if plan.lower_deadline:
        blocks.append(
            paragraph(
                f"Các đơn vị trực thuộc xây dựng kế hoạch công tác cán bộ năm {plan.year} của đơn vị, "
                f"gửi về Ban Thường vụ {plan.unit.name} trước ngày {_day(plan.lower_deadline)}."
            )
        )
    return blocks + parse(plan.organisation)


def _steering(plan: AnnualPlan) -> list[Block]:
    """ "- Trưởng ban: Đ/c Nguyễn Văn A – Bí thư Tỉnh đoàn." and so on, by role then order;
    several members are listed under "- Thành viên:" as "+" lines."""
    members = sorted(
        plan.steering.select_related("cadre").order_by(),
        key=lambda member: (_ROLE_ORDER.get(member.role, len(_ROLE_ORDER)), member.order, member.pk),
    )
    if not members:
        return []
    blocks = [paragraph(f"Ban Chỉ đạo công tác cán bộ năm {plan.year} gồm các đồng chí:")]
    for role, label in SteeringRole.choices:
        lines = [
            _sentence(f"Đ/c {member.cadre.full_name}" + (f" – {member.title}" if member.title else ""))
            for member in members
            if member.role == role
        ]
        if role == SteeringRole.MEMBER and len(lines) > 1:
            blocks.append(bullet(f"{label}:"))
            blocks += [bullet(line, sub=True) for line in lines]
        else:
            blocks += [bullet(f"{label}: {line}") for line in lines]
    return blocks


def _duties(text: str) -> list[Block]:
    """The steering group's duties, led by "Nhiệm vụ của Ban Chỉ đạo:" unless the text says it."""
    blocks = parse(text)
    lead = "Nhiệm vụ của Ban Chỉ đạo:"
    if not blocks or fold(blocks[0].text).startswith("nhiem vu"):
        return blocks
    first = blocks[0]
    if first.kind == PARAGRAPH:
        return [Block(first.kind, (Span(f"{lead} ", bold=True, italic=True), *first.spans)), *blocks[1:]]
    return [paragraph(lead, bold=True, italic=True), *blocks]


# --- The year-end report ------------------------------------------------------------------------


def report_document(plan: AnnualPlan, *, day: datetime.date | None = None) -> OfficialDocument:
    """The year-end report of ``plan``: the same head (the report's number and date), "BÁO CÁO"
    and its subject, each target with its actual figure and status, the year's figures from the
    other apps, the assessment and the next year's direction, "Nơi nhận" and the signature."""
    lines = target_lines(plan, day=day)
    figures = year_figures(plan.unit, plan.year, day=day)
    return OfficialDocument(
        head=_head(plan, plan.report_number, plan.report_issued_on),
        kind=REPORT_KIND,
        subject=f"Kết quả thực hiện công tác cán bộ năm {plan.year}",
        opening=(paragraph(_report_opening(plan)),),
        sections=(
            Section(
                "I. KẾT QUẢ THỰC HIỆN HỆ THỐNG CHỈ TIÊU",
                (paragraph(_targets_summary(lines) if lines else NO_TARGETS),),
                targets=lines,
            ),
            Section(f"II. KẾT QUẢ CÔNG TÁC CÁN BỘ NĂM {plan.year}", tuple(figure_blocks(figures))),
            Section("III. ĐÁNH GIÁ CHUNG", _written(plan.report_assessment)),
            Section(f"IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM {plan.year + 1}", _written(plan.report_next_steps)),
        ),
        signature=_signature(plan),
        template=REPORT_TEMPLATE,
        **_stems("Báo cáo kết quả công tác cán bộ", "bao-cao-ket-qua-cong-tac-can-bo", plan),
    )


def target_lines(plan: AnnualPlan, *, day: datetime.date | None = None) -> tuple[TargetLine, ...]:
    """The report's table: each of the plan's targets with its goal, actual figure and status
    (the report form's preview too)."""
    targets = list(plan.targets().select_related("unit").order_by("order", "pk"))
    # As of today: the targets' snapshots where current (computed here where not); another day
    # (a test's) computed.
    measures = snapshots.measures(targets, fresh=True) if day is None else measure_all(targets, day=day)
    return tuple(
        TargetLine(
            number=number,
            text=_line(target.text),
            goal=goal_text(target),
            actual=measures[target.pk].text,
            met=measures[target.pk].met,
            link=measures[target.pk].link,
        )
        for number, target in enumerate(targets, start=1)
    )


def _targets_summary(lines: tuple[TargetLine, ...]) -> str:
    met = sum(1 for line in lines if line.met)
    return f"Đạt {met}/{len(lines)} chỉ tiêu đề ra; kết quả từng chỉ tiêu như sau:"


def _report_opening(plan: AnnualPlan) -> str:
    number = f" số {plan.number}" if plan.number else ""
    issued = f" ngày {_day(plan.issued_on)}" if plan.issued_on else ""
    return (
        f"Thực hiện Kế hoạch{number}{issued} của Ban Thường vụ {plan.unit.name} về công tác cán bộ năm "
        f"{plan.year}, Ban Thường vụ {plan.unit.name} báo cáo kết quả thực hiện như sau:"
    )


def figure_blocks(figures: YearFigures) -> list[Block]:
    """Section II of the report: a sub-heading and its lines for each app's figures."""
    year, number = figures.year, thousands
    blocks = [_subheading("1. Công tác đào tạo, bồi dưỡng:")]
    blocks += [
        bullet(f"{line.label}: {number(line.courses)} lớp kết thúc; {number(line.learners)} lượt hoàn thành.")
        for line in figures.training
    ]
    if figures.training:
        total = f"{number(figures.courses)} lớp; {number(figures.learners)} lượt cán bộ hoàn thành"
        blocks.append(bullet(f"Tổng cộng: {total}."))
    else:
        blocks.append(bullet(f"Không có khoá học kết thúc trong năm {year}."))
    blocks.append(_subheading("2. Thực hiện chế độ “1+2” (cán bộ đi cơ sở):"))
    went = f"{number(figures.fieldwork_cadres)} cán bộ đi cơ sở, {number(figures.fieldwork_trips)} lượt"
    blocks.append(bullet(f"{went}, tổng cộng {decimal_text(figures.fieldwork_days)} ngày."))
    if figures.quota_subject:
        share = decimal_text(Decimal(figures.quota_met * 100) / figures.quota_subject, 1)
        met = f"{number(figures.quota_met)}/{number(figures.quota_subject)}"
        blocks.append(bullet(f"{met} cán bộ thuộc diện thực hiện đạt định mức ngày đi cơ sở ({share}%)."))
    blocks.append(_subheading("3. Rà soát, bổ sung quy hoạch cán bộ:"))
    if figures.reviews:
        counts = "; ".join(f"{label.lower()}: {number(count)}" for label, count in figures.reviews)
        blocks.append(bullet(f"{number(figures.reviews_total)} đợt rà soát quy hoạch năm {year} ({counts})."))
    else:
        blocks.append(bullet(f"Chưa có đợt rà soát quy hoạch năm {year}."))
    blocks.append(_subheading("4. Đánh giá, xếp loại cán bộ:"))
    if figures.evaluations_total:
        counts = "; ".join(f"{label.lower()}: {number(count)}" for label, count in figures.evaluations)
        decided = number(figures.evaluations_total)
        blocks.append(bullet(f"Đã quyết định xếp loại {decided} cán bộ năm {year} ({counts})."))
    else:
        blocks.append(bullet(f"Chưa có quyết định xếp loại cán bộ năm {year}."))
    return blocks


def _subheading(text: str) -> Block:
    return parse(text)[0]


# --- Shared -------------------------------------------------------------------------------------


def _head(plan: AnnualPlan, number: str, date: datetime.date | None) -> DocumentHead:
    return DocumentHead(
        issuer=_line(plan.issuer),
        superior=_line(plan.superior),
        number=_line(number) or BLANK,
        place=_line(plan.place) or BLANK,
        date=date,
    )


def _signature(plan: AnnualPlan) -> Signature:
    """The plan's signer; "Nơi nhận" ends with a "Lưu" line, added when the plan has none."""
    recipients = [line for line in map(_line, plan.recipient_list) if line]
    if not any(fold(line).startswith("luu") for line in recipients[-1:]):
        recipients.append("Lưu VP")
    return Signature(
        signer=_line(plan.signer_name),
        title=_line(plan.signer_title),
        on_behalf=_line(plan.on_behalf),
        recipients=tuple(recipients),
    )


def _stems(kind: str, ascii_kind: str, plan: AnnualPlan) -> dict[str, str]:
    unit = slugify(fold(plan.unit.name))[:60].strip("-")
    return {
        "file_stem": readable_filename(f"{kind} năm {plan.year}_{plan.unit.name}"),
        "ascii_stem": "-".join(filter(None, [ascii_kind, str(plan.year), unit])),
    }


def _written(text: str) -> tuple[Block, ...]:
    """A section as written; dotted blanks for one not written yet, to fill in in Word."""
    return tuple(parse(text)) or (paragraph(BLANK),)


def _line(text: str) -> str:
    """A line of the document as typed, without what no document can hold."""
    return " ".join(printable(text).split())


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if not text or text.endswith(_ENDINGS) else f"{text}."


def _day(day: datetime.date) -> str:
    return f"{day:%d/%m/%Y}"


def render_pdf(document: OfficialDocument, *, request=None) -> bytes:
    return render_template_pdf(document.template, {"document": document}, request=request)
