"""Load test: gunicorn on PostgreSQL, 50 concurrent users of mixed traffic for 60 seconds.

    .venv/bin/python -m bench.load --generated 2000     # build the office, then measure
    .venv/bin/python -m bench.load --reuse              # measure the office built last time
    .venv/bin/python -m bench.load --reuse --think 0    # saturation mode only

The office is the demo (SCENARIO cast and case) plus `--generated` fictional cases, in the
PostgreSQL database `evenhand_bench_load`, served by gunicorn with the project's
`evenhand.config.gunicorn_conf` on loopback. Each virtual user holds its own signed-in session
(prosecutor accounts of the cast) on its own keep-alive `http.client` connection (cheap on the
client, which shares the machine's cores with the server), and picks requests from a fixed mix:
case list, case page, search, messages inbox, and API list/detail calls.

The user model. A person at a desk reads a page before asking for the next one, so a user
pauses between the answer and its next request (think time), as Locust, JMeter and k6 model
"concurrent users". Each pause is drawn from an exponential distribution with mean `--think`
seconds (3 s by default: the mean of Locust's customary `between(1, 5)`), capped at ten times
the mean. Exponential pauses make each user's requests a memoryless stream, so fifty users
arrive like the many independent people of the interactive-system model (a closed queueing
network with think time), not in lockstep; each user starts with one pause, which staggers the
start. The offered rate is what the users would ask for if every answer were instant
(users / mean think); the achieved rate is what was served.

Two modes are measured on the same server, and both are printed:
- the think-time mode (judged against the targets): the trivial view, then the mix;
- the saturation mode, zero think time (`--think 0` runs only this): every user fires its next
  request the instant the last one returns, so `--users` requests are always in flight. Its
  trivial-view throughput is the stack's capacity; its mix/trivial ratio is the mix's cost.

Throughput ratios are mix / trivial view within one mode. Client, server and whole-machine CPU
are measured per phase from /proc. Bounded in time (`--duration`) and in requests
(`--max-requests` per phase). No assertion: the figures and whether each target was met are
printed and can be written as JSON.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

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
DEFAULT_THINK_S = 3.0
THINK_CAP = 10  # a pause is at most this many times the mean
WARM_UP_REQUESTS = 3  # per user, unmeasured: each worker's first requests fill its caches
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Samples:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    # What went wrong: "HTTP 503", "RemoteDisconnected", ... and how often.
    failures: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, failure: str | None) -> None:
        with self.lock:
            self.latencies[kind].append(seconds * 1000)
            if failure is not None:
                self.errors[kind] += 1
                self.failures[failure] += 1

    def everything(self) -> list[float]:
        return [value for values in self.latencies.values() for value in values]

    def error_count(self) -> int:
        return sum(self.errors.values())


class Client:
    """One user's signed-in session on one keep-alive connection."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.served_on_connection = 0
        # Requests re-sent on a fresh connection because the server had closed an idle one.
        self.resent = 0

    def request(
        self, method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        all_headers = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        reused = self.served_on_connection > 0
        try:
            response = self._send(method, path, body, all_headers)
        except (ConnectionError, http.client.RemoteDisconnected):
            if not reused or method != "GET":
                raise
            # The server closed the idle keep-alive connection (its keepalive timeout is
            # shorter than a long pause, or the worker was replaced) before reading this
            # request: like a browser, send it again once on a new connection. Counted.
            self.resent += 1
            response = self._send(method, path, body, all_headers)
        content = response.read()  # the whole body, so the connection can be reused
        self.served_on_connection += 1
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self._close()
        return response.status, content

    def _send(
        self, method: str, path: str, body: str | None, headers: dict[str, str]
    ) -> http.client.HTTPResponse:
        try:
            self.connection.request(method, path, body=body, headers=headers)
            return self.connection.getresponse()
        except (OSError, http.client.HTTPException):
            self._close()  # the next request opens a new connection
            raise

    def _close(self) -> None:
        self.connection.close()
        self.served_on_connection = 0

    def get(self, path: str) -> int:
        return self.request("GET", path)[0]

    def log_in(self, username: str) -> None:
        _, page = self.request("GET", "/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if token is None:
            msg = "no CSRF token on the login page"
            raise RuntimeError(msg)
        form = urllib.parse.urlencode(
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token[1].decode()}
        )
        status, _ = self.request(
            "POST",
            "/login/",
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://127.0.0.1:{self.port}/login/",
            },
        )
        if "sessionid" not in self.cookies or status not in (200, 302):
            msg = f"could not sign in as {username}: HTTP {status}"
            raise RuntimeError(msg)


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


