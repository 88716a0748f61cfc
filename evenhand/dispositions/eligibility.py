"""Programme eligibility, rule by rule, as a pure function of a programme and the facts.

No database here: `selectors.eligibility_facts` gathers the facts. Every rule answers met, not
met, or unknown, with a sentence saying why. The office knows only its own cases, so "no prior
conviction found" is unknown until someone records an attestation (e.g. that the state's
criminal-history report was checked); it is never read as "eligible".
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from evenhand.jurisdictions.programmes import Programme


class Outcome(enum.StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"


class Overall(enum.StrEnum):
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    UNDETERMINED = "undetermined"


@dataclass(frozen=True)
class RuleResult:
    rule: str
    outcome: Outcome
    explanation: str

    def as_json(self) -> dict[str, str]:
        return {"rule": self.rule, "outcome": self.outcome.value, "explanation": self.explanation}


@dataclass(frozen=True)
class ChargeFact:
    statute_key: str
    citation: str
    offense_class: str
    offense_category: str
    is_felony: bool
    violent: bool


@dataclass(frozen=True)
class PriorConviction:
    case_label: str
    citation: str
    is_felony: bool
    violent: bool


@dataclass(frozen=True)
class EligibilityFacts:
    charges: tuple[ChargeFact, ...]
    prior_convictions: tuple[PriorConviction, ...] = ()
    prior_programmes: frozenset[str] = frozenset()
    has_plea_or_finding: bool = False
    has_victim: bool = False
    # Party -> "given" / "refused" / "unknown" (ConsentState values).
    consents: Mapping[str, str] = field(default_factory=dict)
    prior_record_attested: bool = False
    proposed_months: int | None = None


@dataclass(frozen=True)
class Verdict:
    programme: Programme
    results: tuple[RuleResult, ...]

    @property
    def overall(self) -> Overall:
        outcomes = {result.outcome for result in self.results}
        if Outcome.NOT_MET in outcomes:
            return Overall.INELIGIBLE
        if Outcome.UNKNOWN in outcomes:
            return Overall.UNDETERMINED
        return Overall.ELIGIBLE

    def blocking(self) -> list[RuleResult]:
        return [result for result in self.results if result.outcome != Outcome.MET]


PARTY_LABELS = {
    "state_attorney": "the State's Attorney",
    "defendant": "the defendant",
    "victim": "the victim",
}


def _offences(programme: Programme, facts: EligibilityFacts) -> list[RuleResult]:
    results: list[RuleResult] = []
    if not facts.charges:
        return [RuleResult("offence", Outcome.UNKNOWN, "No current charge against this person.")]
    if programme.any_offence:
        results.append(RuleResult("offence", Outcome.MET, "The programme takes any offence."))
    else:
        outside = [
            charge.citation
            for charge in facts.charges
            if charge.statute_key not in programme.offence_statutes
            and charge.offense_category not in programme.offence_categories
        ]
        results.append(
            RuleResult(
                "offence",
                Outcome.NOT_MET if outside else Outcome.MET,
                f"Not on the programme's offence list: {', '.join(sorted(set(outside)))}."
                if outside
                else "Every charge is on the programme's offence list.",
            )
        )
    excluded = sorted(
        {c.citation for c in facts.charges if c.statute_key in programme.excluded_statutes}
    )
    if programme.excluded_statutes:
        results.append(
            RuleResult(
                "excluded_offence",
                Outcome.NOT_MET if excluded else Outcome.MET,
                f"Excluded offence charged: {', '.join(excluded)}."
                if excluded
                else "No excluded offence is charged.",
            )
        )
    if programme.felony_only:
        felony = any(charge.is_felony for charge in facts.charges)
        results.append(
            RuleResult(
                "felony",
                Outcome.MET if felony else Outcome.NOT_MET,
                "A felony is charged."
                if felony
                else "The programme is for felony charges; none is charged.",
            )
        )
    if programme.excluded_classes:
        classes = sorted(
            {
                c.offense_class
                for c in facts.charges
                if c.offense_class in programme.excluded_classes
            }
        )
        results.append(
            RuleResult(
                "class",
                Outcome.NOT_MET if classes else Outcome.MET,
                f"Charged class(es) {', '.join(classes)} are excluded (not probationable)."
                if classes
                else "No charge is of an excluded class.",
            )
        )
    if programme.exclude_violent:
        violent = sorted({c.citation for c in facts.charges if c.violent})
        results.append(
            RuleResult(
                "violent_offence",
                Outcome.NOT_MET if violent else Outcome.MET,
                f"Violent offence charged: {', '.join(violent)}."
                if violent
                else "No violent offence is charged.",
            )
        )
    return results


def _prior_record(
    rule: str, wanted: str, found: list[PriorConviction], attested: bool
) -> RuleResult:
    if found:
        where = ", ".join(sorted({f"{p.citation} ({p.case_label})" for p in found}))
        return RuleResult(rule, Outcome.NOT_MET, f"Prior {wanted} conviction: {where}.")
    if attested:
        return RuleResult(
            rule,
            Outcome.MET,
            f"No prior {wanted} conviction in the office's records, and the record check "
            "outside them is attested.",
        )
    return RuleResult(
        rule,
        Outcome.UNKNOWN,
        f"No prior {wanted} conviction in the office's records, but the office holds only its "
        "own cases: record an attestation of the criminal-history check.",
    )


def _consents(programme: Programme, facts: EligibilityFacts) -> list[RuleResult]:
    results = []
    for party in sorted(programme.required_consents):
        label = PARTY_LABELS[party]
        rule = f"consent_{party}"
        if party == "victim" and not facts.has_victim:
            results.append(RuleResult(rule, Outcome.MET, "There is no victim in the case."))
            continue
        state = facts.consents.get(party, "unknown")
        if state == "given":
            results.append(RuleResult(rule, Outcome.MET, f"Consent of {label} given."))
        elif state == "refused":
            veto = party == "victim" and programme.victim_veto
            results.append(
                RuleResult(
                    rule,
                    Outcome.NOT_MET,
                    "The victim vetoes the programme (the programme gives a veto)."
                    if veto
                    else f"Consent of {label} refused.",
                )
            )
        else:
            results.append(
                RuleResult(rule, Outcome.UNKNOWN, f"Consent of {label} not yet recorded.")
            )
    return results


def evaluate(programme: Programme, facts: EligibilityFacts) -> Verdict:
    """Every eligibility rule of the programme, in a fixed order, with its explanation."""
    results = _offences(programme, facts)
    if programme.no_prior_felony_conviction:
        found = [p for p in facts.prior_convictions if p.is_felony]
        results.append(_prior_record("prior_felony", "felony", found, facts.prior_record_attested))
    if programme.no_prior_violent_conviction:
        found = [p for p in facts.prior_convictions if p.violent]
        results.append(
            _prior_record("prior_violent", "violent", found, facts.prior_record_attested)
        )
    if programme.requires_plea_or_finding:
        results.append(
            RuleResult(
                "plea_or_finding",
                Outcome.MET if facts.has_plea_or_finding else Outcome.NOT_MET,
                "A plea of guilty or a finding of guilt is recorded."
                if facts.has_plea_or_finding
                else "The programme follows a plea of guilty or a finding of guilt; none is "
                "recorded yet.",
            )
        )
    if programme.once_only:
        earlier = programme.code in facts.prior_programmes
        results.append(
            RuleResult(
                "once_only",
                Outcome.NOT_MET if earlier else Outcome.MET,
                "Already enrolled once; the programme may be used only once."
                if earlier
                else "No earlier enrolment in this programme in the office's records.",
            )
        )
    results.extend(_consents(programme, facts))
    if programme.minimum_months:
        months = facts.proposed_months
        if months is None:
            outcome, why = (
                Outcome.UNKNOWN,
                f"Propose a period of at least {programme.minimum_months} months.",
            )
        elif months >= programme.minimum_months:
            outcome, why = (
                Outcome.MET,
                f"{months} months meets the minimum of {programme.minimum_months}.",
            )
        else:
            outcome, why = (
                Outcome.NOT_MET,
                f"{months} months is shorter than the minimum of {programme.minimum_months}.",
            )
        results.append(RuleResult("minimum_duration", outcome, why))
    return Verdict(programme=programme, results=tuple(results))
