"""Scenario steps 8 and 12 in Chromium: the immediate sealing granted at disposition, then the
court's unsealing order.

Step 8: the prosecutor records the sealing order from the case page; from then on she opens the
case only after stating why (the reason is logged with the read), and the records officer gets
the same "Case not found" as for a case that does not exist, and finds nothing in the case list.
Step 12: the unsealing order is recorded and the records officer can open the case again on
her next request. (The disposition terms of step 8 are engineer "dispositions"'s test.)
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import LiveDemo, sign_in

pytestmark = pytest.mark.browser
CASE = "2019-CR-000417"


def _open_case(page: Page, demo: LiveDemo) -> str:
    page.goto(f"{demo.url}/cases/?q={CASE}")
    page.locator("#results").get_by_role("link", name=CASE).first.click()
    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    return page.url


def _record_order(page: Page, judge: str, reference: str) -> None:
    form = page.get_by_test_id("order-form")
    form.get_by_label("Judge").fill(judge)
    form.get_by_label("Order date").fill("2019-03-26")
    form.get_by_label("Order reference").fill(reference)
    form.get_by_role("button", name="Record").click()


def _state_reason(page: Page, reason: str) -> None:
    form = page.get_by_test_id("access-reason-form")
    expect(form).to_be_visible()
    form.get_by_label("Reason").fill(reason)
    form.get_by_role("button", name="Open the case").click()


def test_sealing_at_disposition_then_unsealing(page: Page, live_demo: LiveDemo) -> None:
    # Step 8: the court grants the defendant's petition for immediate sealing.
    sign_in(page, live_demo, "praman")
    case_url = _open_case(page, live_demo)
    page.get_by_test_id("sealing-link").click()
    expect(page.get_by_test_id("sealing-status")).to_have_text("Not sealed.")
    page.get_by_test_id("record-sealing").click()
    page.get_by_label("Kind").select_option("immediate")
    _record_order(page, "Rosa Castellanos", "19-CR-03104-SEAL")
    # The case is sealed at once: even its prosecutor states a reason before seeing it.
    _state_reason(page, "Recording the disposition and the sealing order.")
    expect(page.get_by_test_id("sealed-banner")).to_be_visible()
    expect(page.get_by_test_id("sealing-orders")).to_contain_text("19-CR-03104-SEAL")
    page.goto(case_url)
    expect(page.locator("h1")).to_contain_text(CASE)

    # A new session asks again, and the reason goes into the log with the read.
    sign_in(page, live_demo, "mkeogh")
    page.goto(case_url)
    _state_reason(page, "Supervising the office's response to the press.")
    expect(page.locator("h1")).to_contain_text(CASE)

    # The records officer: a missing case, and nothing in the list.
    sign_in(page, live_demo, "epark")
    response = page.goto(case_url)
    assert response is not None
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text("Vale")
    page.goto(f"{live_demo.url}/cases/?q={CASE}")
    expect(page.locator("#results")).not_to_contain_text(CASE)

    # The inspector general sees who opened the sealed case and why, not the case.
    sign_in(page, live_demo, "pbrandt")
    response = page.goto(f"{case_url}sealing/")
    assert response is not None
    assert response.status == 404
    case_id = case_url.rstrip("/").rsplit("/", 1)[1]
    page.goto(f"{live_demo.url}/oversight/sealed-cases/{case_id}/access-log/")
    log = page.get_by_test_id("sealed-access-log")
    expect(log).to_contain_text("Supervising the office's response to the press.")
    expect(log).to_contain_text("mkeogh")

    # Step 12: the court unseals the file.
    sign_in(page, live_demo, "praman")
    page.goto(f"{case_url}sealing/")
    _state_reason(page, "Recording the court's unsealing order.")
    page.get_by_test_id("record-unsealing").click()
    _record_order(page, "Rosa Castellanos", "19-CR-03104-UNSEAL")
    expect(page.get_by_test_id("sealing-status")).to_have_text("Not sealed.")
    expect(page.get_by_test_id("sealing-orders")).to_contain_text("19-CR-03104-UNSEAL")

    # The next request of the records officer finds the case again.
    sign_in(page, live_demo, "epark")
    response = page.goto(case_url)
    assert response is not None
    assert response.status == 200
    expect(page.locator("h1")).to_contain_text(CASE)
