"""Scope for the planning pages: a plan, candidate, review or pool record outside the user's
subtree does not exist for them (404)."""

from django.shortcuts import get_object_or_404

from ..models import AnnualReview, Candidate, SourcePerson, SuccessionPlan


def get_plan_for_user(user, pk: int) -> SuccessionPlan:
    return get_object_or_404(SuccessionPlan.objects.visible_to(user).select_related("unit", "term"), pk=pk)


def get_candidate_for_user(user, plan: SuccessionPlan, pk: int) -> Candidate:
    return get_object_or_404(
        Candidate.objects.visible_to(user).select_related("cadre", "position", "plan"), pk=pk, plan=plan
    )


def get_review_for_user(user, plan: SuccessionPlan, pk: int) -> AnnualReview:
    return get_object_or_404(AnnualReview.objects.visible_to(user), pk=pk, plan=plan)


def get_source_for_user(user, pk: int) -> SourcePerson:
    return get_object_or_404(SourcePerson.objects.visible_to(user).select_related("unit", "cadre"), pk=pk)
