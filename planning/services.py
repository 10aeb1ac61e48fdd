"""What changes a plan: candidates added and removed under the rules, the approval workflow of
plans and of their annual reviews, and the review assistant's proposals. Views call these; each
runs in one transaction with the plan's row locked, so that two editors adding at once cannot
together break a limit, and a plan cannot be approved while someone changes it."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cadres import registry
from cadres.models import Appointment, Cadre, Discipline, Position
from common.dates import today
from common.models import change_reason

from .models import (
    AnnualReview,
    Candidate,
    PlanStatus,
    ProposalDecision,
    Readiness,
    RemovalReason,
    ReviewProposal,
    ReviewStatus,
    SuccessionPlan,
)
from .rules import Checker, age_problem


@dataclass
class CandidateRow:
    """One candidate to add: from the form, a line of the bulk add or a row of the import."""

    cadre: Cadre
    position: Position
    readiness: str = Readiness.ONE_TWO
    note: str = ""
    where: str = ""  # "Dòng 3" for a bulk line or an imported row


class CandidatesRefused(ValidationError):
    """Nothing was added: one message per refused row, saying where and why."""


def locked(plan: SuccessionPlan) -> SuccessionPlan:
    """The plan re-read with its row locked until the transaction ends."""
    return SuccessionPlan.objects.select_for_update().select_related("unit", "term").get(pk=plan.pk)


def open_review(plan: SuccessionPlan) -> AnnualReview | None:
    """The review in progress on an approved plan (drafted, submitted or returned), if any."""
    return plan.reviews.exclude(status=ReviewStatus.APPROVED).order_by("-year").first()


def editing_context(plan: SuccessionPlan) -> AnnualReview | None:
    """Where a change to the candidates goes: None for a plan being drafted, the open editable
    review of an approved plan; refused otherwise."""
    if plan.is_editable:
        return None
    if plan.status == PlanStatus.SUBMITTED:
        raise ValidationError("Quy hoạch đang chờ phê duyệt: không thể thay đổi danh sách.")
    review = open_review(plan)
    if review is None or not review.is_editable:
        raise ValidationError(
            "Quy hoạch đã được phê duyệt và bị khóa: mọi thay đổi phải thực hiện qua một đợt "
            "rà soát, bổ sung."
        )
    return review


def add_candidates(
    plan: SuccessionPlan, rows: Sequence[CandidateRow], *, user
) -> list[tuple[Candidate, list[str]]]:
    """Add every row or none: the rules are checked row by row, each counted with the rows
    before it. Returns the candidates with their flags (gaps against the standard)."""
    with transaction.atomic():
        plan = locked(plan)
        review = editing_context(plan)
        # The cadres' rows too: "at most 3 posts per person" spans plans, which other editors
        # may be adding the same person to at this moment.
        list(
            Cadre.objects.select_for_update()
            .filter(pk__in={row.cadre.pk for row in rows})
            .order_by("pk")
            .values_list("pk")
        )
        checker = Checker(plan, user)
        problems, accepted = [], []
        for row in rows:
            verdict = checker.check(row.cadre, row.position)
            if not verdict.ok:
                prefix = f"{row.where}: " if row.where else ""
                problems.extend(f"{prefix}{reason}" for reason in verdict.refusals)
                continue
            checker.accept(row.cadre, row.position)
            accepted.append((row, verdict.flags))
        if problems:
            raise CandidatesRefused(problems)
        year = review.year if review else today().year
        added = []
        for row, flags in accepted:
            candidate = Candidate(
                plan=plan,
                cadre=row.cadre,
                position=row.position,
                readiness=row.readiness,
                note=row.note,
                added_year=year,
                added_by_review=review,
            )
            candidate._change_reason = change_reason(f"Đưa vào quy hoạch {plan}")
            candidate.save()
            added.append((candidate, flags))
        return added


def remove_candidate(candidate: Candidate, *, reason: str, note: str = "", user) -> None:
    """Take a candidate out. While the plan is drafted, a candidate never approved is deleted
    (its history stays); in a review, the candidate is proposed for removal with the review's
    year and the reason, and leaves the plan when the review is approved."""
    with transaction.atomic():
        plan = locked(candidate.plan)
        candidate = Candidate.objects.select_for_update().get(pk=candidate.pk, plan=plan)
        review = editing_context(plan)
        if not candidate.is_live:
            raise ValidationError("Ứng viên này đã được đưa ra khỏi quy hoạch.")
        if review is None or candidate.added_by_review_id == review.pk:
            candidate.delete()  # never in an approved plan: nothing to keep but its history
            return
        if reason not in RemovalReason.values:
            raise ValidationError("Chọn lý do đưa ra khỏi quy hoạch.")
        candidate.removed_year = review.year
        candidate.removal_reason = reason
        candidate.removal_note = note
        candidate.removed_by_review = review
        candidate.save()


def restore_candidate(candidate: Candidate, *, user) -> None:
    """Undo a proposed removal while its review is still being edited."""
    with transaction.atomic():
        plan = locked(candidate.plan)
        candidate = Candidate.objects.select_for_update().get(pk=candidate.pk, plan=plan)
        review = editing_context(plan)
        if review is None or candidate.removed_by_review_id != review.pk:
            raise ValidationError("Chỉ hoàn tác được đề xuất đưa ra của đợt rà soát đang thực hiện.")
        checker = Checker(plan, user)
        verdict = checker.check(candidate.cadre, candidate.position)
        # The candidate's own removal freed its place: only the other rules matter.
        if not verdict.ok:
            raise ValidationError(verdict.refusals)
        candidate.removed_year = None
        candidate.removal_reason = ""
        candidate.removal_note = ""
        candidate.removed_by_review = None
        candidate.save()
        review.proposals.filter(candidate=candidate).update(decision=ProposalDecision.PENDING)


# --- The plan's workflow ---------------------------------------------------------------------


def submit_plan(plan: SuccessionPlan, *, user) -> SuccessionPlan:
    with transaction.atomic():
        plan = locked(plan)
        if not plan.is_editable:
            raise ValidationError("Chỉ trình được quy hoạch đang dự thảo hoặc bị trả lại.")
        if not plan.candidates.live().exists():
            raise ValidationError("Quy hoạch chưa có ứng viên nào: thêm ứng viên trước khi trình.")
        plan.status = PlanStatus.SUBMITTED
        plan.submitted_at, plan.submitted_by = timezone.now(), user
        plan._change_reason = "Trình phê duyệt"
        plan.save()
        return plan


def approve_plan(
    plan: SuccessionPlan, *, user, decision_number: str, decided_on: datetime.date, approving_body: str
) -> SuccessionPlan:
    with transaction.atomic():
        plan = locked(plan)
        if plan.status != PlanStatus.SUBMITTED:
            raise ValidationError("Chỉ phê duyệt được quy hoạch đã trình.")
        plan.status = PlanStatus.APPROVED
        plan.decision_number, plan.decided_on, plan.approving_body = (
            decision_number,
            decided_on,
            approving_body,
        )
        plan.approved_by, plan.return_comment = user, ""
        plan._change_reason = change_reason(f"Phê duyệt theo quyết định {decision_number}")
        plan.save()
        return plan


def return_plan(plan: SuccessionPlan, *, user, comment: str) -> SuccessionPlan:
    with transaction.atomic():
        plan = locked(plan)
        if plan.status != PlanStatus.SUBMITTED:
            raise ValidationError("Chỉ trả lại được quy hoạch đã trình.")
        plan.status, plan.return_comment = PlanStatus.RETURNED, comment
        plan._change_reason = "Trả lại để chỉnh sửa"
        plan.save()
        return plan


# --- Annual reviews ------------------------------------------------------------------------------


def start_review(plan: SuccessionPlan, *, year: int, summary: str = "", user) -> AnnualReview:
    """Open the year's review of an approved plan, with the assistant's proposals."""
    with transaction.atomic():
        plan = locked(plan)
        if not plan.is_approved:
            raise ValidationError("Chỉ rà soát được quy hoạch đã phê duyệt.")
        if open_review(plan) is not None:
            raise ValidationError("Quy hoạch đang có một đợt rà soát chưa được phê duyệt.")
        if plan.reviews.filter(year=year).exists():
            raise ValidationError({"year": f"Quy hoạch đã có đợt rà soát năm {year}."})
        if not plan.term.start_year <= year <= plan.term.end_year:
            raise ValidationError(
                {"year": f"Năm rà soát phải trong nhiệm kỳ {plan.term.start_year}–{plan.term.end_year}."}
            )
        review = AnnualReview.objects.create(plan=plan, year=year, summary=summary, created_by=user)
        for candidate, reason, detail in proposals_for(plan, year):  # a few: each with its history
            ReviewProposal.objects.create(
                review=review, candidate=candidate, reason=reason, detail=detail[:255]
            )
        return review


def proposals_for(plan: SuccessionPlan, year: int) -> list[tuple[Candidate, str, str]]:
    """The candidates the assistant proposes to take out, with the reason and what it found:
    past the age limit for the term, left, appointed to the post, disciplined since the last
    approval, or rated "không hoàn thành nhiệm vụ" in their latest yearly evaluation
    (``cadres.registry.latest_ratings``). A constant number of queries."""
    from cadres.standards import StandardBook

    book = StandardBook()
    # A review starts only when every earlier one is approved: every live candidate is in force.
    candidates = list(plan.candidates.live().select_related("cadre", "position"))
    cadre_ids = {c.cadre_id for c in candidates}
    holding = set(
        Appointment.objects.open()
        .filter(unit=plan.unit, cadre_id__in=cadre_ids)
        .values_list("cadre_id", "position_id")
    )
    since = plan.decided_on or datetime.date(plan.term.start_year, 1, 1)
    disciplined = dict(
        Discipline.objects.filter(cadre_id__in=cadre_ids, decided_on__gte=since)
        .order_by("decided_on")
        .values_list("cadre_id", "decided_on")
    )
    ratings = registry.latest_ratings(cadre_ids)
    found = []
    for candidate in candidates:
        cadre = candidate.cadre
        if not cadre.is_active:
            left = f" ngày {cadre.left_on:%d/%m/%Y}" if cadre.left_on else ""
            found.append((candidate, RemovalReason.TRANSFERRED, f"{cadre.get_status_display()}{left}."))
        elif (cadre.pk, candidate.position_id) in holding:
            found.append(
                (
                    candidate,
                    RemovalReason.APPOINTED,
                    f"Đang đảm nhiệm {candidate.position.name} tại {plan.unit.name}.",
                )
            )
        elif problem := age_problem(book, plan, cadre, candidate.position):
            found.append((candidate, RemovalReason.OVER_AGE, problem))
        elif cadre.pk in disciplined:
            found.append(
                (
                    candidate,
                    RemovalReason.DISCIPLINE,
                    f"Có quyết định kỷ luật ngày {disciplined[cadre.pk]:%d/%m/%Y}.",
                )
            )
        elif (rating := ratings.get(cadre.pk)) and rating.failed:
            found.append(
                (candidate, RemovalReason.FAILED_DUTIES, f"Xếp loại năm {rating.year}: {rating.label}.")
            )
    return found


def decide_proposal(proposal: ReviewProposal, *, accept: bool, user) -> None:
    """Accepting proposes the candidate's removal in the review, for the proposal's reason."""
    with transaction.atomic():
        review = proposal.review
        plan = locked(review.plan)
        if editing_context(plan) != review:
            raise ValidationError("Đợt rà soát này không còn được chỉnh sửa.")
        proposal = ReviewProposal.objects.select_for_update().get(pk=proposal.pk)
        if accept:
            remove_candidate(
                proposal.candidate, reason=proposal.reason, note=proposal.detail[:255], user=user
            )
            proposal.decision = ProposalDecision.ACCEPTED
        else:
            proposal.decision = ProposalDecision.REJECTED
        proposal.save()


def submit_review(review: AnnualReview, *, user) -> AnnualReview:
    with transaction.atomic():
        locked(review.plan)
        review = AnnualReview.objects.select_for_update().get(pk=review.pk)
        if not review.is_editable:
            raise ValidationError("Chỉ trình được đợt rà soát đang thực hiện hoặc bị trả lại.")
        if review.proposals.filter(decision=ProposalDecision.PENDING).exists():
            raise ValidationError(
                "Còn đề xuất chưa quyết định: chấp nhận hoặc không chấp nhận từng đề xuất trước khi trình."
            )
        review.status = ReviewStatus.SUBMITTED
        review.save()
        return review


def approve_review(
    review: AnnualReview, *, user, decision_number: str, decided_on: datetime.date
) -> AnnualReview:
    with transaction.atomic():
        locked(review.plan)
        review = AnnualReview.objects.select_for_update().get(pk=review.pk)
        if review.status != ReviewStatus.SUBMITTED:
            raise ValidationError("Chỉ phê duyệt được đợt rà soát đã trình.")
        review.status, review.return_comment = ReviewStatus.APPROVED, ""
        review.decision_number, review.decided_on, review.approved_by = decision_number, decided_on, user
        review._change_reason = change_reason(f"Phê duyệt theo quyết định {decision_number}")
        review.save()
        return review


def return_review(review: AnnualReview, *, user, comment: str) -> AnnualReview:
    with transaction.atomic():
        locked(review.plan)
        review = AnnualReview.objects.select_for_update().get(pk=review.pk)
        if review.status != ReviewStatus.SUBMITTED:
            raise ValidationError("Chỉ trả lại được đợt rà soát đã trình.")
        review.status, review.return_comment = ReviewStatus.RETURNED, comment
        review.save()
        return review
