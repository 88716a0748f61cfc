"""Answering a request and releasing what it grants: the response letter (its kind follows
from the record decisions; a late answer may neither claim undue burden nor charge a fee), the
record of each package download, and publication in the public library.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from evenhand.accounts.models import User
from evenhand.audit.models import AuditAction
from evenhand.audit.services import audit_record
from evenhand.sealing.selectors import is_sealed

from ..fees import FeeError, fee_quote
from ..letters import compose_letter
from ..models import (
    Medium,
    RecordDecision,
    RecordsRequest,
    Redaction,
    RedactionDecision,
    RequestStatus,
    ResponseKind,
    ResponseLetter,
)
from ..policies import require_handler
from ..rules import public_records_rules
from .common import open_request


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
    request = open_request(request_id)
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
