"""Overdue-terms list page and eligibility evaluation over 100k active programme participants.

    .venv/bin/python -m bench.dispositions --db sqlite --participants 100000
    .venv/bin/python -m bench.dispositions --db postgres --participants 100000

Builds (or reuses) its own scratch database `dispositions-<participants>`: one case per
participant, each with one defendant charged with one to three counts of a ruleset statute, an
active enrolment in a ruleset programme, and three terms (community service, restitution, a
no-contact condition) whose due dates spread from two years ago to two years ahead, so about
half are overdue. Ten per cent of the defendants also have an earlier case with a conviction, so
the prior-record rule finds something.

**Benchmark data, written straight into the tables** with COPY / executemany: it does not go
through the audited services and writes no audit entries. It is not a demo. Every name is an
invented combination from bench/names.py.

It signs in one assistant state's attorney with django.test.Client.force_login and, round by
round, times: the trivial view (baseline), the overdue list (first page, and 10,000 rows in
by its cursor), the due-soon list, and `eligibility_evaluate` for a random participant
(called directly, as the enrolment page and the API do). Reports p50/p95, the ratio to the
trivial view and SQL queries per call.
Target (reported, never asserted): list page p95 under 100 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import time
from collections.abc import Callable, Sequence
from typing import Any

from bench.common import (
    Target,
    add_target_arguments,
    analyze,
    apply_pending_migrations,
    bulk_insert,
    database_exists,
    format_table,
    machine_line,
    median,
    percentile,
    read_meta,
    recreate_database,
    reset_sequences,
    setup_django,
    target_from_args,
    write_meta,
)
from bench.names import FIRST_NAMES, LAST_NAMES

DISPOSITIONS_VERSION = "1"
USERNAME = "bench-dispositions"
TARGET_MS = 100.0
PRIOR_SHARE = 0.10
TODAY = dt.date(2026, 6, 1)
# Kept on the scale of a real docket: a participant's terms fall due within two years.
DUE_SPREAD_DAYS = 730
DEEP_ROWS = 10_000


def _target(args: argparse.Namespace) -> Target:
    return target_from_args(args, f"dispositions-{args.participants}")


def generate(participants: int, seed: int) -> dict[str, object]:
    """Write the office in bulk into the current (fresh) database."""
    from django.contrib.auth.hashers import make_password  # noqa: PLC0415
    from django.db import transaction  # noqa: PLC0415

    from evenhand.accounts.models import Role, User  # noqa: PLC0415
    from evenhand.cases.models import Case, Charge, Participant, Person  # noqa: PLC0415
    from evenhand.dispositions.models import ChargeDisposition, Enrolment, Term  # noqa: PLC0415
    from evenhand.jurisdictions.ruleset import active_ruleset  # noqa: PLC0415

    rng = random.Random(seed)
    ruleset = active_ruleset()
    statutes = list(ruleset.statutes.values())
    programmes = list(ruleset.programmes)
    started = time.perf_counter()
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with transaction.atomic():
        user = User.objects.create(
            username=USERNAME,
            password=make_password("bench-only-password-1"),
            role=Role.ASSISTANT_STATES_ATTORNEY,
            first_name="Bench",
            last_name="Prosecutor",
        )
        priors = int(participants * PRIOR_SHARE)
        total_cases = participants + priors
        bulk_insert(
            Person,
            ["id", "first_name", "last_name", "middle_name", "created_at"],
            (
                (i, rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES), "", now)
                for i in range(1, participants + 1)
            ),
        )
        received = [TODAY - dt.timedelta(days=rng.randint(400, 2000)) for _ in range(total_cases)]
        bulk_insert(
            Case,
            [
                "id", "number", "title", "status", "received_on", "summary",
                "special_prosecution", "created_at", "updated_at",
            ],
            (
                (i, f"B{i:08d}", f"People v. Bench {i}", "charged", received[i - 1], "", "none",
                 now, now)
                for i in range(1, total_cases + 1)
            ),
        )  # fmt: skip
        # Participant i is the defendant of case i; prior case participants+k is person k's.
        bulk_insert(
            Participant,
            ["id", "case_id", "person_id", "role", "added_at"],
            (
                (i, i, i if i <= participants else i - participants, "defendant", now)
                for i in range(1, total_cases + 1)
            ),
        )
        charge_rows: list[tuple[object, ...]] = []
        for i in range(1, total_cases + 1):
            statute = rng.choice(statutes)
            for count in range(1, rng.randint(1, 3) + 1):
                charge_rows.append(
                    (len(charge_rows) + 1, i, i, statute.key, statute.display, statute.title,
                     statute.offense_class, count, 1, True, received[i - 1], now, user.pk)
                )  # fmt: skip
        bulk_insert(
            Charge,
            [
                "id", "case_id", "participant_id", "statute_key", "citation", "offense_title",
                "offense_class", "count_number", "version", "is_current", "filed_on",
                "created_at", "created_by_id",
            ],
            charge_rows,
        )  # fmt: skip
        prior_charges = [row for row in charge_rows if int(str(row[1])) > participants]
        bulk_insert(
            ChargeDisposition,
            [
                "charge_id", "kind", "disposed_on", "performed_consideration", "conditions",
                "note", "is_current", "version", "recorded_by_id", "recorded_at", "updated_at",
            ],
            (
                (row[0], "plea_as_charged", row[10], False, "", "", True, 1, user.pk, now, now)
                for row in prior_charges
            ),
        )  # fmt: skip
        starts = [TODAY - dt.timedelta(days=rng.randint(30, 700)) for _ in range(participants)]
        bulk_insert(
            Enrolment,
            [
                "id", "case_id", "participant_id", "programme", "status", "starts_on", "ends_on",
                "consent_state_attorney", "consent_defendant", "consent_victim",
                "prior_record_attestation", "eligibility", "eligibility_override_reason",
                "outcome_note", "version", "created_by_id", "created_at", "updated_at",
            ],
            (
                (i, i, i, rng.choice(programmes), "active", starts[i - 1],
                 starts[i - 1] + dt.timedelta(days=DUE_SPREAD_DAYS + 400), "given", "given",
                 "unknown", "", "[]", "", "", 1, user.pk, now, now)
                for i in range(1, participants + 1)
            ),
        )  # fmt: skip
        term_rows = []
        for i in range(1, participants + 1):
            for kind, amount in (
                ("community_service", 30),
                ("restitution", 500),
                ("no_contact", None),
            ):
                due = TODAY + dt.timedelta(days=rng.randint(-DUE_SPREAD_DAYS, DUE_SPREAD_DAYS))
                term_rows.append(
                    (i, kind, amount, rng.choice([0, 5, 10]), "", due, "open", 0, 1, now, now)
                )  # fmt: skip
        bulk_insert(
            Term,
            [
                "enrolment_id", "kind", "required_amount", "completed_amount", "detail",
                "due_on", "status", "violations", "version", "created_at", "updated_at",
            ],
            term_rows,
        )  # fmt: skip
    reset_sequences([Person, Case, Participant, Charge, ChargeDisposition, Enrolment, Term])
    analyze()
    return {
        "dispositions_version": DISPOSITIONS_VERSION,
        "participants": participants,
        "seed": seed,
        "terms": len(term_rows),
        "charges": len(charge_rows),
        "generate_seconds": round(time.perf_counter() - started, 1),
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def ensure(target: Target, participants: int, seed: int, *, force: bool) -> dict[str, str]:
    if not force and database_exists(target):
        meta = read_meta()
        if meta.get("dispositions_version") == DISPOSITIONS_VERSION and meta.get(
            "participants"
        ) == str(participants):
            apply_pending_migrations()
            print(f"reusing {target.describe()} (generated {meta.get('generated_at')})")
            return meta
    print(f"generating {participants} participants into {target.describe()} ...")
    recreate_database(target)
    notes = generate(participants, seed)
    write_meta(notes)
    print(f"generated in {notes['generate_seconds']}s")
    return {key: str(value) for key, value in notes.items()}


def _timed(call: Callable[[], object]) -> tuple[float, int]:
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        call()
        elapsed = (time.perf_counter() - started) * 1000
    return elapsed, len(queries.captured_queries)


def run(args: argparse.Namespace) -> dict[str, Any]:
    import time_machine  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415

    from evenhand.accounts.models import User  # noqa: PLC0415
    from evenhand.dispositions.selectors import (  # noqa: PLC0415
        eligibility_evaluate,
        overdue_terms,
    )
    from evenhand.jurisdictions.ruleset import active_ruleset  # noqa: PLC0415

    user = User.objects.get(username=USERNAME)
    client = Client()
    client.force_login(user)
    rng = random.Random(args.seed + 1)
    programmes = list(active_ruleset().programmes)

    def page(path: str) -> Callable[[], object]:
        def call() -> object:
            response = client.get(path)
            if response.status_code != 200:
                msg = f"{path} answered {response.status_code}"
                raise RuntimeError(msg)
            return response

        return call

    def eligibility() -> object:
        participant = rng.randint(1, args.participants)
        return eligibility_evaluate(
            user=user,
            case_id=participant,
            participant_id=participant,
            programme_code=rng.choice(programmes),
            consents={"state_attorney": "given", "defendant": "given"},
            starts_on=TODAY,
            ends_on=TODAY + dt.timedelta(days=400),
        )

    with time_machine.travel(dt.datetime.combine(TODAY, dt.time(15), tzinfo=dt.UTC)):
        deep = overdue_terms(user=user, today=TODAY)[DEEP_ROWS - 1]
    scenarios: dict[str, Callable[[], object]] = {
        "trivial view": page("/bench/trivial/"),
        "overdue list, first page": page("/terms/overdue/"),
        f"overdue list, after {DEEP_ROWS:,} rows": page(
            f"/terms/overdue/?after={deep.due_on.isoformat()}.{deep.pk}"
        ),
        "due-soon list, first page": page("/terms/due-soon/"),
        "eligibility evaluation": eligibility,
    }
    samples: dict[str, list[float]] = {name: [] for name in scenarios}
    queries: dict[str, int] = {}
    with time_machine.travel(dt.datetime.combine(TODAY, dt.time(15), tzinfo=dt.UTC), tick=True):
        for call in scenarios.values():  # warm-up
            call()
        for _ in range(args.iterations):
            for name, call in scenarios.items():
                elapsed, count = _timed(call)
                samples[name].append(elapsed)
                queries[name] = count
    baseline = percentile(samples["trivial view"], 95)
    rows = []
    figures: dict[str, Any] = {}
    for name, values in samples.items():
        p95 = percentile(values, 95)
        figures[name] = {"p50_ms": median(values), "p95_ms": p95, "queries": queries[name]}
        rows.append(
            (
                name,
                f"{median(values):.1f}",
                f"{p95:.1f}",
                f"{p95 / baseline:.1f}x",
                queries[name],
                "" if name == "trivial view" else ("yes" if p95 < TARGET_MS else "NO"),
            )
        )
    print(
        format_table(
            ["scenario", "p50 ms", "p95 ms", "p95 / trivial", "queries", "p95 < 100 ms"], rows
        )
    )
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    add_target_arguments(parser)
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--iterations", type=int, default=60)
    parser.add_argument("--seed", type=int, default=20190326)
    parser.add_argument("--force", action="store_true")
    parser.add_argument("--json-out", type=str, default="")
    args = parser.parse_args(argv)
    target = _target(args)
    setup_django(target)
    meta = ensure(target, args.participants, args.seed, force=args.force)
    print(machine_line())
    print(
        f"{target.describe()}: {meta.get('participants')} participants, {meta.get('terms')} terms"
    )
    figures = run(args)
    if args.json_out:
        with open(args.json_out, "w", encoding="utf-8") as handle:
            json.dump({"meta": meta, "figures": figures}, handle, indent=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
