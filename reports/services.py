"""The yearly plan's workflows: starting a plan (blank with the unit's defaults, copied from last
year's, or answering the upper unit's request with its targets), the steering group saved as a
whole, deletion, and the collection by the upper unit — a lower unit submits its plan, the upper
unit accepts it or returns it with a note.

Each runs in one transaction and refuses what the workflow does not allow with a Vietnamese
``ValidationError``; views turn it into a message."""

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.timezone import localdate
from simple_history.utils import bulk_create_with_history

from cadres.models import Cadre, CadreStatus, Unit
from common.models import StaleEditError, change_reason
from common.pdf import document_place, issuer_name
from units.scope import subtree_condition

from .models import AnnualPlan, PlanStatus, SteeringMember, Target

SECRETARY_POSITION = "bi-thu"
SUBJECT = "Công tác cán bộ Đoàn năm {year}"
# The fields of the document carried over from last year's plan (year numbers updated). The
# number, dates and deadline are the new document's own: left empty until it is issued.
COPIED_TEXT_FIELDS = (
    "superior",
    "issuer",
    "place",
    "subject",
    "basis",
    "purpose",
    "targets_intro",
    "content",
    "organisation",
    "steering_duties",
    "recipients",
    "on_behalf",
    "signer_title",
    "signer_name",
)
# Plan statuses a lower unit may still send up, and those the upper unit has in hand.
SENDABLE = (PlanStatus.DRAFT, PlanStatus.RETURNED)
SENT = (PlanStatus.SUBMITTED, PlanStatus.ACCEPTED)
LOCKED = "Kế hoạch đã gửi cấp trên (hoặc đã được tiếp nhận) nên không sửa được; chờ cấp trên trả lại."


# --- Starting a plan ----------------------------------------------------------------------------


def upper_request(unit: Unit, year: int) -> AnnualPlan | None:
    """The plan of the unit directly above ``unit`` for ``year`` that asks the units below for
    their plans (a deadline is set), if any."""
    if unit.depth <= 1:
        return None
    return (
        AnnualPlan.objects.filter(
            unit__path=unit.path[: -Unit.steplen], year=year, lower_deadline__isnull=False
        )
        .select_related("unit")
        .first()
    )


def current_secretary(unit: Unit) -> Cadre | None:
    """The unit's Bí thư now: the active cadre of the unit holding the post (the earliest on
    record if the roster has two)."""
    return Cadre.objects.active().filter(unit=unit, position__code=SECRETARY_POSITION).order_by("pk").first()


def default_recipients(unit: Unit, parent: Unit | None) -> str:
    lines = []
    if parent is not None:
        lines.append(f"Ban Thường vụ {parent.name} (để báo cáo);")
    lines.append("Thường trực cấp ủy cùng cấp (để báo cáo);")
    lines.append("Các đồng chí Ủy viên Ban Thường vụ;")
    if unit.numchild:
        lines.append("Các đơn vị trực thuộc (để thực hiện);")
    lines.append("Lưu VP.")
    return "\n".join(lines)


def plan_defaults(unit: Unit, year: int) -> dict:
    """What a new plan of ``unit`` starts with: the issuing body and place as its documents
    print them, the subject, the recipients and the signature of its Bí thư."""
    ancestors = list(unit.ancestors())
    parent = ancestors[-1] if ancestors else None
    secretary = current_secretary(unit)
    return {
        "superior": parent.name.upper() if parent else "",
        "issuer": issuer_name(unit),
        "place": document_place(unit, ancestors),
        "subject": SUBJECT.format(year=year),
        "recipients": default_recipients(unit, parent),
        "on_behalf": "TM. BAN THƯỜNG VỤ",
        "signer_title": "BÍ THƯ",
        "signer_name": secretary.full_name if secretary else "",
    }


def _check_free(unit: Unit, year: int) -> None:
    if AnnualPlan.objects.filter(unit=unit, year=year).exists():
        raise ValidationError(f"{unit.name} đã có kế hoạch công tác cán bộ năm {year}.")


def _saved_new(plan: AnnualPlan) -> AnnualPlan:
    """Save a new plan; another user creating the unit's plan of the year at the same moment is
    refused by the database's constraint, with the same message as the check."""
    plan.full_clean(exclude=["parent", "created_by"], validate_constraints=False)
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:
        raise ValidationError(f"{plan.unit.name} đã có kế hoạch công tác cán bộ năm {plan.year}.") from None
    return plan


@transaction.atomic
def plan_create(*, unit: Unit, year: int, user) -> AnnualPlan:
    """A blank plan with the unit's defaults; it answers the upper unit's request of the year
    when there is one."""
    _check_free(unit, year)
    plan = AnnualPlan(unit=unit, year=year, parent=upper_request(unit, year), created_by=user)
    for name, value in plan_defaults(unit, year).items():
        setattr(plan, name, value)
    plan._change_reason = "Tạo kế hoạch mới"
    return _saved_new(plan)


