"""The re-prosecution bar (People v. Smollett, 2024 IL 130431): a later charge for the same
conduct after a nolle prosequi for performed consideration warns, and only a recorded reason
overrides it."""

from __future__ import annotations

import datetime as dt

import pytest

from evenhand.audit.models import AuditAction, AuditEntry, AuditOutcome
from evenhand.cases.models import Charge
from evenhand.dispositions.models import BarOverride, DispositionKind
from evenhand.dispositions.services import (
    BarWarningError,
    charges_file_checked,
    disposition_record,
    same_conduct_link,
)
from tests.factories import json_object

from .factories import FALSE_REPORT, RETAIL_THEFT, World, charged_case

pytestmark = pytest.mark.django_db


def _nolle_for_performed_terms(world: World) -> None:
    for charge in world.charges:
        disposition_record(
            actor=world.prosecutor,
            case_id=world.case.pk,
            charge_id=charge.pk,
            kind=DispositionKind.NOLLE_PROSEQUI_CONDITIONS,
            disposed_on=dt.date(2019, 3, 26),
            performed_consideration=True,
            conditions="15 hours of community service; $10,000 bond forfeited",
        )


def _second_case(first: World) -> World:
    """The same person as defendant in a new case (first charged with something else)."""
    return charged_case(
        prosecutor=first.prosecutor,
        defendant=first.defendant,
        statute_key=RETAIL_THEFT,
        counts=1,
        received_on=dt.date(2020, 2, 11),
        filed_on=dt.date(2020, 2, 11),
    )


def _file(world: World, **extra: object) -> list[Charge]:
    arguments: dict[str, object] = {
        "actor": world.prosecutor,
        "case_id": world.case.pk,
        "participant_id": world.defendant.pk,
        "statute_key": FALSE_REPORT,
        "counts": 6,
        "filed_on": dt.date(2020, 2, 11),
    }
    arguments.update(extra)
    return charges_file_checked(**arguments)  # type: ignore[arg-type]  # test-built kwargs


def test_the_same_statute_against_the_same_person_warns_and_files_nothing() -> None:
    first = charged_case(counts=16)
    _nolle_for_performed_terms(first)
    second = _second_case(first)
    before = Charge.objects.count()
    with pytest.raises(BarWarningError) as caught:
        _file(second)
    assert Charge.objects.count() == before
    [finding] = caught.value.findings
    assert finding.earlier_case_label == first.case.number
    assert "performed consideration" in finding.disposition_label
    assert "2024 IL 130431" in finding.authority
    warned = AuditEntry.objects.get(action=AuditAction.BAR_WARNED)
    assert warned.outcome == AuditOutcome.REFUSED
    assert warned.case_id == second.case.pk


def test_an_override_with_a_reason_files_and_is_recorded() -> None:
    first = charged_case(counts=16)
    _nolle_for_performed_terms(first)
    second = _second_case(first)
    charges = _file(second, override_reason="The agreement was void: terms misrepresented.")
    assert len(charges) == 6
    override = BarOverride.objects.get()
    assert override.reason == "The agreement was void: terms misrepresented."
    assert override.barring_disposition.charge.case_id == first.case.pk
    entry = AuditEntry.objects.get(action=AuditAction.BAR_OVERRIDDEN)
    assert json_object(entry.after)["reason"] == override.reason


def test_a_blank_reason_is_no_override() -> None:
    first = charged_case()
    _nolle_for_performed_terms(first)
    with pytest.raises(BarWarningError):
        _file(_second_case(first), override_reason="   ")


def test_a_plain_nolle_does_not_bar() -> None:
    first = charged_case()
    for charge in first.charges:
        disposition_record(
            actor=first.prosecutor,
            case_id=first.case.pk,
            charge_id=charge.pk,
            kind=DispositionKind.NOLLE_PROSEQUI,
            disposed_on=dt.date(2019, 3, 26),
        )
    assert len(_file(_second_case(first))) == 6


def test_an_incident_outside_the_window_and_another_statute_do_not_bar() -> None:
    first = charged_case()
    _nolle_for_performed_terms(first)
    second = _second_case(first)
    assert len(_file(second, incident_on=dt.date(2020, 1, 30))) == 6
    assert len(_file(second, statute_key=RETAIL_THEFT, counts=1)) == 1


def test_an_incident_inside_the_window_bars() -> None:
    first = charged_case()
    _nolle_for_performed_terms(first)
    with pytest.raises(BarWarningError, match="bar"):
        _file(_second_case(first), incident_on=dt.date(2019, 1, 29))


def test_a_recorded_same_conduct_link_bars_any_statute() -> None:
    first = charged_case()
    _nolle_for_performed_terms(first)
    second = _second_case(first)
    same_conduct_link(
        actor=first.prosecutor,
        case_id=second.case.pk,
        earlier_case_id=first.case.pk,
        note="Same false report of 29 January 2019",
    )
    with pytest.raises(BarWarningError) as caught:
        _file(second, statute_key=RETAIL_THEFT, counts=1)
    assert "recorded as the same conduct" in caught.value.findings[0].why
