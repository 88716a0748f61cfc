"""Case services: each write validates, refuses what the policy forbids, and is audited."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from evenhand.accounts.models import Role, User
from evenhand.audit.models import AuditAction, AuditEntry
from evenhand.audit.services import audit_verify_database
from evenhand.cases import services
from evenhand.cases.locking import VersionConflictError
from evenhand.cases.models import (
    Case,
    CaseEventKind,
    CaseStatus,
    Charge,
    ContactChannel,
    ParticipantRole,
    RelationshipKind,
)
from evenhand.screening.policies import CaseActionDeniedError
from tests.factories import add_participant, json_object, make_case, make_person, make_user

pytestmark = pytest.mark.django_db

FALSE_REPORT = "720-5/26-1(a)(4)"


@pytest.fixture
def asa() -> User:
    return make_user(role=Role.ASSISTANT_STATES_ATTORNEY)


@pytest.fixture
def case(asa: User) -> Case:
    return make_case(actor=asa)


def _last_entry() -> AuditEntry:
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    return entry


def test_case_open_numbers_cases_per_year_and_audits(asa: User) -> None:
    first = services.case_open(actor=asa, title="A", received_on=dt.date(2019, 2, 1))
    second = services.case_open(actor=asa, title="B", received_on=dt.date(2019, 3, 1))
    assert (first.number, second.number) == ("2019-CR-000001", "2019-CR-000002")
    entry = _last_entry()
    assert (entry.action, entry.case_id, json_object(entry.after)["title"]) == (
        AuditAction.CASE_OPENED,
        second.pk,
        "B",
    )


def test_roles_without_edit_rights_cannot_open_cases() -> None:
    for role in (Role.RECORDS_OFFICER, Role.INSPECTOR_GENERAL, Role.SPECIAL_PROSECUTOR):
        with pytest.raises(PermissionDenied):
            services.case_open(
                actor=make_user(role=role), title="x", received_on=dt.date(2019, 1, 1)
            )


def test_case_update_records_before_and_after(asa: User, case: Case) -> None:
    services.case_update(actor=asa, case_id=case.pk, title="People v. Jordan Vale")
    entry = _last_entry()
    assert entry.action == AuditAction.CASE_UPDATED
    assert (
        json_object(entry.before)["title"]
        != json_object(entry.after)["title"]
        == "People v. Jordan Vale"
    )


def test_read_only_roles_are_told_the_write_is_not_theirs(case: Case) -> None:
    ig = make_user(role=Role.INSPECTOR_GENERAL)
    with pytest.raises(CaseActionDeniedError):
        services.case_update(actor=ig, case_id=case.pk, title="changed")
    case.refresh_from_db()
    assert case.title != "changed"
    assert _last_entry().action == AuditAction.CASE_ACCESS_REFUSED


def test_participant_role_history_is_kept(asa: User, case: Case) -> None:
    when = dt.datetime(2019, 1, 29, 15, tzinfo=dt.UTC)
    vale = services.participant_add(
        actor=asa,
        case_id=case.pk,
        person=make_person(actor=asa, first_name="Jordan", last_name="Vale"),
        role=ParticipantRole.VICTIM,
        occurred_at=when,
    )
    services.participant_role_change(
        actor=asa,
        case_id=case.pk,
        participant_id=vale.pk,
        role=ParticipantRole.SUSPECT,
        reason="Evidence indicates the attack was staged",
    )
    history = list(vale.role_changes.values_list("from_role", "to_role"))
    assert history == [
        ("", ParticipantRole.VICTIM),
        (ParticipantRole.VICTIM, ParticipantRole.SUSPECT),
    ]
    assert vale.role_changes.first().changed_at == when  # type: ignore[union-attr]
    entry = _last_entry()
    assert (entry.action, entry.before, json_object(entry.after)["role"]) == (
        AuditAction.PARTICIPANT_ROLE_CHANGED,
        {"role": "victim"},
        "suspect",
    )
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == [CaseEventKind.PARTICIPANT_ADDED, CaseEventKind.ROLE_CHANGED]


def test_role_change_needs_a_reason_and_saves_nothing_without(asa: User, case: Case) -> None:
    participant = add_participant(case, actor=asa, role=ParticipantRole.VICTIM)
    entries = AuditEntry.objects.count()
    with pytest.raises(ValidationError, match="Say why"):
        services.participant_role_change(
            actor=asa,
            case_id=case.pk,
            participant_id=participant.pk,
            role=ParticipantRole.SUSPECT,
            reason="  ",
        )
    participant.refresh_from_db()
    assert participant.role == ParticipantRole.VICTIM
    assert AuditEntry.objects.count() == entries


def test_a_person_joins_a_case_once(asa: User, case: Case) -> None:
    person = make_person(actor=asa)
    services.participant_add(
        actor=asa, case_id=case.pk, person=person, role=ParticipantRole.WITNESS
    )
    with pytest.raises(ValidationError, match="already a participant"):
        services.participant_add(
            actor=asa, case_id=case.pk, person=person, role=ParticipantRole.VICTIM
        )


def test_sixteen_counts_are_numbered_and_move_the_case_to_charged(asa: User, case: Case) -> None:
    defendant = add_participant(case, actor=asa, role=ParticipantRole.DEFENDANT)
    charges = services.charges_file(
        actor=asa,
        case_id=case.pk,
        participant_id=defendant.pk,
        statute_key=FALSE_REPORT,
        counts=16,
        filed_on=dt.date(2019, 3, 7),
    )
    assert [c.count_number for c in charges] == list(range(1, 17))
    assert {c.offense_class for c in charges} == {"4"}
    assert {c.citation for c in charges} == {"720 ILCS 5/26-1(a)(4)"}
    case.refresh_from_db()
    assert case.status == CaseStatus.CHARGED
    entry = _last_entry()
    assert (
        entry.action,
        json_object(entry.after)["counts"],
        json_object(entry.after)["count_numbers"],
    ) == (
        AuditAction.CHARGE_FILED,
        16,
        [1, 16],
    )


@pytest.mark.parametrize(
    ("statute", "counts", "message"),
    [
        ("720-5/99-9", 1, "Unknown statute"),
        (FALSE_REPORT, 0, "between 1 and"),
        (FALSE_REPORT, 10_000, "between 1 and"),
    ],
)
def test_bad_charges_are_refused_whole(
    asa: User, case: Case, statute: str, counts: int, message: str
) -> None:
    defendant = add_participant(case, actor=asa)
    with pytest.raises(ValidationError, match=message):
        services.charges_file(
            actor=asa,
            case_id=case.pk,
            participant_id=defendant.pk,
            statute_key=statute,
            counts=counts,
            filed_on=dt.date(2019, 3, 7),
        )
    assert not Charge.objects.filter(case=case).exists()


def test_only_defendants_are_charged(asa: User, case: Case) -> None:
    victim = add_participant(case, actor=asa, role=ParticipantRole.VICTIM)
    with pytest.raises(ValidationError, match="not a defendant"):
        services.charges_file(
            actor=asa,
            case_id=case.pk,
            participant_id=victim.pk,
            statute_key=FALSE_REPORT,
            counts=1,
            filed_on=dt.date(2019, 3, 7),
        )


def test_investigators_cannot_charge(case: Case) -> None:
    investigator = make_user(role=Role.INVESTIGATOR)
    defendant = add_participant(case, actor=investigator)
    with pytest.raises(CaseActionDeniedError):
        services.charges_file(
            actor=investigator,
            case_id=case.pk,
            participant_id=defendant.pk,
            statute_key=FALSE_REPORT,
            counts=1,
            filed_on=dt.date(2019, 3, 7),
        )


def test_amendment_adds_a_version_and_keeps_the_old_one(asa: User, case: Case) -> None:
    defendant = add_participant(case, actor=asa)
    (charge,) = services.charges_file(
        actor=asa,
        case_id=case.pk,
        participant_id=defendant.pk,
        statute_key=FALSE_REPORT,
        counts=1,
        filed_on=dt.date(2019, 3, 7),
    )
    amended = services.charge_amend(
        actor=asa,
        case_id=case.pk,
        charge_id=charge.pk,
        statute_key="720-5/31-4(a)",
        reason="Grand jury returned obstruction instead",
    )
    charge.refresh_from_db()
    assert (charge.is_current, amended.is_current, amended.version) == (False, True, 2)
    assert amended.previous_id == charge.pk
    with pytest.raises(VersionConflictError, match="changed by someone else"):
        services.charge_amend(
            actor=asa, case_id=case.pk, charge_id=charge.pk, statute_key=FALSE_REPORT, reason="x"
        )
    entry = _last_entry()
    assert json_object(entry.before)["statute_key"] == FALSE_REPORT
    assert json_object(entry.after)["statute_key"] == "720-5/31-4(a)"


@time_machine.travel(dt.datetime(2019, 2, 2, 12, tzinfo=dt.UTC))
def test_contacts_are_logged_but_not_in_the_future(asa: User, case: Case) -> None:
    whitlock = make_user(role=Role.STATES_ATTORNEY)
    tina = make_person(actor=asa, first_name="Tina", last_name="Vale")
    services.contact_log(
        actor=whitlock,
        staff=whitlock,
        person=tina,
        case_id=case.pk,
        channel=ContactChannel.TEXT,
        occurred_at=timezone.now() - dt.timedelta(hours=20),
        summary="Asks about the investigation",
    )
    assert _last_entry().action == AuditAction.CONTACT_LOGGED
    with pytest.raises(ValidationError, match="future"):
        services.contact_log(
            actor=whitlock,
            staff=whitlock,
            person=tina,
            channel=ContactChannel.PHONE,
            occurred_at=timezone.now() + dt.timedelta(days=1),
            summary="x",
        )


def test_relationships_and_aliases_are_audited(asa: User) -> None:
    jordan = make_person(actor=asa, first_name="Jordan", last_name="Vale")
    tina = make_person(actor=asa, first_name="Tina", last_name="Vale")
    services.person_alias_add(actor=asa, person=jordan, name="J. Vale")
    assert _last_entry().action == AuditAction.PERSON_ALIAS_ADDED
    services.relationship_add(
        actor=asa, from_person=tina, to_person=jordan, kind=RelationshipKind.RELATIVE_OF
    )
    assert _last_entry().action == AuditAction.RELATIONSHIP_ADDED
    with pytest.raises(ValidationError):
        services.relationship_add(
            actor=asa, from_person=tina, to_person=tina, kind=RelationshipKind.RELATIVE_OF
        )


def test_events_for_charges_come_only_from_charging(asa: User, case: Case) -> None:
    with pytest.raises(ValidationError, match="filing or amending"):
        services.case_event_record(
            actor=asa,
            case_id=case.pk,
            kind=CaseEventKind.CHARGE_FILED,
            occurred_at=timezone.now(),
            summary="sneaky",
        )


def test_the_whole_chain_still_verifies_after_a_busy_case(asa: User, case: Case) -> None:
    defendant = add_participant(case, actor=asa)
    services.charges_file(
        actor=asa,
        case_id=case.pk,
        participant_id=defendant.pk,
        statute_key=FALSE_REPORT,
        counts=3,
        filed_on=dt.date(2019, 3, 7),
    )
    assert audit_verify_database().ok
