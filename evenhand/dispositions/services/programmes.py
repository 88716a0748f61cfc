"""Programme enrolments, their structured terms and completion log, and their end."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from evenhand.accounts.models import User
from evenhand.audit.models import AuditAction
from evenhand.audit.services import audit_record
from evenhand.cases.models import Charge
from evenhand.screening.policies import CaseAction, CaseNotFoundError, access_case

from ..eligibility import Outcome, evaluate
from ..models import (
    TERM_UNITS,
    ChargeDisposition,
    ConsentState,
    DispositionKind,
    Enrolment,
    EnrolmentStatus,
    Term,
    TermEntry,
    TermEntryKind,
    TermKind,
    TermStatus,
)
from ..selectors import (
    eligibility_facts,
    enrolment_for,
    months_between,
    participant_in_case,
    programme_or_error,
)
from .common import (
    MAX_END_REASON_LENGTH,
    MAX_REASON_LENGTH,
    MAX_SHORT_TEXT_LENGTH,
    MAX_TEXT_LENGTH,
    VersionConflictError,
    bounded_reason,
    bounded_text,
    no_future,
    required_reason,
)

MAX_AMOUNT = Decimal("9999999999.99")
# Which log entries count toward which kind of term.
ENTRY_FOR_TERM: dict[str, str] = {
    TermKind.COMMUNITY_SERVICE: TermEntryKind.HOURS,
    TermKind.RESTITUTION: TermEntryKind.PAYMENT,
    TermKind.BOND_FORFEITURE: TermEntryKind.PAYMENT,
    TermKind.CLASSES: TermEntryKind.SESSION,
}


def enrolment_create(
    *,
    actor: User,
    case_id: int,
    participant_id: int,
    programme: str,
    starts_on: dt.date,
    ends_on: dt.date,
    consent_state_attorney: ConsentState,
    consent_defendant: ConsentState,
    consent_victim: ConsentState = ConsentState.UNKNOWN,
    prior_record_attestation: str = "",
) -> Enrolment:
    """Enrol a defendant in a programme. Refused unless every eligibility rule is met; the
    explanation shown is stored with the enrolment. The record-check attestation is at most
    MAX_TEXT_LENGTH characters."""
    case = access_case(actor, case_id, CaseAction.DISPOSE, log_read=False)
    attestation = bounded_text(
        prior_record_attestation,
        field="prior_record_attestation",
        limit=MAX_TEXT_LENGTH,
        what="the record-check attestation",
    )
    rules = programme_or_error(programme)
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "The programme cannot end before it starts."})
    with transaction.atomic():
        participant = participant_in_case(case=case, participant_id=participant_id)
        verdict = evaluate(
            rules,
            eligibility_facts(
                user=actor,
                case=case,
                participant=participant,
                consents={
                    "state_attorney": ConsentState(consent_state_attorney),
                    "defendant": ConsentState(consent_defendant),
                    "victim": ConsentState(consent_victim),
                },
                prior_record_attested=bool(attestation),
                proposed_months=months_between(starts_on, ends_on),
            ),
        )
        blocking = verdict.blocking()
        if blocking:
            raise ValidationError(
                [
                    f"{'Not eligible' if r.outcome == Outcome.NOT_MET else 'Unknown'}: "
                    f"{r.explanation}"
                    for r in blocking
                ]
            )
        now = timezone.now()
        enrolment = Enrolment(
            case=case,
            participant=participant,
            programme=rules.code,
            starts_on=starts_on,
            ends_on=ends_on,
            consent_state_attorney=consent_state_attorney,
            consent_defendant=consent_defendant,
            consent_victim=consent_victim,
            prior_record_attestation=attestation,
            eligibility=[result.as_json() for result in verdict.results],
            created_by=actor,
            created_at=now,
            updated_at=now,
        )
        enrolment.full_clean()
        enrolment.save()
        audit_record(
            actor=actor,
            action=AuditAction.ENROLMENT_CREATED,
            subject_type="enrolment",
            subject_id=enrolment.pk,
            case_id=case.pk,
            after={
                "participant_id": participant.pk,
                "programme": rules.code,
                "starts_on": starts_on,
                "ends_on": ends_on,
                "eligibility": enrolment.eligibility,
            },
        )
        return enrolment


def _active_enrolment(actor: User, enrolment_id: int) -> Enrolment:
    enrolment = enrolment_for(user=actor, enrolment_id=enrolment_id, action=CaseAction.DISPOSE)
    if enrolment.status != EnrolmentStatus.ACTIVE:
        raise ValidationError(f"The enrolment is {enrolment.get_status_display().lower()}.")
    return enrolment


def _amount(value: Decimal | None, field: str, *, required: bool) -> Decimal | None:
    if value is None:
        if required:
            raise ValidationError({field: "An amount is required for this kind."})
        return None
    if not required:
        raise ValidationError({field: "This kind takes no amount."})
    if not value.is_finite() or value <= 0:
        raise ValidationError({field: "The amount must be a positive number."})
    if value > MAX_AMOUNT or value != value.quantize(Decimal("0.01")):
        raise ValidationError({field: "The amount must have at most two decimals."})
    return value


def term_add(
    *,
    actor: User,
    enrolment_id: int,
    kind: TermKind,
    due_on: dt.date,
    required_amount: Decimal | None = None,
    detail: str = "",
) -> Term:
    """Add a structured condition to an active enrolment; its detail is at most
    MAX_SHORT_TEXT_LENGTH characters."""
    enrolment = _active_enrolment(actor, enrolment_id)
    stated_detail = bounded_text(
        detail, field="detail", limit=MAX_SHORT_TEXT_LENGTH, what="the detail"
    )
    kind = TermKind(kind)
    rules = programme_or_error(enrolment.programme)
    if kind not in rules.condition_types:
        raise ValidationError({"kind": f"{rules.name} has no {kind.label.lower()} condition."})
    amount = _amount(required_amount, "required_amount", required=kind in TERM_UNITS)
    if not enrolment.starts_on <= due_on <= enrolment.ends_on:
        raise ValidationError(
            {
                "due_on": (
                    f"Due dates fall within the programme, {enrolment.starts_on} to "
                    f"{enrolment.ends_on}."
                )
            }
        )
    with transaction.atomic():
        now = timezone.now()
        term = Term(
            enrolment=enrolment,
            kind=kind,
            required_amount=amount,
            detail=stated_detail,
            due_on=due_on,
            created_at=now,
            updated_at=now,
        )
        term.full_clean()
        term.save()
        audit_record(
            actor=actor,
            action=AuditAction.TERM_ADDED,
            subject_type="term",
            subject_id=term.pk,
            case_id=enrolment.case_id,
            after={
                "enrolment_id": enrolment.pk,
                "kind": kind,
                "required_amount": amount,
                "due_on": due_on,
                "detail": term.detail,
            },
        )
        return term


def term_entry_log(
    *,
    actor: User,
    term_id: int,
    expected_version: int,
    kind: TermEntryKind,
    occurred_on: dt.date,
    amount: Decimal | None = None,
    note: str = "",
) -> TermEntry:
    """Log hours, a payment, a session, a violation or a note against a term; the note is at
    most MAX_SHORT_TEXT_LENGTH characters."""
    term = Term.objects.filter(pk=term_id).first()
    if term is None:
        raise CaseNotFoundError
    enrolment = _active_enrolment(actor, term.enrolment_id)
    stated_note = bounded_text(note, field="note", limit=MAX_SHORT_TEXT_LENGTH, what="the note")
    kind = TermEntryKind(kind)
    counted = ENTRY_FOR_TERM.get(term.kind)
    if kind not in {counted, TermEntryKind.VIOLATION, TermEntryKind.NOTE}:
        raise ValidationError(
            {"kind": f"A {term.get_kind_display().lower()} term does not log {kind.label}."}
        )
    value = _amount(amount, "amount", required=kind == counted)
    if occurred_on < enrolment.starts_on:
        raise ValidationError(
            {"occurred_on": f"The programme started on {enrolment.starts_on}; nothing before."}
        )
    no_future(occurred_on, "occurred_on")
    if kind != TermEntryKind.NOTE and term.status != TermStatus.OPEN:
        raise ValidationError(f"The term is {term.get_status_display().lower()}.")
    with transaction.atomic():
        completed = term.completed_amount + (value or 0)
        reached = term.required_amount is not None and completed >= term.required_amount
        updates: dict[str, object] = {
            "completed_amount": completed,
            "version": F("version") + 1,
            "updated_at": timezone.now(),
        }
        if kind == TermEntryKind.VIOLATION:
            updates["violations"] = F("violations") + 1
        if reached and value:
            updates.update(status=TermStatus.MET, met_on=occurred_on)
        if Term.objects.filter(pk=term.pk, version=expected_version).update(**updates) == 0:
            raise VersionConflictError("term")
        entry = TermEntry(
            term=term,
            kind=kind,
            amount=value,
            occurred_on=occurred_on,
            note=stated_note,
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        entry.full_clean()
        entry.save()
        audit_record(
            actor=actor,
            action=AuditAction.TERM_ENTRY_LOGGED,
            subject_type="term",
            subject_id=term.pk,
            case_id=enrolment.case_id,
            after={
                "entry_id": entry.pk,
                "kind": kind,
                "amount": value,
                "occurred_on": occurred_on,
                "completed_amount": completed,
                "met": bool(reached and value),
            },
        )
        return entry


def term_change(
    *,
    actor: User,
    term_id: int,
    expected_version: int,
    due_on: dt.date,
    waive_reason: str = "",
    reason: str = "",
) -> Term:
    """Move a term's due date (an extension) saying why, or waive it with the court's reason.
    Both reasons go into the audit entry; each is at most MAX_REASON_LENGTH characters.

    A call that changes nothing (the due date it already has, no waiver) returns the term as it
    is: no new version and no audit entry, so the caller can tell by the version. It is still
    refused where a change would be: by the policy, and as a conflict on a stale version.

    Needs DISPOSE on the case, like every other change to an enrolment and its terms: who may
    move a date is whoever the access policy lets dispose."""
    term = Term.objects.filter(pk=term_id).first()
    if term is None:
        raise CaseNotFoundError
    enrolment = _active_enrolment(actor, term.enrolment_id)
    if term.status != TermStatus.OPEN:
        raise ValidationError(f"The term is {term.get_status_display().lower()}.")
    if not enrolment.starts_on <= due_on <= enrolment.ends_on:
        raise ValidationError(
            {"due_on": f"Due dates fall within {enrolment.starts_on} to {enrolment.ends_on}."}
        )
    stated = bounded_reason(reason)
    waived = bounded_reason(waive_reason, field="waive_reason", what="the reason for the waiver")
    if due_on == term.due_on and not waived:
        # Nothing to record, but a stale version still says someone else changed the term.
        if term.version != expected_version:
            raise VersionConflictError("term")
        return term
    # A waiver states its own reason (the court's); a date moved without one is unexplained.
    if not waived and not stated:
        raise ValidationError({"reason": "Say why the due date moves."})
    with transaction.atomic():
        before = {"due_on": term.due_on, "status": term.status, "version": term.version}
        updates: dict[str, object] = {
            "due_on": due_on,
            "version": F("version") + 1,
            "updated_at": timezone.now(),
        }
        if waived:
            updates["status"] = TermStatus.WAIVED
        if Term.objects.filter(pk=term.pk, version=expected_version).update(**updates) == 0:
            raise VersionConflictError("term")
        term.refresh_from_db()
        audit_record(
            actor=actor,
            action=AuditAction.TERM_CHANGED,
            subject_type="term",
            subject_id=term.pk,
            case_id=enrolment.case_id,
            before=before,
            after={
                "due_on": term.due_on,
                "status": term.status,
                "waive_reason": waived,
                "reason": stated,
                "version": term.version,
            },
        )
        return term


def _bump_enrolment(enrolment: Enrolment, expected_version: int, **fields: object) -> None:
    changed = Enrolment.objects.filter(pk=enrolment.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=timezone.now(), **fields
    )
    if changed == 0:
        raise VersionConflictError("enrolment")


def enrolment_complete(
    *,
    actor: User,
    enrolment_id: int,
    expected_version: int,
    completed_on: dt.date,
    note: str = "",
) -> list[ChargeDisposition]:
    """Record successful completion and the disposition the programme prescribes for each of
    the participant's current charges in the case, given for performed consideration."""
    enrolment = _active_enrolment(actor, enrolment_id)
    rules = programme_or_error(enrolment.programme)
    stated_note = bounded_text(note, field="note", limit=MAX_REASON_LENGTH, what="the note")
    no_future(completed_on, "completed_on")
    if completed_on < enrolment.starts_on:
        raise ValidationError(
            {"completed_on": f"The programme started on {enrolment.starts_on}; not before."}
        )
    if rules.minimum_months and months_between(enrolment.starts_on, completed_on) < (
        rules.minimum_months
    ):
        raise ValidationError(
            {"completed_on": f"{rules.name} lasts at least {rules.minimum_months} months."}
        )
    with transaction.atomic():
        terms = list(Term.objects.select_for_update().filter(enrolment=enrolment))
        unmet = [t for t in terms if t.status == TermStatus.OPEN and t.required_amount is not None]
        if unmet:
            raise ValidationError(
                "Terms not yet met: "
                + "; ".join(
                    f"{t.get_kind_display()} {t.completed_amount}/{t.required_amount}"
                    for t in unmet
                )
            )
        violated = [t for t in terms if t.status == TermStatus.VIOLATED]
        if violated:
            raise ValidationError("A term was violated; the programme cannot be completed.")
        missing = rules.required_conditions - {t.kind for t in terms}
        if missing:
            raise ValidationError(
                f"{rules.name} requires a {', '.join(sorted(missing))} condition."
            )
        _bump_enrolment(
            enrolment,
            expected_version,
            status=EnrolmentStatus.COMPLETED,
            completed_on=completed_on,
            outcome_note=stated_note,
        )
        # Conditions without an amount (no contact, no weapons) are kept by reaching the end.
        Term.objects.filter(enrolment=enrolment, status=TermStatus.OPEN).update(
            status=TermStatus.MET, met_on=completed_on, version=F("version") + 1
        )
        summary = "; ".join(
            f"{t.get_kind_display()}"
            + (f" {t.required_amount} {t.unit}" if t.required_amount is not None else "")
            + (f" ({t.detail})" if t.detail else "")
            for t in terms
        )
        charges = list(
            Charge.objects.select_for_update().filter(
                case_id=enrolment.case_id, participant=enrolment.participant, is_current=True
            )
        )
        previous = {
            d.charge_id: d
            for d in ChargeDisposition.objects.filter(charge__in=charges, is_current=True)
        }
        ChargeDisposition.objects.filter(pk__in=[d.pk for d in previous.values()]).update(
            is_current=False, version=F("version") + 1
        )
        now = timezone.now()
        dispositions = []
        for charge in charges:
            disposition = ChargeDisposition(
                charge=charge,
                kind=DispositionKind(rules.completion_disposition),
                disposed_on=completed_on,
                performed_consideration=True,
                conditions=f"{rules.name}: {summary}",
                enrolment=enrolment,
                note=stated_note,
                recorded_by=actor,
                recorded_at=now,
                updated_at=now,
            )
            disposition.full_clean()
            dispositions.append(disposition)
        ChargeDisposition.objects.bulk_create(dispositions)
        audit_record(
            actor=actor,
            action=AuditAction.ENROLMENT_ENDED,
            subject_type="enrolment",
            subject_id=enrolment.pk,
            case_id=enrolment.case_id,
            before={"status": EnrolmentStatus.ACTIVE, "version": expected_version},
            after={
                "status": EnrolmentStatus.COMPLETED,
                "completed_on": completed_on,
                "disposition": rules.completion_disposition,
                "performed_consideration": True,
                "charge_ids": [c.pk for c in charges],
                "replaced_dispositions": {str(k): v.kind for k, v in sorted(previous.items())},
            },
        )
        return dispositions


