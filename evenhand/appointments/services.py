"""When the head of office cannot act: no acting delegation, a petition, a court order.

The ruleset's special-prosecutor rule decides: only a court
may appoint a special prosecutor, so an in-office "acting" head is refused, a petition to the
chief judge is drafted, and the case waits, with charging and disposition refused to office
staff by the policy, until the order is recorded. The appointee's account reaches that case
and nothing else.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import NoReturn

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from evenhand.accounts.models import Role, User
from evenhand.accounts.services import user_create, user_set_active
from evenhand.audit.models import AuditAction, AuditOutcome
from evenhand.audit.services import audit_record
from evenhand.cases.models import Case, CaseAssignment, SpecialProsecution
from evenhand.cases.services import case_assign_by_order
from evenhand.jurisdictions.ruleset import active_ruleset
from evenhand.screening.policies import CaseAction, CaseNotFoundError, access_case

from .models import AppointeeSource, CourtOrder, Petition, PetitionGround, PetitionStatus

# Who may put a court's appointment on the record (a screened head of office cannot reach the
# case at all, so in practice it is the First Assistant or the ethics officer).
ORDER_RECORDERS = frozenset({Role.STATES_ATTORNEY, Role.FIRST_ASSISTANT, Role.ETHICS_OFFICER})


class ActingDelegationRefusedError(PermissionDenied):
    """An in-office 'acting' head of office was requested where the law knows none."""


def _set_special_prosecution(*, actor: User | None, case: Case, state: SpecialProsecution) -> None:
    before = case.special_prosecution
    if before == state:
        return
    case.special_prosecution = state
    case.updated_at = timezone.now()
    case.save(update_fields=["special_prosecution", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.SPECIAL_PROSECUTION_CHANGED,
        subject_type="case",
        subject_id=case.pk,
        case_id=case.pk,
        before={"special_prosecution": before},
        after={"special_prosecution": state},
    )


def _draft(*, actor: User | None, case: Case, ground: PetitionGround, facts: str) -> Petition:
    if ground not in active_ruleset().special_prosecutor.grounds:
        raise ValidationError({"ground": f"{ground} is not a ground the ruleset recognises."})
    if not facts.strip():
        raise ValidationError({"facts": "State the facts the court is asked to act on."})
    petition = Petition(
        case=case,
        ground=ground,
        facts=facts.strip(),
        statutory_basis=active_ruleset().special_prosecutor.citation,
        drafted_by=actor,
        drafted_at=timezone.now(),
    )
    petition.full_clean()
    petition.save(force_insert=True)
    _set_special_prosecution(actor=actor, case=case, state=SpecialProsecution.AWAITING_APPOINTMENT)
    audit_record(
        actor=actor,
        action=AuditAction.PETITION_DRAFTED,
        subject_type="petition",
        subject_id=petition.pk,
        case_id=case.pk,
        after={"ground": ground, "statutory_basis": petition.statutory_basis},
    )
    return petition


def head_of_office_screened(*, actor: User, case: Case, head: User, reason: str) -> Petition:
    """Called by `screen_raise` inside its transaction when the head of office is walled off."""
    if case.special_prosecution != SpecialProsecution.NONE:
        # Already with the court (awaiting or appointed): the existing petition stands.
        existing = case.petitions.order_by("-drafted_at").first()
        if existing is not None:
            return existing
    ground = (
        PetitionGround.SA_SELF_PETITION if actor.pk == head.pk else PetitionGround.ACTUAL_CONFLICT
    )
    facts = (
        f"{head.get_full_name()}, {active_ruleset().head_of_office_title}, has been screened "
        f"from case {case.number} ({case.title}) on {timezone.localdate():%B %d, %Y}. "
        f"Reason recorded: {reason.strip()}"
    )
    return _draft(actor=actor, case=case, ground=ground, facts=facts)


def petition_draft(*, actor: User, case_id: int, ground: PetitionGround, facts: str) -> Petition:
    """A petition on another ground (e.g. the head of office is sick, absent or unable)."""
    case = access_case(actor, case_id, CaseAction.EDIT, log_read=False)
    if actor.role not in {Role.FIRST_ASSISTANT, Role.STATES_ATTORNEY, Role.ETHICS_OFFICER}:
        raise PermissionDenied(
            "Only the head of office, the First Assistant or the ethics officer may petition."
        )
    with transaction.atomic():
        if case.petitions.filter(status=PetitionStatus.DRAFTED).exists():
            raise ValidationError("A petition for this case is already awaiting the court.")
        return _draft(actor=actor, case=case, ground=ground, facts=facts)


def petition_document(*, actor: User, petition_id: int) -> tuple[Petition, str]:
    """The petition as a filing document; every download is logged."""
    from .documents import petition_text  # noqa: PLC0415  (documents imports the models only)

    petition = Petition.objects.filter(pk=petition_id).first()
    if petition is None:
        # The same answer as for a petition in a case the user may not see.
        raise CaseNotFoundError
    case = access_case(actor, petition.case_id, CaseAction.VIEW, log_read=False)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.PETITION_DOWNLOADED,
            subject_type="petition",
            subject_id=petition.pk,
            case_id=case.pk,
        )
    return petition, petition_text(petition)


def refuse_acting_delegation(*, actor: User, case: Case, delegate: User) -> str:
    """Log the refused request inside the caller's transaction; return the explanation."""
    rule = active_ruleset().special_prosecutor
    audit_record(
        actor=actor,
        action=AuditAction.ACTING_DELEGATION_REFUSED,
        outcome=AuditOutcome.REFUSED,
        subject_type="case",
        subject_id=case.pk,
        case_id=case.pk,
        after={"delegate": delegate.username, "rule": rule.citation},
    )
    return (
        f"Refused: there is no office of 'acting {active_ruleset().head_of_office_title}'. "
        f"Only a court may appoint a special prosecutor ({rule.citation}); the petition to "
        f"the chief judge has been drafted instead, and {delegate.get_full_name()} has not "
        "been given the case."
    )


