"""People, who are not case content: recording a person and their aliases, and logging a
contact between a staff member and a person, on a case or not."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from evenhand.accounts.models import User
from evenhand.audit.models import AuditAction
from evenhand.audit.services import audit_record
from evenhand.screening.conflicts import cases_touching, conflict_check_case
from evenhand.screening.models import ConflictSource
from evenhand.screening.policies import CaseAction, access_case, may_record_people

from ..models import CaseEventKind, Contact, ContactChannel, Person, PersonAlias, name_search_keys
from .common import snapshot
from .events import record_event

_PERSON_FIELDS = ("first_name", "middle_name", "last_name", "date_of_birth")


@transaction.atomic
def person_create(
    *,
    actor: User,
    first_name: str,
    last_name: str,
    middle_name: str = "",
    date_of_birth: dt.date | None = None,
    aliases: Iterable[str] = (),
    duplicates_overridden: Iterable[int] = (),
) -> Person:
    """Record a person. `duplicates_overridden`: the people the user was warned this one might
    be and confirmed it is not (the entry keeps their ids, so a later duplicate is traceable
    to the decision)."""
    if not may_record_people(actor):
        raise PermissionDenied("Your role may not record people.")
    overridden = sorted({int(person_id) for person_id in duplicates_overridden})
    now = timezone.now()
    person = Person(
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        middle_name=middle_name.strip(),
        date_of_birth=date_of_birth,
        created_at=now,
    )
    person.given_key, person.surname_key = name_search_keys(person.full_name)
    person.full_clean()
    person.save(force_insert=True)
    audit_record(
        actor=actor,
        action=AuditAction.PERSON_CREATED,
        subject_type="person",
        subject_id=person.pk,
        after={
            **snapshot(person, _PERSON_FIELDS),
            **({"duplicates_overridden": overridden} if overridden else {}),
        },
    )
    for alias in aliases:
        person_alias_add(actor=actor, person=person, name=alias)
    return person


@transaction.atomic
def person_alias_add(*, actor: User, person: Person, name: str) -> PersonAlias:
    if not may_record_people(actor):
        raise PermissionDenied("Your role may not record people.")
    alias = PersonAlias(person=person, name=name.strip(), created_at=timezone.now())
    alias.given_key, alias.surname_key = name_search_keys(alias.name)
    # Locked so that two concurrent additions of the same alias cannot both pass validation.
    Person.objects.select_for_update().filter(pk=person.pk).first()
    alias.full_clean()
    alias.save(force_insert=True)
    audit_record(
        actor=actor,
        action=AuditAction.PERSON_ALIAS_ADDED,
        subject_type="person",
        subject_id=person.pk,
        after={"alias": alias.name},
    )
    for case in cases_touching(person):
        conflict_check_case(actor=actor, case=case, source=ConflictSource.RELATIONSHIP)
    return alias


def contact_log(
    *,
    actor: User,
    staff: User,
    person: Person,
    channel: ContactChannel,
    occurred_at: dt.datetime,
    summary: str,
    case_id: int | None = None,
) -> Contact:
    # Logging a contact is a change to the record: read-only roles may not.
    case = access_case(actor, case_id, CaseAction.EDIT, log_read=False) if case_id else None
    if case is None and not may_record_people(actor):
        raise PermissionDenied("Your role may not log contacts.")
    if occurred_at > timezone.now():
        raise ValidationError({"occurred_at": "A contact cannot be logged in the future."})
    with transaction.atomic():
        contact = Contact(
            staff=staff,
            person=person,
            case=case,
            channel=channel,
            occurred_at=occurred_at,
            summary=summary.strip(),
            logged_by=actor,
            logged_at=timezone.now(),
        )
        contact.full_clean()
        contact.save(force_insert=True)
        if case is not None:
            record_event(
                actor=actor,
                case=case,
                kind=CaseEventKind.CONTACT_LOGGED,
                summary=f"{staff} — {person} ({ContactChannel(channel).label.lower()})",
                occurred_at=occurred_at,
            )
        audit_record(
            actor=actor,
            action=AuditAction.CONTACT_LOGGED,
            subject_type="contact",
            subject_id=contact.pk,
            case_id=case.pk if case else None,
            after={
                "staff": staff.username,
                "person": person.pk,
                "channel": channel,
                "occurred_at": occurred_at,
                "summary": contact.summary,
            },
        )
        for touched in {*([case] if case else []), *cases_touching(person)}:
            conflict_check_case(actor=actor, case=touched, source=ConflictSource.CONTACT)
        return contact
