"""Free text is bounded by the services themselves, not only by the forms and the API schemas
(the CLI and the importers reach the services without either): why an enrolment ended, the
court's reason for a waiver and a completion note. Beyond the bound the write is refused with
a message saying so, the bound itself is accepted, a required reason left blank is refused,
and a refused write leaves nothing behind, not even an audit entry."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.test import Client

from evenhand.accounts.models import Role
from evenhand.audit.models import AuditAction, AuditEntry
from evenhand.dispositions.forms import CompletionForm, EndForm
from evenhand.dispositions.models import (
    ChargeDisposition,
    Enrolment,
    EnrolmentStatus,
    Term,
    TermStatus,
)
from evenhand.dispositions.services import (
    enrolment_complete,
    enrolment_end_unsuccessfully,
    term_change,
)
from evenhand.dispositions.services.common import MAX_END_REASON_LENGTH, MAX_REASON_LENGTH
from evenhand.screening.models import ScreenKind
from evenhand.screening.policies import CaseNotFoundError
from evenhand.screening.services import screen_raise
from tests.api.factories import token_client
from tests.factories import json_object, make_user

from .factories import World, add_term, charged_case, enrol

pytestmark = pytest.mark.django_db

ENDED_ON = dt.date(2019, 5, 1)
DUE_ON = dt.date(2019, 4, 30)
END_REFUSED = f"Keep the reason to {MAX_END_REASON_LENGTH} characters at most."
WAIVER_REFUSED = f"Keep the reason for the waiver to {MAX_REASON_LENGTH} characters at most."


def _enrolled_with_a_term() -> tuple[World, Enrolment, Term]:
    world = charged_case()
    enrolment = enrol(world)
    return world, enrolment, add_term(world, enrolment)


def _end(world: World, enrolment: Enrolment, reason: str) -> Enrolment:
    return enrolment_end_unsuccessfully(
        actor=world.prosecutor,
        enrolment_id=enrolment.pk,
        expected_version=1,
        status=EnrolmentStatus.FAILED,
        ended_on=ENDED_ON,
        reason=reason,
    )


def _waive(world: World, term: Term, waive_reason: str) -> Term:
    return term_change(
        actor=world.prosecutor,
        term_id=term.pk,
        expected_version=1,
        due_on=DUE_ON,
        waive_reason=waive_reason,
    )


def _writes() -> int:
    """Audit entries other than reads: a page shown again after a refusal logs its read."""
    return AuditEntry.objects.exclude(action=AuditAction.CASE_VIEWED).count()


def _assert_untouched(enrolment: Enrolment, *, writes: int) -> None:
    """The enrolment and its terms as they were, and nothing written to the audit log."""
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.version, enrolment.outcome_note) == (
        EnrolmentStatus.ACTIVE,
        1,
        "",
    )
    terms = Term.objects.filter(enrolment=enrolment).values_list("status", "version", "due_on")
    assert all(row == (TermStatus.OPEN, 1, DUE_ON) for row in terms)
    assert not ChargeDisposition.objects.exists()
    assert _writes() == writes


def _text(response: Any) -> str:
    """The page's text without tags, as a reader sees it."""
    content = response.content
    assert isinstance(content, bytes)
    return html.unescape(re.sub(r"<[^>]+>", "", content.decode()))


# --- why an enrolment ended -------------------------------------------------------------------


def test_the_forms_bound_the_same_text_as_the_services() -> None:
    end_reason = EndForm().fields["reason"]
    completion_note = CompletionForm().fields["note"]
    assert isinstance(end_reason, forms.CharField)
    assert isinstance(completion_note, forms.CharField)
    assert end_reason.max_length == MAX_END_REASON_LENGTH
    assert completion_note.max_length == MAX_REASON_LENGTH


def test_an_end_reason_beyond_the_bound_is_refused_and_nothing_is_written() -> None:
    world, enrolment, _term = _enrolled_with_a_term()
    writes = _writes()

    with pytest.raises(ValidationError) as refused:
        _end(world, enrolment, "x" * (MAX_END_REASON_LENGTH + 1))

    assert refused.value.message_dict == {"reason": [END_REFUSED]}
    _assert_untouched(enrolment, writes=writes)