YEAR_PATTERN = r"(?<!\d){}(?!\d)"


def with_year(text: str, old: int, new: int) -> str:
    """``text`` with the year ``old`` written as ``new`` where it stands as a number of its own
    ("năm 2025" → "năm 2026", but not "12025")."""
    return re.sub(YEAR_PATTERN.format(old), str(new), text)


@dataclass(frozen=True)
class Copied:
    plan: AnnualPlan
    targets: int
    steering: int
    targets_kept: bool  # the unit already had targets for the year: they were kept, none copied


@transaction.atomic
def plan_copy_from_last_year(*, unit: Unit, year: int, user) -> Copied:
    """A plan made from the unit's plan of ``year - 1``: every text with the old year written
    as the new one, its steering group (the cadres still working in the unit's subtree) and its
    targets made again for ``year`` with the same metric, parameters and goal."""
    _check_free(unit, year)
    last = AnnualPlan.objects.filter(unit=unit, year=year - 1).first()
    if last is None:
        raise ValidationError(f"{unit.name} chưa có kế hoạch năm {year - 1} để sao chép.")
    plan = AnnualPlan(unit=unit, year=year, parent=upper_request(unit, year), created_by=user)
    for name in COPIED_TEXT_FIELDS:
        setattr(plan, name, with_year(getattr(last, name), year - 1, year))
    secretary = current_secretary(unit)
    if secretary is not None:
        plan.signer_name = secretary.full_name
    plan._change_reason = change_reason(f"Sao chép từ kế hoạch năm {year - 1}")
    _saved_new(plan)
    members = [
        SteeringMember(
            plan=plan, cadre_id=member.cadre_id, role=member.role, title=member.title, order=member.order
        )
        for member in last.steering.filter(
            subtree_condition("cadre__unit_path", unit.path), cadre__status=CadreStatus.ACTIVE
        ).order_by("order", "pk")
    ]
    if members:
        bulk_create_with_history(members, SteeringMember, default_user=user)
    kept = Target.objects.filter(unit=unit, year=year).exists()
    targets = (
        []
        if kept
        else [
            Target(
                unit=unit,
                year=year,
                order=target.order,
                text=with_year(target.text, year - 1, year),
                metric=target.metric,
                params=target.params,
                comparison=target.comparison,
                goal=target.goal,
            )
            for target in Target.objects.filter(unit=unit, year=year - 1).order_by("order", "pk")
        ]
    )
    if targets:
        bulk_create_with_history(targets, Target, default_user=user)
    return Copied(plan=plan, targets=len(targets), steering=len(members), targets_kept=kept)


def _reference(upper: AnnualPlan) -> str:
    """ "Kế hoạch số 80-KH/TĐTN-TCKT ngày 26/07/2026 của Ban Thường vụ Tỉnh đoàn Gia Lai"."""
    number = f" số {upper.number}" if upper.number else ""
    day = f" ngày {upper.issued_on:%d/%m/%Y}" if upper.issued_on else ""
    return f"Kế hoạch{number}{day} của Ban Thường vụ {upper.unit.name}"


@dataclass(frozen=True)
class Answered:
    plan: AnnualPlan
    targets: int


@transaction.atomic
def plan_answer_request(*, upper: AnnualPlan, unit: Unit, user) -> Answered:
    """The plan of ``unit`` (directly below the upper plan's unit) answering ``upper``: its
    subject and basis refer to the upper plan, and the upper plan's targets are copied for the
    unit (each remembering its ``source``), except those the unit already copied."""
    if upper.lower_deadline is None or unit.path[: -Unit.steplen] != upper.unit.path:
        raise ValidationError(f"{upper.unit.name} không yêu cầu {unit.name} gửi kế hoạch năm {upper.year}.")
    year = upper.year
    _check_free(unit, year)
    plan = AnnualPlan(unit=unit, year=year, parent=upper, created_by=user)
    for name, value in plan_defaults(unit, year).items():
        setattr(plan, name, value)
    reference = _reference(upper)
    plan.subject = f"Thực hiện {reference} về công tác cán bộ Đoàn năm {year}"[:255]
    plan.basis = (
        f"Thực hiện {reference} về công tác cán bộ Đoàn năm {year}; Ban Thường vụ {unit.name} "
        f"xây dựng kế hoạch công tác cán bộ Đoàn năm {year} với các nội dung cụ thể như sau:"
    )
    plan._change_reason = change_reason(f"Theo kế hoạch của {upper.unit.name}")
    _saved_new(plan)
    copied = set(
        Target.objects.filter(unit=unit, year=year, source__isnull=False).values_list("source_id", flat=True)
    )
    targets = [
        Target(
            unit=unit,
            year=year,
            order=target.order,
            text=target.text,
            metric=target.metric,
            params=target.params,
            comparison=target.comparison,
            goal=target.goal,
            source=target,
        )
        for target in upper.targets().order_by("order", "pk")
        if target.pk not in copied
    ]
    if targets:
        bulk_create_with_history(targets, Target, default_user=user)
    return Answered(plan=plan, targets=len(targets))


