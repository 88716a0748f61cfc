"""The acceptance test: all 13 steps of SCENARIO.md in Chromium, as the people of the cast.

The office starts from `evenhand demo --stage cast`: the staff and nothing else. Every step is
driven through the web pages: Priya Raman records the police referral (which opens the case and
assigns its number, read from the page), the team, the events, the participants (new people,
and Jordan Vale found by name for the second case of step 13), their relationships and role
changes; Dana Whitlock logs Tina Vale's contact herself. Each arrow of SCENARIO.md is an
assertion, as seen in the UI (pages, the case's audit trail, oversight). With
EVENHAND_SCREENSHOTS=<dir> the key pages are saved there as PNGs (`bin/scenario-docs` writes
them to docs/scenario/ for docs/scenario.md).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from playwright.sync_api import Browser, Locator, Page, expect

from evenhand.records_requests.deadlines import calendar_from
from evenhand.records_requests.rules import public_records_rules

from .conftest import REPO, LiveDemo, sign_in

pytestmark = pytest.mark.browser
DEMO_STAGE = "cast"
CASE_NUMBER = re.compile(r"^\d{4}-CR-\d{6}$")
FALSE_REPORT = "720-5/26-1(a)(4)"
PHONE = "312-555-0142"
PERSONAL_EMAIL = "dana.whitlock.home@gmail.com"
SHOTS = os.environ.get("EVENHAND_SCREENSHOTS", "")


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    # The walk-through's pictures: one size for every screenshot.
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    new_page = context.new_page()
    new_page.set_default_timeout(20_000)
    yield new_page
    context.close()


def _shot(page: Page, name: str, focus: Locator | None = None) -> None:
    """Save the viewport as `name`.png, scrolled to `focus` when the point is further down."""
    if SHOTS:
        folder = Path(SHOTS)
        folder.mkdir(parents=True, exist_ok=True)
        if focus is not None:
            focus.scroll_into_view_if_needed()
        path = folder / f"{name}.png"
        page.screenshot(path=str(path))
        # A 128-colour palette keeps the committed pictures about a third of the size.
        with Image.open(path) as shot:
            small = shot.convert("RGB").quantize(colors=128)
        small.save(path, optimize=True)


def _office_today() -> dt.date:
    return dt.datetime.now(ZoneInfo("America/Chicago")).date()


def _open_case(page: Page, demo: LiveDemo, number: str, reason: str = "") -> str:
    page.goto(f"{demo.url}/cases/?q={number}")
    page.locator("#results").get_by_role("link", name=number).first.click()
    _reason_if_asked(page, reason)
    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    return page.url


def _reason_if_asked(page: Page, reason: str) -> None:
    """A sealed case asks its reader why, once per session; the reason is logged."""
    page.wait_for_load_state()
    form = page.get_by_test_id("access-reason-form")
    if reason and form.count():
        form.get_by_label("Reason").fill(reason)
        form.get_by_role("button", name="Open the case").click()
        page.wait_for_load_state()


def _compose(page: Page, subject: str, body: str, tag: str = "") -> None:
    page.get_by_role("link", name="Messages").click()
    page.get_by_role("link", name="New message").click()
    page.get_by_label("Recipients").select_option(label="Martin Keogh")
    page.get_by_label("Subject").fill(subject)
    page.get_by_label("Body").fill(body)
    if tag:
        page.get_by_label("Tag cases").fill(tag)
    page.get_by_role("button", name="Send").click()


def _court_order(page: Page, judge: str, on: str, reference: str) -> None:
    form = page.get_by_test_id("order-form")
    form.get_by_label("Judge").fill(judge)
    form.get_by_label("Order date").fill(on)
    form.get_by_label("Order reference").fill(reference)
    form.get_by_role("button", name="Record").click()


def _log_term(page: Page, term: str, kind: str, amount: str) -> None:
    row = page.get_by_test_id(term)
    row.get_by_label("Entry kind").select_option(label=kind)
    row.get_by_label("Amount").fill(amount)
    row.get_by_label("Date", exact=True).fill("2019-03-25")
    row.get_by_role("button", name="Log").click()
    expect(page.locator(".messages")).to_contain_text("Logged.")


def _file_public_request(page: Page, demo: LiveDemo, description: str) -> str:
    page.context.clear_cookies()
    page.goto(f"{demo.url}/public-records/request/")
    page.get_by_label("Your name").fill("Sam Ortiz")
    page.get_by_label("Organisation (optional)").fill("Chicago Ledger")
    page.get_by_label("E-mail (optional)").fill("sam.ortiz@example.org")
    page.get_by_label("Records you are asking for").fill(description)
    # A person takes a few seconds over the form; the spam check refuses faster submissions.
    page.wait_for_timeout(3_500)
    page.get_by_role("button", name="Submit request").click()
    page.wait_for_url(f"{demo.url}/public-records/track/**")
    expect(page.get_by_test_id("tracking-status")).to_contain_text("Open")
    return page.locator("h1").inner_text().rsplit(" ", 1)[-1]


def _open_request(page: Page, demo: LiveDemo, number: str) -> None:
    page.goto(f"{demo.url}/records/")
    page.get_by_role("link", name=number).click()


def _search_records(page: Page, query: str) -> None:
    search = page.get_by_test_id("records-search")
    search.get_by_role("textbox").first.fill(query)
    search.get_by_role("button", name="Search").click()


def _refer(page: Page, demo: LiveDemo, *, title: str, on: str, summary: str) -> tuple[str, str]:
    """Record a police referral that opens a new case; return the number the page shows for it
    and the case page's URL."""
    page.goto(f"{demo.url}/charging/")
    page.get_by_role("link", name="Record a police referral").click()
    page.get_by_label("New case title").fill(title)
    page.get_by_label("Referring agency").fill("Chicago Police Department")
    page.get_by_label("Reporting officer").fill("Det. Ana Ruiz")
    page.get_by_label("Received on").fill(on)
    page.get_by_label("Summary").fill(summary)
    page.get_by_role("button", name="Record referral").click()
    expect(page.locator(".messages")).to_contain_text("Referral recorded.")
    number = page.locator("h1 .number").inner_text().strip()
    assert CASE_NUMBER.match(number), number
    page.get_by_role("link", name="Case page").click()
    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    expect(page.locator("h1")).to_contain_text(f"{number} {title}")
    return number, page.url