def test_an_end_reason_of_exactly_the_bound_is_kept_whole() -> None:
    world, enrolment, term = _enrolled_with_a_term()
    reason = "Did not report for community service. " * 30
    reason = reason[:MAX_END_REASON_LENGTH]
    assert len(reason.strip()) == MAX_END_REASON_LENGTH

    # Surrounding blanks are trimmed before counting: they are not stored.
    ended = _end(world, enrolment, f"  {reason}\n")

    assert (ended.status, ended.outcome_note) == (EnrolmentStatus.FAILED, reason)
    term.refresh_from_db()
    assert term.status == TermStatus.CLOSED
    entry = AuditEntry.objects.get(action=AuditAction.ENROLMENT_ENDED)
    assert json_object(entry.after)["reason"] == reason


@pytest.mark.parametrize("reason", ["", "   ", "\n\t "])
def test_an_enrolment_cannot_end_without_a_reason(reason: str) -> None:
    world, enrolment, _term = _enrolled_with_a_term()
    writes = _writes()

    with pytest.raises(ValidationError) as refused:
        _end(world, enrolment, reason)

    assert refused.value.message_dict == {"reason": ["Say why the enrolment ends."]}
    _assert_untouched(enrolment, writes=writes)


def test_the_policy_answers_before_the_reason_is_judged_and_the_refusal_is_logged() -> None:
    world, enrolment, _term = _enrolled_with_a_term()
    screened = make_user(role=Role.ASSISTANT_STATES_ATTORNEY)
    screen_raise(
        actor=make_user(role=Role.ETHICS_OFFICER),
        kind=ScreenKind.EXCLUSIONARY,
        users=[screened],
        case_ids=[world.case.pk],
        reason="Relative of the defendant",
        memo="Do not read, change, decide or discuss this case.",
    )
    writes = _writes()

    with pytest.raises(CaseNotFoundError):
        enrolment_end_unsuccessfully(
            actor=screened,
            enrolment_id=enrolment.pk,
            expected_version=1,
            status=EnrolmentStatus.FAILED,
            ended_on=ENDED_ON,
            reason="x" * (MAX_END_REASON_LENGTH + 1),
        )

    refusal = AuditEntry.objects.get(action=AuditAction.CASE_ACCESS_REFUSED, actor=screened)
    assert json_object(refusal.after) == {"action": "dispose", "reason": "not_permitted"}
    _assert_untouched(enrolment, writes=writes + 1)


def test_the_api_refuses_an_end_reason_beyond_the_bound_and_changes_nothing() -> None:
    world, enrolment, _term = _enrolled_with_a_term()
    client = token_client(world.prosecutor)
    writes = _writes()

    response = client.post(
        f"/api/dispositions/enrolments/{enrolment.pk}/end",
        {
            "version": 1,
            "status": "failed",
            "ended_on": ENDED_ON.isoformat(),
            "reason": "x" * (MAX_END_REASON_LENGTH + 1),
        },
        content_type="application/json",
    )

    assert response.status_code == 422
    [error] = response.json()["detail"]
    # Whether the schema or the service says it, the field and the bound are named.
    assert error["loc"][-1] == "reason"
    assert f"{MAX_END_REASON_LENGTH} characters" in error["msg"]
    _assert_untouched(enrolment, writes=writes)


def test_the_end_form_refuses_a_reason_beyond_the_bound_and_says_so() -> None:
    world, enrolment, _term = _enrolled_with_a_term()
    client = Client()
    client.force_login(world.prosecutor)
    writes = _writes()
    form = {"version": "1", "status": "failed", "ended_on": ENDED_ON.isoformat()}

    too_long = client.post(
        f"/enrolments/{enrolment.pk}/end/", {**form, "reason": "x" * (MAX_END_REASON_LENGTH + 1)}
    )
    blank = client.post(f"/enrolments/{enrolment.pk}/end/", {**form, "reason": "  "})

    assert too_long.status_code == blank.status_code == 200
    assert f"at most {MAX_END_REASON_LENGTH} characters" in _text(too_long)
    assert "This field is required." in _text(blank)
    _assert_untouched(enrolment, writes=writes)


