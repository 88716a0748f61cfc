"""A real server for browser tests: its own fresh database loaded by `evenhand demo`.

The server runs in a subprocess on loopback, on SQLite in a temporary folder, or, when
DATABASE_URL points at PostgreSQL, in a freshly created database dropped afterwards. Using a
separate database (rather than the test transaction) is what lets the append-only audit table
stay append-only during the run.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

REPO = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "browser-test-" + uuid.uuid4().hex[:12]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@dataclass(frozen=True)
class LiveDemo:
    url: str
    password: str
    env: dict[str, str]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _evenhand(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "evenhand.cli", *args],
        env=env,
        cwd=REPO,
        check=True,
        capture_output=True,
        timeout=600,
    )


# One demo office per test module: a module's story changes the data (a recusal, an
# appointment), and the next module starts from the demo as loaded.
# A module may start elsewhere in the story by setting DEMO_STAGE (`evenhand demo --stage`).
@pytest.fixture(scope="module")
def live_demo(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[LiveDemo]:
    stage = getattr(request.module, "DEMO_STAGE", "step3")
    data_dir = tmp_path_factory.mktemp("demo-data")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "evenhand.config.settings.local",
        "EVENHAND_DATA_DIR": str(data_dir),
        "EVENHAND_REQUIRE_OTP": "false",
    }
    suite_url = os.environ.get("DATABASE_URL", "")
    database = ""
    admin_url = ""
    if suite_url:
        # Databases are created from the server's maintenance database, whatever the suite's
        # own database is called (it need not exist: Django tests on test_<name>).
        parts = urlsplit(suite_url)
        admin_url = urlunsplit(parts._replace(path="/postgres"))
        database = f"evenhand_e2e_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{database}"')
        env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{database}"))
    _evenhand(env, "migrate", "--no-input")
    _evenhand(env, "demo", "--password", DEMO_PASSWORD, "--generated", "30", "--stage", stage)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "evenhand.cli", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        yield LiveDemo(url=url, password=DEMO_PASSWORD, env=env)
    finally:
        server.terminate()
        server.wait(timeout=30)
        if database:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    new_page = context.new_page()
    new_page.set_default_timeout(15_000)
    yield new_page
    context.close()


def sign_in(page: Page, demo: LiveDemo, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{demo.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", demo.password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{demo.url}/cases/")
