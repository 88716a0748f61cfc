"""The rest of the dispositions' free text is bounded where it is written, as the end reason, a
waiver's reason and a completion note already were (test_service_bounds): a disposition's
conditions and note, the record-check attestation of an enrolment, a term's detail, a log
entry's note, a same-conduct note and the reason for overriding the re-prosecution bar.

Each service refuses text beyond its bound with a message naming the field and the bound, and
writes nothing, not even an audit entry; the bound itself is kept whole. That the forms and the
API state the same bounds is tested in test_free_text_limits_edge."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from evenhand.accounts.models import Role
from evenhand.audit.models import AuditAction, AuditEntry
from evenhand.cases.models import Charge
from evenhand.dispositions.models import (
    BarOverride,
    ChargeDisposition,
    DispositionKind,
    Enrolment,
    SameConductLink,
    Term,
    TermEntry,
    TermEntryKind,
    TermKind,
)
from evenhand.dispositions.services import (
    charges_file_checked,
    disposition_change,
    disposition_record,
    same_conduct_link,
    term_add,
    term_entry_log,
)
from evenhand.dispositions.services.common import (
    MAX_OVERRIDE_REASON_LENGTH,
    MAX_SHORT_TEXT_LENGTH,
    MAX_TEXT_LENGTH,
)
from evenhand.screening.policies import CaseNotFoundError
from tests.factories import make_user, screen_from

from .factories import FALSE_REPORT, RETAIL_THEFT, World, add_term, charged_case, enrol

pytestmark = pytest.mark.django_db

DISPOSED_ON = dt.date(2019, 3, 26)
LOGGED_ON = dt.date(2019, 4, 2)
REFILED_ON = dt.date(2020, 2, 11)
WRITTEN = (Charge, ChargeDisposition, Enrolment, Term, TermEntry, SameConductLink, BarOverride)


def _state() -> tuple[object, ...]:
    """Every row these services write (and each disposition's version and text), and the audit
    entries other than reads: a page shown again after a refusal logs its read."""
    return (
        *(model.objects.count() for model in WRITTEN),
        sorted(ChargeDisposition.objects.values_list("pk", "version", "conditions", "note")),
        AuditEntry.objects.exclude(action=AuditAction.CASE_VIEWED).count(),
    )


def _text(response: Any) -> str:
    """The page's text without tags, as a reader sees it."""
    content = response.content
    assert isinstance(content, bytes)
    return html.unescape(re.sub(r"<[^>]+>", "", content.decode()))


def _record(world: World, *, conditions: str = "", note: str = "") -> ChargeDisposition:
    return disposition_record(
        actor=world.prosecutor,
        case_id=world.case.pk,
        charge_id=world.charges[0].pk,
        kind=DispositionKind.NOLLE_PROSEQUI_CONDITIONS,
        disposed_on=DISPOSED_ON,
        conditions=conditions,
        note=note,
    )


def _change(world: World, *, conditions: str = "", note: str = "") -> ChargeDisposition:
    disposition = ChargeDisposition.objects.get(charge=world.charges[0], is_current=True)
    return disposition_change(
        actor=world.prosecutor,
        case_id=world.case.pk,
        disposition_id=disposition.pk,
        expected_version=disposition.version,
        kind=DispositionKind.NOLLE_PROSEQUI_CONDITIONS,
        disposed_on=DISPOSED_ON,
        conditions=conditions,
        note=note,
        reason="The conditions read again from the court's order",
    )


def _barred_again(world: World) -> World:
    """The same person charged again after a nolle prosequi for performed terms: the bar warns."""
    disposition_record(
        actor=world.prosecutor,
        case_id=world.case.pk,
        charge_id=world.charges[0].pk,
        kind=DispositionKind.NOLLE_PROSEQUI_CONDITIONS,
        disposed_on=DISPOSED_ON,
        performed_consideration=True,
        conditions="15 hours of community service",
    )
    return charged_case(
        prosecutor=world.prosecutor,
        defendant=world.defendant,
        statute_key=RETAIL_THEFT,
        counts=1,
        received_on=REFILED_ON,
        filed_on=REFILED_ON,
    )


def _file_despite_the_bar(world: World, reason: str) -> list[Charge]:
    return charges_file_checked(
        actor=world.prosecutor,
        case_id=world.case.pk,
        participant_id=world.defendant.pk,
        statute_key=FALSE_REPORT,
        counts=1,
        filed_on=REFILED_ON,
        override_reason=reason,
    )


# A writer is set up on a fresh case and returns what writes one text and reads back what was
# stored; the setup's own writes happen before the state is taken.
Writer = Callable[[str], str]


def _recorded_conditions(world: World) -> Writer:
    return lambda text: _record(world, conditions=text).conditions


def _recorded_note(world: World) -> Writer:
    return lambda text: _record(world, note=text).note


def _corrected_conditions(world: World) -> Writer:
    _record(world)
    return lambda text: _change(world, conditions=text).conditions


def _corrected_note(world: World) -> Writer:
    _record(world)
    return lambda text: _change(world, note=text).note


def _attestation(world: World) -> Writer:
    return lambda text: enrol(world, attestation=text).prior_record_attestation


def _term_detail(world: World) -> Writer:
    enrolment = enrol(world)
    return lambda text: (
        term_add(
            actor=world.prosecutor,
            enrolment_id=enrolment.pk,
            kind=TermKind.NO_CONTACT,
            due_on=dt.date(2019, 6, 30),
            detail=text,
        ).detail
    )


def _entry_note(world: World) -> Writer:
    term = add_term(world, enrol(world))
    return lambda text: (
        term_entry_log(
            actor=world.prosecutor,
            term_id=term.pk,
            expected_version=1,
            kind=TermEntryKind.NOTE,
            occurred_on=LOGGED_ON,
            note=text,
        ).note
    )


def _same_conduct_note(world: World) -> Writer:
    later = charged_case(prosecutor=world.prosecutor, received_on=REFILED_ON, filed_on=REFILED_ON)

    def link(text: str) -> str:
        same_conduct_link(
            actor=world.prosecutor, case_id=later.case.pk, earlier_case_id=world.case.pk, note=text
        )
        return SameConductLink.objects.get().note

    return link


def _override_reason(world: World) -> Writer:
    again = _barred_again(world)

    def file(text: str) -> str:
        _file_despite_the_bar(again, text)
        return BarOverride.objects.get().reason

    return file


@dataclass(frozen=True)
class Bounded:
    setup: Callable[[World], Writer]
    field: str
    limit: int
    what: str

    def __str__(self) -> str:
        return self.setup.__name__.strip("_")


BOUNDED = [
    Bounded(_recorded_conditions, "conditions", MAX_TEXT_LENGTH, "the conditions"),
    Bounded(_recorded_note, "note", MAX_TEXT_LENGTH, "the note"),
    Bounded(_corrected_conditions, "conditions", MAX_TEXT_LENGTH, "the conditions"),
    Bounded(_corrected_note, "note", MAX_TEXT_LENGTH, "the note"),
    Bounded(
        _attestation, "prior_record_attestation", MAX_TEXT_LENGTH, "the record-check attestation"
    ),
    Bounded(_term_detail, "detail", MAX_SHORT_TEXT_LENGTH, "the detail"),
    Bounded(_entry_note, "note", MAX_SHORT_TEXT_LENGTH, "the note"),
    Bounded(_same_conduct_note, "note", MAX_SHORT_TEXT_LENGTH, "the note"),
    Bounded(
        _override_reason,
        "override_reason",
        MAX_OVERRIDE_REASON_LENGTH,
        "the reason for the override",
    ),
]


# --- the services ----------------------------------------------------------------------------


@pytest.mark.parametrize("bounded", BOUNDED, ids=str)
def test_text_beyond_the_bound_is_refused_naming_it_and_nothing_is_written(
    bounded: Bounded,
) -> None:
    write = bounded.setup(charged_case(counts=1))
    before = _state()

    with pytest.raises(ValidationError) as refused:
        write("x" * (bounded.limit + 1))

    assert refused.value.message_dict == {
        bounded.field: [f"Keep {bounded.what} to {bounded.limit} characters at most."]
    }
    assert _state() == before


@pytest.mark.parametrize("bounded", BOUNDED, ids=str)
def test_text_of_exactly_the_bound_is_kept_whole(bounded: Bounded) -> None:
    write = bounded.setup(charged_case(counts=1))
    text = "y" * bounded.limit

    # Surrounding blanks are trimmed before counting: they are not stored.
    assert write(f"  {text}\n") == text


def test_an_over_long_override_reason_files_nothing_and_logs_no_warning() -> None:
    again = _barred_again(charged_case(counts=1))

    with pytest.raises(ValidationError, match=f"{MAX_OVERRIDE_REASON_LENGTH} characters"):
        _file_despite_the_bar(again, "r" * (MAX_OVERRIDE_REASON_LENGTH + 1))

    assert not Charge.objects.filter(case=again.case, statute_key=FALSE_REPORT).exists()
    assert not AuditEntry.objects.filter(
        action__in=[AuditAction.BAR_WARNED, AuditAction.BAR_OVERRIDDEN]
    ).exists()


@pytest.mark.parametrize(
    "write",
    [
        lambda world, user, text: disposition_record(
            actor=user,
            case_id=world.case.pk,
            charge_id=world.charges[0].pk,
            kind=DispositionKind.NOLLE_PROSEQUI,
            disposed_on=DISPOSED_ON,
            conditions=text,
        ),
        lambda world, user, text: charges_file_checked(
            actor=user,
            case_id=world.case.pk,
            participant_id=world.defendant.pk,
            statute_key=FALSE_REPORT,
            counts=1,
            filed_on=REFILED_ON,
            override_reason=text,
        ),
    ],
    ids=["disposition", "bar override"],
)
def test_the_policy_answers_before_the_text_is_judged(
    write: Callable[[World, object, str], object],
) -> None:
    world = charged_case(counts=1)
    screened = make_user(role=Role.ASSISTANT_STATES_ATTORNEY)
    screen_from(world.case.pk, screened)

    with pytest.raises(CaseNotFoundError):
        write(world, screened, "x" * (MAX_OVERRIDE_REASON_LENGTH + 1))

    assert AuditEntry.objects.filter(
        action=AuditAction.CASE_ACCESS_REFUSED, actor=screened
    ).exists()
    assert not ChargeDisposition.objects.exists()
