"""When the head of office is screened: no acting delegation, a petition, a court order, and an
appointee whose account reaches that one case."""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from evenhand.accounts.models import Role, User
from evenhand.accounts.services import user_set_active
from evenhand.appointments.documents import WIDTH, petition_text
from evenhand.appointments.models import (
    AppointeeSource,
    CourtOrder,
    Petition,
    PetitionGround,
    PetitionStatus,
)
from evenhand.appointments.services import (
    ActingDelegationRefusedError,
    OrderRecorded,
    acting_delegation_request,
    court_order_record,
)
from evenhand.audit.models import AuditAction, AuditEntry, AuditOutcome
from evenhand.cases import services as cases
from evenhand.cases.models import (
    AssignmentRole,
    Case,
    CaseAssignment,
    Charge,
    ContactChannel,
    Participant,
    ParticipantRole,
    RelationshipKind,
    SpecialProsecution,
)
from evenhand.jurisdictions.ruleset import active_ruleset
from evenhand.screening.models import ConflictFlag, ConflictStatus, Screen, ScreenKind
from evenhand.screening.policies import (
    CaseAction,
    CaseActionDeniedError,
    CaseNotFoundError,
    may,
    visible_cases,
)
from evenhand.screening.services import conflict_resolve, screen_lift, screen_raise
from tests.factories import json_object, make_case, make_person, make_user

pytestmark = pytest.mark.django_db

CITATION = "55 ILCS 5/3-9008"
FALSE_REPORT = "720-5/26-1(a)(4)"
RECUSAL_DAY = dt.datetime(2019, 2, 19, 18, 0, tzinfo=dt.UTC)
ORDER_DAY = dt.date(2019, 2, 25)


@dataclass
class Office:
    whitlock: User
    keogh: User
    raman: User
    ethics: User
    case: Case
    vale: Participant


def _office() -> Office:
    raman = make_user(
        role=Role.ASSISTANT_STATES_ATTORNEY,
        username="praman",
        first_name="Priya",
        last_name="Raman",
    )
    case = cases.case_open(
        actor=raman,
        title="People v. Jordan Vale",
        received_on=dt.date(2019, 1, 29),
        number="2019-CR-000417",
    )
    vale = cases.participant_add(
        actor=raman,
        case_id=case.pk,
        person=make_person(actor=raman, first_name="Jordan", last_name="Vale"),
        role=ParticipantRole.DEFENDANT,
    )
    return Office(
        whitlock=make_user(
            role=Role.STATES_ATTORNEY, username="dwhitlock", first_name="Dana", last_name="Whitlock"
        ),
        keogh=make_user(
            role=Role.FIRST_ASSISTANT, username="mkeogh", first_name="Martin", last_name="Keogh"
        ),
        raman=raman,
        ethics=make_user(role=Role.ETHICS_OFFICER),
        case=case,
        vale=vale,
    )


def _screen_head(office: Office, *, actor: User | None = None, case: Case | None = None) -> Screen:
    return screen_raise(
        actor=actor or office.ethics,
        kind=ScreenKind.EXCLUSIONARY,
        users=[office.whitlock],
        case_ids=[(case or office.case).pk],
        reason="Contacted by a relative of the victim",
        memo="Do not read, change, decide or discuss this case.",
    )


def _petition(case: Case) -> Petition:
    (petition,) = Petition.objects.filter(case=case)
    return petition


def _charge(actor: User, office: Office) -> list[Charge]:
    return cases.charges_file(
        actor=actor,
        case_id=office.case.pk,
        participant_id=office.vale.pk,
        statute_key=FALSE_REPORT,
        counts=16,
        filed_on=dt.date(2019, 3, 7),
    )


def _record(office: Office, **overrides: Any) -> OrderRecorded:
    arguments: dict[str, Any] = {
        "actor": office.keogh,
        "petition_id": _petition(office.case).pk,
        "judge": "Rosa Castellanos",
        "order_date": ORDER_DAY,
        "appointee_username": "hweiss",
        "appointee_first_name": "Harold",
        "appointee_last_name": "Weiss",
        "appointee_source": AppointeeSource.PRIVATE_COUNSEL,
    }
    arguments.update(overrides)
    return court_order_record(**arguments)


