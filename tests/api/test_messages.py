"""Case messages through the API: delivered, held or refused, each kept and audited; search,
threads, attachments, export, and the ethics officer's review of held messages."""

from __future__ import annotations

import base64
import csv
import io
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from evenhand.accounts.models import User
from evenhand.api import schemas_messages
from evenhand.audit.models import AuditAction, AuditEntry, AuditOutcome
from evenhand.comms.models import Message, MessageStatus
from evenhand.comms.services import NOT_DELIVERED

from .factories import ValeOffice, make_user, post_json, screen_off, token_client, vale_office

pytestmark = pytest.mark.django_db

MISSING_ID = 987_654_321
HELD_BODY = "16 counts on a class 4 becomes exhibit A. Look at how the Vale matter is charged."


@pytest.fixture
def office() -> ValeOffice:
    office = vale_office()
    screen_off(office.ethics, [office.whitlock], office.case, terms=["Vale"])
    return office


def _send(sender: User, recipients: list[User], **fields: Any) -> Any:
    body = {
        "recipients": [user.username for user in recipients],
        "subject": "Staffing",
        "body": "Who covers the Monday call?",
        **fields,
    }
    return post_json(token_client(sender), "/api/messages", body)


def _audited(action: AuditAction, actor: User) -> AuditEntry:
    return AuditEntry.objects.get(action=action, actor=actor)


def _streamed(response: Any) -> str:
    return b"".join(response.streaming_content).decode()


def _listed(client: Client, **query: Any) -> list[int]:
    response = client.get("/api/messages", query)
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def test_delivered_message_tagged_to_a_case(office: ValeOffice) -> None:
    response = _send(office.raman, [office.keogh], case_ids=[office.case.pk])

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["subject"]) == ("delivered", "Staffing")
    assert body["cases"] == [{"id": office.case.pk, "number": office.case.number}]
    assert [person["username"] for person in body["recipients"]] == ["mkeogh"]
    assert body["oversight"] is None
    entry = _audited(AuditAction.MESSAGE_DELIVERED, office.raman)
    assert (entry.outcome, entry.case_id) == (AuditOutcome.SUCCESS, office.case.pk)
    assert _listed(token_client(office.keogh)) == [body["id"]]


def test_untagged_message_naming_a_screened_case_is_held(office: ValeOffice) -> None:
    response = _send(office.whitlock, [office.keogh], body=HELD_BODY)

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "held"
    assert body["oversight"] is None  # the sender is not told which screen or terms
    assert _listed(token_client(office.keogh)) == []
    entry = _audited(AuditAction.MESSAGE_HELD, office.whitlock)
    assert (entry.outcome, entry.case_id) == (AuditOutcome.REFUSED, office.case.pk)
    held = token_client(office.ethics).get("/api/messages/held").json()
    assert [item["id"] for item in held["items"]] == [body["id"]]
    breach = held["items"][0]["oversight"]["breach"]
    assert breach["screened_user"]["username"] == "dwhitlock"
    assert breach["matched_terms"] == ["Vale"]
    assert token_client(office.brandt).get("/api/messages/held").json()["total"] == 1


def test_held_messages_are_for_oversight_only(office: ValeOffice) -> None:
    response = token_client(office.keogh).get("/api/messages/held")

    assert response.status_code == 403
    assert "inspector general" in response.json()["detail"]


def test_message_tagged_to_a_screened_or_missing_case_is_refused_alike(
    office: ValeOffice,
) -> None:
    screened = _send(office.whitlock, [office.keogh], case_ids=[office.case.pk])
    missing = _send(office.whitlock, [office.keogh], case_ids=[MISSING_ID])

    assert screened.status_code == missing.status_code == 403
    assert screened.content == missing.content
    assert screened.json() == {"detail": NOT_DELIVERED}
    refusals = AuditEntry.objects.filter(action=AuditAction.MESSAGE_REFUSED)
    assert refusals.count() == 2
    assert {entry.outcome for entry in refusals} == {AuditOutcome.REFUSED}
    # Kept as records: the sender finds them, the recipient never sees them.
    own = token_client(office.whitlock).get("/api/messages", {"status": "refused"}).json()
    assert own["total"] == 2
    assert _listed(token_client(office.keogh)) == []


