"""Correcting on the web: a disposition, a term's due date, a term waived by the court. Each
goes through the audited service, shows refusals on the form, keeps the loser's input after a
concurrent edit and says what changed, and a screened user gets the same 404 as anywhere."""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
from django.test import Client

from evenhand.accounts.models import Role, User
from evenhand.audit.models import AuditAction, AuditEntry
from evenhand.dispositions.models import (
    ChargeDisposition,
    DispositionKind,
    Term,
    TermEntryKind,
    TermStatus,
)
from evenhand.dispositions.services import (
    disposition_change,
    disposition_record,
    enrolment_complete,
    term_entry_log,
)
from evenhand.screening.models import ScreenKind
from evenhand.screening.services import screen_raise
from tests.factories import json_object, make_user

from .factories import World, add_term, charged_case, enrol

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _recorded(world: World) -> ChargeDisposition:
    return disposition_record(
        actor=world.prosecutor,
        case_id=world.case.pk,
        charge_id=world.charges[0].pk,
        kind=DispositionKind.NOLLE_PROSEQUI,
        disposed_on=dt.date(2019, 3, 26),
    )


def _text(response: object) -> str:
    """The page's text without tags, as a reader sees it."""
    content = getattr(response, "content", b"")
    assert isinstance(content, bytes)
    return html.unescape(re.sub(r"<[^>]+>", "", content.decode()))


def _without_csrf_token(content: bytes) -> bytes:
    # The token is masked afresh for every response.
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


def _hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', page)
    assert found is not None, f"no hidden {name}"
    return html.unescape(found.group(1))


def _correction(page: str, **changes: str) -> dict[str, str]:
    """The form as the page filled it in, with the user's changes."""
    form = {
        "version": _hidden(page, "version"),
        "read": _hidden(page, "read"),
        "kind": "nolle_prosequi",
        "disposed_on": "2019-03-26",
        "conditions": "",
        "reinstatement_deadline": "",
        "note": "",
        "reason": "Date entered wrongly; the half sheet says March 25",
    }
    return {**form, **changes}


def _screened(world: World) -> User:
    screened = make_user(role=Role.ASSISTANT_STATES_ATTORNEY)
    screen_raise(
        actor=make_user(role=Role.ETHICS_OFFICER),
        kind=ScreenKind.EXCLUSIONARY,
        users=[screened],
        case_ids=[world.case.pk],
        reason="Relative of the defendant",
        memo="Do not read, change, decide or discuss this case.",
    )
    return screened


def test_a_disposition_is_corrected_and_the_audit_keeps_what_it_replaced() -> None:
    world = charged_case()
    disposition = _recorded(world)
    client = _client(world.prosecutor)
    case_page = client.get(f"/cases/{world.case.pk}/dispositions/").content.decode()
    url = f"/cases/{world.case.pk}/dispositions/{disposition.pk}/correct/"
    assert f'href="{url}"' in case_page
    page = client.get(url).content.decode()
    assert 'value="2019-03-26"' in page

    response = client.post(
        url, _correction(page, disposed_on="2019-03-25", conditions="Restitution paid")
    )

    assert response.status_code == 302
    disposition.refresh_from_db()
    assert disposition.disposed_on == dt.date(2019, 3, 25)
    assert disposition.conditions == "Restitution paid"
    assert disposition.version == 2
    entry = AuditEntry.objects.get(action=AuditAction.DISPOSITION_CHANGED)
    assert entry.actor == world.prosecutor
    assert entry.case_id == world.case.pk
    assert json_object(entry.before)["disposed_on"] == "2019-03-26"
    assert json_object(entry.after)["disposed_on"] == "2019-03-25"
    assert json_object(entry.after)["conditions"] == "Restitution paid"
    assert json_object(entry.after)["reason"] == (
        "Date entered wrongly; the half sheet says March 25"
    )