# --- The steering group -------------------------------------------------------------------------


def steering_title(cadre: Cadre) -> str:
    """The line under a member's name: the post and the unit ("Phó Bí thư Tỉnh đoàn Gia Lai")."""
    unit = cadre.unit.name if cadre.unit_id else ""
    post = cadre.position.name if cadre.position_id else "Cán bộ"
    return f"{post} {unit}".strip()[:200]


@dataclass(frozen=True)
class SteeringRow:
    """A line of the steering group's form: ``member`` None for a new one; ``version`` the
    member's version when the form was opened."""

    member: SteeringMember | None
    version: int | None
    cadre: Cadre | None
    role: str
    title: str
    order: int
    delete: bool = False


STEERING_CHANGED = "Ban chỉ đạo vừa được người khác thay đổi: tải lại trang rồi nhập lại."


@transaction.atomic
def steering_set(*, plan: AnnualPlan, rows: Sequence[SteeringRow], members_seen: set[int]) -> int:
    """The steering group as the form shows it, saved all together or not at all. ``members_seen``
    are the members listed when the form was opened: a member added or removed by someone else
    since, or a line changed since (its version), refuses the whole form (``StaleEditError``).
    Returns the number of lines added, changed or removed."""
    plan = AnnualPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.is_locked:
        raise ValidationError(LOCKED)
    current = set(plan.steering.values_list("pk", flat=True))
    if current != set(members_seen):
        raise StaleEditError([])
    kept = [row for row in rows if not row.delete and row.cadre is not None]
    seen: dict[int, str] = {}
    for row in kept:
        if row.cadre.pk in seen:
            raise ValidationError(f"{row.cadre.full_name} có hai dòng trong ban chỉ đạo: xoá bớt một dòng.")
        seen[row.cadre.pk] = row.cadre.full_name
    changed = 0
    try:
        with transaction.atomic():
            for row in rows:
                if row.member is not None:
                    row.member.check_version(row.version, lock=True)
            for row in rows:
                if row.member is not None and (row.delete or row.cadre is None):
                    row.member.delete()
                    changed += 1
            for row in kept:
                title = row.title.strip() or steering_title(row.cadre)
                member = row.member or SteeringMember(plan=plan)
                values = {"cadre_id": row.cadre.pk, "role": row.role, "title": title, "order": row.order}
                if member.pk is not None and all(getattr(member, k) == v for k, v in values.items()):
                    continue
                for name, value in values.items():
                    setattr(member, name, value)
                member.full_clean(exclude=["plan", "cadre"], validate_constraints=False)
                member.save()
                changed += 1
    except IntegrityError:
        raise ValidationError("Một cán bộ chỉ có một dòng trong ban chỉ đạo.") from None
    return changed


# --- Deleting -----------------------------------------------------------------------------------


@transaction.atomic
def plan_delete(*, plan: AnnualPlan) -> None:
    """Delete a plan and its steering group; its unit's targets of the year stay (they are the
    unit's, shown on the targets page). Refused for a plan sent up or answered by lower plans."""
    plan = AnnualPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.is_locked:
        raise ValidationError("Kế hoạch đã gửi cấp trên (hoặc đã được tiếp nhận) nên không xoá được.")
    answered = plan.lower_plans.count()
    if answered:
        raise ValidationError(
            f"Đã có {answered} kế hoạch của đơn vị cấp dưới thực hiện kế hoạch này nên không xoá được."
        )
    plan.steering.all().delete()
    plan.delete()


# --- The collection -----------------------------------------------------------------------------


def is_own_unit(user, plan: AnnualPlan) -> bool:
    return user.sees_everything or (user.unit_id is not None and user.unit_id == plan.unit_id)


def is_upper_unit(user, plan: AnnualPlan) -> bool:
    """The plan's unit lies strictly below the user's unit (or the user sees everything)."""
    if user.sees_everything:
        return True
    unit = getattr(user, "unit", None)
    return unit is not None and plan.unit.path.startswith(unit.path) and plan.unit.path != unit.path