Picker = Callable[[random.Random], tuple[str, str]]


def mixed_picker(case_ids: list[int], names: list[str]) -> Picker:
    def pick(rng: random.Random) -> tuple[str, str]:
        draw = rng.random()
        if draw < 0.25:
            return "case list", f"/cases/?page={rng.randint(1, 5)}"
        if draw < 0.50:
            return "case page", f"/cases/{rng.choice(case_ids)}/"
        if draw < 0.65:
            return "search", f"/cases/?q={rng.choice(names)}"
        if draw < 0.75:
            return "messages", "/messages/"
        if draw < 0.88:
            return "api list", f"/api/cases?page={rng.randint(1, 5)}"
        return "api case", f"/api/cases/{rng.choice(case_ids)}"

    return pick


def trivial_picker(_rng: random.Random) -> tuple[str, str]:
    return "trivial", "/bench/trivial/"


def think_time(rng: random.Random, mean: float) -> float:
    """A pause from the exponential distribution with this mean, capped at THINK_CAP x mean."""
    if mean <= 0:
        return 0.0
    return min(rng.expovariate(1 / mean), THINK_CAP * mean)


# --- CPU accounting from /proc ---------------------------------------------------------------


def _process_cpu_seconds(pid: int, *, with_reaped_children: bool = False) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # After the ")" closing the command name, field 3 of proc(5) is index 0: utime is field 14.
    ticks = int(fields[11]) + int(fields[12])
    if with_reaped_children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / CLOCK_TICKS


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def server_cpu_seconds(master: int) -> float:
    """gunicorn's master and live workers, plus the workers it has reaped (replaced ones)."""
    return _process_cpu_seconds(master, with_reaped_children=True) + sum(
        _process_cpu_seconds(child) for child in _children(master)
    )


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine spent busy (all cores), from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle, iowait = values[3], values[4]
    return (sum(values[:8]) - idle - iowait) / CLOCK_TICKS


@dataclass
class Phase:
    name: str
    think: float
    samples: Samples
    elapsed: float
    client_cpu: float
    server_cpu: float
    machine_cpu: float
    users: int
    load: str
    resent: int

    @property
    def achieved(self) -> float:
        return len(self.samples.everything()) / self.elapsed

    @property
    def offered(self) -> float | None:
        return self.users / self.think if self.think > 0 else None


