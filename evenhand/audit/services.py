"""The only writer of audit entries.

`audit_record` must run inside the caller's transaction, so the entry commits or rolls back
with the change it describes. Appends are serialised (a PostgreSQL advisory lock; SQLite runs
every transaction IMMEDIATE), so each entry's `prev_hash` is the hash of the entry before it.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import uuid
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils import timezone

from .chain import CHAINED_FIELDS, GENESIS_HASH, VerifyResult, entry_hash, verify_entries
from .context import current_request_id
from .models import AuditAction, AuditEntry, AuditOutcome

if TYPE_CHECKING:
    from evenhand.accounts.models import User

# Arbitrary but fixed key for pg_advisory_xact_lock: "evenhand audit chain".
_AUDIT_LOCK_KEY = 0x65766E68_61756474


class AuditNotInTransactionError(RuntimeError):
    """An audit entry was written outside the transaction of the change it records."""


JsonValue = None | bool | int | str | list["JsonValue"] | dict[str, "JsonValue"]


def jsonable(value: object) -> JsonValue:  # noqa: PLR0911  (one return per JSON type)
    """Reduce a value to JSON that survives a database round trip unchanged.

    Floats and decimals become strings (PostgreSQL's jsonb may re-render them), dates become
    ISO strings, and NUL characters (which jsonb rejects) are made visible.
    """
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, str):
        return value.replace("\x00", "\\u0000")
    if isinstance(value, enum.Enum):
        return jsonable(value.value)
    if isinstance(value, float | decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(item) for item in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    return str(value)


def _lock_chain_head() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_AUDIT_LOCK_KEY])


def audit_record(
    *,
    actor: User | None,
    action: AuditAction,
    subject_type: str,
    subject_id: object = "",
    case_id: int | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    outcome: AuditOutcome = AuditOutcome.SUCCESS,
    actor_label: str | None = None,
) -> AuditEntry:
    """Append one entry to the chain. Must be called inside the service's transaction."""
    if not connection.in_atomic_block:
        msg = f"audit entry {action} written outside a transaction"
        raise AuditNotInTransactionError(msg)
    _lock_chain_head()
    head = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
    seq, prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
    occurred_at = timezone.now().astimezone(dt.UTC)
    label = actor_label if actor_label is not None else (actor.get_username() if actor else "")
    entry = AuditEntry(
        seq=seq,
        occurred_at=occurred_at,
        actor=actor,
        actor_label=label[:150],
        action=action,
        outcome=outcome,
        subject_type=subject_type,
        subject_id=str(subject_id)[:64],
        case_id=case_id,
        before=jsonable(before) if before is not None else None,
        after=jsonable(after) if after is not None else None,
        request_id=current_request_id.get(),
        prev_hash=prev_hash,
    )
    entry.hash = entry_hash(chain_fields(entry))
    entry.save(force_insert=True)
    return entry


def chain_fields(entry: AuditEntry) -> dict[str, Any]:
    """The hashed fields of a model instance, in their canonical JSON types."""
    return {
        "seq": entry.seq,
        "occurred_at": entry.occurred_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": str(entry.action),
        "outcome": str(entry.outcome),
        "subject_type": entry.subject_type,
        "subject_id": entry.subject_id,
        "case_id": entry.case_id,
        "before": entry.before,
        "after": entry.after,
        "request_id": entry.request_id,
        "prev_hash": entry.prev_hash,
    }


_STREAM_COLUMNS = (
    "seq",
    "occurred_at",
    "actor_id",
    "actor_label",
    "action",
    "outcome",
    "subject_type",
    "subject_id",
    "case_id",
    "before",
    "after",
    "request_id",
    "prev_hash",
    "hash",
)


def stream_entries(chunk_size: int = 5000) -> Iterator[dict[str, Any]]:
    """Every entry in chain order, as export dictionaries, without loading the table whole."""
    rows = AuditEntry.objects.order_by("seq").values_list(*_STREAM_COLUMNS)
    for row in rows.iterator(chunk_size=chunk_size):
        record = dict(zip(_STREAM_COLUMNS, row, strict=True))
        record["occurred_at"] = (
            record["occurred_at"].astimezone(dt.UTC).isoformat(timespec="microseconds")
        )
        yield record


def audit_verify_database(chunk_size: int = 5000) -> VerifyResult:
    return verify_entries(stream_entries(chunk_size=chunk_size))


EXPORT_FIELDS = (*CHAINED_FIELDS, "hash")


def audit_log_read_record(*, actor: User, filters: Mapping[str, Any]) -> None:
    """Reading the audit log is itself logged (CJIS 5.4.1.1: access to the audit log)."""
    with transaction.atomic():
        audit_record(
            actor=actor, action=AuditAction.AUDIT_READ, subject_type="audit_log", after=filters
        )
