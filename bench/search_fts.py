"""Full-text search over many case messages: p95 of typical queries through `search_records`.

    .venv/bin/python -m bench.search_fts --db sqlite --messages 1000000 --index-by reindex
    .venv/bin/python -m bench.search_fts --db postgres --messages 1000000 --index-by reindex

Generates (once, reused afterwards) 2,000 cases and N messages, 60 % of them tagged to a case,
with bodies drawn from a Zipf-like vocabulary of case words, invented names and filler, so some
words are in most messages and some in a handful. `--index-by triggers` builds the index by
the database triggers as the rows go in (tags are written before their messages, which the
deferred foreign keys allow, so each message is indexed once); `--index-by reindex` loads with
the index triggers off (PostgreSQL: session_replication_role; SQLite, which has no such
switch: the triggers are dropped and put back) and runs `search reindex` once, much faster.
`--load-only` stops after loading; `--measure-only` times the database as it stands.

Then it times the whole `search_records` call (policy, sealing, ranking or newest-first order,
the access checks on the head of the order, one page of highlighted snippets, the count and
the audit entry) for a records officer (sees every message) and an ASA (only their own), over
query kinds from a rare surname to a word in most messages. Baselines in the same run: `SELECT
1` round trips and a policy-checked case lookup, so a busy machine shows up as a slower
baseline. Target: p95 under 100 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from bench.common import (
    add_target_arguments,
    analyze,
    apply_pending_migrations,
    bulk_insert,
    database_exists,
    format_table,
    load_line,
    machine_line,
    percentile,
    read_meta,
    recreate_database,
    setup_django,
    target_from_args,
    write_meta,
)
from bench.names import FIRST_NAMES, LAST_NAMES

if TYPE_CHECKING:
    from evenhand.search.selectors import SearchResults

CASES = 2_000
COMMON = [
    "the",
    "hearing",
    "status",
    "please",
    "call",
    "file",
    "witness",
    "list",
    "notes",
    "meeting",
    "detectives",
    "report",
    "defence",
    "motion",
    "continuance",
    "court",
    "date",
    "evidence",
    "lab",
    "results",
    "bond",
]
MEDIUM = [
    "surveillance",
    "footage",
    "rideshare",
    "receipt",
    "subpoena",
    "grand",
    "jury",
    "indictment",
    "plea",
    "diversion",
    "restitution",
    "sentencing",
    "probation",
    "warrant",
    "affidavit",
    "transcript",
    "exhibit",
]
START = dt.datetime(2015, 1, 1, tzinfo=dt.UTC)


def _body(rng: random.Random, names: Sequence[str]) -> str:
    words = [rng.choice(COMMON) for _ in range(rng.randint(14, 30))]
    for _ in range(rng.randint(1, 3)):
        words.insert(rng.randrange(len(words)), rng.choice(MEDIUM))
    if rng.random() < 0.5:
        words.insert(rng.randrange(len(words)), rng.choice(names))
    return " ".join(words)


def generate(messages: int, seed: int, *, index_by: str) -> dict[str, object]:
    from django.db import connection, transaction  # noqa: PLC0415

    from evenhand.accounts.models import Role  # noqa: PLC0415
    from evenhand.accounts.services import user_create  # noqa: PLC0415
    from evenhand.cases.models import Case  # noqa: PLC0415
    from evenhand.comms.models import Message, MessageCase, Thread  # noqa: PLC0415

    rng = random.Random(seed)
    users = [
        user_create(
            actor=None,
            username=f"bench{n}",
            password="bench-only-password-42",  # noqa: S106  (a scratch database)
            role=Role.RECORDS_OFFICER if n == 0 else Role.ASSISTANT_STATES_ATTORNEY,
            first_name=FIRST_NAMES[n % len(FIRST_NAMES)],
            last_name=LAST_NAMES[n % len(LAST_NAMES)],
        )
        for n in range(40)
    ]
    names = [f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" for _ in range(20_000)]
    now = dt.datetime.now(tz=dt.UTC)
    with transaction.atomic():
        bulk_insert(
            Case,
            [
                "id",
                "number",
                "title",
                "status",
                "received_on",
                "summary",
                "special_prosecution",
                "created_at",
                "updated_at",
            ],
            (
                (
                    n,
                    f"2019-CR-{n:06d}",
                    f"People v. {names[n]}",
                    "charged",
                    (START + dt.timedelta(days=n % 3000)).date(),
                    _body(rng, names),
                    "none",
                    now,
                    now,
                )
                for n in range(1, CASES + 1)
            ),
        )
        threads = max(1, messages // 10)
        bulk_insert(
            Thread,
            ["id", "subject", "created_by_id", "created_at"],
            (
                (n, f"About {rng.choice(MEDIUM)} {n}", users[n % 40].pk, now)
                for n in range(1, threads + 1)
            ),
        )
    started = time.perf_counter()
    if index_by == "reindex" and connection.vendor == "sqlite":
        _sqlite_index_triggers(install=False)
    chunk = 50_000
    for first in range(1, messages + 1, chunk):
        last = min(messages, first + chunk - 1)
        with transaction.atomic():
            if index_by == "reindex" and connection.vendor == "postgresql":
                # Load without firing triggers; the index is rebuilt below.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL session_replication_role = replica")
            # Tags first: the message's index row is then written once, complete.
            bulk_insert(
                MessageCase,
                ["message_id", "case_id"],
                ((n, 1 + (n * 7919) % CASES) for n in range(first, last + 1) if n % 5 < 3),
            )
            bulk_insert(
                Message,
                [
                    "id",
                    "thread_id",
                    "sender_id",
                    "body",
                    "sent_at",
                    "status",
                    "screening_note",
                    "review_note",
                ],
                (
                    (
                        n,
                        1 + n % threads,
                        users[n % 40].pk,
                        _body(rng, names),
                        START + dt.timedelta(minutes=n * 3),
                        "delivered",
                        "",
                        "",
                    )
                    for n in range(first, last + 1)
                ),
            )
        print(f"  {last:,} messages indexed, {time.perf_counter() - started:.0f} s", flush=True)
    if index_by == "reindex":
        from evenhand.search.services import search_reindex  # noqa: PLC0415

        reindex_started = time.perf_counter()
        search_reindex(actor=None)
        if connection.vendor == "sqlite":
            _sqlite_index_triggers(install=True)
        print(f"  reindexed in {time.perf_counter() - reindex_started:.0f} s", flush=True)
    analyze()
    return {
        "messages": messages,
        "index_seconds": round(time.perf_counter() - started, 1),
        "index_by": index_by,
    }


def _sqlite_index_triggers(*, install: bool) -> None:
    """Drop (or put back) the index triggers on SQLite, which has no switch to suspend them:
    the index and its FTS5 table are then rebuilt once by `search reindex` (whose FTS5
    'rebuild' re-reads the whole content table), instead of row by row during the load."""
    from django.db import connection  # noqa: PLC0415

    from evenhand.search import triggers  # noqa: PLC0415

    fts_sync = triggers.SQLITE_FTS[1:]  # the first statement creates the FTS5 table itself
    if install:
        statements = [*fts_sync, *triggers.sqlite_triggers()]
    else:
        statements = [*triggers.sqlite_drop(), *triggers.SQLITE_FTS_DROP[:3]]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


QUERIES: dict[str, Callable[[random.Random], str]] = {
    "rare surname": lambda rng: rng.choice(LAST_NAMES),
    "full name": lambda rng: f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
    "medium word": lambda rng: rng.choice(MEDIUM),
    "two words": lambda rng: f"{rng.choice(MEDIUM)} {rng.choice(MEDIUM)}",
    'phrase "grand jury"': lambda _rng: '"grand jury"',
    "common word": lambda rng: rng.choice(COMMON),
}


def _timed(function: Callable[[], object], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def _rows(runs: int, seed: int) -> Iterator[list[object]]:
    from django.db import connection  # noqa: PLC0415

    from evenhand.accounts.models import User  # noqa: PLC0415
    from evenhand.screening.policies import visible_cases  # noqa: PLC0415
    from evenhand.search.selectors import SearchFilters, search_records  # noqa: PLC0415

    def select_one() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()

    base = _timed(select_one, runs * 5)
    yield [
        "baseline: SELECT 1",
        "-",
        f"{percentile(base, 50):.2f}",
        f"{percentile(base, 95):.2f}",
        "-",
        "-",
    ]
    officer = User.objects.get(username="bench0")
    policy = _timed(lambda: visible_cases(officer).filter(pk=1).exists(), runs * 2)
    yield [
        "baseline: policy-checked",
        "case lookup",
        f"{percentile(policy, 50):.2f}",
        f"{percentile(policy, 95):.2f}",
        "-",
        "-",
    ]
    for username, label in (("bench0", "records officer"), ("bench1", "ASA")):
        user = User.objects.get(username=username)
        for name, make in QUERIES.items():
            rng = random.Random(seed)
            outcomes: list[SearchResults] = []

            def one(
                make: Callable[[random.Random], str] = make,
                rng: random.Random = rng,
                user: User = user,
                outcomes: list[SearchResults] = outcomes,
            ) -> None:
                outcomes.append(search_records(user=user, query=make(rng), filters=SearchFilters()))

            one()  # warm the page cache for this query shape
            samples = _timed(one, runs)
            yield [
                label,
                name,
                f"{percentile(samples, 50):.1f}",
                f"{percentile(samples, 95):.1f}",
                _totals(outcomes[1:]),
                "/".join(sorted({"newest" if out.newest_first else "rank" for out in outcomes})),
            ]


def _totals(outcomes: Sequence[SearchResults]) -> str:
    """Mean exact total, or "> N" when some of the runs only know a lower bound."""
    lower_bounds = [out.total for out in outcomes if out.total_is_lower_bound]
    exact = [out.total for out in outcomes if not out.total_is_lower_bound]
    parts = []
    if exact:
        parts.append(f"{sum(exact) / len(exact):,.0f}")
    if lower_bounds:
        parts.append(f"> {min(lower_bounds):,} ({len(lower_bounds)}/{len(outcomes)} runs)")
    return "; ".join(parts)


def _migrate_reused() -> None:
    """The project moves on while the data stays: bring the schema up to date first."""
    applied = apply_pending_migrations()
    if applied:
        print(f"applied migrations to the reused database: {', '.join(applied)}", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_target_arguments(parser)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument("--force", action="store_true")
    parser.add_argument(
        "--measure-only",
        action="store_true",
        help="time the queries on the scratch database as it is (e.g. a load cut short), "
        "reporting the number of messages it actually holds",
    )
    parser.add_argument(
        "--load-only",
        action="store_true",
        help="generate the scratch database (if needed) and stop before timing the queries",
    )
    parser.add_argument(
        "--index-by",
        choices=("triggers", "reindex"),
        default="triggers",
        help="reindex: bulk-load with the index triggers off, then `search reindex` once",
    )
    args = parser.parse_args(argv)
    target = target_from_args(args, f"search-{args.messages}")
    setup_django(target)
    meta = read_meta() if database_exists(target) and not args.force else {}
    if args.measure_only:
        from evenhand.comms.models import Message  # noqa: PLC0415

        _migrate_reused()
        meta = {**meta, "messages": str(Message.objects.count())}
        meta.setdefault("index_seconds", "n/a (load cut short)")
    elif meta.get("messages") != str(args.messages):
        print(f"generating {args.messages:,} messages into {target.describe()} …", flush=True)
        recreate_database(target)
        generated = generate(args.messages, args.seed, index_by=args.index_by)
        write_meta(generated)
        meta = {key: str(value) for key, value in generated.items()}
    else:
        _migrate_reused()
    if args.load_only:
        return 0
    print(machine_line())
    print(load_line())
    print(
        f"{target.describe()}: {meta['messages']} messages, loaded and indexed (by "
        f"{meta.get('index_by', 'triggers')}) in {meta['index_seconds']} s"
    )
    rows: list[Sequence[object]] = list(_rows(args.runs, args.seed))
    print(format_table(["searcher", "query", "p50 ms", "p95 ms", "total hits", "order"], rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