def _locked_row(plan: AnnualPlan) -> AnnualPlan:
    return AnnualPlan.objects.select_for_update().select_related("unit").get(pk=plan.pk)


@transaction.atomic
def plan_submit(*, plan: AnnualPlan, user, base_version: int | None = None) -> AnnualPlan:
    """Send a drafted (or returned) plan up to the unit that asked for it. A plan started
    before the request gets linked to it now."""
    if not user.can_edit or not is_own_unit(user, plan):
        raise ValidationError("Chỉ cán bộ của đơn vị soạn kế hoạch mới gửi được kế hoạch lên cấp trên.")
    locked = _locked_row(plan)
    if base_version is not None and locked.version != base_version:
        raise StaleEditError(locked.changes_since(base_version))
    if locked.status not in SENDABLE:
        raise ValidationError(
            "Kế hoạch đã được cấp trên tiếp nhận."
            if locked.status == PlanStatus.ACCEPTED
            else "Kế hoạch đã gửi cấp trên, đang chờ xem xét."
        )
    if locked.parent_id is None:
        locked.parent = upper_request(locked.unit, locked.year)
        if locked.parent is None:
            raise ValidationError(
                f"Cấp trên chưa yêu cầu gửi kế hoạch công tác cán bộ năm {locked.year}: chưa có nơi để gửi."
            )
    locked.status = PlanStatus.SUBMITTED
    locked.submitted_at, locked.submitted_by = timezone.now(), user
    locked._change_reason = "Gửi cấp trên"
    locked.save()
    return locked


def _check_review(plan: AnnualPlan, user) -> AnnualPlan:
    if not user.can_edit or not is_upper_unit(user, plan):
        raise ValidationError("Chỉ cấp trên của đơn vị mới tiếp nhận hoặc trả lại kế hoạch này.")
    locked = _locked_row(plan)
    if locked.status != PlanStatus.SUBMITTED:
        raise ValidationError("Chỉ tiếp nhận hoặc trả lại được kế hoạch đã gửi lên, đang chờ xem xét.")
    return locked


@transaction.atomic
def plan_accept(*, plan: AnnualPlan, user, note: str = "") -> AnnualPlan:
    locked = _check_review(plan, user)
    locked.status = PlanStatus.ACCEPTED
    locked.reviewed_at, locked.reviewed_by, locked.review_note = timezone.now(), user, note.strip()
    locked._change_reason = "Cấp trên tiếp nhận"
    locked.save()
    return locked


@transaction.atomic
def plan_return(*, plan: AnnualPlan, user, note: str) -> AnnualPlan:
    if not note.strip():
        raise ValidationError("Ghi ý kiến khi trả lại kế hoạch: đơn vị cần biết phải sửa gì.")
    locked = _check_review(plan, user)
    locked.status = PlanStatus.RETURNED
    locked.reviewed_at, locked.reviewed_by, locked.review_note = timezone.now(), user, note.strip()
    locked._change_reason = "Cấp trên trả lại"
    locked.save()
    return locked


# --- Where a lower unit stands -----------------------------------------------------------------


@dataclass(frozen=True)
class SubmissionState:
    code: str  # missing, draft, overdue, on_time, late, returned, accepted
    label: str
    tone: str  # a Bootstrap colour
    late_days: int = 0

    @property
    def is_sent(self) -> bool:
        return self.code in ("on_time", "late", "accepted")


def submitted_late_days(plan: AnnualPlan, deadline: datetime.date) -> int:
    """Days between the deadline and the day the plan was sent (0 when on time or not sent)."""
    if plan.submitted_at is None:
        return 0
    return max(0, (localdate(plan.submitted_at) - deadline).days)


def submission_state(plan: AnnualPlan | None, deadline: datetime.date, day: datetime.date) -> SubmissionState:
    """Where a lower unit stands with its plan on ``day``, against the upper plan's deadline."""
    overdue = day > deadline
    if plan is None:
        return (
            SubmissionState("overdue", "Quá hạn", "danger")
            if overdue
            else SubmissionState("missing", "Chưa có", "secondary")
        )
    if plan.status == PlanStatus.DRAFT:
        return (
            SubmissionState("overdue", "Quá hạn", "danger")
            if overdue
            else SubmissionState("draft", "Đang soạn", "info")
        )
    if plan.status == PlanStatus.RETURNED:
        return SubmissionState("returned", "Trả lại", "warning")
    late = submitted_late_days(plan, deadline)
    if plan.status == PlanStatus.ACCEPTED:
        return SubmissionState("accepted", "Đã tiếp nhận", "success", late)
    if late:
        return SubmissionState("late", f"Gửi muộn {late} ngày", "warning", late)
    return SubmissionState("on_time", "Đã gửi đúng hạn", "success")
