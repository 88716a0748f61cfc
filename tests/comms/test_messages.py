"""Case messages: delivered, refused (tagged to a screened case) or held (mentions one), always
kept as a record, and read only through the access policy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from evenhand.accounts.models import Role, User
from evenhand.accounts.services import user_set_active
from evenhand.audit.models import AuditAction, AuditEntry, AuditOutcome
from evenhand.cases import services as cases
from evenhand.cases.models import Case
from evenhand.cases.selectors import case_audit_trail
from evenhand.comms.models import (
    Attachment,
    BreachReport,
    Message,
    MessageCase,
    MessageRecipient,
    MessageStatus,
    Thread,
)
from evenhand.comms.selectors import (
    MessageFilters,
    held_messages,
    inbox,
    message_search,
    messages_visible_to,
)
from evenhand.comms.services import (
    MAX_ATTACHMENT_BYTES,
    NOT_DELIVERED,
    MessageRefusedError,
    NewAttachment,
    held_message_review,
    message_send,
)
from evenhand.screening.models import Screen, ScreenKind
from evenhand.screening.policies import CaseAction, may
from evenhand.screening.services import screen_lift, screen_raise
from tests.factories import add_participant, json_object, make_user

pytestmark = pytest.mark.django_db

CASE_NUMBER = "2019-CR-000417"
MISSING_CASE_ID = 10_000_000


@dataclass
class Office:
    whitlock: User  # screened from the case
    keogh: User
    raman: User
    ethics: User
    ig: User
    case: Case
    screen: Screen


def _office(*, screened_terms: Sequence[str] = ("exhibit A",)) -> Office:
    raman = make_user(role=Role.ASSISTANT_STATES_ATTORNEY, first_name="Priya", last_name="Raman")
    case = cases.case_open(
        actor=raman,
        title="People v. Jordan Vale",
        received_on=dt.date(2019, 1, 29),
        number=CASE_NUMBER,
    )
    add_participant(case, actor=raman, first_name="Jordan", last_name="Vale", aliases=["J. Vale"])
    whitlock = make_user(role=Role.STATES_ATTORNEY, first_name="Dana", last_name="Whitlock")
    ethics = make_user(role=Role.ETHICS_OFFICER)
    screen = screen_raise(
        actor=ethics,
        kind=ScreenKind.EXCLUSIONARY,
        users=[whitlock],
        case_ids=[case.pk],
        reason="Recusal",
        memo="Do not discuss the case.",
        screened_terms=screened_terms,
    )
    return Office(
        whitlock=whitlock,
        keogh=make_user(role=Role.FIRST_ASSISTANT, first_name="Martin", last_name="Keogh"),
        raman=raman,
        ethics=ethics,
        ig=make_user(role=Role.INSPECTOR_GENERAL),
        case=case,
        screen=screen,
    )


def _send(
    actor: User,
    to: Sequence[User],
    body: str,
    *,
    case_ids: Sequence[int] = (),
    subject: str = "A question",
    attachments: Sequence[NewAttachment] = (),
    thread_id: int | None = None,
) -> Message:
    return message_send(
        actor=actor,
        recipients=list(to),
        subject=subject,
        body=body,
        case_ids=case_ids,
        attachments=attachments,
        thread_id=thread_id,
    )


def _refused(actor: User, to: Sequence[User], body: str, case_ids: Sequence[int]) -> Message:
    with pytest.raises(MessageRefusedError) as refused:
        _send(actor, to, body, case_ids=case_ids)
    assert str(refused.value) == NOT_DELIVERED
    message = Message.objects.order_by("-pk").first()
    assert message is not None
    return message


def _visible_ids(user: User) -> set[int]:
    return set(messages_visible_to(user).values_list("pk", flat=True))


def _last_audit(message: Message) -> AuditEntry:
    return AuditEntry.objects.get(subject_type="message", subject_id=str(message.pk))


# --- Delivered ----------------------------------------------------------------------------


def test_a_message_is_delivered_when_nobody_in_it_is_screened() -> None:
    office = _office()
    message = _send(
        office.raman,
        [office.keogh],
        f"Jordan Vale ({CASE_NUMBER}): 16 counts on a class 4 becomes exhibit A",
        case_ids=[office.case.pk],
    )
    assert (message.status, message.screening_note) == (MessageStatus.DELIVERED, "")
    assert list(message.cases.all()) == [office.case]
    assert list(message.recipients.values_list("user_id", flat=True)) == [office.keogh.pk]
    assert not BreachReport.objects.exists()
    entry = _last_audit(message)
    assert (entry.action, entry.outcome, entry.case_id) == (
        AuditAction.MESSAGE_DELIVERED,
        AuditOutcome.SUCCESS,
        office.case.pk,
    )
    assert json_object(entry.after)["recipients"] == [office.keogh.username]
    assert list(inbox(user=office.keogh)) == [message]
    assert message.pk in _visible_ids(office.raman)


def test_an_unrelated_message_from_a_screened_person_is_delivered() -> None:
    office = _office()
    message = _send(office.whitlock, [office.keogh], "Lunch at noon? The budget memo is due.")
    assert message.status == MessageStatus.DELIVERED
    assert message.pk in _visible_ids(office.keogh)


# --- Refused ------------------------------------------------------------------------------


def test_tagged_to_a_case_the_sender_is_screened_from_is_refused_like_a_missing_case() -> None:
    office = _office()
    screened = _refused(office.whitlock, [office.keogh], "How is it charged?", [office.case.pk])
    missing = _refused(office.whitlock, [office.keogh], "How is it charged?", [MISSING_CASE_ID])
    for message in (screened, missing):
        assert message.status == MessageStatus.REFUSED
        assert message.body == "How is it charged?"
        # Nothing links the record to a case the sender may not see.
        assert not MessageCase.objects.filter(message=message).exists()
        entry = _last_audit(message)
        assert (entry.action, entry.outcome, entry.actor_id) == (
            AuditAction.MESSAGE_REFUSED,
            AuditOutcome.REFUSED,
            office.whitlock.pk,
        )
    assert _visible_ids(office.keogh) == set()
    assert _visible_ids(office.whitlock) == {screened.pk, missing.pk}
    assert {screened.pk, missing.pk} <= _visible_ids(office.ig)


def test_tagged_to_a_case_a_recipient_is_screened_from_is_refused() -> None:
    office = _office()
    message = _refused(
        office.raman, [office.keogh, office.whitlock], "Charging memo attached", [office.case.pk]
    )
    assert message.status == MessageStatus.REFUSED
    assert office.whitlock.username in message.screening_note
    assert _visible_ids(office.keogh) == set()
    assert _visible_ids(office.whitlock) == set()
    assert message.pk in _visible_ids(office.raman)
    assert _last_audit(message).action == AuditAction.MESSAGE_REFUSED


# --- Held ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mention", "matched"),
    [
        ("Jordan Vale", "Jordan Vale"),
        ("JORDAN vale", "Jordan Vale"),
        ("J. Vale", "J. Vale"),
        (CASE_NUMBER, CASE_NUMBER),
        ("exhibit A", "exhibit A"),
    ],
)
def test_an_untagged_message_from_a_screened_person_that_names_the_case_is_held(
    mention: str, matched: str
) -> None:
    """Step 7: Whitlock, screened, writes to Keogh."""
    office = _office()
    body = f"16 counts on a class 4 becomes exhibit A. Look at how {mention} is charged."
    message = _send(office.whitlock, [office.keogh], body)
    assert message.status == MessageStatus.HELD
    report = BreachReport.objects.get(message=message)
    assert (report.screen_id, report.screened_user_id) == (office.screen.pk, office.whitlock.pk)
    assert matched in report.matched_terms
    assert "exhibit A" in report.matched_terms
    entry = _last_audit(message)
    assert (entry.action, entry.outcome, entry.case_id) == (
        AuditAction.MESSAGE_HELD,
        AuditOutcome.REFUSED,
        office.case.pk,
    )
    assert message.pk not in _visible_ids(office.keogh)
    assert list(inbox(user=office.keogh)) == []
    assert message.pk in _visible_ids(office.whitlock)
    for reader in (office.ig, office.ethics):
        assert message.pk in _visible_ids(reader)
        assert list(held_messages(user=reader)) == [message]
    assert list(held_messages(user=office.keogh)) == []


def test_the_same_text_between_two_unscreened_people_is_delivered() -> None:
    office = _office()
    body = f"16 counts on a class 4 becomes exhibit A. Jordan Vale, {CASE_NUMBER}."
    message = _send(office.raman, [office.keogh], body)
    assert message.status == MessageStatus.DELIVERED
    assert not BreachReport.objects.exists()


def test_a_message_to_a_screened_person_about_the_case_is_held() -> None:
    office = _office()
    message = _send(office.keogh, [office.raman, office.whitlock], "Jordan Vale pleads Monday.")
    assert message.status == MessageStatus.HELD
    report = BreachReport.objects.get(message=message)
    assert report.screened_user_id == office.whitlock.pk
    assert _visible_ids(office.raman) == set()
    assert _visible_ids(office.whitlock) == set()
    assert _visible_ids(office.keogh) == {message.pk}


def test_the_subject_counts_as_much_as_the_body() -> None:
    office = _office()
    message = _send(office.whitlock, [office.keogh], "Thoughts?", subject=f"Re: {CASE_NUMBER}")
    assert message.status == MessageStatus.HELD


def test_a_lifted_screen_no_longer_holds_messages() -> None:
    office = _office()
    screen_lift(actor=office.ethics, screen_id=office.screen.pk, reason="Recusal withdrawn")
    message = _send(office.whitlock, [office.keogh], "Jordan Vale pleads Monday.")
    assert message.status == MessageStatus.DELIVERED


def _need_to_know(office: Office, insiders: list[User]) -> Case:
    case = cases.case_open(
        actor=office.raman, title="People v. Calloway", received_on=dt.date(2019, 5, 2)
    )
    add_participant(case, actor=office.raman, first_name="Cal", last_name="Dunmore")
    screen_raise(
        actor=office.ethics,
        kind=ScreenKind.NEED_TO_KNOW,
        users=insiders,
        case_ids=[case.pk],
        reason="Internal investigation",
        memo="Only the team discusses this case.",
    )
    return case


def test_a_need_to_know_insider_telling_an_outsider_about_the_case_is_held() -> None:
    office = _office()
    outsider = make_user(role=Role.ASSISTANT_STATES_ATTORNEY)
    case = _need_to_know(office, [office.raman, office.keogh])
    held = _send(office.raman, [outsider], f"Have you seen {case.number}? Cal Dunmore talked.")
    assert held.status == MessageStatus.HELD
    assert BreachReport.objects.get(message=held).screened_user_id == outsider.pk
    inside = _send(office.raman, [office.keogh], f"{case.number}: Cal Dunmore talked.")
    assert inside.status == MessageStatus.DELIVERED
    tagged = _refused(office.raman, [outsider], "See the file.", [case.pk])
    assert tagged.status == MessageStatus.REFUSED


def _attachment(
    content: bytes, *, content_type: str = "text/plain", name: str = "notes.txt"
) -> NewAttachment:
    return NewAttachment(filename=name, content_type=content_type, content=content)


def test_a_mention_inside_a_text_attachment_is_held() -> None:
    office = _office()
    text = b"Draft:\n1. Call Jordan Vale's lawyer\n2. Jordan Vale interview\n"
    message = _send(
        office.whitlock, [office.keogh], "See attached.", attachments=[_attachment(text)]
    )
    assert message.status == MessageStatus.HELD
    assert "Jordan Vale" in BreachReport.objects.get(message=message).matched_terms
    (kept,) = Attachment.objects.filter(message=message)
    assert (bytes(kept.content), kept.size, kept.content_type) == (text, len(text), "text/plain")


def test_a_mention_in_an_attachment_name_is_held() -> None:
    office = _office()
    pdf = _attachment(b"%PDF-1.7 binary", content_type="application/pdf", name=f"{CASE_NUMBER}.pdf")
    message = _send(office.whitlock, [office.keogh], "See attached.", attachments=[pdf])
    assert message.status == MessageStatus.HELD


def test_a_text_attachment_is_read_whatever_the_case_of_its_media_type() -> None:
    """Media types are case-insensitive (RFC 2045 §5.1): "Text/Plain" is text/plain."""
    office = _office()
    notes = _attachment(b"Jordan Vale interview", content_type="Text/Plain")
    message = _send(office.whitlock, [office.keogh], "See attached.", attachments=[notes])
    assert message.status == MessageStatus.HELD


def test_a_text_attachment_is_read_in_its_declared_charset() -> None:
    office = _office()
    notes = _attachment(
        "Jordan Vale interview".encode("utf-16"), content_type="text/plain; charset=utf-16"
    )
    message = _send(office.whitlock, [office.keogh], "See attached.", attachments=[notes])
    assert message.status == MessageStatus.HELD


# --- Who reads what -----------------------------------------------------------------------


def test_messages_visible_to_each_reader() -> None:
    office = _office()
    delivered = _send(office.raman, [office.keogh], "Filed today.", case_ids=[office.case.pk])
    held = _send(office.whitlock, [office.keogh], "Jordan Vale?")
    refused = _refused(office.whitlock, [office.keogh], "Status?", [office.case.pk])
    auditor = make_user(role=Role.AUDITOR)
    assert _visible_ids(office.keogh) == {delivered.pk}
    assert _visible_ids(office.raman) == {delivered.pk}
    assert _visible_ids(office.whitlock) == {held.pk, refused.pk}
    everything = {delivered.pk, held.pk, refused.pk}
    for reader in (office.ig, office.ethics, auditor):
        assert _visible_ids(reader) == everything
    assert _visible_ids(make_user(role=Role.ASSISTANT_STATES_ATTORNEY)) == set()
    user_set_active(actor=office.ethics, user=office.keogh, is_active=False)
    assert _visible_ids(office.keogh) == set()


def test_a_message_tagged_to_a_visible_and_a_hidden_case_is_refused() -> None:
    office = _office()
    other = cases.case_open(
        actor=office.keogh, title="People v. Dunmore", received_on=dt.date(2019, 2, 13)
    )
    message = _refused(
        office.whitlock, [office.keogh], "Both files, please.", [other.pk, office.case.pk]
    )
    assert message.status == MessageStatus.REFUSED
    assert list(MessageCase.objects.filter(message=message).values_list("case_id", flat=True)) == [
        other.pk
    ]
    assert message.pk not in _visible_ids(office.keogh)


def test_a_tagged_message_disappears_for_whoever_is_screened_after_delivery() -> None:
    office = _office()
    delivered = _send(
        office.raman, [office.keogh], "Grand jury on Friday.", case_ids=[office.case.pk]
    )
    search = MessageFilters(query="grand jury")
    assert list(message_search(user=office.keogh, filters=search)) == [delivered]
    screen_raise(
        actor=office.ethics,
        kind=ScreenKind.EXCLUSIONARY,
        users=[office.keogh, office.ig],
        case_ids=[office.case.pk],
        reason="Late-discovered conflict",
        memo="m",
    )
    assert not may(office.keogh, office.case, CaseAction.VIEW)
    assert _visible_ids(office.keogh) == set()
    assert list(message_search(user=office.keogh, filters=search)) == []
    assert (
        list(message_search(user=office.keogh, filters=MessageFilters(case_id=office.case.pk)))
        == []
    )
    assert list(inbox(user=office.keogh)) == []
    # Oversight too loses what an exclusionary screen takes from it; the sender keeps it.
    assert delivered.pk not in _visible_ids(office.ig)
    assert delivered.pk in _visible_ids(office.ethics)
    assert _visible_ids(office.raman) == {delivered.pk}


@pytest.mark.parametrize("reader_role", [Role.ASSISTANT_STATES_ATTORNEY, Role.INSPECTOR_GENERAL])
@pytest.mark.parametrize("also_names_the_readable_case", [False, True], ids=["one-case", "both"])
def test_a_held_message_does_not_carry_one_case_into_another_cases_trail(
    reader_role: Role, also_names_the_readable_case: bool
) -> None:
    """A held message about one case must not put that case's number and names into another
    case's audit trail, where people screened from the first case can read them (oversight
    reads held-message entries; the case team does not)."""
    office = _office()
    reader = make_user(role=reader_role)
    other = cases.case_open(
        actor=office.keogh, title="People v. Dunmore", received_on=dt.date(2019, 2, 13)
    )
    add_participant(other, actor=office.keogh, first_name="Cal", last_name="Dunmore")
    # One screen walls Whitlock off both cases; the reader is walled off the second only.
    screen_lift(actor=office.ethics, screen_id=office.screen.pk, reason="Replaced below")
    screen_raise(
        actor=office.ethics,
        kind=ScreenKind.EXCLUSIONARY,
        users=[office.whitlock],
        case_ids=[office.case.pk, other.pk],
        reason="Recusal from both cases",
        memo="m",
    )
    screen_raise(
        actor=office.ethics,
        kind=ScreenKind.EXCLUSIONARY,
        users=[reader],
        case_ids=[other.pk],
        reason="Knows the Dunmores",
        memo="m",
    )
    text = f"{other.number}: what did Cal Dunmore say?"
    if also_names_the_readable_case:
        text += f" Compare {CASE_NUMBER}."
    held = _send(office.whitlock, [office.keogh], text)
    assert held.status == MessageStatus.HELD
    assert may(reader, office.case, CaseAction.VIEW)
    assert not may(reader, other, CaseAction.VIEW)
    _, entries = case_audit_trail(user=reader, case_id=office.case.pk)
    readable = " ".join(f"{e.before} {e.after}" for e in entries)
    assert other.number not in readable
    assert "Cal Dunmore" not in readable


def test_a_reply_in_a_thread_whose_subject_names_the_case_is_held_for_a_screened_recipient() -> (
    None
):
    """The conversation's subject travels with every reply; a screened person added to the
    conversation would read it."""
    office = _office()
    first = _send(office.keogh, [office.raman], "Draft attached.", subject="Jordan Vale charging")
    assert first.status == MessageStatus.DELIVERED
    reply = _send(
        office.keogh,
        [office.whitlock],
        "Can you look at this?",
        subject="Re:",
        thread_id=first.thread_id,
    )
    assert reply.status == MessageStatus.HELD
    assert reply.pk not in _visible_ids(office.whitlock)


def test_an_oversight_reader_walled_off_a_case_does_not_read_held_messages_about_it() -> None:
    """Held messages are shown to oversight as breach reports; one who is screened from the
    case they name must not read them (the system knows which case a held message names)."""
    office = _office()
    screen_raise(
        actor=office.ethics,
        kind=ScreenKind.EXCLUSIONARY,
        users=[office.ig],
        case_ids=[office.case.pk],
        reason="The inspector general is related to a witness",
        memo="m",
    )
    held = _send(office.whitlock, [office.keogh], f"Look at how {CASE_NUMBER} is charged.")
    assert held.status == MessageStatus.HELD
    assert held.pk not in _visible_ids(office.ig)
    assert list(held_messages(user=office.ig)) == []
    # The ethics officer, not walled off, still sees the report.
    assert list(held_messages(user=office.ethics)) == [held]


# --- Review of held messages --------------------------------------------------------------


def test_only_the_ethics_officer_reviews_held_messages_and_needs_a_note() -> None:
    office = _office()
    held = _send(office.whitlock, [office.keogh], "Jordan Vale?")
    for actor in (office.ig, office.keogh, office.whitlock):
        with pytest.raises(PermissionDenied):
            held_message_review(actor=actor, message_id=held.pk, release=True, note="fine")
    with pytest.raises(ValidationError, match="reason"):
        held_message_review(actor=office.ethics, message_id=held.pk, release=True, note=" ")
    held.refresh_from_db()
    assert (held.status, held.reviewed_at) == (MessageStatus.HELD, None)
    assert not AuditEntry.objects.filter(action=AuditAction.MESSAGE_REVIEWED).exists()


def test_releasing_a_held_message_delivers_it() -> None:
    office = _office()
    held = _send(office.whitlock, [office.keogh], "Did Jordan Vale's sister call you back?")
    released = held_message_review(
        actor=office.ethics, message_id=held.pk, release=True, note="About the office party"
    )
    assert (released.status, released.reviewed_by_id, released.review_note) == (
        MessageStatus.RELEASED,
        office.ethics.pk,
        "About the office party",
    )
    assert held.pk in _visible_ids(office.keogh)
    (entry,) = AuditEntry.objects.filter(action=AuditAction.MESSAGE_REVIEWED)
    assert json_object(entry.after) == {"released": True, "note": "About the office party"}
    with pytest.raises(ValidationError, match="No such held message"):
        held_message_review(actor=office.ethics, message_id=held.pk, release=False, note="again")


def test_keeping_a_message_held_records_the_review_once() -> None:
    office = _office()
    held = _send(office.whitlock, [office.keogh], "Jordan Vale?")
    kept = held_message_review(
        actor=office.ethics, message_id=held.pk, release=False, note="An attempted breach"
    )
    assert kept.status == MessageStatus.HELD
    assert kept.reviewed_at is not None
    assert held.pk not in _visible_ids(office.keogh)
    with pytest.raises(ValidationError, match="already been reviewed"):
        held_message_review(actor=office.ethics, message_id=held.pk, release=True, note="x")
    delivered = _send(office.raman, [office.keogh], "Hello")
    with pytest.raises(ValidationError, match="No such held message"):
        held_message_review(actor=office.ethics, message_id=delivered.pk, release=True, note="x")


# --- Validation: nothing saved ------------------------------------------------------------


def _counts() -> tuple[int, ...]:
    return (
        Message.objects.count(),
        Thread.objects.count(),
        MessageRecipient.objects.count(),
        MessageCase.objects.count(),
        Attachment.objects.count(),
        BreachReport.objects.count(),
        AuditEntry.objects.filter(action__startswith="message.").count(),
    )


def _someone_elses_thread(office: Office) -> dict[str, Any]:
    other = _send(office.keogh, [office.ig], "Private")
    return {"thread_id": other.thread_id}


def _inactive_recipient(office: Office) -> dict[str, Any]:
    gone = make_user(role=Role.ASSISTANT_STATES_ATTORNEY)
    user_set_active(actor=office.ethics, user=gone, is_active=False)
    return {"recipients": [office.keogh, gone]}


INVALID: dict[str, tuple[Callable[[Office], dict[str, Any]], str]] = {
    "no recipients": (lambda o: {"recipients": []}, "at least one recipient"),
    "message to self": (lambda o: {"recipients": [o.keogh, o.raman]}, "yourself"),
    "empty body": (lambda o: {"body": ""}, "empty"),
    "blank body": (lambda o: {"body": " \n\t "}, "empty"),
    "NUL in the body": (lambda o: {"body": "a\x00b"}, "NUL"),
    "NUL in the subject": (lambda o: {"subject": "a\x00b"}, "NUL"),
    "blank subject": (lambda o: {"subject": "  "}, "subject"),
    "long subject": (lambda o: {"subject": "s" * 201}, "subject"),
    "oversized attachment": (
        lambda o: {"attachments": [_attachment(b"x" * (MAX_ATTACHMENT_BYTES + 1))]},
        "larger than 10 MB",
    ),
    "too many attachments": (
        lambda o: {"attachments": [_attachment(b"x", name=f"{i}.txt") for i in range(11)]},
        "At most 10",
    ),
    "unnamed attachment": (lambda o: {"attachments": [_attachment(b"x", name=" ")]}, "names"),
    "unknown thread": (lambda o: {"thread_id": 10_000_000}, "No such conversation"),
    "someone else's thread": (_someone_elses_thread, "No such conversation"),
    "inactive recipient": (_inactive_recipient, "not active"),
}


@pytest.mark.parametrize("problem", list(INVALID))
def test_invalid_messages_are_refused_and_nothing_is_saved(problem: str) -> None:
    office = _office()
    build, match = INVALID[problem]
    arguments: dict[str, Any] = {
        "actor": office.raman,
        "recipients": [office.keogh],
        "subject": "Subject",
        "body": "Body",
        **build(office),
    }
    before = _counts()
    with pytest.raises(ValidationError, match=match):
        message_send(**arguments)
    assert _counts() == before


def test_a_reply_joins_the_thread() -> None:
    office = _office()
    first = _send(office.raman, [office.keogh], "Question")
    reply = _send(office.keogh, [office.raman], "Answer", thread_id=first.thread_id)
    assert reply.thread_id == first.thread_id
    assert [m.pk for m in first.thread.messages.order_by("pk")] == [first.pk, reply.pk]
