"""Moving a term's due date needs what every other change to an enrolment and its terms needs:
DISPOSE on the case, as the one access policy answers it through `access_case`. So who may
move a date is whoever the policy lets dispose (the team, and whatever the office-wide grants
give), a refusal is the policy's own (403 for those who may read the case, the 404 of a
missing case for everyone else), and every refusal is logged."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable

import pytest
from django.test import Client

from evenhand.accounts.models import Role, User
from evenhand.audit.models import AuditAction, AuditEntry, AuditOutcome
from evenhand.cases.models import AssignmentRole
from evenhand.cases.services import case_assign
from evenhand.dispositions.models import Enrolment, Term, TermKind, TermStatus
from evenhand.dispositions.services import term_add, term_change
from evenhand.screening.models import ScreenKind
from evenhand.screening.policies import (
    OVERSIGHT,
    CaseAction,
    CaseActionDeniedError,
    CaseNotFoundError,
    may,
)
from evenhand.screening.services import screen_raise
from tests.api.factories import token_client
from tests.factories import appoint, json_object, make_user

from .factories import World, add_term, charged_case, enrol

pytestmark = pytest.mark.django_db

DUE_ON = dt.date(2019, 4, 30)
MOVED_TO = dt.date(2019, 5, 31)
EXTENDED = "Extended by Judge Rosa Castellanos, order of 2019-04-12"
DONE, DENIED, NOT_FOUND = "done", "denied (403)", "not found (404)"


def _move(user: User, term: Term) -> Term:
    return term_change(
        actor=user, term_id=term.pk, expected_version=1, due_on=MOVED_TO, reason=EXTENDED
    )


def _add(user: User, enrolment: Enrolment) -> Term:
    """Another change to the enrolment's terms, for comparison."""
    return term_add(
        actor=user, enrolment_id=enrolment.pk, kind=TermKind.EDUCATION, due_on=dt.date(2019, 6, 1)
    )


def _outcome(change: Callable[[], object]) -> str:
    try:
        change()
    except CaseActionDeniedError:
        return DENIED
    except CaseNotFoundError:
        return NOT_FOUND
    return DONE


def _expected(user: User, world: World) -> str:
    """What the policy says: DISPOSE allowed, or else whether the user may at least read."""
    world.case.refresh_from_db()
    if may(user, world.case, CaseAction.DISPOSE):
        return DONE
    return DENIED if may(user, world.case, CaseAction.VIEW) else NOT_FOUND


def _on_team(world: World, user: User) -> None:
    if user.is_external:
        # Only a court order puts an external special prosecutor on a case.
        appoint(world.case, user)
    else:
        case_assign(
            actor=world.prosecutor, case_id=world.case.pk, user=user, role=AssignmentRole.MEMBER
        )


def _refusals(user: User) -> list[dict[str, object]]:
    return [
        json_object(entry.after)
        for entry in AuditEntry.objects.filter(
            action=AuditAction.CASE_ACCESS_REFUSED, actor=user, outcome=AuditOutcome.REFUSED
        ).order_by("seq")
    ]


def _assert_not_moved(term: Term) -> None:
    term.refresh_from_db()
    assert (term.due_on, term.status, term.version) == (DUE_ON, TermStatus.OPEN, 1)
    assert not AuditEntry.objects.filter(
        action=AuditAction.TERM_CHANGED, subject_id=str(term.pk)
    ).exists()


def test_an_asa_on_the_team_moves_a_due_date() -> None:
    world = charged_case()
    term = add_term(world, enrol(world))
    teammate = make_user(role=Role.ASSISTANT_STATES_ATTORNEY)
    _on_team(world, teammate)

    moved = _move(teammate, term)

    assert (moved.due_on, moved.version) == (MOVED_TO, 2)
    entry = AuditEntry.objects.get(action=AuditAction.TERM_CHANGED)
    assert entry.actor_id == teammate.pk
    assert json_object(entry.after)["reason"] == EXTENDED


