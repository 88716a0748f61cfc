"""A database outage answers 503 with Retry-After, and service comes back without a restart."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

from evenhand.accounts.models import Role
from tests.factories import make_user

from .conftest import PASSWORD, REPO


@pytest.mark.django_db
def test_a_lost_database_is_a_503_page_with_retry_after() -> None:
    client = Client(raise_request_exception=False)
    client.force_login(make_user(role=Role.ASSISTANT_STATES_ATTORNEY))
    with mock.patch(
        "evenhand.web.views.case_list", side_effect=OperationalError("connection refused")
    ):
        response = client.get("/cases/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert b"Temporarily unavailable" in response.content


@pytest.mark.django_db
def test_a_lost_database_is_a_503_json_answer_on_the_api() -> None:
    client = Client(raise_request_exception=False)
    client.force_login(make_user(role=Role.ASSISTANT_STATES_ATTORNEY))
    with mock.patch(
        "evenhand.cases.selectors.case_list",
        side_effect=OperationalError("server closed the connection"),
    ):
        response = client.get("/api/cases")
    assert response.status_code == 503
    assert response.json()["detail"].startswith("The service is temporarily unavailable")


@pytest.mark.django_db
def test_other_server_errors_stay_500s() -> None:
    client = Client(raise_request_exception=False)
    client.force_login(make_user(role=Role.ASSISTANT_STATES_ATTORNEY))
    with mock.patch("evenhand.web.views.case_list", side_effect=ValueError("a bug")):
        response = client.get("/cases/")
    assert response.status_code == 500
    assert "Retry-After" not in response


# ------------------------------------------------ a real PostgreSQL stopped under load

PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"))), Path("/nonexistent"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class PrivateCluster:
    """A PostgreSQL server of the test's own, so stopping it disturbs nothing else."""

    folder: Path
    port: int

    def _as_postgres(self, *command: str) -> None:
        runner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*runner, *command], check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        self._as_postgres(str(PG_BIN / "initdb"), "-D", str(self.folder / "data"), "-A", "trust")

    def start(self) -> None:
        self._as_postgres(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.folder / "data"),
            "-o",
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1",
            "-l",
            str(self.folder / "server.log"),
            "-w",
            "start",
        )

    def stop(self) -> None:
        self._as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop"
        )


@pytest.fixture
def private_cluster() -> Iterator[PrivateCluster]:
    if not (PG_BIN / "initdb").exists():
        pytest.fail("PostgreSQL's server binaries are needed (Debian package postgresql)")
    folder = Path(tempfile.mkdtemp(prefix="evenhand-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    cluster = PrivateCluster(folder=folder, port=_free_port())
    cluster.init()
    cluster.start()
    try:
        yield cluster
    finally:
        subprocess.run(
            [
                *(["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []),
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(folder / "data"),
                "-m",
                "immediate",
                "stop",
            ],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(folder, ignore_errors=True)


def _status(opener: urllib.request.OpenerDirector, url: str) -> int:
    try:
        with opener.open(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_stopping_postgresql_under_load_gives_503s_then_recovers_without_restart(
    private_cluster: PrivateCluster, tmp_path: Path
) -> None:
    url = f"postgres://postgres@127.0.0.1:{private_cluster.port}/postgres"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "evenhand.config.settings.local",
        "EVENHAND_DATA_DIR": str(tmp_path),
        "EVENHAND_REQUIRE_OTP": "false",
        "DATABASE_URL": url,
    }
    for args in (
        ("migrate", "--no-input", "-v0"),
        ("demo", "--password", PASSWORD, "--generated", "3", "--without-open-data"),
    ):
        subprocess.run(
            [sys.executable, "-m", "evenhand.cli", *args],
            env=env,
            cwd=REPO,
            check=True,
            capture_output=True,
            timeout=600,
        )
    port = _free_port()
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
            "2",
            "--threads",
            "4",
        ],
        env={**env, "EVENHAND_ACCESS_LOG": str(tmp_path / "access.log")},
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        deadline = time.monotonic() + 60
        while _status_or_zero(opener, f"{base}/healthz") != 200:
            assert time.monotonic() < deadline, "gunicorn did not come up"
            time.sleep(0.3)
        _log_in(opener, base)
        assert _status(opener, f"{base}/cases/") == 200

        seen: Counter[tuple[str, int]] = Counter()
        seen_lock = threading.Lock()
        phase = ["up"]
        stop = threading.Event()

        def load() -> None:
            while not stop.is_set():
                for path in ("/healthz", "/cases/"):
                    status = _status_or_zero(opener, base + path)
                    with seen_lock:
                        seen[(phase[0], status)] += 1

        workers = [threading.Thread(target=load) for _ in range(6)]
        for worker in workers:
            worker.start()
        time.sleep(2)
        phase[0] = "stopping"
        private_cluster.stop()
        phase[0] = "down"
        time.sleep(3)
        phase[0] = "starting"
        private_cluster.start()
        phase[0] = "back"
        time.sleep(4)
        stop.set()
        for worker in workers:
            worker.join()

        statuses = {status for (_phase, status) in seen}
        assert statuses <= {200, 503}, f"only 200 and 503 are acceptable, saw {seen}"
        assert seen[("down", 503)] > 0
        assert seen[("down", 200)] == 0
        # Recovery without restarting the application: the same workers serve again.
        assert server.poll() is None
        assert _status(opener, f"{base}/cases/") == 200
        assert seen[("back", 200)] > 0
    finally:
        server.terminate()
        server.wait(timeout=30)


def _status_or_zero(opener: urllib.request.OpenerDirector, url: str) -> int:
    try:
        return _status(opener, url)
    except OSError:
        return 0


def _log_in(opener: urllib.request.OpenerDirector, base: str) -> None:
    with opener.open(f"{base}/login/", timeout=10) as response:
        page = response.read().decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    data = urllib.parse.urlencode(
        {"username": "praman", "password": PASSWORD, "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(  # noqa: S310 (a loopback http URL built here)
        f"{base}/login/", data=data, headers={"Referer": f"{base}/login/"}
    )
    with opener.open(request, timeout=10) as response:
        assert response.status == 200


@pytest.mark.django_db
def test_a_session_save_during_an_outage_is_an_outage_not_a_deleted_session() -> None:
    from evenhand.operations.sessions import SessionStore  # noqa: PLC0415

    session = SessionStore()
    session["k"] = "v"
    session.save(must_create=True)
    with (
        mock.patch(
            "django.contrib.sessions.models.Session.save",
            side_effect=OperationalError("terminating connection due to administrator command"),
        ),
        pytest.raises(OperationalError),
    ):
        session.save()
