"""Intake: staff entry with the real received date, the public form's spam and rate limits."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from evenhand.accounts.models import Role
from evenhand.audit.models import AuditAction, AuditEntry, AuditOutcome
from evenhand.records_requests.models import RequestStatus, SubmissionAttempt
from evenhand.records_requests.services import (
    MAX_DESCRIPTION,
    SUBMISSIONS_PER_HOUR,
    NewRequest,
    SubmissionRefusedError,
    request_classify,
    request_submit_public,
)
from tests.factories import make_user

from .factories import make_officer, make_records_request

pytestmark = pytest.mark.django_db
APRIL_8 = "2019-04-08 10:00 -05:00"


def _public(**overrides: object) -> NewRequest:
    values: dict[str, object] = {
        "requester_name": "Sam Ortiz",
        "description": "Communications between Dana Whitlock and Martin Keogh.",
    }
    values.update(overrides)
    return NewRequest(**values)  # type: ignore[arg-type]  # test values are all strings


@time_machine.travel(APRIL_8)
def test_staff_entry_runs_the_deadline_from_the_real_received_date() -> None:
    officer = make_officer()
    # Received by mail on Friday 5 April; entered on Monday the 8th.
    request = make_records_request(officer, received_on=dt.date(2019, 4, 5))
    assert request.original_due_on == dt.date(2019, 4, 12)
    assert request.number == f"FOIA-2019-{request.pk:05d}"
    assert len(request.tracking_token) >= 40
    assert request.status == RequestStatus.OPEN
    entry = AuditEntry.objects.filter(action=AuditAction.RECORDS_REQUEST_RECEIVED).get()
    assert entry.actor == officer


@time_machine.travel(APRIL_8)
def test_staff_entry_refuses_future_dates_web_channel_and_other_roles() -> None:
    officer = make_officer()
    with pytest.raises(ValidationError, match="future"):
        make_records_request(officer, received_on=dt.date(2019, 4, 9))
    with pytest.raises(PermissionDenied):
        make_records_request(make_user(role=Role.ASSISTANT_STATES_ATTORNEY))
    with pytest.raises(ValidationError, match="commercial or recurrent"):
        make_records_request(officer, requester_class="commercial")


@time_machine.travel(APRIL_8)
def test_commercial_and_recurrent_requesters_get_21_business_days() -> None:
    officer = make_officer()
    commercial = make_records_request(
        officer, requester_class="commercial", class_basis="Data broker reselling arrest data."
    )
    assert commercial.original_due_on == dt.date(2019, 5, 7)
    standard = make_records_request(officer)
    recurrent = request_classify(
        actor=officer,
        request_id=standard.pk,
        requester_class="recurrent",
        basis="52 requests in the last 12 months.",
    )
    assert recurrent.original_due_on == dt.date(2019, 5, 7)


@time_machine.travel(APRIL_8)
def test_public_submission_is_received_today_as_standard() -> None:
    request = request_submit_public(
        client="203.0.113.9", new=_public(), honeypot="", seconds_to_fill=42.0
    )
    assert request.received_on == dt.date(2019, 4, 8)
    assert request.channel == "web"
    assert request.entered_by is None
    assert request.original_due_on == dt.date(2019, 4, 15)


@time_machine.travel(APRIL_8)
@pytest.mark.parametrize(
    ("honeypot", "seconds"), [("http://spam.example", 30.0), ("", 0.4), ("", 10**6)]
)
def test_spam_signs_are_refused_and_recorded(honeypot: str, seconds: float) -> None:
    with pytest.raises(SubmissionRefusedError, match="could not be accepted"):
        request_submit_public(
            client="198.51.100.7", new=_public(), honeypot=honeypot, seconds_to_fill=seconds
        )
    assert SubmissionAttempt.objects.filter(accepted=False).count() == 1
    refusal = AuditEntry.objects.get(action=AuditAction.RECORDS_SUBMISSION_REFUSED)
    assert refusal.outcome == AuditOutcome.REFUSED


@time_machine.travel(APRIL_8)
def test_the_rate_limit_is_per_client_per_hour() -> None:
    for _ in range(SUBMISSIONS_PER_HOUR):
        request_submit_public(client="192.0.2.1", new=_public(), honeypot="", seconds_to_fill=9)
    with pytest.raises(SubmissionRefusedError, match="Too many"):
        request_submit_public(client="192.0.2.1", new=_public(), honeypot="", seconds_to_fill=9)
    # Another address is not affected.
    request_submit_public(client="192.0.2.2", new=_public(), honeypot="", seconds_to_fill=9)
    with time_machine.travel("2019-04-08 11:30 -05:00"):
        request_submit_public(client="192.0.2.1", new=_public(), honeypot="", seconds_to_fill=9)


@time_machine.travel(APRIL_8)
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"description": "   "}, "required"),
        ({"description": "x" * (MAX_DESCRIPTION + 1)}, "At most 10000 characters"),
        ({"description": "short"}, "at least a few words"),
        ({"requester_name": ""}, "required"),
        ({"requester_email": "not-an-address"}, "valid e-mail"),
        ({"description": "nul \x00 inside the text here"}, "NUL"),
    ],
)
def test_bad_input_is_refused_clearly_and_nothing_is_stored(
    overrides: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        request_submit_public(
            client="192.0.2.50", new=_public(**overrides), honeypot="", seconds_to_fill=9
        )
    assert not SubmissionAttempt.objects.exists()
