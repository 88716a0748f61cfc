"""Every write of the charging workflow: referral, felony review, charging decision.

The policy is checked first (`access_case(..., CaseAction.CHARGE)`: screened users and office
staff on a case awaiting a special prosecutor are refused, and the refusal is logged), then one
atomic block writes the rows and the audit entry. Charges themselves are filed and amended by
`evenhand.cases.services` (`charges_file`, here through the dispositions app's re-prosecution
bar check, and `charge_amend`), which keep charge versions.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from evenhand.accounts.models import User
from evenhand.analytics.queries.consistency import Period, section_family
from evenhand.audit.models import AuditAction
from evenhand.audit.services import audit_record
from evenhand.cases.models import Case, CaseStatus, Charge, Participant
from evenhand.cases.services import case_open, case_update, charge_amend
from evenhand.dispositions.selectors import bar_findings
from evenhand.dispositions.services import BarWarningError, charges_file_checked
from evenhand.jurisdictions.ruleset import RulesetError, Statute, active_ruleset
from evenhand.screening.policies import CaseAction, access_case

from .consistency import Verdict, verdict_for
from .models import ChargingDecision, FelonyReview, Referral, ReviewResult

MAX_RATIONALE = 10_000


def referral_receive(
    *,
    actor: User,
    agency: str,
    received_on: dt.date,
    summary: str = "",
    officer_name: str = "",
    report_number: str = "",
    title: str = "",
    case_id: int | None = None,
) -> Referral:
    """Record a police referral: on an existing case, or opening a new one at intake."""
    if not agency.strip():
        raise ValidationError({"agency": "Name the referring agency."})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": "A referral cannot be received in the future."})
    if case_id is None and not title.strip():
        raise ValidationError({"title": "Give the new case a title."})
    case = (
        access_case(actor, case_id, CaseAction.EDIT, log_read=False)
        if case_id is not None
        else None
    )
    with transaction.atomic():
        if case is None:
            case = case_open(actor=actor, title=title, received_on=received_on, summary=summary)
        referral = Referral(
            case=case,
            agency=agency.strip(),
            officer_name=officer_name.strip(),
            report_number=report_number.strip(),
            received_on=received_on,
            summary=summary.strip(),
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        referral.full_clean()
        referral.save(force_insert=True)
        audit_record(
            actor=actor,
            action=AuditAction.REFERRAL_RECEIVED,
            subject_type="referral",
            subject_id=referral.pk,
            case_id=case.pk,
            after={
                "agency": referral.agency,
                "officer_name": referral.officer_name,
                "report_number": referral.report_number,
                "received_on": received_on,
            },
        )
        return referral


_STATUS_AFTER_REVIEW = {
    ReviewResult.APPROVED: CaseStatus.FELONY_REVIEW,
    ReviewResult.CONTINUED_INVESTIGATION: CaseStatus.FELONY_REVIEW,
    ReviewResult.REJECTED: CaseStatus.CLOSED,
}


def felony_review_record(
    *, actor: User, case_id: int, result: ReviewResult, reasons: str
) -> FelonyReview:
    """Approve, reject or send back for investigation, always with reasons."""
    case = access_case(actor, case_id, CaseAction.CHARGE, log_read=False)
    if not reasons.strip():
        raise ValidationError({"reasons": "Give the reasons for the felony-review result."})
    if case.status not in {CaseStatus.INTAKE, CaseStatus.FELONY_REVIEW}:
        raise ValidationError(
            f"Case {case.number} is {case.get_status_display().lower()}: felony review is over."
        )
    with transaction.atomic():
        review = FelonyReview(
            case=case,
            result=result,
            reasons=reasons.strip(),
            reviewer=actor,
            reviewed_at=timezone.now(),
        )
        review.full_clean()
        review.save(force_insert=True)
        audit_record(
            actor=actor,
            action=AuditAction.FELONY_REVIEW_RECORDED,
            subject_type="felony_review",
            subject_id=review.pk,
            case_id=case.pk,
            after={"result": result, "reasons": review.reasons},
        )
        case_update(actor=actor, case_id=case.pk, status=_STATUS_AFTER_REVIEW[result])
        return review


def statute_or_error(statute_key: str) -> Statute:
    try:
        return active_ruleset().statute(statute_key)
    except RulesetError as exc:
        raise ValidationError({"statute_key": str(exc)}) from exc


def existing_counts_in_section(*, participant: Participant, statute: Statute) -> int:
    """Current counts the participant already holds in the statute's section."""
    family = section_family(statute.section)
    keys = [
        s.key
        for s in active_ruleset().statutes.values()
        if (s.chapter, s.act, section_family(s.section)) == (statute.chapter, statute.act, family)
    ]
    return Charge.objects.filter(
        participant=participant, is_current=True, statute_key__in=keys
    ).count()


