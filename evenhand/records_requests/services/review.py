"""Finding and reviewing the records a request covers: the searches run for it, sealed cases
withheld by number, records added to the review with the detector's suggested redactions, and
each record's decision (responsive, not responsive, or withheld with an exemption).

A sealed case's records never enter the review: only its case number is noted as withheld.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from evenhand.accounts.models import User
from evenhand.audit.models import AuditAction
from evenhand.audit.services import audit_record
from evenhand.redaction.detect import detect
from evenhand.sealing.selectors import is_sealed, sealed_case_ids

from ..models import RecordDecision, RecordsRequest, Redaction, ReviewedRecord, WithheldCase
from ..policies import require_handler
from ..rules import public_records_rules
from ..sources import SourceRecord, load_source
from .common import MAX_NOTE, clean_text, known_exemption_code, open_request, record_for_update


class RecordSealedError(Exception):
    """The record belongs to a sealed case; its case number was noted as withheld."""


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
    request = open_request(request_id)
    request.search_query = clean_text(query, "query", limit=500)
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
    request = open_request(request_id)
    number = clean_text(case_number, "case_number", limit=32, required=True)
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
            _note_withheld(open_request(request_id), sealed)
        msg = f"This record belongs to sealed case {', '.join(sealed)}; it is withheld."
        raise RecordSealedError(msg)
    return _record_add(actor=actor, request_id=request_id, source_kind=kind, source=source)


@transaction.atomic
def _record_add(
    *, actor: User, request_id: int, source_kind: str, source: SourceRecord
) -> ReviewedRecord:
    request = open_request(request_id)
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


@transaction.atomic
def record_decide(
    *, actor: User, record_id: int, decision: str, exemption_code: str = "", basis: str = ""
) -> ReviewedRecord:
    """Responsive (released, with redactions), not responsive, or withheld in full with an
    exemption and the facts that support it."""
    require_handler(actor)
    record = record_for_update(record_id)
    if decision not in RecordDecision.values or decision == RecordDecision.PENDING:
        raise ValidationError({"decision": "Choose responsive, not responsive or withheld."})
    code = ""
    basis = clean_text(basis, "basis", limit=MAX_NOTE * 4)
    if decision == RecordDecision.WITHHELD:
        code = known_exemption_code(exemption_code, "exemption_code")
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
