"""Screens: raising, lifting and acknowledging them; who may; and what they do to access."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from evenhand.accounts.models import Role, User
from evenhand.accounts.services import user_set_active
from evenhand.audit.models import AuditAction, AuditEntry
from evenhand.cases import services
from evenhand.cases.models import (
    AssignmentRole,
    Case,
    CaseAssignment,
    ContactChannel,
    RelationshipKind,
)
from evenhand.cases.services import case_assign
from evenhand.screening.models import (
    ConflictFlag,
    Screen,
    ScreenedCase,
    ScreenedPerson,
    ScreenKind,
)
from evenhand.screening.policies import (
    CaseAction,
    CaseNotFoundError,
    access_case,
    may,
    visible_cases,
)
from evenhand.screening.services import (
    conflict_resolve,
    screen_acknowledge,
    screen_lift,
    screen_raise,
    screens_for,
)
from tests.factories import add_participant, appoint, json_object, make_case, make_person, make_user

pytestmark = pytest.mark.django_db

MISSING_CASE_ID = 10_000_000


@dataclass
class Office:
    ethics: User
    whitlock: User  # State's Attorney
    keogh: User  # First Assistant
    raman: User  # Assistant State's Attorney
    case: Case
    other: Case


def _office() -> Office:
    raman = make_user(role=Role.ASSISTANT_STATES_ATTORNEY, first_name="Priya", last_name="Raman")
    case = make_case(actor=raman, title="People v. Jordan Vale")
    add_participant(case, actor=raman, first_name="Jordan", last_name="Vale")
    return Office(
        ethics=make_user(role=Role.ETHICS_OFFICER),
        whitlock=make_user(role=Role.STATES_ATTORNEY, first_name="Dana", last_name="Whitlock"),
        keogh=make_user(role=Role.FIRST_ASSISTANT, first_name="Martin", last_name="Keogh"),
        raman=raman,
        case=case,
        other=make_case(actor=raman, title="People v. Somebody Else"),
    )


def _raise(
    office: Office,
    *,
    users: list[User],
    kind: ScreenKind = ScreenKind.EXCLUSIONARY,
    actor: User | None = None,
    cases: list[Case] | None = None,
    **extra: Any,
) -> Screen:
    return screen_raise(
        actor=actor or office.ethics,
        kind=kind,
        users=users,
        case_ids=[c.pk for c in (cases if cases is not None else [office.case])],
        reason=extra.pop("reason", "Close friend of the victim's family"),
        memo=extra.pop("memo", "Do not read, change, decide or discuss this case."),
        **extra,
    )


def _rows() -> tuple[int, int, int, int]:
    return (
        Screen.objects.count(),
        ScreenedPerson.objects.count(),
        ScreenedCase.objects.count(),
        AuditEntry.objects.filter(action=AuditAction.SCREEN_RAISED).count(),
    )


def _visible(user: User, action: CaseAction = CaseAction.VIEW) -> set[int]:
    return set(visible_cases(user, action).values_list("pk", flat=True))


# --- Raising, lifting, acknowledging ---------------------------------------------------------


def test_an_exclusionary_screen_takes_the_case_from_the_people_it_names() -> None:
    office = _office()
    assert office.case.pk in _visible(office.raman)
    screen = _raise(office, users=[office.raman], screened_terms=["Vale", " exhibit   A "])
    for action in CaseAction:
        assert not may(office.raman, office.case, action), action
        assert office.case.pk not in _visible(office.raman, action), action
        assert may(office.raman, office.other, action), action
        assert may(office.keogh, office.case, action), action
    with pytest.raises(CaseNotFoundError):
        access_case(office.raman, office.case.pk)
    assert (screen.ordered_by_id, screen.kind, screen.lifted_at) == (
        office.ethics.pk,
        ScreenKind.EXCLUSIONARY,
        None,
    )
    assert screen.screened_terms == ["Vale", "exhibit A"]
    assert list(screen.people.values_list("user_id", "acknowledged_at")) == [
        (office.raman.pk, None)
    ]
    (entry,) = AuditEntry.objects.filter(action=AuditAction.SCREEN_RAISED)
    after = json_object(entry.after)
    assert (entry.actor_id, entry.case_id, entry.subject_id) == (
        office.ethics.pk,
        office.case.pk,
        str(screen.pk),
    )
    assert (after["kind"], after["users"], after["terms"]) == (
        "exclusionary",
        [office.raman.username],
        ["Vale", "exhibit A"],
    )


def test_one_screen_covers_several_people_and_cases_and_audits_each_case() -> None:
    office = _office()
    screen = _raise(
        office,
        users=[office.raman, office.keogh, office.raman],
        cases=[office.case, office.other, office.case],
    )
    assert screen.people.count() == 2
    assert screen.cases.count() == 2
    for user in (office.raman, office.keogh):
        assert _visible(user).isdisjoint({office.case.pk, office.other.pk})
    audited = AuditEntry.objects.filter(action=AuditAction.SCREEN_RAISED)
    assert set(audited.values_list("case_id", flat=True)) == {office.case.pk, office.other.pk}
    assert audited.count() == 2


def _normalised(html: bytes) -> str:
    """A page without its per-request CSRF token."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html.decode())


