"""Conflict checks: contacts, relationships, aliases and participants flag staff who are too
close to a case; the flagged person decides, and every step is audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from evenhand.accounts.models import Role, User
from evenhand.audit.models import AuditAction, AuditEntry
from evenhand.cases import services
from evenhand.cases.models import (
    Case,
    Contact,
    ContactChannel,
    ParticipantRole,
    Person,
    RelationshipKind,
)
from evenhand.screening.models import (
    ConflictFlag,
    ConflictSource,
    ConflictStatus,
    Screen,
    ScreenKind,
)
from evenhand.screening.policies import CaseAction, CaseNotFoundError, access_case, may
from evenhand.screening.services import conflict_check_run, conflict_resolve, screen_raise
from tests.factories import json_object, make_case, make_person, make_user

pytestmark = pytest.mark.django_db


@dataclass
class ValeWorld:
    raman: User  # the assigned ASA, who records everything
    whitlock: User
    case: Case
    jordan: Person  # the participant
    tina: Person  # his relative, not a participant


def _vale_world(*, related: bool = True) -> ValeWorld:
    raman = make_user(role=Role.ASSISTANT_STATES_ATTORNEY, first_name="Priya", last_name="Raman")
    whitlock = make_user(role=Role.STATES_ATTORNEY, first_name="Dana", last_name="Whitlock")
    case = make_case(actor=raman, title="Report of an attack on Jordan Vale")
    jordan = make_person(actor=raman, first_name="Jordan", last_name="Vale", aliases=["J. Vale"])
    services.participant_add(
        actor=raman, case_id=case.pk, person=jordan, role=ParticipantRole.VICTIM
    )
    tina = make_person(actor=raman, first_name="Tina", last_name="Vale")
    if related:
        services.relationship_add(
            actor=raman, from_person=tina, to_person=jordan, kind=RelationshipKind.RELATIVE_OF
        )
    return ValeWorld(raman=raman, whitlock=whitlock, case=case, jordan=jordan, tina=tina)


def _log_contact(world: ValeWorld, *, staff: User, person: Person, with_case: bool = True) -> None:
    services.contact_log(
        actor=staff,
        staff=staff,
        person=person,
        case_id=world.case.pk if with_case else None,
        channel=ContactChannel.TEXT,
        occurred_at=timezone.now() - dt.timedelta(hours=1),
        summary="Asks about the investigation.",
    )


def _flags(case: Case) -> list[tuple[int, int, str]]:
    return sorted(
        ConflictFlag.objects.filter(case=case).values_list("staff_id", "person_id", "source")
    )


def _entries(action: AuditAction) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("seq"))


@pytest.mark.parametrize("with_case", [True, False], ids=["about-the-case", "no-case-given"])
def test_contact_with_a_participants_relative_flags_the_staff_member(with_case: bool) -> None:
    world = _vale_world()
    assert _flags(world.case) == []
    _log_contact(world, staff=world.whitlock, person=world.tina, with_case=with_case)
    assert _flags(world.case) == [(world.whitlock.pk, world.tina.pk, ConflictSource.CONTACT)]
    flag = ConflictFlag.objects.get(case=world.case)
    assert flag.status == ConflictStatus.OPEN
    assert flag.resolved_at is None
    for words in ("Dana Whitlock", "Tina Vale", "Jordan Vale", world.case.number, "text"):
        assert words in flag.basis
    (entry,) = _entries(AuditAction.CONFLICT_FLAGGED)
    assert (entry.case_id, entry.subject_type, entry.subject_id, entry.actor_id) == (
        world.case.pk,
        "conflict_flag",
        str(flag.pk),
        world.whitlock.pk,
    )
    after = json_object(entry.after)
    assert (after["staff"], after["person"], after["source"]) == (
        world.whitlock.pk,
        world.tina.pk,
        "contact",
    )


def test_a_contact_with_an_unrelated_person_flags_nobody() -> None:
    world = _vale_world(related=False)
    _log_contact(world, staff=world.whitlock, person=world.tina)
    assert _flags(world.case) == []
    assert _entries(AuditAction.CONFLICT_FLAGGED) == []


def test_a_relationship_recorded_after_the_contact_flags_the_staff_member() -> None:
    world = _vale_world(related=False)
    _log_contact(world, staff=world.whitlock, person=world.tina)
    assert _flags(world.case) == []
    services.relationship_add(
        actor=world.raman,
        from_person=world.jordan,
        to_person=world.tina,  # either direction links them
        kind=RelationshipKind.RELATIVE_OF,
    )
    assert _flags(world.case) == [(world.whitlock.pk, world.tina.pk, ConflictSource.RELATIONSHIP)]


def test_a_participant_added_after_the_contact_flags_the_staff_member() -> None:
    world = _vale_world()
    other = make_case(actor=world.raman)
    _log_contact(world, staff=world.whitlock, person=world.tina)
    services.participant_add(
        actor=world.raman, case_id=other.pk, person=world.jordan, role=ParticipantRole.WITNESS
    )
    assert _flags(other) == [(world.whitlock.pk, world.tina.pk, ConflictSource.PARTICIPANT)]


def test_every_close_relationship_counts_but_employment_does_not() -> None:
    world = _vale_world(related=False)
    close = {
        RelationshipKind.RELATIVE_OF,
        RelationshipKind.SPOUSE_OF,
        RelationshipKind.ASSOCIATE_OF,
        RelationshipKind.REPRESENTS,
    }
    for index, kind in enumerate(RelationshipKind):
        person = make_person(actor=world.raman, first_name="Ottoline", last_name=f"Quimby{index}")
        services.relationship_add(
            actor=world.raman, from_person=person, to_person=world.jordan, kind=kind
        )
        staff = make_user(role=Role.ASSISTANT_STATES_ATTORNEY)
        _log_contact(world, staff=staff, person=person)
        flagged = ConflictFlag.objects.filter(case=world.case, staff=staff).exists()
        assert flagged == (kind in close), kind


@pytest.mark.parametrize(
    ("staff_name", "relative_name"),
    [
        (("Christina", "Vale"), ("Tina", "Vale")),
        (("Tina", "Vale"), ("Christina", "Vale")),
        (("TINA", "VALE"), ("tina", "vale")),
        (("Calvin", "Dunmore"), ("Cal", "Dunmore")),
    ],
)
def test_a_staff_member_named_like_a_relative_is_flagged_without_any_contact(
    staff_name: tuple[str, str], relative_name: tuple[str, str]
) -> None:
    world = _vale_world(related=False)
    staff = make_user(
        role=Role.ASSISTANT_STATES_ATTORNEY, first_name=staff_name[0], last_name=staff_name[1]
    )
    relative = make_person(
        actor=world.raman, first_name=relative_name[0], last_name=relative_name[1]
    )
    services.relationship_add(
        actor=world.raman,
        from_person=relative,
        to_person=world.jordan,
        kind=RelationshipKind.RELATIVE_OF,
    )
    assert _flags(world.case) == [(staff.pk, relative.pk, ConflictSource.RELATIONSHIP)]
    basis = ConflictFlag.objects.get(case=world.case).basis
    assert "by name" in basis


def test_an_alias_of_a_relative_that_matches_a_staff_member_flags_them() -> None:
    world = _vale_world(related=False)
    staff = make_user(role=Role.INVESTIGATOR, first_name="Tina", last_name="Vale")
    # Recorded under her married name; "Christina Vale" is a name she also goes by.
    relative = make_person(actor=world.raman, first_name="Christina", last_name="Okafor")
    services.relationship_add(
        actor=world.raman,
        from_person=relative,
        to_person=world.jordan,
        kind=RelationshipKind.SPOUSE_OF,
    )
    assert _flags(world.case) == []
    services.person_alias_add(actor=world.raman, person=relative, name="Christina Vale")
    assert _flags(world.case) == [(staff.pk, relative.pk, ConflictSource.RELATIONSHIP)]


def test_defence_counsel_participating_in_the_case_is_not_counted() -> None:
    raman = make_user(role=Role.ASSISTANT_STATES_ATTORNEY)
    cal = make_person(actor=raman, first_name="Cal", last_name="Dunmore")
    lang = make_person(actor=raman, first_name="Victor", last_name="Lang")
    services.relationship_add(
        actor=raman, from_person=lang, to_person=cal, kind=RelationshipKind.REPRESENTS
    )
    with_counsel = make_case(actor=raman)
    without_counsel = make_case(actor=raman)
    for case in (with_counsel, without_counsel):
        services.participant_add(
            actor=raman, case_id=case.pk, person=cal, role=ParticipantRole.WITNESS
        )
    services.participant_add(
        actor=raman, case_id=with_counsel.pk, person=lang, role=ParticipantRole.DEFENCE_ATTORNEY
    )
    services.contact_log(
        actor=raman,
        staff=raman,
        person=lang,
        case_id=with_counsel.pk,
        channel=ContactChannel.PHONE,
        occurred_at=timezone.now() - dt.timedelta(hours=2),
        summary="Scheduling a proffer.",
    )
    # Talking to counsel in their own case is the prosecutor's job; in another case where
    # counsel does not appear, the same contact is a contact with a participant's associate.
    assert _flags(with_counsel) == []
    assert _flags(without_counsel) == [(raman.pk, lang.pk, ConflictSource.CONTACT)]


def test_no_duplicate_flags() -> None:
    world = _vale_world()
    _log_contact(world, staff=world.whitlock, person=world.tina)
    _log_contact(world, staff=world.whitlock, person=world.tina, with_case=False)
    services.person_alias_add(actor=world.raman, person=world.tina, name="Christina Vale")
    services.participant_role_change(
        actor=world.raman,
        case_id=world.case.pk,
        participant_id=world.case.participants.get().pk,
        role=ParticipantRole.SUSPECT,
        reason="Evidence indicates the attack was staged",
    )
    assert conflict_check_run(actor=world.raman, case_id=world.case.pk) == []
    assert len(_flags(world.case)) == 1
    assert len(_entries(AuditAction.CONFLICT_FLAGGED)) == 1


def test_conflict_check_run_by_hand_finds_what_no_change_triggered() -> None:
    world = _vale_world()
    # An account created after the relationship was recorded: no change has checked it yet.
    newcomer = make_user(role=Role.ASSISTANT_STATES_ATTORNEY, first_name="Tina", last_name="Vale")
    assert _flags(world.case) == []
    ethics = make_user(role=Role.ETHICS_OFFICER)
    (flag,) = conflict_check_run(actor=ethics, case_id=world.case.pk)
    assert (flag.staff_id, flag.person_id, flag.source) == (
        newcomer.pk,
        world.tina.pk,
        ConflictSource.MANUAL,
    )
    (run,) = _entries(AuditAction.CONFLICT_CHECK_RUN)
    assert (run.actor_id, run.case_id) == (ethics.pk, world.case.pk)
    (flagged,) = _entries(AuditAction.CONFLICT_FLAGGED)
    assert flagged.seq > run.seq
    assert conflict_check_run(actor=ethics, case_id=world.case.pk) == []


def test_conflict_check_run_needs_access_to_the_case() -> None:
    world = _vale_world()
    outsider = make_user(role=Role.SPECIAL_PROSECUTOR)
    with pytest.raises(CaseNotFoundError):
        conflict_check_run(actor=outsider, case_id=world.case.pk)
    assert _entries(AuditAction.CONFLICT_CHECK_RUN) == []


def _flag_for(world: ValeWorld, staff: User) -> ConflictFlag:
    _log_contact(world, staff=staff, person=world.tina)
    return ConflictFlag.objects.get(case=world.case, staff=staff)


@pytest.mark.parametrize("note", ["", "   \n"])
def test_clearing_a_flag_needs_a_note(note: str) -> None:
    world = _vale_world()
    flag = _flag_for(world, world.raman)
    with pytest.raises(ValidationError, match="reason"):
        conflict_resolve(actor=world.raman, flag_id=flag.pk, recuse=False, note=note)
    flag.refresh_from_db()
    assert flag.status == ConflictStatus.OPEN
    assert _entries(AuditAction.CONFLICT_RESOLVED) == []


def test_clearing_a_flag_records_the_reason_and_raises_no_screen() -> None:
    world = _vale_world()
    flag = _flag_for(world, world.raman)
    resolution = conflict_resolve(
        actor=world.raman, flag_id=flag.pk, recuse=False, note="  Met her once at intake.  "
    )
    flag.refresh_from_db()
    assert resolution.flag.pk == flag.pk
    assert resolution.delegation_refused == ""
    assert (flag.status, flag.resolution_note, flag.resolved_by_id, flag.screen_id) == (
        ConflictStatus.CLEARED,
        "Met her once at intake.",
        world.raman.pk,
        None,
    )
    assert flag.resolved_at is not None
    assert not Screen.objects.exists()
    assert may(world.raman, world.case, CaseAction.VIEW)
    (entry,) = _entries(AuditAction.CONFLICT_RESOLVED)
    assert (entry.actor_id, entry.case_id, entry.subject_id) == (
        world.raman.pk,
        world.case.pk,
        str(flag.pk),
    )
    assert json_object(entry.after) == {"status": "cleared", "note": "Met her once at intake."}


def test_recusing_raises_an_exclusionary_screen_on_oneself() -> None:
    world = _vale_world()
    flag = _flag_for(world, world.raman)
    assert access_case(world.raman, world.case.pk) == world.case
    conflict_resolve(actor=world.raman, flag_id=flag.pk, recuse=True, note="Family friend")
    flag.refresh_from_db()
    assert flag.status == ConflictStatus.RECUSED
    screen = flag.screen
    assert screen is not None
    assert screen.kind == ScreenKind.EXCLUSIONARY
    assert screen.ordered_by_id == world.raman.pk
    assert list(screen.people.values_list("user_id", flat=True)) == [world.raman.pk]
    assert list(screen.cases.values_list("case_id", flat=True)) == [world.case.pk]
    assert "Vale" in screen.screened_terms
    assert world.case.number in screen.memo
    # In force on the very next call.
    assert not may(world.raman, world.case, CaseAction.VIEW)
    with pytest.raises(CaseNotFoundError):
        access_case(world.raman, world.case.pk)
    actions = [e.action for e in AuditEntry.objects.filter(case_id=world.case.pk).order_by("seq")]
    assert actions[-3:] == [
        AuditAction.SCREEN_RAISED,
        AuditAction.CONFLICT_RESOLVED,
        AuditAction.CASE_ACCESS_REFUSED,
    ]


def test_only_the_flagged_person_can_resolve_the_flag() -> None:
    world = _vale_world()
    flag = _flag_for(world, world.whitlock)
    for other in (world.raman, make_user(role=Role.ETHICS_OFFICER)):
        with pytest.raises(ValidationError, match="No such open flag"):
            conflict_resolve(actor=other, flag_id=flag.pk, recuse=False, note="Not a conflict")
    with pytest.raises(ValidationError, match="No such open flag"):
        conflict_resolve(actor=world.whitlock, flag_id=10_000_000, recuse=False, note="x")
    flag.refresh_from_db()
    assert flag.status == ConflictStatus.OPEN
    assert _entries(AuditAction.CONFLICT_RESOLVED) == []


@pytest.mark.parametrize("first_recuse", [False, True])
def test_a_flag_cannot_be_resolved_twice(first_recuse: bool) -> None:
    world = _vale_world()
    flag = _flag_for(world, world.raman)
    conflict_resolve(actor=world.raman, flag_id=flag.pk, recuse=first_recuse, note="Decided")
    screens = Screen.objects.count()
    for recuse in (False, True):
        with pytest.raises(ValidationError, match="already been resolved"):
            conflict_resolve(actor=world.raman, flag_id=flag.pk, recuse=recuse, note="Again")
    flag.refresh_from_db()
    assert flag.resolution_note == "Decided"
    assert Screen.objects.count() == screens
    assert len(_entries(AuditAction.CONFLICT_RESOLVED)) == 1


@pytest.mark.parametrize("role", [Role.INSPECTOR_GENERAL, Role.AUDITOR])
def test_oversight_cannot_log_contacts_on_a_case(role: Role) -> None:
    """The inspector general and auditors only read; logging a contact about a case writes to
    the case (an event in its history)."""
    world = _vale_world()
    reader = make_user(role=role)
    events = world.case.events.count()
    with pytest.raises((PermissionDenied, CaseNotFoundError)):
        services.contact_log(
            actor=reader,
            staff=world.whitlock,
            person=world.tina,
            case_id=world.case.pk,
            channel=ContactChannel.PHONE,
            occurred_at=timezone.now() - dt.timedelta(hours=1),
            summary="Logged by oversight",
        )
    assert world.case.events.count() == events
    assert not Contact.objects.exists()


def test_someone_already_screened_from_the_case_can_still_record_a_recusal() -> None:
    """The ethics officer walled Whitlock off before she answered her flag; recusing must
    still close the flag (the wall is already up), not answer "case not found"."""
    world = _vale_world()
    flag = _flag_for(world, world.whitlock)
    ethics = make_user(role=Role.ETHICS_OFFICER)
    screen_raise(
        actor=ethics,
        kind=ScreenKind.EXCLUSIONARY,
        users=[world.whitlock],
        case_ids=[world.case.pk],
        reason="Contact with the victim's relative",
        memo="m",
    )
    conflict_resolve(actor=world.whitlock, flag_id=flag.pk, recuse=True, note="I recuse")
    flag.refresh_from_db()
    assert flag.status == ConflictStatus.RECUSED
    assert not may(world.whitlock, world.case, CaseAction.VIEW)


def test_a_recusal_outlasts_a_temporary_screen_that_was_already_up() -> None:
    """A recusal is for good: answering a flag with "recuse" while a screen that ends next
    week happens to be up must not let the person back onto the case when that screen ends."""
    start = dt.datetime(2019, 2, 19, 17, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        world = _vale_world()
        flag = _flag_for(world, world.raman)
        screen_raise(
            actor=make_user(role=Role.ETHICS_OFFICER),
            kind=ScreenKind.EXCLUSIONARY,
            users=[world.raman],
            case_ids=[world.case.pk],
            reason="Until the ethics review is done",
            memo="m",
            ends_at=start + dt.timedelta(days=7),
        )
        conflict_resolve(actor=world.raman, flag_id=flag.pk, recuse=True, note="I recuse")
        traveller.shift(dt.timedelta(days=8))
        assert not may(world.raman, world.case, CaseAction.VIEW)
