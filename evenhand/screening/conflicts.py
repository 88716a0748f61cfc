"""Conflict checks: which staff members may be too close to a case's participants.

A staff member gets a potential-conflict flag on a case when they are, by name (aliases and
nicknames included), a participant's relative, spouse, associate or representative, or when a
contact has been logged between them and such a person. Defence counsel acting in the case
are not counted: talking to them is the prosecutor's job.

Called by the case services inside their transaction, so the flag commits with the change that
raised it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from evenhand.accounts.models import User
from evenhand.audit.models import AuditAction
from evenhand.audit.services import audit_record
from evenhand.cases.models import (
    Case,
    Contact,
    Participant,
    ParticipantRole,
    Person,
    PersonAlias,
    Relationship,
    RelationshipKind,
)

from .models import ConflictFlag, ConflictSource
from .names import name_keys

CLOSE_RELATIONSHIPS = (
    RelationshipKind.RELATIVE_OF,
    RelationshipKind.SPOUSE_OF,
    RelationshipKind.ASSOCIATE_OF,
    RelationshipKind.REPRESENTS,
)


@dataclass(frozen=True)
class Associate:
    person: Person
    participant: Person
    kind: RelationshipKind


def _associates(case: Case) -> list[Associate]:
    participants = Participant.objects.filter(case=case).select_related("person")
    by_person = {p.person_id: p for p in participants}
    counsel = {pid for pid, p in by_person.items() if p.role == ParticipantRole.DEFENCE_ATTORNEY}
    links = Relationship.objects.filter(
        Q(from_person_id__in=by_person) | Q(to_person_id__in=by_person),
        kind__in=CLOSE_RELATIONSHIPS,
    ).select_related("from_person", "to_person")
    found: list[Associate] = []
    for link in links:
        for other, anchor in (
            (link.from_person, link.to_person),
            (link.to_person, link.from_person),
        ):
            if anchor.pk in by_person and other.pk not in counsel:
                found.append(Associate(other, anchor, RelationshipKind(link.kind)))
    return found


def _staff_by_name_key() -> dict[str, list[User]]:
    index: dict[str, list[User]] = {}
    for user in User.objects.filter(is_active=True).only(
        "pk", "username", "first_name", "last_name"
    ):
        for key in name_keys(f"{user.first_name} {user.last_name}"):
            index.setdefault(key, []).append(user)
    return index


def _person_keys(person: Person, aliases: Iterable[str]) -> set[str]:
    keys = set(name_keys(person.full_name)) | set(
        name_keys(f"{person.first_name} {person.last_name}")
    )
    for alias in aliases:
        keys |= name_keys(alias)
    return keys


def conflict_check_case(
    *, actor: User | None, case: Case, source: ConflictSource
) -> list[ConflictFlag]:
    """Raise any new potential-conflict flags on one case; existing flags are left as they are."""
    associates = _associates(case)
    if not associates:
        return []
    people = {a.person.pk: a for a in associates}
    aliases: dict[int, list[str]] = {}
    for person_id, name in PersonAlias.objects.filter(person_id__in=people).values_list(
        "person_id", "name"
    ):
        aliases.setdefault(person_id, []).append(name)
    findings: dict[tuple[int, int], str] = {}
    staff_index = _staff_by_name_key()
    for person_id, associate in people.items():
        relation = RelationshipKind(associate.kind).label
        for key in _person_keys(associate.person, aliases.get(person_id, [])):
            for user in staff_index.get(key, []):
                findings.setdefault(
                    (user.pk, person_id),
                    f"{user} matches {associate.person} by name, who {relation} "
                    f"{associate.participant}, a participant in case {case.number}.",
                )
    contacts = Contact.objects.filter(person_id__in=people).select_related("staff", "person")
    for contact in contacts:
        associate = people[contact.person_id]
        findings.setdefault(
            (contact.staff_id, contact.person_id),
            f"{contact.staff} had contact ({contact.get_channel_display().lower()}, "
            f"{timezone.localtime(contact.occurred_at):%Y-%m-%d}) with {associate.person}, who "
            f"{RelationshipKind(associate.kind).label} {associate.participant}, a participant "
            f"in case {case.number}.",
        )
    existing = set(ConflictFlag.objects.filter(case=case).values_list("staff_id", "person_id"))
    created: list[ConflictFlag] = []
    now = timezone.now()
    for (staff_id, person_id), basis in sorted(findings.items()):
        if (staff_id, person_id) in existing:
            continue
        flag = ConflictFlag.objects.create(
            case=case,
            staff_id=staff_id,
            person_id=person_id,
            basis=basis,
            source=source,
            created_at=now,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CONFLICT_FLAGGED,
            subject_type="conflict_flag",
            subject_id=flag.pk,
            case_id=case.pk,
            after={"staff": staff_id, "person": person_id, "basis": basis, "source": source},
        )
        created.append(flag)
    return created


def cases_touching(person: Person) -> list[Case]:
    """Cases where the person, or someone closely related to them, is a participant."""
    related = Relationship.objects.filter(
        Q(from_person=person) | Q(to_person=person), kind__in=CLOSE_RELATIONSHIPS
    ).values_list("from_person_id", "to_person_id")
    person_ids = {person.pk} | {pid for pair in related for pid in pair}
    case_ids = Participant.objects.filter(person_id__in=person_ids).values_list(
        "case_id", flat=True
    )
    # Conflict checks run inside the cases' own write path: they read which cases a change
    # touches, never show case content, and so use the participant table rather than the policy.
    return list(Case.objects.filter(pk__in=set(case_ids)).order_by("pk"))
