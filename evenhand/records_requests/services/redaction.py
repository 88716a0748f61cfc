"""Redactions of a reviewed record: a span the officer draws by hand, and the officer's
decision on each suggestion (accept and redact, or reject and release), each under an
exemption code.

The kept original is never changed: a redaction is a span over it, applied when the release
package is built.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from evenhand.accounts.models import User
from evenhand.audit.models import AuditAction
from evenhand.audit.services import audit_record

from ..models import Redaction, RedactionDecision
from ..policies import require_handler
from .common import known_exemption_code, record_for_update


@transaction.atomic
def redaction_propose(
    *, actor: User, record_id: int, start: int, end: int, exemption: str
) -> Redaction:
    """A redaction the officer draws by hand (accepted at once: the officer chose it)."""
    require_handler(actor)
    record = record_for_update(record_id)
    length = len(record.original_text)
    if not 0 <= start < end <= length:
        raise ValidationError(
            {"start": f"The span {start}-{end} is outside the record ({length} characters)."}
        )
    code = known_exemption_code(exemption, "exemption")
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
    record = record_for_update(redaction.record_id)
    code = (
        known_exemption_code(exemption, "exemption") if exemption.strip() else redaction.exemption
    )
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
