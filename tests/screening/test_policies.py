"""The access policy: one definition, two answers that always agree, one 404 for all refusals."""

from __future__ import annotations

import enum
import itertools

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from evenhand.accounts.models import Role, User
from evenhand.audit.models import AuditAction, AuditEntry, AuditOutcome
from evenhand.cases.models import AssignmentRole, Case
from evenhand.cases.services import case_assign, case_unassign
from evenhand.screening.policies import (
    CaseAction,
    CaseNotFoundError,
    access_case,
    allowed_actions,
    may,
    visible_cases,
)
from tests.factories import appoint, json_object, make_case, make_user
from tests.sealing.factories import grant, seal, unseal

pytestmark = pytest.mark.django_db

# What each role may do on a case it is not on the team of (the office-wide grants).
EXPECTED_OFFICE_WIDE: dict[Role, set[CaseAction]] = {
    Role.STATES_ATTORNEY: set(CaseAction),
    Role.FIRST_ASSISTANT: set(CaseAction),
    Role.ASSISTANT_STATES_ATTORNEY: set(CaseAction),
    Role.INVESTIGATOR: {CaseAction.VIEW, CaseAction.EDIT},
    Role.RECORDS_OFFICER: {CaseAction.VIEW},
    Role.ETHICS_OFFICER: {CaseAction.VIEW},
    Role.INSPECTOR_GENERAL: {CaseAction.VIEW},
    Role.AUDITOR: {CaseAction.VIEW},
    Role.SPECIAL_PROSECUTOR: set(),
    Role.ADMINISTRATOR: set(),
}


@pytest.fixture
def world() -> tuple[User, Case, Case]:
    """A lead prosecutor and two cases: one with a team, one without."""
    lead = make_user(role=Role.ASSISTANT_STATES_ATTORNEY)
    return lead, make_case(actor=lead), make_case(actor=lead)


@pytest.mark.parametrize(("role", "on_team"), list(itertools.product(Role, [False, True])), ids=str)
def test_may_and_visible_cases_agree_for_every_role_and_action(
    world: tuple[User, Case, Case], role: Role, on_team: bool
) -> None:
    lead, team_case, other_case = world
    user = make_user(role=role)
    if on_team and user.is_external:
        appoint(team_case, user)
    elif on_team:
        case_assign(actor=lead, case_id=team_case.pk, user=user, role=AssignmentRole.MEMBER)
    for action in CaseAction:
        visible = set(visible_cases(user, action).values_list("pk", flat=True))
        for case in (team_case, other_case):
            assert may(user, case, action) == (case.pk in visible), (role, on_team, action)
        expected_other = action in EXPECTED_OFFICE_WIDE[role]
        assert may(user, other_case, action) == expected_other, (role, action)


class Sealing(enum.Enum):
    NONE = "not sealed"
    SEALED = "sealed"
    GRANTED = "sealed, user granted access by order"
    UNSEALED = "sealed, then unsealed"


# Roles that keep a sealed case (20 ILCS 2630/13(b) as the ruleset states it).
SEALED_STANDING = {
    Role.STATES_ATTORNEY,
    Role.FIRST_ASSISTANT,
    Role.ASSISTANT_STATES_ATTORNEY,
    Role.INVESTIGATOR,
    Role.SPECIAL_PROSECUTOR,
}


@pytest.mark.parametrize(
    ("role", "on_team", "sealing"),
    list(itertools.product(Role, [False, True], Sealing)),
    ids=str,
)
def test_may_and_visible_cases_agree_on_sealed_cases(
    world: tuple[User, Case, Case], role: Role, on_team: bool, sealing: Sealing
) -> None:
    lead, team_case, other_case = world
    user = make_user(role=role)
    if on_team and user.is_external:
        appoint(team_case, user)
    elif on_team:
        case_assign(actor=lead, case_id=team_case.pk, user=user, role=AssignmentRole.MEMBER)
    unsealed_answers = {
        (case.pk, action): may(user, case, action)
        for case in (team_case, other_case)
        for action in CaseAction
    }
    # Orders are recorded by whoever may dispose of the case: on a case handed to a special
    # prosecutor, the appointee.
    recorders = {team_case.pk: user if on_team and user.is_external else lead, other_case.pk: lead}
    for case in (team_case, other_case):
        if sealing != Sealing.NONE:
            seal(case, actor=recorders[case.pk])
        if sealing == Sealing.GRANTED and role not in SEALED_STANDING:
            grant(case, actor=recorders[case.pk], grantee=user)
        if sealing == Sealing.UNSEALED:
            unseal(case, actor=recorders[case.pk])
    hidden = sealing in {Sealing.SEALED, Sealing.GRANTED} and role not in SEALED_STANDING
    for action in CaseAction:
        visible = set(visible_cases(user, action).values_list("pk", flat=True))
        for case in (team_case, other_case):
            allowed = may(user, case, action)
            assert allowed == (case.pk in visible), (role, on_team, sealing, action)
            by_order = sealing == Sealing.GRANTED and action == CaseAction.VIEW
            expected = unsealed_answers[(case.pk, action)] and (not hidden or by_order)
            assert allowed == expected, (role, on_team, sealing, action)