def run_phase(
    name: str,
    clients: list[Client],
    pick: Picker,
    *,
    think: float,
    duration: float,
    max_requests: int,
    server_pid: int,
    seed: int,
) -> Phase:
    samples = Samples()
    budget = threading.Semaphore(max_requests)
    resent_before = sum(client.resent for client in clients)
    cpu = (time.process_time(), server_cpu_seconds(server_pid), machine_busy_seconds())
    started = time.monotonic()
    deadline = started + duration

    def user(index: int) -> None:
        rng = random.Random(seed * 1000 + index)
        client = clients[index]
        while True:
            pause = think_time(rng, think)
            if pause:
                time.sleep(max(0.0, min(pause, deadline - time.monotonic())))
            if time.monotonic() >= deadline or not budget.acquire(blocking=False):
                return
            kind, path = pick(rng)
            began = time.perf_counter()
            failure: str | None
            try:
                status = client.get(path)
                failure = None if status == 200 else f"HTTP {status}"
            except (OSError, http.client.HTTPException) as exc:
                failure = type(exc).__name__
            samples.add(kind, time.perf_counter() - began, failure)

    threads = [threading.Thread(target=user, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return Phase(
        name=name,
        think=think,
        samples=samples,
        elapsed=elapsed,
        client_cpu=time.process_time() - cpu[0],
        server_cpu=server_cpu_seconds(server_pid) - cpu[1],
        machine_cpu=machine_busy_seconds() - cpu[2],
        users=len(clients),
        load=load_line(),
        resent=sum(client.resent for client in clients) - resent_before,
    )


def warm_up(clients: list[Client], pick: Picker) -> None:
    def user(index: int) -> None:
        rng = random.Random(-1 - index)
        for _ in range(WARM_UP_REQUESTS):
            try:
                clients[index].get(pick(rng)[1])
            except (OSError, http.client.HTTPException):
                continue

    threads = [threading.Thread(target=user, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# --- report ----------------------------------------------------------------------------------


def _latency_row(label: str, values: list[float], errors: int) -> list[object]:
    return [
        label,
        len(values),
        errors,
        f"{percentile(values, 50):.1f}",
        f"{percentile(values, 95):.1f}",
        f"{percentile(values, 99):.1f}",
    ]


def phase_report(phase: Phase) -> str:
    samples = phase.samples
    rows = [
        _latency_row(kind, samples.latencies[kind], samples.errors[kind])
        for kind in sorted(samples.latencies)
    ]
    rows.append(_latency_row("all", samples.everything(), samples.error_count()))
    table = format_table(["requests", "n", "errors", "p50 ms", "p95 ms", "p99 ms"], rows)
    cores = os.cpu_count() or 1
    offered = f"{phase.offered:.1f} req/s" if phase.offered else "unbounded (zero think time)"
    failures = (
        "errors: "
        + ", ".join(f"{what} x{count}" for what, count in sorted(samples.failures.items()))
        + "\n"
        if samples.failures
        else ""
    )
    served = max(1, len(samples.everything()))
    return (
        f"{phase.name} ({phase.elapsed:.0f} s; {phase.load} at the end):\n{table}\n"
        f"offered {offered}; achieved {phase.achieved:.1f} req/s; "
        f"{phase.resent} re-sent once on a new connection (server closed an idle one)\n"
        f"{failures}"
        f"CPU of {cores} cores: client {phase.client_cpu / phase.elapsed / cores:.0%}, "
        f"gunicorn {phase.server_cpu / phase.elapsed / cores:.0%}, "
        f"whole machine {phase.machine_cpu / phase.elapsed / cores:.0%}; "
        f"gunicorn CPU per request {phase.server_cpu / served * 1000:.1f} ms, "
        f"client {phase.client_cpu / served * 1000:.1f} ms"
    )


def verdict(label: str, trivial: Phase, mixed: Phase, *, judged: bool) -> list[str]:
    values = mixed.samples.everything()
    p99 = percentile(values, 99)
    errors = mixed.samples.error_count()
    ratio = mixed.achieved / trivial.achieved
    lines = [
        (
            f"{label}: mix {mixed.achieved:.1f} req/s = {ratio:.2f}x the trivial view's "
            f"{trivial.achieved:.1f} req/s (same users, same think time)."
        )
    ]
    if judged:
        lines.append(
            f"Target zero errors ({label}): "
            + ("met." if errors == 0 else f"NOT met ({errors} errors).")
        )
        met = "met" if p99 < TARGET_P99_MS else "NOT met"
        lines.append(f"Target p99 under {TARGET_P99_MS:.0f} ms ({label}): {met} ({p99:.1f} ms).")
    else:
        lines.append(
            f"{label}, not judged (every user always has a request in flight): "
            f"{errors} errors, p99 {p99:.1f} ms."
        )
    return lines


def _phase_json(phase: Phase) -> dict[str, object]:
    return {
        "think_mean_s": phase.think,
        "elapsed_s": phase.elapsed,
        "offered_rps": phase.offered,
        "achieved_rps": phase.achieved,
        "client_cpu_s": phase.client_cpu,
        "server_cpu_s": phase.server_cpu,
        "machine_cpu_s": phase.machine_cpu,
        "load": phase.load,
        "resent": phase.resent,
        "latencies_ms": dict(phase.samples.latencies),
        "errors": dict(phase.samples.errors),
        "failures": dict(phase.samples.failures),
    }


# --- main ------------------------------------------------------------------------------------


def _start_server(
    args: argparse.Namespace, database_url: str, port: int
) -> subprocess.Popen[bytes]:
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
    for _ in range(120):
        try:
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            probe.request("GET", "/healthz")
            if probe.getresponse().status == 200:
                probe.close()
                return server
        except OSError:
            pass
        time.sleep(0.5)
    server.terminate()
    msg = "gunicorn did not answer /healthz within a minute"
    raise RuntimeError(msg)


def _parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument(
        "--think",
        type=float,
        default=DEFAULT_THINK_S,
        help="mean think time in seconds (exponential); 0 runs only the saturation mode",
    )
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of the mix")
    parser.add_argument("--baseline-duration", type=float, default=20.0)
    parser.add_argument(
        "--no-saturation", action="store_true", help="skip the zero-think-time phases"
    )
    parser.add_argument("--max-requests", type=int, default=200_000, help="per phase")
    parser.add_argument("--generated", type=int, default=2000, help="fictional cases to add")
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: conf)")
    parser.add_argument("--threads", type=int, default=0, help="gunicorn threads per worker")
    parser.add_argument("--reuse", action="store_true", help="measure the office built last time")
    parser.add_argument("--json-out", type=Path)
    return parser.parse_args()


def main() -> None:
    args = _parse_args()
    dbname = Target(db="postgres", name="load").pg_dbname
    database_url = f"{args.pg_url.rstrip('/')}/{dbname}"
    admin_url = f"{args.pg_url.rstrip('/')}/postgres"
    if not args.reuse:
        print(f"building the office in {dbname} ({args.generated} generated cases)...")
        build_office(database_url, admin_url, dbname, args.generated)
    case_ids, names = _workload(database_url)
    setup_django(Target(db="postgres", name="load", pg_url=args.pg_url))
    mixed = mixed_picker(case_ids, names)

    modes: list[tuple[str, float]] = []
    if args.think > 0:
        modes.append((f"think-time mode (mean {args.think:g} s, exponential)", args.think))
    if args.think <= 0 or not args.no_saturation:
        modes.append(("saturation mode (zero think time)", 0.0))

    port = 18000 + os.getpid() % 1000
    server = _start_server(args, database_url, port)
    phases: list[tuple[str, Phase, Phase]] = []
    try:
        clients = [Client(port) for _ in range(args.users)]
        for index, client in enumerate(clients):
            client.log_in(USERS[index % len(USERS)])
        print(machine_line())
        print(f"code: {code_version()}; {load_line()}")
        workers = f"--workers {args.workers} " if args.workers else ""
        threads = f"--threads {args.threads}" if args.threads else ""
        print(f"{len(case_ids)} cases; {args.users} users; gunicorn conf {workers}{threads}")
        warm_up(clients, mixed)
        for seed, (label, think) in enumerate(modes):
            measured: list[Phase] = []
            for name, pick, duration in (
                (f"Trivial view, {label}", trivial_picker, args.baseline_duration),
                (f"Mixed traffic, {label}", mixed, args.duration),
            ):
                phase = run_phase(
                    name,
                    clients,
                    pick,
                    think=think,
                    duration=duration,
                    max_requests=args.max_requests,
                    server_pid=server.pid,
                    seed=seed,
                )
                print("\n" + phase_report(phase))
                measured.append(phase)
            trivial, mix = measured
            phases.append((label, trivial, mix))
    finally:
        server.terminate()
        server.wait(timeout=60)

    print()
    for index, (label, trivial, mix) in enumerate(phases):
        print("\n".join(verdict(label, trivial, mix, judged=index == 0)))
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(
            json.dumps(
                {
                    label: {"trivial": _phase_json(trivial), "mixed": _phase_json(mix)}
                    for label, trivial, mix in phases
                },
                indent=1,
            )
        )


if __name__ == "__main__":
    main()
