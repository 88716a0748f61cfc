"""Canonical form, hashing and streaming verification of the audit chain.

This module is deliberately free of Django so that an inspector general can verify an exported
file with nothing but Python: `python -m evenhand.audit.chain FILE` (or `evenhand audit verify
--file FILE`). Each entry's hash is SHA-256 over its canonical JSON followed by the previous
entry's hash; the first entry's previous hash is GENESIS_HASH.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import operator
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from json import encoder as json_encoder
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any

GENESIS_HASH = "0" * 64

# The fields that the hash covers, in export order. `hash` itself is not among them.
CHAINED_FIELDS = (
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
)

_encoder = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)

# CHAINED_FIELDS in sorted order, the order in which sort_keys=True writes them. The canonical
# text is this template filled with each value's JSON text, followed (for hashing) by prev_hash.
_SORTED_TEMPLATE = (
    '{"action":%s,"actor_id":%s,"actor_label":%s,"after":%s,"before":%s,"case_id":%s,'
    '"occurred_at":%s,"outcome":%s,"prev_hash":%s,"request_id":%s,"seq":%s,'
    '"subject_id":%s,"subject_type":%s}'
)
_HASHED_TEMPLATE = _SORTED_TEMPLATE + "%s"
_chained_values = operator.itemgetter(*CHAINED_FIELDS)
_text = encode_basestring  # what the encoder itself uses for str when ensure_ascii=False
_int_text = int.__repr__  # what the encoder itself uses for int
_any_text = _encoder.encode


def _json_text(value: Any) -> str:
    """One value's canonical JSON text: exactly what _encoder writes for it inside an object."""
    kind = type(value)
    if kind is str:
        return _text(value)
    if value is None:
        return "null"
    if kind is int:
        return _int_text(value)
    return _any_text(value)


def canonical_text(entry: dict[str, Any]) -> str:
    """canonical_bytes as text. Byte-identical to encoding {name: entry[name] for name in
    CHAINED_FIELDS} with _encoder; only the fixed, already sorted top level is written by hand."""
    (seq, occurred_at, actor_id, actor_label, action, outcome, subject_type, subject_id,
     case_id, before, after, request_id, prev_hash) = _chained_values(entry)  # fmt: skip
    j = _json_text
    return _SORTED_TEMPLATE % (
        j(action), j(actor_id), j(actor_label), j(after), j(before), j(case_id),
        j(occurred_at), j(outcome), j(prev_hash), j(request_id), j(seq), j(subject_id),
        j(subject_type),
    )  # fmt: skip


def canonical_bytes(entry: dict[str, Any]) -> bytes:
    """The exact bytes that are hashed: sorted-key compact JSON of the chained fields."""
    return canonical_text(entry).encode()


def entry_hash(entry: dict[str, Any]) -> str:
    digest = hashlib.sha256(canonical_bytes(entry))
    digest.update(entry["prev_hash"].encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    last_hash: str
    first_bad_seq: int | None = None
    reason: str = ""

    def describe(self) -> str:
        if self.ok:
            return f"PASS: {self.checked} entries verified; head hash {self.last_hash}"
        return (
            f"FAIL at entry seq={self.first_bad_seq}: {self.reason} "
            f"({self.checked} entries before it verified)"
        )


def verify_entries(entries: Iterable[dict[str, Any]]) -> VerifyResult:
    """Walk entries in stored order; stop at the first one that breaks the chain."""
    expected_seq = 1
    prev = GENESIS_HASH
    checked = 0
    for entry in entries:
        seq = entry.get("seq")
        if seq != expected_seq:
            reason = (
                f"sequence gap or reordering: expected seq {expected_seq}, found {seq}"
                if isinstance(seq, int)
                else "entry has no valid sequence number"
            )
            return VerifyResult(False, checked, prev, seq if isinstance(seq, int) else None, reason)
        if entry.get("prev_hash") != prev:
            return VerifyResult(
                False, checked, prev, seq, "prev_hash does not match the previous entry's hash"
            )
        try:
            recomputed = entry_hash(entry)
        except (KeyError, TypeError, ValueError) as exc:
            return VerifyResult(False, checked, prev, seq, f"entry is malformed: {exc}")
        if recomputed != entry.get("hash"):
            return VerifyResult(
                False, checked, prev, seq, "stored hash does not match the entry's content"
            )
        prev = recomputed
        checked += 1
        expected_seq += 1
    return VerifyResult(True, checked, prev)


# ---------------------------------------------------------------------------------------------
# Verification over database rows. Still standard-library only: these functions run in worker
# processes that never set up Django.

# The columns of a row, in this order (the database query selects them so).
ROW_COLUMNS = (*CHAINED_FIELDS, "hash")

# What Django itself writes for a UTC datetime on SQLite: "YYYY-MM-DD HH:MM:SS[.ffffff]".
_SQLITE_STAMP = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{6})?", re.ASCII
).fullmatch
_fromisoformat = dt.datetime.fromisoformat


