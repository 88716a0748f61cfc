"""kill -9 in the middle of writes: after a restart nothing is half-written and the audit chain
verifies; an import killed mid-way leaves no release behind and can simply be run again."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from .conftest import REPO, Office, free_port

TOKEN_SETUP = """
import json
from evenhand.accounts.models import User
from evenhand.accounts.services import api_token_create
asa = User.objects.get(username="praman")
print(json.dumps({"token": api_token_create(actor=asa, name="kill9").secret}))
"""

# Every case has exactly one "case.opened" entry, and every such entry names a case that
# exists: a write and its audit entry are one transaction, so kill -9 can only lose both.
CASES_WITHOUT_ENTRY = """
SELECT COUNT(*) FROM cases_case c WHERE NOT EXISTS (
  SELECT 1 FROM audit_auditentry a
  WHERE a.action = 'case.opened' AND a.case_id = c.id)
"""
ENTRIES_WITHOUT_CASE = """
SELECT COUNT(*) FROM audit_auditentry a WHERE a.action = 'case.opened'
AND NOT EXISTS (SELECT 1 FROM cases_case c WHERE c.id = a.case_id)
"""
PARTICIPANTS_WITHOUT_ENTRY = """
SELECT COUNT(*) FROM cases_participant p WHERE NOT EXISTS (
  SELECT 1 FROM audit_auditentry a
  WHERE a.action = 'participant.added' AND a.case_id = p.case_id
  AND a.subject_id = CAST(p.id AS VARCHAR(64)))
"""


def _start_gunicorn(office: Office, port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "python:evenhand.config.gunicorn_conf",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
        ],
        env={**office.env, "EVENHAND_ACCESS_LOG": os.devnull},
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _wait_up(base: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def _post(base: str, token: str, path: str, body: dict[str, object]) -> dict[str, object] | None:
    request = urllib.request.Request(  # noqa: S310 (loopback URL built here)
        base + path,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            answer: dict[str, object] = json.loads(response.read())
            return answer
    # A server killed mid-answer leaves a short body: IncompleteRead, an HTTPException.
    except (OSError, http.client.HTTPException, json.JSONDecodeError):
        return None


def _count(office: Office, query: str) -> int:
    return int(str(office.sql(query)[0][0]))


def test_kill_9_of_the_server_mid_writes_leaves_no_half_written_record(
    loaded_office: Office,
) -> None:
    token = json.loads(
        loaded_office.run("shell", "-c", TOKEN_SETUP).stdout.strip().splitlines()[-1]
    )["token"]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = _start_gunicorn(loaded_office, port)
    _wait_up(base)
    stop = threading.Event()
    answered = [0]

    def writer(n: int) -> None:
        i = 0
        while not stop.is_set():
            i += 1
            case = _post(
                base, token, "/api/cases", {"title": f"Kill {n}-{i}", "received_on": "2019-05-01"}
            )
            if case is None:
                continue
            answered[0] += 1
            _post(
                base,
                token,
                f"/api/cases/{case['id']}/participants",
                {"first_name": "Kim", "last_name": f"Row{n}x{i}", "role": "witness"},
            )

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    time.sleep(4)
    os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=30)
    stop.set()
    for thread in threads:
        thread.join()
    assert answered[0] > 0, "no write was answered before the kill"

    # Restart on the same database: it serves, and every record is whole.
    server = _start_gunicorn(loaded_office, port)
    try:
        _wait_up(base)
        assert _post(
            base, token, "/api/cases", {"title": "After restart", "received_on": "2019-05-02"}
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    assert _count(loaded_office, CASES_WITHOUT_ENTRY) == 0
    assert _count(loaded_office, ENTRIES_WITHOUT_CASE) == 0
    assert _count(loaded_office, PARTICIPANTS_WITHOUT_ENTRY) == 0
    assert loaded_office.run("audit", "verify").stdout.startswith("PASS")


def test_kill_9_of_an_import_leaves_no_release_and_a_rerun_completes(
    make_office: Callable[[], Office], tmp_path: Path
) -> None:
    office = make_office()
    office.run("migrate", "--no-input", "-v0")
    files = tmp_path / "generated"
    office.run("opendata", "generate", "--rows", "400000", "--out", str(files), "--no-progress")
    csv_files = sorted(str(path) for path in files.glob("*.csv"))
    importer = subprocess.Popen(
        [sys.executable, "-m", "evenhand.cli", "opendata", "import", *csv_files],
        env=office.env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    store = office.data_dir / "analytics"
    # Kill it once it has started writing into the store, well before it can finish.
    deadline = time.monotonic() + 120
    while not (store.exists() and any(store.rglob("*"))) and importer.poll() is None:
        assert time.monotonic() < deadline, "the import never started writing"
        time.sleep(0.05)
    assert importer.poll() is None, "the import finished before it could be killed"
    os.killpg(importer.pid, signal.SIGKILL)
    importer.wait(timeout=30)

    assert office.run("opendata", "releases").stdout.strip() == "no releases in the store"
    assert _initiation_rows(office) == 0

    rerun = office.run("opendata", "import", *csv_files)
    assert "imported" in rerun.stdout.lower() or "release" in rerun.stdout.lower()
    assert _initiation_rows(office) > 0


def _initiation_rows(office: Office) -> int:
    output = office.run(
        "shell",
        "-c",
        "from evenhand.analytics.store import connect; "
        "print(connect().execute('SELECT COUNT(*) FROM initiation').fetchone()[0])",
    ).stdout
    return int(output.strip().splitlines()[-1])
