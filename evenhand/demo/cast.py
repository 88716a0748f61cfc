"""The fictional cast of SCENARIO.md and the People v. Jordan Vale case as of step 3."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from evenhand.accounts.models import Role, User
from evenhand.accounts.services import user_create
from evenhand.cases import services as cases
from evenhand.cases.models import (
    AssignmentRole,
    Case,
    CaseEventKind,
    ContactChannel,
    ParticipantRole,
    Person,
    RelationshipKind,
)

CHICAGO = ZoneInfo("America/Chicago")
VALE_CASE_NUMBER = "2019-CR-000417"


@dataclass(frozen=True)
class StaffMember:
    username: str
    first_name: str
    last_name: str
    role: Role
    title: str


STAFF = (
    StaffMember("dwhitlock", "Dana", "Whitlock", Role.STATES_ATTORNEY, "State's Attorney"),
    StaffMember(
        "mkeogh", "Martin", "Keogh", Role.FIRST_ASSISTANT, "First Assistant State's Attorney"
    ),
    StaffMember(
        "praman", "Priya", "Raman", Role.ASSISTANT_STATES_ATTORNEY, "Assistant State's Attorney"
    ),
    StaffMember("epark", "Ellen", "Park", Role.RECORDS_OFFICER, "Records (FOIA) officer"),
    StaffMember("pbrandt", "Paula", "Brandt", Role.INSPECTOR_GENERAL, "County inspector general"),
    StaffMember("hweiss", "Harold", "Weiss", Role.SPECIAL_PROSECUTOR, "Attorney (external)"),
    StaffMember("ethics", "Office", "Ethics Officer", Role.ETHICS_OFFICER, "Ethics officer"),
    StaffMember("sysadmin", "System", "Administrator", Role.ADMINISTRATOR, "Administrator"),
)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=CHICAGO)


def create_staff(passwords: dict[str, str]) -> dict[str, User]:
    return {
        member.username: user_create(
            actor=None,
            username=member.username,
            password=passwords[member.username],
            role=member.role,
            first_name=member.first_name,
            last_name=member.last_name,
            title=member.title,
        )
        for member in STAFF
    }


def create_vale_case(staff: dict[str, User]) -> Case:
    """Steps 1–3 of the scenario: report, contact by a relative, the pivot."""
    raman, whitlock, keogh = staff["praman"], staff["dwhitlock"], staff["mkeogh"]

    def person(first: str, last: str, *aliases: str) -> Person:
        return cases.person_create(actor=raman, first_name=first, last_name=last, aliases=aliases)

    jordan = person("Jordan", "Vale", "J. Vale")
    tina = person("Tina", "Vale")
    cal = person("Cal", "Dunmore", "Calvin Dunmore")
    reese = person("Reese", "Dunmore")
    lang = person("Victor", "Lang")
    ruiz = person("Ana", "Ruiz")
    # Tina is never a participant, so her link to Jordan cannot be filed under the case (a
    # relationship recorded from a case joins two of its people); it comes first so that her
    # contact with the State's Attorney is checked as a contact with a participant's relative.
    cases.relationship_add(
        actor=raman, from_person=tina, to_person=jordan, kind=RelationshipKind.RELATIVE_OF
    )

    # Step 1, 29 Jan: police refer the report; Vale is the victim.
    case = cases.case_open(
        actor=raman,
        number=VALE_CASE_NUMBER,
        title="Report of an attack on Jordan Vale",
        received_on=dt.date(2019, 1, 29),
        summary="Referral from Chicago Police: Jordan Vale, 36, reports being attacked by two men.",
    )
    cases.case_assign(actor=raman, case_id=case.pk, user=raman, role=AssignmentRole.LEAD)
    cases.case_assign(actor=raman, case_id=case.pk, user=keogh, role=AssignmentRole.MEMBER)
    cases.case_event_record(
        actor=raman,
        case_id=case.pk,
        kind=CaseEventKind.REPORT_RECEIVED,
        occurred_at=at(dt.date(2019, 1, 29), 9),
        summary="Det. Ana Ruiz refers the report: Jordan Vale says he was attacked.",
    )
    vale = cases.participant_add(
        actor=raman,
        case_id=case.pk,
        person=jordan,
        role=ParticipantRole.VICTIM,
        occurred_at=at(dt.date(2019, 1, 29), 9),
    )
    cases.participant_add(
        actor=raman,
        case_id=case.pk,
        person=ruiz,
        role=ParticipantRole.REPORTING_OFFICER,
        occurred_at=at(dt.date(2019, 1, 29), 9),
    )

    # Step 2, early Feb: a relative of the victim contacts the State's Attorney.
    cases.contact_log(
        actor=whitlock,
        staff=whitlock,
        person=tina,
        case_id=case.pk,
        channel=ContactChannel.TEXT,
        occurred_at=at(dt.date(2019, 2, 1), 18),
        summary=(
            "Tina Vale asks Dana Whitlock about the investigation into the attack on Jordan Vale."
        ),
    )

    # Step 3, mid Feb: arrests and release of the Dunmore brothers, then the pivot.
    suspects = [
        cases.participant_add(
            actor=raman,
            case_id=case.pk,
            person=brother,
            role=ParticipantRole.SUSPECT,
            occurred_at=at(dt.date(2019, 2, 13), 20),
        )
        for brother in (cal, reese)
    ]
    cases.participant_add(
        actor=raman,
        case_id=case.pk,
        person=lang,
        role=ParticipantRole.DEFENCE_ATTORNEY,
        occurred_at=at(dt.date(2019, 2, 14), 9),
    )
    # Recorded from the case once all three are its participants, so they are on its trail.
    for first, second, kind, note in (
        (cal, reese, RelationshipKind.RELATIVE_OF, "brothers"),
        (lang, cal, RelationshipKind.REPRESENTS, ""),
        (lang, reese, RelationshipKind.REPRESENTS, ""),
    ):
        cases.relationship_add(
            actor=raman,
            from_person=first,
            to_person=second,
            kind=kind,
            note=note,
            case_id=case.pk,
        )
    cases.case_event_record(
        actor=raman,
        case_id=case.pk,
        kind=CaseEventKind.ARREST,
        occurred_at=at(dt.date(2019, 2, 13), 21),
        summary="Cal and Reese Dunmore arrested on return from travel.",
    )
    cases.case_event_record(
        actor=raman,
        case_id=case.pk,
        kind=CaseEventKind.RELEASE,
        occurred_at=at(dt.date(2019, 2, 15), 18),
        summary="Cal and Reese Dunmore released without charges; new evidence under review.",
    )
    pivot_at = at(dt.date(2019, 2, 16), 12)
    cases.participant_role_change(
        actor=raman,
        case_id=case.pk,
        participant_id=vale.pk,
        role=ParticipantRole.SUSPECT,
        reason="Evidence indicates the attack was staged",
        occurred_at=pivot_at,
    )
    for suspect in suspects:
        cases.participant_role_change(
            actor=raman,
            case_id=case.pk,
            participant_id=suspect.pk,
            role=ParticipantRole.WITNESS,
            reason="Released; now witnesses to the staging",
            occurred_at=pivot_at,
        )
    return cases.case_update(actor=raman, case_id=case.pk, title="People v. Jordan Vale")
