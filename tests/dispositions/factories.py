"""Worlds for the dispositions tests, built through the audited services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from evenhand.accounts.models import Role, User
from evenhand.cases import services as case_services
from evenhand.cases.models import Case, Charge, Participant, ParticipantRole
from evenhand.dispositions.models import ConsentState, Enrolment, Term, TermKind
from evenhand.dispositions.services import enrolment_create, term_add
from tests.factories import add_participant, make_case, make_user

FALSE_REPORT = "720-5/26-1(a)(4)"
RETAIL_THEFT = "720-5/16-25(a)(1)"
ROBBERY = "720-5/18-1(a)"
BATTERY = "720-5/12-3"
POSSESSION = "720-570/402(c)"
FIRST_DEGREE_MURDER = "720-5/9-1(a)(1)"


@dataclass
class World:
    prosecutor: User
    case: Case
    defendant: Participant
    charges: list[Charge]


def charged_case(
    *,
    statute_key: str = FALSE_REPORT,
    counts: int = 2,
    prosecutor: User | None = None,
    defendant: Participant | None = None,
    received_on: dt.date = dt.date(2019, 1, 29),
    filed_on: dt.date = dt.date(2019, 3, 7),
) -> World:
    """A case with one defendant charged; with `defendant`, the same person in a new case."""
    actor = prosecutor or make_user(role=Role.ASSISTANT_STATES_ATTORNEY)
    case = make_case(actor=actor, received_on=received_on)
    if defendant is None:
        participant = add_participant(case, actor=actor, first_name="Jordan", last_name="Vale")
    else:
        participant = case_services.participant_add(
            actor=actor, case_id=case.pk, person=defendant.person, role=ParticipantRole.DEFENDANT
        )
    charges = case_services.charges_file(
        actor=actor,
        case_id=case.pk,
        participant_id=participant.pk,
        statute_key=statute_key,
        counts=counts,
        filed_on=filed_on,
    )
    return World(prosecutor=actor, case=case, defendant=participant, charges=charges)


def enrol(
    world: World,
    *,
    programme: str = "alternative_disposition",
    starts_on: dt.date = dt.date(2019, 3, 20),
    ends_on: dt.date = dt.date(2019, 6, 30),
    attestation: str = "",
) -> Enrolment:
    return enrolment_create(
        actor=world.prosecutor,
        case_id=world.case.pk,
        participant_id=world.defendant.pk,
        programme=programme,
        starts_on=starts_on,
        ends_on=ends_on,
        consent_state_attorney=ConsentState.GIVEN,
        consent_defendant=ConsentState.GIVEN,
        prior_record_attestation=attestation,
    )


def add_term(
    world: World,
    enrolment: Enrolment,
    *,
    kind: TermKind = TermKind.COMMUNITY_SERVICE,
    amount: str | None = "15",
    due_on: dt.date = dt.date(2019, 4, 30),
) -> Term:
    return term_add(
        actor=world.prosecutor,
        enrolment_id=enrolment.pk,
        kind=kind,
        required_amount=Decimal(amount) if amount is not None else None,
        due_on=due_on,
    )