def test_a_screen_applies_to_the_very_next_request_on_every_path_with_the_missing_404() -> None:
    office = _office()
    client = Client()
    client.force_login(office.raman)
    detail = reverse("case-detail", args=[office.case.pk])
    missing = reverse("case-detail", args=[MISSING_CASE_ID])
    api_detail = f"/api/cases/{office.case.pk}"
    assert client.get(detail).status_code == 200
    assert client.get(api_detail).status_code == 200
    screen = _raise(office, users=[office.raman])

    page = client.get(detail)
    assert page.status_code == 404
    assert _normalised(page.content) == _normalised(client.get(missing).content)
    assert office.case.number.encode() not in page.content
    audit_page = client.get(reverse("case-audit", args=[office.case.pk]))
    assert audit_page.status_code == 404
    listing = client.get(reverse("case-list"), {"q": office.case.number})
    results = listing.content.decode().split('id="results"', 1)[1]
    assert office.case.number not in results
    api = client.get(api_detail)
    assert api.status_code == 404
    assert api.json() == client.get(f"/api/cases/{MISSING_CASE_ID}").json()
    assert client.get("/api/cases", {"q": office.case.number}).json()["items"] == []

    screen_lift(actor=office.ethics, screen_id=screen.pk, reason="Conflict resolved")
    assert client.get(detail).status_code == 200
    assert client.get(api_detail).status_code == 200


def test_lifting_a_screen_takes_effect_immediately_and_is_audited() -> None:
    office = _office()
    screen = _raise(office, users=[office.raman], cases=[office.case, office.other])
    assert not may(office.raman, office.case, CaseAction.VIEW)
    lifted = screen_lift(actor=office.ethics, screen_id=screen.pk, reason="  Appeal decided  ")
    assert may(office.raman, office.case, CaseAction.VIEW)
    assert {office.case.pk, office.other.pk} <= _visible(office.raman)
    assert access_case(office.raman, office.case.pk) == office.case
    assert (lifted.lifted_by_id, lifted.lift_reason) == (office.ethics.pk, "Appeal decided")
    assert lifted.lifted_at is not None
    entries = AuditEntry.objects.filter(action=AuditAction.SCREEN_LIFTED)
    assert set(entries.values_list("case_id", flat=True)) == {office.case.pk, office.other.pk}
    assert entries.count() == 2
    assert {json_object(e.after)["reason"] for e in entries} == {"Appeal decided"}


def test_lifting_needs_a_reason_an_existing_screen_and_happens_once() -> None:
    office = _office()
    screen = _raise(office, users=[office.raman])
    with pytest.raises(ValidationError, match="why the screen is lifted"):
        screen_lift(actor=office.ethics, screen_id=screen.pk, reason="  ")
    with pytest.raises(ValidationError, match="No such screen"):
        screen_lift(actor=office.ethics, screen_id=MISSING_CASE_ID, reason="x")
    screen.refresh_from_db()
    assert screen.lifted_at is None
    screen_lift(actor=office.ethics, screen_id=screen.pk, reason="done")
    with pytest.raises(ValidationError, match="already been lifted"):
        screen_lift(actor=office.keogh, screen_id=screen.pk, reason="again")
    assert AuditEntry.objects.filter(action=AuditAction.SCREEN_LIFTED).count() == 1


