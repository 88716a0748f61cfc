"""The office's own cases in the Cook County layout, as store release 'office'.

De-identified the way the CCSAO publishes: no names, no addresses, no birth dates (age at
the case's receipt instead), and every id replaced by a number hashed with a salt drawn
anew for each export, so two exports cannot be linked to each other or to the database.
Sealed cases are left out. Statute parts and class come from the ruleset; dispositions are
written in the county's CHARGE_DISPOSITION vocabulary, programme enrolments as Diversion rows
with the county's DIVERSION_PROGRAM codes where a programme has one.
"""

from __future__ import annotations

import csv
import hashlib
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
from django.utils import timezone

from evenhand.analytics import store
from evenhand.analytics.layouts import CURRENT_COLUMNS, Dataset, export_header
from evenhand.cases.models import Charge
from evenhand.cases.selectors import office_export_charges
from evenhand.dispositions.models import ChargeDisposition, Enrolment, EnrolmentStatus
from evenhand.dispositions.vocabulary import cook_county_value
from evenhand.jurisdictions.ruleset import RulesetError, active_ruleset
from evenhand.sealing.selectors import sealed_case_ids

# The county's DIVERSION_PROGRAM codes of the ruleset's programmes that the county also runs
# (DDPP by name; the felony deferred prosecution programme is the one the county's data calls
# "BR9", after its courtroom). The office's own programmes keep their ruleset code.
COUNTY_PROGRAMME_CODES = {
    "drug_deferred_prosecution": "DDPP",
    "cook_deferred_prosecution": "BR9",
}
# DIVERSION_RESULT: the county writes Graduated or Failed, and nothing while a case is open.
# A withdrawal is neither, so it is named as what it is rather than counted as a failure.
_RESULTS = {
    EnrolmentStatus.COMPLETED: "Graduated",
    EnrolmentStatus.FAILED: "Failed",
    EnrolmentStatus.WITHDRAWN: "Withdrawn",
}


@dataclass(frozen=True)
class OfficeExport:
    rows: dict[str, int]
    sealed_excluded: int


class _Hasher:
    """Decimal ids of the layout's widths, keyed by a salt that lives only for one export."""

    def __init__(self) -> None:
        self.salt = secrets.token_bytes(32)

    def __call__(self, kind: str, value: object, digits: int) -> str:
        digest = hashlib.sha256(self.salt + f"{kind}:{value}".encode()).digest()
        number = int.from_bytes(digest[:8], "big") % (9 * 10 ** (digits - 1))
        return str(10 ** (digits - 1) + number)


def _age(born: date | None, on: date) -> int | None:
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _statute_parts(charge: Charge) -> tuple[str | None, str | None, str | None, str, str | None]:
    try:
        statute = active_ruleset().statute(charge.statute_key)
    except RulesetError:
        return None, None, None, charge.offense_class, None
    return (
        statute.chapter,
        statute.act,
        statute.section,
        charge.offense_class or statute.offense_class,
        statute.offense_category,
    )


def office_rows() -> tuple[dict[Dataset, list[dict[str, Any]]], int]:
    """Rows per dataset (store column names) and how many sealed cases were left out."""
    sealed = set(sealed_case_ids())
    every_charge = list(office_export_charges())
    charges = [c for c in every_charge if c.case_id not in sealed]
    excluded = len(sealed & {c.case_id for c in every_charge})
    current = {
        d.charge_id: d
        for d in ChargeDisposition.objects.filter(
            is_current=True, charge_id__in=[c.pk for c in charges]
        )
    }
    hashed = _Hasher()
    rows: dict[Dataset, list[dict[str, Any]]] = {d: [] for d in Dataset}
    seen_participants: set[int] = set()
    first_count: dict[int, int] = {}
    for charge in charges:
        first_count.setdefault(charge.participant_id, charge.count_number)
    for charge in charges:
        case = charge.case
        chapter, act, section, klass, category = _statute_parts(charge)
        common = {
            "case_id": hashed("case", case.pk, 12),
            "case_participant_id": hashed("participant", charge.participant_id, 13),
            "received_date": case.received_on,
            "offense_category": category,
            "age_at_incident": _age(charge.participant.person.date_of_birth, case.received_on),
            "updated_offense_category": category,
        }
        if charge.participant_id not in seen_participants:
            seen_participants.add(charge.participant_id)
            intake = {k: v for k, v in common.items() if k != "updated_offense_category"}
            rows[Dataset.INTAKE].append(
                {**intake, "participant_status": "Approved", "update_offense_category": category}
            )
        lineage = charge.previous_id or charge.pk
        charge_part = {
            **common,
            "primary_charge_flag": charge.count_number == first_count[charge.participant_id],
            "charge_id": hashed("charge", lineage, 14),
            "charge_version_id": hashed("version", charge.pk, 12),
            "charge_count": charge.count_number,
        }
        rows[Dataset.INITIATION].append(
            {
                **charge_part,
                "charge_offense_title": charge.offense_title,
                "chapter": chapter,
                "act": act,
                "section": section,
                "class": klass,
                "event_date": None,
            }
        )
        disposition = current.get(charge.pk)
        if disposition is not None:
            rows[Dataset.DISPOSITIONS].append(
                {
                    **charge_part,
                    "disposition_charged_offense_title": charge.offense_title,
                    "disposition_charged_chapter": chapter,
                    "disposition_charged_act": act,
                    "disposition_charged_section": section,
                    "disposition_charged_class": klass,
                    "disposition_date": disposition.disposed_on,
                    "charge_disposition": cook_county_value(disposition.kind),
                }
            )
    rows[Dataset.DIVERSION] = _diversion_rows(charges, hashed)
    return rows, excluded


