"""Every write for public-records requests: keyword-only, with an actor, atomic, audited.

The public form's submissions have no signed-in actor (`actor=None`); they are rate-limited by
a keyed hash of the client address and checked for the signs of automated spam before anything
is stored. A refused submission is itself recorded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from evenhand.accounts.models import User
from evenhand.audit.models import AuditAction, AuditOutcome
from evenhand.audit.services import audit_record
from evenhand.jurisdictions.ruleset import RulesetError
from evenhand.redaction.detect import detect
from evenhand.sealing.selectors import is_sealed, sealed_case_ids

from .fees import FeeError, fee_quote
from .letters import compose_letter
from .models import (
    Appeal,
    AppealKind,
    Channel,
    Medium,
    RecordDecision,
    RecordsRequest,
    Redaction,
    RedactionDecision,
    RequesterClass,
    RequestStatus,
    ResponseKind,
    ResponseLetter,
    ReviewedRecord,
    SubmissionAttempt,
    WithheldCase,
)
from .policies import require_handler
from .rules import business_calendar, public_records_rules
from .sources import SourceRecord, load_source

MAX_DESCRIPTION = 10_000
MIN_DESCRIPTION = 10
MAX_NAME = 200
MAX_NOTE = 1000
# A person takes longer than this to fill in the public form; scripts usually do not.
MIN_FILL_SECONDS = 3.0
MAX_FILL_SECONDS = 24 * 3600.0
SUBMISSIONS_PER_HOUR = 5
EARLIEST_RECEIVED = dt.date(2000, 1, 1)
SPAM_REFUSAL = (
    "Your request could not be accepted automatically. Please wait a moment and submit it "
    "again, or send it to the records officer by mail or e-mail."
)
RATE_REFUSAL = (
    "Too many requests have been submitted from your connection in the last hour. Please try "
    "again later, or send your request by mail or e-mail."
)


class SubmissionRefusedError(Exception):
    """The public form refused a submission (spam signs or the rate limit)."""


class RecordSealedError(Exception):
    """The record belongs to a sealed case; its case number was noted as withheld."""


@dataclass(frozen=True)
class NewRequest:
    requester_name: str
    description: str
    requester_email: str = ""
    requester_phone: str = ""
    requester_address: str = ""
    requester_organisation: str = ""
    medium: str = Medium.ELECTRONIC


def client_digest(address: str) -> str:
    """A keyed hash of the client address: enough to rate-limit, useless to anyone else."""
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def _clean_text(value: str, field: str, *, limit: int, required: bool = False) -> str:
    cleaned = value.strip()
    if required and not cleaned:
        raise ValidationError({field: "This field is required."})
    if len(cleaned) > limit:
        raise ValidationError({field: f"At most {limit} characters (this has {len(cleaned)})."})
    if "\x00" in cleaned:
        raise ValidationError({field: "The text contains a NUL character."})
    return cleaned


def _validated(new: NewRequest) -> NewRequest:
    description = _clean_text(new.description, "description", limit=MAX_DESCRIPTION, required=True)
    if len(description) < MIN_DESCRIPTION:
        raise ValidationError(
            {"description": "Describe the records you want (at least a few words)."}
        )
    email = _clean_text(new.requester_email, "requester_email", limit=254)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError({"requester_email": "Enter a valid e-mail address."}) from None
    if new.medium not in Medium.values:
        raise ValidationError({"medium": "Choose electronic or paper copies."})
    return NewRequest(
        requester_name=_clean_text(
            new.requester_name, "requester_name", limit=MAX_NAME, required=True
        ),
        description=description,
        requester_email=email,
        requester_phone=_clean_text(new.requester_phone, "requester_phone", limit=40),
        requester_address=_clean_text(new.requester_address, "requester_address", limit=500),
        requester_organisation=_clean_text(
            new.requester_organisation, "requester_organisation", limit=MAX_NAME
        ),
        medium=new.medium,
    )


def _original_due(received_on: dt.date, requester_class: str) -> dt.date:
    days = public_records_rules().requester_class(requester_class).business_days
    return business_calendar().add_business_days(received_on, days).due


def _check_received_on(received_on: dt.date) -> None:
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": "The received date cannot be in the future."})
    if received_on < EARLIEST_RECEIVED:
        raise ValidationError({"received_on": f"The received date is before {EARLIEST_RECEIVED}."})


def _create(
    *,
    actor: User | None,
    new: NewRequest,
    channel: Channel,
    received_on: dt.date,
    requester_class: RequesterClass,
    class_basis: str,
) -> RecordsRequest:
    token = secrets.token_urlsafe(32)
    request = RecordsRequest.objects.create(
        number=f"PENDING-{token[:20]}",
        tracking_token=token,
        channel=channel,
        received_on=received_on,
        entered_at=timezone.now(),
        entered_by=actor,
        requester_class=requester_class,
        class_basis=class_basis,
        original_due_on=_original_due(received_on, requester_class),
        **asdict(new),
    )
    request.number = f"FOIA-{received_on.year}-{request.pk:05d}"
    request.save(update_fields=["number"])
    audit_record(
        actor=actor,
        action=AuditAction.RECORDS_REQUEST_RECEIVED,
        subject_type="records_request",
        subject_id=request.pk,
        after={
            "number": request.number,
            "channel": channel,
            "received_on": received_on,
            "requester_class": requester_class,
            "original_due_on": request.original_due_on,
        },
        actor_label=None if actor else "public form",
    )
    return request


def _refuse_submission(digest: str, reason: str) -> None:
    with transaction.atomic():
        SubmissionAttempt.objects.create(
            client_digest=digest, attempted_at=timezone.now(), accepted=False
        )
        audit_record(
            actor=None,
            actor_label="public form",
            action=AuditAction.RECORDS_SUBMISSION_REFUSED,
            outcome=AuditOutcome.REFUSED,
            subject_type="public_form",
            after={"reason": reason, "client": digest[:16]},
        )


def request_submit_public(
    *,
    actor: None = None,
    client: str,
    new: NewRequest,
    honeypot: str = "",
    seconds_to_fill: float | None = None,
) -> RecordsRequest:
    """A public request. Raises SubmissionRefusedError (recorded) for too many submissions an
    hour from the client and, from the web form, for a full honeypot or a form filled faster
    than a person could (`seconds_to_fill` None: not from the form, e.g. the API)."""
    digest = client_digest(client)
    since = timezone.now() - dt.timedelta(hours=1)
    recent = SubmissionAttempt.objects.filter(client_digest=digest, attempted_at__gte=since)
    if recent.count() >= SUBMISSIONS_PER_HOUR:
        _refuse_submission(digest, "rate_limit")
        raise SubmissionRefusedError(RATE_REFUSAL)
    too_fast_or_stale = seconds_to_fill is not None and not (
        MIN_FILL_SECONDS <= seconds_to_fill <= MAX_FILL_SECONDS
    )
    if honeypot.strip() or too_fast_or_stale:
        _refuse_submission(digest, "honeypot" if honeypot.strip() else "fill_time")
        raise SubmissionRefusedError(SPAM_REFUSAL)
    checked = _validated(new)
    with transaction.atomic():
        SubmissionAttempt.objects.create(
            client_digest=digest, attempted_at=timezone.now(), accepted=True
        )
        return _create(
            actor=actor,
            new=checked,
            channel=Channel.WEB,
            received_on=timezone.localdate(),
            requester_class=RequesterClass.STANDARD,
            class_basis="",
        )


@transaction.atomic
def request_receive(
    *,
    actor: User,
    new: NewRequest,
    channel: str,
    received_on: dt.date,
    requester_class: str = RequesterClass.STANDARD,
    class_basis: str = "",
) -> RecordsRequest:
    """Staff entry of a request received by mail, e-mail, phone or in person, with the date
    it was actually received (the deadline runs from then, not from data entry)."""
    require_handler(actor)
    if channel not in Channel.values or channel == Channel.WEB:
        raise ValidationError({"channel": "Choose how the request was received."})
    _check_received_on(received_on)
    if requester_class not in RequesterClass.values:
        raise ValidationError({"requester_class": "Unknown requester class."})
    basis = _clean_text(class_basis, "class_basis", limit=MAX_NOTE)
    if requester_class != RequesterClass.STANDARD and not basis:
        raise ValidationError({"class_basis": "Say why the requester is commercial or recurrent."})
    return _create(
        actor=actor,
        new=_validated(new),
        channel=Channel(channel),
        received_on=received_on,
        requester_class=RequesterClass(requester_class),
        class_basis=basis,
    )


def _open_request(request_id: int) -> RecordsRequest:
    request = RecordsRequest.objects.select_for_update().filter(pk=request_id).first()
    if request is None:
        raise RecordsRequest.DoesNotExist("Records request not found.")
    if not request.is_open:
        raise ValidationError("This request has been answered or withdrawn; it is closed.")
    return request


@transaction.atomic
def request_classify(
    *, actor: User, request_id: int, requester_class: str, basis: str
) -> RecordsRequest:
    """Class a requester as the law defines (commercial, recurrent): the period changes."""
    require_handler(actor)
    request = _open_request(request_id)
    if requester_class not in RequesterClass.values:
        raise ValidationError({"requester_class": "Unknown requester class."})
    if request.extended_due_on is not None:
        raise ValidationError("The deadline was already extended; the class cannot change now.")
    basis = _clean_text(basis, "basis", limit=MAX_NOTE)
    if requester_class != RequesterClass.STANDARD and not basis:
        raise ValidationError({"basis": "Say why the requester is commercial or recurrent."})
    before = {"requester_class": request.requester_class, "due_on": request.original_due_on}
    request.requester_class = requester_class
    request.class_basis = basis
    request.original_due_on = _original_due(request.received_on, requester_class)
    request.save(update_fields=["requester_class", "class_basis", "original_due_on"])
    audit_record(
        actor=actor,
        action=AuditAction.RECORDS_REQUEST_CLASSIFIED,
        subject_type="records_request",
        subject_id=request.pk,
        before=before,
        after={
            "requester_class": requester_class,
            "due_on": request.original_due_on,
            "basis": basis,
        },
    )
    return request


@transaction.atomic
def request_extend(
    *, actor: User, request_id: int, reason: str, facts: str, notice_sent_on: dt.date
) -> RecordsRequest:
    """The one statutory extension: a listed reason, written notice within the original period."""
    require_handler(actor)
    rules = public_records_rules()
    request = _open_request(request_id)
    try:
        extension = rules.extension_reason(reason)
    except RulesetError as exc:
        raise ValidationError({"reason": str(exc)}) from None
    if not rules.requester_class(request.requester_class).extension_allowed:
        raise ValidationError("This class of request has its own longer period and no extension.")
    if request.extended_due_on is not None:
        raise ValidationError("The deadline has already been extended once; the law allows one.")
    if notice_sent_on > timezone.localdate() or notice_sent_on < request.received_on:
        raise ValidationError(
            {"notice_sent_on": "The notice date must be between receipt and today."}
        )
    if notice_sent_on > request.original_due_on:
        raise ValidationError(
            {
                "notice_sent_on": (
                    "Notice of an extension must be sent within the original period "
                    f"(by {request.original_due_on:%Y-%m-%d}); it is too late to extend."
                )
            }
        )
    facts = _clean_text(facts, "facts", limit=MAX_NOTE, required=True)
    request.extension_reason = extension.code
    request.extension_facts = facts
    request.extension_notice_on = notice_sent_on
    request.extended_due_on = (
        business_calendar()
        .add_business_days(request.original_due_on, rules.extension_business_days)
        .due
    )
    request.status = RequestStatus.EXTENDED
    request.save(
        update_fields=[
            "extension_reason",
            "extension_facts",
            "extension_notice_on",
            "extended_due_on",
            "status",
        ]
    )
    audit_record(
        actor=actor,
        action=AuditAction.RECORDS_REQUEST_EXTENDED,
        subject_type="records_request",
        subject_id=request.pk,
        before={"due_on": request.original_due_on},
        after={
            "due_on": request.extended_due_on,
            "reason": extension.code,
            "citation": extension.citation,
            "notice_sent_on": notice_sent_on,
        },
    )
    return request


@transaction.atomic
def request_agree_extension(
    *, actor: User, request_id: int, agreed_due_on: dt.date, agreement: str
) -> RecordsRequest:
    """A longer period the requester agreed to in writing."""
    require_handler(actor)
    request = _open_request(request_id)
    agreement = _clean_text(agreement, "agreement", limit=MAX_NOTE, required=True)
    if agreed_due_on <= request.due_on:
        msg = f"An agreed date must be after the current due date ({request.due_on})."
        raise ValidationError({"agreed_due_on": msg})
    if not business_calendar().is_business_day(agreed_due_on):
        raise ValidationError({"agreed_due_on": "The agreed date must be a business day."})
    before = {"due_on": request.due_on}
    request.agreed_due_on = agreed_due_on
    request.agreement_note = agreement
    request.status = RequestStatus.EXTENDED
    request.save(update_fields=["agreed_due_on", "agreement_note", "status"])
    audit_record(
        actor=actor,
        action=AuditAction.RECORDS_REQUEST_EXTENDED,
        subject_type="records_request",
        subject_id=request.pk,
        before=before,
        after={"due_on": agreed_due_on, "agreed_in_writing": agreement},
    )
    return request


SETTABLE_STATUSES = frozenset(
    {
        RequestStatus.OPEN,
        RequestStatus.WAITING_FOR_REQUESTER,
        RequestStatus.PARTIALLY_FULFILLED,
        RequestStatus.WITHDRAWN,
    }
)


@transaction.atomic
def request_set_status(*, actor: User, request_id: int, status: str, note: str) -> RecordsRequest:
    """Waiting for the requester, partly fulfilled, back to open, or withdrawn. The statutory
    clock is not paused by waiting: the due date stays as computed."""
    require_handler(actor)
    request = _open_request(request_id)
    if status not in SETTABLE_STATUSES:
        raise ValidationError({"status": "That status is set by answering the request."})
    note = _clean_text(note, "note", limit=MAX_NOTE, required=True)
    before = {"status": request.status}
    if status == RequestStatus.OPEN and request.extended_due_on is not None:
        status = RequestStatus.EXTENDED
    request.status = status
    request.status_note = note
    request.save(update_fields=["status", "status_note"])
    audit_record(
        actor=actor,
        action=AuditAction.RECORDS_REQUEST_STATUS_CHANGED,
        subject_type="records_request",
        subject_id=request.pk,
        before=before,
        after={"status": status, "note": note},
    )
    return request


def _note_withheld(request: RecordsRequest, numbers: list[str]) -> list[str]:
    code = public_records_rules().sealed_exemption.code
    added = []
    for number in dict.fromkeys(numbers):
        _, created = WithheldCase.objects.get_or_create(
            request=request,
            case_number=number,
            defaults={"exemption_code": code, "noted_at": timezone.now()},
        )
        if created:
            added.append(number)
    return added


@transaction.atomic
def request_search_record(
    *,
    actor: User,
    request_id: int,
    query: str,
    withheld_case_numbers: list[str],
    hits: int,
    hits_lower_bound: bool = False,
) -> RecordsRequest:
    """Note a search run for the request, and the sealed cases it reported as withheld."""
    require_handler(actor)
    request = _open_request(request_id)
    request.search_query = _clean_text(query, "query", limit=500)
    request.save(update_fields=["search_query"])
    added = _note_withheld(request, withheld_case_numbers)
    audit_record(
        actor=actor,
        action=AuditAction.RECORDS_REQUEST_SEARCHED,
        subject_type="records_request",
        subject_id=request.pk,
        after={
            "query": request.search_query,
            "hits": hits,
            # True: the search stopped counting at `hits`; there were more.
            "hits_lower_bound": hits_lower_bound,
            "withheld_cases": added,
        },
    )
    return request


@transaction.atomic
def request_withhold_sealed_case(*, actor: User, request_id: int, case_number: str) -> WithheldCase:
    """Withhold every record of a sealed case the request covers, by its number.

    The records officer does not see sealed cases (no standing), so the search cannot show
    their records; the officer names the case, and this checks only that it is sealed now.
    """
    require_handler(actor)
    request = _open_request(request_id)
    number = _clean_text(case_number, "case_number", limit=32, required=True)
    if not sealed_case_ids().filter(case__number=number).exists():
        raise ValidationError({"case_number": f"No case numbered {number} is sealed now."})
    code = public_records_rules().sealed_exemption.code
    withheld, _ = WithheldCase.objects.get_or_create(
        request=request,
        case_number=number,
        defaults={"exemption_code": code, "noted_at": timezone.now()},
    )
    audit_record(
        actor=actor,
        action=AuditAction.RECORDS_RECORD_REVIEWED,
        subject_type="records_request",
        subject_id=request.pk,
        after={"withheld_case": number, "exemption": code},
    )
    return withheld


def record_add(*, actor: User, request_id: int, kind: str, object_id: str) -> ReviewedRecord:
    """Add a found record to the request's review, with the detector's suggested redactions.

    The record's original text is read through the case access policy and kept as the
    request's copy; the source is never changed. A record of a sealed case is not added: its
    case number is noted as withheld (and that note is kept) and RecordSealedError raised.
    """
    require_handler(actor)
    source = load_source(user=actor, kind=kind, object_id=object_id)
    sealed = [
        number
        for case_id, number in zip(source.case_ids, source.case_numbers, strict=False)
        if is_sealed(case_id)
    ]
    if sealed:
        with transaction.atomic():
            _note_withheld(_open_request(request_id), sealed)
        msg = f"This record belongs to sealed case {', '.join(sealed)}; it is withheld."
        raise RecordSealedError(msg)
    return _record_add(actor=actor, request_id=request_id, source_kind=kind, source=source)


@transaction.atomic
def _record_add(
    *, actor: User, request_id: int, source_kind: str, source: SourceRecord
) -> ReviewedRecord:
    request = _open_request(request_id)
    if ReviewedRecord.objects.filter(
        request=request, kind=source.kind, object_id=source.object_id
    ).exists():
        raise ValidationError("This record is already in the review.")
    now = timezone.now()
    record = ReviewedRecord.objects.create(
        request=request,
        kind=source.kind,
        object_id=source.object_id,
        case_id=source.case_ids[0] if source.case_ids else None,
        case_number=", ".join(source.case_numbers)[:32],
        title=source.title,
        record_date=source.record_date,
        original_text=source.text,
        original_sha256=hashlib.sha256(source.text.encode()).hexdigest(),
        added_by=actor,
        added_at=now,
    )
    rules = public_records_rules()
    findings = detect(source.text, known_people=source.known_people)
    Redaction.objects.bulk_create(
        Redaction(
            record=record,
            start=f.start,
            end=f.end,
            text=f.text,
            kind=str(f.kind),
            exemption=rules.exemption(f.exemption).code,
            proposed_at=now,
        )
        for f in findings
    )
    audit_record(
        actor=actor,
        action=AuditAction.RECORDS_RECORD_REVIEWED,
        subject_type="records_request",
        subject_id=request.pk,
        case_id=record.case_id,
        after={
            "added": f"{source_kind}:{source.object_id}",
            "sha256": record.original_sha256,
            "suggested_redactions": len(findings),
        },
    )
    return record


def _exemption_code(code: str, field: str) -> str:
    try:
        return public_records_rules().exemption(code).code
    except RulesetError as exc:
        raise ValidationError({field: str(exc)}) from None


def _record_for_update(record_id: int) -> ReviewedRecord:
    record = ReviewedRecord.objects.select_for_update().filter(pk=record_id).first()
    if record is None:
        raise ReviewedRecord.DoesNotExist("Record not found.")
    _open_request(record.request_id)
    return record


@transaction.atomic
def record_decide(
    *, actor: User, record_id: int, decision: str, exemption_code: str = "", basis: str = ""
) -> ReviewedRecord:
    """Responsive (released, with redactions), not responsive, or withheld in full with an
    exemption and the facts that support it."""
    require_handler(actor)
    record = _record_for_update(record_id)
    if decision not in RecordDecision.values or decision == RecordDecision.PENDING:
        raise ValidationError({"decision": "Choose responsive, not responsive or withheld."})
    code = ""
    basis = _clean_text(basis, "basis", limit=MAX_NOTE * 4)
    if decision == RecordDecision.WITHHELD:
        code = _exemption_code(exemption_code, "exemption_code")
        if not basis:
            raise ValidationError(
                {"basis": "Give the factual basis for withholding: the letter must state it."}
            )
    before = {"decision": record.decision, "exemption": record.exemption_code}
    record.decision = decision
    record.exemption_code = code
    record.basis = basis
    record.decided_by = actor
    record.decided_at = timezone.now()
    record.save(update_fields=["decision", "exemption_code", "basis", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action=AuditAction.RECORDS_RECORD_REVIEWED,
        subject_type="records_request",
        subject_id=record.request_id,
        case_id=record.case_id,
        before=before,
        after={"record": record.pk, "decision": decision, "exemption": code},
    )
    return record


@transaction.atomic
def redaction_propose(
    *, actor: User, record_id: int, start: int, end: int, exemption: str
) -> Redaction:
    """A redaction the officer draws by hand (accepted at once: the officer chose it)."""
    require_handler(actor)
    record = _record_for_update(record_id)
    length = len(record.original_text)
    if not 0 <= start < end <= length:
        raise ValidationError(
            {"start": f"The span {start}-{end} is outside the record ({length} characters)."}
        )
    code = _exemption_code(exemption, "exemption")
    if Redaction.objects.filter(record=record, start=start, end=end).exists():
        raise ValidationError("That exact span is already proposed.")
    now = timezone.now()
    redaction = Redaction.objects.create(
        record=record,
        start=start,
        end=end,
        text=record.original_text[start:end],
        kind="manual",
        exemption=code,
        decision=RedactionDecision.ACCEPTED,
        proposed_by=actor,
        proposed_at=now,
        decided_by=actor,
        decided_at=now,
    )
    audit_record(
        actor=actor,
        action=AuditAction.RECORDS_REDACTION_DECIDED,
        subject_type="records_request",
        subject_id=record.request_id,
        case_id=record.case_id,
        after={
            "record": record.pk,
            "span": [start, end],
            "exemption": code,
            "decision": "accepted",
        },
    )
    return redaction


@transaction.atomic
def redaction_decide(
    *, actor: User, redaction_id: int, accept: bool, exemption: str = ""
) -> Redaction:
    """Accept (redact) or reject (release) a suggestion; the exemption code may be changed."""
    require_handler(actor)
    redaction = Redaction.objects.select_for_update().filter(pk=redaction_id).first()
    if redaction is None:
        raise Redaction.DoesNotExist("Redaction not found.")
    record = _record_for_update(redaction.record_id)
    code = _exemption_code(exemption, "exemption") if exemption.strip() else redaction.exemption
    before = {"decision": redaction.decision, "exemption": redaction.exemption}
    redaction.decision = RedactionDecision.ACCEPTED if accept else RedactionDecision.REJECTED
    redaction.exemption = code
    redaction.decided_by = actor
    redaction.decided_at = timezone.now()
    redaction.save(update_fields=["decision", "exemption", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action=AuditAction.RECORDS_REDACTION_DECIDED,
        subject_type="records_request",
        subject_id=record.request_id,
        case_id=record.case_id,
        before=before,
        after={
            "record": record.pk,
            "span": [redaction.start, redaction.end],
            "decision": redaction.decision,
            "exemption": code,
        },
    )
    return redaction


def _response_kind(request: RecordsRequest) -> ResponseKind:
    records = list(request.records.all())
    released = [r for r in records if r.decision == RecordDecision.RESPONSIVE]
    withheld = request.withheld_cases.exists() or any(
        r.decision == RecordDecision.WITHHELD for r in records
    )
    redacted = Redaction.objects.filter(
        record__in=released, decision=RedactionDecision.ACCEPTED
    ).exists()
    if not released:
        return ResponseKind.DENIAL if withheld else ResponseKind.GRANT
    return ResponseKind.PARTIAL if withheld or redacted else ResponseKind.GRANT


RESPONSE_STATUS = {
    ResponseKind.GRANT: RequestStatus.GRANTED,
    ResponseKind.PARTIAL: RequestStatus.PARTIALLY_GRANTED,
    ResponseKind.DENIAL: RequestStatus.DENIED,
}


@transaction.atomic
def response_issue(
    *, actor: User, request_id: int, issued_on: dt.date, paper_pages: int = 0
) -> ResponseLetter:
    """Answer the request: the kind follows from the decisions, the letter from templates."""
    require_handler(actor)
    request = _open_request(request_id)
    if issued_on > timezone.localdate() or issued_on < request.received_on:
        raise ValidationError({"issued_on": "The response date must be between receipt and today."})
    records = list(request.records.all())
    if any(r.decision == RecordDecision.PENDING for r in records):
        raise ValidationError("Decide every record (responsive, not responsive or withheld) first.")
    if Redaction.objects.filter(
        record__request=request,
        record__decision=RecordDecision.RESPONSIVE,
        decision=RedactionDecision.SUGGESTED,
    ).exists():
        raise ValidationError("Accept or reject every suggested redaction first.")
    late = issued_on > request.due_on
    rules = public_records_rules()
    if late and any(
        rules.exemption(r.exemption_code).undue_burden
        for r in records
        if r.decision == RecordDecision.WITHHELD
    ):
        raise ValidationError(
            "A late response may not claim the request is unduly burdensome "
            f"({rules.late_response_citation})."
        )
    try:
        fee = fee_quote(
            rules=rules.fees,
            paper_pages=paper_pages,
            electronic=request.medium == Medium.ELECTRONIC,
            late=late,
        )
    except FeeError as exc:
        raise ValidationError({"paper_pages": str(exc)}) from None
    kind = _response_kind(request)
    content = compose_letter(
        request=request,
        kind=kind,
        issuer=actor,
        issued_on=issued_on,
        fee=fee,
        released_titles=[r.title for r in records if r.decision == RecordDecision.RESPONSIVE],
    )
    letter = ResponseLetter.objects.create(
        request=request,
        kind=kind,
        issued_on=issued_on,
        issued_by=actor,
        html=content.html,
        text=content.text,
        fee_cents=fee.cents,
        paper_pages=paper_pages,
    )
    request.status = RESPONSE_STATUS[kind]
    request.responded_on = issued_on
    request.response_kind = kind
    request.save(update_fields=["status", "responded_on", "response_kind"])
    audit_record(
        actor=actor,
        action=AuditAction.RECORDS_REQUEST_RESPONDED,
        subject_type="records_request",
        subject_id=request.pk,
        after={"kind": kind, "issued_on": issued_on, "late": late, "fee_cents": fee.cents},
    )
    return letter


@transaction.atomic
def package_download_record(*, actor: User | None, request_id: int, public: bool) -> None:
    """Record that a release package was read (by staff, or from the public library)."""
    audit_record(
        actor=actor,
        actor_label=None if actor else "public library",
        action=AuditAction.RECORDS_PACKAGE_DOWNLOADED,
        subject_type="records_request",
        subject_id=request_id,
        after={"public": public},
    )


@transaction.atomic
def request_publish(*, actor: User, request_id: int) -> RecordsRequest:
    """Put the released records in the public library (never a sealed case's)."""
    require_handler(actor)
    request = RecordsRequest.objects.select_for_update().filter(pk=request_id).first()
    if request is None:
        raise RecordsRequest.DoesNotExist("Records request not found.")
    if request.response_kind not in {ResponseKind.GRANT, ResponseKind.PARTIAL}:
        raise ValidationError("Only a granted or partly granted response can be published.")
    released = request.records.filter(decision=RecordDecision.RESPONSIVE)
    if not released.exists():
        raise ValidationError("Nothing was released, so there is nothing to publish.")
    if any(r.case_id is not None and is_sealed(r.case_id) for r in released):
        raise ValidationError("A released record's case is now sealed; it cannot be published.")
    request.published_at = timezone.now()
    request.save(update_fields=["published_at"])
    audit_record(
        actor=actor,
        action=AuditAction.RECORDS_PACKAGE_PUBLISHED,
        subject_type="records_request",
        subject_id=request.pk,
        after={"published_at": request.published_at},
    )
    return request


@transaction.atomic
def appeal_record(
    *,
    actor: User,
    request_id: int,
    kind: str,
    filed_on: dt.date,
    notice_received_on: dt.date,
    reference: str = "",
) -> Appeal:
    """A PAC review or a suit, with the office's deadlines when the PAC asks for the records."""
    require_handler(actor)
    rules = public_records_rules()
    request = RecordsRequest.objects.select_for_update().filter(pk=request_id).first()
    if request is None:
        raise RecordsRequest.DoesNotExist("Records request not found.")
    if kind not in AppealKind.values:
        raise ValidationError({"kind": "Choose a PAC review or judicial review."})
    today = timezone.localdate()
    if filed_on > today or notice_received_on > today or notice_received_on < filed_on:
        raise ValidationError(
            {"notice_received_on": "Dates must be in the past, notice on or after filing."}
        )
    # No answer by the due date counts as a denial from that day.
    denied_on = request.responded_on or request.due_on
    if kind == AppealKind.PAC_REVIEW and filed_on > denied_on + dt.timedelta(
        days=rules.pac_request_window_days
    ):
        raise ValidationError(
            {
                "filed_on": (
                    f"A PAC review must be requested within {rules.pac_request_window_days} days "
                    f"of the denial ({rules.pac_request_window_citation})."
                )
            }
        )
    calendar = business_calendar()
    pac = kind == AppealKind.PAC_REVIEW
    appeal = Appeal.objects.create(
        request=request,
        kind=kind,
        reference=_clean_text(reference, "reference", limit=100),
        filed_on=filed_on,
        notice_received_on=notice_received_on,
        records_due_on=calendar.add_business_days(
            notice_received_on, rules.pac_records_business_days
        ).due
        if pac
        else None,
        answer_due_on=calendar.add_business_days(
            notice_received_on, rules.pac_answer_business_days
        ).due
        if pac
        else None,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.RECORDS_APPEAL_RECORDED,
        subject_type="records_request",
        subject_id=request.pk,
        after={
            "appeal": appeal.pk,
            "kind": kind,
            "filed_on": filed_on,
            "records_due_on": appeal.records_due_on,
            "answer_due_on": appeal.answer_due_on,
        },
    )
    return appeal


@transaction.atomic
def appeal_close(*, actor: User, appeal_id: int, closed_on: dt.date, outcome: str) -> Appeal:
    require_handler(actor)
    appeal = Appeal.objects.select_for_update().filter(pk=appeal_id).first()
    if appeal is None:
        raise Appeal.DoesNotExist("Appeal not found.")
    if appeal.closed_on is not None:
        raise ValidationError("This appeal is already closed.")
    if closed_on > timezone.localdate() or closed_on < appeal.filed_on:
        raise ValidationError({"closed_on": "The closing date must be between filing and today."})
    appeal.closed_on = closed_on
    appeal.outcome = _clean_text(outcome, "outcome", limit=MAX_NOTE, required=True)
    appeal.save(update_fields=["closed_on", "outcome"])
    audit_record(
        actor=actor,
        action=AuditAction.RECORDS_APPEAL_CLOSED,
        subject_type="records_request",
        subject_id=appeal.request_id,
        after={"appeal": appeal.pk, "closed_on": closed_on, "outcome": appeal.outcome},
    )
    return appeal