def _add_to_team(page: Page, name: str, role: str) -> None:
    page.get_by_role("link", name="Add a staff member to the team").click()
    page.get_by_label("Staff member").select_option(label=name)
    page.get_by_label("Role").select_option(label=role)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Added to the team.")


def _record_event(page: Page, kind: str, when: str, summary: str) -> None:
    page.get_by_role("link", name="Record an event").click()
    page.get_by_label("Event:", exact=True).select_option(label=kind)
    page.get_by_label("When (date and time)").fill(when)
    page.get_by_label("Summary").fill(summary)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Event recorded.")


def _add_new_participant(
    page: Page, first: str, last: str, role: str, since: str, *, aliases: str = "", shot: str = ""
) -> None:
    page.get_by_test_id("participant-actions").get_by_role("link", name="Add a participant").click()
    form = page.get_by_test_id("new-form")
    form.get_by_label("First name").fill(first)
    form.get_by_label("Last name").fill(last)
    form.get_by_label("Aliases").fill(aliases)
    form.get_by_label("Role in the case").select_option(label=role)
    form.get_by_label("Since (date and time)").fill(since)
    if shot:
        _shot(page, shot, form)
    form.get_by_role("button", name="Record and add to the case").click()
    expect(page.locator(".messages")).to_contain_text(
        f"{first} {last} added to the case as {role.lower()}. The conflict check has run."
    )


def _relate(
    page: Page, case_url: str, person: str, kind: str, other: str, *, note: str = ""
) -> None:
    page.goto(case_url)
    page.get_by_test_id("participant-actions").get_by_role(
        "link", name="Relationships between the case's people"
    ).click()
    form = page.get_by_test_id("relationship-form")
    form.get_by_label("Person:", exact=True).select_option(label=person)
    form.get_by_label("Relationship").select_option(label=kind)
    form.get_by_label("Other person").select_option(label=other)
    form.get_by_label("Note").fill(note)
    form.get_by_role("button", name="Record relationship").click()
    expect(page.locator(".messages")).to_contain_text(f"Recorded: {person} {kind} {other}.")
    expect(page.get_by_test_id("relationships")).to_contain_text(f"{person} {kind} {other}")


def _change_role(page: Page, participant: str, role: str, reason: str, when: str) -> None:
    page.get_by_role("link", name="Change a participant's role").click()
    page.get_by_label("Participant").select_option(label=participant)
    page.get_by_label("New role").select_option(label=role)
    page.get_by_label("Reason").fill(reason)
    page.get_by_label("When (date and time)").fill(when)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Role changed.")


def _step_1_report(page: Page, demo: LiveDemo) -> tuple[str, str, str]:
    """The case number and page, and the page of another case of the office."""
    # Step 1 — 29 Jan, report: Priya Raman records the police referral, which opens the case
    # (the office has other work: an unrelated referral came in the day before).
    sign_in(page, demo, "praman")
    _, other_case_url = _refer(
        page,
        demo,
        title="Report of a burglary at a warehouse on West Lake Street",
        on="2019-01-28",
        summary="Warehouse break-in reported by the night guard.",
    )
    case, case_url = _refer(
        page,
        demo,
        title="Report of an attack on Jordan Vale",
        on="2019-01-29",
        summary="Referral from Chicago Police: Jordan Vale, 36, reports being attacked by two men.",
    )
    _add_to_team(page, "Priya Raman", "Lead prosecutor")
    _add_to_team(page, "Martin Keogh", "Team member")
    expect(page.get_by_test_id("team")).to_contain_text("Priya Raman — Lead prosecutor")
    expect(page.get_by_test_id("team")).to_contain_text("Martin Keogh — Team member")
    _record_event(
        page,
        "Report received from police",
        "2019-01-29T09:00",
        "Det. Ana Ruiz refers the report: Jordan Vale says he was attacked.",
    )
    _add_new_participant(
        page,
        "Jordan",
        "Vale",
        "Victim",
        "2019-01-29T09:00",
        aliases="J. Vale",
        shot="01-add-participant",
    )
    _add_new_participant(page, "Ana", "Ruiz", "Reporting officer", "2019-01-29T09:00")
    participants = page.get_by_test_id("participants")
    expect(participants.locator("tr", has_text="Jordan Vale")).to_contain_text("J. Vale")
    expect(participants.locator("tr", has_text="Jordan Vale")).to_contain_text("Victim")
    expect(participants.locator("tr", has_text="Ana Ruiz")).to_contain_text("Reporting officer")
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("Det. Ana Ruiz refers the report")
    expect(timeline).to_contain_text("Jordan Vale added as victim")
    _shot(page, "01-case", participants)

    return case, case_url, other_case_url