def test_a_refused_correction_shows_why_and_saves_nothing() -> None:
    world = charged_case()
    disposition = _recorded(world)
    client = _client(world.prosecutor)
    url = f"/cases/{world.case.pk}/dispositions/{disposition.pk}/correct/"
    page = client.get(url).content.decode()

    # The service's rule: an SOL needs a reinstatement deadline.
    sol = client.post(url, _correction(page, kind="sol", conditions="Witness unavailable"))
    # The form's own check: a date is required.
    undated = client.post(url, _correction(page, disposed_on=""))
    future = client.post(url, _correction(page, disposed_on="2999-01-01"))

    assert sol.status_code == 200
    assert "needs a reinstatement deadline" in sol.content.decode()
    assert "Witness unavailable" in sol.content.decode()
    assert undated.status_code == 200
    assert "This field is required." in undated.content.decode()
    assert "cannot be in the future" in future.content.decode()
    disposition.refresh_from_db()
    assert (disposition.kind, disposition.version) == (DispositionKind.NOLLE_PROSEQUI, 1)
    assert not AuditEntry.objects.filter(action=AuditAction.DISPOSITION_CHANGED).exists()


def test_the_loser_of_a_concurrent_correction_is_told_what_changed_and_keeps_the_input() -> None:
    world = charged_case()
    disposition = _recorded(world)
    client = _client(world.prosecutor)
    url = f"/cases/{world.case.pk}/dispositions/{disposition.pk}/correct/"
    page = client.get(url).content.decode()
    # A colleague saves first.
    disposition_change(
        actor=make_user(role=Role.ASSISTANT_STATES_ATTORNEY),
        case_id=world.case.pk,
        disposition_id=disposition.pk,
        expected_version=1,
        kind=DispositionKind.NOLLE_PROSEQUI,
        disposed_on=dt.date(2019, 3, 25),
        reason="The half sheet says March 25",
    )
    mine = _correction(page, conditions="Complete 30 hours of service")

    lost = client.post(url, mine)

    text = html.unescape(lost.content.decode())
    assert lost.status_code == 200
    assert "changed by someone else" in text
    assert "Date: 2019-03-26 → 2019-03-25" in _text(lost)
    assert "Complete 30 hours of service" in text
    assert "Date entered wrongly; the half sheet says March 25" in text
    disposition.refresh_from_db()
    assert (disposition.conditions, disposition.version) == ("", 2)
    # Saving the kept input again is a decision taken with the change in view: it wins.
    again = client.post(url, _correction(text, conditions="Complete 30 hours of service"))
    assert again.status_code == 302
    disposition.refresh_from_db()
    assert (disposition.conditions, disposition.version) == ("Complete 30 hours of service", 3)


def test_a_correction_without_a_reason_is_refused_and_keeps_the_input() -> None:
    world = charged_case()
    disposition = _recorded(world)
    client = _client(world.prosecutor)
    url = f"/cases/{world.case.pk}/dispositions/{disposition.pk}/correct/"
    page = client.get(url).content.decode()
    assert 'name="reason"' in page

    refused = client.post(
        url,
        _correction(page, disposed_on="2019-03-25", conditions="Restitution paid", reason="  "),
    )

    text = refused.content.decode()
    assert refused.status_code == 200
    assert "This field is required." in text
    assert 'value="2019-03-25"' in text
    assert "Restitution paid" in text
    disposition.refresh_from_db()
    assert (disposition.disposed_on, disposition.version) == (dt.date(2019, 3, 26), 1)
    assert not AuditEntry.objects.filter(action=AuditAction.DISPOSITION_CHANGED).exists()


def test_a_tampered_copy_of_what_was_read_still_shows_the_current_values() -> None:
    world = charged_case()
    disposition = _recorded(world)
    client = _client(world.prosecutor)
    url = f"/cases/{world.case.pk}/dispositions/{disposition.pk}/correct/"
    page = client.get(url).content.decode()
    disposition_change(
        actor=world.prosecutor,
        case_id=world.case.pk,
        disposition_id=disposition.pk,
        expected_version=1,
        kind=DispositionKind.NOLLE_PROSEQUI,
        disposed_on=dt.date(2019, 3, 25),
        reason="The half sheet says March 25",
    )

    lost = client.post(url, _correction(page, read="forged"))

    text = _text(lost)
    assert "changed by someone else" in text
    assert "It now reads" in text
    assert "Date: 2019-03-25" in text