def test_oversight_roles_read_but_never_change(world: tuple[User, Case, Case]) -> None:
    _, case, _ = world
    for role in (Role.INSPECTOR_GENERAL, Role.AUDITOR, Role.ETHICS_OFFICER):
        user = make_user(role=role)
        assert may(user, case, CaseAction.VIEW)
        assert not any(may(user, case, a) for a in (CaseAction.EDIT, CaseAction.CHARGE))


def test_special_prosecutor_sees_only_the_cases_of_the_team(world: tuple[User, Case, Case]) -> None:
    lead, team_case, other_case = world
    appointee = make_user(role=Role.SPECIAL_PROSECUTOR)
    assert not visible_cases(appointee).exists()
    appoint(team_case, appointee)
    assert list(visible_cases(appointee)) == [team_case]
    # Only the court ends an appointment; the office cannot take the case away.
    with pytest.raises(ValidationError, match="only the court"):
        case_unassign(actor=lead, case_id=team_case.pk, user=appointee)
    assert list(visible_cases(appointee)) == [team_case]
    assert not may(appointee, other_case, CaseAction.VIEW)


def test_inactive_user_sees_nothing(world: tuple[User, Case, Case]) -> None:
    _, case, _ = world
    user = make_user(role=Role.STATES_ATTORNEY)
    user.is_active = False
    assert not visible_cases(user).exists()
    assert not may(user, case, CaseAction.VIEW)


def test_missing_and_forbidden_raise_the_same_error_and_both_are_logged(
    world: tuple[User, Case, Case],
) -> None:
    _, case, _ = world
    outsider = make_user(role=Role.ADMINISTRATOR)
    with pytest.raises(CaseNotFoundError) as forbidden:
        access_case(outsider, case.pk)
    with pytest.raises(CaseNotFoundError) as missing:
        access_case(outsider, 10_000_000)
    assert str(forbidden.value) == str(missing.value)
    refusals = AuditEntry.objects.filter(
        action=AuditAction.CASE_ACCESS_REFUSED, actor=outsider
    ).order_by("seq")
    assert [(r.outcome, r.case_id, json_object(r.after)["reason"]) for r in refusals] == [
        (AuditOutcome.REFUSED, case.pk, "not_permitted"),
        (AuditOutcome.REFUSED, None, "not_found"),
    ]


def test_successful_read_is_logged(world: tuple[User, Case, Case]) -> None:
    lead, case, _ = world
    access_case(lead, case.pk)
    assert AuditEntry.objects.filter(
        action=AuditAction.CASE_VIEWED, actor=lead, case_id=case.pk
    ).exists()


@pytest.mark.parametrize("bad_id", ["abc", "", "1; DROP TABLE cases_case", "9" * 40, -1])
def test_malformed_ids_are_just_not_found(world: tuple[User, Case, Case], bad_id: object) -> None:
    lead, _, _ = world
    with pytest.raises(CaseNotFoundError):
        access_case(lead, bad_id)


class TestPolicyAgreementForAnyTeamLayout(HypothesisTestCase):
    """For any mix of roles and team memberships, the two answers agree case by case."""

    @settings(max_examples=25, deadline=None)
    @given(
        roles=st.lists(st.sampled_from(list(Role)), min_size=1, max_size=4),
        memberships=st.sets(st.tuples(st.integers(0, 3), st.integers(0, 2)), max_size=8),
    )
    def test_agreement(self, roles: list[Role], memberships: set[tuple[int, int]]) -> None:
        lead = make_user(role=Role.FIRST_ASSISTANT)
        cases = [make_case(actor=lead) for _ in range(3)]
        users = [make_user(role=role) for role in roles]
        for user_index, case_index in memberships:
            if user_index >= len(users):
                continue
            if users[user_index].is_external:
                appoint(cases[case_index], users[user_index])
            else:
                case_assign(actor=lead, case_id=cases[case_index].pk, user=users[user_index])
        for user in users:
            for action in CaseAction:
                visible = set(visible_cases(user, action).values_list("pk", flat=True))
                for case in cases:
                    assert may(user, case, action) == (case.pk in visible)


def test_allowed_actions_reuses_screens_only_for_the_user_they_were_read_for() -> None:
    from evenhand.screening.models import ScreenKind  # noqa: PLC0415
    from evenhand.screening.services import screen_raise  # noqa: PLC0415

    head = make_user(role=Role.FIRST_ASSISTANT)
    reader = make_user(role=Role.ASSISTANT_STATES_ATTORNEY)
    screened = make_user(role=Role.ASSISTANT_STATES_ATTORNEY)
    case = make_case(actor=head)
    screen_raise(
        actor=head,
        kind=ScreenKind.EXCLUSIONARY,
        users=[screened],
        case_ids=[case.pk],
        reason="Former defence counsel.",
        memo="Screened.",
    )
    fetched = access_case(reader, case.pk)
    # The screens read for `reader` must not answer for someone else.
    assert allowed_actions(screened, fetched) == frozenset()
    assert CaseAction.VIEW in allowed_actions(reader, fetched)
