"""Case list and access_case for a screened user against an unscreened one, with many screens.

    .venv/bin/python -m bench.screens --db postgres --cases 1000000
    .venv/bin/python -m bench.screens --db sqlite --cases 100000

Builds (or reuses) the synthetic office of bench.generate, copies it into its own scratch
database (`screens-<office label>`: PostgreSQL `CREATE DATABASE ... TEMPLATE`, SQLite backup
API), so the office the other benchmarks use is left without screens, then adds in bulk:

- --staff staff users (2,000) of mixed roles, plus the two measured users, both assistant
  state's attorneys: `bench-screened`, named in --screened-in (50) screens, and `bench-clear`,
  named in none;
- --screens screens in force (10,000), 85% exclusionary and 15% need-to-know, each naming 1-3
  staff and covering 1-5 cases, with their ScreenedPerson and ScreenedCase rows.

**Benchmark data, written straight into the tables** (users with bulk_create, screens with
COPY / executemany): it does not go through evenhand.screening.services and writes no audit
entries. It is not a demo. Every name is an invented combination from bench/names.py.

It then signs both users in with django.test.Client.force_login and, in process, interleaving
all scenarios round by round, times the case list (page 1 and page 100), a search by case
number, and `access_case(user, id)` called directly for ids inside the screened user's
exclusionary screens and ids under no screen. Reports p50/p95 per user, the ratio
screened / unscreened, and SQL queries per request. `--explain` prints EXPLAIN ANALYZE
(PostgreSQL) or EXPLAIN QUERY PLAN (SQLite) of the list page's queries for both users.
Target (reported, never asserted): the screened user's case list p95 within 1.5x the
unscreened user's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import (
    REPO_DIR,
    Target,
    _pg_admin_execute,
    add_target_arguments,
    analyze,
    apply_pending_migrations,
    bulk_insert,
    database_exists,
    drop_database,
    format_table,
    machine_line,
    median,
    percentile,
    read_meta,
    reset_sequences,
    setup_django,
    target_from_args,
    write_meta,
)
from bench.generate import add_size_arguments, sizes_from_args
from bench.names import FIRST_NAMES, LAST_NAMES

# Bump when the shape of the screens data changes, so stale scratch databases are rebuilt.
SCREENS_VERSION = "1"
SCREENED_USERNAME = "bench-screened"
CLEAR_USERNAME = "bench-clear"
TARGET_RATIO = 1.5  # reported, never asserted: screened list p95 within 1.5x the clear user's
HARD_CAP = 1.5  # the timed rounds stop at this multiple of --max-seconds whatever the samples
NEED_TO_KNOW_SHARE = 0.15
# (role value, weight) of the bulk staff; see evenhand.accounts.models.Role.
STAFF_ROLES = (
    ("asa", 60),
    ("investigator", 15),
    ("records_officer", 6),
    ("first_assistant", 2),
    ("ethics_officer", 3),
    ("inspector_general", 2),
    ("auditor", 3),
    ("special_prosecutor", 5),
    ("administrator", 4),
)


def screens_target(args: argparse.Namespace, office_label: str) -> Target:
    return target_from_args(args, f"screens-{office_label}-{args.screens}-{args.staff}")


def _office_target(args: argparse.Namespace, office_label: str) -> Target:
    return target_from_args(args, office_label)


def _generate_office_in_subprocess(args: argparse.Namespace, argv_sizes: list[str]) -> None:
    """bench.generate in its own process (it points Django at the office database)."""
    command = [
        sys.executable, "-m", "bench.generate", "--db", args.db, "--data-dir", str(args.data_dir),
        "--pg-url", args.pg_url, *argv_sizes,
    ]  # fmt: skip
    subprocess.run(command, cwd=REPO_DIR, check=True)


def _copy_office(office: Target, screens: Target) -> None:
    """Clone the office database into the screens database (no Django connection open)."""
    if screens.db == "postgres":
        quoted_new = '"' + screens.pg_dbname.replace('"', "") + '"'
        quoted_old = '"' + office.pg_dbname.replace('"', "") + '"'
        _pg_admin_execute(
            screens,
            [
                f"DROP DATABASE IF EXISTS {quoted_new} WITH (FORCE)",
                f"CREATE DATABASE {quoted_new} TEMPLATE {quoted_old}",
            ],
        )
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{screens.sqlite_path}{suffix}").unlink(missing_ok=True)
    source = sqlite3.connect(office.sqlite_path)
    destination = sqlite3.connect(screens.sqlite_path)
    try:
        source.backup(destination)
    finally:
        destination.close()
        source.close()


def _weighted(rng: random.Random, table: Sequence[tuple[str, int]]) -> str:
    return rng.choices([name for name, _ in table], weights=[weight for _, weight in table])[0]


def add_screens(
    *, cases: int, screens: int, staff: int, screened_in: int, seed: int
) -> dict[str, object]:
    """Staff and screens in bulk into the current (cloned office) database. Returns notes."""
    from django.contrib.auth.hashers import make_password  # noqa: PLC0415
    from django.db import connection, transaction  # noqa: PLC0415

    from evenhand.accounts.models import Role, User  # noqa: PLC0415
    from evenhand.cases.models import Case  # noqa: PLC0415
    from evenhand.screening.models import (  # noqa: PLC0415
        Screen,
        ScreenedCase,
        ScreenedPerson,
        ScreenKind,
    )

    started = time.perf_counter()
    rng = random.Random(seed)
    unusable = make_password(None)
    users = [
        User(
            username=name,
            first_name="Bench",
            last_name=last,
            role=Role.ASSISTANT_STATES_ATTORNEY,
            password=unusable,
        )
        for name, last in ((SCREENED_USERNAME, "Screened"), (CLEAR_USERNAME, "Clear"))
    ]
    users.extend(
        User(
            username=f"staff-{index:04d}",
            first_name=rng.choice(FIRST_NAMES),
            last_name=rng.choice(LAST_NAMES),
            role=_weighted(rng, STAFF_ROLES),
            password=unusable,
        )
        for index in range(1, staff + 1)
    )
    with transaction.atomic():
        created = User.objects.bulk_create(users, batch_size=1000)
    screened_id, clear_id = created[0].pk, created[1].pk
    staff_ids = [user.pk for user in created[2:]]
    ethics = [u.pk for u in created[2:] if u.role == Role.ETHICS_OFFICER] or staff_ids[:1]

    # The newest cases head the list; a few of the screened user's screens cover some of them
    # so that the first page really has cases taken away.
    newest = list(Case.objects.order_by("-received_on", "-id").values_list("id", flat=True)[:25])
    now = dt.datetime.now(dt.UTC)
    screen_rows: list[tuple[object, ...]] = []
    person_rows: list[tuple[object, ...]] = []
    case_rows: list[tuple[object, ...]] = []
    screened_pick = set(rng.sample(range(screens), k=min(screened_in, screens)))
    own_exclusionary_cases: set[int] = set()
    all_screened_cases: set[int] = set()
    first_page_hits = 0
    for index in range(screens):
        screen_id = index + 1
        need_to_know = rng.random() < NEED_TO_KNOW_SHARE
        kind = ScreenKind.NEED_TO_KNOW if need_to_know else ScreenKind.EXCLUSIONARY
        starts = now - dt.timedelta(days=rng.randint(1, 3000), minutes=rng.randrange(1440))
        terms = [f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"] if index % 4 == 0 else []
        screen_rows.append((
            screen_id, str(kind), "Benchmark screen: prior representation of a participant.",
            "You are screened from these cases; do not discuss them.", rng.choice(ethics),
            starts, None, json.dumps(terms), starts, None, None, "",
        ))  # fmt: skip
        named = rng.sample(staff_ids, k=rng.randint(1, 3))
        if index in screened_pick:
            named[0] = screened_id
        for user_id in named:
            person_rows.append((len(person_rows) + 1, screen_id, user_id, starts))
        covered = {rng.randint(1, cases) for _ in range(rng.randint(1, 5))}
        if index in screened_pick and kind == ScreenKind.EXCLUSIONARY and first_page_hits < 3:
            covered.add(newest[first_page_hits * 7 % len(newest)])
            first_page_hits += 1
        for case_id in sorted(covered):
            case_rows.append((len(case_rows) + 1, screen_id, case_id))
        all_screened_cases |= covered
        if index in screened_pick and kind == ScreenKind.EXCLUSIONARY:
            own_exclusionary_cases |= covered
    plan: list[tuple[type[Any], tuple[str, ...], list[tuple[object, ...]]]] = [
        (
            Screen,
            (
                "id", "kind", "reason", "memo", "ordered_by", "starts_at", "ends_at",
                "screened_terms", "created_at", "lifted_at", "lifted_by", "lift_reason",
            ),
            screen_rows,
        ),
        (ScreenedPerson, ("id", "screen", "user", "acknowledged_at"), person_rows),
        (ScreenedCase, ("id", "screen", "case"), case_rows),
    ]  # fmt: skip
    counts: dict[str, int] = {}
    for model, columns, rows in plan:
        with transaction.atomic():
            counts[model.__name__] = bulk_insert(model, columns, rows)
    reset_sequences([Screen, ScreenedPerson, ScreenedCase])
    if connection.vendor == "postgresql":
        # Only the tables written here: the cloned office was analysed by bench.generate.
        tables = [model._meta.db_table for model in (User, Screen, ScreenedPerson, ScreenedCase)]
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(tables))
    else:
        analyze()
    return {
        "screens_version": SCREENS_VERSION,
        "screens": counts["Screen"],
        "screened_persons": counts["ScreenedPerson"],
        "screened_cases": counts["ScreenedCase"],
        "need_to_know_screens": sum(1 for row in screen_rows if row[1] == ScreenKind.NEED_TO_KNOW),
        "staff": staff,
        "screened_user_id": screened_id,
        "clear_user_id": clear_id,
        "screened_user_screens": len(screened_pick),
        "screened_user_exclusionary_cases": json.dumps(sorted(own_exclusionary_cases)),
        "screened_user_first_page_hits": first_page_hits,
        "unscreened_sample": json.dumps(
            sorted(rng.sample(sorted(set(range(1, cases + 1)) - all_screened_cases), k=200))
        ),
        "screens_seconds": round(time.perf_counter() - started, 1),
    }


def ensure_screens(args: argparse.Namespace) -> tuple[Target, dict[str, str]]:
    """Reuse the screens database if it matches, else (re)build office, clone and add screens.
    Leaves Django set up on the screens database."""
    sizes = sizes_from_args(args)
    target = screens_target(args, sizes.label)
    wanted = {
        "screens_version": SCREENS_VERSION,
        "office_label": sizes.label,
        "seed": str(args.seed),
        "screens": str(args.screens),
        "staff": str(args.staff),
        "screened_user_screens": str(args.screened_in),
    }
    exists = database_exists(target)
    setup_django(target)
    if exists and not args.force:
        meta = read_meta()
        if all(meta.get(key) == value for key, value in wanted.items()):
            applied = apply_pending_migrations()
            print(f"reusing {target.describe()} (screens added {meta.get('screens_added_at')})")
            if applied:
                print(f"applied the project's new migrations: {', '.join(applied)}")
            return target, meta
    from django.db import connections  # noqa: PLC0415

    connections.close_all()
    office = _office_target(args, sizes.label)
    argv_sizes = [
        "--cases", str(sizes.cases), "--participants", str(sizes.participants),
        "--charges", str(sizes.charges), "--events-per-case", str(sizes.events_per_case),
        "--seed", str(args.seed),
    ]  # fmt: skip
    if exists:
        drop_database(target)
    print(f"office: {office.describe()} (bench.generate, reused if it matches)")
    _generate_office_in_subprocess(args, argv_sizes)
    started = time.perf_counter()
    _copy_office(office, target)
    print(f"copied the office into {target.describe()} in {time.perf_counter() - started:.1f}s")
    applied = apply_pending_migrations()
    if applied:
        print(f"applied the project's new migrations: {', '.join(applied)}")
    office_meta = read_meta()
    notes: dict[str, object] = dict(office_meta)
    notes.update(
        add_screens(
            cases=int(office_meta["cases"]),
            screens=args.screens,
            staff=args.staff,
            screened_in=args.screened_in,
            seed=args.seed,
        )
    )
    notes.update(wanted)
    notes["office_label"] = sizes.label
    notes["screens_added_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    write_meta(notes)
    print(f"added staff and screens in {notes['screens_seconds']}s")
    return target, {key: str(value) for key, value in notes.items()}


@dataclass
class Scenario:
    key: str  # shared by both users' versions, e.g. "list_p1"
    user: str  # "screened" or "clear"
    label: str
    run: Callable[[random.Random], object]  # performs one request / call
    samples_ns: list[int] = field(default_factory=list)
    spent_ns: int = 0
    queries: int | None = None

    @property
    def samples_ms(self) -> list[float]:
        return [value / 1e6 for value in self.samples_ns]


def _get(client: Any, path: str) -> object:
    response = client.get(path)
    if response.status_code != 200:
        msg = f"GET {path} answered {response.status_code}, expected 200"
        raise RuntimeError(msg)
    return response


def build_scenarios(meta: dict[str, str], rng: random.Random) -> list[Scenario]:
    from django.test import Client  # noqa: PLC0415
    from django.urls import reverse  # noqa: PLC0415

    from evenhand.accounts.models import User  # noqa: PLC0415
    from evenhand.cases.models import Case  # noqa: PLC0415
    from evenhand.screening.policies import CaseNotFoundError, access_case  # noqa: PLC0415

    list_url = reverse("case-list")
    inside = [int(v) for v in json.loads(meta["screened_user_exclusionary_cases"])]
    outside = [int(v) for v in json.loads(meta["unscreened_sample"])]
    numbers = list(Case.objects.filter(pk__in=outside).values_list("number", flat=True))
    scenarios: list[Scenario] = []
    for tag, username in (("screened", SCREENED_USERNAME), ("clear", CLEAR_USERNAME)):
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)

        def page(path: str, c: Any = client) -> Callable[[random.Random], object]:
            return lambda _r: _get(c, path)

        def access(ids: Sequence[int], u: Any = user) -> Callable[[random.Random], object]:
            def call(r: random.Random) -> object:
                try:
                    return access_case(u, r.choice(ids))
                except CaseNotFoundError:
                    return None

            return call

        def search(c: Any = client) -> Callable[[random.Random], object]:
            return lambda r: _get(c, f"{list_url}?q={r.choice(numbers)}")

        scenarios += [
            Scenario("list_p1", tag, "case list, page 1", page(list_url)),
            Scenario("list_p100", tag, "case list, page 100", page(f"{list_url}?page=100")),
            Scenario("search_number", tag, "search q=<case number>", search()),
            Scenario(
                "access_inside",
                tag,
                "access_case, id in bench-screened's exclusionary screens",
                access(inside),
            ),
            Scenario("access_outside", tag, "access_case, id under no screen", access(outside)),
        ]
    return scenarios


def count_queries(scenario: Scenario, rng: random.Random) -> int:
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    scenario.run(rng)  # settle the session first
    with CaptureQueriesContext(connection) as captured:
        scenario.run(rng)
    return len(captured.captured_queries)


def run_timed(
    scenarios: Sequence[Scenario],
    *,
    iterations: int,
    warmup: int,
    max_seconds: float,
    min_samples: int,
    rng: random.Random,
) -> float:
    """Round-robin over every scenario of both users in shuffled order; a scenario that has
    used its share of the time budget and has min_samples sits out the remaining rounds."""
    for _ in range(warmup):
        for scenario in scenarios:
            scenario.run(rng)
    share_ns = max_seconds * 1e9 / len(scenarios)
    started = time.perf_counter()
    for _ in range(iterations):
        if time.perf_counter() - started > HARD_CAP * max_seconds:
            break
        order = list(scenarios)
        rng.shuffle(order)
        active = [s for s in order if s.spent_ns < share_ns or len(s.samples_ns) < min_samples]
        if not active:
            break
        for scenario in active:
            begin = time.perf_counter_ns()
            scenario.run(rng)
            elapsed = time.perf_counter_ns() - begin
            scenario.samples_ns.append(elapsed)
            scenario.spent_ns += elapsed
    return time.perf_counter() - started


def explain_list() -> None:
    """EXPLAIN ANALYZE (PostgreSQL) or EXPLAIN QUERY PLAN (SQLite) of the list page's two
    queries (the Paginator's COUNT and the first page) for both users, as the page runs them."""
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    from evenhand.accounts.models import User  # noqa: PLC0415
    from evenhand.cases.selectors import CaseFilters, case_list  # noqa: PLC0415

    postgres = connection.vendor == "postgresql"
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if postgres else "EXPLAIN QUERY PLAN "
    for username in (SCREENED_USERNAME, CLEAR_USERNAME):
        user = User.objects.get(username=username)
        queryset = case_list(user=user, filters=CaseFilters())
        with CaptureQueriesContext(connection) as captured:
            queryset.count()
            list(queryset[:25])
        for label, query in zip(("count", "page 1"), captured.captured_queries, strict=True):
            print(f"\n--- {username}: {label} ---\n{query['sql']}")
            with connection.cursor() as cursor:
                started = time.perf_counter()
                cursor.execute(prefix + query["sql"])
                rows = cursor.fetchall()
                elapsed = (time.perf_counter() - started) * 1000
            for row in rows:
                print("  " + " | ".join(str(value) for value in row))
            print(f"  ({elapsed:.1f} ms including EXPLAIN)")


def report(scenarios: Sequence[Scenario], elapsed: float) -> dict[str, object]:
    by_key: dict[str, dict[str, Scenario]] = {}
    for scenario in scenarios:
        by_key.setdefault(scenario.key, {})[scenario.user] = scenario
    rows = []
    figures: dict[str, object] = {}
    for key, pair in by_key.items():
        screened, clear = pair["screened"], pair["clear"]
        s50, s95 = median(screened.samples_ms), percentile(screened.samples_ms, 95)
        c50, c95 = median(clear.samples_ms), percentile(clear.samples_ms, 95)
        rows.append((
            screened.label, f"{len(screened.samples_ns)}/{len(clear.samples_ns)}",
            f"{s50:.2f}", f"{s95:.2f}", f"{c50:.2f}", f"{c95:.2f}",
            f"{s50 / c50:.2f}x", f"{s95 / c95:.2f}x", f"{screened.queries}/{clear.queries}",
        ))  # fmt: skip
        figures[key] = {
            "screened": {"n": len(screened.samples_ns), "p50_ms": s50, "p95_ms": s95,
                         "queries": screened.queries},
            "clear": {"n": len(clear.samples_ns), "p50_ms": c50, "p95_ms": c95,
                      "queries": clear.queries},
        }  # fmt: skip
    header = (
        "scenario", "n scr/clr", "screened p50", "screened p95", "clear p50", "clear p95",
        "p50 ratio", "p95 ratio", "queries scr/clr",
    )  # fmt: skip
    print(format_table(header, rows))
    print(f"timed rounds: {elapsed:.0f}s")
    ratio = percentile(by_key["list_p1"]["screened"].samples_ms, 95) / percentile(
        by_key["list_p1"]["clear"].samples_ms, 95
    )
    verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
    print(
        f"Target: screened case list (page 1) p95 within {TARGET_RATIO}x the clear user's. "
        f"Result: {ratio:.2f}x, {verdict}."
    )
    figures["list_p1_p95_ratio"] = ratio
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    add_target_arguments(parser)
    add_size_arguments(parser)
    parser.add_argument("--screens", type=int, default=10_000, help="screens in force (10000)")
    parser.add_argument("--staff", type=int, default=2_000, help="bulk staff users (2000)")
    parser.add_argument(
        "--screened-in", type=int, default=50, help="screens naming bench-screened (50)"
    )
    parser.add_argument("--iterations", type=int, default=300, help="rounds at most (300)")
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--max-seconds", type=float, default=300.0, help="time budget (300)")
    parser.add_argument("--min-samples", type=int, default=5)
    parser.add_argument("--explain", action="store_true", help="EXPLAIN the list queries")
    parser.add_argument("--force", action="store_true", help="rebuild the screens database")
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args(argv)
    run_started = time.perf_counter()
    target, meta = ensure_screens(args)
    print(machine_line())
    print(
        f"{target.describe()}: {meta['cases']} cases, {meta['screens']} screens "
        f"({meta['need_to_know_screens']} need-to-know), {meta['screened_persons']} screened "
        f"persons, {meta['screened_cases']} screened cases, {meta['staff']} staff; "
        f"{SCREENED_USERNAME} named in {meta['screened_user_screens']} screens "
        f"({len(json.loads(meta['screened_user_exclusionary_cases']))} cases walled off, "
        f"{meta['screened_user_first_page_hits']} of them on the clear user's first page)"
    )
    rng = random.Random(args.seed)
    scenarios = build_scenarios(meta, rng)
    for scenario in scenarios:
        scenario.queries = count_queries(scenario, rng)
    if args.explain:
        explain_list()
    elapsed = run_timed(
        scenarios,
        iterations=args.iterations,
        warmup=args.warmup,
        max_seconds=args.max_seconds,
        min_samples=args.min_samples,
        rng=rng,
    )
    figures = report(scenarios, elapsed)
    print(f"whole run: {time.perf_counter() - run_started:.0f}s")
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        figures["machine"] = machine_line()
        figures["database"] = target.describe()
        args.json_out.write_text(json.dumps(figures, indent=2, default=str) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