def _special_prosecution(case: Case) -> str:
    case.refresh_from_db()
    return case.special_prosecution


def _entries(action: AuditAction) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("seq"))


# --- The petition -----------------------------------------------------------------------------


@time_machine.travel(RECUSAL_DAY)
def test_the_ethics_officer_screening_the_head_drafts_a_petition_for_actual_conflict() -> None:
    office = _office()
    assert _special_prosecution(office.case) == SpecialProsecution.NONE
    _screen_head(office)
    petition = _petition(office.case)
    assert petition.ground == PetitionGround.ACTUAL_CONFLICT
    assert petition.status == PetitionStatus.DRAFTED
    assert petition.statutory_basis == CITATION == active_ruleset().special_prosecutor.citation
    assert petition.drafted_by_id == office.ethics.pk
    for words in ("Dana Whitlock", "State's Attorney", office.case.number, "People v. Jordan Vale"):
        assert words in petition.facts
    assert "Contacted by a relative of the victim" in petition.facts
    assert _special_prosecution(office.case) == SpecialProsecution.AWAITING_APPOINTMENT
    (changed,) = _entries(AuditAction.SPECIAL_PROSECUTION_CHANGED)
    assert (changed.case_id, changed.before, changed.after) == (
        office.case.pk,
        {"special_prosecution": "none"},
        {"special_prosecution": "awaiting_appointment"},
    )
    (drafted,) = _entries(AuditAction.PETITION_DRAFTED)
    assert (drafted.case_id, drafted.subject_id) == (office.case.pk, str(petition.pk))
    assert json_object(drafted.after) == {"ground": "actual_conflict", "statutory_basis": CITATION}


@time_machine.travel(RECUSAL_DAY)
def test_the_head_recusing_herself_petitions_on_her_own_ground() -> None:
    office = _office()
    _screen_head(office, actor=office.whitlock)
    petition = _petition(office.case)
    assert petition.ground == PetitionGround.SA_SELF_PETITION
    assert petition.drafted_by_id == office.whitlock.pk
    assert _special_prosecution(office.case) == SpecialProsecution.AWAITING_APPOINTMENT
    assert not may(office.whitlock, office.case, CaseAction.VIEW)


def test_one_petition_per_case_however_often_the_head_is_screened() -> None:
    office = _office()
    other = make_case(actor=office.raman)
    first = _screen_head(office)
    screen_lift(actor=office.ethics, screen_id=first.pk, reason="Lifted in error")
    _screen_head(office, actor=office.whitlock)
    screen_raise(
        actor=office.keogh,
        kind=ScreenKind.EXCLUSIONARY,
        users=[office.raman, office.whitlock],
        case_ids=[other.pk],
        reason="Both know the family",
        memo="m",
    )
    assert Petition.objects.filter(case=office.case).count() == 1
    assert Petition.objects.filter(case=other).count() == 1
    assert _special_prosecution(other) == SpecialProsecution.AWAITING_APPOINTMENT
    assert len(_entries(AuditAction.PETITION_DRAFTED)) == 2


def test_screening_anyone_but_the_head_drafts_no_petition() -> None:
    office = _office()
    screen_raise(
        actor=office.ethics,
        kind=ScreenKind.EXCLUSIONARY,
        users=[office.keogh, office.raman],
        case_ids=[office.case.pk],
        reason="r",
        memo="m",
    )
    assert not Petition.objects.exists()
    assert _special_prosecution(office.case) == SpecialProsecution.NONE
    assert may(office.whitlock, office.case, CaseAction.CHARGE)


def test_the_petition_document_cites_the_rule_and_states_the_case() -> None:
    office = _office()
    _screen_head(office)
    petition = _petition(office.case)
    text = petition_text(petition)
    assert "PETITION FOR THE APPOINTMENT OF A SPECIAL PROSECUTOR" in text
    assert "COOK COUNTY" in text
    assert f"In re: People v. Jordan Vale, case {office.case.number}" in text
    flat = " ".join(text.split())
    assert f"under {CITATION}" in flat
    assert "ground: actual conflict of interest." in flat
    assert " ".join(petition.facts.split()) in flat
    assert "no office of 'acting State's Attorney'" in flat
    assert f"petition #{petition.pk}" in text
    assert all(len(line) <= WIDTH for line in text.splitlines())


