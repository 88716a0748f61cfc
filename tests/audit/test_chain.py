"""The audit chain: appends, database triggers, and detection of every kind of tampering."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction

from evenhand.audit.chain import GENESIS_HASH, verify_file
from evenhand.audit.models import AuditAction, AuditEntry
from evenhand.audit.services import (
    AuditNotInTransactionError,
    audit_record,
    audit_verify_database,
)
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db

TABLE = AuditEntry._meta.db_table


@contextmanager
def triggers_bypassed() -> Iterator[None]:
    """What a database owner could do: switch the append-only triggers off."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ALTER TABLE waits for the test transaction's deferred foreign-key checks.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER audit_no_update")
            cursor.execute("DROP TRIGGER audit_no_delete")
    yield


def _write_entries(count: int) -> list[AuditEntry]:
    actor = make_user()
    with transaction.atomic():
        return [
            audit_record(
                actor=actor,
                action=AuditAction.CASE_UPDATED,
                subject_type="case",
                subject_id=n,
                case_id=n,
                before={"title": f"old {n}"},
                after={"title": f"new {n}", "amount": 1.5, "when": None},
            )
            for n in range(count)
        ]


def test_entries_chain_from_genesis_and_verify() -> None:
    entries = _write_entries(3)
    first = AuditEntry.objects.order_by("seq").first()
    assert first is not None
    assert first.seq == 1
    assert first.prev_hash == GENESIS_HASH
    assert [e.prev_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]
    result = audit_verify_database()
    assert result.ok
    assert result.checked == AuditEntry.objects.count()


def test_writing_outside_a_transaction_is_an_error() -> None:
    # The test itself runs inside a transaction; pretend the connection is in autocommit.
    wrapper = connections["default"]
    saved = wrapper.in_atomic_block
    wrapper.in_atomic_block = False
    try:
        with pytest.raises(AuditNotInTransactionError):
            audit_record(actor=None, action=AuditAction.LOGOUT, subject_type="user")
    finally:
        wrapper.in_atomic_block = saved


def test_entry_rolls_back_with_the_change_it_describes() -> None:
    actor = make_user()
    before = AuditEntry.objects.count()

    def failing_service() -> None:
        with transaction.atomic():
            audit_record(actor=actor, action=AuditAction.CASE_UPDATED, subject_type="case")
            raise RuntimeError("the service failed after logging")

    with pytest.raises(RuntimeError):
        failing_service()
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("statement", ["UPDATE {t} SET action = 'x'", "DELETE FROM {t}"])
def test_database_refuses_update_and_delete(statement: str) -> None:
    _write_entries(1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        connection.cursor().execute(statement.format(t=TABLE))


def test_database_refuses_emptying_the_table() -> None:
    # PostgreSQL's TRUNCATE skips row triggers; SQLite's unqualified DELETE is its fast path.
    statement = f"TRUNCATE {TABLE}" if connection.vendor == "postgresql" else f"DELETE FROM {TABLE}"
    _write_entries(1)
    if connection.vendor == "postgresql":
        # Flush the test transaction's deferred foreign-key checks, which TRUNCATE waits for.
        connection.cursor().execute("SET CONSTRAINTS ALL IMMEDIATE")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        connection.cursor().execute(statement)


TAMPERABLE = [
    ("occurred_at", "'2001-01-01 00:00:00'"),
    ("actor_label", "'someone else'"),
    ("action", "'case.viewed'"),
    ("outcome", "'refused'"),
    ("subject_type", "'person'"),
    ("subject_id", "'999'"),
    ("case_id", "424242"),
    ("before", "NULL"),
    ("after", """'{"title": "forged"}'"""),
    ("request_id", "'forged-request'"),
    ("prev_hash", f"'{'1' * 64}'"),
    ("hash", f"'{'2' * 64}'"),
]


@pytest.mark.parametrize(("column", "value"), TAMPERABLE, ids=[c for c, _ in TAMPERABLE])
def test_tampering_with_any_stored_field_is_detected(column: str, value: str) -> None:
    _write_entries(4)
    target = AuditEntry.objects.order_by("seq")[2]
    with triggers_bypassed(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET {column} = {value} WHERE seq = %s", [target.seq])
    result = audit_verify_database()
    assert not result.ok
    assert result.first_bad_seq == target.seq
    assert f"seq={target.seq}" in result.describe()


def test_deleting_a_row_is_detected() -> None:
    _write_entries(4)
    target = AuditEntry.objects.order_by("seq")[1]
    with triggers_bypassed(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq = %s", [target.seq])
    result = audit_verify_database()
    assert not result.ok
    assert result.first_bad_seq == target.seq + 1
    assert "gap" in result.reason


def test_deleting_the_newest_rows_is_detected_against_a_kept_head() -> None:
    _write_entries(3)
    head_before = audit_verify_database().last_hash
    newest = AuditEntry.objects.order_by("-seq").first()
    assert newest is not None
    with triggers_bypassed(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq = %s", [newest.seq])
    # A truncated tail is still a valid chain; the head hash published earlier exposes it.
    assert audit_verify_database().last_hash != head_before


def test_reordering_entries_is_detected() -> None:
    _write_entries(4)
    a, b = AuditEntry.objects.order_by("seq")[1:3]
    with triggers_bypassed(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET seq = -1 WHERE seq = %s", [a.seq])
        cursor.execute(f"UPDATE {TABLE} SET seq = %s WHERE seq = %s", [a.seq, b.seq])
        cursor.execute(f"UPDATE {TABLE} SET seq = %s WHERE seq = -1", [b.seq])
    result = audit_verify_database()
    assert not result.ok
    assert result.first_bad_seq == a.seq


def test_command_reports_pass_and_names_first_bad_entry(capsys: pytest.CaptureFixture[str]) -> None:
    _write_entries(3)
    call_command("audit", "verify")
    assert "PASS" in capsys.readouterr().out
    target = AuditEntry.objects.order_by("seq")[1]
    with triggers_bypassed(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET actor_label = 'x' WHERE seq = %s", [target.seq])
    with pytest.raises(CommandError, match=f"FAIL at entry seq={target.seq}"):
        call_command("audit", "verify")


def test_export_verifies_without_the_database_and_detects_edits(tmp_path: Path) -> None:
    auditor = make_user()
    make_case(actor=make_user())
    export = tmp_path / "audit.jsonl"
    call_command("audit", "export", "--output", str(export), "--as-user", auditor.username)
    assert verify_file(export).ok
    lines = export.read_text().splitlines()
    assert json.loads(lines[-1])["action"] == AuditAction.AUDIT_EXPORTED

    entry = json.loads(lines[1])
    entry["actor_label"] = "nobody"
    lines[1] = json.dumps(entry)
    tampered = tmp_path / "tampered.jsonl"
    tampered.write_text("\n".join(lines) + "\n")
    result = verify_file(tampered)
    assert not result.ok
    assert result.first_bad_seq == entry["seq"]


def test_export_verification_rejects_garbage(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.jsonl"
    garbage.write_text('{"seq": 1}\nnot json\n')
    assert not verify_file(garbage).ok
