"""How a charge ended, in the six groups the consistency check and the comparable search show.

The county's `CHARGE_DISPOSITION` values are grouped by the dispositions vocabulary; a
disposition whose *reason* names a diversion or deferred-prosecution programme (the county
records a programme graduate as "Nolle Prosecution" or "Case Dismissed" with a reason such as
"DDPP Graduate") counts as diversion, whatever the disposition value says.
"""

from __future__ import annotations

import enum

from evenhand.dispositions.vocabulary import CookCountyGroup, cook_county_group


class Outcome(enum.StrEnum):
    PROSECUTOR_DISMISSAL = "prosecutor_dismissal"
    GUILTY_PLEA = "guilty_plea"
    VERDICT = "verdict"
    COURT_DISMISSAL = "court_dismissal"
    DIVERSION = "diversion"
    OTHER = "other"

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self]


OUTCOME_LABELS: dict[Outcome, str] = {
    Outcome.PROSECUTOR_DISMISSAL: "Prosecutor dismissal (nolle prosequi)",
    Outcome.GUILTY_PLEA: "Guilty plea",
    Outcome.VERDICT: "Bench or jury verdict",
    Outcome.COURT_DISMISSAL: "Court dismissal or no probable cause",
    Outcome.DIVERSION: "Diversion or deferred prosecution",
    Outcome.OTHER: "Other or not final",
}

_BY_GROUP: dict[CookCountyGroup, Outcome] = {
    CookCountyGroup.PROSECUTOR_DISMISSAL: Outcome.PROSECUTOR_DISMISSAL,
    CookCountyGroup.GUILTY_PLEA: Outcome.GUILTY_PLEA,
    CookCountyGroup.BENCH_VERDICT: Outcome.VERDICT,
    CookCountyGroup.JURY_VERDICT: Outcome.VERDICT,
    CookCountyGroup.COURT_DISMISSAL: Outcome.COURT_DISMISSAL,
}

# `CHARGE_DISPOSITION_REASON` values that mean the charge ended through a programme
# (SCHEMA.md §4: DDPP, Drug School, deferred prosecution, specialty courts, RAP).
DIVERSION_REASONS = frozenset(
    reason.casefold()
    for reason in (
        "DDPP Graduate",
        "DGS Graduation",
        "Deferred Prosecution Program Completed",
        "Drug Court Graduate",
        "Mental Health Graduate",
        "Veteran's Court Graduate",
        "RJCC Graduate",
        "SEED Graduate",
        "RAP",
    )
)


def outcome_of(disposition: str, reason: str = "") -> Outcome:
    if " ".join(reason.split()).casefold() in DIVERSION_REASONS:
        return Outcome.DIVERSION
    group = cook_county_group(disposition)
    return _BY_GROUP.get(group, Outcome.OTHER) if group is not None else Outcome.OTHER