# --- While awaiting appointment ---------------------------------------------------------------


def test_while_awaiting_appointment_office_staff_may_not_charge_or_dispose() -> None:
    office = _office()
    unaffected = make_case(actor=office.raman)
    _screen_head(office)
    office.case.refresh_from_db()
    for staff in (office.raman, office.keogh):
        for action in (CaseAction.CHARGE, CaseAction.DISPOSE):
            assert not may(staff, office.case, action)
            assert office.case.pk not in set(
                visible_cases(staff, action).values_list("pk", flat=True)
            )
            assert may(staff, unaffected, action)
        # They keep the record: reading and editing go on.
        assert may(staff, office.case, CaseAction.VIEW)
        assert may(staff, office.case, CaseAction.EDIT)
        with pytest.raises(CaseActionDeniedError):
            _charge(staff, office)
    with pytest.raises(CaseNotFoundError):
        _charge(office.whitlock, office)
    assert not Charge.objects.exists()
    refusals = AuditEntry.objects.filter(
        action=AuditAction.CASE_ACCESS_REFUSED, case_id=office.case.pk
    )
    assert sorted(json_object(r.after)["reason"] for r in refusals) == [
        "action_not_permitted",
        "action_not_permitted",
        "not_permitted",
    ]


def test_an_acting_delegation_is_always_refused_and_logged() -> None:
    office = _office()
    for actor, delegate in ((office.whitlock, office.keogh), (office.keogh, office.keogh)):
        with pytest.raises(ActingDelegationRefusedError) as refused:
            acting_delegation_request(actor=actor, case_id=office.case.pk, delegate=delegate)
        assert CITATION in str(refused.value)
        assert "acting State's Attorney" in str(refused.value)
        assert "Martin Keogh has not been given the case" in str(refused.value)
    entries = _entries(AuditAction.ACTING_DELEGATION_REFUSED)
    assert [(e.actor_id, e.case_id, e.outcome) for e in entries] == [
        (office.whitlock.pk, office.case.pk, AuditOutcome.REFUSED),
        (office.keogh.pk, office.case.pk, AuditOutcome.REFUSED),
    ]
    assert json_object(entries[0].after) == {"delegate": "mkeogh", "rule": CITATION}
    assert not CaseAssignment.objects.filter(user=office.keogh).exists()
    assert issubclass(ActingDelegationRefusedError, PermissionDenied)


def test_a_screened_head_asking_for_an_acting_delegate_gets_the_missing_case_answer() -> None:
    office = _office()
    _screen_head(office, actor=office.whitlock)
    with pytest.raises(CaseNotFoundError):
        acting_delegation_request(
            actor=office.whitlock, case_id=office.case.pk, delegate=office.keogh
        )
    refusal = AuditEntry.objects.filter(
        action=AuditAction.CASE_ACCESS_REFUSED, actor=office.whitlock
    ).get()
    assert refusal.case_id == office.case.pk


def _flag_the_head(office: Office) -> ConflictFlag:
    """Step 2: Tina Vale, the defendant's relative, contacts Whitlock."""
    tina = make_person(actor=office.raman, first_name="Tina", last_name="Vale")
    cases.relationship_add(
        actor=office.raman,
        from_person=tina,
        to_person=office.vale.person,
        kind=RelationshipKind.RELATIVE_OF,
    )
    cases.contact_log(
        actor=office.whitlock,
        staff=office.whitlock,
        person=tina,
        case_id=office.case.pk,
        channel=ContactChannel.TEXT,
        occurred_at=timezone.now() - dt.timedelta(days=18),
        summary="Tina Vale asks about the investigation.",
    )
    return ConflictFlag.objects.get(case=office.case, staff=office.whitlock)