def acting_delegation_request(*, actor: User, case_id: int, delegate: User) -> NoReturn:
    """Always refused: the ruleset knows no in-office acting head of office."""
    case = access_case(actor, case_id, CaseAction.VIEW, log_read=False)
    if active_ruleset().special_prosecutor.in_office_acting_delegation_allowed:
        raise ValidationError("This jurisdiction's delegation rules are not modelled.")
    with transaction.atomic():
        message = refuse_acting_delegation(actor=actor, case=case, delegate=delegate)
    raise ActingDelegationRefusedError(message)


@dataclass(frozen=True)
class OrderRecorded:
    order: CourtOrder
    initial_password: str  # empty when an existing account was re-activated


def court_order_record(
    *,
    actor: User,
    petition_id: int,
    judge: str,
    order_date: dt.date,
    appointee_username: str,
    appointee_first_name: str,
    appointee_last_name: str,
    appointee_source: AppointeeSource,
    scope: str = "",
) -> OrderRecorded:
    if actor.role not in ORDER_RECORDERS:
        raise PermissionDenied(
            "Only the head of office, the First Assistant or the ethics officer record court "
            "orders."
        )
    petition = Petition.objects.select_related("case").filter(pk=petition_id).first()
    if petition is None:
        # The same answer as for a petition in a case the user may not see.
        raise CaseNotFoundError
    case = access_case(actor, petition.case_id, CaseAction.VIEW, log_read=False)
    if case.special_prosecution != SpecialProsecution.AWAITING_APPOINTMENT:
        raise ValidationError("This case is not awaiting the appointment of a special prosecutor.")
    if order_date > timezone.localdate():
        raise ValidationError({"order_date": "An order cannot be dated in the future."})
    if order_date < petition.drafted_at.date() - dt.timedelta(days=1):
        raise ValidationError({"order_date": "The order cannot predate the petition."})
    if not judge.strip():
        raise ValidationError({"judge": "Name the judge who signed the order."})
    if appointee_source not in active_ruleset().special_prosecutor.appointee_sources:
        raise ValidationError(
            {"appointee_source": "Not a source of appointees the ruleset allows."}
        )
    with transaction.atomic():
        appointee, password = _appointee_account(
            actor=actor,
            username=appointee_username.strip(),
            first_name=appointee_first_name.strip(),
            last_name=appointee_last_name.strip(),
        )
        order = CourtOrder(
            petition=petition,
            case=case,
            judge=judge.strip(),
            order_date=order_date,
            appointee=appointee,
            appointee_source=appointee_source,
            scope=scope.strip() or f"Case {case.number} only.",
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        order.full_clean()
        order.save(force_insert=True)
        petition.status = PetitionStatus.GRANTED
        petition.save(update_fields=["status"])
        if not CaseAssignment.objects.filter(
            case=case, user=appointee, ended_at__isnull=True
        ).exists():
            case_assign_by_order(actor=actor, case=case, user=appointee, order_id=order.pk)
        _set_special_prosecution(actor=actor, case=case, state=SpecialProsecution.APPOINTED)
        audit_record(
            actor=actor,
            action=AuditAction.COURT_ORDER_RECORDED,
            subject_type="court_order",
            subject_id=order.pk,
            case_id=case.pk,
            after={
                "judge": order.judge,
                "order_date": order_date,
                "appointee": appointee.username,
                "source": appointee_source,
                "scope": order.scope,
            },
        )
        return OrderRecorded(order=order, initial_password=password)


def _appointee_account(
    *, actor: User, username: str, first_name: str, last_name: str
) -> tuple[User, str]:
    if not username:
        raise ValidationError({"appointee_username": "Give the appointee a username."})
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        if existing.role != Role.SPECIAL_PROSECUTOR:
            raise ValidationError(
                {
                    "appointee_username": (
                        "That username belongs to office staff, not an external appointee."
                    )
                }
            )
        if not existing.is_active:
            user_set_active(actor=actor, user=existing, is_active=True)
        return existing, ""
    if not (first_name and last_name):
        raise ValidationError({"appointee_first_name": "Give the appointee's name."})
    password = secrets.token_urlsafe(18)
    user = user_create(
        actor=actor,
        username=username,
        password=password,
        role=Role.SPECIAL_PROSECUTOR,
        first_name=first_name,
        last_name=last_name,
        title="Special prosecutor (court-appointed)",
    )
    return user, password