def _step_2_contact(page: Page, demo: LiveDemo, case: str, case_url: str) -> None:
    # Step 2 — early Feb, contact: Tina Vale, recorded as Jordan's relative, contacts the
    # State's Attorney, who logs it herself; the check flags her and she is asked to decide.
    _add_new_participant(page, "Tina", "Vale", "Relative of a participant", "2019-02-01T17:00")
    _relate(page, case_url, "Tina Vale", "is a relative of", "Jordan Vale")
    sign_in(page, demo, "dwhitlock")
    page.goto(case_url)
    page.get_by_role("link", name="Log a contact").click()
    page.get_by_label("Staff member").select_option(label="Dana Whitlock")
    page.get_by_label("Spoke with").select_option(label="Tina Vale")
    page.get_by_label("Channel").select_option(label="Text message")
    page.get_by_label("When (YYYY-MM-DD HH:MM)").fill("2019-02-01 18:00")
    page.get_by_label("Summary").fill(
        "Tina Vale asks Dana Whitlock about the investigation into the attack on Jordan Vale."
    )
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages li.warning")).to_contain_text(
        f"1 new potential conflict(s) flagged on {case}"
    )
    expect(page.get_by_test_id("conflicts")).to_contain_text(
        "Tina Vale, who is a relative of Jordan Vale"
    )
    expect(page.get_by_test_id("timeline")).to_contain_text("Dana Whitlock — Tina Vale")
    _shot(page, "02-contact-logged", page.get_by_test_id("conflicts"))
    page.get_by_role("link", name="Conflicts").click()
    flag = page.locator("article", has_text=case)
    expect(flag).to_contain_text("Tina Vale, who is a relative of Jordan Vale")
    expect(flag).to_contain_text("Open")
    _shot(page, "02-conflict-flag")
    # Whose conflict it is stays with her and oversight, not the rest of the team.
    sign_in(page, demo, "praman")
    page.goto(case_url)
    expect(page.locator("main")).not_to_contain_text("Tina Vale, who is a relative")


def _step_3_pivot(page: Page, case_url: str) -> None:
    # Step 3 — mid Feb, the pivot: the Dunmore brothers arrested as suspects, released; Vale
    # becomes the suspect and the brothers witnesses, each change kept with its history.
    for first in ("Cal", "Reese"):
        aliases = "Calvin Dunmore" if first == "Cal" else ""
        _add_new_participant(page, first, "Dunmore", "Suspect", "2019-02-13T20:00", aliases=aliases)
    _relate(page, case_url, "Cal Dunmore", "is a relative of", "Reese Dunmore", note="brothers")
    page.goto(case_url)
    _record_event(
        page, "Arrest", "2019-02-13T21:00", "Cal and Reese Dunmore arrested on return from travel."
    )
    _add_new_participant(page, "Victor", "Lang", "Defence attorney", "2019-02-14T09:00")
    for brother in ("Cal Dunmore", "Reese Dunmore"):
        _relate(page, case_url, "Victor Lang", "represents (attorney)", brother)
    _shot(page, "03-relationships", page.get_by_test_id("relationships"))
    page.goto(case_url)
    _record_event(
        page,
        "Release from custody",
        "2019-02-15T18:00",
        "Cal and Reese Dunmore released without charges; new evidence under review.",
    )
    _change_role(
        page,
        "Jordan Vale (Victim)",
        "Suspect",
        "Evidence indicates the attack was staged",
        "2019-02-16T12:00",
    )
    for brother in ("Cal Dunmore", "Reese Dunmore"):
        _change_role(
            page,
            f"{brother} (Suspect)",
            "Witness",
            "Released; now witnesses to the staging",
            "2019-02-16T12:00",
        )
    page.get_by_role("link", name="Edit the title and summary").click()
    page.get_by_label("Title").fill("People v. Jordan Vale")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_contain_text("People v. Jordan Vale")
    participants = page.get_by_test_id("participants")
    vale_row = participants.locator("tr", has_text="Jordan Vale")
    expect(vale_row).to_contain_text(
        "2019-02-16: Victim → Suspect (Evidence indicates the attack was staged) by Priya Raman"
    )
    expect(vale_row).to_contain_text("2019-01-29: Victim by Priya Raman")
    for brother in ("Cal Dunmore", "Reese Dunmore"):
        row = participants.locator("tr", has_text=brother)
        expect(row).to_contain_text("2019-02-13: Suspect")
        expect(row).to_contain_text("2019-02-16: Suspect → Witness")
    expect(participants.locator("tr", has_text="Cal Dunmore")).to_contain_text("Calvin Dunmore")
    expect(participants.locator("tr", has_text="Victor Lang")).to_contain_text("Defence attorney")
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("Cal and Reese Dunmore arrested")
    expect(timeline).to_contain_text("Cal and Reese Dunmore released without charges")
    expect(timeline).to_contain_text("Jordan Vale: victim → suspect")
    _shot(page, "03-pivot", participants)
    # Steps 1–3 in the case's audit trail.
    page.get_by_role("link", name="Audit trail").click()
    trail = page.get_by_test_id("audit-trail")
    for entry in (
        "Police referral received",
        "Case opened",
        "Staff member added to case team",
        "Case event recorded",
        "Participant added to case",
        "Contact logged",
        "Participant role changed",
        "Case changed",
    ):
        expect(trail).to_contain_text(entry)
    expect(trail.locator("tr", has_text="Participant role changed")).to_have_count(3)
    expect(trail.locator("tr", has_text="Participant added to case")).to_have_count(6)
    # Whose conflict was flagged is kept out of the team's trail.
    expect(trail).not_to_contain_text("Potential conflict flagged")
    _shot(page, "03-audit-trail")


