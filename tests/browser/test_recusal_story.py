"""Scenario steps 2, 4, 5, 7 and 11 in Chromium, as the people of the cast.

The demo office stands at step 3: Tina Vale's contact with the State's Attorney is logged.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from .conftest import REPO, LiveDemo, sign_in

pytestmark = pytest.mark.browser
CASE = "2019-CR-000417"


def _office_today() -> dt.date:
    # The office's calendar: an order dated "today" in Chicago is not in the future there.
    return dt.datetime.now(ZoneInfo("America/Chicago")).date()


def _open_case(page: Page, demo: LiveDemo) -> None:
    page.goto(f"{demo.url}/cases/?q={CASE}")
    page.get_by_role("link", name=CASE).click()


def test_recusal_appointment_messages_and_oversight(
    page: Page, live_demo: LiveDemo, tmp_path: Path
) -> None:
    # Step 2: the contact by a relative flagged a potential conflict for the State's Attorney.
    sign_in(page, live_demo, "dwhitlock")
    page.get_by_role("link", name="Conflicts").click()
    flag = page.locator("article", has_text=CASE)
    expect(flag).to_contain_text("Tina Vale, who is a relative of Jordan Vale")
    expect(flag).to_contain_text("Open")

    # Step 4: she recuses and asks that her First Assistant act in her place: refused.
    flag.get_by_label("Recuse myself from the case").check()
    flag.get_by_label("Note").fill("A relative of the complainant contacted me about the case.")
    flag.get_by_label("Hand the case to (acting head of office)").select_option(
        label="Martin Keogh"
    )
    flag.get_by_role("button", name="Record decision").click()
    errors = page.locator(".messages li.error")
    expect(errors).to_contain_text("no office of 'acting State's Attorney'")
    expect(errors).to_contain_text("55 ILCS 5/3-9008")
    expect(page.locator("article", has_text=CASE)).to_contain_text("recused")
    # The screen holds on her very next request, page and search alike.
    page.goto(f"{live_demo.url}/cases/?q=Vale")
    expect(page.get_by_test_id("result-count")).to_have_text("0 cases")
    page.goto(f"{live_demo.url}/cases/1/")
    expect(page.locator("h1")).to_have_text("Not found")
    page.get_by_role("link", name="Screens").click()
    page.locator("[data-testid=screens] a").first.click()
    expect(page.get_by_test_id("screen-memo")).to_contain_text("You have recused yourself")
    page.get_by_role("button", name="I acknowledge this screen").click()
    expect(page.locator("body")).to_contain_text("You acknowledged this memo")

    # Step 7: still screened, she writes to her deputy about the charging.
    page.get_by_role("link", name="Messages").click()
    page.get_by_role("link", name="New message").click()
    page.get_by_label("Recipients").select_option(label="Martin Keogh")
    page.get_by_label("Subject").fill("charging")
    page.get_by_label("Body").fill(
        "16 counts on a class 4 becomes exhibit A. Look at how the Vale case is charged."
    )
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".messages li.warning")).to_contain_text("held, not delivered")
    page.get_by_role("link", name="Messages").click()
    page.get_by_role("link", name="New message").click()
    page.get_by_label("Recipients").select_option(label="Martin Keogh")
    page.get_by_label("Subject").fill("the case")
    page.get_by_label("Body").fill("Call me about this one.")
    page.get_by_label("Tag cases").fill(CASE)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_test_id("message-error")).to_contain_text("Not delivered")

    # The deputy never receives the held message.
    sign_in(page, live_demo, "mkeogh")
    page.get_by_role("link", name="Messages").click()
    expect(page.get_by_test_id("message-list")).not_to_contain_text("charging")

    # Step 4, continued: the case waits for the court; office staff cannot charge.
    _open_case(page, live_demo)
    banner = page.get_by_test_id("special-prosecution")
    expect(banner).to_contain_text("Awaiting court appointment of a special prosecutor")
    expect(banner).to_contain_text("Charging and disposition are refused")

    # Step 5: the petition goes to the chief judge; her order is recorded.
    banner.get_by_role("link", name="Petition").click()
    with page.expect_download() as download_info:
        page.get_by_test_id("petition-download").click()
    petition = tmp_path / "petition.txt"
    download_info.value.save_as(petition)
    text = petition.read_text()
    assert "PETITION FOR THE APPOINTMENT OF A SPECIAL PROSECUTOR" in text
    assert "55 ILCS 5/3-9008" in text
    assert CASE in text
    page.get_by_label("Judge").fill("Rosa Castellanos")
    page.get_by_label("Order date").fill(_office_today().isoformat())
    page.get_by_label("Appointee's username").fill("hweiss")
    page.get_by_label("Appointed from").select_option(label="Private counsel")
    page.get_by_role("button", name="Record order").click()
    expect(page.get_by_test_id("court-order")).to_contain_text("Judge Rosa Castellanos")
    expect(page.get_by_test_id("court-order")).to_contain_text("Harold Weiss")

    # The appointee reaches that case and nothing else in the office.
    sign_in(page, live_demo, "hweiss")
    expect(page.get_by_test_id("result-count")).to_have_text("1 case")
    _open_case(page, live_demo)
    expect(page.get_by_test_id("special-prosecution")).to_contain_text(
        "Special prosecutor appointed"
    )
    page.goto(f"{live_demo.url}/cases/2/")
    expect(page.locator("h1")).to_have_text("Not found")

    # Step 11: the inspector general reviews the office, read-only.
    sign_in(page, live_demo, "pbrandt")
    page.get_by_role("link", name="Oversight").click()
    expect(page.get_by_test_id("held")).to_contain_text("dwhitlock")
    expect(page.get_by_test_id("refusals-by-actor")).to_contain_text("dwhitlock")
    page.get_by_role("link", name="Access report").click()
    page.get_by_label("Case number").fill(CASE)
    page.get_by_label("At (or from)").fill("2019-01-01 00:00")
    page.get_by_label("Until").fill((_office_today() + dt.timedelta(days=1)).isoformat() + " 00:00")
    page.get_by_role("button", name="Report").click()
    report = page.get_by_test_id("access-report")
    expect(report).to_contain_text("Dana Whitlock")
    expect(report).to_contain_text("Harold Weiss")
    expect(page.get_by_test_id("case-refusals")).to_contain_text("dwhitlock")
    page.goto(f"{live_demo.url}/oversight/audit/?actor=dwhitlock")
    expect(page.get_by_test_id("audit-log")).to_contain_text("In-office acting delegation refused")
    expect(page.get_by_test_id("audit-log")).to_contain_text("Message held as an attempted breach")
    # Oversight reads but cannot change: no case-editing forms for her.
    _open_case(page, live_demo)
    expect(page.get_by_role("button", name="Add to team")).to_have_count(0)

    # An independent verification of the whole chain from an exported file.
    export = tmp_path / "audit.jsonl"
    cli = [sys.executable, "-m", "evenhand.cli"]
    subprocess.run(
        [*cli, "audit", "export", "--output", str(export), "--as-user", "pbrandt"],
        env=live_demo.env,
        cwd=REPO,
        check=True,
        capture_output=True,
        timeout=120,
    )
    verify = subprocess.run(
        [sys.executable, "-m", "evenhand.audit.chain", str(export)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert verify.returncode == 0, verify.stdout
    assert verify.stdout.startswith("PASS")
