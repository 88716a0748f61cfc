"""Who is on a case's team: staff added and removed by the office, and a court-appointed
special prosecutor put on the case by the order."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from evenhand.accounts.models import User
from evenhand.audit.models import AuditAction
from evenhand.audit.services import audit_record
from evenhand.screening.models import ScreenKind
from evenhand.screening.policies import CaseAction, access_case, screens_on

from ..models import AssignmentRole, Case, CaseAssignment


def case_assign(
    *, actor: User, case_id: int, user: User, role: AssignmentRole = AssignmentRole.MEMBER
) -> CaseAssignment:
    case = access_case(actor, case_id, CaseAction.EDIT, log_read=False)
    if user.is_external:
        raise ValidationError(
            f"{user} is an external appointee: only a court order recorded on a case gives "
            "them access to it."
        )
    return _team_add(actor=actor, case=case, user=user, role=role, basis={})


def case_assign_by_order(*, actor: User, case: Case, user: User, order_id: int) -> CaseAssignment:
    """Put a court-appointed special prosecutor on the case the order names. The order is the
    authority; the caller (the appointments services) has checked who may record it."""
    return _team_add(
        actor=actor, case=case, user=user, role=AssignmentRole.LEAD, basis={"by_order": order_id}
    )


def _team_add(
    *, actor: User, case: Case, user: User, role: AssignmentRole, basis: dict[str, object]
) -> CaseAssignment:
    breaches = [
        kind for kind, named in screens_on(case, user) if (kind == ScreenKind.EXCLUSIONARY) == named
    ]
    if breaches:
        raise ValidationError(
            f"Adding {user} to the team of case {case.number} would breach a screen in force."
        )
    with transaction.atomic():
        if CaseAssignment.objects.filter(case=case, user=user, ended_at__isnull=True).exists():
            raise ValidationError(f"{user} is already on the team of case {case.number}.")
        assignment = CaseAssignment(case=case, user=user, role=role, assigned_at=timezone.now())
        assignment.full_clean()
        assignment.save(force_insert=True)
        audit_record(
            actor=actor,
            action=AuditAction.CASE_ASSIGNMENT_ADDED,
            subject_type="case_assignment",
            subject_id=assignment.pk,
            case_id=case.pk,
            after={"user": user.username, "role": role, **basis},
        )
        return assignment


def case_unassign(*, actor: User, case_id: int, user: User) -> None:
    case = access_case(actor, case_id, CaseAction.EDIT, log_read=False)
    if user.is_external:
        raise ValidationError(
            f"{user} was appointed by the court; only the court can end the appointment."
        )
    with transaction.atomic():
        assignment = CaseAssignment.objects.filter(
            case=case, user=user, ended_at__isnull=True
        ).first()
        if assignment is None:
            raise ValidationError(f"{user} is not on the team of case {case.number}.")
        assignment.ended_at = timezone.now()
        assignment.save(update_fields=["ended_at"])
        audit_record(
            actor=actor,
            action=AuditAction.CASE_ASSIGNMENT_ENDED,
            subject_type="case_assignment",
            subject_id=assignment.pk,
            case_id=case.pk,
            before={"user": user.username, "role": assignment.role},
        )