def enrolment_end_unsuccessfully(
    *,
    actor: User,
    enrolment_id: int,
    expected_version: int,
    status: EnrolmentStatus,
    ended_on: dt.date,
    reason: str,
) -> Enrolment:
    """End an enrolment as failed or withdrawn, saying why (required, at most
    MAX_END_REASON_LENGTH characters); its open terms close with it."""
    # The policy first, so that a refused user's attempt is logged whatever they sent.
    enrolment = _active_enrolment(actor, enrolment_id)
    status = EnrolmentStatus(status)
    if status not in {EnrolmentStatus.FAILED, EnrolmentStatus.WITHDRAWN}:
        raise ValidationError({"status": "Use completion for a successful end."})
    stated = required_reason(reason, ask="Say why the enrolment ends.", limit=MAX_END_REASON_LENGTH)
    if ended_on < enrolment.starts_on:
        raise ValidationError({"ended_on": "The enrolment cannot end before it started."})
    no_future(ended_on, "ended_on")
    with transaction.atomic():
        _bump_enrolment(enrolment, expected_version, status=status, outcome_note=stated)
        Term.objects.filter(enrolment=enrolment, status=TermStatus.OPEN).update(
            status=TermStatus.CLOSED, version=F("version") + 1
        )
        audit_record(
            actor=actor,
            action=AuditAction.ENROLMENT_ENDED,
            subject_type="enrolment",
            subject_id=enrolment.pk,
            case_id=enrolment.case_id,
            before={"status": EnrolmentStatus.ACTIVE, "version": expected_version},
            after={"status": status, "ended_on": ended_on, "reason": stated},
        )
        enrolment.refresh_from_db()
        return enrolment
