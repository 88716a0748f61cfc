"""Scenario steps 6 and 9 in Chromium: charge the Vale case with 16 counts, see the consistency
chart and the rationale requirement, then search comparable dispositions.

The demo office stands at step 3 (Vale a suspect). The real December-2019 Cook County release
is imported into the demo's analytics store first, as an office would with the CLI.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import SHARED_DIR

from .conftest import REPO, LiveDemo, sign_in

pytestmark = pytest.mark.browser
CASE = "2019-CR-000417"
EXTRACT_2019 = SHARED_DIR / "data" / "cook-county-sao" / "chicagoda-2019"


def _import_2019(demo: LiveDemo) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "evenhand.cli",
            "opendata",
            "import",
            *(str(p) for p in sorted(EXTRACT_2019.glob("*.csv"))),
            "--release",
            "chicagoda-2019",
            "--no-progress",
        ],
        env=demo.env,
        cwd=REPO,
        check=True,
        capture_output=True,
        timeout=600,
    )


def test_charging_with_the_consistency_check_and_comparable_dispositions(
    page: Page, live_demo: LiveDemo
) -> None:
    _import_2019(live_demo)
    sign_in(page, live_demo, "praman")
    page.goto(f"{live_demo.url}/cases/?q={CASE}")
    page.get_by_role("link", name=CASE).click()

    # Vale becomes the defendant (the pivot made him a suspect).
    page.get_by_role("link", name="Change a participant's role").click()
    page.get_by_label("Participant").select_option(label="Jordan Vale (Suspect)")
    page.get_by_label("New role").select_option(label="Defendant")
    page.get_by_label("Reason").fill("Indicted by the grand jury")
    page.get_by_role("button", name="Save").click()

    # Felony review, from the charging pages linked on the case page.
    page.goto(f"{live_demo.url}/cases/?q={CASE}")
    page.get_by_role("link", name=CASE).click()
    page.get_by_test_id("charging-link").click()
    page.get_by_role("link", name="Record a felony review").click()
    page.get_by_label("Approved: felony charges may be filed").check()
    page.get_by_label("Reasons").fill("The report is contradicted by the evidence.")
    page.get_by_role("button", name="Record review").click()
    expect(page.get_by_test_id("felony-reviews")).to_contain_text("Approved")

    # Step 6: 16 counts of false report; the live preview shows the chart and the verdict.
    page.get_by_role("link", name="Charge a defendant").click()
    page.get_by_label("Defendant").select_option(label="Jordan Vale")
    page.get_by_label("Statute").select_option(value="720-5/26-1(a)(4)")
    page.get_by_label("History from").fill("2019")
    page.get_by_label("to (year)").fill("2019")
    page.get_by_label("Counts").fill("16")
    page.get_by_label("Filed on").fill("2019-03-08")
    summary = page.get_by_test_id("verdict-summary")
    # The first check after an import builds the release's aggregates: allow for it.
    expect(summary).to_contain_text(
        "16 counts: 99.3th percentile of 69 comparable participants", timeout=180_000
    )
    expect(summary).to_contain_text("the highest count total among them")
    expect(page.get_by_test_id("consistency-chart")).to_be_visible()
    expect(page.locator("[data-testid=consistency-chart] rect[data-marked=true]")).to_have_count(1)
    expect(page.get_by_test_id("rationale-required")).to_contain_text("rationale is required")

    # Without a rationale the decision is refused with the reason; with one it is recorded.
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator("#charging-form")).to_contain_text("write the rationale")
    page.get_by_label("Rationale").fill("Each false statement to the police is a separate count.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_test_id("decision-percentile")).to_contain_text("99.3th percentile")
    expect(page.get_by_test_id("rationale")).to_contain_text("separate count")
    expect(page.get_by_test_id("consistency-chart")).to_be_visible()

    # Step 9: comparable dispositions, from the case.
    page.get_by_role("link", name="Comparable dispositions").click()
    page.get_by_role("button", name="Search").click()
    counts = page.get_by_test_id("outcome-counts")
    expect(counts).to_contain_text("Prosecutor dismissal (nolle prosequi)")
    expect(counts).to_contain_text("Guilty plea")
    history = page.get_by_test_id("history-results")
    expect(history.locator("a").first).to_be_visible()
    history.locator("a").first.click()
    expect(page.get_by_test_id("history-rows")).to_contain_text("26-1")