@time_machine.travel(RECUSAL_DAY)
def test_recusing_on_a_conflict_flag_and_naming_an_acting_delegate() -> None:
    """Step 4: Whitlock recuses and asks for Keogh to act in her place."""
    office = _office()
    flag = _flag_the_head(office)
    resolution = conflict_resolve(
        actor=office.whitlock,
        flag_id=flag.pk,
        recuse=True,
        note="Contacted by the defendant's relative",
        acting_delegate=office.keogh,
    )
    assert resolution.flag.status == ConflictStatus.RECUSED
    for words in (CITATION, "Martin Keogh", "acting State's Attorney", "petition"):
        assert words in resolution.delegation_refused
    (refused,) = _entries(AuditAction.ACTING_DELEGATION_REFUSED)
    assert (refused.actor_id, refused.case_id, refused.outcome) == (
        office.whitlock.pk,
        office.case.pk,
        AuditOutcome.REFUSED,
    )
    assert json_object(refused.after)["delegate"] == "mkeogh"
    assert _petition(office.case).ground == PetitionGround.SA_SELF_PETITION
    assert _special_prosecution(office.case) == SpecialProsecution.AWAITING_APPOINTMENT
    assert not CaseAssignment.objects.filter(user=office.keogh).exists()
    assert not may(office.keogh, office.case, CaseAction.CHARGE)
    assert not may(office.whitlock, office.case, CaseAction.VIEW)


def test_recusing_without_naming_a_delegate_refuses_nothing() -> None:
    office = _office()
    flag = _flag_the_head(office)
    resolution = conflict_resolve(
        actor=office.whitlock, flag_id=flag.pk, recuse=True, note="Contacted by a relative"
    )
    assert resolution.delegation_refused == ""
    assert _entries(AuditAction.ACTING_DELEGATION_REFUSED) == []
    assert _petition(office.case).ground == PetitionGround.SA_SELF_PETITION


# --- The court order --------------------------------------------------------------------------


def _awaiting(office: Office) -> Petition:
    _screen_head(office)
    return _petition(office.case)


def test_recording_the_order_appoints_a_new_external_account_to_that_case_only() -> None:
    with time_machine.travel(RECUSAL_DAY, tick=False) as traveller:
        office = _office()
        elsewhere = make_case(actor=office.raman)
        petition = _awaiting(office)
        traveller.shift(dt.timedelta(days=6))
        recorded = _record(office, scope="  ")
    order = recorded.order
    weiss = order.appointee
    assert (weiss.username, weiss.role, weiss.is_active) == (
        "hweiss",
        Role.SPECIAL_PROSECUTOR,
        True,
    )
    assert weiss.get_full_name() == "Harold Weiss"
    assert recorded.initial_password
    assert weiss.check_password(recorded.initial_password)
    assert (order.case_id, order.judge, order.order_date, order.appointee_source) == (
        office.case.pk,
        "Rosa Castellanos",
        ORDER_DAY,
        AppointeeSource.PRIVATE_COUNSEL,
    )
    assert order.scope == f"Case {office.case.number} only."
    assert order.recorded_by_id == office.keogh.pk
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.GRANTED
    assert _special_prosecution(office.case) == SpecialProsecution.APPOINTED
    assert CaseAssignment.objects.filter(
        case=office.case, user=weiss, role=AssignmentRole.LEAD, ended_at__isnull=True
    ).exists()
    (entry,) = _entries(AuditAction.COURT_ORDER_RECORDED)
    assert entry.case_id == office.case.pk
    assert json_object(entry.after)["appointee"] == "hweiss"

    # The appointee reaches this case, for everything, and nothing else in the office.
    for action in CaseAction:
        assert list(visible_cases(weiss, action)) == [office.case], action
        assert not may(weiss, elsewhere, action)
    with pytest.raises(PermissionDenied):
        cases.case_open(actor=weiss, title="x", received_on=dt.date(2019, 3, 1))
    with pytest.raises(CaseNotFoundError):
        cases.case_update(actor=weiss, case_id=elsewhere.pk, title="x")
    assert len(_charge(weiss, office)) == 16
    # The office still does not decide on the case.
    with pytest.raises(CaseActionDeniedError):
        _charge(office.raman, office)


