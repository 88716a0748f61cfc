"""The Cook County State's Attorney's `CHARGE_DISPOSITION` vocabulary and our kinds.

Export writes one county value per kind (`cook_county_value`); import reads every county value
that names one of our kinds (`kind_for_cook_county`) and returns None for the rest (e.g. "BFW",
"Mistrial Declared", the undocumented "Finding Not Not Guilty"): they are explicit unknowns,
never guessed. Values are matched ignoring case and repeated spaces, as the county's own data
mixes "Plea Of Guilty" and "Plea of Guilty - Amended Charge".
"""

from __future__ import annotations

import enum

from .models import DispositionKind

_EXPORT: dict[DispositionKind, str] = {
    DispositionKind.NOLLE_PROSEQUI: "Nolle Prosecution",
    # The county's vocabulary does not tell a conditional nolle from a plain one.
    DispositionKind.NOLLE_PROSEQUI_CONDITIONS: "Nolle Prosecution",
    DispositionKind.SOL: "SOL",
    DispositionKind.PLEA_AS_CHARGED: "Plea Of Guilty",
    DispositionKind.PLEA_AMENDED: "Plea of Guilty - Amended Charge",
    DispositionKind.PLEA_LESSER_INCLUDED: "Plea of Guilty - Lesser Included",
    DispositionKind.BENCH_GUILTY: "Finding Guilty",
    DispositionKind.BENCH_GUILTY_LESSER: "Finding Guilty - Lesser Included",
    DispositionKind.BENCH_NOT_GUILTY: "FNG",
    DispositionKind.JURY_GUILTY: "Verdict Guilty",
    DispositionKind.JURY_GUILTY_LESSER: "Verdict Guilty - Lesser Included",
    DispositionKind.JURY_NOT_GUILTY: "Verdict-Not Guilty",
    DispositionKind.DISMISSED_BY_COURT: "Case Dismissed",
    DispositionKind.NO_PROBABLE_CAUSE: "FNPC",
    DispositionKind.SUPERSEDED_BY_INDICTMENT: "Superseded by Indictment",
    DispositionKind.TRANSFERRED: "Transferred - Misd Crt",
    DispositionKind.ABATED: "Death Suggested-Cause Abated",
}

# County values that are variants of one of our kinds (import only).
_IMPORT_VARIANTS: dict[str, DispositionKind] = {
    "Nolle On Remand": DispositionKind.NOLLE_PROSEQUI,
    "Nolle Pros - Aonic": DispositionKind.NOLLE_PROSEQUI,
    "Finding Guilty - Amended Charge": DispositionKind.BENCH_GUILTY,
    "Verdict Guilty - Amended Charge": DispositionKind.JURY_GUILTY,
}


class CookCountyGroup(enum.StrEnum):
    """The grouping of county values for analytics (SCHEMA.md §4, to be confirmed)."""

    PROSECUTOR_DISMISSAL = "prosecutor dismissal"
    GUILTY_PLEA = "guilty plea"
    BENCH_VERDICT = "bench verdict"
    JURY_VERDICT = "jury verdict"
    COURT_DISMISSAL = "court dismissal or no probable cause"
    PROCEDURAL = "procedural, not final"
    OTHER = "other"


_GROUPS: dict[CookCountyGroup, tuple[str, ...]] = {
    CookCountyGroup.PROSECUTOR_DISMISSAL: (
        "Nolle Prosecution",
        "Nolle On Remand",
        "Nolle Pros - Aonic",
        "Withdrawn",
        "Charge Rejected",
    ),
    CookCountyGroup.GUILTY_PLEA: (
        "Plea Of Guilty",
        "Plea of Guilty - Amended Charge",
        "Plea of Guilty - Lesser Included",
        "Plea of Guilty But Mentally Ill",
    ),
    CookCountyGroup.BENCH_VERDICT: (
        "Finding Guilty",
        "Finding Guilty - Lesser Included",
        "Finding Guilty - Amended Charge",
        "Finding Guilty But Mentally Ill",
        "FNG",
        "FNG Reason Insanity",
    ),
    CookCountyGroup.JURY_VERDICT: (
        "Verdict Guilty",
        "Verdict Guilty - Lesser Included",
        "Verdict Guilty - Amended Charge",
        "Verdict Guilty But Mentally Ill",
        "Verdict-Not Guilty",
    ),
    CookCountyGroup.COURT_DISMISSAL: (
        "FNPC",
        "Case Dismissed",
        "Charge Vacated",
        "Charge Reversed",
    ),
    CookCountyGroup.PROCEDURAL: (
        "Superseded by Indictment",
        "Transferred - Misd Crt",
        "SOL",
        "SOLW",
        "BFW",
        "Mistrial Declared",
        "Hold Pending Interlocutory",
        "WOWI",
        "TRAN-FAI",
    ),
    CookCountyGroup.OTHER: (
        "Death Suggested-Cause Abated",
        "Sexually Dangerous Person",
        "Finding Not Not Guilty",
    ),
}


def _normalise(value: str) -> str:
    return " ".join(value.split()).casefold()


_IMPORT: dict[str, DispositionKind] = {_normalise(value): kind for kind, value in _EXPORT.items()}
# A conditional nolle exports as a plain one; a plain "Nolle Prosecution" imports as plain.
_IMPORT[_normalise("Nolle Prosecution")] = DispositionKind.NOLLE_PROSEQUI
_IMPORT.update({_normalise(value): kind for value, kind in _IMPORT_VARIANTS.items()})
_GROUP_OF: dict[str, CookCountyGroup] = {
    _normalise(value): group for group, values in _GROUPS.items() for value in values
}


def cook_county_value(kind: DispositionKind | str) -> str:
    """The `CHARGE_DISPOSITION` value the county's export uses for this kind."""
    return _EXPORT[DispositionKind(kind)]


def kind_for_cook_county(value: str) -> DispositionKind | None:
    """Our kind for a county value, or None when the value names none of our kinds."""
    return _IMPORT.get(_normalise(value))


def cook_county_group(value: str) -> CookCountyGroup | None:
    """The analytics group of a county value; None for a value outside the known vocabulary."""
    return _GROUP_OF.get(_normalise(value))
