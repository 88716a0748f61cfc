"""Canonical form, hashing and streaming verification of the audit chain.

This module is deliberately free of Django so that an inspector general can verify an exported
file with nothing but Python: `python -m evenhand.audit.chain FILE` (or `evenhand audit verify
--file FILE`). Each entry's hash is SHA-256 over its canonical JSON followed by the previous
entry's hash; the first entry's previous hash is GENESIS_HASH.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
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


def canonical_bytes(entry: dict[str, Any]) -> bytes:
    """The exact bytes that are hashed: sorted-key compact JSON of the chained fields."""
    return _encoder.encode({name: entry[name] for name in CHAINED_FIELDS}).encode()


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
