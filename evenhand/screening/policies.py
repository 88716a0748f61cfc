"""The one place that decides who may do what on which case.

Both questions, "may this user do X on this case" (`may`) and "which cases may this user do X
on" (`visible_cases`), are answered by interpreting the same table of grants, and a test checks
they agree for every role and scope. Every read of a case in views, the API, search, exports
and reports goes through `access_case` or `visible_cases`. A case the user may not touch is
reported exactly like a missing one (`CaseNotFoundError`, a 404), and the refusal is logged.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from evenhand.accounts.models import Role, User
from evenhand.audit.models import AuditAction, AuditOutcome
from evenhand.audit.services import audit_record
from evenhand.cases.models import Case, CaseAssignment


class CaseAction(enum.StrEnum):
    VIEW = "view"
    EDIT = "edit"
    CHARGE = "charge"
    DISPOSE = "dispose"


class Scope(enum.StrEnum):
    OFFICE = "office"  # every case of the office
    TEAM = "team"  # cases on whose team the user currently is


@dataclass(frozen=True)
class Grant:
    roles: frozenset[Role]
    actions: frozenset[CaseAction]
    scope: Scope


ALL_ACTIONS = frozenset(CaseAction)
PROSECUTORS = frozenset(
    {Role.STATES_ATTORNEY, Role.FIRST_ASSISTANT, Role.ASSISTANT_STATES_ATTORNEY}
)
OVERSIGHT = frozenset({Role.INSPECTOR_GENERAL, Role.AUDITOR, Role.ETHICS_OFFICER})

GRANTS: tuple[Grant, ...] = (
    Grant(PROSECUTORS, ALL_ACTIONS, Scope.OFFICE),
    Grant(
        frozenset({Role.INVESTIGATOR}), frozenset({CaseAction.VIEW, CaseAction.EDIT}), Scope.OFFICE
    ),
    Grant(frozenset({Role.RECORDS_OFFICER}), frozenset({CaseAction.VIEW}), Scope.OFFICE),
    # Oversight reads everything and changes nothing.
    Grant(OVERSIGHT, frozenset({CaseAction.VIEW}), Scope.OFFICE),
    # A court-appointed special prosecutor acts on the cases of the appointment and no other.
    Grant(frozenset({Role.SPECIAL_PROSECUTOR}), ALL_ACTIONS, Scope.TEAM),
    Grant(PROSECUTORS | {Role.INVESTIGATOR}, ALL_ACTIONS, Scope.TEAM),
)


class CaseNotFoundError(Http404):
    """Raised alike for a case that does not exist and one the user may not touch."""

    def __init__(self) -> None:
        super().__init__("Case not found.")


def scopes_for(user: User, action: CaseAction) -> frozenset[Scope]:
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    return frozenset(
        grant.scope for grant in GRANTS if user.role in grant.roles and action in grant.actions
    )


def _active_team(user: User) -> QuerySet[CaseAssignment]:
    return CaseAssignment.objects.filter(user=user, ended_at__isnull=True)


def visible_cases(user: User, action: CaseAction = CaseAction.VIEW) -> QuerySet[Case]:
    """Every case on which `user` may perform `action`, as a lazy QuerySet."""
    scopes = scopes_for(user, action)
    if Scope.OFFICE in scopes:
        return Case.objects.all()
    if Scope.TEAM in scopes:
        return Case.objects.filter(Exists(_active_team(user).filter(case=OuterRef("pk"))))
    return Case.objects.none()


def may(user: User, case: Case, action: CaseAction) -> bool:
    """Whether `user` may perform `action` on this one case (same grants as visible_cases)."""
    scopes = scopes_for(user, action)
    if Scope.OFFICE in scopes:
        return True
    if Scope.TEAM in scopes:
        return _active_team(user).filter(case_id=case.pk).exists()
    return False


def may_open_cases(user: User) -> bool:
    return Scope.OFFICE in scopes_for(user, CaseAction.EDIT)


def access_case(
    user: User, case_id: object, action: CaseAction = CaseAction.VIEW, *, log_read: bool = True
) -> Case:
    """Fetch a case the user may act on, or raise `CaseNotFoundError` and log the refusal.

    A successful VIEW is logged as a read of case content unless `log_read` is False (used by
    write services, whose own audit entry already records the access).
    """
    try:
        pk = int(str(case_id))
    except ValueError:
        pk = None
    case = visible_cases(user, action).filter(pk=pk).first() if pk is not None else None
    with transaction.atomic():
        if case is None:
            exists = pk is not None and Case.objects.filter(pk=pk).exists()
            audit_record(
                actor=user if user.is_authenticated else None,
                action=AuditAction.CASE_ACCESS_REFUSED,
                outcome=AuditOutcome.REFUSED,
                subject_type="case",
                subject_id=str(case_id)[:64],
                case_id=pk if exists else None,
                after={"action": action, "reason": "not_permitted" if exists else "not_found"},
            )
        elif log_read and action == CaseAction.VIEW:
            audit_record(
                actor=user,
                action=AuditAction.CASE_VIEWED,
                subject_type="case",
                subject_id=case.pk,
                case_id=case.pk,
            )
    if case is None:
        raise CaseNotFoundError
    return case