def test_an_existing_deactivated_special_prosecutor_account_is_reactivated() -> None:
    office = _office()
    weiss = make_user(
        role=Role.SPECIAL_PROSECUTOR, username="hweiss", first_name="Harold", last_name="Weiss"
    )
    user_set_active(actor=office.ethics, user=weiss, is_active=False)
    _awaiting(office)
    users = User.objects.count()
    recorded = _record(office, order_date=timezone.localdate())
    weiss.refresh_from_db()
    assert recorded.order.appointee_id == weiss.pk
    assert recorded.initial_password == ""
    assert weiss.is_active
    assert User.objects.count() == users
    assert list(visible_cases(weiss)) == [office.case]
    reactivated = AuditEntry.objects.filter(
        action=AuditAction.USER_UPDATED, subject_id=str(weiss.pk)
    ).order_by("-seq")[0]
    assert json_object(reactivated.after)["is_active"] is True


def test_an_order_is_refused_when_the_case_is_not_awaiting_appointment() -> None:
    office = _office()
    _awaiting(office)
    _record(office, order_date=timezone.localdate())
    with pytest.raises(ValidationError, match="not awaiting"):
        _record(office, order_date=timezone.localdate(), appointee_username="someoneelse")
    assert CourtOrder.objects.count() == 1
    assert not User.objects.filter(username="someoneelse").exists()


def test_an_order_for_an_unknown_petition_is_refused_like_a_hidden_case() -> None:
    office = _office()
    _awaiting(office)
    with pytest.raises(CaseNotFoundError):
        _record(office, petition_id=10_000_000, order_date=timezone.localdate())
    assert not CourtOrder.objects.exists()


def _future(office: Office) -> dict[str, Any]:
    return {"order_date": timezone.localdate() + dt.timedelta(days=1)}


ORDER_PROBLEMS: dict[str, tuple[Any, str]] = {
    "future order date": (_future, "future"),
    "order before the petition": (
        lambda o: {"order_date": timezone.localdate() - dt.timedelta(days=3)},
        "predate the petition",
    ),
    "no judge": (lambda o: {"judge": "   "}, "judge"),
    "unknown source": (
        lambda o: {"appointee_source": cast(AppointeeSource, "county_sheriff")},
        "source of appointees",
    ),
    "office staff username": (
        lambda o: {"appointee_username": o.raman.username},
        "belongs to office staff",
    ),
    "no username": (lambda o: {"appointee_username": "  "}, "username"),
    "new appointee without a name": (
        lambda o: {"appointee_first_name": "", "appointee_last_name": ""},
        "appointee's name",
    ),
}


@pytest.mark.parametrize("problem", list(ORDER_PROBLEMS))
def test_invalid_orders_are_refused_and_nothing_changes(problem: str) -> None:
    office = _office()
    petition = _awaiting(office)
    build, message = ORDER_PROBLEMS[problem]
    users = User.objects.count()
    arguments = {"order_date": timezone.localdate(), **build(office)}
    with pytest.raises(ValidationError, match=message):
        _record(office, **arguments)
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.DRAFTED
    assert _special_prosecution(office.case) == SpecialProsecution.AWAITING_APPOINTMENT
    assert not CourtOrder.objects.exists()
    assert User.objects.count() == users
    assert not CaseAssignment.objects.filter(case=office.case).exists()
    assert _entries(AuditAction.COURT_ORDER_RECORDED) == []
    office.raman.refresh_from_db()
    assert office.raman.role == Role.ASSISTANT_STATES_ATTORNEY


def test_an_appointee_screened_from_the_case_is_refused_and_nothing_is_saved() -> None:
    office = _office()
    weiss = make_user(
        role=Role.SPECIAL_PROSECUTOR, username="hweiss", first_name="Harold", last_name="Weiss"
    )
    screen_raise(
        actor=office.ethics,
        kind=ScreenKind.EXCLUSIONARY,
        users=[weiss],
        case_ids=[office.case.pk],
        reason="Represented a witness",
        memo="m",
    )
    petition = _awaiting(office)
    with pytest.raises(ValidationError, match="would breach a screen"):
        _record(office, order_date=timezone.localdate())
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.DRAFTED
    assert not CourtOrder.objects.exists()
    assert _special_prosecution(office.case) == SpecialProsecution.AWAITING_APPOINTMENT
    assert not visible_cases(weiss).exists()


