"""In Chromium: sign in, search, open the scenario case, read its timeline and audit trail."""

from __future__ import annotations

import subprocess
import sys

import pytest
from playwright.sync_api import Page, expect

from .conftest import REPO, LiveDemo, sign_in

pytestmark = pytest.mark.browser


def test_prosecutor_finds_the_vale_case_and_reads_its_timeline(
    page: Page, live_demo: LiveDemo
) -> None:
    sign_in(page, live_demo, "praman")
    expect(page.get_by_test_id("current-user")).to_have_text("Priya Raman")

    page.fill("#id_q", "Vale")
    expect(page.get_by_test_id("result-count")).to_have_text("1 case")
    page.get_by_role("link", name="2019-CR-000417").click()

    expect(page.locator("h1")).to_contain_text("People v. Jordan Vale")
    participants = page.get_by_test_id("participants")
    expect(participants).to_contain_text("Jordan Vale")
    expect(participants).to_contain_text("Victim → Suspect")
    expect(participants).to_contain_text("Suspect → Witness")
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("Det. Ana Ruiz refers the report")
    expect(timeline).to_contain_text("Dana Whitlock — Tina Vale")
    expect(timeline).to_contain_text("Cal and Reese Dunmore arrested")

    page.get_by_role("link", name="Audit trail").click()
    expect(page.get_by_test_id("audit-trail")).to_contain_text("Participant role changed")
    expect(page.get_by_test_id("audit-trail")).to_contain_text("Case content read")


def test_an_outsider_gets_not_found_and_the_chain_still_verifies(
    page: Page, live_demo: LiveDemo
) -> None:
    sign_in(page, live_demo, "hweiss")  # external, not yet appointed to anything
    expect(page.get_by_test_id("result-count")).to_have_text("0 cases")
    page.goto(f"{live_demo.url}/cases/1/")
    expect(page.locator("h1")).to_have_text("Not found")
    verify = subprocess.run(
        [sys.executable, "-m", "evenhand.cli", "audit", "verify"],
        env=live_demo.env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert verify.returncode == 0, verify.stderr
    assert verify.stdout.startswith("PASS")
