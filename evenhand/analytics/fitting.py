"""Fit the generator's distributions from an imported real release (small JSON, committed).

Only frequencies, quantiles and vocabularies leave the data: no row, id or person does.
Judge names are not kept (the generator invents its own), and rare values are cut to the
most frequent ones per distribution so the file stays small.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb

FITTED_FILE = Path(__file__).resolve().parent / "fitted" / "ccsao-2019.json"
_TOP = 40
_STATUTES_PER_CATEGORY = 30
_QUANTILES = [round(q / 20, 2) for q in range(21)]


def load_fitted(path: Path = FITTED_FILE) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def _categorical(
    connection: duckdb.DuckDBPyConnection, sql: str, parameters: list[Any] | None = None
) -> dict[str, Any]:
    rows = connection.execute(sql, parameters).fetchall()
    # One column gives plain values; several give lists (e.g. a statute's parts).
    values = [row[0] if len(row) == 2 else list(row[:-1]) for row in rows]
    return {"values": values, "weights": [int(row[-1]) for row in rows]}


def _top(column: str, table: str, *, where: str = "true", limit: int = _TOP) -> str:
    return (
        f"SELECT {column}, count(*) FROM {table} WHERE {where} "  # noqa: S608 - constants
        f"GROUP BY ALL ORDER BY count(*) DESC, {_ties(column)} LIMIT {limit}"
    )


def _ties(columns: str) -> str:
    """Order ties by every column so a refit writes the same file."""
    return ", ".join(f"{name.strip()} NULLS FIRST" for name in columns.split(","))


def _quantiles(connection: duckdb.DuckDBPyConnection, expression: str, table: str) -> list[float]:
    row = connection.execute(
        f"SELECT quantile_cont({expression}, {_QUANTILES}) FROM {table} "  # noqa: S608
        f"WHERE {expression} IS NOT NULL"
    ).fetchone()
    return [float(v) for v in row[0]] if row and row[0] else [0.0] * len(_QUANTILES)


def fit_release(connection: duckdb.DuckDBPyConnection, release: str) -> dict[str, Any]:
    """Distributions of one release read through the store's views."""
    for dataset in ("intake", "initiation", "dispositions", "sentencing"):
        connection.execute(
            f"CREATE OR REPLACE TEMP VIEW fit_{dataset} AS SELECT * FROM {dataset} "  # noqa: S608
            f"WHERE release = '{release}'"
        )
    c = connection
    fitted: dict[str, Any] = {
        "source": f"CCSAO open data, release {release} (December-2019 extract, 2019 cases)",
        "received_range": [
            str(d)
            for d in c.execute(
                "SELECT min(received_date), max(received_date) FROM fit_intake"
            ).fetchone()
            or ()
        ],
        "participants_per_case": _categorical(
            c,
            (
                "SELECT n, count(*) FROM (SELECT case_id, count(*) n FROM fit_intake GROUP BY 1) "
                "GROUP BY 1 ORDER BY 1"
            ),
        ),
        "charges_per_participant": _categorical(
            c,
            (
                "SELECT least(n, 40), count(*) FROM (SELECT case_participant_id, count(*) n "
                "FROM fit_initiation GROUP BY 1) GROUP BY 1 ORDER BY 1"
            ),
        ),
        "participant_status": _categorical(c, _top("participant_status", "fit_intake")),
        "felony_review_result": _categorical(c, _top("felony_review_result", "fit_intake")),
        # Charged participants' categories (Initiation), since they decide the charge mix.
        "offense_category": _categorical(
            c,
            "SELECT offense_category, updated_offense_category, count(*) FROM (SELECT DISTINCT "
            "case_participant_id, offense_category, updated_offense_category "
            "FROM fit_initiation) GROUP BY ALL ORDER BY 3 DESC, 1, 2 LIMIT 150",
        ),
        "race": _categorical(c, _top("race", "fit_intake")),
        "gender": _categorical(c, _top("gender", "fit_intake")),
        "age": _categorical(c, _top("age_at_incident", "fit_intake", limit=100)),
        "agency": _categorical(c, _top("law_enforcement_agency", "fit_intake", limit=20)),
        "city": _categorical(c, _top("incident_city", "fit_intake", limit=20)),
        "event": _categorical(c, _top("event", "fit_initiation")),
        "event_lag_days": _quantiles(
            c, "date_diff('day', received_date, CAST(event_date AS DATE))", "fit_initiation"
        ),
        "arraignment_lag_days": _quantiles(
            c, "date_diff('day', received_date, arraignment_date)", "fit_initiation"
        ),
        "disposition_lag_days": _quantiles(
            c, "date_diff('day', received_date, disposition_date)", "fit_dispositions"
        ),
        "sentence_lag_days": _quantiles(
            c, "date_diff('day', disposition_date, sentence_date)", "fit_sentencing"
        ),
        "courts": _categorical(
            c, _top("disposition_court_name, disposition_court_facility", "fit_dispositions")
        ),
        "charge_disposition": _categorical(c, _top("charge_disposition", "fit_dispositions")),
        "sentence_phase": _categorical(c, _top("sentence_phase", "fit_sentencing")),
    }
    disposed = c.execute(
        "SELECT (SELECT count(*) FROM fit_dispositions) / (SELECT count(*) FROM fit_initiation)"
    ).fetchone()
    fitted["disposed_share"] = float(disposed[0]) if disposed else 0.0
    fitted["statutes_by_category"] = {}
    categories = [v[1] for v in fitted["offense_category"]["values"]]
    for category in sorted({str(cat) for cat in categories if cat is not None}):
        fitted["statutes_by_category"][category] = _categorical(
            c,
            (
                "SELECT charge_offense_title, chapter, act, section, class, aoic, count(*) "
                "FROM fit_initiation WHERE updated_offense_category = ? "
                "GROUP BY ALL ORDER BY 7 DESC, 1, 2, 3, 4, 5, 6 LIMIT ?"
            ),
            [category, _STATUTES_PER_CATEGORY],
        )
    fitted["charges_by_category"] = {}
    for category in fitted["statutes_by_category"]:
        fitted["charges_by_category"][category] = _categorical(
            c,
            (
                "SELECT least(n, 40), count(*) FROM (SELECT case_participant_id, "
                "any_value(updated_offense_category) AS category, count(*) AS n "
                "FROM fit_initiation GROUP BY 1) WHERE category = ? GROUP BY 1 ORDER BY 1"
            ),
            [category],
        )
    fitted["disposed_class"] = {}
    for (initial,) in c.execute("SELECT DISTINCT class FROM fit_initiation ORDER BY 1").fetchall():
        if initial is None:
            continue
        fitted["disposed_class"][initial] = _categorical(
            c,
            (
                "SELECT d.disposition_charged_class, count(*) FROM fit_dispositions d "
                "JOIN fit_initiation i USING (case_participant_id, charge_id) "
                "WHERE i.class = ? GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 8"
            ),
            [initial],
        )
    fitted["disposition_reason"] = {}
    for disposition in fitted["charge_disposition"]["values"]:
        fitted["disposition_reason"][disposition] = _categorical(
            c,
            _top(
                "charge_disposition_reason",
                "fit_dispositions",
                where="charge_disposition = '" + str(disposition).replace("'", "''") + "'",
                limit=8,
            ),
        )
    sentenced = c.execute(
        "SELECT d.charge_disposition, count(DISTINCT s.charge_id)::DOUBLE / count(DISTINCT "
        "d.charge_id) FROM fit_dispositions d LEFT JOIN fit_sentencing s USING "
        "(case_participant_id, charge_id) GROUP BY 1 ORDER BY 1"
    ).fetchall()
    fitted["sentenced_share"] = {str(k): float(v) for k, v in sentenced}
    fitted["sentence_type_by_class"] = {}
    for (klass,) in c.execute(
        "SELECT DISTINCT disposition_charged_class FROM fit_sentencing ORDER BY 1"
    ).fetchall():
        if klass is None:
            continue
        fitted["sentence_type_by_class"][klass] = _categorical(
            c,
            _top(
                "sentence_type",
                "fit_sentencing",
                where=f"disposition_charged_class = '{klass}'",
                limit=10,
            ),
        )
    fitted["commitment"] = {}
    for (kind,) in c.execute(
        "SELECT DISTINCT sentence_type FROM fit_sentencing WHERE sentence_type IS NOT NULL "
        "ORDER BY 1"
    ).fetchall():
        where = "sentence_type = '" + str(kind).replace("'", "''") + "'"
        fitted["commitment"][kind] = {
            "type_unit": _categorical(
                c, _top("commitment_type, commitment_unit", "fit_sentencing", where=where, limit=8)
            ),
            "term": _quantiles(
                c, f"CASE WHEN {where} THEN commitment_term_number END", "fit_sentencing"
            ),
        }
    return fitted


def write_fitted(fitted: dict[str, Any], path: Path = FITTED_FILE) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(fitted, indent=1, sort_keys=True, default=str) + "\n")