def test_acknowledging_a_screen_memo() -> None:
    office = _office()
    screen = _raise(office, users=[office.raman, office.keogh])
    entry = screen_acknowledge(actor=office.raman, screen_id=screen.pk)
    assert entry.acknowledged_at is not None
    again = screen_acknowledge(actor=office.raman, screen_id=screen.pk)
    assert again.acknowledged_at == entry.acknowledged_at
    acknowledged = dict(screen.people.values_list("user_id", "acknowledged_at"))
    assert acknowledged[office.keogh.pk] is None
    assert acknowledged[office.raman.pk] == entry.acknowledged_at
    (audit,) = AuditEntry.objects.filter(action=AuditAction.SCREEN_ACKNOWLEDGED)
    assert (audit.actor_id, audit.subject_type, audit.subject_id) == (
        office.raman.pk,
        "screen",
        str(screen.pk),
    )
    with pytest.raises(ValidationError, match="not named"):
        screen_acknowledge(actor=office.whitlock, screen_id=screen.pk)
    with pytest.raises(ValidationError, match="not named"):
        screen_acknowledge(actor=office.raman, screen_id=MISSING_CASE_ID)
    # Acknowledging changes nothing about access.
    assert not may(office.raman, office.case, CaseAction.VIEW)


# --- Validation: every refusal saves nothing -------------------------------------------------

Problem = Callable[[Office], dict[str, Any]]


def _same_start_and_end() -> dict[str, Any]:
    moment = timezone.now() + dt.timedelta(hours=1)
    return {"starts_at": moment, "ends_at": moment}


def _inactive(office: Office) -> dict[str, Any]:
    user_set_active(actor=office.ethics, user=office.keogh, is_active=False)
    return {"users": [office.raman, office.keogh]}


PROBLEMS: dict[str, tuple[Problem, str]] = {
    "no people": (lambda o: {"users": []}, "at least one person"),
    "no cases": (lambda o: {"cases": []}, "at least one case"),
    "no reason": (lambda o: {"reason": "   "}, "why the screen is raised"),
    "back-dated": (
        lambda o: {"starts_at": timezone.now() - dt.timedelta(minutes=10)},
        "back-dated",
    ),
    "end before start": (
        lambda o: {"ends_at": timezone.now() - dt.timedelta(minutes=1)},
        "end must come after the start",
    ),
    "end at start": (lambda o: _same_start_and_end(), "end must come after the start"),
    "inactive user": (_inactive, "Inactive accounts"),
    "too many terms": (
        lambda o: {"screened_terms": [f"term {i}" for i in range(201)]},
        "At most 200",
    ),
    "term too long": (lambda o: {"screened_terms": ["x" * 101]}, "at most 100 characters"),
}


@pytest.mark.parametrize("problem", list(PROBLEMS))
def test_invalid_screens_are_refused_and_nothing_is_saved(problem: str) -> None:
    office = _office()
    build, message = PROBLEMS[problem]
    arguments: dict[str, Any] = {"users": [office.raman], **build(office)}
    before = _rows()
    with pytest.raises(ValidationError, match=message):
        _raise(office, **arguments)
    assert _rows() == before
    assert may(office.raman, office.case, CaseAction.VIEW)


def test_a_case_the_actor_cannot_see_refuses_the_whole_screen() -> None:
    office = _office()
    before = _rows()
    with pytest.raises(CaseNotFoundError):
        screen_raise(
            actor=office.ethics,
            kind=ScreenKind.EXCLUSIONARY,
            users=[office.raman],
            case_ids=[office.case.pk, MISSING_CASE_ID],
            reason="r",
            memo="m",
        )
    assert _rows() == before


def test_an_overlapping_screen_for_the_same_person_case_and_kind_is_refused() -> None:
    office = _office()
    first = _raise(office, users=[office.raman])
    before = _rows()
    with pytest.raises(ValidationError, match=f"Screen #{first.pk} already covers"):
        _raise(office, users=[office.keogh, office.raman], cases=[office.other, office.case])
    assert _rows() == before
    assert may(office.keogh, office.case, CaseAction.VIEW)


def test_a_future_screen_also_counts_as_overlapping() -> None:
    office = _office()
    _raise(office, users=[office.raman], starts_at=timezone.now() + dt.timedelta(days=2))
    with pytest.raises(ValidationError, match="already covers"):
        _raise(office, users=[office.raman], ends_at=timezone.now() + dt.timedelta(days=3))