# --- the court's reason for a waiver -----------------------------------------------------------


def test_a_waiver_reason_beyond_the_bound_is_refused_and_the_term_stays_open() -> None:
    world, enrolment, term = _enrolled_with_a_term()
    writes = _writes()

    with pytest.raises(ValidationError) as refused:
        _waive(world, term, "w" * (MAX_REASON_LENGTH + 1))

    assert refused.value.message_dict == {"waive_reason": [WAIVER_REFUSED]}
    _assert_untouched(enrolment, writes=writes)


def test_a_waiver_reason_of_exactly_the_bound_waives_the_term() -> None:
    world, _enrolment, term = _enrolled_with_a_term()
    reason = ("Medical condition documented by the defence; " * 12)[:MAX_REASON_LENGTH]
    assert len(reason.strip()) == MAX_REASON_LENGTH

    waived = _waive(world, term, reason)

    assert waived.status == TermStatus.WAIVED
    entry = AuditEntry.objects.get(action=AuditAction.TERM_CHANGED)
    assert json_object(entry.after)["waive_reason"] == reason


def test_a_blank_waiver_reason_waives_nothing_and_a_moved_date_still_needs_a_reason() -> None:
    world, enrolment, term = _enrolled_with_a_term()
    writes = _writes()

    with pytest.raises(ValidationError) as refused:
        term_change(
            actor=world.prosecutor,
            term_id=term.pk,
            expected_version=1,
            due_on=dt.date(2019, 5, 31),
            waive_reason="   ",
        )

    assert refused.value.message_dict == {"reason": ["Say why the due date moves."]}
    _assert_untouched(enrolment, writes=writes)


def test_the_waiver_form_at_its_longest_fits_the_services_bound() -> None:
    world, enrolment, term = _enrolled_with_a_term()
    client = Client()
    client.force_login(world.prosecutor)
    prefix = f"waive-{term.pk}-"
    form = {f"{prefix}version": "1", f"{prefix}due_on": DUE_ON.isoformat()}
    url = f"/enrolments/{enrolment.pk}/terms/{term.pk}/waive/"

    blank = client.post(url, {**form, f"{prefix}reason": " ", f"{prefix}ordered_by": "Judge"})
    term.refresh_from_db()
    assert (blank.status_code, term.status, term.version) == (200, TermStatus.OPEN, 1)
    assert "This field is required." in _text(blank)

    longest = client.post(
        url, {**form, f"{prefix}reason": "r" * 300, f"{prefix}ordered_by": "o" * 150}
    )

    assert longest.status_code == 302
    term.refresh_from_db()
    assert term.status == TermStatus.WAIVED
    recorded = json_object(AuditEntry.objects.get(action=AuditAction.TERM_CHANGED).after)
    assert recorded["waive_reason"] == f"{'r' * 300} (ordered by {'o' * 150})"


# --- a completion note --------------------------------------------------------------------------


def test_a_completion_note_beyond_the_bound_is_refused_and_nothing_is_disposed() -> None:
    world = charged_case()
    enrolment = enrol(world)
    writes = _writes()

    with pytest.raises(ValidationError) as refused:
        enrolment_complete(
            actor=world.prosecutor,
            enrolment_id=enrolment.pk,
            expected_version=1,
            completed_on=dt.date(2019, 6, 30),
            note="n" * (MAX_REASON_LENGTH + 1),
        )

    assert refused.value.message_dict == {
        "note": [f"Keep the note to {MAX_REASON_LENGTH} characters at most."]
    }
    _assert_untouched(enrolment, writes=writes)


def test_a_completion_note_of_exactly_the_bound_is_kept_on_the_dispositions() -> None:
    world = charged_case(counts=1)
    enrolment = enrol(world, ends_on=dt.date(2019, 6, 30))
    note = "n" * MAX_REASON_LENGTH

    [disposition] = enrolment_complete(
        actor=world.prosecutor,
        enrolment_id=enrolment.pk,
        expected_version=1,
        completed_on=dt.date(2019, 6, 30),
        note=note,
    )

    assert disposition.note == note
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.outcome_note) == (EnrolmentStatus.COMPLETED, note)
