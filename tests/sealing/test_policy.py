"""Sealed cases in the one access policy: standing by role, grants by order, reasons logged."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest

from evenhand.accounts.models import Role, User
from evenhand.audit.models import AuditAction, AuditEntry, AuditOutcome
from evenhand.cases.models import Case
from evenhand.screening.policies import (
    CaseAction,
    CaseNotFoundError,
    SealedCaseReasonRequiredError,
    access_case,
    allowed_actions,
    may,
    visible_cases,
)
from evenhand.sealing.context import AccessReasons, access_reasons
from evenhand.sealing.services import access_grant_revoke
from tests.factories import json_object, make_case, make_user
from tests.sealing.factories import grant, seal, unseal

pytestmark = pytest.mark.django_db

# Who keeps a sealed case (the ruleset's sealing section) and who loses it.
WITH_STANDING = {
    Role.STATES_ATTORNEY,
    Role.FIRST_ASSISTANT,
    Role.ASSISTANT_STATES_ATTORNEY,
    Role.INVESTIGATOR,
}
WITHOUT_STANDING = {
    Role.RECORDS_OFFICER,
    Role.INSPECTOR_GENERAL,
    Role.AUDITOR,
    Role.ETHICS_OFFICER,
}


@pytest.fixture
def sealed() -> tuple[User, Case]:
    asa = make_user()
    case = make_case(actor=asa)
    seal(case, actor=asa)
    return asa, case


@pytest.mark.parametrize("role", sorted(WITH_STANDING | WITHOUT_STANDING), ids=str)
def test_a_sealed_case_is_visible_only_with_standing(sealed: tuple[User, Case], role: Role) -> None:
    _, case = sealed
    user = make_user(role=role)
    visible = visible_cases(user).filter(pk=case.pk).exists()
    assert visible == (role in WITH_STANDING)
    assert may(user, case, CaseAction.VIEW) == visible


@pytest.mark.parametrize("role", sorted(WITHOUT_STANDING), ids=str)
def test_without_standing_a_sealed_case_is_a_missing_case(
    sealed: tuple[User, Case], role: Role
) -> None:
    _, case = sealed
    user = make_user(role=role)
    with pytest.raises(CaseNotFoundError):
        access_case(user, case.pk)
    refusal = AuditEntry.objects.filter(actor=user, action=AuditAction.CASE_ACCESS_REFUSED).get()
    assert json_object(refusal.after)["reason"] == "not_permitted"


def test_a_grant_lets_the_named_person_read_and_nothing_more(sealed: tuple[User, Case]) -> None:
    asa, case = sealed
    inspector = make_user(role=Role.INSPECTOR_GENERAL)
    other_inspector = make_user(role=Role.INSPECTOR_GENERAL)
    given = grant(case, actor=asa, grantee=inspector)
    assert visible_cases(inspector).filter(pk=case.pk).exists()
    assert may(inspector, case, CaseAction.VIEW)
    assert not may(inspector, case, CaseAction.EDIT)
    assert not visible_cases(other_inspector).filter(pk=case.pk).exists()
    access_grant_revoke(actor=asa, grant_id=given.pk, reason="The order was vacated.")
    assert not visible_cases(inspector).filter(pk=case.pk).exists()
    assert not may(inspector, case, CaseAction.VIEW)


def test_unsealing_restores_access_on_the_next_request(sealed: tuple[User, Case]) -> None:
    asa, case = sealed
    records = make_user(role=Role.RECORDS_OFFICER)
    assert not may(records, case, CaseAction.VIEW)
    unseal(case, actor=asa)
    assert may(records, case, CaseAction.VIEW)
    assert access_case(records, case.pk).pk == case.pk


def test_reading_a_sealed_case_needs_a_reason_and_logs_it(sealed: tuple[User, Case]) -> None:
    _, case = sealed
    prosecutor = make_user(role=Role.FIRST_ASSISTANT)
    with pytest.raises(SealedCaseReasonRequiredError):
        access_case(prosecutor, case.pk)
    refusal = AuditEntry.objects.filter(actor=prosecutor).latest("seq")
    assert refusal.outcome == AuditOutcome.REFUSED
    assert json_object(refusal.after)["reason"] == "access_reason_required"
    reason = "Preparing the response to the defence motion."
    with access_reasons(AccessReasons(by_case={case.pk: reason})):
        assert access_case(prosecutor, case.pk).pk == case.pk
    read = AuditEntry.objects.filter(actor=prosecutor).latest("seq")
    assert read.action == AuditAction.CASE_VIEWED
    assert json_object(read.after) == {"sealed": True, "access_reason": reason}


def test_a_reason_for_another_case_does_not_open_this_one(sealed: tuple[User, Case]) -> None:
    _, case = sealed
    prosecutor = make_user()
    with (
        access_reasons(AccessReasons(by_case={case.pk + 1: "For the other case entirely."})),
        pytest.raises(SealedCaseReasonRequiredError),
    ):
        access_case(prosecutor, case.pk)


def test_writes_by_prosecutors_need_no_reason(sealed: tuple[User, Case]) -> None:
    _, case = sealed
    prosecutor = make_user()
    assert access_case(prosecutor, case.pk, CaseAction.EDIT, log_read=False).pk == case.pk
    assert access_case(prosecutor, case.pk, CaseAction.VIEW, log_read=False).pk == case.pk


def test_unsealed_cases_behave_exactly_as_before() -> None:
    asa = make_user()
    case = make_case(actor=asa)
    records = make_user(role=Role.RECORDS_OFFICER)
    assert access_case(records, case.pk).pk == case.pk
    read = AuditEntry.objects.filter(actor=records).latest("seq")
    assert read.action == AuditAction.CASE_VIEWED
    assert read.after is None


def test_allowed_actions_on_a_fetched_case_cost_no_sealing_query(
    sealed: tuple[User, Case],
    django_assert_num_queries: Callable[[int], AbstractContextManager[object]],
) -> None:
    asa, case = sealed
    inspector = make_user(role=Role.INSPECTOR_GENERAL)
    grant(case, actor=asa, grantee=inspector)
    with access_reasons(AccessReasons(for_request="Review ordered by the court.")):
        fetched = access_case(inspector, case.pk)
    # No query: access_case has read the screens and the sealing state for this user.
    with django_assert_num_queries(0):
        assert allowed_actions(inspector, fetched) == frozenset({CaseAction.VIEW})
