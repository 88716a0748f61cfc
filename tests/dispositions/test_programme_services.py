"""Enrolment, structured terms, the completion log, completion's disposition, and the lists."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from evenhand.accounts.models import Role
from evenhand.audit.models import AuditAction, AuditEntry
from evenhand.dispositions.models import (
    ChargeDisposition,
    ConsentState,
    DispositionKind,
    Enrolment,
    EnrolmentStatus,
    Term,
    TermEntry,
    TermEntryKind,
    TermKind,
    TermStatus,
)
from evenhand.dispositions.selectors import due_soon_terms, overdue_terms
from evenhand.dispositions.services import (
    VersionConflictError,
    disposition_record,
    enrolment_complete,
    enrolment_create,
    enrolment_end_unsuccessfully,
    term_add,
    term_change,
    term_entry_log,
)
from evenhand.screening.policies import CaseNotFoundError
from tests.factories import json_object, make_user

from .factories import RETAIL_THEFT, ROBBERY, World, add_term, charged_case, enrol

pytestmark = pytest.mark.django_db


def _log(world: World, term: Term, amount: str | None, **extra: object) -> TermEntry:
    term.refresh_from_db()
    arguments: dict[str, object] = {
        "actor": world.prosecutor,
        "term_id": term.pk,
        "expected_version": term.version,
        "kind": TermEntryKind.HOURS,
        "amount": Decimal(amount) if amount is not None else None,
        "occurred_on": dt.date(2019, 4, 1),
    }
    arguments.update(extra)
    return term_entry_log(**arguments)  # type: ignore[arg-type]  # test-built kwargs


def test_enrolment_stores_the_explanation_it_was_given() -> None:
    world = charged_case()
    enrolment = enrol(world)
    assert enrolment.status == EnrolmentStatus.ACTIVE
    assert {row["outcome"] for row in enrolment.eligibility} == {"met"}
    entry = AuditEntry.objects.get(action=AuditAction.ENROLMENT_CREATED)
    assert json_object(entry.after)["programme"] == "alternative_disposition"


def test_an_ineligible_enrolment_is_refused_with_every_reason() -> None:
    world = charged_case(statute_key=ROBBERY)
    with pytest.raises(ValidationError) as caught:
        enrol(world, programme="offender_initiative", ends_on=dt.date(2020, 3, 20))
    text = " ".join(caught.value.messages)
    assert "Violent offence charged" in text
    assert "attestation" in text
    assert not Enrolment.objects.exists()


def test_an_attested_record_and_a_listed_offence_enrol_in_oip() -> None:
    world = charged_case(statute_key=RETAIL_THEFT)
    enrolment = enrol(
        world,
        programme="offender_initiative",
        ends_on=dt.date(2020, 3, 20),
        attestation="State criminal-history report checked on 2019-03-18: no felony.",
    )
    assert enrolment.programme == "offender_initiative"


def test_an_enrolment_ending_before_it_starts_is_refused() -> None:
    world = charged_case()
    with pytest.raises(ValidationError, match="cannot end before"):
        enrol(world, ends_on=dt.date(2019, 3, 1))


def test_an_unknown_programme_is_refused() -> None:
    world = charged_case()
    with pytest.raises(ValidationError, match="Unknown programme"):
        enrol(world, programme="boot_camp")


def test_consent_refused_blocks_enrolment() -> None:
    world = charged_case()
    with pytest.raises(ValidationError, match="refused"):
        enrolment_create(
            actor=world.prosecutor,
            case_id=world.case.pk,
            participant_id=world.defendant.pk,
            programme="alternative_disposition",
            starts_on=dt.date(2019, 3, 20),
            ends_on=dt.date(2019, 6, 30),
            consent_state_attorney=ConsentState.GIVEN,
            consent_defendant=ConsentState.REFUSED,
        )


@pytest.mark.parametrize("amount", ["-5", "0", "NaN", "1.234"])
def test_terms_with_negative_or_malformed_amounts_are_refused(amount: str) -> None:
    world = charged_case()
    enrolment = enrol(world)
    with pytest.raises(ValidationError, match="amount"):
        add_term(world, enrolment, amount=amount)
    assert not Term.objects.exists()


def test_term_kinds_follow_the_programme_and_their_units() -> None:
    world = charged_case(statute_key="720-570/402(c)")
    enrolment = enrol(
        world,
        programme="drug_deferred_prosecution",
        ends_on=dt.date(2020, 4, 1),
        attestation="Criminal-history report checked",
    )
    with pytest.raises(ValidationError, match="has no bond forfeiture"):
        add_term(world, enrolment, kind=TermKind.BOND_FORFEITURE, amount="100")
    plain = charged_case()
    other = enrol(plain)
    with pytest.raises(ValidationError, match="takes no amount"):
        add_term(plain, other, kind=TermKind.NO_CONTACT, amount="3")
    with pytest.raises(ValidationError, match="amount is required"):
        add_term(plain, other, amount=None)
    with pytest.raises(ValidationError, match="within the programme"):
        add_term(plain, other, due_on=dt.date(2019, 12, 1))


def test_an_order_on_an_unknown_enrolment_is_a_404() -> None:
    world = charged_case()
    with pytest.raises(CaseNotFoundError):
        term_add(
            actor=world.prosecutor,
            enrolment_id=424_242,
            kind=TermKind.COMMUNITY_SERVICE,
            required_amount=Decimal(15),
            due_on=dt.date(2019, 4, 1),
        )


def test_hours_are_logged_until_the_term_is_met() -> None:
    world = charged_case()
    enrolment = enrol(world)
    term = add_term(world, enrolment)
    _log(world, term, "10")
    term.refresh_from_db()
    assert term.status == TermStatus.OPEN
    assert term.completed_amount == Decimal(10)
    _log(world, term, "5", occurred_on=dt.date(2019, 4, 8))
    term.refresh_from_db()
    assert term.status == TermStatus.MET
    assert term.met_on == dt.date(2019, 4, 8)


def test_completion_before_the_start_or_negative_hours_are_refused() -> None:
    world = charged_case()
    enrolment = enrol(world)
    term = add_term(world, enrolment)
    with pytest.raises(ValidationError, match="started on"):
        _log(world, term, "5", occurred_on=dt.date(2019, 3, 1))
    with pytest.raises(ValidationError, match="positive"):
        _log(world, term, "-5")
    with pytest.raises(ValidationError, match="does not log"):
        _log(world, term, "5", kind=TermEntryKind.PAYMENT)
    assert not TermEntry.objects.exists()
    term.refresh_from_db()
    assert term.completed_amount == 0


def test_a_stale_term_version_loses_and_logs_nothing() -> None:
    world = charged_case()
    enrolment = enrol(world)
    term = add_term(world, enrolment)
    _log(world, term, "5")
    with pytest.raises(VersionConflictError):
        term_entry_log(
            actor=world.prosecutor,
            term_id=term.pk,
            expected_version=1,
            kind=TermEntryKind.HOURS,
            amount=Decimal(5),
            occurred_on=dt.date(2019, 4, 2),
        )
    assert TermEntry.objects.count() == 1


def test_violations_are_counted() -> None:
    world = charged_case()
    enrolment = enrol(world)
    term = add_term(world, enrolment, kind=TermKind.NO_CONTACT, amount=None)
    _log(world, term, None, kind=TermEntryKind.VIOLATION, note="Called the witness")
    term.refresh_from_db()
    assert term.violations == 1


def test_completion_with_unmet_terms_is_refused() -> None:
    world = charged_case()
    enrolment = enrol(world)
    add_term(world, enrolment)
    with pytest.raises(ValidationError, match="not yet met"):
        enrolment_complete(
            actor=world.prosecutor,
            enrolment_id=enrolment.pk,
            expected_version=1,
            completed_on=dt.date(2019, 4, 10),
        )
    assert not ChargeDisposition.objects.exists()


def test_completion_gives_the_prescribed_disposition_for_performed_consideration() -> None:
    world = charged_case(counts=3)
    enrolment = enrol(world)
    hours = add_term(world, enrolment)
    bond = add_term(world, enrolment, kind=TermKind.BOND_FORFEITURE, amount="10000")
    _log(world, hours, "15")
    _log(world, bond, "10000", kind=TermEntryKind.PAYMENT)
    dispositions = enrolment_complete(
        actor=world.prosecutor,
        enrolment_id=enrolment.pk,
        expected_version=1,
        completed_on=dt.date(2019, 4, 10),
    )
    assert len(dispositions) == 3
    for disposition in ChargeDisposition.objects.all():
        assert disposition.kind == DispositionKind.NOLLE_PROSEQUI_CONDITIONS
        assert disposition.performed_consideration
        assert "15.00 hours" in disposition.conditions
        assert "10000.00 dollars" in disposition.conditions
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.COMPLETED


def test_completion_replaces_a_plea_under_second_chance() -> None:
    world = charged_case(statute_key=RETAIL_THEFT, counts=1)
    disposition_record(
        actor=world.prosecutor,
        case_id=world.case.pk,
        charge_id=world.charges[0].pk,
        kind=DispositionKind.PLEA_AS_CHARGED,
        disposed_on=dt.date(2019, 3, 15),
    )
    enrolment = enrol(
        world,
        programme="second_chance_probation",
        ends_on=dt.date(2021, 3, 20),
        attestation="Criminal-history report checked",
    )
    term = add_term(world, enrolment, amount="30", due_on=dt.date(2020, 3, 1))
    _log(world, term, "30")
    with pytest.raises(ValidationError, match="at least 24 months"):
        enrolment_complete(
            actor=world.prosecutor,
            enrolment_id=enrolment.pk,
            expected_version=1,
            completed_on=dt.date(2020, 3, 1),
        )
    enrolment_complete(
        actor=world.prosecutor,
        enrolment_id=enrolment.pk,
        expected_version=1,
        completed_on=dt.date(2021, 3, 20),
    )
    current = ChargeDisposition.objects.get(is_current=True)
    assert current.kind == DispositionKind.DISMISSED_BY_COURT
    assert ChargeDisposition.objects.get(is_current=False).kind == DispositionKind.PLEA_AS_CHARGED


def test_a_failed_enrolment_closes_its_open_terms() -> None:
    world = charged_case()
    enrolment = enrol(world)
    add_term(world, enrolment)
    enrolment_end_unsuccessfully(
        actor=world.prosecutor,
        enrolment_id=enrolment.pk,
        expected_version=1,
        status=EnrolmentStatus.FAILED,
        ended_on=dt.date(2019, 5, 1),
        reason="Did not report for community service",
    )
    assert set(Term.objects.values_list("status", flat=True)) == {TermStatus.CLOSED}
    with pytest.raises(ValidationError, match="failed"):
        add_term(world, enrolment)


@time_machine.travel(dt.datetime(2019, 4, 20, 12, tzinfo=dt.UTC))
def test_overdue_and_due_soon_lists_only_show_cases_the_user_may_see() -> None:
    world = charged_case()
    enrolment = enrol(world)
    late = add_term(world, enrolment, due_on=dt.date(2019, 4, 1))
    soon = add_term(world, enrolment, kind=TermKind.RESTITUTION, due_on=dt.date(2019, 4, 25))
    add_term(world, enrolment, kind=TermKind.CLASSES, amount="4", due_on=dt.date(2019, 6, 1))
    done = add_term(world, enrolment, kind=TermKind.EDUCATION, amount=None)
    term_change(
        actor=world.prosecutor,
        term_id=done.pk,
        expected_version=1,
        due_on=dt.date(2019, 4, 2),
        waive_reason="Waived by the court",
    )
    today = dt.date(2019, 4, 20)
    assert list(overdue_terms(user=world.prosecutor, today=today)) == [late]
    assert list(due_soon_terms(user=world.prosecutor, today=today, days=14)) == [soon]
    records = make_user(role=Role.RECORDS_OFFICER)
    assert list(overdue_terms(user=records, today=today)) == [late]
    assert list(overdue_terms(user=make_user(role=Role.SPECIAL_PROSECUTOR), today=today)) == []


@pytest.mark.parametrize("reason", ["", "  "])
def test_moving_a_due_date_needs_a_reason(reason: str) -> None:
    world = charged_case()
    term = add_term(world, enrol(world))

    with pytest.raises(ValidationError) as refused:
        term_change(
            actor=world.prosecutor,
            term_id=term.pk,
            expected_version=1,
            due_on=dt.date(2019, 5, 31),
            reason=reason,
        )

    assert refused.value.message_dict == {"reason": ["Say why the due date moves."]}
    term.refresh_from_db()
    assert (term.due_on, term.version) == (dt.date(2019, 4, 30), 1)
    assert not AuditEntry.objects.filter(action=AuditAction.TERM_CHANGED).exists()


def test_a_moved_due_date_records_its_reason_and_a_waiver_its_own() -> None:
    world = charged_case()
    enrolment = enrol(world)
    moved = add_term(world, enrolment)
    waived = add_term(world, enrolment, kind=TermKind.EDUCATION, amount=None)

    term_change(
        actor=world.prosecutor,
        term_id=moved.pk,
        expected_version=1,
        due_on=dt.date(2019, 5, 31),
        reason=" Extended by Judge Rosa Castellanos, order of 2019-04-12 ",
    )
    # The court's reason for a waiver is the reason; none other is asked for.
    term_change(
        actor=world.prosecutor,
        term_id=waived.pk,
        expected_version=1,
        due_on=dt.date(2019, 4, 30),
        waive_reason="Medical condition documented by the defence",
    )

    entries = {
        int(entry.subject_id): json_object(entry.after)
        for entry in AuditEntry.objects.filter(action=AuditAction.TERM_CHANGED)
    }
    assert entries[moved.pk]["due_on"] == "2019-05-31"
    assert entries[moved.pk]["reason"] == "Extended by Judge Rosa Castellanos, order of 2019-04-12"
    assert entries[waived.pk]["status"] == TermStatus.WAIVED
    assert entries[waived.pk]["waive_reason"] == "Medical condition documented by the defence"
    assert entries[waived.pk]["reason"] == ""


def test_a_term_change_reason_longer_than_the_bound_is_refused() -> None:
    world = charged_case()
    term = add_term(world, enrol(world))

    with pytest.raises(ValidationError, match="500 characters"):
        term_change(
            actor=world.prosecutor,
            term_id=term.pk,
            expected_version=1,
            due_on=dt.date(2019, 5, 31),
            reason="x" * 501,
        )

    term.refresh_from_db()
    assert term.version == 1
