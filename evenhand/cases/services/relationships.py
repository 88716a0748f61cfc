"""Relationships between people (relative, partner, employer…), which conflict checks follow
to the cases either person touches."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from evenhand.accounts.models import User
from evenhand.audit.models import AuditAction
from evenhand.audit.services import audit_record
from evenhand.screening.conflicts import cases_touching, conflict_check_case
from evenhand.screening.models import ConflictSource
from evenhand.screening.policies import CaseAction, access_case, may_record_people

from ..models import Person, Relationship, RelationshipKind
from ..selectors import case_people


def relationship_add(
    *,
    actor: User,
    from_person: Person,
    to_person: Person,
    kind: RelationshipKind,
    note: str = "",
    case_id: int | None = None,
) -> Relationship:
    """Record how two people are related.

    Recorded from a case (`case_id`), the policy must let the actor edit that case, both people
    must be among its people, and the audit entry is filed under the case, so it is on the
    case's audit trail. Without a case, anyone who may record people may, and the entry
    belongs to no case.
    """
    # Checked before the transaction, so that a refusal is logged although nothing is written.
    case = (
        access_case(actor, case_id, CaseAction.EDIT, log_read=False)
        if case_id is not None
        else None
    )
    if case is None and not may_record_people(actor):
        raise PermissionDenied("Your role may not record relationships.")
    if case is not None:
        people = {person.pk for person in case_people(case=case)}
        strangers = {
            field: f"{person} is not one of the people of case {case.number}."
            for field, person in (("from_person", from_person), ("to_person", to_person))
            if person.pk not in people
        }
        if strangers:
            raise ValidationError(strangers)
    with transaction.atomic():
        relationship = Relationship(
            from_person=from_person,
            to_person=to_person,
            kind=kind,
            note=note.strip(),
            created_at=timezone.now(),
        )
        relationship.full_clean()
        relationship.save(force_insert=True)
        audit_record(
            actor=actor,
            action=AuditAction.RELATIONSHIP_ADDED,
            subject_type="relationship",
            subject_id=relationship.pk,
            case_id=case.pk if case is not None else None,
            after={"from": from_person.pk, "to": to_person.pk, "kind": kind, "note": note},
        )
        for touched in {*cases_touching(from_person), *cases_touching(to_person)}:
            conflict_check_case(actor=actor, case=touched, source=ConflictSource.RELATIONSHIP)
        return relationship