def test_a_screened_user_gets_the_404_of_a_missing_case_and_changes_nothing() -> None:
    world = charged_case()
    disposition = _recorded(world)
    enrolment = enrol(world)
    term = add_term(world, enrolment)
    client = _client(_screened(world))
    correct = f"/cases/{world.case.pk}/dispositions/{disposition.pk}/correct/"
    terms = f"/enrolments/{enrolment.pk}/terms/{term.pk}"
    refusals_before = AuditEntry.objects.filter(action=AuditAction.CASE_ACCESS_REFUSED).count()

    responses = [
        client.get(correct),
        client.post(
            correct,
            {"version": "1", "kind": "sol", "disposed_on": "2019-03-25", "reason": "Mistyped"},
        ),
        client.post(f"{terms}/due-date/", {f"move-{term.pk}-version": "1"}),
        client.post(
            f"{terms}/waive/",
            {
                f"waive-{term.pk}-version": "1",
                f"waive-{term.pk}-due_on": "2019-04-30",
                f"waive-{term.pk}-reason": "Medical",
                f"waive-{term.pk}-ordered_by": "Judge Rosa Castellanos",
            },
        ),
    ]

    refusals = AuditEntry.objects.filter(action=AuditAction.CASE_ACCESS_REFUSED).count()
    missing = client.get(f"/cases/999999/dispositions/{disposition.pk}/correct/")
    assert missing.status_code == 404
    assert [(r.status_code, _without_csrf_token(r.content)) for r in responses] == [
        (404, _without_csrf_token(missing.content))
    ] * len(responses)
    assert refusals - refusals_before == len(responses)
    disposition.refresh_from_db()
    term.refresh_from_db()
    assert (disposition.version, term.version, term.status) == (1, 1, TermStatus.OPEN)


def test_who_may_read_but_not_dispose_sees_no_correction_and_is_refused() -> None:
    world = charged_case()
    disposition = _recorded(world)
    enrolment = enrol(world)
    add_term(world, enrolment)
    auditor = _client(make_user(role=Role.AUDITOR))

    case_page = auditor.get(f"/cases/{world.case.pk}/dispositions/")
    enrolment_page = auditor.get(f"/enrolments/{enrolment.pk}/")
    form = auditor.get(f"/cases/{world.case.pk}/dispositions/{disposition.pk}/correct/")

    assert case_page.status_code == enrolment_page.status_code == 200
    assert "/correct/" not in case_page.content.decode()
    assert "Change due date or waive" not in enrolment_page.content.decode()
    assert form.status_code == 403


def test_a_term_due_date_is_moved_within_the_programme() -> None:
    world = charged_case()
    enrolment = enrol(world)
    term = add_term(world, enrolment)
    client = _client(world.prosecutor)
    page = client.get(f"/enrolments/{enrolment.pk}/").content.decode()
    assert "Change due date or waive" in page
    prefix = f"move-{term.pk}-"
    form = {
        f"{prefix}version": _hidden(page, f"{prefix}version"),
        f"{prefix}read": _hidden(page, f"{prefix}read"),
    }
    url = f"/enrolments/{enrolment.pk}/terms/{term.pk}/due-date/"

    reason = {f"{prefix}reason": "Extended by Judge Rosa Castellanos, order of 2019-04-12"}
    too_late = client.post(url, {**form, **reason, f"{prefix}due_on": "2019-08-01"})
    moved = client.post(url, {**form, **reason, f"{prefix}due_on": "2019-05-31"})

    assert too_late.status_code == 200
    assert "Due dates fall within 2019-03-20 to 2019-06-30" in too_late.content.decode()
    assert moved.status_code == 302
    term.refresh_from_db()
    assert (term.due_on, term.status, term.version) == (dt.date(2019, 5, 31), "open", 2)
    entry = AuditEntry.objects.get(action=AuditAction.TERM_CHANGED)
    assert json_object(entry.before)["due_on"] == "2019-04-30"
    assert json_object(entry.after)["due_on"] == "2019-05-31"
    assert json_object(entry.after)["reason"] == (
        "Extended by Judge Rosa Castellanos, order of 2019-04-12"
    )
    assert entry.case_id == world.case.pk


