"""Offices of their own for operations tests: a data folder and a database each (SQLite in the
folder, or a fresh PostgreSQL database when the suite runs on PostgreSQL), driven through the
`evenhand` command in subprocesses, as an operator would."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "ops-test-" + uuid.uuid4().hex[:12]


@dataclass(frozen=True)
class Office:
    data_dir: Path
    env: dict[str, str]
    database_url: str

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "evenhand.cli", *args],
            env=self.env,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if check and result.returncode != 0:
            pytest.fail(f"evenhand {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def sql(self, query: str) -> list[tuple[object, ...]]:
        """Run SQL on the office's database directly (as an attacker or a DBA could)."""
        if self.database_url:
            with psycopg.connect(self.database_url, autocommit=True) as conn:
                cursor = conn.execute(query)
                return list(cursor.fetchall()) if cursor.description else []
        import sqlite3  # noqa: PLC0415

        db = sqlite3.connect(self.data_dir / "evenhand.sqlite3")
        try:
            rows = db.execute(query).fetchall()
            db.commit()
            return rows
        finally:
            db.close()


def _admin_url(suite_url: str) -> str:
    return urlunsplit(urlsplit(suite_url)._replace(path="/postgres"))


@pytest.fixture
def make_office(tmp_path: Path) -> Iterator[Callable[[], Office]]:
    suite_url = os.environ.get("DATABASE_URL", "")
    created: list[str] = []

    def make() -> Office:
        data_dir = tmp_path / f"office-{len(created)}-{uuid.uuid4().hex[:6]}"
        data_dir.mkdir()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "evenhand.config.settings.local",
            "EVENHAND_DATA_DIR": str(data_dir),
            "EVENHAND_REQUIRE_OTP": "false",
        }
        database_url = ""
        if suite_url:
            name = f"evenhand_ops_{uuid.uuid4().hex[:10]}"
            with psycopg.connect(_admin_url(suite_url), autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            created.append(name)
            database_url = urlunsplit(urlsplit(suite_url)._replace(path=f"/{name}"))
            env["DATABASE_URL"] = database_url
        else:
            env.pop("DATABASE_URL", None)
            created.append("")
        return Office(data_dir=data_dir, env=env, database_url=database_url)

    yield make
    if suite_url:
        with psycopg.connect(_admin_url(suite_url), autocommit=True) as conn:
            for name in created:
                if name:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def loaded_office(make_office: Callable[[], Office]) -> Office:
    office = make_office()
    office.run("migrate", "--no-input", "-v0")
    office.run("demo", "--password", PASSWORD, "--generated", "8", "--without-open-data")
    return office


def free_port() -> int:
    import socket  # noqa: PLC0415

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def gunicorn(office: Office, *, workers: int = 2, threads: int = 8) -> Iterator[str]:
    """Serve the office with gunicorn on loopback, as in production; yields the base URL."""
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "python:evenhand.config.gunicorn_conf",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
        ],
        env={**office.env, "EVENHAND_ACCESS_LOG": str(office.data_dir / "access.log")},
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
