"""The Cook County State's Attorney open-data layouts: columns, types and older names.

The store keeps every dataset in the *current* bulk-export layout with the headers in lower
case (misspellings such as ``bond_electroinic_monitor_flag_current`` and Intake's
``update_offense_category`` kept, so a column name means the same thing as in the CCSAO's
glossary). Older layouts are mapped onto it column by column; a layout that cannot be mapped
is refused by name, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


def _columns(names: str) -> tuple[str, ...]:
    return tuple(names.split())


class Dataset(StrEnum):
    INTAKE = "intake"
    INITIATION = "initiation"
    DISPOSITIONS = "dispositions"
    SENTENCING = "sentencing"
    DIVERSION = "diversion"


class Layout(StrEnum):
    CURRENT = "current"  # bulk export, upper-case display names (2020 onward)
    API_2019 = "api-2019"  # December-2019 SODA API field names, lower case


# DuckDB type of every column that is not plain text. Everything else is VARCHAR: ids stay
# text because they are hashes with meaningful width, classes because Z/P/O/U exist.
DATE = "DATE"
TIMESTAMP = "TIMESTAMP"
BOOLEAN = "BOOLEAN"
INTEGER = "INTEGER"
DOUBLE = "DOUBLE"
VARCHAR = "VARCHAR"

COLUMN_TYPES: dict[str, str] = {
    "received_date": DATE,
    "incident_begin_date": DATE,
    "incident_end_date": DATE,
    "felony_review_date": DATE,
    "arraignment_date": DATE,
    "disposition_date": DATE,
    "sentence_date": DATE,
    "referral_date": DATE,
    "diversion_closed_date": DATE,
    # Only these carry real clock times in the export.
    "arrest_date": TIMESTAMP,
    "event_date": TIMESTAMP,
    "bond_date_initial": TIMESTAMP,
    "bond_date_current": TIMESTAMP,
    "primary_charge_flag": BOOLEAN,
    "current_sentence_flag": BOOLEAN,
    "finding_no_probable_cause": BOOLEAN,
    "bond_electronic_monitor_flag_initial": BOOLEAN,
    "bond_electroinic_monitor_flag_current": BOOLEAN,
    "charge_count": INTEGER,
    "age_at_incident": INTEGER,
    "diversion_count": INTEGER,
    "length_of_case_in_days": INTEGER,
    "bond_amount_initial": DOUBLE,
    "bond_amount_current": DOUBLE,
}

_COMMON_TAIL = (
    "age_at_incident race gender incident_city incident_begin_date incident_end_date "
    "law_enforcement_agency law_enforcement_unit arrest_date felony_review_date "
    "felony_review_result"
)

CURRENT_COLUMNS: dict[Dataset, tuple[str, ...]] = {
    Dataset.INTAKE: (
        "case_id",
        "case_participant_id",
        "received_date",
        "offense_category",
        "participant_status",
        "age_at_incident",
        "race",
        "gender",
        "incident_city",
        "incident_begin_date",
        "incident_end_date",
        "law_enforcement_agency",
        "law_enforcement_unit",
        "arrest_date",
        "felony_review_date",
        "felony_review_result",
        "update_offense_category",
    ),
    Dataset.INITIATION: _columns(
        "case_id case_participant_id received_date offense_category primary_charge_flag "
        "charge_id charge_version_id charge_offense_title charge_count chapter act section "
        "class aoic event event_date finding_no_probable_cause arraignment_date "
        "bond_date_initial bond_date_current bond_type_initial bond_type_current "
        "bond_amount_initial bond_amount_current bond_electronic_monitor_flag_initial "
        f"bond_electroinic_monitor_flag_current {_COMMON_TAIL} updated_offense_category"
    ),
    Dataset.DISPOSITIONS: _columns(
        "case_id case_participant_id received_date offense_category primary_charge_flag "
        "charge_id charge_version_id disposition_charged_offense_title charge_count "
        "disposition_date disposition_charged_chapter disposition_charged_act "
        "disposition_charged_section disposition_charged_class disposition_charged_aoic "
        "charge_disposition charge_disposition_reason judge disposition_court_name "
        f"disposition_court_facility {_COMMON_TAIL} arraignment_date "
        "updated_offense_category"
    ),
    Dataset.SENTENCING: _columns(
        "case_id case_participant_id received_date offense_category primary_charge_flag "
        "charge_id charge_version_id disposition_charged_offense_title charge_count "
        "disposition_date disposition_charged_chapter disposition_charged_act "
        "disposition_charged_section disposition_charged_class disposition_charged_aoic "
        "charge_disposition charge_disposition_reason sentence_judge sentence_court_name "
        "sentence_court_facility sentence_phase sentence_date sentence_type "
        "current_sentence_flag commitment_type commitment_term commitment_unit "
        f"length_of_case_in_days {_COMMON_TAIL} arraignment_date updated_offense_category"
    ),
    Dataset.DIVERSION: (
        "case_id",
        "case_participant_id",
        "received_date",
        "offense_category",
        "diversion_program",
        "referral_date",
        "diversion_count",
        "primary_charge_offense_title",
        "statute",
        "race",
        "gender",
        "diversion_result",
        "diversion_closed_date",
    ),
}

# Derived in the store, after the layout's own columns: COMMITMENT_TERM is text in the data
# ("030", "18 months"), so the number is kept beside the original rather than instead of it.
DERIVED_COLUMNS: dict[Dataset, tuple[tuple[str, str], ...]] = {
    Dataset.SENTENCING: (("commitment_term_number", DOUBLE),),
}

# Added to every stored row: where it came from; `release` comes from the partition path.
SOURCE_COLUMN = "source"
RELEASE_COLUMN = "release"

# The export spells the sentencing column in mixed case; every other header is upper case.
_EXPORT_HEADER_EXCEPTIONS = {"length_of_case_in_days": "LENGTH_OF_CASE_in_Days"}


def export_header(column: str) -> str:
    """The verbatim current-export header of a store column."""
    return _EXPORT_HEADER_EXCEPTIONS.get(column, column.upper())


def column_type(column: str) -> str:
    return COLUMN_TYPES.get(column, VARCHAR)


def store_columns(dataset: Dataset) -> list[tuple[str, str]]:
    """(name, DuckDB type) of every stored column of a dataset, without the partition."""
    columns = [(name, column_type(name)) for name in CURRENT_COLUMNS[dataset]]
    columns.extend(DERIVED_COLUMNS.get(dataset, ()))
    columns.append((SOURCE_COLUMN, VARCHAR))
    return columns


# December-2019 API names that differ from the current layout, per dataset.
_API_2019_RENAMES_COMMON = {
    "primary_charge": "primary_charge_flag",
    "unit": "law_enforcement_unit",
}
API_2019_RENAMES: dict[Dataset, dict[str, str]] = {
    Dataset.INTAKE: {"unit": "law_enforcement_unit"},
    Dataset.INITIATION: dict(_API_2019_RENAMES_COMMON),
    Dataset.DISPOSITIONS: {
        **_API_2019_RENAMES_COMMON,
        "court_name": "disposition_court_name",
        "court_facility": "disposition_court_facility",
    },
    Dataset.SENTENCING: {
        **_API_2019_RENAMES_COMMON,
        "court_name": "sentence_court_name",
        "court_facility": "sentence_court_facility",
        "current_sentence": "current_sentence_flag",
    },
}

API_2019_COLUMNS: dict[Dataset, tuple[str, ...]] = {
    Dataset.INTAKE: _columns(
        "case_id case_participant_id received_date offense_category participant_status "
        "age_at_incident gender race incident_begin_date incident_end_date "
        "law_enforcement_agency unit incident_city arrest_date felony_review_date "
        "felony_review_result update_offense_category"
    ),
    Dataset.INITIATION: _columns(
        "case_id case_participant_id offense_category primary_charge charge_id "
        "charge_version_id charge_offense_title chapter act section class aoic event "
        "event_date age_at_incident gender race incident_begin_date incident_end_date "
        "arrest_date law_enforcement_agency unit incident_city received_date "
        "arraignment_date updated_offense_category charge_count"
    ),
    Dataset.DISPOSITIONS: _columns(
        "case_id case_participant_id offense_category primary_charge charge_id "
        "charge_version_id disposition_charged_offense_title "
        "disposition_charged_chapter disposition_charged_act "
        "disposition_charged_section disposition_charged_class disposition_charged_aoic "
        "disposition_date charge_disposition charge_disposition_reason judge court_name "
        "court_facility age_at_incident gender race incident_begin_date "
        "incident_end_date arrest_date law_enforcement_agency unit incident_city "
        "received_date arraignment_date updated_offense_category charge_count"
    ),
    Dataset.SENTENCING: _columns(
        "case_id case_participant_id offense_category primary_charge charge_id "
        "charge_version_id disposition_charged_offense_title "
        "disposition_charged_chapter disposition_charged_act "
        "disposition_charged_section disposition_charged_class disposition_charged_aoic "
        "disposition_date charge_disposition charge_disposition_reason sentence_phase "
        "sentence_date sentence_judge sentence_type current_sentence commitment_type "
        "commitment_term commitment_unit court_name court_facility "
        "length_of_case_in_days age_at_incident gender race incident_begin_date "
        "incident_end_date arrest_date law_enforcement_agency unit incident_city "
        "received_date arraignment_date updated_offense_category charge_count"
    ),
}

# The aggregate tables the CCSAO also published are counts of defendants, not case rows.
AGGREGATE_MARKERS = frozenset({"defendant count", "year"})


class LayoutError(ValueError):
    """A file whose header matches no layout the importer can map."""


@dataclass(frozen=True)
class DetectedLayout:
    dataset: Dataset
    layout: Layout
    # Source header name -> store column, for every column the file has.
    mapping: dict[str, str]


def detect_layout(header: list[str]) -> DetectedLayout:
    """Which dataset and layout a header is, or a LayoutError naming what does not fit."""
    lowered = [name.strip().lower() for name in header]
    names = set(lowered)
    if len(names) != len(lowered):
        duplicates = sorted({n for n in lowered if lowered.count(n) > 1})
        raise LayoutError(f"the header repeats columns: {', '.join(duplicates)}")
    if names >= AGGREGATE_MARKERS:
        raise LayoutError(
            "this is an aggregate table (counts of defendants by year and category: "
            f"{', '.join(header)}), not case-level rows; it cannot be imported"
        )
    for dataset, columns in CURRENT_COLUMNS.items():
        if names == set(columns):
            return DetectedLayout(
                dataset,
                Layout.CURRENT,
                dict(zip(header, lowered, strict=True)),
            )
    for dataset, api_columns in API_2019_COLUMNS.items():
        if names == set(api_columns):
            renames = API_2019_RENAMES[dataset]
            return DetectedLayout(
                dataset,
                Layout.API_2019,
                {raw: renames.get(low, low) for raw, low in zip(header, lowered, strict=True)},
            )
    raise LayoutError(_closest_mismatch(names, header))


def _closest_mismatch(names: set[str], header: list[str]) -> str:
    candidates: list[tuple[int, str, str, set[str]]] = []
    for dataset, columns in CURRENT_COLUMNS.items():
        candidates.append((len(names & set(columns)), dataset.value, "current", set(columns)))
    for dataset, api_columns in API_2019_COLUMNS.items():
        candidates.append(
            (len(names & set(api_columns)), dataset.value, "2019 API", set(api_columns))
        )
    overlap, dataset_name, layout_name, expected = max(candidates)
    if overlap < 3:
        return (
            "the columns match no Cook County layout the importer knows "
            f"(header: {', '.join(header[:12])}{', ...' if len(header) > 12 else ''})"
        )
    missing = sorted(expected - names)
    unknown = sorted(names - expected)
    parts = [f"closest layout is {dataset_name} ({layout_name})"]
    if missing:
        parts.append(f"missing columns: {', '.join(missing)}")
    if unknown:
        parts.append(f"columns it cannot map: {', '.join(unknown)}")
    return "; ".join(parts)