def test_recipient_screened_from_the_tagged_case_refuses_the_message(office: ValeOffice) -> None:
    response = _send(office.raman, [office.whitlock], case_ids=[office.case.pk])

    assert response.status_code == 403
    assert Message.objects.get().status == MessageStatus.REFUSED


def test_ethics_officer_releases_a_held_message(office: ValeOffice) -> None:
    held = _send(office.whitlock, [office.keogh], body=HELD_BODY).json()
    path = f"/api/messages/{held['id']}/review"
    decision = {"release": True, "note": "Scheduling only; no discussion of the case."}

    by_inspector = post_json(token_client(office.brandt), path, decision)
    response = post_json(token_client(office.ethics), path, decision)

    assert by_inspector.status_code == 403
    assert by_inspector.json() == {"detail": "Only the ethics officer reviews held messages."}
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "released"
    assert body["oversight"]["reviewed_by"]["username"] == "ethics"
    assert _listed(token_client(office.keogh)) == [held["id"]]
    assert _audited(AuditAction.MESSAGE_REVIEWED, office.ethics).after == {
        "released": True,
        "note": decision["note"],
    }
    assert post_json(token_client(office.ethics), path, decision).status_code == 422


def test_unknown_recipients_are_named(office: ValeOffice) -> None:
    response = post_json(
        token_client(office.raman),
        "/api/messages",
        {"recipients": ["mkeogh", "ghost"], "subject": "s", "body": "b"},
    )

    assert response.status_code == 422
    assert response.json()["detail"][0] == {
        "loc": ["recipients"],
        "msg": "Unknown username(s): ghost.",
        "type": "invalid",
    }
    assert not Message.objects.exists()


def _attachment(content: bytes, **changes: str) -> dict[str, str]:
    return {
        "filename": "notes.txt",
        "content_type": "text/plain",
        "content_base64": base64.b64encode(content).decode(),
        **changes,
    }


def test_attachment_round_trip_and_visibility(office: ValeOffice) -> None:
    sent = _send(office.raman, [office.keogh], attachments=[_attachment(b"Monday: Raman")])
    assert sent.status_code == 201, sent.content
    (meta,) = sent.json()["attachments"]
    assert (meta["filename"], meta["size"], meta["content_type"]) == ("notes.txt", 13, "text/plain")
    path = f"/api/messages/attachments/{meta['id']}"

    download = token_client(office.keogh).get(path)
    outsider = token_client(make_user()).get(path)

    assert download.status_code == 200
    assert download.content == b"Monday: Raman"
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"] == 'attachment; filename="notes.txt"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert outsider.status_code == 404
    assert outsider.json() == {"detail": "Attachment not found."}


@pytest.mark.parametrize(
    ("attachment", "field", "message"),
    [
        ({"content_base64": "not base64!"}, "content_base64", "base64"),
        ({"filename": "a\r\nSet-Cookie: x"}, "filename", "control characters"),
        ({"content_type": "text"}, "content_type", "media type"),
    ],
)
def test_bad_attachments_are_422(
    office: ValeOffice, attachment: dict[str, str], field: str, message: str
) -> None:
    response = _send(office.raman, [office.keogh], attachments=[_attachment(b"x", **attachment)])

    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "attachments", 0, field]
    assert message in error["msg"]
    assert not Message.objects.exists()


