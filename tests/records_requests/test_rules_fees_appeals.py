"""The ruleset section's validation, the fee rules, appeals and status changes."""

from __future__ import annotations

import copy
import datetime as dt
import tomllib
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from evenhand.jurisdictions.ruleset import RULESET_DIR, RulesetError
from evenhand.records_requests.fees import FeeError, fee_quote
from evenhand.records_requests.models import RequestStatus
from evenhand.records_requests.rules import FeeRules, parse_public_records
from evenhand.records_requests.selectors import desk_lists
from evenhand.records_requests.services import (
    appeal_close,
    appeal_record,
    request_set_status,
    response_issue,
)

from .factories import make_officer, make_records_request

FEES = FeeRules(
    citation="5 ILCS 140/6", free_pages=50, max_cents_per_page=15, electronic_copies_free=True
)


def _section() -> dict[str, Any]:
    with (RULESET_DIR / "illinois.toml").open("rb") as handle:
        return dict(tomllib.load(handle)["public_records"])


def test_the_shipped_section_is_valid_and_complete() -> None:
    rules = parse_public_records(_section())
    assert len(rules.extension_reasons) == 7
    assert {"7(1)(a)", "7(1)(b)", "7(1)(c)", "7(1)(m)", "13(c)"} <= set(rules.exemptions)
    assert {f"7(1)(d)({n})" for n in ("i", "ii", "iii", "iv", "v", "vi", "vii")} <= set(
        rules.exemptions
    )
    assert rules.sealed_exemption.citation == "20 ILCS 2630/13(c)"
    assert rules.requester_class("commercial").business_days == 21


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda s: s.pop("response_business_days"), "missing required field"),
        (lambda s: s.update(response_business_days="five"), "must be int"),
        (lambda s: s.update(pac_request_window_days=-1), "negative"),
        (lambda s: s["exemptions"].append(dict(s["exemptions"][0])), "duplicate code"),
        (lambda s: s["exemptions"][-2].pop("sealed_records"), "sealed_records"),
        (lambda s: s["requester_classes"].pop("standard"), "'standard' class"),
        (lambda s: s["holidays"].update(source="calendar.txt"), "only the 'holidays'"),
        (lambda s: s["extension_reasons"][0].update(text=" "), "must not be empty"),
    ],
)
def test_a_broken_section_names_the_problem(mutate: Any, message: str) -> None:
    section = copy.deepcopy(_section())
    mutate(section)
    with pytest.raises(RulesetError, match=message):
        parse_public_records(section)


@given(
    pages=st.integers(min_value=0, max_value=100_000), electronic=st.booleans(), late=st.booleans()
)
def test_fees_never_exceed_the_cap_and_are_zero_when_late_or_electronic(
    pages: int, electronic: bool, late: bool
) -> None:
    quote = fee_quote(rules=FEES, paper_pages=pages, electronic=electronic, late=late)
    assert 0 <= quote.cents <= max(0, pages - 50) * 15
    if late or electronic or pages <= 50:
        assert quote.cents == 0
    assert quote.explanation


def test_fee_errors_are_clear() -> None:
    with pytest.raises(FeeError, match="between 0 and"):
        fee_quote(rules=FEES, paper_pages=-1, electronic=False, late=False)


@pytest.mark.django_db
@time_machine.travel("2019-04-08 10:00 -05:00")
def test_waiting_and_partially_fulfilled_requests_stay_on_the_desk_with_their_due_date() -> None:
    officer = make_officer()
    request = make_records_request(officer, received_on=dt.date(2019, 3, 25))
    waiting = request_set_status(
        actor=officer,
        request_id=request.pk,
        status=RequestStatus.WAITING_FOR_REQUESTER,
        note="Asked Sam Ortiz to narrow the date range.",
    )
    assert waiting.due_on == dt.date(2019, 4, 1)
    assert desk_lists(user=officer, today=dt.date(2019, 4, 8)).overdue == [waiting]
    with pytest.raises(ValidationError, match="set by answering"):
        request_set_status(
            actor=officer, request_id=request.pk, status=RequestStatus.GRANTED, note="x"
        )
    partly = request_set_status(
        actor=officer,
        request_id=request.pk,
        status=RequestStatus.PARTIALLY_FULFILLED,
        note="First installment sent.",
    )
    assert partly.is_overdue(dt.date(2019, 4, 8))


@pytest.mark.django_db
def test_pac_review_deadlines_and_window() -> None:
    with time_machine.travel("2019-04-08 10:00 -05:00"):
        officer = make_officer()
        request = make_records_request(officer)
        response_issue(actor=officer, request_id=request.pk, issued_on=dt.date(2019, 4, 8))
    with time_machine.travel("2019-06-20 10:00 -05:00"):
        too_late = dt.date(2019, 6, 10)  # 63 days after the answer
        with pytest.raises(ValidationError, match="within 60 days"):
            appeal_record(
                actor=officer,
                request_id=request.pk,
                kind="pac_review",
                filed_on=too_late,
                notice_received_on=too_late,
            )
        appeal = appeal_record(
            actor=officer,
            request_id=request.pk,
            kind="pac_review",
            filed_on=dt.date(2019, 5, 24),
            notice_received_on=dt.date(2019, 5, 24),
            reference="2019 PAC 58201",
        )
        # Friday 24 May: Memorial Day (27 May) is skipped; 7 business days is Wednesday 5 June.
        assert appeal.records_due_on == dt.date(2019, 6, 5)
        assert appeal.answer_due_on == dt.date(2019, 6, 5)
        closed = appeal_close(
            actor=officer,
            appeal_id=appeal.pk,
            closed_on=dt.date(2019, 6, 20),
            outcome="PAC found the redactions proper.",
        )
        assert closed.closed_on == dt.date(2019, 6, 20)
        with pytest.raises(ValidationError, match="already closed"):
            appeal_close(
                actor=officer, appeal_id=appeal.pk, closed_on=dt.date(2019, 6, 20), outcome="x"
            )