def _defendant(case: Case, participant_id: int) -> Participant:
    participant = (
        Participant.objects.select_related("person").filter(case=case, pk=participant_id).first()
    )
    if participant is None:
        raise ValidationError({"participant": "No such participant in this case."})
    return participant


def charging_preview(
    *,
    actor: User,
    case_id: int,
    participant_id: int,
    statute_key: str,
    counts: int,
    period: Period,
) -> Verdict:
    """The verdict a decision would get, before it is made (nothing is written)."""
    case = access_case(actor, case_id, CaseAction.CHARGE, log_read=False)
    statute = statute_or_error(statute_key)
    participant = _defendant(case, participant_id)
    total = counts + existing_counts_in_section(participant=participant, statute=statute)
    return verdict_for(statute=statute, count_total=total, period=period)


def charging_decide(
    *,
    actor: User,
    case_id: int,
    participant_id: int,
    statute_key: str,
    counts: int,
    filed_on: dt.date,
    period: Period,
    rationale: str = "",
    bar_override_reason: str = "",
    releases: tuple[str, ...] | None = None,
) -> ChargingDecision:
    """File the counts and keep the consistency verdict with them.

    Never blocked by the comparison: above the ruleset's percentile the decision needs a written
    rationale, which is stored with it and shown to reviewers. The counts are filed through the
    dispositions app's re-prosecution bar check: a barred filing needs `bar_override_reason`.
    """
    case = access_case(actor, case_id, CaseAction.CHARGE, log_read=False)
    statute = statute_or_error(statute_key)
    participant = _defendant(case, participant_id)
    if len(rationale) > MAX_RATIONALE:
        raise ValidationError({"rationale": f"At most {MAX_RATIONALE} characters."})
    total = counts + existing_counts_in_section(participant=participant, statute=statute)
    # Read-only analytics, outside the transaction: the verdict is a snapshot of history.
    verdict = verdict_for(statute=statute, count_total=total, period=period, releases=releases)
    if verdict.rationale_required and not rationale.strip():
        raise ValidationError(
            {
                "rationale": (
                    f"{total} count(s) is at the {verdict.percentile:g}th percentile of "
                    f"comparable participants, above the office's {verdict.threshold:g}th: "
                    "write the rationale for this charging decision."
                )
            }
        )
    override = bar_override_reason.strip()
    if not override and bar_findings(
        user=actor, case=case, participant=participant, statute_key=statute_key, incident_on=None
    ):
        # Outside any transaction of ours, so the bar warning it logs is kept.
        try:
            charges_file_checked(
                actor=actor,
                case_id=case.pk,
                participant_id=participant.pk,
                statute_key=statute_key,
                counts=counts,
                filed_on=filed_on,
            )
        except BarWarningError as exc:
            raise ValidationError({"bar_override_reason": str(exc)}) from exc
    with transaction.atomic():
        charges = charges_file_checked(
            actor=actor,
            case_id=case.pk,
            participant_id=participant.pk,
            statute_key=statute_key,
            counts=counts,
            filed_on=filed_on,
            override_reason=override,
        )
        snapshot = verdict.snapshot()
        decision = ChargingDecision(
            case=case,
            participant=participant,
            statute_key=statute_key,
            citation=charges[0].citation,
            offense_class=statute.offense_class,
            counts=counts,
            count_total=total,
            filed_on=filed_on,
            percentile=verdict.percentile,
            comparison_group=verdict.comparison.primary.group if verdict.has_history else "",
            comparison=snapshot,
            releases=list(verdict.comparison.releases),
            threshold=verdict.threshold,
            rationale_required=verdict.rationale_required,
            rationale=rationale.strip(),
            decided_by=actor,
            decided_at=timezone.now(),
        )
        decision.full_clean()
        decision.save(force_insert=True)
        decision.charges.set(charges)
        audit_record(
            actor=actor,
            action=AuditAction.CHARGING_DECIDED,
            subject_type="charging_decision",
            subject_id=decision.pk,
            case_id=case.pk,
            after={
                "participant": participant.pk,
                "statute_key": statute_key,
                "counts": counts,
                "count_total": total,
                "percentile": verdict.percentile,
                "comparison_group": decision.comparison_group,
                "group_sizes": {
                    group: values["participants"] for group, values in snapshot["groups"].items()
                },
                "releases": decision.releases,
                "rationale_required": decision.rationale_required,
                "rationale": decision.rationale,
            },
        )
        return decision


def charging_amend(
    *, actor: User, case_id: int, charge_id: int, statute_key: str, reason: str
) -> Charge:
    """Amend one count: a new charge version (the old one is kept), audited by the cases app."""
    return charge_amend(
        actor=actor, case_id=case_id, charge_id=charge_id, statute_key=statute_key, reason=reason
    )
