"""The real December-2019 release (shared/data/cook-county-sao/chicagoda-2019) as a store
release, with the columns the charging queries read, mapped from the 2019 API field names to
the store's (current export) names as SCHEMA.md §3 gives them."""

from __future__ import annotations

from pathlib import Path

import duckdb

from evenhand.analytics.store import write_release
from tests.conftest import SHARED_DIR

RELEASE_2019 = "chicagoda-2019"
FOLDER_2019 = SHARED_DIR / "data" / "cook-county-sao" / "chicagoda-2019"

_INITIATION = """
SELECT case_id, case_participant_id, CAST(received_date AS DATE) AS received_date,
       offense_category, updated_offense_category, primary_charge = 'true' AS primary_charge_flag,
       charge_id, charge_version_id, charge_offense_title, CAST(charge_count AS INTEGER)
       AS charge_count, chapter, act, section, class
FROM read_csv('{path}', all_varchar = true, header = true)
"""
_DISPOSITIONS = """
SELECT case_id, case_participant_id, CAST(received_date AS DATE) AS received_date,
       offense_category, updated_offense_category, charge_id, charge_version_id,
       disposition_charged_offense_title, CAST(charge_count AS INTEGER) AS charge_count,
       CAST(strptime(disposition_date, '%-m/%-d/%Y %I:%M:%S %p') AS DATE) AS disposition_date,
       disposition_charged_chapter, disposition_charged_act, disposition_charged_section,
       disposition_charged_class, charge_disposition, charge_disposition_reason
FROM read_csv('{path}', all_varchar = true, header = true)
"""


def write_2019_release(folder: Path = FOLDER_2019) -> None:
    connection = duckdb.connect(":memory:")
    try:
        for dataset, query in (("initiation", _INITIATION), ("dispositions", _DISPOSITIONS)):
            path = str(folder / f"{dataset}.csv").replace("'", "''")
            table = connection.execute(query.format(path=path)).to_arrow_table()
            write_release(dataset, RELEASE_2019, table)
    finally:
        connection.close()
