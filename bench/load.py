"""Load test: gunicorn on PostgreSQL, 50 concurrent users of mixed traffic for 60 seconds.

    .venv/bin/python -m bench.load                      # build the office, then measure
    .venv/bin/python -m bench.load --reuse              # measure the office built last time

The office is the demo (SCENARIO cast and case) plus `--generated` fictional cases, in the
PostgreSQL database `evenhand_bench_load`, served by gunicorn with the project's
`evenhand.config.gunicorn_conf` on loopback. Each virtual user holds its own signed-in session
(prosecutor accounts of the cast) and a keep-alive connection, and picks requests from a fixed
mix: case list, case page, search, messages inbox, and API list/detail calls.

The same stack first serves the trivial view (`bench/views.py:trivial`: session and user
look-ups, a few bytes) to the same number of users; the mixed run's throughput is reported as a
ratio to it. Bounded in time (`--duration`) and in requests (`--max-requests`). No assertion:
the figures and whether each target was met are printed and can be written as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import requests

from bench.common import (
    DEFAULT_PG_URL,
    REPO_DIR,
    Target,
    code_version,
    format_table,
    load_line,
    machine_line,
    percentile,
    setup_django,
)

PASSWORD = "bench-load-password-1"  # noqa: S105 (fictional demo accounts on loopback)
USERS = ("praman", "mkeogh")
TARGET_P99_MS = 300.0


@dataclass
class Samples:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)
    total: int = 0

    def add(self, kind: str, seconds: float, ok: bool) -> None:
        with self.lock:
            self.total += 1
            self.latencies[kind].append(seconds * 1000)
            if not ok:
                self.errors[kind] += 1


def _evenhand(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "evenhand.cli", *args], env=env, cwd=REPO_DIR, check=True)


def build_office(database_url: str, admin_url: str, dbname: str, generated: int) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{dbname}"')
    env = _server_env(database_url)
    _evenhand(env, "migrate", "--no-input", "-v0")
    _evenhand(env, "demo", "--password", PASSWORD, "--generated", str(generated))


def _server_env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "BENCH_DB": "postgres",
        "BENCH_DATABASE_URL": database_url,
        "EVENHAND_REQUIRE_OTP": "false",
        "EVENHAND_ACCESS_LOG": os.devnull,
        "PYTHONPATH": str(REPO_DIR),
    }


def _workload(database_url: str) -> tuple[list[int], list[str]]:
    with psycopg.connect(database_url) as conn:
        case_ids = [row[0] for row in conn.execute("SELECT id FROM cases_case ORDER BY id")]
        names = [
            row[0]
            for row in conn.execute(
                "SELECT DISTINCT last_name FROM cases_person ORDER BY last_name LIMIT 200"
            )
        ]
    return case_ids, names


def _log_in(base: str, username: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/login/", timeout=30).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if token is None:
        msg = "no CSRF token on the login page"
        raise RuntimeError(msg)
    response = session.post(
        f"{base}/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token[1]},
        headers={"Referer": f"{base}/login/"},
        timeout=30,
    )
    if "sessionid" not in session.cookies or response.status_code != 200:
        msg = f"could not sign in as {username}: HTTP {response.status_code}"
        raise RuntimeError(msg)
    return session


def _mixed_request(rng: random.Random, case_ids: list[int], names: list[str]) -> tuple[str, str]:
    pick = rng.random()
    if pick < 0.25:
        return "case list", f"/cases/?page={rng.randint(1, 5)}"
    if pick < 0.50:
        return "case page", f"/cases/{rng.choice(case_ids)}/"
    if pick < 0.65:
        return "search", f"/cases/?q={rng.choice(names)}"
    if pick < 0.75:
        return "messages", "/messages/"
    if pick < 0.88:
        return "api list", f"/api/cases?page={rng.randint(1, 5)}"
    return "api case", f"/api/cases/{rng.choice(case_ids)}"


def run_phase(
    base: str,
    sessions: list[requests.Session],
    *,
    duration: float,
    max_requests: int,
    mixed: bool,
    case_ids: list[int],
    names: list[str],
) -> tuple[Samples, float]:
    samples = Samples()
    deadline = time.monotonic() + duration
    budget = threading.Semaphore(max_requests)

    def user(index: int) -> None:
        rng = random.Random(index)
        session = sessions[index]
        while time.monotonic() < deadline and budget.acquire(blocking=False):
            kind, path = (
                _mixed_request(rng, case_ids, names) if mixed else ("trivial", "/bench/trivial/")
            )
            started = time.perf_counter()
            try:
                response = session.get(base + path, timeout=30, allow_redirects=False)
                ok = response.status_code == 200
            except requests.RequestException:
                ok = False
            samples.add(kind, time.perf_counter() - started, ok)

    threads = [threading.Thread(target=user, args=(i,)) for i in range(len(sessions))]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples, time.monotonic() - started


def _rows(samples: Samples, elapsed: float) -> list[list[object]]:
    rows: list[list[object]] = []
    everything: list[float] = []
    for kind in sorted(samples.latencies):
        values = samples.latencies[kind]
        everything += values
        rows.append(
            [
                kind,
                len(values),
                samples.errors[kind],
                f"{percentile(values, 50):.1f}",
                f"{percentile(values, 95):.1f}",
                f"{percentile(values, 99):.1f}",
            ]
        )
    rows.append(
        [
            "all",
            len(everything),
            sum(samples.errors.values()),
            f"{percentile(everything, 50):.1f}",
            f"{percentile(everything, 95):.1f}",
            f"{percentile(everything, 99):.1f}",
        ]
    )
    rows.append(["throughput req/s", f"{len(everything) / elapsed:.1f}", "", "", "", ""])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--baseline-duration", type=float, default=20.0)
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--generated", type=int, default=2000, help="fictional cases to add")
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: conf)")
    parser.add_argument("--threads", type=int, default=0, help="gunicorn threads per worker")
    parser.add_argument("--reuse", action="store_true", help="measure the office built last time")
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args()

    dbname = Target(db="postgres", name="load").pg_dbname
    database_url = f"{args.pg_url.rstrip('/')}/{dbname}"
    admin_url = f"{args.pg_url.rstrip('/')}/postgres"
    if not args.reuse:
        print(f"building the office in {dbname} ({args.generated} generated cases)...")
        build_office(database_url, admin_url, dbname, args.generated)
    case_ids, names = _workload(database_url)
    setup_django(Target(db="postgres", name="load", pg_url=args.pg_url))

    port = 18000 + os.getpid() % 1000
    base = f"http://127.0.0.1:{port}"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        "python:evenhand.config.gunicorn_conf",
        "--bind",
        f"127.0.0.1:{port}",
    ]
    if args.workers:
        command += ["--workers", str(args.workers)]
    if args.threads:
        command += ["--threads", str(args.threads)]
    server = subprocess.Popen(command, env=_server_env(database_url), cwd=REPO_DIR)
    try:
        for _ in range(120):
            try:
                if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.5)
        sessions = [_log_in(base, USERS[i % len(USERS)]) for i in range(args.users)]
        print(machine_line())
        print(f"code: {code_version()}; {load_line()}")
        print(f"{len(case_ids)} cases; {args.users} users; gunicorn {' '.join(command[3:])}")
        baseline, baseline_elapsed = run_phase(
            base,
            sessions,
            duration=args.baseline_duration,
            max_requests=args.max_requests,
            mixed=False,
            case_ids=case_ids,
            names=names,
        )
        mixed, mixed_elapsed = run_phase(
            base,
            sessions,
            duration=args.duration,
            max_requests=args.max_requests,
            mixed=True,
            case_ids=case_ids,
            names=names,
        )
    finally:
        server.terminate()
        server.wait(timeout=60)

    header = ["requests", "n", "errors", "p50 ms", "p95 ms", "p99 ms"]
    print("\nTrivial view (baseline), same stack, same users:")
    print(format_table(header, _rows(baseline, baseline_elapsed)))
    print("\nMixed traffic:")
    print(format_table(header, _rows(mixed, mixed_elapsed)))
    all_mixed = [value for values in mixed.latencies.values() for value in values]
    errors = sum(mixed.errors.values())
    p99 = percentile(all_mixed, 99)
    throughput = len(all_mixed) / mixed_elapsed
    baseline_throughput = sum(len(v) for v in baseline.latencies.values()) / baseline_elapsed
    ratio = throughput / baseline_throughput
    print(
        f"\nThroughput {throughput:.1f} req/s = {ratio:.2f}x the trivial view's "
        f"{baseline_throughput:.1f} req/s."
    )
    print(f"Target zero errors: {'met' if errors == 0 else f'NOT met ({errors} errors)'}.")
    met = "met" if p99 < TARGET_P99_MS else "NOT met"
    print(f"Target p99 under {TARGET_P99_MS:.0f} ms: {met} ({p99:.1f} ms).")
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(
            json.dumps(
                {
                    "baseline": dict(baseline.latencies),
                    "mixed": dict(mixed.latencies),
                    "errors": dict(mixed.errors),
                    "throughput": throughput,
                    "baseline_throughput": baseline_throughput,
                },
                indent=1,
            )
        )


if __name__ == "__main__":
    main()
