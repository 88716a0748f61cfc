"""Every write to cases, people, participants, contacts, charges and events.

Conventions (see docs/architecture.md): keyword-only arguments and a required `actor`; the
policy is checked first, outside the transaction, so a refusal is logged even though nothing is
written; then one atomic block validates, saves and writes the audit entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.db.models.functions import Length
from django.utils import timezone

from evenhand.accounts.models import User
from evenhand.audit.models import AuditAction
from evenhand.audit.services import audit_record
from evenhand.jurisdictions.ruleset import RulesetError, active_ruleset
from evenhand.screening.conflicts import cases_touching, conflict_check_case
from evenhand.screening.models import ConflictSource, ScreenKind
from evenhand.screening.policies import (
    CaseAction,
    access_case,
    may_open_cases,
    may_record_people,
    screens_on,
)

from .locking import VersionConflictError
from .models import (
    AssignmentRole,
    Case,
    CaseAssignment,
    CaseEvent,
    CaseEventKind,
    CaseStatus,
    Charge,
    Contact,
    ContactChannel,
    Participant,
    ParticipantRole,
    ParticipantRoleChange,
    Person,
    PersonAlias,
    Relationship,
    RelationshipKind,
)

CHARGEABLE_ROLES = frozenset({ParticipantRole.DEFENDANT})
MAX_COUNTS_PER_FILING = 999
_CASE_NUMBER_LOCK_KEY = 0x65766E68_63617365


def snapshot(instance: object, fields: Iterable[str]) -> dict[str, object]:
    return {name: getattr(instance, name) for name in fields}


_CASE_FIELDS = ("number", "title", "status", "received_on", "summary")
_PERSON_FIELDS = ("first_name", "middle_name", "last_name", "date_of_birth")
_CHARGE_FIELDS = (
    "participant_id",
    "statute_key",
    "citation",
    "offense_title",
    "offense_class",
    "count_number",
    "version",
    "is_current",
    "filed_on",
)


def _next_case_number(received_on: dt.date) -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CASE_NUMBER_LOCK_KEY])
    prefix = f"{received_on.year}-CR-"
    # Only numbers of the automatic form count, longest first so that 1000000 follows 999999
    # and a hand-entered number with another tail cannot reset the serial.
    last = (
        Case.objects.filter(number__regex=rf"^{prefix}[0-9]+$")
        .order_by(Length("number").desc(), "-number")
        .values_list("number", flat=True)
        .first()
    )
    serial = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{serial:06d}"


def _record_event(
    *, actor: User, case: Case, kind: CaseEventKind, summary: str, occurred_at: dt.datetime
) -> CaseEvent:
    event = CaseEvent(
        case=case,
        kind=kind,
        occurred_at=occurred_at,
        summary=summary,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    event.full_clean()
    event.save(force_insert=True)
    return event


def case_open(
    *,
    actor: User,
    title: str,
    received_on: dt.date,
    summary: str = "",
    number: str = "",
) -> Case:
    if not may_open_cases(actor):
        raise PermissionDenied("Your role may not open cases.")
    with transaction.atomic():
        now = timezone.now()
        case = Case(
            number=number.strip() or _next_case_number(received_on),
            title=title.strip(),
            received_on=received_on,
            summary=summary,
            status=CaseStatus.INTAKE,
            created_at=now,
            updated_at=now,
        )
        case.full_clean()
        case.save(force_insert=True)
        audit_record(
            actor=actor,
            action=AuditAction.CASE_OPENED,
            subject_type="case",
            subject_id=case.pk,
            case_id=case.pk,
            after=snapshot(case, _CASE_FIELDS),
        )
        return case


def case_update(
    *,
    actor: User,
    case_id: int,
    title: str | None = None,
    summary: str | None = None,
    status: CaseStatus | None = None,
) -> Case:
    case = access_case(actor, case_id, CaseAction.EDIT, log_read=False)
    with transaction.atomic():
        before = snapshot(case, _CASE_FIELDS)
        changed: list[str] = []
        for name, value in (("title", title), ("summary", summary), ("status", status)):
            if value is not None and getattr(case, name) != value:
                setattr(case, name, value)
                changed.append(name)
        if not changed:
            return case
        case.updated_at = timezone.now()
        case.full_clean()
        case.save(update_fields=[*changed, "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.CASE_UPDATED,
            subject_type="case",
            subject_id=case.pk,
            case_id=case.pk,
            before=before,
            after=snapshot(case, _CASE_FIELDS),
        )
        return case


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


@transaction.atomic
def person_create(
    *,
    actor: User,
    first_name: str,
    last_name: str,
    middle_name: str = "",
    date_of_birth: dt.date | None = None,
    aliases: Iterable[str] = (),
) -> Person:
    if not may_record_people(actor):
        raise PermissionDenied("Your role may not record people.")
    now = timezone.now()
    person = Person(
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        middle_name=middle_name.strip(),
        date_of_birth=date_of_birth,
        created_at=now,
    )
    person.full_clean()
    person.save(force_insert=True)
    audit_record(
        actor=actor,
        action=AuditAction.PERSON_CREATED,
        subject_type="person",
        subject_id=person.pk,
        after=snapshot(person, _PERSON_FIELDS),
    )
    for alias in aliases:
        person_alias_add(actor=actor, person=person, name=alias)
    return person


@transaction.atomic
def person_alias_add(*, actor: User, person: Person, name: str) -> PersonAlias:
    if not may_record_people(actor):
        raise PermissionDenied("Your role may not record people.")
    alias = PersonAlias(person=person, name=name.strip(), created_at=timezone.now())
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
        _record_event(
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
        _record_event(
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
            _record_event(
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


def case_event_record(
    *,
    actor: User,
    case_id: int,
    kind: CaseEventKind,
    occurred_at: dt.datetime,
    summary: str,
) -> CaseEvent:
    case = access_case(actor, case_id, CaseAction.EDIT, log_read=False)
    if kind in {CaseEventKind.CHARGE_FILED, CaseEventKind.CHARGE_AMENDED}:
        raise ValidationError({"kind": "Charge events are recorded by filing or amending charges."})
    if not summary.strip():
        raise ValidationError({"summary": "Describe the event."})
    with transaction.atomic():
        event = _record_event(
            actor=actor, case=case, kind=kind, summary=summary.strip(), occurred_at=occurred_at
        )
        audit_record(
            actor=actor,
            action=AuditAction.CASE_EVENT_RECORDED,
            subject_type="case_event",
            subject_id=event.pk,
            case_id=case.pk,
            after={"kind": kind, "occurred_at": occurred_at, "summary": event.summary},
        )
        return event


def _statute_or_error(statute_key: str) -> tuple[str, str, str]:
    try:
        statute = active_ruleset().statute(statute_key)
    except RulesetError as exc:
        raise ValidationError({"statute_key": str(exc)}) from exc
    return statute.citation.split(";")[0].strip(), statute.title, statute.offense_class


def charges_file(
    *,
    actor: User,
    case_id: int,
    participant_id: int,
    statute_key: str,
    counts: int,
    filed_on: dt.date,
) -> list[Charge]:
    """File `counts` counts of one statute against one defendant, numbered after existing ones."""
    case = access_case(actor, case_id, CaseAction.CHARGE, log_read=False)
    if not 1 <= counts <= MAX_COUNTS_PER_FILING:
        raise ValidationError({"counts": f"Counts must be between 1 and {MAX_COUNTS_PER_FILING}."})
    citation, title, offense_class = _statute_or_error(statute_key)
    with transaction.atomic():
        # Locked so that concurrent filings number their counts one after the other.
        participant = (
            Participant.objects.select_for_update()
            .select_related("person")
            .filter(case=case, pk=participant_id)
            .first()
        )
        if participant is None:
            raise ValidationError({"participant": "No such participant in this case."})
        if participant.role not in CHARGEABLE_ROLES:
            raise ValidationError(
                {"participant": f"{participant.person} is not a defendant; change the role first."}
            )
        highest = Charge.objects.filter(participant=participant).aggregate(n=Max("count_number"))
        first_count = (highest["n"] or 0) + 1
        now = timezone.now()
        charges = [
            Charge(
                case=case,
                participant=participant,
                statute_key=statute_key,
                citation=citation,
                offense_title=title,
                offense_class=offense_class,
                count_number=first_count + offset,
                version=1,
                is_current=True,
                filed_on=filed_on,
                created_at=now,
                created_by=actor,
            )
            for offset in range(counts)
        ]
        for charge in charges:
            charge.full_clean()
        Charge.objects.bulk_create(charges)
        if case.status in {CaseStatus.INTAKE, CaseStatus.FELONY_REVIEW}:
            case.status = CaseStatus.CHARGED
            case.updated_at = now
            case.save(update_fields=["status", "updated_at"])
        last_count = first_count + counts - 1
        count_range = str(first_count) if counts == 1 else f"{first_count}–{last_count}"
        _record_event(
            actor=actor,
            case=case,
            kind=CaseEventKind.CHARGE_FILED,
            summary=(
                f"{participant.person}: {counts} count(s) of {citation} ({title}), "
                f"class {offense_class}, counts {count_range}"
            ),
            occurred_at=dt.datetime.combine(
                filed_on, dt.time(9), tzinfo=timezone.get_current_timezone()
            ),
        )
        audit_record(
            actor=actor,
            action=AuditAction.CHARGE_FILED,
            subject_type="participant",
            subject_id=participant.pk,
            case_id=case.pk,
            after={
                "statute_key": statute_key,
                "offense_class": offense_class,
                "counts": counts,
                "count_numbers": [first_count, last_count],
                "filed_on": filed_on,
            },
        )
        return charges


def charge_amend(
    *, actor: User, case_id: int, charge_id: int, statute_key: str, reason: str
) -> Charge:
    """Replace a count's statute with a new version; the old version is kept, not current."""
    case = access_case(actor, case_id, CaseAction.CHARGE, log_read=False)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the charge is amended."})
    citation, title, offense_class = _statute_or_error(statute_key)
    with transaction.atomic():
        old = Charge.objects.select_for_update().filter(case=case, pk=charge_id).first()
        if old is None:
            raise ValidationError({"charge": "No such charge in this case."})
        if not old.is_current:
            # Amending a replaced version means someone amended the count meanwhile.
            raise VersionConflictError(f"count (count {old.count_number})")
        before = snapshot(old, _CHARGE_FIELDS)
        old.is_current = False
        old.save(update_fields=["is_current"])
        now = timezone.now()
        new = Charge(
            case=case,
            participant_id=old.participant_id,
            statute_key=statute_key,
            citation=citation,
            offense_title=title,
            offense_class=offense_class,
            count_number=old.count_number,
            version=old.version + 1,
            is_current=True,
            previous=old,
            # The count was filed when it was first filed; created_at says when it was amended.
            filed_on=old.filed_on,
            created_at=now,
            created_by=actor,
        )
        new.full_clean()
        new.save(force_insert=True)
        _record_event(
            actor=actor,
            case=case,
            kind=CaseEventKind.CHARGE_AMENDED,
            summary=(
                f"Count {old.count_number} amended: {old.citation} → {citation} "
                f"(v{new.version}; {reason.strip()})"
            ),
            occurred_at=now,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CHARGE_AMENDED,
            subject_type="charge",
            subject_id=new.pk,
            case_id=case.pk,
            before=before,
            after={**snapshot(new, _CHARGE_FIELDS), "reason": reason.strip()},
        )
        return new
