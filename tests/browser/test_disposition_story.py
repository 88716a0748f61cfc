"""Scenario steps 8 and 13 in Chromium: an alternative disposition with structured terms and
their completion, then the warning that bars a second prosecution and its recorded override.

The demo office stands at step 3; a set-up script brings the Vale case to step 6 through the
services (Vale a defendant, 16 counts filed) and opens the second case of February 2020 with
Vale as defendant. Sealing (the rest of step 8) is engineer "sealing"'s test.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from playwright.sync_api import Page, expect

from .conftest import REPO, LiveDemo, sign_in

pytestmark = pytest.mark.browser
CASE = "2019-CR-000417"
FALSE_REPORT = "720-5/26-1(a)(4)"

SETUP = f"""
import datetime as dt
import django
django.setup()
from evenhand.accounts.models import User
from evenhand.cases import services
from evenhand.cases.models import Participant, ParticipantRole
from evenhand.cases.selectors import case_ids_for_numbers

raman = User.objects.get(username="praman")
[case_id], _ = case_ids_for_numbers(user=raman, numbers=["{CASE}"])
vale = Participant.objects.get(
    case_id=case_id, person__first_name="Jordan", person__last_name="Vale"
)
services.participant_role_change(
    actor=raman, case_id=case_id, participant_id=vale.pk,
    role=ParticipantRole.DEFENDANT, reason="Indicted by the grand jury",
)
services.charges_file(
    actor=raman, case_id=case_id, participant_id=vale.pk, statute_key="{FALSE_REPORT}",
    counts=16, filed_on=dt.date(2019, 3, 8),
)
second = services.case_open(
    actor=raman, title="People v. Jordan Vale (special grand jury)",
    received_on=dt.date(2020, 2, 11),
)
services.participant_add(
    actor=raman, case_id=second.pk, person=vale.person, role=ParticipantRole.DEFENDANT
)
print(case_id, second.pk, second.number)
"""


def _set_up(demo: LiveDemo) -> tuple[int, int, str]:
    done = subprocess.run(
        [sys.executable, "-c", SETUP],
        env=demo.env,
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    first, second, number = done.stdout.split()[-3:]
    return int(first), int(second), number


def _log(page: Page, term: str, kind: str, amount: str) -> None:
    row = page.get_by_test_id(term)
    row.get_by_label("Entry kind").select_option(label=kind)
    row.get_by_label("Amount").fill(amount)
    row.get_by_label("Date").fill("2019-03-25")
    row.get_by_role("button", name="Log").click()
    expect(page.locator(".messages")).to_contain_text("Logged.")


def test_alternative_disposition_then_the_bar_on_a_second_prosecution(
    page: Page, live_demo: LiveDemo
) -> None:
    first_id, second_id, second_number = _set_up(live_demo)
    sign_in(page, live_demo, "praman")

    # Step 8: all counts dropped in exchange for 15 hours of service and a $10,000 bond.
    page.goto(f"{live_demo.url}/cases/{first_id}/")
    page.get_by_test_id("dispositions-link").click()
    expect(page.get_by_test_id("disposition-table")).to_contain_text("Pending")
    page.get_by_test_id("enrol-link").click()
    page.locator("#id_participant").select_option(label="Jordan Vale")
    page.locator("#id_programme").select_option(label="Alternative disposition (office-defined)")
    page.get_by_label("Starts on").fill("2019-03-20")
    page.get_by_label("Ends on").fill("2019-03-26")
    page.get_by_label("State's Attorney consents").select_option(label="Given")
    page.get_by_label("Defendant consents").select_option(label="Given")
    page.get_by_role("button", name="Check eligibility").click()
    expect(page.get_by_test_id("eligibility-overall")).to_have_text("eligible")
    expect(page.get_by_test_id("rule-offence")).to_contain_text("any offence")
    page.get_by_test_id("enrol-submit").click()
    expect(page.get_by_test_id("enrolment-status")).to_have_text("Active")

    terms = page.get_by_test_id("term-form")
    terms.get_by_label("Kind").select_option(label="Community service (hours)")
    terms.get_by_label("Amount (hours, dollars, sessions)").fill("15")
    terms.get_by_label("Due on").fill("2019-03-26")
    terms.get_by_role("button", name="Add term").click()
    terms = page.get_by_test_id("term-form")
    terms.get_by_label("Kind").select_option(label="Bond forfeiture (dollars)")
    terms.get_by_label("Amount (hours, dollars, sessions)").fill("10000")
    terms.get_by_label("Due on").fill("2019-03-26")
    terms.get_by_role("button", name="Add term").click()

    _log(page, "term-community_service", "Hours performed", "15")
    _log(page, "term-bond_forfeiture", "Payment", "10000")
    expect(page.get_by_test_id("term-community_service")).to_contain_text("15.00 / 15.00 hours")
    expect(page.get_by_test_id("term-bond_forfeiture").get_by_test_id("term-status")).to_have_text(
        "Met"
    )
    complete = page.get_by_test_id("complete-form")
    complete.get_by_label("Completed on").fill("2019-03-26")
    complete.get_by_role("button", name="Record completion").click()
    expect(page.get_by_test_id("enrolment-status")).to_have_text("Completed")

    page.get_by_role("link", name=CASE).click()
    table = page.get_by_test_id("disposition-table")
    expect(table).to_contain_text("Nolle prosequi with conditions")
    expect(table.get_by_test_id("performed-consideration")).to_have_count(16)
    expect(table).to_contain_text("Community service (hours) 15.00 hours")
    expect(table).to_contain_text("Bond forfeiture (dollars) 10000.00 dollars")

    # Step 13: the special grand jury's six counts against the same person for the same conduct.
    page.goto(f"{live_demo.url}/cases/{second_id}/dispositions/")
    page.get_by_test_id("file-checked-link").click()
    page.locator("#id_participant").select_option(label="Jordan Vale")
    page.get_by_label("Statute").select_option(value=FALSE_REPORT)
    page.get_by_label("Counts").fill("6")
    page.get_by_label("Filed on").fill("2020-02-11")
    page.get_by_test_id("file-submit").click()
    warning = page.get_by_test_id("bar-warning")
    expect(warning).to_contain_text(CASE)
    expect(warning).to_contain_text("Nolle prosequi with conditions for performed consideration")
    expect(warning).to_contain_text("People v. Smollett, 2024 IL 130431")
    page.get_by_label("Reason to proceed despite the bar (recorded)").fill(
        "The special prosecutor contends the earlier agreement is void."
    )
    page.get_by_test_id("file-submit").click()
    expect(page.locator(".messages")).to_contain_text("the bar override is recorded")
    expect(page.get_by_test_id("charges")).to_contain_text("720 ILCS 5/26-1(a)(4)")
    page.goto(f"{live_demo.url}/cases/{second_id}/audit/")
    expect(page.locator("main")).to_contain_text("Re-prosecution bar overridden with reason")
    expect(page.locator("main")).to_contain_text("Re-prosecution bar warning shown")
    assert second_number in page.content()