@pytest.mark.parametrize(("role", "on_team"), list(itertools.product(Role, [False, True])), ids=str)
def test_moving_a_due_date_is_allowed_exactly_where_the_other_term_changes_are(
    role: Role, on_team: bool
) -> None:
    world = charged_case()
    enrolment = enrol(world)
    term = add_term(world, enrolment)
    user = make_user(role=role)
    if on_team:
        _on_team(world, user)
    expected = _expected(user, world)

    added = _outcome(lambda: _add(user, enrolment))
    moved = _outcome(lambda: _move(user, term))

    assert (added, moved) == (expected, expected), (role, on_team)
    if expected == DONE:
        term.refresh_from_db()
        assert term.due_on == MOVED_TO
        return
    _assert_not_moved(term)
    refusal = "action_not_permitted" if expected == DENIED else "not_permitted"
    assert _refusals(user) == [{"action": CaseAction.DISPOSE, "reason": refusal}] * 2


def test_under_a_special_prosecutor_an_asa_off_the_team_is_refused_and_logged() -> None:
    world = charged_case()
    term = add_term(world, enrol(world))
    appointee = make_user(role=Role.SPECIAL_PROSECUTOR)
    appoint(world.case, appointee)
    outsider = make_user(role=Role.ASSISTANT_STATES_ATTORNEY)

    with pytest.raises(CaseActionDeniedError, match="not dispose"):
        _move(outsider, term)

    _assert_not_moved(term)
    assert _refusals(outsider) == [{"action": "dispose", "reason": "action_not_permitted"}]
    # The court's appointee, on the case's team, may.
    assert _move(appointee, term).due_on == MOVED_TO


def test_an_asa_off_a_need_to_know_team_gets_the_404_of_a_missing_case() -> None:
    world = charged_case()
    term = add_term(world, enrol(world))
    teammate = make_user(role=Role.ASSISTANT_STATES_ATTORNEY)
    _on_team(world, teammate)
    screen_raise(
        actor=make_user(role=Role.ETHICS_OFFICER),
        kind=ScreenKind.NEED_TO_KNOW,
        users=[world.prosecutor, teammate],
        case_ids=[world.case.pk],
        reason="Sensitive investigation",
        memo="Only the case team reads or changes this case.",
    )
    outsider = make_user(role=Role.ASSISTANT_STATES_ATTORNEY)

    with pytest.raises(CaseNotFoundError):
        _move(outsider, term)

    _assert_not_moved(term)
    assert _refusals(outsider) == [{"action": "dispose", "reason": "not_permitted"}]
    assert _move(teammate, term).due_on == MOVED_TO


@pytest.mark.parametrize("role", sorted(OVERSIGHT), ids=str)
def test_oversight_may_read_a_term_but_not_move_it(role: Role) -> None:
    world = charged_case()
    enrolment = enrol(world)
    term = add_term(world, enrolment)
    overseer = make_user(role=role)
    page = Client()
    page.force_login(overseer)
    prefix = f"move-{term.pk}-"

    shown = page.get(f"/enrolments/{enrolment.pk}/")
    refused = page.post(
        f"/enrolments/{enrolment.pk}/terms/{term.pk}/due-date/",
        {
            f"{prefix}version": "1",
            f"{prefix}due_on": MOVED_TO.isoformat(),
            f"{prefix}reason": EXTENDED,
        },
    )
    api = token_client(overseer).patch(
        f"/api/dispositions/terms/{term.pk}",
        {"version": 1, "due_on": MOVED_TO.isoformat(), "reason": EXTENDED},
        content_type="application/json",
    )

    assert shown.status_code == 200
    assert "Change due date or waive" not in shown.content.decode()
    assert refused.status_code == 200
    assert "You may read this case but not dispose it." in refused.content.decode()
    assert api.status_code == 403
    assert api.json() == {"detail": "You may read this case but not dispose it."}
    _assert_not_moved(term)
    assert _refusals(overseer) == [{"action": "dispose", "reason": "action_not_permitted"}] * 2
