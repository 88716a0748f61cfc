"""Synthetic releases in the store's layout, for the metric tests, the browser test and bench.

The people are generated, not real: ids are counters, and every value comes from the county's
published vocabularies.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

import pyarrow as pa

from evenhand.analytics import store

CATEGORIES = ("Narcotics", "Retail Theft", "UUW - Unlawful Use of Weapon", "Burglary")
RACES = ("Black", "White", "White [Hispanic or Latino]", "Asian")
GENDERS = ("Male", "Female")
CLASSES = ("X", "1", "2", "3", "4")
REVIEW_RESULTS = ("Approved", "Rejected", "Continued Investigation", None)
DISPOSITIONS = ("Nolle Prosecution", "Plea Of Guilty", "Finding Guilty", "FNG", "BFW")
PROGRAMMES = ("DDPP", "BR9", "MHC")
DIVERSION_RESULTS = ("Graduated", "Failed", None)


@dataclass
class ReleaseRows:
    """Columns of each dataset, appended row by row."""

    intake: dict[str, list[object]] = field(default_factory=dict)
    initiation: dict[str, list[object]] = field(default_factory=dict)
    dispositions: dict[str, list[object]] = field(default_factory=dict)
    diversion: dict[str, list[object]] = field(default_factory=dict)

    def add(self, dataset: str, **values: object) -> None:
        columns: dict[str, list[object]] = getattr(self, dataset)
        count = len(next(iter(columns.values()))) if columns else 0
        for name in values.keys() - columns.keys():
            columns[name] = [None] * count
        for name, column in columns.items():
            column.append(values.get(name))

    def tables(self) -> dict[str, pa.Table]:
        return {
            name: pa.table(columns)
            for name in ("intake", "initiation", "dispositions", "diversion")
            if (columns := getattr(self, name))
        }


def synthetic_release(*, people: int, seed: int = 7, start_year: int = 2017) -> ReleaseRows:
    """`people` referred people over three years, with charges, dispositions and diversion."""
    pick = random.Random(seed)
    rows = ReleaseRows()
    for number in range(1, people + 1):
        case_id, person_id = f"{number:012d}", f"{number:013d}"
        received = dt.date(start_year, 1, 1) + dt.timedelta(days=pick.randrange(3 * 365))
        person = {
            "case_id": case_id,
            "case_participant_id": person_id,
            "received_date": received,
            "offense_category": pick.choice(CATEGORIES),
            "race": pick.choice(RACES),
            "gender": pick.choice(GENDERS),
        }
        review = pick.choice(REVIEW_RESULTS)
        rows.add("intake", **person, felony_review_result=review)
        if review == "Rejected":
            continue
        disposed = received + dt.timedelta(days=pick.randrange(30, 700))
        for count in range(1, pick.randrange(1, 4) + 1):
            charge_id = f"{number:010d}{count:03d}"
            filed_class = pick.choice(CLASSES)
            charge = {
                **person,
                "primary_charge_flag": count == 1,
                "charge_id": charge_id,
                "charge_version_id": f"{number:08d}{count:03d}",
                "charge_count": count,
            }
            rows.add("initiation", **charge, **{"class": filed_class})
            reduced = pick.random() < 0.3 and filed_class != "4"
            disposed_class = CLASSES[CLASSES.index(filed_class) + 1] if reduced else filed_class
            rows.add(
                "dispositions",
                **charge,
                disposition_date=disposed,
                disposition_charged_class=disposed_class,
                charge_disposition=pick.choice(DISPOSITIONS),
            )
        if pick.random() < 0.2:
            result = pick.choice(DIVERSION_RESULTS)
            referred = received + dt.timedelta(days=pick.randrange(5, 60))
            rows.add(
                "diversion",
                **person,
                diversion_program=pick.choice(PROGRAMMES),
                referral_date=referred,
                diversion_result=result,
                diversion_closed_date=referred + dt.timedelta(days=200) if result else None,
            )
    return rows


def write_synthetic_release(release: str, *, people: int, seed: int = 7) -> None:
    for dataset, table in synthetic_release(people=people, seed=seed).tables().items():
        store.write_release(dataset, release, table)
