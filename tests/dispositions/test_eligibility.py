"""Eligibility rule by rule, with the examples the statutes and programme rules give.

Offender Initiative Program (730 ILCS 5/5-6-3.3): listed probationable felonies (theft, retail
theft, burglary, deceptive practices, disorderly conduct, obstructing justice, possession),
no prior felony conviction, no violent offence, consent of the defendant and the SA.
Second Chance Probation (730 ILCS 5/5-6-3.4): after a plea or finding, at least 24 months, once.
Cook County Deferred Prosecution: the victim must consent and can veto; once only.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evenhand.dispositions.eligibility import (
    ChargeFact,
    EligibilityFacts,
    Outcome,
    Overall,
    PriorConviction,
    RuleResult,
    Verdict,
    evaluate,
)
from evenhand.jurisdictions.programmes import Programme
from evenhand.jurisdictions.ruleset import active_ruleset

ALL_CONSENTS = {"state_attorney": "given", "defendant": "given", "victim": "given"}


def _programme(code: str) -> Programme:
    return active_ruleset().programmes[code]


def _charge(statute_key: str) -> ChargeFact:
    ruleset = active_ruleset()
    statute = ruleset.statute(statute_key)
    return ChargeFact(
        statute_key=statute.key,
        citation=statute.display,
        offense_class=statute.offense_class,
        offense_category=statute.offense_category,
        is_felony=ruleset.offense_class(statute.offense_class).is_felony,
        violent=statute.violent,
    )


def _facts(*statute_keys: str, **overrides: object) -> EligibilityFacts:
    values: dict[str, object] = {
        "charges": tuple(_charge(key) for key in statute_keys),
        "consents": ALL_CONSENTS,
        "prior_record_attested": True,
        "proposed_months": 24,
    }
    values.update(overrides)
    return EligibilityFacts(**values)  # type: ignore[arg-type]  # test-built kwargs


def _rule(verdict: Verdict, rule: str) -> RuleResult:
    return next(result for result in verdict.results if result.rule == rule)


@pytest.mark.parametrize(
    "statute_key",
    ["720-5/16-25(a)(1)", "720-5/19-1(a)", "720-5/17-1(B)", "720-5/31-4(a)", "720-570/402(c)"],
)
def test_oip_takes_the_listed_probationable_felonies(statute_key: str) -> None:
    verdict = evaluate(_programme("offender_initiative"), _facts(statute_key))
    assert verdict.overall == Overall.ELIGIBLE, verdict.blocking()


@pytest.mark.parametrize(
    ("statute_key", "rule"),
    [
        ("720-5/18-1(a)", "violent_offence"),  # robbery: force or threat
        ("720-5/12-7.1", "violent_offence"),  # hate crime
        ("720-5/24-1.6(a)(1)", "violent_offence"),  # weapon
        ("720-5/9-1(a)(1)", "class"),  # murder is not probationable
        ("720-5/12-3", "felony"),  # battery is a misdemeanour
    ],
)
def test_oip_excludes_violent_and_non_probationable_offences(statute_key: str, rule: str) -> None:
    verdict = evaluate(_programme("offender_initiative"), _facts(statute_key))
    assert verdict.overall == Overall.INELIGIBLE
    assert _rule(verdict, rule).outcome == Outcome.NOT_MET


def test_oip_refuses_an_offence_off_its_list() -> None:
    verdict = evaluate(_programme("offender_initiative"), _facts("625-5/11-501(a)"))
    assert _rule(verdict, "offence").outcome == Outcome.NOT_MET
    assert "625 ILCS 5/11-501" in _rule(verdict, "offence").explanation


def test_a_prior_felony_conviction_in_the_offices_records_makes_oip_ineligible() -> None:
    prior = PriorConviction("2015-CR-0001", "720 ILCS 5/19-1", is_felony=True, violent=False)
    verdict = evaluate(
        _programme("offender_initiative"),
        _facts("720-5/16-25(a)(1)", prior_convictions=(prior,)),
    )
    result = _rule(verdict, "prior_felony")
    assert result.outcome == Outcome.NOT_MET
    assert "2015-CR-0001" in result.explanation


def test_no_record_in_the_office_without_attestation_is_unknown_not_eligible() -> None:
    verdict = evaluate(
        _programme("offender_initiative"),
        _facts("720-5/16-25(a)(1)", prior_record_attested=False),
    )
    assert verdict.overall == Overall.UNDETERMINED
    assert _rule(verdict, "prior_felony").outcome == Outcome.UNKNOWN
    assert "attestation" in _rule(verdict, "prior_felony").explanation


def test_oip_needs_the_consent_of_the_defendant_and_the_state() -> None:
    programme = _programme("offender_initiative")
    refused = evaluate(
        programme,
        _facts("720-5/16-25(a)(1)", consents={"state_attorney": "given", "defendant": "refused"}),
    )
    assert _rule(refused, "consent_defendant").outcome == Outcome.NOT_MET
    unasked = evaluate(programme, _facts("720-5/16-25(a)(1)", consents={}))
    assert _rule(unasked, "consent_state_attorney").outcome == Outcome.UNKNOWN
    assert unasked.overall == Overall.UNDETERMINED


def test_second_chance_follows_a_plea_and_lasts_24_months() -> None:
    programme = _programme("second_chance_probation")
    before_plea = evaluate(programme, _facts("720-5/16-25(a)(1)"))
    assert _rule(before_plea, "plea_or_finding").outcome == Outcome.NOT_MET
    short = evaluate(
        programme, _facts("720-5/16-25(a)(1)", has_plea_or_finding=True, proposed_months=18)
    )
    assert _rule(short, "minimum_duration").outcome == Outcome.NOT_MET
    ok = evaluate(programme, _facts("720-5/16-25(a)(1)", has_plea_or_finding=True))
    assert ok.overall == Overall.ELIGIBLE, ok.blocking()


def test_second_chance_excludes_class_2_and_above() -> None:
    verdict = evaluate(
        _programme("second_chance_probation"), _facts("720-5/19-1(a)", has_plea_or_finding=True)
    )
    assert _rule(verdict, "class").outcome == Outcome.NOT_MET


def test_second_chance_is_once_only() -> None:
    verdict = evaluate(
        _programme("second_chance_probation"),
        _facts(
            "720-5/16-25(a)(1)",
            has_plea_or_finding=True,
            prior_programmes=frozenset({"second_chance_probation"}),
        ),
    )
    assert _rule(verdict, "once_only").outcome == Outcome.NOT_MET


def test_deferred_prosecution_gives_the_victim_a_veto() -> None:
    programme = _programme("cook_deferred_prosecution")
    vetoed = evaluate(
        programme,
        _facts(
            "720-5/16-25(a)(1)",
            has_victim=True,
            consents={**ALL_CONSENTS, "victim": "refused"},
            proposed_months=12,
        ),
    )
    assert _rule(vetoed, "consent_victim").outcome == Outcome.NOT_MET
    assert "veto" in _rule(vetoed, "consent_victim").explanation
    no_victim = evaluate(
        programme,
        _facts(
            "720-5/16-25(a)(1)",
            has_victim=False,
            consents={**ALL_CONSENTS, "victim": "refused"},
            proposed_months=12,
        ),
    )
    assert _rule(no_victim, "consent_victim").outcome == Outcome.MET


def test_deferred_prosecution_excludes_a_prior_violent_conviction() -> None:
    prior = PriorConviction("2012-CR-0002", "720 ILCS 5/18-1", is_felony=True, violent=True)
    verdict = evaluate(
        _programme("cook_deferred_prosecution"),
        _facts("720-5/16-25(a)(1)", prior_convictions=(prior,), proposed_months=12),
    )
    assert _rule(verdict, "prior_violent").outcome == Outcome.NOT_MET


def test_drug_deferred_prosecution_takes_possession_only() -> None:
    programme = _programme("drug_deferred_prosecution")
    assert evaluate(programme, _facts("720-570/402(c)")).overall == Overall.ELIGIBLE
    assert evaluate(programme, _facts("720-5/16-25(a)(1)")).overall == Overall.INELIGIBLE


def test_the_alternative_disposition_takes_the_vale_charge() -> None:
    verdict = evaluate(
        _programme("alternative_disposition"), _facts("720-5/26-1(a)(4)", proposed_months=0)
    )
    assert verdict.overall == Overall.ELIGIBLE, verdict.blocking()


def test_no_current_charge_is_unknown() -> None:
    verdict = evaluate(_programme("alternative_disposition"), _facts())
    assert _rule(verdict, "offence").outcome == Outcome.UNKNOWN


STATUTES = sorted(active_ruleset().statutes)
PROGRAMMES = sorted(active_ruleset().programmes)


@given(
    programme=st.sampled_from(PROGRAMMES),
    statutes=st.lists(st.sampled_from(STATUTES), max_size=4),
    attested=st.booleans(),
    plea=st.booleans(),
    months=st.none() | st.integers(min_value=0, max_value=60),
    consent=st.sampled_from(["given", "refused", "unknown"]),
)
def test_the_overall_answer_follows_the_rules(
    *,
    programme: str,
    statutes: list[str],
    attested: bool,
    plea: bool,
    months: int | None,
    consent: str,
) -> None:
    verdict = evaluate(
        _programme(programme),
        _facts(
            *statutes,
            prior_record_attested=attested,
            has_plea_or_finding=plea,
            proposed_months=months,
            consents={"state_attorney": consent, "defendant": "given"},
        ),
    )
    outcomes = {result.outcome for result in verdict.results}
    assert all(result.explanation for result in verdict.results)
    if Outcome.NOT_MET in outcomes:
        assert verdict.overall == Overall.INELIGIBLE
    elif Outcome.UNKNOWN in outcomes:
        assert verdict.overall == Overall.UNDETERMINED
    else:
        assert verdict.overall == Overall.ELIGIBLE
    # Never eligible on an unasked consent or an unchecked record.
    if consent != "given" or (not attested and "prior_felony" in {r.rule for r in verdict.results}):
        assert verdict.overall != Overall.ELIGIBLE
