"""The pages: each renders for someone who may see the case, posts go through the services,
refusals show on the form, and a case one may not see is a 404."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from evenhand.accounts.models import Role
from evenhand.dispositions.models import (
    BarOverride,
    ChargeDisposition,
    Enrolment,
    TermEntry,
    TermEntryKind,
)
from evenhand.dispositions.services import enrolment_complete, term_entry_log
from tests.factories import make_user

from .factories import FALSE_REPORT, RETAIL_THEFT, add_term, charged_case, enrol

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]  # a User from the factories
    return client


def test_the_case_page_lists_charges_and_records_a_disposition() -> None:
    world = charged_case()
    client = _client(world.prosecutor)
    page = client.get(f"/cases/{world.case.pk}/dispositions/")
    assert page.status_code == 200
    assert "Pending — record" in page.content.decode()
    response = client.post(
        f"/cases/{world.case.pk}/dispositions/record/",
        {
            "charge": world.charges[0].pk,
            "kind": "sol",
            "disposed_on": "2019-03-26",
            "reinstatement_deadline": "",
        },
    )
    assert response.status_code == 200
    assert "reinstatement deadline" in response.content.decode()
    assert not ChargeDisposition.objects.exists()
    response = client.post(
        f"/cases/{world.case.pk}/dispositions/record/",
        {"charge": world.charges[0].pk, "kind": "nolle_prosequi", "disposed_on": "2019-03-26"},
    )
    assert response.status_code == 302
    assert ChargeDisposition.objects.count() == 1


def test_a_case_one_may_not_see_is_a_404() -> None:
    world = charged_case()
    outsider = _client(make_user(role=Role.SPECIAL_PROSECUTOR))
    assert outsider.get(f"/cases/{world.case.pk}/dispositions/").status_code == 404
    assert outsider.get("/cases/999999/dispositions/").status_code == 404


def test_enrolment_page_explains_eligibility_then_enrols() -> None:
    world = charged_case(statute_key=RETAIL_THEFT)
    client = _client(world.prosecutor)
    form = {
        "participant": world.defendant.pk,
        "programme": "offender_initiative",
        "starts_on": "2019-03-20",
        "ends_on": "2020-03-20",
        "consent_state_attorney": "given",
        "consent_defendant": "given",
        "consent_victim": "unknown",
        "prior_record_attestation": "",
        "check": "1",
    }
    checked = client.post(f"/cases/{world.case.pk}/dispositions/enrol/", form)
    text = checked.content.decode()
    assert "undetermined" in text
    assert "record an attestation" in text
    refused = client.post(f"/cases/{world.case.pk}/dispositions/enrol/", {**form, "enrol": "1"})
    assert refused.status_code == 200
    assert not Enrolment.objects.exists()
    form["prior_record_attestation"] = "State criminal-history report checked: none."
    done = client.post(f"/cases/{world.case.pk}/dispositions/enrol/", {**form, "enrol": "1"})
    assert done.status_code == 302
    assert Enrolment.objects.count() == 1


def test_terms_are_logged_and_a_stale_form_is_told_so() -> None:
    world = charged_case()
    enrolment = enrol(world)
    term = add_term(world, enrolment)
    client = _client(world.prosecutor)
    entry = {
        "term": term.pk,
        "version": term.version,
        "kind": "hours",
        "amount": "5",
        "occurred_on": "2019-04-01",
        "note": "",
    }
    assert client.post(f"/enrolments/{enrolment.pk}/log/", entry).status_code == 302
    stale = client.post(f"/enrolments/{enrolment.pk}/log/", entry)
    assert "changed by someone else" in stale.content.decode()
    negative = client.post(
        f"/enrolments/{enrolment.pk}/log/", {**entry, "version": term.version + 1, "amount": "-3"}
    )
    assert negative.status_code == 200
    assert TermEntry.objects.count() == 1
    page = client.get(f"/enrolments/{enrolment.pk}/")
    assert "5.00 / 15.00 hours" in page.content.decode()


@time_machine.travel(dt.datetime(2019, 5, 2, 12, tzinfo=dt.UTC))
def test_overdue_and_due_soon_pages() -> None:
    world = charged_case()
    enrolment = enrol(world)
    add_term(world, enrolment, due_on=dt.date(2019, 4, 30))
    client = _client(world.prosecutor)
    overdue = client.get("/terms/overdue/")
    assert overdue.status_code == 200
    assert world.case.number in overdue.content.decode()
    due_soon = client.get("/terms/due-soon/")
    assert world.case.number not in due_soon.content.decode()


def test_the_bar_warning_and_the_override_on_the_filing_page() -> None:
    world = charged_case()
    enrolment = enrol(world)
    term = add_term(world, enrolment)

    term_entry_log(
        actor=world.prosecutor,
        term_id=term.pk,
        expected_version=1,
        kind=TermEntryKind.HOURS,
        amount=term.required_amount,
        occurred_on=dt.date(2019, 3, 25),
    )
    enrolment_complete(
        actor=world.prosecutor,
        enrolment_id=enrolment.pk,
        expected_version=1,
        completed_on=dt.date(2019, 3, 26),
    )
    second = charged_case(
        prosecutor=world.prosecutor, defendant=world.defendant, statute_key=RETAIL_THEFT, counts=1
    )
    client = _client(world.prosecutor)
    form = {
        "participant": second.defendant.pk,
        "statute_key": FALSE_REPORT,
        "counts": 6,
        "filed_on": "2020-02-11",
        "incident_on": "",
        "override_reason": "",
    }
    warned = client.post(f"/cases/{second.case.pk}/dispositions/charges/", form)
    assert 'data-testid="bar-warning"' in warned.content.decode()
    assert world.case.number in warned.content.decode()
    filed = client.post(
        f"/cases/{second.case.pk}/dispositions/charges/",
        {**form, "override_reason": "Terms were never performed; agreement void."},
    )
    assert filed.status_code == 302
    assert BarOverride.objects.count() == 1


@time_machine.travel(dt.datetime(2019, 6, 20, 12, tzinfo=dt.UTC))
def test_the_overdue_list_pages_by_cursor() -> None:
    world = charged_case()
    enrolment = enrol(world)
    for day in range(1, 31):
        add_term(world, enrolment, due_on=dt.date(2019, 5, day))
    client = _client(world.prosecutor)
    first = client.get("/terms/overdue/").content.decode()
    assert first.count("<td>2019-05-") == 25
    assert "2019-05-26" not in first
    cursor = first.split('href="?after=')[1].split('"')[0]
    second = client.get(f"/terms/overdue/?after={cursor}").content.decode()
    assert second.count("<td>2019-05-") == 5
    assert "2019-05-26" in second
    assert 'data-testid="next-page"' not in second
    assert client.get("/terms/overdue/?after=garbage").status_code == 200