def sqlite_stamp(text: object) -> str | None:
    """The canonical form of a timestamp stored by Django on SQLite (in UTC), or None when the
    text is not in exactly that form (the caller then converts it the way Django does)."""
    if type(text) is not str or not _SQLITE_STAMP(text):
        return None
    try:
        _fromisoformat(text)  # a real date and time, as Django's own parse requires
    except ValueError:
        return None
    if len(text) == 19:
        return f"{text[:10]}T{text[11:]}.000000+00:00"
    return f"{text[:10]}T{text[11:]}+00:00"


# The C core of _encoder (the same arguments JSONEncoder.iterencode passes it), made once, for
# the before/after values parsed from the database: parsed JSON cannot be circular, so no
# markers. Saves building an encoder per value.
_c_make_encoder: Any = getattr(json_encoder, "c_make_encoder", None)  # undocumented
_c_nested: Any = (
    _c_make_encoder(None, _encoder.default, _text, None, ":", ",", True, False, False)
    if _c_make_encoder is not None
    else None
)


def _nested_text(value: Any) -> str:
    """_json_text for a value parsed from JSON text."""
    if value is None:
        return "null"
    if _c_nested is None:
        return _any_text(value)
    return "".join(_c_nested(value, 0))


def stored_json(text: object) -> object:
    """A before/after column's value as Django's JSONField.from_db_value returns it."""
    if text is None:
        return None
    try:
        return json.loads(text)  # type: ignore[arg-type]
    except json.JSONDecodeError:
        return text


# The outcome of checking a run of rows: (status, checked, prev, seq, reason) where status is
# "ok" (all rows verified; prev is the last hash), "fail" (the row after `checked` rows is the
# first bad one) or "slow" (that row's timestamp needs the caller's exact conversion first).
RowsOutcome = tuple[str, int, str, object, str]


def _seq_reason(seq: object, expected: int) -> tuple[object, str]:
    if isinstance(seq, int):
        return seq, f"sequence gap or reordering: expected seq {expected}, found {seq}"
    return None, "entry has no valid sequence number"


def check_rows(
    rows: Sequence[tuple[Any, ...]], expected_seq: int, prev: str, *, sqlite_stamps: bool
) -> RowsOutcome:
    """verify_entries' checks over row tuples (ROW_COLUMNS order, before/after as stored JSON
    text, occurred_at canonical or, with sqlite_stamps, as Django stores it on SQLite).

    Each row's checks need only the row and the previous row's stored hash, so runs of rows can
    be checked independently and their outcomes combined in order."""
    sha256 = hashlib.sha256
    template = _HASHED_TEMPLATE
    text = _text
    j = _json_text
    n = _nested_text
    loads = stored_json
    checked = 0
    for row in rows:
        (seq, occurred_at, actor_id, actor_label, action, outcome, subject_type, subject_id,
         case_id, before, after, request_id, prev_hash, stored) = row  # fmt: skip
        if seq != expected_seq:
            bad_seq, reason = _seq_reason(seq, expected_seq)
            return ("fail", checked, prev, bad_seq, reason)
        if prev_hash != prev:
            return (
                "fail",
                checked,
                prev,
                seq,
                "prev_hash does not match the previous entry's hash",
            )
        if sqlite_stamps:
            occurred_at = sqlite_stamp(occurred_at)
            if occurred_at is None:
                return ("slow", checked, prev, seq, "")
        try:
            body = template % (
                j(action), j(actor_id), j(actor_label), n(loads(after)), n(loads(before)),
                j(case_id), j(occurred_at), j(outcome), text(prev_hash), j(request_id), j(seq),
                j(subject_id), j(subject_type), prev_hash,
            )  # fmt: skip
            recomputed = sha256(body.encode()).hexdigest()
        except (KeyError, TypeError, ValueError) as exc:
            return ("fail", checked, prev, seq, f"entry is malformed: {exc}")
        if recomputed != stored:
            return ("fail", checked, prev, seq, "stored hash does not match the entry's content")
        prev = recomputed
        checked += 1
        expected_seq += 1
    return ("ok", checked, prev, None, "")


def check_rows_job(
    rows: Sequence[tuple[Any, ...]], expected_seq: int, prev: str, sqlite_stamps: bool
) -> RowsOutcome:
    """check_rows for a worker process (positional arguments, picklable by name)."""
    return check_rows(rows, expected_seq, prev, sqlite_stamps=sqlite_stamps)


def read_export(lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    """Parse a JSON Lines export; a line that is not an object ends the walk as malformed."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            yield {"seq": None, "_error": f"line {number} is not JSON"}
            return
        if not isinstance(value, dict):
            yield {"seq": None, "_error": f"line {number} is not an object"}
            return
        yield value


def verify_file(path: Path) -> VerifyResult:
    with path.open(encoding="utf-8") as handle:
        return verify_entries(read_export(handle))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.stderr.write("usage: python -m evenhand.audit.chain EXPORT.jsonl\n")
        return 2
    result = verify_file(Path(args[0]))
    sys.stdout.write(result.describe() + "\n")
    return 0 if result.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
