"""A term change that changes nothing (the due date the term already has, no waiver) is not a
change: the term keeps its version and nothing is recorded, so the history shows only real
changes. It is still refused wherever a change would be: by the access policy (logged) and,
on a stale version, as the conflict it is. The page says there was nothing to save, and the API
answers with the term as it is."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from evenhand.accounts.models import Role, User
from evenhand.audit.models import AuditAction, AuditEntry
from evenhand.dispositions.models import Term, TermStatus
from evenhand.dispositions.services import VersionConflictError, term_change
from evenhand.screening.policies import CaseActionDeniedError, CaseNotFoundError
from tests.api.factories import token_client
from tests.factories import json_object, make_user, screen_from

from .factories import World, add_term, charged_case, enrol

pytestmark = pytest.mark.django_db

DUE_ON = dt.date(2019, 4, 30)
MOVED_TO = dt.date(2019, 5, 31)
EXTENDED = "Extended by Judge Rosa Castellanos, order of 2019-04-12"


def _writes() -> int:
    """Audit entries other than reads and sign-ins: a page shown logs its read."""
    return AuditEntry.objects.exclude(
        action__in=[AuditAction.CASE_VIEWED, AuditAction.LOGIN_SUCCEEDED]
    ).count()


def _term() -> tuple[World, Term]:
    world = charged_case()
    return world, add_term(world, enrol(world), due_on=DUE_ON)


def _unchanged(term: Term, *, version: int = 1, due_on: dt.date = DUE_ON) -> None:
    """The term as it was: same date, still open, same version and time of last change."""
    updated_at = term.updated_at
    term.refresh_from_db()
    assert (term.due_on, term.status, term.version) == (due_on, TermStatus.OPEN, version)
    assert term.updated_at == updated_at


def _move(term: Term, *, by: User, version: int = 1, due_on: dt.date = MOVED_TO) -> Term:
    return term_change(
        actor=by, term_id=term.pk, expected_version=version, due_on=due_on, reason=EXTENDED
    )


# --- the service -----------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   ", EXTENDED], ids=["none", "blank", "given"])
def test_the_date_the_term_has_and_no_waiver_changes_nothing_and_records_nothing(
    reason: str,
) -> None:
    world, term = _term()
    writes = _writes()

    returned = term_change(
        actor=world.prosecutor, term_id=term.pk, expected_version=1, due_on=DUE_ON, reason=reason
    )

    assert (returned.pk, returned.due_on, returned.version) == (term.pk, DUE_ON, 1)
    _unchanged(term)
    assert _writes() == writes
    assert not AuditEntry.objects.filter(action=AuditAction.TERM_CHANGED).exists()


def test_after_a_real_move_the_same_date_again_changes_nothing() -> None:
    world, term = _term()
    moved = _move(term, by=world.prosecutor)
    writes = _writes()

    again = _move(term, by=world.prosecutor, version=moved.version)

    assert again.version == moved.version == 2
    _unchanged(moved, version=2, due_on=MOVED_TO)
    assert _writes() == writes
    assert AuditEntry.objects.filter(action=AuditAction.TERM_CHANGED).count() == 1


def test_a_waiver_on_the_same_date_is_still_a_change() -> None:
    world, term = _term()

    waived = term_change(
        actor=world.prosecutor,
        term_id=term.pk,
        expected_version=1,
        due_on=DUE_ON,
        waive_reason="Medical condition documented by the defence",
    )

    assert (waived.status, waived.version) == (TermStatus.WAIVED, 2)
    assert AuditEntry.objects.filter(action=AuditAction.TERM_CHANGED).count() == 1


def test_a_stale_version_is_a_conflict_even_when_nothing_would_change() -> None:
    world, term = _term()
    moved = _move(term, by=world.prosecutor)
    writes = _writes()

    # Read at version 1, sent with the date the term now has: someone else moved it first.
    with pytest.raises(VersionConflictError):
        _move(term, by=world.prosecutor, version=1)

    _unchanged(moved, version=2, due_on=MOVED_TO)
    assert _writes() == writes


def test_a_screened_user_is_refused_as_for_a_missing_case_and_the_refusal_is_logged() -> None:
    _world, term = _term()
    screened = make_user(role=Role.ASSISTANT_STATES_ATTORNEY)
    screen_from(term.enrolment.case_id, screened)

    with pytest.raises(CaseNotFoundError):
        _move(term, by=screened, due_on=DUE_ON)

    refusal = AuditEntry.objects.get(action=AuditAction.CASE_ACCESS_REFUSED, actor=screened)
    assert json_object(refusal.after) == {"action": "dispose", "reason": "not_permitted"}
    _unchanged(term)


def test_who_may_read_but_not_dispose_is_refused_and_the_refusal_is_logged() -> None:
    _world, term = _term()
    auditor = make_user(role=Role.AUDITOR)

    with pytest.raises(CaseActionDeniedError):
        _move(term, by=auditor, due_on=DUE_ON)

    refusal = AuditEntry.objects.get(action=AuditAction.CASE_ACCESS_REFUSED, actor=auditor)
    assert json_object(refusal.after) == {"action": "dispose", "reason": "action_not_permitted"}
    _unchanged(term)


# --- the API -----------------------------------------------------------------------------------


def _patch(client: Client, term: Term, body: dict[str, Any]) -> Any:
    return client.patch(f"/api/dispositions/terms/{term.pk}", body, content_type="application/json")


def test_the_api_answers_nothing_changed_with_the_term_as_it_is() -> None:
    world, term = _term()
    client = token_client(world.prosecutor)
    writes = _writes()

    response = _patch(client, term, {"version": 1, "due_on": DUE_ON.isoformat()})

    assert response.status_code == 200, response.json()
    assert (response.json()["due_on"], response.json()["version"]) == (DUE_ON.isoformat(), 1)
    _unchanged(term)
    assert _writes() == writes


def test_the_api_still_answers_a_stale_no_change_with_a_conflict() -> None:
    world, term = _term()
    moved = _move(term, by=world.prosecutor)
    client = token_client(world.prosecutor)

    response = _patch(client, term, {"version": 1, "due_on": MOVED_TO.isoformat()})

    assert response.status_code == 409
    assert response.json() == {"detail": str(VersionConflictError("term"))}
    _unchanged(moved, version=2, due_on=MOVED_TO)


def test_the_api_still_refuses_who_may_not_dispose() -> None:
    _world, term = _term()

    response = _patch(
        token_client(make_user(role=Role.AUDITOR)),
        term,
        {"version": 1, "due_on": DUE_ON.isoformat()},
    )

    assert response.status_code == 403
    _unchanged(term)


# --- the page ----------------------------------------------------------------------------------


def _hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', page)
    assert found is not None, f"no hidden {name}"
    return html.unescape(found.group(1))


def _post_move(
    world: World, term: Term, due_on: dt.date, *, meanwhile: Callable[[], object] | None = None
) -> Any:
    """The move form as the enrolment page filled it in, sent with `due_on` and a reason;
    `meanwhile` happens between showing the page and sending the form."""
    client = Client()
    client.force_login(world.prosecutor)
    enrolment_page = f"/enrolments/{term.enrolment_id}/"
    page = client.get(enrolment_page).content.decode()
    if meanwhile is not None:
        meanwhile()
    prefix = f"move-{term.pk}-"
    return client.post(
        f"{enrolment_page}terms/{term.pk}/due-date/",
        {
            f"{prefix}version": _hidden(page, f"{prefix}version"),
            f"{prefix}read": _hidden(page, f"{prefix}read"),
            f"{prefix}due_on": due_on.isoformat(),
            f"{prefix}reason": EXTENDED,
        },
        follow=True,
    )


def test_the_page_says_there_was_no_change_to_save() -> None:
    world, term = _term()
    writes = _writes()

    response = _post_move(world, term, DUE_ON)

    assert response.redirect_chain == [(f"/enrolments/{term.enrolment_id}/", 302)]
    text = html.unescape(response.content.decode())
    assert f"No change to save: the term is already due {DUE_ON}." in text
    assert "Due date moved" not in text
    _unchanged(term)
    assert _writes() == writes


def test_the_page_still_says_a_real_move_was_saved() -> None:
    world, term = _term()

    response = _post_move(world, term, MOVED_TO)

    text = html.unescape(response.content.decode())
    assert f"Due date moved to {MOVED_TO}." in text
    assert "No change to save" not in text
    term.refresh_from_db()
    assert (term.due_on, term.version) == (MOVED_TO, 2)


def test_the_page_shows_a_stale_no_change_as_the_conflict_it_is() -> None:
    world, term = _term()

    # The page was read at version 1; the date is then moved elsewhere (another tab) to the
    # very date this form sends.
    response = _post_move(world, term, MOVED_TO, meanwhile=lambda: _move(term, by=world.prosecutor))

    assert response.redirect_chain == []
    text = html.unescape(response.content.decode())
    assert "changed by someone else since you opened it, so nothing was saved" in text
    assert "No change to save" not in text
    _unchanged(Term.objects.get(pk=term.pk), version=2, due_on=MOVED_TO)
    assert AuditEntry.objects.filter(action=AuditAction.TERM_CHANGED).count() == 1
