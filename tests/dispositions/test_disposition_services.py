"""Recording and correcting dispositions: validation, the access policy, optimistic locking."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from evenhand.accounts.models import Role
from evenhand.appointments.models import PetitionGround
from evenhand.appointments.services import petition_draft
from evenhand.audit.models import AuditAction, AuditEntry, AuditOutcome
from evenhand.dispositions.models import ChargeDisposition, DispositionKind
from evenhand.dispositions.services import (
    VersionConflictError,
    disposition_change,
    disposition_record,
)
from evenhand.screening.models import ScreenKind
from evenhand.screening.policies import CaseActionDeniedError, CaseNotFoundError
from evenhand.screening.services import screen_raise
from tests.factories import json_object, make_user

from .factories import World, charged_case

pytestmark = pytest.mark.django_db


def _record(world: World, **overrides: object) -> ChargeDisposition:
    arguments: dict[str, object] = {
        "actor": world.prosecutor,
        "case_id": world.case.pk,
        "charge_id": world.charges[0].pk,
        "kind": DispositionKind.NOLLE_PROSEQUI,
        "disposed_on": dt.date(2019, 3, 26),
    }
    arguments.update(overrides)
    return disposition_record(**arguments)  # type: ignore[arg-type]  # test-built kwargs


def test_a_disposition_is_recorded_and_audited() -> None:
    world = charged_case()
    disposition = _record(world)
    assert disposition.is_current
    assert disposition.version == 1
    entry = AuditEntry.objects.get(action=AuditAction.DISPOSITION_RECORDED)
    assert entry.case_id == world.case.pk
    assert json_object(entry.after)["kind"] == "nolle_prosequi"


def test_sol_needs_a_reinstatement_deadline_after_the_disposition() -> None:
    world = charged_case()
    with pytest.raises(ValidationError, match="reinstatement deadline"):
        _record(world, kind=DispositionKind.SOL)
    with pytest.raises(ValidationError, match="reinstatement deadline"):
        _record(world, kind=DispositionKind.SOL, reinstatement_deadline=dt.date(2019, 3, 1))
    sol = _record(world, kind=DispositionKind.SOL, reinstatement_deadline=dt.date(2019, 9, 26))
    assert sol.reinstatement_deadline == dt.date(2019, 9, 26)


def test_only_an_sol_has_a_reinstatement_deadline() -> None:
    world = charged_case()
    with pytest.raises(ValidationError, match="Only an SOL"):
        _record(world, reinstatement_deadline=dt.date(2019, 9, 26))


def test_performed_consideration_only_on_a_conditional_nolle_or_dismissal() -> None:
    world = charged_case()
    with pytest.raises(ValidationError, match="performed consideration"):
        _record(world, kind=DispositionKind.PLEA_AS_CHARGED, performed_consideration=True)
    nolle = _record(
        world, kind=DispositionKind.NOLLE_PROSEQUI_CONDITIONS, performed_consideration=True
    )
    assert nolle.performed_consideration


@pytest.mark.parametrize(
    ("disposed_on", "message"),
    [(dt.date(2019, 3, 1), "cannot end before"), (dt.date(2099, 1, 1), "future")],
)
def test_impossible_dates_are_refused_and_nothing_is_saved(
    disposed_on: dt.date, message: str
) -> None:
    world = charged_case()
    with pytest.raises(ValidationError, match=message):
        _record(world, disposed_on=disposed_on)
    assert not ChargeDisposition.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditAction.DISPOSITION_RECORDED).exists()


def test_a_charge_of_another_case_or_an_unknown_charge_is_refused() -> None:
    world = charged_case()
    other = charged_case(prosecutor=world.prosecutor)
    with pytest.raises(ValidationError, match="No such current charge"):
        _record(world, charge_id=other.charges[0].pk)
    with pytest.raises(ValidationError, match="No such current charge"):
        _record(world, charge_id=999_999)


def test_an_unknown_case_is_a_404_and_is_logged() -> None:
    world = charged_case()
    with pytest.raises(CaseNotFoundError):
        _record(world, case_id=987_654)
    refusal = AuditEntry.objects.filter(action=AuditAction.CASE_ACCESS_REFUSED).last()
    assert refusal is not None
    assert refusal.outcome == AuditOutcome.REFUSED


def test_a_second_disposition_of_the_same_charge_must_be_a_change() -> None:
    world = charged_case()
    _record(world)
    with pytest.raises(ValidationError, match="already disposed"):
        _record(world, kind=DispositionKind.PLEA_AS_CHARGED)


def test_a_screened_prosecutor_cannot_dispose_and_learns_nothing() -> None:
    world = charged_case()
    screened = make_user(role=Role.ASSISTANT_STATES_ATTORNEY)
    screen_raise(
        actor=make_user(role=Role.ETHICS_OFFICER),
        kind=ScreenKind.EXCLUSIONARY,
        users=[screened],
        case_ids=[world.case.pk],
        reason="Relative of the defendant",
        memo="Do not read, change, decide or discuss this case.",
    )
    with pytest.raises(CaseNotFoundError):
        _record(world, actor=screened)
    assert not ChargeDisposition.objects.exists()


def test_office_staff_cannot_dispose_while_the_case_awaits_a_special_prosecutor() -> None:
    world = charged_case()
    petition_draft(
        actor=make_user(role=Role.FIRST_ASSISTANT),
        case_id=world.case.pk,
        ground=PetitionGround.UNABLE,
        facts="The State's Attorney is unable to act in this case.",
    )
    with pytest.raises(CaseActionDeniedError):
        _record(world)
    assert not ChargeDisposition.objects.exists()


def test_a_change_with_a_stale_version_loses_with_a_clear_message() -> None:
    world = charged_case()
    disposition = _record(world)
    changed = disposition_change(
        actor=world.prosecutor,
        case_id=world.case.pk,
        disposition_id=disposition.pk,
        expected_version=1,
        kind=DispositionKind.SOL,
        disposed_on=dt.date(2019, 3, 26),
        reinstatement_deadline=dt.date(2019, 9, 1),
        reason="The witness left the state; the case is stricken with leave",
    )
    assert changed.version == 2
    with pytest.raises(VersionConflictError, match="changed by someone else"):
        disposition_change(
            actor=world.prosecutor,
            case_id=world.case.pk,
            disposition_id=disposition.pk,
            expected_version=1,
            kind=DispositionKind.NOLLE_PROSEQUI,
            disposed_on=dt.date(2019, 3, 26),
            reason="Entered as SOL by mistake",
        )
    disposition.refresh_from_db()
    assert disposition.kind == DispositionKind.SOL
    entry = AuditEntry.objects.get(action=AuditAction.DISPOSITION_CHANGED)
    assert json_object(entry.before)["kind"] == "nolle_prosequi"
    assert json_object(entry.after)["kind"] == "sol"


def _change(world: World, disposition: ChargeDisposition, **overrides: object) -> ChargeDisposition:
    arguments: dict[str, object] = {
        "actor": world.prosecutor,
        "case_id": world.case.pk,
        "disposition_id": disposition.pk,
        "expected_version": disposition.version,
        "kind": DispositionKind.NOLLE_PROSEQUI,
        "disposed_on": dt.date(2019, 3, 25),
        "note": "Corrected from the court's half sheet",
        "reason": "Date entered wrongly; the half sheet says March 25",
    }
    arguments.update(overrides)
    return disposition_change(**arguments)  # type: ignore[arg-type]  # test-built kwargs


@pytest.mark.parametrize("reason", ["", "   \n\t "])
def test_a_correction_without_a_reason_is_refused_and_nothing_changes(reason: str) -> None:
    world = charged_case()
    disposition = _record(world)

    with pytest.raises(ValidationError) as refused:
        _change(world, disposition, reason=reason)

    assert refused.value.message_dict == {"reason": ["Say why the disposition is corrected."]}
    disposition.refresh_from_db()
    assert (disposition.disposed_on, disposition.version) == (dt.date(2019, 3, 26), 1)
    assert not AuditEntry.objects.filter(action=AuditAction.DISPOSITION_CHANGED).exists()


def test_a_correction_reason_longer_than_the_bound_is_refused() -> None:
    world = charged_case()
    disposition = _record(world)

    with pytest.raises(ValidationError, match="500 characters"):
        _change(world, disposition, reason="x" * 501)

    disposition.refresh_from_db()
    assert disposition.version == 1


def test_the_audit_entry_keeps_the_reason_and_the_note_before_and_after() -> None:
    world = charged_case()
    disposition = _record(world, note="From the clerk's docket")

    _change(world, disposition, reason="  Date entered wrongly; the half sheet says March 25  ")

    entry = AuditEntry.objects.get(action=AuditAction.DISPOSITION_CHANGED)
    before, after = json_object(entry.before), json_object(entry.after)
    assert after["reason"] == "Date entered wrongly; the half sheet says March 25"
    assert (before["note"], after["note"]) == (
        "From the clerk's docket",
        "Corrected from the court's half sheet",
    )
    assert "reason" not in before
    recorded = AuditEntry.objects.get(action=AuditAction.DISPOSITION_RECORDED)
    assert json_object(recorded.after)["note"] == "From the clerk's docket"
