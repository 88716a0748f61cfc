"""Generated, fictional case history so that lists and search look like a working office.

Names are drawn from small invented lists and combined at random; no row describes a real
person. Everything is written through the audited services, as real data would be.
"""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from django.db import transaction

from evenhand.accounts.models import User
from evenhand.cases import services as cases
from evenhand.cases.models import CaseEventKind, CaseStatus, ParticipantRole
from evenhand.jurisdictions.ruleset import active_ruleset

FIRST_NAMES = (
    "Avery",
    "Blake",
    "Corin",
    "Dale",
    "Emery",
    "Frankie",
    "Gale",
    "Harlow",
    "Indy",
    "Jessie",
    "Kendall",
    "Lane",
    "Marlo",
    "Noel",
    "Oakley",
    "Perry",
    "Quinn",
    "Remy",
    "Sasha",
    "Tatum",
    "Umi",
    "Vesper",
    "Wren",
    "Xan",
    "Yael",
    "Zion",
    "Arden",
    "Briar",
    "Cove",
    "Dorian",
)
LAST_NAMES = (
    "Ashgrove",
    "Brennick",
    "Calloway",
    "Dreyfuss",
    "Ellery",
    "Fenwick",
    "Garrity",
    "Holloway",
    "Ivers",
    "Jessop",
    "Kinsella",
    "Lockhart",
    "Merriweather",
    "Northcote",
    "Ormsby",
    "Pell",
    "Quarles",
    "Redfern",
    "Stanhope",
    "Thornbury",
    "Upfield",
    "Vantassel",
    "Whitcombe",
    "Yardley",
    "Zeller",
    "Ambrose",
    "Birchall",
    "Coldwell",
    "Dunstan",
    "Everly",
)
BATCH = 50


def generate_history(*, actor: User, count: int, seed: int = 2019) -> int:
    """Open `count` fictional cases from 2017–2019 with defendants, charges and events."""
    rng = random.Random(seed)
    statutes = list(active_ruleset().statutes)
    tz = ZoneInfo("America/Chicago")
    start = dt.date(2017, 1, 2)
    made = 0
    while made < count:
        with transaction.atomic():
            for _ in range(min(BATCH, count - made)):
                received = start + dt.timedelta(days=rng.randrange(365 * 3))
                _one_case(actor=actor, rng=rng, statutes=statutes, received=received, tz=tz)
                made += 1
    return made


def _one_case(
    *, actor: User, rng: random.Random, statutes: list[str], received: dt.date, tz: ZoneInfo
) -> None:
    defendants = [
        cases.person_create(
            actor=actor, first_name=rng.choice(FIRST_NAMES), last_name=rng.choice(LAST_NAMES)
        )
        for _ in range(rng.choice((1, 1, 1, 2, 3)))
    ]
    statute_key = rng.choice(statutes)
    statute = active_ruleset().statute(statute_key)
    lead = defendants[0]
    case = cases.case_open(
        actor=actor,
        title=f"People v. {lead.first_name} {lead.last_name}",
        received_on=received,
        summary=f"Referral: {statute.title.lower()}.",
    )
    cases.case_event_record(
        actor=actor,
        case_id=case.pk,
        kind=CaseEventKind.REPORT_RECEIVED,
        occurred_at=dt.datetime.combine(received, dt.time(rng.randrange(7, 20)), tzinfo=tz),
        summary="Police referral received by Felony Review.",
    )
    victim = cases.person_create(
        actor=actor, first_name=rng.choice(FIRST_NAMES), last_name=rng.choice(LAST_NAMES)
    )
    cases.participant_add(actor=actor, case_id=case.pk, person=victim, role=ParticipantRole.VICTIM)
    outcome = rng.random()
    participants = [
        cases.participant_add(
            actor=actor, case_id=case.pk, person=person, role=ParticipantRole.DEFENDANT
        )
        for person in defendants
    ]
    if outcome < 0.15:
        return  # still at intake
    if outcome < 0.25:
        cases.case_update(actor=actor, case_id=case.pk, status=CaseStatus.FELONY_REVIEW)
        return
    filed_on = received + dt.timedelta(days=rng.randrange(1, 30))
    for participant in participants:
        cases.charges_file(
            actor=actor,
            case_id=case.pk,
            participant_id=participant.pk,
            statute_key=statute_key,
            counts=rng.choice((1, 1, 1, 2, 2, 3, 4, 6)),
            filed_on=filed_on,
        )
    if outcome > 0.7:
        cases.case_event_record(
            actor=actor,
            case_id=case.pk,
            kind=CaseEventKind.HEARING,
            occurred_at=dt.datetime.combine(
                filed_on + dt.timedelta(days=rng.randrange(20, 200)), dt.time(10), tzinfo=tz
            ),
            summary="Case disposed at hearing.",
        )
        cases.case_update(actor=actor, case_id=case.pk, status=CaseStatus.DISPOSED)
