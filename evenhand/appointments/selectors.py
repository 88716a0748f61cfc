"""Reads of petitions and court orders, through the case policy."""

from __future__ import annotations

from django.db.models import QuerySet

from evenhand.accounts.models import User
from evenhand.cases.models import Case
from evenhand.screening.policies import CaseAction, CaseNotFoundError, access_case, visible_cases

from .models import Petition


def petitions_on_case(*, case: Case) -> QuerySet[Petition]:
    """The caller has passed `access_case` for the case."""
    return Petition.objects.filter(case=case).select_related("order__appointee", "drafted_by")


def petition_list(*, user: User) -> QuerySet[Petition]:
    return (
        Petition.objects.filter(case__in=visible_cases(user))
        .select_related("case", "order__appointee", "drafted_by")
        .order_by("-drafted_at")
    )


def petition_detail(*, user: User, petition_id: int) -> Petition:
    petition = Petition.objects.select_related("order__appointee").filter(pk=petition_id).first()
    if petition is None:
        raise CaseNotFoundError
    petition.case = access_case(user, petition.case_id, CaseAction.VIEW)
    return petition
