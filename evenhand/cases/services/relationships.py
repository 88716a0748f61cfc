"""Relationships between people (relative, partner, employer…), which conflict checks follow
to the cases either person touches."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from evenhand.accounts.models import User
from evenhand.audit.models import AuditAction
from evenhand.audit.services import audit_record
from evenhand.screening.conflicts import cases_touching, conflict_check_case
from evenhand.screening.models import ConflictSource
from evenhand.screening.policies import may_record_people

from ..models import Person, Relationship, RelationshipKind


@transaction.atomic
def relationship_add(
    *,
    actor: User,
    from_person: Person,
    to_person: Person,
    kind: RelationshipKind,
    note: str = "",
) -> Relationship:
    if not may_record_people(actor):
        raise PermissionDenied("Your role may not record relationships.")
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
        after={"from": from_person.pk, "to": to_person.pk, "kind": kind, "note": note},
    )
    for case in {*cases_touching(from_person), *cases_touching(to_person)}:
        conflict_check_case(actor=actor, case=case, source=ConflictSource.RELATIONSHIP)
    return relationship
