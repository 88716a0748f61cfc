"""Correcting on the web, in Chromium: a disposition whose date was entered wrongly, corrected
while a colleague corrects it too (the loser sees what changed and keeps the input); then a
community-service deadline the court extended, and a term the court waived.

The demo office stands at step 3; a set-up script charges Vale with two counts, records a
nolle prosequi on count 1 and enrols him with one community-service term, all through the
services.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import REPO, LiveDemo, sign_in

pytestmark = pytest.mark.browser
CASE = "2019-CR-000417"

SETUP = f"""
import datetime as dt
from decimal import Decimal
import django
django.setup()
from evenhand.accounts.models import User
from evenhand.cases import services
from evenhand.cases.models import Participant, ParticipantRole
from evenhand.cases.selectors import case_ids_for_numbers
from evenhand.dispositions import services as dispositions
from evenhand.dispositions.models import ConsentState, DispositionKind, TermKind

raman = User.objects.get(username="praman")
[case_id], _ = case_ids_for_numbers(user=raman, numbers=["{CASE}"])
vale = Participant.objects.get(
    case_id=case_id, person__first_name="Jordan", person__last_name="Vale"
)
services.participant_role_change(
    actor=raman, case_id=case_id, participant_id=vale.pk,
    role=ParticipantRole.DEFENDANT, reason="Indicted by the grand jury",
)
charges = services.charges_file(
    actor=raman, case_id=case_id, participant_id=vale.pk, statute_key="720-5/26-1(a)(4)",
    counts=2, filed_on=dt.date(2019, 3, 8),
)
dispositions.disposition_record(
    actor=raman, case_id=case_id, charge_id=charges[0].pk,
    kind=DispositionKind.NOLLE_PROSEQUI, disposed_on=dt.date(2019, 3, 26),
)
enrolment = dispositions.enrolment_create(
    actor=raman, case_id=case_id, participant_id=vale.pk, programme="alternative_disposition",
    starts_on=dt.date(2019, 3, 20), ends_on=dt.date(2019, 6, 30),
    consent_state_attorney=ConsentState.GIVEN, consent_defendant=ConsentState.GIVEN,
)
dispositions.term_add(
    actor=raman, enrolment_id=enrolment.pk, kind=TermKind.COMMUNITY_SERVICE,
    required_amount=Decimal("15"), due_on=dt.date(2019, 4, 30),
)
print(case_id, enrolment.pk)
"""


def _set_up(demo: LiveDemo) -> tuple[int, int]:
    done = subprocess.run(
        [sys.executable, "-c", SETUP],
        env=demo.env,
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    case_id, enrolment_id = done.stdout.split()[-2:]
    return int(case_id), int(enrolment_id)


def test_corrections_with_a_concurrent_edit_then_a_moved_and_a_waived_term(
    page: Page, browser: Browser, live_demo: LiveDemo
) -> None:
    case_id, enrolment_id = _set_up(live_demo)
    sign_in(page, live_demo, "praman")
    page.goto(f"{live_demo.url}/cases/{case_id}/dispositions/")
    page.get_by_test_id("correct-1").click()
    expect(page.get_by_label("Date")).to_have_value("2019-03-26")
    page.get_by_label("Date").fill("2019-03-25")
    page.get_by_label("Conditions").fill("Restitution of $10,000 to the City")
    page.get_by_label("Reason for the correction (recorded)").fill("Date mistyped from the docket")

    # Meanwhile the First Assistant corrects the same disposition and saves first.
    colleague_context = browser.new_context()
    colleague = colleague_context.new_page()
    sign_in(colleague, live_demo, "mkeogh")
    colleague.goto(page.url)
    colleague.get_by_label("Date").fill("2019-03-27")
    colleague.get_by_label("Reason for the correction (recorded)").fill("Per the half sheet")
    colleague.get_by_role("button", name="Save the correction").click()
    expect(colleague.locator(".messages")).to_contain_text("Disposition corrected.")
    colleague_context.close()

    page.get_by_role("button", name="Save the correction").click()
    conflict = page.get_by_test_id("conflict")
    expect(conflict).to_contain_text("Date: 2019-03-26 → 2019-03-27")
    expect(page.get_by_role("alert").first).to_be_visible()
    expect(page.get_by_label("Date")).to_have_value("2019-03-25")
    expect(page.get_by_label("Conditions")).to_have_value("Restitution of $10,000 to the City")
    expect(page.get_by_label("Reason for the correction (recorded)")).to_have_value(
        "Date mistyped from the docket"
    )
    # Having seen the colleague's change, Raman keeps her own.
    page.get_by_role("button", name="Save the correction").click()
    expect(page.locator(".messages")).to_contain_text("Disposition corrected.")
    row = page.get_by_test_id("charge-1")
    expect(row).to_contain_text("2019-03-25")
    expect(row).to_contain_text("Restitution of $10,000 to the City")

    # The court extends the community-service deadline, then waives the term.
    page.goto(f"{live_demo.url}/enrolments/{enrolment_id}/")
    term = page.get_by_test_id("term-community_service")
    term.get_by_text("Change due date or waive").click()
    term.get_by_label("New deadline").fill("2019-05-31")
    term.get_by_label("Reason for moving it (recorded)").fill("Extended by the court")
    term.get_by_role("button", name="Move due date").click()
    expect(page.locator(".messages")).to_contain_text("Due date moved to 2019-05-31.")
    term = page.get_by_test_id("term-community_service")
    expect(term).to_contain_text("2019-05-31")

    term.get_by_text("Change due date or waive").click()
    term.get_by_role("button", name="Waive term").click()
    # Nothing is sent without a reason and who ordered it (the browser asks first).
    expect(term.get_by_test_id("term-status")).to_have_text("Open")
    term.get_by_label("Reason for the waiver").fill("Medical condition documented by the defence")
    term.get_by_label("Ordered by (judge or court, and the order)").fill(
        "Judge Rosa Castellanos, order of 2019-05-02"
    )
    term.get_by_role("button", name="Waive term").click()
    expect(page.locator(".messages")).to_contain_text("Term waived")
    term = page.get_by_test_id("term-community_service")
    expect(term.get_by_test_id("term-status")).to_have_text("Waived by the court")
    expect(term.get_by_text("Change due date or waive")).to_have_count(0)

    page.goto(f"{live_demo.url}/cases/{case_id}/audit/")
    expect(page.locator("main")).to_contain_text("Charge disposition changed")
    expect(page.locator("main")).to_contain_text("Programme term changed")