def test_screens_that_do_not_overlap_are_accepted() -> None:
    office = _office()
    now = timezone.now()
    first = _raise(office, users=[office.raman], ends_at=now + dt.timedelta(hours=1))
    # A later period, another case, another kind, another person: all fine.
    _raise(office, users=[office.raman], starts_at=now + dt.timedelta(hours=2))
    _raise(office, users=[office.raman], cases=[office.other])
    _raise(office, users=[office.raman], kind=ScreenKind.NEED_TO_KNOW)
    _raise(office, users=[office.keogh])
    # A lifted screen no longer stands in the way.
    second_case = make_case(actor=office.keogh)
    lifted = _raise(office, users=[office.raman], cases=[second_case])
    screen_lift(actor=office.ethics, screen_id=lifted.pk, reason="done")
    _raise(office, users=[office.raman], cases=[second_case])
    assert Screen.objects.count() == 7
    assert first.ends_at is not None


def test_a_little_clock_skew_is_tolerated_when_a_screen_starts() -> None:
    office = _office()
    screen = _raise(
        office, users=[office.raman], starts_at=timezone.now() - dt.timedelta(minutes=2)
    )
    assert not may(office.raman, office.case, CaseAction.VIEW)
    assert screen.starts_at < timezone.now()


# --- Who may raise and lift -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.ETHICS_OFFICER, True),
        (Role.STATES_ATTORNEY, True),
        (Role.FIRST_ASSISTANT, True),
        (Role.ASSISTANT_STATES_ATTORNEY, False),
        (Role.INVESTIGATOR, False),
        (Role.RECORDS_OFFICER, False),
        (Role.INSPECTOR_GENERAL, False),
        (Role.AUDITOR, False),
    ],
)
@pytest.mark.parametrize("kind", list(ScreenKind))
def test_who_may_screen_someone_else(role: Role, allowed: bool, kind: ScreenKind) -> None:
    office = _office()
    actor = make_user(role=role)
    named = [office.raman] if kind == ScreenKind.EXCLUSIONARY else [office.raman, actor]
    before = _rows()
    if allowed:
        _raise(office, users=named, kind=kind, actor=actor)
        assert _rows()[0] == before[0] + 1
    else:
        with pytest.raises(PermissionDenied):
            _raise(office, users=named, kind=kind, actor=actor)
        assert _rows() == before


@pytest.mark.parametrize(
    "role",
    [Role.ASSISTANT_STATES_ATTORNEY, Role.INVESTIGATOR, Role.RECORDS_OFFICER, Role.FIRST_ASSISTANT],
)
def test_anyone_may_recuse_themselves(role: Role) -> None:
    office = _office()
    user = make_user(role=role)
    assert may(user, office.case, CaseAction.VIEW)
    _raise(office, users=[user], actor=user, reason="I know the family")
    assert not may(user, office.case, CaseAction.VIEW)


def test_a_self_recusal_names_only_oneself_and_is_exclusionary() -> None:
    office = _office()
    before = _rows()
    with pytest.raises(PermissionDenied):
        _raise(office, users=[office.raman, office.keogh], actor=office.raman)
    with pytest.raises(PermissionDenied):
        _raise(office, users=[office.raman], actor=office.raman, kind=ScreenKind.NEED_TO_KNOW)
    assert _rows() == before


@pytest.mark.parametrize("role", [Role.ETHICS_OFFICER, Role.STATES_ATTORNEY, Role.FIRST_ASSISTANT])
def test_leadership_and_the_ethics_officer_may_lift_a_screen(role: Role) -> None:
    office = _office()
    screen = _raise(office, users=[office.raman])
    screen_lift(actor=make_user(role=role), screen_id=screen.pk, reason="resolved")
    assert may(office.raman, office.case, CaseAction.VIEW)


@pytest.mark.parametrize(
    "role", [Role.ASSISTANT_STATES_ATTORNEY, Role.INSPECTOR_GENERAL, Role.AUDITOR]
)
def test_other_roles_may_not_lift_a_screen(role: Role) -> None:
    office = _office()
    screen = _raise(office, users=[office.raman])
    with pytest.raises(PermissionDenied):
        screen_lift(actor=make_user(role=role), screen_id=screen.pk, reason="resolved")
    screen.refresh_from_db()
    assert screen.lifted_at is None


