"""Throughput and memory of the streamed audit-chain verification.

    .venv/bin/python -m bench.audit_verify --db sqlite --entries 1000000
    .venv/bin/python -m bench.audit_verify --db postgres --entries 1000000

Builds (or reuses) a valid chain of N audit entries in a scratch database, inserted straight
into the audit table in bulk with hashes computed by evenhand.audit.chain.entry_hash; entry
contents imitate the real mix (mostly case reads, then events, charges, updates, log-ons) with
before/after JSON reduced by evenhand.audit.services.jsonable. Then, in a fresh subprocess (so
that its peak memory is the verification's own), it times
evenhand.audit.services.audit_verify_database (worker processes, one per CPU) and, over exactly
the same entries in the same run: raw SHA-256 of their canonical bytes (the upper limit),
canonical_bytes alone, entry_hash, the same verification in one process, the verification as it
was before (ORM dictionaries through verify_entries), the database fetch alone and
stream_entries alone, so the figures show where the time goes. CPU time includes the worker
processes'. Peak memory is reported as peak RSS of the verifying process (Linux VmHWM, reset
just before the verification) and, with --tracemalloc, as the tracemalloc peak of a second
verification pass.
Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import hashlib
import io
import json
import os
import pstats
import random
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from bench.common import (
    REPO_DIR,
    Target,
    add_target_arguments,
    analyze,
    apply_pending_migrations,
    bulk_insert,
    current_rss_mib,
    database_exists,
    format_table,
    machine_line,
    peak_rss_mib,
    read_meta,
    recreate_database,
    reset_peak_rss,
    setup_django,
    target_from_args,
    write_meta,
)
from bench.names import FIRST_NAMES, LAST_NAMES

CHAIN_VERSION = "1"
TARGET_RATE = 100_000  # entries/s: reported, never asserted
USERS = 60
CHUNK = 20_000
START = dt.datetime(2024, 1, 2, 8, 0, tzinfo=dt.UTC)
STATUSES = ("intake", "felony_review", "charged", "disposed", "closed")
ROLES = ("defendant", "victim", "witness", "complainant", "reporting_officer")
STATUTES = (
    ("720-5/12-3", "A"), ("720-5/12-3.05", "3"), ("720-5/19-1", "2"), ("720-5/16-1", "A"),
    ("720-5/26-1(a)(1)", "C"), ("720-5/24-1.6", "4"),
)  # fmt: skip
EVENT_SUMMARIES = (
    "Status hearing before the court; matter continued by agreement to a later date.",
    "Follow-up interview scheduled; supplementary report requested from the arresting agency.",
    "Discovery tendered to defence counsel; receipt acknowledged.",
    "Defendant released on pretrial conditions after detention hearing.",
)
# (action, weight). The shares follow what the services write: every case page view is logged.
MIX = (
    ("case.viewed", 50),
    ("case.event_recorded", 10),
    ("auth.login_succeeded", 8),
    ("participant.added", 7),
    ("charge.filed", 6),
    ("case.updated", 6),
    ("person.created", 5),
    ("case.opened", 3),
    ("auth.logout", 3),
    ("auth.login_failed", 1),
    ("case.access_refused", 1),
)
FIELDS = (
    "seq", "occurred_at", "actor", "actor_label", "action", "outcome", "subject_type",
    "subject_id", "case_id", "before", "after", "request_id", "prev_hash", "hash",
)  # fmt: skip


def _case_snapshot(rng: random.Random, case_id: int) -> dict[str, object]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    year = rng.randint(2015, 2025)
    return {
        "number": f"{year}-CR-{case_id % 1_000_000:06d}",
        "title": f"People v. {last}, {first}",
        "status": rng.choice(STATUSES),
        "received_on": dt.date(year, rng.randint(1, 12), rng.randint(1, 28)),
        "summary": (
            f"Referral concerning {first} {last} and {rng.randint(0, 4)} other participant(s); "
            "reports, statements and evidence inventory received for review."
        ),
    }


def _content(
    rng: random.Random, action: str, when: dt.datetime, users: Sequence[tuple[int, str]]
) -> dict[str, Any]:
    """Everything an entry holds except its place in the chain, as audit_record would write."""
    actor_id, label = rng.choice(users)
    case_id: int | None = rng.randint(1, 250_000)
    before: dict[str, object] | None = None
    after: dict[str, object] | None = None
    subject_type, subject_id, outcome = "case", str(case_id), "success"
    if action == "case.event_recorded":
        subject_type, subject_id = "case_event", str(rng.randint(1, 2_000_000))
        after = {"kind": "hearing", "occurred_at": when, "summary": rng.choice(EVENT_SUMMARIES)}
    elif action == "participant.added":
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        subject_type, subject_id = "participant", str(rng.randint(1, 900_000))
        after = {
            "person": f"{first} {last}",
            "person_id": rng.randint(1, 900_000),
            "role": rng.choice(ROLES),
        }
    elif action == "charge.filed":
        statute, offense_class = rng.choice(STATUTES)
        counts = rng.randint(1, 6)
        first_count = rng.randint(1, 4)
        subject_type, subject_id = "participant", str(rng.randint(1, 900_000))
        after = {
            "statute_key": statute,
            "offense_class": offense_class,
            "counts": counts,
            "count_numbers": [first_count, first_count + counts - 1],
            "filed_on": when.date(),
        }
    elif action == "case.updated":
        before = _case_snapshot(rng, case_id or 1)
        after = dict(before, status=rng.choice(STATUSES))
    elif action == "case.opened":
        after = _case_snapshot(rng, case_id or 1)
    elif action == "person.created":
        subject_type, subject_id, case_id = "person", str(rng.randint(1, 900_000)), None
        after = {
            "first_name": rng.choice(FIRST_NAMES),
            "middle_name": "",
            "last_name": rng.choice(LAST_NAMES),
            "date_of_birth": dt.date(
                rng.randint(1950, 2006), rng.randint(1, 12), rng.randint(1, 28)
            ),
        }
    elif action in {"auth.login_succeeded", "auth.logout"}:
        subject_type, subject_id, case_id = "user", str(actor_id), None
    elif action == "auth.login_failed":
        subject_type, subject_id, case_id, outcome = "user", label, None, "failed"
        actor_id = 0
    elif action == "case.access_refused":
        outcome = "refused"
        after = {"action": "view", "reason": "not_permitted"}
    from evenhand.audit.services import jsonable  # noqa: PLC0415

    return {
        "actor_id": actor_id or None,
        "actor_label": label,
        "action": action,
        "outcome": outcome,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "case_id": case_id,
        "before": jsonable(before) if before is not None else None,
        "after": jsonable(after) if after is not None else None,
        "request_id": f"{rng.getrandbits(128):032x}",
    }


def chain_rows(
    entries: int, seed: int, users: Sequence[tuple[int, str]], stats: dict[str, int]
) -> Iterator[tuple[object, ...]]:
    """Rows for bulk_insert in FIELDS order, each hashed onto the previous one."""
    from evenhand.audit.chain import GENESIS_HASH, canonical_bytes, entry_hash  # noqa: PLC0415

    rng = random.Random(seed)
    actions = [name for name, _ in MIX]
    weights = [weight for _, weight in MIX]
    prev = GENESIS_HASH
    when = START
    total_bytes = 0
    for seq in range(1, entries + 1):
        when += dt.timedelta(microseconds=rng.randint(1, 40_000_000))
        entry = _content(rng, rng.choices(actions, weights=weights)[0], when, users)
        entry["seq"] = seq
        entry["occurred_at"] = when.isoformat(timespec="microseconds")
        entry["prev_hash"] = prev
        digest = entry_hash(entry)
        total_bytes += len(canonical_bytes(entry))
        yield (
            seq, when, entry["actor_id"], entry["actor_label"], entry["action"], entry["outcome"],
            entry["subject_type"], entry["subject_id"], entry["case_id"],
            None if entry["before"] is None else json.dumps(entry["before"]),
            None if entry["after"] is None else json.dumps(entry["after"]),
            entry["request_id"], prev, digest,
        )  # fmt: skip
        prev = digest
    stats["canonical_bytes"] = total_bytes
    stats["head_hash_prefix"] = int(prev[:12], 16)


def _create_users(rng: random.Random) -> list[tuple[int, str]]:
    from django.contrib.auth.hashers import make_password  # noqa: PLC0415

    from evenhand.accounts.models import Role, User  # noqa: PLC0415

    unusable = make_password(None)
    roles = [Role.ASSISTANT_STATES_ATTORNEY] * 8 + [Role.INVESTIGATOR, Role.RECORDS_OFFICER]
    created = User.objects.bulk_create(
        User(
            username=f"staff-{index:03d}",
            first_name=rng.choice(FIRST_NAMES),
            last_name=rng.choice(LAST_NAMES),
            role=rng.choice(roles),
            password=unusable,
        )
        for index in range(1, USERS + 1)
    )
    return [(user.pk, user.username) for user in created]


def ensure_chain(target: Target, entries: int, seed: int, *, force: bool) -> dict[str, str]:
    from django.db import connection, transaction  # noqa: PLC0415

    from evenhand.audit.models import AuditEntry  # noqa: PLC0415

    if not force and database_exists(target):
        meta = read_meta()
        if (
            meta.get("chain_version") == CHAIN_VERSION
            and meta.get("entries") == str(entries)
            and meta.get("seed") == str(seed)
        ):
            print(f"reusing {target.describe()} (built {meta.get('generated_at')})")
            applied = apply_pending_migrations()
            if applied:
                print(f"applied the project's new migrations: {', '.join(applied)}")
            return meta
    print(f"building a chain of {entries:,} entries in {target.describe()} ...")
    recreate_database(target)
    started = time.perf_counter()
    users = _create_users(random.Random(seed))
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-262144")
    stats: dict[str, int] = {}
    with transaction.atomic():
        inserted = bulk_insert(AuditEntry, FIELDS, chain_rows(entries, seed, users, stats))
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=NORMAL")
    analyze()
    elapsed = time.perf_counter() - started
    print(f"  inserted {inserted:,} entries in {elapsed:.1f}s")
    notes: dict[str, object] = {
        "chain_version": CHAIN_VERSION,
        "entries": inserted,
        "seed": seed,
        "canonical_bytes": stats["canonical_bytes"],
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "generate_seconds": round(elapsed, 1),
    }
    write_meta(notes)
    return {key: str(value) for key, value in notes.items()}


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the verification's workers)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def _timed(label: str, results: dict[str, float], function: Any) -> Any:
    """Wall time under `label`, CPU time (this process and its workers) under `label + "_cpu"`.
    CPU time is the steadier figure when other work shares the machine; the database server's
    own work on PostgreSQL shows only in wall time."""
    started, started_cpu = time.perf_counter(), _cpu_seconds()
    value = function()
    results[label] = time.perf_counter() - started
    results[label + "_cpu"] = _cpu_seconds() - started_cpu
    return value


def measure(*, tracemalloc_pass: bool, profile: bool) -> dict[str, Any]:
    """Runs in the child process. Verification first, so peak RSS is the verification's."""
    from django.db import connection  # noqa: PLC0415

    from evenhand.audit.chain import canonical_bytes, entry_hash, verify_entries  # noqa: PLC0415
    from evenhand.audit.services import (  # noqa: PLC0415
        _row_batches,
        audit_verify_database,
        stream_entries,
    )

    connection.ensure_connection()
    seconds: dict[str, float] = {}
    reset_peak_rss()
    rss_before = current_rss_mib()
    result = _timed("verify", seconds, audit_verify_database)
    rss_peak = peak_rss_mib()
    if not result.ok:
        msg = f"the generated chain does not verify: {result.describe()}"
        raise RuntimeError(msg)
    workers = os.cpu_count() or 1
    serial = _timed("serial", seconds, lambda: audit_verify_database(workers=1))
    before = _timed("before", seconds, lambda: verify_entries(stream_entries()))
    for other in (serial, before):
        if other != result:
            msg = f"the walks disagree: {result.describe()} / {other.describe()}"
            raise RuntimeError(msg)

    def fetch_only() -> int:
        return sum(len(rows) for rows in _row_batches(10_000))

    def stream_only() -> int:
        return sum(1 for _ in stream_entries())

    _timed("fetch", seconds, fetch_only)
    _timed("stream", seconds, stream_only)

    # Same entries again, in chunks: time only the pure-CPU steps over each chunk.
    # Pure-CPU steps: wall and CPU time agree unless another process takes the core.
    spent = dict.fromkeys(("canonical", "sha", "entry_hash"), 0.0)
    spent.update(dict.fromkeys(("canonical_cpu", "sha_cpu", "entry_hash_cpu"), 0.0))
    total_bytes = 0
    chunk: list[dict[str, Any]] = []

    def clocks() -> tuple[float, float]:
        return time.perf_counter(), time.process_time()

    def add(label: str, start: tuple[float, float], end: tuple[float, float]) -> None:
        spent[label] += end[0] - start[0]
        spent[label + "_cpu"] += end[1] - start[1]

    def crunch() -> None:
        nonlocal total_bytes
        t0 = clocks()
        encoded = [(canonical_bytes(entry), entry["prev_hash"].encode()) for entry in chunk]
        t1 = clocks()
        for body, prev in encoded:
            digest = hashlib.sha256(body)
            digest.update(prev)
            digest.hexdigest()
        t2 = clocks()
        for entry in chunk:
            entry_hash(entry)
        t3 = clocks()
        add("canonical", t0, t1)
        add("sha", t1, t2)
        add("entry_hash", t2, t3)
        total_bytes += sum(len(body) + len(prev) for body, prev in encoded)
        chunk.clear()

    for entry in stream_entries():
        chunk.append(entry)
        if len(chunk) == CHUNK:
            crunch()
    crunch()
    seconds.update(spent)

    traced_peak = None
    if tracemalloc_pass:
        tracemalloc.start()
        audit_verify_database()
        traced_peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    profile_text = ""
    if profile:
        profiler = cProfile.Profile()
        profiler.runcall(audit_verify_database)
        buffer = io.StringIO()
        pstats.Stats(profiler, stream=buffer).sort_stats("tottime").print_stats(18)
        profile_text = buffer.getvalue()
    return {
        "entries": result.checked,
        "workers": workers,
        "seconds": seconds,
        "hashed_bytes": total_bytes,
        "rss_before_mib": round(rss_before, 1),
        "rss_peak_mib": round(rss_peak, 1),
        "tracemalloc_peak_mib": None if traced_peak is None else round(traced_peak, 1),
        "profile": profile_text,
        "machine": machine_line(),
    }


