"""Referral, felony review and charging decision: policy, validation, audit, versions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from evenhand.accounts.models import Role
from evenhand.analytics.queries.consistency import Period
from evenhand.appointments.models import AppointeeSource, PetitionGround
from evenhand.appointments.services import court_order_record, petition_draft
from evenhand.audit.models import AuditAction, AuditEntry
from evenhand.cases.models import CaseStatus, Charge
from evenhand.charging import services
from evenhand.charging.models import ChargingDecision, ReviewResult
from evenhand.screening.models import ScreenKind
from evenhand.screening.policies import CaseActionDeniedError, CaseNotFoundError
from evenhand.screening.services import screen_raise
from tests.factories import json_object, make_user

from .factories import charging_world

pytestmark = pytest.mark.django_db
FALSE_REPORT = "720-5/26-1(a)(4)"
YEAR_2019 = Period(2019, 2019)


def _last(action: AuditAction) -> AuditEntry:
    entry = AuditEntry.objects.filter(action=action).order_by("-seq").first()
    assert entry is not None
    return entry


def test_referral_opens_a_case_at_intake_and_is_audited() -> None:
    asa = make_user()
    referral = services.referral_receive(
        actor=asa,
        agency="Chicago Police Department",
        officer_name="Ana Ruiz",
        received_on=dt.date(2019, 1, 29),
        title="People v. unknown (report by Jordan Vale)",
    )
    assert referral.case.status == CaseStatus.INTAKE
    entry = _last(AuditAction.REFERRAL_RECEIVED)
    assert entry.case_id == referral.case_id
    assert json_object(entry.after)["officer_name"] == "Ana Ruiz"


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("agency", {"agency": " ", "title": "t"}),
        ("title", {"agency": "CPD", "title": ""}),
        ("received_on", {"agency": "CPD", "title": "t", "received_on": dt.date(2999, 1, 1)}),
    ],
)
def test_referral_refuses_bad_input(field: str, kwargs: dict[str, object]) -> None:
    values: dict[str, object] = {"received_on": dt.date(2019, 1, 29), **kwargs}
    with pytest.raises(ValidationError) as caught:
        services.referral_receive(actor=make_user(), **values)  # type: ignore[arg-type]  # kwargs built per case
    assert field in caught.value.message_dict


def test_felony_review_needs_reasons_and_moves_the_case() -> None:
    world = charging_world()
    with pytest.raises(ValidationError):
        services.felony_review_record(
            actor=world.asa, case_id=world.case.pk, result=ReviewResult.APPROVED, reasons=" "
        )
    review = services.felony_review_record(
        actor=world.asa,
        case_id=world.case.pk,
        result=ReviewResult.APPROVED,
        reasons="The report is contradicted by the video evidence.",
    )
    world.case.refresh_from_db()
    assert world.case.status == CaseStatus.FELONY_REVIEW
    assert json_object(_last(AuditAction.FELONY_REVIEW_RECORDED).after)["result"] == "approved"
    assert review.reviewer == world.asa


def test_a_screened_prosecutor_cannot_review_or_charge(empty_store: Path) -> None:
    world = charging_world()
    screened = make_user(role=Role.ASSISTANT_STATES_ATTORNEY)
    screen_raise(
        actor=make_user(role=Role.ETHICS_OFFICER),
        kind=ScreenKind.EXCLUSIONARY,
        users=[screened],
        case_ids=[world.case.pk],
        reason="Relative of the complainant",
        memo="Do not touch this case.",
    )
    with pytest.raises(CaseNotFoundError):
        services.felony_review_record(
            actor=screened, case_id=world.case.pk, result=ReviewResult.APPROVED, reasons="x"
        )
    with pytest.raises(CaseNotFoundError):
        services.charging_decide(
            actor=screened,
            case_id=world.case.pk,
            participant_id=world.defendant.pk,
            statute_key=FALSE_REPORT,
            counts=1,
            filed_on=dt.date(2019, 3, 8),
            period=YEAR_2019,
        )
    refused = _last(AuditAction.CASE_ACCESS_REFUSED)
    assert refused.actor == screened
    assert not ChargingDecision.objects.exists()


def test_awaiting_appointment_refuses_office_staff_but_not_the_appointee(
    with_2019: Path,
) -> None:
    world = charging_world()
    first_assistant = make_user(role=Role.FIRST_ASSISTANT)
    petition = petition_draft(
        actor=first_assistant,
        case_id=world.case.pk,
        ground=PetitionGround.UNABLE,
        facts="The State's Attorney is unable to act.",
    )
    with pytest.raises(CaseActionDeniedError):
        services.charging_decide(
            actor=world.asa,
            case_id=world.case.pk,
            participant_id=world.defendant.pk,
            statute_key=FALSE_REPORT,
            counts=16,
            filed_on=dt.date(2019, 3, 8),
            period=YEAR_2019,
            rationale="x",
        )
    weiss = make_user(role=Role.SPECIAL_PROSECUTOR, first_name="Harold", last_name="Weiss")
    court_order_record(
        actor=first_assistant,
        petition_id=petition.pk,
        judge="Rosa Castellanos",
        order_date=timezone.localdate(),
        appointee_username=weiss.username,
        appointee_first_name="",
        appointee_last_name="",
        appointee_source=AppointeeSource.PRIVATE_COUNSEL,
    )
    decision = services.charging_decide(
        actor=weiss,
        case_id=world.case.pk,
        participant_id=world.defendant.pk,
        statute_key=FALSE_REPORT,
        counts=16,
        filed_on=dt.date(2019, 3, 8),
        period=YEAR_2019,
        rationale="Each count is a separate false statement to the police.",
    )
    assert decision.decided_by == weiss


def test_an_outlier_needs_a_rationale_which_is_stored_with_the_verdict(with_2019: Path) -> None:
    world = charging_world()
    kwargs = {
        "actor": world.asa,
        "case_id": world.case.pk,
        "participant_id": world.defendant.pk,
        "statute_key": FALSE_REPORT,
        "counts": 16,
        "filed_on": dt.date(2019, 3, 8),
        "period": YEAR_2019,
    }
    with pytest.raises(ValidationError) as caught:
        services.charging_decide(**kwargs)  # type: ignore[arg-type]  # the same kwargs twice
    assert "rationale" in caught.value.message_dict
    assert not Charge.objects.filter(case=world.case).exists()
    decision = services.charging_decide(
        **kwargs,  # type: ignore[arg-type]  # as above
        rationale="Sixteen separate false statements, each a count.",
    )
    assert decision.rationale_required
    assert decision.percentile == pytest.approx(99.3)
    assert decision.comparison_group == "section"
    assert decision.releases == ["chicagoda-2019"]
    assert decision.comparison["groups"]["section"]["participants"] == 69
    assert decision.comparison["is_highest"] is True
    assert decision.charges.count() == 16
    after = json_object(_last(AuditAction.CHARGING_DECIDED).after)
    assert after["rationale_required"] is True
    assert after["group_sizes"]["section"] == 69
    assert after["rationale"].startswith("Sixteen")


def test_an_ordinary_decision_needs_no_rationale_and_counts_existing_charges(
    with_2019: Path,
) -> None:
    world = charging_world()
    first = services.charging_decide(
        actor=world.asa,
        case_id=world.case.pk,
        participant_id=world.defendant.pk,
        statute_key=FALSE_REPORT,
        counts=1,
        filed_on=dt.date(2019, 3, 8),
        period=YEAR_2019,
    )
    assert not first.rationale_required
    assert first.count_total == 1
    # A second filing in the same section is compared as the participant's total.
    preview = services.charging_preview(
        actor=world.asa,
        case_id=world.case.pk,
        participant_id=world.defendant.pk,
        statute_key="720-5/26-1(a)(1)",
        counts=2,
        period=YEAR_2019,
    )
    assert preview.comparison.proposal.count_total == 3


def test_no_history_means_no_percentile_and_no_rationale(empty_store: Path) -> None:
    world = charging_world()
    decision = services.charging_decide(
        actor=world.asa,
        case_id=world.case.pk,
        participant_id=world.defendant.pk,
        statute_key=FALSE_REPORT,
        counts=16,
        filed_on=dt.date(2019, 3, 8),
        period=YEAR_2019,
    )
    assert decision.percentile is None
    assert decision.releases == []
    assert not decision.rationale_required


def test_amending_a_count_keeps_the_old_version(empty_store: Path) -> None:
    world = charging_world()
    decision = services.charging_decide(
        actor=world.asa,
        case_id=world.case.pk,
        participant_id=world.defendant.pk,
        statute_key=FALSE_REPORT,
        counts=2,
        filed_on=dt.date(2019, 3, 8),
        period=YEAR_2019,
    )
    old = decision.charges.order_by("count_number").first()
    assert old is not None
    new = services.charging_amend(
        actor=world.asa,
        case_id=world.case.pk,
        charge_id=old.pk,
        statute_key="720-5/26-1(a)(1)",
        reason="The report was made to a private person.",
    )
    old.refresh_from_db()
    assert (old.is_current, new.version, new.previous_id) == (False, 2, old.pk)


def test_unknown_statute_and_participant_are_refused(empty_store: Path) -> None:
    world = charging_world()
    with pytest.raises(ValidationError) as caught:
        services.charging_preview(
            actor=world.asa,
            case_id=world.case.pk,
            participant_id=world.defendant.pk,
            statute_key="no-such-statute",
            counts=1,
            period=YEAR_2019,
        )
    assert "statute_key" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.charging_preview(
            actor=world.asa,
            case_id=world.case.pk,
            participant_id=10**9,
            statute_key=FALSE_REPORT,
            counts=1,
            period=YEAR_2019,
        )
    assert "participant" in caught.value.message_dict