def _diversion_rows(charges: list[Charge], hashed: _Hasher) -> list[dict[str, Any]]:
    """One row per programme enrolment of an exported defendant, described by the primary
    (lowest-count) charge as the county does; DIVERSION_COUNT is the person's enrolments."""
    primary: dict[int, Charge] = {}
    for charge in charges:
        primary.setdefault(charge.participant_id, charge)
    enrolments = list(
        Enrolment.objects.filter(participant_id__in=list(primary)).order_by(
            "participant_id", "starts_on", "pk"
        )
    )
    per_participant = Counter(e.participant_id for e in enrolments)
    diversion: list[dict[str, Any]] = []
    for enrolment in enrolments:
        charge = primary[enrolment.participant_id]
        chapter, act, section, _klass, category = _statute_parts(charge)
        status = EnrolmentStatus(enrolment.status)
        closed = None
        if status == EnrolmentStatus.COMPLETED:
            closed = enrolment.completed_on
        elif status in _RESULTS:
            # A failure or withdrawal keeps no end date of its own; it was recorded that day.
            closed = timezone.localdate(enrolment.updated_at)
        diversion.append(
            {
                "case_id": hashed("case", enrolment.case_id, 12),
                "case_participant_id": hashed("participant", enrolment.participant_id, 13),
                "received_date": charge.case.received_on,
                "offense_category": category,
                "diversion_program": COUNTY_PROGRAMME_CODES.get(
                    enrolment.programme, enrolment.programme
                ),
                "referral_date": enrolment.starts_on,
                "diversion_count": per_participant[enrolment.participant_id],
                "primary_charge_offense_title": charge.offense_title,
                "statute": f"{chapter} ILCS {act}/{section}" if chapter and section else None,
                "diversion_result": _RESULTS.get(status),
                "diversion_closed_date": closed,
            }
        )
    return diversion


def export_office(*, csv_dir: Path | None = None) -> OfficeExport:
    """Replace release 'office' in the store (and optionally write CCSAO-layout CSV files)."""
    rows, excluded = office_rows()
    counts: dict[str, int] = {}
    for dataset, dataset_rows in rows.items():
        table = _table(dataset, dataset_rows)
        counts[dataset.value] = store.write_release(dataset, store.OFFICE_RELEASE, table)
        if csv_dir is not None:
            write_layout_csv(csv_dir / f"{dataset.value}.csv", dataset, dataset_rows)
    return OfficeExport(rows=counts, sealed_excluded=excluded)


def _table(dataset: Dataset, dataset_rows: list[dict[str, Any]]) -> pa.Table:
    names = list(CURRENT_COLUMNS[dataset])
    if not dataset_rows:
        return pa.table({"case_id": pa.array([], pa.string())})
    present = [n for n in names if any(n in row for row in dataset_rows)]
    return pa.table({n: [row.get(n) for row in dataset_rows] for n in present})


def _csv_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.strftime("%m/%d/%Y 12:00:00 AM")
    return str(value)


def write_layout_csv(path: Path, dataset: Dataset, dataset_rows: list[dict[str, Any]]) -> None:
    """Rows as the county's bulk export writes them: display headers, US dates, true/false."""
    path.parent.mkdir(parents=True, exist_ok=True)
    names = CURRENT_COLUMNS[dataset]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([export_header(n) for n in names])
        writer.writerows([_csv_value(row.get(n)) for n in names] for row in dataset_rows)