def test_only_leadership_or_the_ethics_officer_record_the_order() -> None:
    office = _office()
    _awaiting(office)
    for role in (Role.INSPECTOR_GENERAL, Role.ASSISTANT_STATES_ATTORNEY, Role.INVESTIGATOR):
        with pytest.raises(PermissionDenied):
            _record(office, actor=make_user(role=role), order_date=timezone.localdate())
    # The screened head cannot reach the case at all.
    with pytest.raises(CaseNotFoundError):
        _record(office, actor=office.whitlock, order_date=timezone.localdate())
    assert not CourtOrder.objects.exists()
    assert not User.objects.filter(username="hweiss").exists()
    assert _special_prosecution(office.case) == SpecialProsecution.AWAITING_APPOINTMENT


def test_the_ethics_officer_records_the_order() -> None:
    office = _office()
    _awaiting(office)
    recorded = _record(office, actor=office.ethics, order_date=timezone.localdate())
    assert recorded.order.recorded_by_id == office.ethics.pk
    assert _special_prosecution(office.case) == SpecialProsecution.APPOINTED
    assert list(visible_cases(recorded.order.appointee)) == [office.case]


def _appointed(office: Office) -> User:
    _awaiting(office)
    return _record(office, order_date=timezone.localdate()).order.appointee


def test_office_staff_cannot_extend_the_appointee_to_another_case() -> None:
    """The court appoints for one case; putting the appointee on another case's team must not
    give him that case (no order covers it)."""
    office = _office()
    elsewhere = make_case(actor=office.raman)
    weiss = _appointed(office)
    # Refusing the assignment is one way to hold; the access check below is what matters.
    with contextlib.suppress(ValidationError, PermissionDenied):
        cases.case_assign(actor=office.raman, case_id=elsewhere.pk, user=weiss)
    assert list(visible_cases(weiss)) == [office.case]
    for action in CaseAction:
        assert not may(weiss, elsewhere, action), action


def test_screening_the_head_again_after_the_appointment_drafts_no_second_petition() -> None:
    office = _office()
    first = _screen_head(office)
    _record(office, order_date=timezone.localdate())
    screen_lift(actor=office.ethics, screen_id=first.pk, reason="Entered in error")
    _screen_head(office, actor=office.whitlock)
    assert Petition.objects.filter(case=office.case).count() == 1
    assert _special_prosecution(office.case) == SpecialProsecution.APPOINTED


def test_the_petition_is_dated_in_the_office_time_zone() -> None:
    """Drafted at 8 pm in Chicago on 19 February, which is already the 20th in UTC: the
    document must carry the office's date, the same one its facts give."""
    evening = dt.datetime(2019, 2, 19, 20, 0, tzinfo=ZoneInfo("America/Chicago"))
    with time_machine.travel(evening, tick=False):
        office = _office()
        _screen_head(office)
    petition = _petition(office.case)
    assert "February 19, 2019" in petition.facts
    text = petition_text(petition)
    assert "Drafted February 19, 2019" in text


def test_a_long_case_title_is_wrapped_like_the_rest_of_the_petition() -> None:
    office = _office()
    cases.case_update(
        actor=office.raman,
        case_id=office.case.pk,
        title="People of the State of Illinois v. Jordan Vale, also known as J. Vale, on the "
        "indictment returned by the Cook County grand jury in March",
    )
    _screen_head(office)
    text = petition_text(_petition(office.case))
    assert all(len(line) <= WIDTH for line in text.splitlines()), text
    assert office.case.number in text


def test_office_staff_cannot_take_the_case_from_the_court_appointee() -> None:
    """The order, not the office, gives the appointee the case; the office cannot undo it by
    editing the team."""
    office = _office()
    weiss = _appointed(office)
    with contextlib.suppress(ValidationError, PermissionDenied):
        cases.case_unassign(actor=office.keogh, case_id=office.case.pk, user=weiss)
    assert list(visible_cases(weiss)) == [office.case]
    assert may(weiss, office.case, CaseAction.CHARGE)