def test_attachment_over_the_size_limit_is_422(
    office: ValeOffice, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(schemas_messages, "MAX_ATTACHMENT_BYTES", 4)

    response = _send(office.raman, [office.keogh], attachments=[_attachment(b"12345")])

    assert response.status_code == 422
    assert "limited to 4 bytes" in response.json()["detail"][0]["msg"]


def test_search_filters(office: ValeOffice) -> None:
    tagged = _send(office.raman, [office.keogh], case_ids=[office.case.pk], body="Bond hearing")
    plain = _send(office.keogh, [office.raman], body="Lunch on Friday?")
    client = token_client(office.keogh)
    tagged_id, plain_id = tagged.json()["id"], plain.json()["id"]

    assert _listed(client) == [plain_id, tagged_id]
    assert _listed(client, q="bond") == [tagged_id]
    assert _listed(client, case_id=office.case.pk) == [tagged_id]
    assert _listed(client, sender="mkeogh") == [plain_id]
    assert _listed(client, status="held") == []
    assert _listed(client, sent_from="2000-01-01", page_size=1) == [plain_id]
    assert _listed(client, sent_to="2000-01-01") == []
    unknown = client.get("/api/messages", {"sender": "ghost"})
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["sender"]
    assert client.get("/api/messages", {"status": "lost"}).status_code == 422


def test_thread_replies_and_reading(office: ValeOffice) -> None:
    first = _send(office.raman, [office.keogh]).json()
    reply = _send(office.keogh, [office.raman], body="I will.", thread_id=first["thread_id"])
    assert reply.status_code == 201
    path = f"/api/messages/threads/{first['thread_id']}"

    thread = token_client(office.raman).get(path)
    outsider = token_client(make_user()).get(path)
    intruder = _send(make_user(), [office.raman], thread_id=first["thread_id"])

    assert thread.status_code == 200
    assert thread.json()["subject"] == "Staffing"
    assert [m["body"] for m in thread.json()["messages"]] == [
        "Who covers the Monday call?",
        "I will.",
    ]
    assert outsider.status_code == 404
    assert intruder.status_code == 422
    assert intruder.json()["detail"][0]["loc"] == ["thread"]


def test_csv_export_neutralises_formulas(office: ValeOffice) -> None:
    _send(office.raman, [office.keogh], subject='=HYPERLINK("x")', body="+1 555 0100")
    _send(office.raman, [office.keogh], subject="@SUM(A1)", body="-2 and\ttabs")

    response = token_client(office.keogh).get("/api/messages/export", {"format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="messages.csv"'
    rows = list(csv.DictReader(io.StringIO(_streamed(response))))
    assert [(row["subject"], row["body"]) for row in rows] == [
        ("'@SUM(A1)", "'-2 and\ttabs"),
        ('\'=HYPERLINK("x")', "'+1 555 0100"),
    ]
    assert rows[0]["sender"] == "praman"


def test_jsonl_export_has_one_visible_message_per_line(office: ValeOffice) -> None:
    _send(office.raman, [office.keogh], case_ids=[office.case.pk])
    _send(office.whitlock, [office.keogh], body=HELD_BODY)

    as_keogh = token_client(office.keogh).get("/api/messages/export")
    as_brandt = token_client(office.brandt).get("/api/messages/export", {"status": "held"})

    assert as_keogh["Content-Type"] == "application/jsonl; charset=utf-8"
    lines = _streamed(as_keogh).splitlines()
    assert [json.loads(line)["status"] for line in lines] == ["delivered"]
    held = [json.loads(line) for line in _streamed(as_brandt).splitlines()]
    assert [item["status"] for item in held] == ["held"]
    assert held[0]["oversight"]["screening_note"]


def test_export_format_must_be_known(office: ValeOffice) -> None:
    response = token_client(office.keogh).get("/api/messages/export", {"format": "xlsx"})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "format"]


def test_message_list_query_count_does_not_grow_with_the_page(office: ValeOffice) -> None:
    client = token_client(office.keogh)
    _send(office.raman, [office.keogh], attachments=[_attachment(b"a")])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/messages").status_code == 200
        return len(captured)

    small = queries()
    for n in range(3):
        _send(
            office.raman,
            [office.keogh, office.ethics],
            case_ids=[office.case.pk],
            attachments=[_attachment(b"b", filename=f"{n}.txt")],
        )
    large = queries()

    assert large == small
