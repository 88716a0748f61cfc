"""Dispositions of charges: record and correct (with the version read)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from evenhand.accounts.models import User
from evenhand.audit.models import AuditAction
from evenhand.audit.services import audit_record
from evenhand.cases.models import Charge
from evenhand.screening.policies import CaseAction, access_case

from ..models import (
    AGREEMENT_KINDS,
    ChargeDisposition,
    DispositionKind,
)
from .common import (
    MAX_TEXT_LENGTH,
    VersionConflictError,
    bounded_text,
    no_future,
    required_reason,
)


def _check_disposition(
    *,
    charge: Charge,
    kind: DispositionKind,
    disposed_on: dt.date,
    performed_consideration: bool,
    reinstatement_deadline: dt.date | None,
) -> None:
    no_future(disposed_on, "disposed_on")
    if disposed_on < charge.filed_on:
        raise ValidationError(
            {"disposed_on": f"The charge was filed on {charge.filed_on}; it cannot end before."}
        )
    if performed_consideration and kind not in AGREEMENT_KINDS:
        raise ValidationError(
            {
                "performed_consideration": (
                    "Only a nolle prosequi with conditions or a dismissal can be given for "
                    "performed consideration."
                )
            }
        )
    if kind == DispositionKind.SOL:
        if reinstatement_deadline is None or reinstatement_deadline <= disposed_on:
            raise ValidationError(
                {
                    "reinstatement_deadline": (
                        "An SOL needs a reinstatement deadline after the disposition date."
                    )
                }
            )
    elif reinstatement_deadline is not None:
        raise ValidationError(
            {"reinstatement_deadline": "Only an SOL has a reinstatement deadline."}
        )


def _bounded_terms(conditions: str, note: str) -> tuple[str, str]:
    """A disposition's conditions and note as stored: trimmed, each at most MAX_TEXT_LENGTH."""
    return (
        bounded_text(conditions, field="conditions", limit=MAX_TEXT_LENGTH, what="the conditions"),
        bounded_text(note, field="note", limit=MAX_TEXT_LENGTH, what="the note"),
    )


def _disposition_snapshot(disposition: ChargeDisposition) -> dict[str, object]:
    return {
        "charge_id": disposition.charge_id,
        "kind": disposition.kind,
        "disposed_on": disposition.disposed_on,
        "performed_consideration": disposition.performed_consideration,
        "conditions": disposition.conditions,
        "reinstatement_deadline": disposition.reinstatement_deadline,
        "enrolment_id": disposition.enrolment_id,
        "note": disposition.note,
        "version": disposition.version,
    }


def disposition_record(
    *,
    actor: User,
    case_id: int,
    charge_id: int,
    kind: DispositionKind,
    disposed_on: dt.date,
    performed_consideration: bool = False,
    conditions: str = "",
    reinstatement_deadline: dt.date | None = None,
    note: str = "",
) -> ChargeDisposition:
    """Record how a current charge ended. A charge already disposed is changed with
    `disposition_change` (which checks the version) instead. The conditions and the note are
    each at most MAX_TEXT_LENGTH characters."""
    case = access_case(actor, case_id, CaseAction.DISPOSE, log_read=False)
    conditions, note = _bounded_terms(conditions, note)
    kind = DispositionKind(kind)
    with transaction.atomic():
        charge = (
            Charge.objects.select_for_update()
            .filter(case=case, pk=charge_id, is_current=True)
            .first()
        )
        if charge is None:
            raise ValidationError({"charge": "No such current charge in this case."})
        _check_disposition(
            charge=charge,
            kind=kind,
            disposed_on=disposed_on,
            performed_consideration=performed_consideration,
            reinstatement_deadline=reinstatement_deadline,
        )
        existing = ChargeDisposition.objects.filter(charge=charge, is_current=True).first()
        if existing is not None:
            raise ValidationError(
                {
                    "charge": (
                        f"Count {charge.count_number} is already disposed "
                        f"({existing.get_kind_display()}); change that disposition instead."
                    )
                }
            )
        now = timezone.now()
        disposition = ChargeDisposition(
            charge=charge,
            kind=kind,
            disposed_on=disposed_on,
            performed_consideration=performed_consideration,
            conditions=conditions,
            reinstatement_deadline=reinstatement_deadline,
            note=note,
            recorded_by=actor,
            recorded_at=now,
            updated_at=now,
        )
        disposition.full_clean()
        disposition.save()
        audit_record(
            actor=actor,
            action=AuditAction.DISPOSITION_RECORDED,
            subject_type="charge_disposition",
            subject_id=disposition.pk,
            case_id=case.pk,
            after=_disposition_snapshot(disposition),
        )
        return disposition


def disposition_change(
    *,
    actor: User,
    case_id: int,
    disposition_id: int,
    expected_version: int,
    kind: DispositionKind,
    disposed_on: dt.date,
    performed_consideration: bool = False,
    conditions: str = "",
    reinstatement_deadline: dt.date | None = None,
    note: str = "",
    reason: str,
) -> ChargeDisposition:
    """Correct a current disposition, saying why (the reason goes into the audit entry);
    refused if it changed since `expected_version`. The conditions and the note are bounded as
    `disposition_record` bounds them."""
    case = access_case(actor, case_id, CaseAction.DISPOSE, log_read=False)
    stated = required_reason(reason, ask="Say why the disposition is corrected.")
    conditions, note = _bounded_terms(conditions, note)
    kind = DispositionKind(kind)
    with transaction.atomic():
        disposition = (
            ChargeDisposition.objects.select_related("charge")
            .filter(pk=disposition_id, charge__case=case, is_current=True)
            .first()
        )
        if disposition is None:
            raise ValidationError({"disposition": "No such current disposition in this case."})
        _check_disposition(
            charge=disposition.charge,
            kind=kind,
            disposed_on=disposed_on,
            performed_consideration=performed_consideration,
            reinstatement_deadline=reinstatement_deadline,
        )
        before = _disposition_snapshot(disposition)
        changed = ChargeDisposition.objects.filter(
            pk=disposition.pk, version=expected_version
        ).update(
            kind=kind,
            disposed_on=disposed_on,
            performed_consideration=performed_consideration,
            conditions=conditions,
            reinstatement_deadline=reinstatement_deadline,
            note=note,
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        if changed == 0:
            raise VersionConflictError("disposition")
        disposition.refresh_from_db()
        audit_record(
            actor=actor,
            action=AuditAction.DISPOSITION_CHANGED,
            subject_type="charge_disposition",
            subject_id=disposition.pk,
            case_id=case.pk,
            before=before,
            after={**_disposition_snapshot(disposition), "reason": stated},
        )
        return disposition