def test_nobody_named_in_a_screen_may_lift_it() -> None:
    office = _office()
    ethics_named = _raise(office, users=[office.keogh, office.ethics], actor=office.whitlock)
    own = _raise(office, users=[office.raman], actor=office.raman, cases=[office.other])
    for actor, screen in ((office.keogh, ethics_named), (office.ethics, ethics_named)):
        with pytest.raises(PermissionDenied):
            screen_lift(actor=actor, screen_id=screen.pk, reason="I am fine")
    with pytest.raises(PermissionDenied):
        screen_lift(actor=office.raman, screen_id=own.pk, reason="changed my mind")
    assert not Screen.objects.filter(lifted_at__isnull=False).exists()
    assert not AuditEntry.objects.filter(action=AuditAction.SCREEN_LIFTED).exists()


# --- Need to know -----------------------------------------------------------------------------


def test_need_to_know_only_the_named_people_reach_the_case_but_oversight_reads() -> None:
    office = _office()
    investigator = make_user(role=Role.INVESTIGATOR)
    records = make_user(role=Role.RECORDS_OFFICER)
    # On the team but not named: a need-to-know screen still keeps them out.
    teammate = make_user(role=Role.ASSISTANT_STATES_ATTORNEY)
    case_assign(actor=office.raman, case_id=office.case.pk, user=teammate)
    oversight = [
        make_user(role=Role.INSPECTOR_GENERAL),
        make_user(role=Role.AUDITOR),
        office.ethics,
    ]
    _raise(office, users=[office.raman, investigator], kind=ScreenKind.NEED_TO_KNOW)

    for action in CaseAction:
        assert may(office.raman, office.case, action) == (
            office.case.pk in _visible(office.raman, action)
        )
        assert may(office.raman, office.case, action), action
    assert may(investigator, office.case, CaseAction.EDIT)
    for outsider in (office.whitlock, office.keogh, records, teammate):
        for action in CaseAction:
            assert not may(outsider, office.case, action), (outsider.role, action)
            assert office.case.pk not in _visible(outsider, action)
        assert may(outsider, office.other, CaseAction.VIEW)  # only this case is walled
    for reader in oversight:
        assert may(reader, office.case, CaseAction.VIEW)
        assert office.case.pk in _visible(reader)
        assert not may(reader, office.case, CaseAction.EDIT)
        assert access_case(reader, office.case.pk) == office.case
    assert AuditEntry.objects.filter(
        action=AuditAction.CASE_VIEWED, case_id=office.case.pk, actor__in=oversight
    ).count() == len(oversight)


def test_an_exclusionary_screen_overrides_oversight_reads() -> None:
    office = _office()
    ig = make_user(role=Role.INSPECTOR_GENERAL)
    _raise(office, users=[ig])
    assert not may(ig, office.case, CaseAction.VIEW)
    assert office.case.pk not in _visible(ig)


# --- When a screen is in force ----------------------------------------------------------------

T0 = dt.datetime(2019, 2, 19, 17, 0, tzinfo=dt.UTC)


def test_a_screen_with_a_future_start_is_not_in_force_until_it_starts() -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        office = _office()
        screen = _raise(office, users=[office.raman], starts_at=T0 + dt.timedelta(days=1))
        assert may(office.raman, office.case, CaseAction.VIEW)
        assert office.case.pk in _visible(office.raman)
        assert screens_for(office.raman) == [screen]  # announced ahead of time
        traveller.shift(dt.timedelta(days=1) - dt.timedelta(seconds=1))
        assert may(office.raman, office.case, CaseAction.VIEW)
        traveller.shift(dt.timedelta(seconds=1))
        assert not may(office.raman, office.case, CaseAction.VIEW)
        assert office.case.pk not in _visible(office.raman)


def test_a_screen_past_its_end_is_no_longer_in_force() -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        office = _office()
        screen = _raise(office, users=[office.raman], ends_at=T0 + dt.timedelta(hours=1))
        assert not may(office.raman, office.case, CaseAction.VIEW)
        assert screens_for(office.raman) == [screen]
        traveller.shift(dt.timedelta(hours=1))
        assert may(office.raman, office.case, CaseAction.VIEW)
        assert office.case.pk in _visible(office.raman)
        assert screens_for(office.raman) == []


def test_screens_for_lists_current_and_coming_screens_newest_first() -> None:
    office = _office()
    now = timezone.now()
    current = _raise(office, users=[office.raman])
    coming = _raise(
        office, users=[office.raman], cases=[office.other], starts_at=now + dt.timedelta(days=1)
    )
    lifted = _raise(office, users=[office.raman], kind=ScreenKind.NEED_TO_KNOW)
    screen_lift(actor=office.ethics, screen_id=lifted.pk, reason="done")
    _raise(office, users=[office.keogh], cases=[office.other])
    assert screens_for(office.raman) == [coming, current]