def test_the_people_v_jordan_vale(page: Page, live_demo: LiveDemo, tmp_path: Path) -> None:
    demo = live_demo
    case, case_url, other_case_url = _step_1_report(page, demo)
    _step_2_contact(page, demo, case, case_url)
    _step_3_pivot(page, case_url)

    # The flag, visible to the ethics officer and the inspector general.
    for overseer in ("ethics", "pbrandt"):
        sign_in(page, demo, overseer)
        page.goto(f"{demo.url}/oversight/")
        expect(page.locator("main")).to_contain_text(
            re.compile(rf"(dwhitlock|Dana Whitlock) on {case}: Open")
        )
        page.goto(case_url)
        expect(
            page.get_by_test_id("conflicts").locator("tr", has_text="Dana Whitlock")
        ).to_contain_text("Tina Vale, who is a relative of Jordan Vale")
        page.goto(f"{demo.url}/oversight/audit/?action=conflict.flagged")
        expect(page.get_by_test_id("audit-log")).to_contain_text("Potential conflict flagged")
    # People and their relationships are recorded apart from the case, audited too.
    page.goto(f"{demo.url}/oversight/audit/?action=person.relationship_added")
    expect(
        page.get_by_test_id("audit-log").locator("tr", has_text="Relationship recorded")
    ).to_have_count(4)
    # Before her recusal, she writes to her deputy about the case (the records of step 10).
    sign_in(page, demo, "dwhitlock")
    _compose(
        page, "Vale charging", f"Is the exhibit list ready? Call my cell {PHONE} tonight.", case
    )
    _compose(page, "Vale charging", f"Use {PERSONAL_EMAIL} for the exhibit list.", case)

    # Step 4 — 19 Feb, recusal, and the refused "acting State's Attorney".
    page.get_by_role("link", name="Conflicts").click()
    flag = page.locator("article", has_text=case)
    flag.get_by_label("Recuse myself from the case").check()
    flag.get_by_label("Note").fill("A relative of the complainant contacted me about the case.")
    flag.get_by_label("Hand the case to (acting head of office)").select_option(
        label="Martin Keogh"
    )
    flag.get_by_role("button", name="Record decision").click()
    errors = page.locator(".messages li.error")
    expect(errors).to_contain_text("no office of 'acting State's Attorney'")
    expect(errors).to_contain_text("55 ILCS 5/3-9008")
    expect(page.locator("article", has_text=case)).to_contain_text("recused")
    _shot(page, "04-recusal-refused-delegation")
    # The screen takes effect on her very next request.
    page.goto(f"{demo.url}/cases/?q=Vale")
    expect(page.get_by_test_id("result-count")).to_have_text("0 cases")
    page.goto(case_url)
    expect(page.locator("h1")).to_have_text("Not found")
    # The case awaits the court; office staff cannot charge or dispose.
    sign_in(page, demo, "mkeogh")
    _open_case(page, demo, case)
    banner = page.get_by_test_id("special-prosecution")
    expect(banner).to_contain_text("Awaiting court appointment of a special prosecutor")
    expect(banner).to_contain_text("Charging and disposition are refused")
    _shot(page, "04-awaiting-appointment")
    case_id = case_url.rstrip("/").rsplit("/", 1)[1]
    response = page.goto(f"{demo.url}/charging/cases/{case_id}/charge/")
    assert response is not None
    assert response.status in {403, 404}

    # Step 5 — the court order appointing Harold Weiss, recorded from the drafted petition.
    page.goto(case_url)
    page.get_by_test_id("special-prosecution").get_by_role("link", name="Petition").click()
    with page.expect_download() as download_info:
        page.get_by_test_id("petition-download").click()
    petition = tmp_path / "petition.txt"
    download_info.value.save_as(petition)
    text = petition.read_text()
    assert "PETITION FOR THE APPOINTMENT OF A SPECIAL PROSECUTOR" in text
    assert case in text
    _shot(page, "05-petition")
    page.get_by_label("Judge").fill("Rosa Castellanos")
    page.get_by_label("Order date").fill(_office_today().isoformat())
    page.get_by_label("Appointee's username").fill("hweiss")
    page.get_by_label("Appointed from").select_option(label="Private counsel")
    page.get_by_role("button", name="Record order").click()
    expect(page.get_by_test_id("court-order")).to_contain_text("Judge Rosa Castellanos")
    expect(page.get_by_test_id("court-order")).to_contain_text("Harold Weiss")
    _shot(page, "05-court-order")
    # Weiss reaches this case and nothing else in the office.
    sign_in(page, demo, "hweiss")
    expect(page.get_by_test_id("result-count")).to_have_text("1 case")
    _open_case(page, demo, case)
    expect(page.get_by_test_id("special-prosecution")).to_contain_text(
        "Special prosecutor appointed"
    )
    page.goto(other_case_url)
    expect(page.locator("h1")).to_have_text("Not found")

    # Step 6 — charging: 16 counts, the consistency check against 2019, the rationale.
    page.goto(case_url)
    page.get_by_role("link", name="Change a participant's role").click()
    page.get_by_label("Participant").select_option(label="Jordan Vale (Suspect)")
    page.get_by_label("New role").select_option(label="Defendant")
    page.get_by_label("Reason").fill("Indicted by the grand jury")
    page.get_by_role("button", name="Save").click()
    page.goto(case_url)
    page.get_by_test_id("charging-link").click()
    page.get_by_role("link", name="Record a felony review").click()
    page.get_by_label("Approved: felony charges may be filed").check()
    page.get_by_label("Reasons").fill("The report is contradicted by the evidence.")
    page.get_by_role("button", name="Record review").click()
    expect(page.get_by_test_id("felony-reviews")).to_contain_text("Approved")
    page.get_by_role("link", name="Charge a defendant").click()
    page.get_by_label("Defendant").select_option(label="Jordan Vale")
    page.get_by_label("Statute").select_option(value=FALSE_REPORT)
    page.get_by_label("History from").fill("2019")
    page.get_by_label("to (year)").fill("2019")
    page.get_by_label("Counts").fill("16")
    page.get_by_label("Filed on").fill("2019-03-08")
    summary = page.get_by_test_id("verdict-summary")
    # The first check after an import builds the release's aggregates: allow for it.
    expect(summary).to_contain_text("16 counts", timeout=180_000)
    expect(summary).to_contain_text("the highest count total among them")
    expect(page.get_by_test_id("consistency-chart")).to_be_visible()
    expect(page.get_by_test_id("rationale-required")).to_contain_text("rationale is required")
    _shot(page, "06-consistency-check", page.get_by_test_id("consistency-chart"))
    # Not blocked, but not without a written rationale, which is kept with the decision.
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator("#charging-form")).to_contain_text("write the rationale")
    page.get_by_label("Rationale").fill("Each false statement to the police is a separate count.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_test_id("rationale")).to_contain_text("separate count")
    expect(page.get_by_test_id("decision-percentile")).to_contain_text("percentile")
    decision_url = page.url
    _shot(page, "06-charging-decision", page.get_by_test_id("rationale"))

    # Step 7 — texts: still screened, Whitlock writes to Keogh.
    sign_in(page, demo, "dwhitlock")
    _compose(page, "the case", "Call me about this one.", case)
    expect(page.get_by_test_id("message-error")).to_contain_text("Not delivered")
    _shot(page, "07-tagged-message-refused")
    _compose(
        page,
        "charging",
        "16 counts on a class 4 becomes exhibit A. Look at how the Vale case is charged.",
    )
    expect(page.locator(".messages li.warning")).to_contain_text("held, not delivered")
    _shot(page, "07-untagged-message-held")
    sign_in(page, demo, "mkeogh")
    page.get_by_role("link", name="Messages").click()
    expect(page.get_by_test_id("message-list")).not_to_contain_text("exhibit A")
    for overseer in ("ethics", "pbrandt"):
        sign_in(page, demo, overseer)
        page.goto(f"{demo.url}/oversight/")
        expect(page.get_by_test_id("held")).to_contain_text("dwhitlock")

    # Step 8 — 26 Mar: nolle prosequi for performed consideration, then immediate sealing.
    sign_in(page, demo, "hweiss")
    page.goto(case_url)
    page.get_by_test_id("dispositions-link").click()
    page.get_by_test_id("enrol-link").click()
    page.locator("#id_participant").select_option(label="Jordan Vale")
    page.locator("#id_programme").select_option(label="Alternative disposition (office-defined)")
    page.get_by_label("Starts on").fill("2019-03-20")
    page.get_by_label("Ends on").fill("2019-03-26")
    page.get_by_label("State's Attorney consents").select_option(label="Given")
    page.get_by_label("Defendant consents").select_option(label="Given")
    page.get_by_role("button", name="Check eligibility").click()
    expect(page.get_by_test_id("eligibility-overall")).to_have_text("eligible")
    page.get_by_test_id("enrol-submit").click()
    expect(page.get_by_test_id("enrolment-status")).to_have_text("Active")
    for kind, amount in (
        ("Community service (hours)", "15"),
        ("Bond forfeiture (dollars)", "10000"),
    ):
        terms = page.get_by_test_id("term-form")
        terms.get_by_label("Kind").select_option(label=kind)
        terms.get_by_label("Amount (hours, dollars, sessions)").fill(amount)
        terms.get_by_label("Due on").fill("2019-03-26")
        terms.get_by_role("button", name="Add term").click()
    _log_term(page, "term-community_service", "Hours performed", "15")
    _log_term(page, "term-bond_forfeiture", "Payment", "10000")
    expect(page.get_by_test_id("term-community_service")).to_contain_text("15.00 / 15.00 hours")
    complete = page.get_by_test_id("complete-form")
    complete.get_by_label("Completed on").fill("2019-03-26")
    complete.get_by_role("button", name="Record completion").click()
    expect(page.get_by_test_id("enrolment-status")).to_have_text("Completed")
    _shot(page, "08-terms-completed")
    page.get_by_role("link", name=case).click()
    table = page.get_by_test_id("disposition-table")
    expect(table).to_contain_text("Nolle prosequi with conditions")
    expect(table.get_by_test_id("performed-consideration")).to_have_count(16)
    expect(table).to_contain_text("Community service (hours) 15.00 hours")
    expect(table).to_contain_text("Bond forfeiture (dollars) 10000.00 dollars")
    _shot(page, "08-dispositions", table)
    page.goto(case_url)
    page.get_by_test_id("sealing-link").click()
    page.get_by_test_id("record-sealing").click()
    page.get_by_label("Kind").select_option("immediate")
    _court_order(page, "Rosa Castellanos", "2019-03-26", "19-CR-03104-SEAL")
    # Prosecutors still see it, after stating why; the reason is logged with the read.
    _reason_if_asked(page, "Recording the disposition and the sealing order.")
    expect(page.get_by_test_id("sealed-banner")).to_be_visible()
    _shot(page, "08-sealed")
    # Gone from records-request output: the records officer gets a missing case.
    sign_in(page, demo, "epark")
    response = page.goto(case_url)
    assert response is not None
    assert response.status == 404
    page.goto(f"{demo.url}/cases/?q={case}")
    expect(page.locator("#results")).not_to_contain_text(case)

    # Step 9 — 27 Mar: comparable historical cases and how they ended.
    sign_in(page, demo, "hweiss")
    page.goto(decision_url)
    _reason_if_asked(page, "Finding examples of comparable dispositions.")
    page.get_by_role("link", name="Comparable dispositions").click()
    page.get_by_role("button", name="Search").click()
    counts = page.get_by_test_id("outcome-counts")
    expect(counts).to_contain_text("Prosecutor dismissal (nolle prosequi)")
    expect(counts).to_contain_text("Guilty plea")
    history = page.get_by_test_id("history-results")
    expect(history.locator("a").first).to_be_visible()
    _shot(page, "09-comparable-dispositions")

    # Step 10 — Apr: Sam Ortiz's request; the extension; the 13(c) denial while sealed.
    number = _file_public_request(
        page, demo, "All communications between Dana Whitlock and Martin Keogh about the case."
    )
    tracking_url = page.url
    rules = public_records_rules()
    calendar = calendar_from(
        country=rules.holidays.country,
        subdivision=rules.holidays.subdivision,
        expected_names=rules.holidays.names,
    )
    today = _office_today()
    original = calendar.add_business_days(today, 5)
    sign_in(page, demo, "epark")
    _open_request(page, demo, number)
    expect(page.get_by_test_id("deadline-steps")).to_contain_text(original.explanation())
    page.get_by_text("Extend the deadline").click()
    extend = page.get_by_test_id("extend-form")
    extend.get_by_label("Statutory reason").select_option("exemption_review")
    extend.get_by_label("Facts (for the notice)").fill(
        "The communications must be reviewed for exempt material before release."
    )
    extend.get_by_label("Written notice sent on").fill(today.isoformat())
    extend.get_by_role("button", name="Extend").click()
    extended = calendar.add_business_days(original.due, 5)
    expect(page.get_by_test_id("request-status")).to_contain_text("Open, deadline extended")
    expect(page.get_by_test_id("due-on")).to_contain_text(
        f"{extended.due.day} {extended.due:%B %Y}"
    )
    expect(page.get_by_test_id("extension-reason")).to_contain_text("5 ILCS 140/3(e)(v)")
    _shot(page, "10-request-extended")
    _search_records(page, "exhibit")
    expect(page.get_by_test_id("search-results")).not_to_contain_text("Vale charging")
    page.get_by_text("Withhold a sealed case's records").click()
    page.get_by_test_id("sealed-form").get_by_label("Sealed case number").fill(case)
    page.get_by_test_id("sealed-form").get_by_role("button", name="Withhold").click()
    expect(page.get_by_test_id("withheld-cases")).to_contain_text(f"{case}: withheld under 13(c)")
    page.get_by_test_id("respond-form").get_by_role("button", name="Issue the response").click()
    expect(page.get_by_test_id("letter-issued")).to_contain_text("Denial letter issued")
    page.get_by_role("link", name="Letter", exact=True).click()
    letter = page.get_by_test_id("response-letter")
    for required in (
        "Your request is denied",
        "exempt under section 13(c) (20 ILCS 2630/13(c))",
        "Public Access Counselor",
        "within 60 days",
        "5 ILCS 140/11",
        "Ellen Park, Records (FOIA) officer",
    ):
        expect(letter).to_contain_text(required)
    _shot(page, "10-denial-letter")
    page.goto(tracking_url)
    expect(page.get_by_test_id("tracking-status")).to_contain_text("Denied")

    # Step 11 — Apr: the inspector general, by court order, reads the sealed case read-only.
    sign_in(page, demo, "hweiss")
    page.goto(f"{case_url}sealing/")
    _reason_if_asked(page, "Recording the court's order for the inspector general.")
    page.get_by_test_id("record-grant").click()
    grant = page.get_by_test_id("order-form")
    grant.get_by_label("Username of the person named").fill("pbrandt")
    grant.get_by_label("Scope").fill("The inspector general may read the file for her review.")
    _court_order(page, "Rosa Castellanos", "2019-04-15", "19-CR-03104-IG")
    expect(page.get_by_test_id("sealing-grants")).to_contain_text("Paula Brandt")
    sign_in(page, demo, "pbrandt")
    page.goto(case_url)
    _reason_if_asked(page, "Inspector general's review of the office's handling of the case.")
    expect(page.locator("h1")).to_contain_text(case)
    expect(page.get_by_role("button", name="Add to team")).to_have_count(0)
    page.goto(f"{demo.url}/oversight/")
    expect(page.get_by_test_id("refusals-by-actor")).to_contain_text("dwhitlock")
    _shot(page, "11-oversight")
    page.get_by_role("link", name="Access report").click()
    page.get_by_label("Case number").fill(case)
    page.get_by_label("At (or from)").fill("2019-01-01 00:00")
    page.get_by_label("Until").fill((today + dt.timedelta(days=1)).isoformat() + " 00:00")
    page.get_by_role("button", name="Report").click()
    report = page.get_by_test_id("access-report")
    expect(report).to_contain_text("Dana Whitlock")
    expect(report).to_contain_text("Harold Weiss")
    expect(page.get_by_test_id("case-refusals")).to_contain_text("dwhitlock")
    _shot(page, "11-access-report", report)
    page.goto(f"{demo.url}/oversight/audit/?actor=dwhitlock")
    log = page.get_by_test_id("audit-log")
    expect(log).to_contain_text("In-office acting delegation refused")
    expect(log).to_contain_text("Message held as an attempted breach")
    _shot(page, "11-audit-log")
    # The chain verified independently, from an export, by a program outside the server.
    export = tmp_path / "audit.jsonl"
    cli = [sys.executable, "-m", "evenhand.cli"]
    subprocess.run(
        [*cli, "audit", "export", "--output", str(export), "--as-user", "pbrandt"],
        env=demo.env,
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

    # Step 12 — 23 May: unsealed; the renewed request answered with redactions and a log.
    sign_in(page, demo, "hweiss")
    page.goto(f"{case_url}sealing/")
    _reason_if_asked(page, "Recording the court's unsealing order.")
    page.get_by_test_id("record-unsealing").click()
    _court_order(page, "Rosa Castellanos", "2019-05-23", "19-CR-03104-UNSEAL")
    expect(page.get_by_test_id("sealing-status")).to_have_text("Not sealed.")
    renewed = _file_public_request(
        page, demo, "The Whitlock and Keogh messages about the Vale case, now unsealed."
    )
    sign_in(page, demo, "epark")
    _open_request(page, demo, renewed)
    _search_records(page, "exhibit")
    results = page.get_by_test_id("search-results")
    expect(results.locator("tr", has_text="Vale charging")).to_have_count(2)
    _shot(page, "12-search")
    for _ in range(2):
        add = page.get_by_role("button", name="Add to review")
        page.get_by_test_id("search-results").locator("tr", has_text="Vale charging").filter(
            has=add
        ).first.get_by_role("button", name="Add to review").click()
        expect(page.locator(".messages li").first).to_contain_text("suggested redactions")
        page.get_by_test_id("records-search").get_by_role("button", name="Search").click()
    for index in range(2):
        page.get_by_test_id("review-records").get_by_role("link").nth(index).click()
        table = page.get_by_test_id("redactions")
        while table.locator("tr", has_text="Suggested").count():
            row = table.locator("tr", has_text="Suggested").first
            kind = row.locator("td").nth(1).inner_text()
            if kind in {"phone", "email"}:
                expect(row.get_by_label("Exemption")).to_have_value("7(1)(b)")
                row.get_by_role("button", name="Redact").click()
            else:
                row.get_by_role("button", name="Release").click()
            table = page.get_by_test_id("redactions")
        expect(table).to_contain_text("Accepted: redacted")
        _shot(page, f"12-redaction-{index + 1}", table)
        page.get_by_test_id("decision-form").get_by_label("Decision").select_option("responsive")
        page.get_by_test_id("decision-form").get_by_role("button", name="Record decision").click()
        page.get_by_role("link", name=f"← {renewed}").click()
    page.get_by_test_id("respond-form").get_by_role("button", name="Issue the response").click()
    expect(page.get_by_test_id("letter-issued")).to_contain_text("Partial grant letter issued")
    with page.expect_download() as package_info:
        page.get_by_test_id("package-link").click()
    package = zipfile.ZipFile(package_info.value.path())
    copies = [n for n in package.namelist() if n.startswith("records/") and n.endswith(".txt")]
    assert len(copies) == 2
    released = "".join(package.read(name).decode() for name in copies)
    assert PHONE not in released
    assert PERSONAL_EMAIL not in released
    assert released.count("[REDACTED 7(1)(b)]") == 2
    log_rows = list(csv.DictReader(io.StringIO(package.read("redaction-log.csv").decode())))
    assert {row["exemption"] for row in log_rows if row["decision"] == "accepted"} == {"7(1)(b)"}
    page.get_by_role("link", name="Letter", exact=True).click()
    _shot(page, "12-release-letter")
    # The unredacted originals stay under access control: the public sees the package only.
    page.context.clear_cookies()
    page.goto(case_url)
    expect(page).to_have_url(re.compile(r"/login/"))

    # Step 13 — Feb 2020: six counts against Vale again; the bar warns, the override is kept.
    # Priya Raman opens the second case from the referral and finds Jordan Vale by name.
    sign_in(page, demo, "praman")
    second_number, second_url = _refer(
        page,
        demo,
        title="People v. Jordan Vale (special grand jury)",
        on="2020-02-11",
        summary="Referred again for the special prosecutor: the false report of 29 January 2019.",
    )
    assert second_number != case
    second_id = second_url.rstrip("/").rsplit("/", 1)[1]
    page.get_by_test_id("participant-actions").get_by_role("link", name="Add a participant").click()
    search = page.get_by_test_id("person-search")
    search.get_by_label("Name or alias").fill("j. vale")
    search.get_by_role("button", name="Find").click()
    found = page.get_by_test_id("existing-form")
    expect(found).to_contain_text(f"Jordan Vale — also known as J. Vale — in {case} (Defendant)")
    jordan = found.get_by_role("radio", name=re.compile(r"^Jordan Vale — "))
    expect(jordan).to_have_count(1)
    jordan.check()
    found.get_by_label("Role in the case").select_option(label="Defendant")
    found.get_by_label("Since (date and time)").fill("2020-02-11T09:00")
    _shot(page, "13-second-case", found)
    found.get_by_role("button", name="Add to the case").click()
    expect(page.locator(".messages")).to_contain_text("Jordan Vale added to the case as defendant.")
    expect(page.get_by_test_id("participants")).to_contain_text("Jordan Vale")
    page.goto(f"{demo.url}/cases/{second_id}/dispositions/")
    page.get_by_test_id("file-checked-link").click()
    page.locator("#id_participant").select_option(label="Jordan Vale")
    page.get_by_label("Statute").select_option(value=FALSE_REPORT)
    page.get_by_label("Counts").fill("6")
    page.get_by_label("Filed on").fill("2020-02-11")
    page.get_by_test_id("file-submit").click()
    warning = page.get_by_test_id("bar-warning")
    expect(warning).to_contain_text(case)
    expect(warning).to_contain_text("Nolle prosequi with conditions for performed consideration")
    expect(warning).to_contain_text("People v. Smollett, 2024 IL 130431")
    _shot(page, "13-bar-warning", warning)
    page.get_by_label("Reason to proceed despite the bar (recorded)").fill(
        "The special prosecutor contends the earlier agreement is void."
    )
    page.get_by_test_id("file-submit").click()
    expect(page.locator(".messages")).to_contain_text("the bar override is recorded")
    page.goto(f"{demo.url}/cases/{second_id}/audit/")
    expect(page.locator("main")).to_contain_text("Re-prosecution bar warning shown")
    expect(page.locator("main")).to_contain_text("Re-prosecution bar overridden with reason")
    assert second_number in page.content()
    _shot(page, "13-bar-override")
