"""A case's participants (defendant, victim, witness, relative…): adding a person to the case
and changing their role, each with its timeline event and the history of roles."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from evenhand.accounts.models import User
from evenhand.audit.models import AuditAction
from evenhand.audit.services import audit_record
from evenhand.screening.conflicts import conflict_check_case
from evenhand.screening.models import ConflictSource
from evenhand.screening.policies import CaseAction, access_case

from ..models import (
    Case,
    CaseEventKind,
    Participant,
    ParticipantRole,
    ParticipantRoleChange,
    Person,
)
from .events import record_event


def participant_add(
    *,
    actor: User,
    case_id: int,
    person: Person,
    role: ParticipantRole,
    occurred_at: dt.datetime | None = None,
) -> Participant:
    case = access_case(actor, case_id, CaseAction.EDIT, log_read=False)
    with transaction.atomic():
        # Lock the case row so two concurrent additions of the same person queue up.
        Case.objects.select_for_update().filter(pk=case.pk).first()
        if Participant.objects.filter(case=case, person=person).exists():
            raise ValidationError(f"{person} is already a participant in case {case.number}.")
        now = timezone.now()
        participant = Participant(case=case, person=person, role=role, added_at=now)
        participant.full_clean()
        participant.save(force_insert=True)
        ParticipantRoleChange.objects.create(
            participant=participant,
            from_role="",
            to_role=role,
            changed_at=occurred_at or now,
            changed_by=actor,
        )
        record_event(
            actor=actor,
            case=case,
            kind=CaseEventKind.PARTICIPANT_ADDED,
            summary=f"{person} added as {ParticipantRole(role).label.lower()}",
            occurred_at=occurred_at or now,
        )
        audit_record(
            actor=actor,
            action=AuditAction.PARTICIPANT_ADDED,
            subject_type="participant",
            subject_id=participant.pk,
            case_id=case.pk,
            after={"person": person.pk, "name": person.full_name, "role": role},
        )
        conflict_check_case(actor=actor, case=case, source=ConflictSource.PARTICIPANT)
        return participant


def participant_role_change(
    *,
    actor: User,
    case_id: int,
    participant_id: int,
    role: ParticipantRole,
    reason: str,
    occurred_at: dt.datetime | None = None,
) -> Participant:
    case = access_case(actor, case_id, CaseAction.EDIT, log_read=False)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the role changes; the history keeps it."})
    with transaction.atomic():
        participant = (
            Participant.objects.select_for_update()
            .select_related("person")
            .filter(case=case, pk=participant_id)
            .first()
        )
        if participant is None:
            raise ValidationError({"participant": "No such participant in this case."})
        if participant.role == role:
            raise ValidationError({"role": f"{participant.person} is already {role}."})
        previous = participant.role
        now = timezone.now()
        participant.role = role
        participant.save(update_fields=["role"])
        ParticipantRoleChange.objects.create(
            participant=participant,
            from_role=previous,
            to_role=role,
            changed_at=occurred_at or now,
            changed_by=actor,
            reason=reason.strip(),
        )
        record_event(
            actor=actor,
            case=case,
            kind=CaseEventKind.ROLE_CHANGED,
            summary=(
                f"{participant.person}: {ParticipantRole(previous).label.lower()} → "
                f"{ParticipantRole(role).label.lower()} ({reason.strip()})"
            ),
            occurred_at=occurred_at or now,
        )
        audit_record(
            actor=actor,
            action=AuditAction.PARTICIPANT_ROLE_CHANGED,
            subject_type="participant",
            subject_id=participant.pk,
            case_id=case.pk,
            before={"role": previous},
            after={"role": role, "reason": reason.strip()},
        )
        conflict_check_case(actor=actor, case=case, source=ConflictSource.PARTICIPANT)
        return participant