# --- Teams ------------------------------------------------------------------------------------


def test_case_assign_refuses_a_person_an_exclusionary_screen_names() -> None:
    office = _office()
    _raise(office, users=[office.keogh])
    with pytest.raises(ValidationError, match="would breach a screen"):
        case_assign(actor=office.raman, case_id=office.case.pk, user=office.keogh)
    assert not CaseAssignment.objects.filter(user=office.keogh).exists()
    # Another case is not affected.
    case_assign(actor=office.raman, case_id=office.other.pk, user=office.keogh)


def test_case_assign_under_need_to_know_accepts_only_the_named() -> None:
    office = _office()
    investigator = make_user(role=Role.INVESTIGATOR)
    _raise(office, users=[office.raman, investigator], kind=ScreenKind.NEED_TO_KNOW)
    with pytest.raises(ValidationError, match="would breach a screen"):
        case_assign(actor=office.raman, case_id=office.case.pk, user=office.keogh)
    case_assign(
        actor=office.raman,
        case_id=office.case.pk,
        user=investigator,
        role=AssignmentRole.INVESTIGATOR,
    )
    assert list(
        CaseAssignment.objects.filter(case=office.case).values_list("user_id", flat=True)
    ) == [investigator.pk]


def test_a_screened_team_member_loses_the_case_though_still_on_the_team() -> None:
    office = _office()
    appointee = make_user(role=Role.SPECIAL_PROSECUTOR)
    appoint(office.case, appointee)
    assert _visible(appointee) == {office.case.pk}
    _raise(office, users=[appointee])
    assert _visible(appointee) == set()
    assert not may(appointee, office.case, CaseAction.CHARGE)


# --- Pages about screens and the log ----------------------------------------------------------


def _mentions_the_case(office: Office, body: str) -> list[str]:
    return [
        found for found in (office.case.number, office.case.title, "Jordan Vale") if found in body
    ] + re.findall(r"\bVale\b", body)


def test_screen_pages_do_not_show_the_case_to_a_manager_walled_off_from_it() -> None:
    """Keogh oversees screens but is walled off the case; Raman's recusal memo and screened
    terms name the case and its participants."""
    office = _office()
    tina = make_person(actor=office.raman, first_name="Tina", last_name="Vale")
    services.relationship_add(
        actor=office.raman,
        from_person=tina,
        to_person=office.case.participants.get().person,
        kind=RelationshipKind.RELATIVE_OF,
    )
    services.contact_log(
        actor=office.raman,
        staff=office.raman,
        person=tina,
        case_id=office.case.pk,
        channel=ContactChannel.PHONE,
        occurred_at=timezone.now() - dt.timedelta(hours=1),
        summary="Asked about the case.",
    )
    flag = ConflictFlag.objects.get(staff=office.raman)
    recusal = conflict_resolve(
        actor=office.raman, flag_id=flag.pk, recuse=True, note="Family friend"
    ).flag.screen
    assert recusal is not None
    assert office.case.number in recusal.memo
    assert "Vale" in recusal.screened_terms
    _raise(office, users=[office.keogh])
    client = Client()
    client.force_login(office.keogh)
    for url in (
        reverse("screen-list"),
        reverse("screen-detail", args=[recusal.pk]),
        "/api/screens",
        f"/api/screens/{recusal.pk}",
    ):
        response = client.get(url)
        assert response.status_code in {200, 404}, url
        assert _mentions_the_case(office, response.content.decode()) == [], url


def test_the_oversight_audit_log_does_not_show_a_screened_reader_the_case() -> None:
    office = _office()
    ig = make_user(role=Role.INSPECTOR_GENERAL)
    _raise(office, users=[ig])
    client = Client()
    client.force_login(ig)
    assert client.get("/api/oversight/audit", {"case_id": office.case.pk}).status_code == 404
    for query in ({"case_id": office.case.pk}, {}):
        response = client.get(reverse("oversight-audit"), query)
        assert _mentions_the_case(office, response.content.decode()) == [], query
    api = client.get("/api/oversight/audit")
    assert _mentions_the_case(office, api.content.decode()) == []
    # The log itself is readable; only the case is not.
    assert client.get(reverse("oversight-audit")).status_code == 200