def report(measured: dict[str, Any], meta: dict[str, str], target: Target) -> None:
    entries = int(measured["entries"])
    seconds: dict[str, float] = measured["seconds"]
    sha_rate = entries / seconds["sha"]
    rows = []
    order = (
        ("sha", "raw SHA-256 over the canonical bytes (upper limit)"),
        ("entry_hash", "entry_hash: canonical JSON + SHA-256, no database"),
        ("canonical", "canonical_bytes alone (json encode)"),
        ("fetch", "database fetch alone (plain chunked cursor, row tuples)"),
        ("stream", "stream_entries alone (ORM, dicts, timestamps; the export)"),
        ("before", "before this change: verify_entries(stream_entries())"),
        ("serial", "audit_verify_database(workers=1): one process"),
        ("verify", f"audit_verify_database: {measured['workers']} worker processes (default)"),
    )
    for key, label in order:
        rate = entries / seconds[key]
        cpu = seconds[key + "_cpu"]
        rows.append((
            label, f"{seconds[key]:.2f}", f"{rate:,.0f}", f"{sha_rate / rate:.1f}x",
            f"{cpu:.2f}", f"{entries / cpu:,.0f}",
        ))  # fmt: skip
    print(measured["machine"])
    print(
        f"chain: {entries:,} entries, {int(meta['canonical_bytes']) / entries:.0f} canonical "
        f"bytes per entry on average ({target.describe()})\n"
    )
    print(
        format_table(
            (
                "measure (same entries, same run)",
                "wall s",
                "entries/s",
                "slower than SHA",
                "CPU s",
                "entries/CPU-s",
            ),
            rows,
        )
    )
    mib = int(measured["hashed_bytes"]) / 2**20
    print(f"\nraw SHA-256 throughput: {mib / seconds['sha']:.0f} MiB/s over {mib:.0f} MiB")
    verify_rate = entries / seconds["verify"]
    verdict = "met" if verify_rate >= TARGET_RATE else "NOT met"
    print(
        f"target: at least {TARGET_RATE:,} entries/s: {verify_rate:,.0f}/s wall-clock "
        f"({entries / seconds['verify_cpu']:,.0f} per CPU-second, workers included), {verdict}"
    )
    growth = measured["rss_peak_mib"] - measured["rss_before_mib"]
    print(
        f"memory: RSS of the verifying (parent) process {measured['rss_before_mib']} MiB before "
        f"verification, peak "
        f"{measured['rss_peak_mib']} MiB during it (+{growth:.1f} MiB) for {mib:.0f} MiB of entries"
    )
    if measured["tracemalloc_peak_mib"] is not None:
        traced = measured["tracemalloc_peak_mib"]
        print(f"        tracemalloc peak during a verification pass: {traced} MiB")
    if measured["profile"]:
        print("\nprofile of audit_verify_database (cProfile, by own time):")
        print(measured["profile"])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    add_target_arguments(parser)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--force", action="store_true", help="rebuild the chain")
    parser.add_argument(
        "--tracemalloc", action="store_true", help="add a verification pass under tracemalloc"
    )
    parser.add_argument("--profile", action="store_true", help="also cProfile one verification")
    parser.add_argument("--json-out", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    target = target_from_args(args, f"audit-{args.entries}")
    setup_django(target)
    if args.measure:
        measured = measure(tracemalloc_pass=args.tracemalloc, profile=args.profile)
        print(json.dumps(measured))
        return 0
    meta = ensure_chain(target, args.entries, args.seed, force=args.force)
    from django.db import connections  # noqa: PLC0415

    connections.close_all()
    command = [
        sys.executable, "-m", "bench.audit_verify", "--measure", "--db", args.db,
        "--entries", str(args.entries), "--data-dir", str(args.data_dir), "--pg-url", args.pg_url,
    ]  # fmt: skip
    if args.tracemalloc:
        command.append("--tracemalloc")
    if args.profile:
        command.append("--profile")
    done = subprocess.run(command, cwd=REPO_DIR, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        print(done.stdout[-3000:], done.stderr[-3000:], sep="\n")
        return done.returncode
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    report(measured, meta, target)
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps({"meta": meta, "measured": measured}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