def test_a_due_date_move_without_a_reason_is_refused_and_keeps_the_date() -> None:
    world = charged_case()
    enrolment = enrol(world)
    term = add_term(world, enrolment)
    client = _client(world.prosecutor)
    page = client.get(f"/enrolments/{enrolment.pk}/").content.decode()
    prefix = f"move-{term.pk}-"

    refused = client.post(
        f"/enrolments/{enrolment.pk}/terms/{term.pk}/due-date/",
        {
            f"{prefix}version": _hidden(page, f"{prefix}version"),
            f"{prefix}read": _hidden(page, f"{prefix}read"),
            f"{prefix}due_on": "2019-05-31",
            f"{prefix}reason": " ",
        },
    )

    text = refused.content.decode()
    assert refused.status_code == 200
    assert "This field is required." in text
    assert f'name="{prefix}due_on" value="2019-05-31"' in text
    term.refresh_from_db()
    assert (term.due_on, term.version) == (dt.date(2019, 4, 30), 1)
    assert not AuditEntry.objects.filter(action=AuditAction.TERM_CHANGED).exists()


def test_a_due_date_move_that_lost_says_what_changed_and_keeps_the_date() -> None:
    world = charged_case()
    enrolment = enrol(world)
    term = add_term(world, enrolment)
    client = _client(world.prosecutor)
    page = client.get(f"/enrolments/{enrolment.pk}/").content.decode()
    prefix = f"move-{term.pk}-"
    # Hours are logged at the desk next door while the form is open.
    term_entry_log(
        actor=world.prosecutor,
        term_id=term.pk,
        expected_version=term.version,
        kind=TermEntryKind.HOURS,
        amount=Decimal("5"),
        occurred_on=dt.date(2019, 4, 1),
    )

    lost = client.post(
        f"/enrolments/{enrolment.pk}/terms/{term.pk}/due-date/",
        {
            f"{prefix}version": _hidden(page, f"{prefix}version"),
            f"{prefix}read": _hidden(page, f"{prefix}read"),
            f"{prefix}due_on": "2019-06-15",
            f"{prefix}reason": "Extended by the court",
        },
    )

    text = html.unescape(lost.content.decode())
    assert lost.status_code == 200
    assert "changed by someone else" in text
    assert "Progress: 0.00 / 15.00 hours → 5.00 / 15.00 hours" in _text(lost)
    assert 'value="2019-06-15"' in text
    assert 'value="Extended by the court"' in text
    term.refresh_from_db()
    assert (term.due_on, term.version) == (dt.date(2019, 4, 30), 2)
    assert _hidden(text, f"{prefix}version") == "2"


def test_a_term_is_waived_with_the_reason_and_who_ordered_it() -> None:
    world = charged_case()
    enrolment = enrol(world)
    term = add_term(world, enrolment)
    client = _client(world.prosecutor)
    page = client.get(f"/enrolments/{enrolment.pk}/").content.decode()
    prefix = f"waive-{term.pk}-"
    form = {
        f"{prefix}version": _hidden(page, f"{prefix}version"),
        f"{prefix}read": _hidden(page, f"{prefix}read"),
        f"{prefix}due_on": _hidden(page, f"{prefix}due_on"),
    }
    url = f"/enrolments/{enrolment.pk}/terms/{term.pk}/waive/"

    unexplained = client.post(url, {**form, f"{prefix}reason": "  ", f"{prefix}ordered_by": ""})
    waived = client.post(
        url,
        {
            **form,
            f"{prefix}reason": "Medical condition documented by the defence",
            f"{prefix}ordered_by": "Judge Rosa Castellanos, order of 2019-04-12",
        },
    )

    assert unexplained.status_code == 200
    assert unexplained.content.decode().count("This field is required.") == 2
    assert waived.status_code == 302
    term.refresh_from_db()
    assert (term.status, term.due_on) == (TermStatus.WAIVED, dt.date(2019, 4, 30))
    entry = AuditEntry.objects.get(action=AuditAction.TERM_CHANGED)
    assert json_object(entry.after)["waive_reason"] == (
        "Medical condition documented by the defence "
        "(ordered by Judge Rosa Castellanos, order of 2019-04-12)"
    )
    page = client.get(f"/enrolments/{enrolment.pk}/").content.decode()
    assert "Waived by the court" in page
    # A waived term is no longer open: no forms to change it.
    assert "Change due date or waive" not in page


