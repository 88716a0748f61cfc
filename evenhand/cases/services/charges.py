"""Charges: filing counts of a statute from the ruleset against a defendant, and amending a
count, which keeps the replaced version."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from evenhand.accounts.models import User
from evenhand.audit.models import AuditAction
from evenhand.audit.services import audit_record
from evenhand.jurisdictions.ruleset import RulesetError, active_ruleset
from evenhand.screening.policies import CaseAction, access_case

from ..locking import VersionConflictError
from ..models import CaseEventKind, CaseStatus, Charge, Participant, ParticipantRole
from .common import snapshot
from .events import record_event

CHARGEABLE_ROLES = frozenset({ParticipantRole.DEFENDANT})
MAX_COUNTS_PER_FILING = 999

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
        record_event(
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
        record_event(
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
