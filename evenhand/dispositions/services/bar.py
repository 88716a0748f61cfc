"""The re-prosecution bar: same-conduct links and charging with the bar checked."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from evenhand.accounts.models import User
from evenhand.audit.models import AuditAction, AuditOutcome
from evenhand.audit.services import audit_record
from evenhand.cases.models import Charge
from evenhand.cases.services import charges_file
from evenhand.screening.policies import CaseAction, access_case

from ..models import (
    BarOverride,
    SameConductLink,
)
from ..selectors import (
    BarFinding,
    bar_findings,
    participant_in_case,
)
from .common import MAX_OVERRIDE_REASON_LENGTH, MAX_SHORT_TEXT_LENGTH, bounded_text


class BarWarningError(Exception):
    """Charging this person again may be barred; an override needs a recorded reason."""

    def __init__(self, findings: list[BarFinding]) -> None:
        self.findings = findings
        super().__init__(
            "An earlier nolle prosequi for performed consideration may bar this prosecution "
            "for the same conduct. To file anyway, record the reason for the override."
        )


def same_conduct_link(*, actor: User, case_id: int, earlier_case_id: int, note: str = "") -> None:
    """Record that a case concerns the same incident as an earlier one (for the bar check);
    the note is at most MAX_SHORT_TEXT_LENGTH characters."""
    case = access_case(actor, case_id, CaseAction.EDIT, log_read=False)
    earlier = access_case(actor, earlier_case_id, CaseAction.VIEW, log_read=False)
    if earlier.pk == case.pk:
        raise ValidationError({"earlier_case": "A case cannot be linked to itself."})
    stated_note = bounded_text(note, field="note", limit=MAX_SHORT_TEXT_LENGTH, what="the note")
    with transaction.atomic():
        if SameConductLink.objects.filter(case=case, earlier_case=earlier).exists():
            raise ValidationError({"earlier_case": "The cases are already linked."})
        link = SameConductLink(
            case=case,
            earlier_case=earlier,
            note=stated_note,
            created_by=actor,
            created_at=timezone.now(),
        )
        link.full_clean()
        link.save()
        audit_record(
            actor=actor,
            action=AuditAction.SAME_CONDUCT_LINKED,
            subject_type="case",
            subject_id=case.pk,
            case_id=case.pk,
            after={"earlier_case_id": earlier.pk, "note": link.note},
        )


def charges_file_checked(
    *,
    actor: User,
    case_id: int,
    participant_id: int,
    statute_key: str,
    counts: int,
    filed_on: dt.date,
    incident_on: dt.date | None = None,
    override_reason: str = "",
) -> list[Charge]:
    """File charges as `cases.services.charges_file` does, after checking the re-prosecution
    bar. A barred filing is refused with `BarWarningError` (the warning is logged) unless an
    override reason is given (at most MAX_OVERRIDE_REASON_LENGTH characters); the override is
    recorded and audited with the charges."""
    case = access_case(actor, case_id, CaseAction.CHARGE, log_read=False)
    reason = bounded_text(
        override_reason,
        field="override_reason",
        limit=MAX_OVERRIDE_REASON_LENGTH,
        what="the reason for the override",
    )
    participant = participant_in_case(case=case, participant_id=participant_id)
    findings = bar_findings(
        user=actor,
        case=case,
        participant=participant,
        statute_key=statute_key,
        incident_on=incident_on,
    )
    if findings and not reason:
        with transaction.atomic():
            audit_record(
                actor=actor,
                action=AuditAction.BAR_WARNED,
                outcome=AuditOutcome.REFUSED,
                subject_type="participant",
                subject_id=participant.pk,
                case_id=case.pk,
                after={
                    "statute_key": statute_key,
                    "findings": [finding.as_json() for finding in findings],
                },
            )
        raise BarWarningError(findings)
    with transaction.atomic():
        charges = charges_file(
            actor=actor,
            case_id=case.pk,
            participant_id=participant.pk,
            statute_key=statute_key,
            counts=counts,
            filed_on=filed_on,
        )
        now = timezone.now()
        for finding in findings:
            override = BarOverride(
                case=case,
                participant=participant,
                barring_disposition_id=finding.disposition_id,
                statute_key=statute_key,
                reason=reason,
                created_by=actor,
                created_at=now,
            )
            override.full_clean()
            override.save()
            audit_record(
                actor=actor,
                action=AuditAction.BAR_OVERRIDDEN,
                subject_type="bar_override",
                subject_id=override.pk,
                case_id=case.pk,
                after={
                    "reason": reason,
                    "statute_key": statute_key,
                    "charge_ids": [charge.pk for charge in charges],
                    **finding.as_json(),
                },
            )
        return charges