def test_waiving_a_term_someone_just_met_is_refused_and_says_why() -> None:
    world = charged_case()
    enrolment = enrol(world)
    term = add_term(world, enrolment)
    client = _client(world.prosecutor)
    page = client.get(f"/enrolments/{enrolment.pk}/").content.decode()
    prefix = f"waive-{term.pk}-"
    term_entry_log(
        actor=world.prosecutor,
        term_id=term.pk,
        expected_version=term.version,
        kind=TermEntryKind.HOURS,
        amount=Decimal("15"),
        occurred_on=dt.date(2019, 4, 1),
    )

    refused = client.post(
        f"/enrolments/{enrolment.pk}/terms/{term.pk}/waive/",
        {
            f"{prefix}version": _hidden(page, f"{prefix}version"),
            f"{prefix}read": _hidden(page, f"{prefix}read"),
            f"{prefix}due_on": _hidden(page, f"{prefix}due_on"),
            f"{prefix}reason": "Hardship",
            f"{prefix}ordered_by": "Judge Rosa Castellanos",
        },
    )

    # The term has no forms any more, so the reason shows above the table.
    assert refused.status_code == 200
    assert "The term is met." in _text(refused)
    term.refresh_from_db()
    assert term.status == TermStatus.MET
    assert not Term.objects.filter(status=TermStatus.WAIVED).exists()


def test_a_waiver_that_lost_to_a_moved_date_does_not_move_it_back() -> None:
    world = charged_case()
    enrolment = enrol(world)
    term = add_term(world, enrolment)
    client = _client(world.prosecutor)
    page = client.get(f"/enrolments/{enrolment.pk}/").content.decode()
    prefix = f"waive-{term.pk}-"
    mine = {
        f"{prefix}version": _hidden(page, f"{prefix}version"),
        f"{prefix}read": _hidden(page, f"{prefix}read"),
        f"{prefix}due_on": _hidden(page, f"{prefix}due_on"),
        f"{prefix}reason": "Hardship",
        f"{prefix}ordered_by": "Judge Rosa Castellanos",
    }
    url = f"/enrolments/{enrolment.pk}/terms/{term.pk}/due-date/"
    # A colleague moves the date first.
    colleague = _client(make_user(role=Role.ASSISTANT_STATES_ATTORNEY))
    moved = colleague.post(
        url,
        {
            f"move-{term.pk}-version": "1",
            f"move-{term.pk}-due_on": "2019-06-15",
            f"move-{term.pk}-reason": "Extended by the court",
        },
    )
    assert moved.status_code == 302

    lost = client.post(f"/enrolments/{enrolment.pk}/terms/{term.pk}/waive/", mine)

    assert "Due date: 2019-04-30 → 2019-06-15" in _text(lost)
    kept = lost.content.decode()
    assert "Judge Rosa Castellanos" in kept
    again = client.post(
        f"/enrolments/{enrolment.pk}/terms/{term.pk}/waive/",
        {
            **mine,
            f"{prefix}version": _hidden(kept, f"{prefix}version"),
            f"{prefix}read": _hidden(kept, f"{prefix}read"),
            f"{prefix}due_on": _hidden(kept, f"{prefix}due_on"),
        },
    )
    assert again.status_code == 302
    term.refresh_from_db()
    assert (term.status, term.due_on) == (TermStatus.WAIVED, dt.date(2019, 6, 15))


def test_a_correction_of_a_disposition_replaced_meanwhile_is_refused_plainly() -> None:
    world = charged_case()
    disposition = _recorded(world)
    client = _client(world.prosecutor)
    url = f"/cases/{world.case.pk}/dispositions/{disposition.pk}/correct/"
    page = client.get(url).content.decode()
    # The programme's completion records its own disposition on every count.
    enrolment = enrol(world, ends_on=dt.date(2019, 3, 26))
    enrolment_complete(
        actor=world.prosecutor,
        enrolment_id=enrolment.pk,
        expected_version=enrolment.version,
        completed_on=dt.date(2019, 3, 26),
    )

    refused = client.post(url, _correction(page, disposed_on="2019-03-25"), follow=True)

    assert "was replaced since you opened it; nothing was saved" in _text(refused)
    disposition.refresh_from_db()
    assert (disposition.is_current, disposition.disposed_on) == (False, dt.date(2019, 3, 26))
    assert client.get(url).status_code == 404
