"""The consistency query gives identical answers on DuckDB, PostgreSQL and Spark.

One SQL text per query (evenhand/analytics/queries/sql), three engines: a slice of the real
2019 initiation rows is loaded into each (PostgreSQL: a scratch schema of this test's own,
never the case tables; Spark: local mode, one session for the module), the aggregates are built
by the same portable queries, and the lookups must return the same rows.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import duckdb
import psycopg
import pytest
from pyspark.sql import SparkSession
from pyspark.sql.types import DateType, StringType, StructField, StructType

from evenhand.analytics.queries.runners import (
    DuckDBRunner,
    PostgresRunner,
    Row,
    SparkRunner,
    normalised,
)

from .realdata import FOLDER_2019

COLUMNS = (
    ("case_participant_id", "VARCHAR"),
    ("charge_id", "VARCHAR"),
    ("received_date", "DATE"),
    ("chapter", "VARCHAR"),
    ("act", "VARCHAR"),
    ("section", "VARCHAR"),
    ("class", "VARCHAR"),
    ("offense_category", "VARCHAR"),
    ("updated_offense_category", "VARCHAR"),
)
RELEASE = "chicagoda-2019"
PROPOSALS = [
    {
        "chapter": "720",
        "act": "5",
        "section_family": "26-1",
        "class": "4",
        "offense_category": "Other Offense",
        "count_total": 16,
    },
    {
        "chapter": "720",
        "act": "570",
        "section_family": "402",
        "class": "4",
        "offense_category": "Narcotics",
        "count_total": 1,
    },
    {
        "chapter": "720",
        "act": "5",
        "section_family": "24-1.1",
        "class": "2",
        "offense_category": "UUW - Unlawful Use of Weapon",
        "count_total": 3,
    },
    {
        "chapter": "",
        "act": "",
        "section_family": "",
        "class": "X",
        "offense_category": "",
        "count_total": 2,
    },
]
PERIODS = [{"year_from": 2019, "year_to": 2019}, {"year_from": 2000, "year_to": 2018}]


def _rows() -> list[tuple[Any, ...]]:
    """One participant in a hundred (by id) plus every section 26-1 charge: a few seconds of
    work on each engine, with the scenario's statute in it."""
    path = str(FOLDER_2019 / "initiation.csv").replace("'", "''")
    with duckdb.connect(":memory:") as connection:
        return connection.execute(
            f"SELECT '{RELEASE}' AS release, case_participant_id, charge_id, "
            "CAST(received_date AS DATE), chapter, act, section, class, offense_category, "
            f"updated_offense_category FROM read_csv('{path}', all_varchar = true) "
            "WHERE case_participant_id LIKE '%17' OR section LIKE '26-1%'"
        ).fetchall()


@pytest.fixture(scope="module")
def rows() -> list[tuple[Any, ...]]:
    return _rows()


def _all_answers(runner: Any) -> list[list[Row]]:
    runner.create_table("charge_rows", "charge_rows")
    runner.create_table("count_histogram", "count_histogram")
    answers = [
        normalised(runner.rows("consistency", {**p, **q})) for p in PROPOSALS for q in PERIODS
    ]
    for proposal in PROPOSALS:
        for group in ("section", "class", "all"):
            keep = {"section": ("chapter", "act", "section_family"), "class": ("class",), "all": ()}
            keys = {
                k: (proposal[k] if k in keep[group] else "")
                for k in ("chapter", "act", "section_family", "class", "offense_category")
            }
            answers.append(
                normalised(runner.rows("distribution", {**keys, **PERIODS[0], "grp": group}))
            )
    return answers


def _duckdb_answers(rows: list[tuple[Any, ...]]) -> list[list[Row]]:
    with duckdb.connect(":memory:") as connection:
        columns = ", ".join(f"{name} {kind}" for name, kind in (("release", "VARCHAR"), *COLUMNS))
        connection.execute(f"CREATE TABLE initiation ({columns})")
        connection.executemany(
            f"INSERT INTO initiation VALUES ({', '.join('?' * (len(COLUMNS) + 1))})", rows
        )
        return _all_answers(DuckDBRunner(connection))


def _postgres_url() -> str:
    configured = os.environ.get("DATABASE_URL", "")
    if configured.startswith("postgres"):
        return urlunsplit(urlsplit(configured)._replace(path="/postgres"))
    return os.environ.get(
        "EVENHAND_SCRATCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres"
    )


@pytest.fixture(scope="module")
def postgres() -> Iterator[psycopg.Connection[Any]]:
    schema = f"h3_scratch_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(_postgres_url(), autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
        try:
            connection.execute(f'SET search_path TO "{schema}"')
            yield connection
        finally:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


def _postgres_answers(
    connection: psycopg.Connection[Any], rows: list[tuple[Any, ...]]
) -> list[list[Row]]:
    columns = ", ".join(
        f'"{name}" {"DATE" if kind == "DATE" else "TEXT"}'
        for name, kind in (("release", "TEXT"), *COLUMNS)
    )
    connection.execute(f"CREATE TABLE initiation ({columns})")
    with connection.cursor() as cursor, cursor.copy("COPY initiation FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    return _all_answers(PostgresRunner(connection))


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    session = (
        SparkSession.builder.master("local[1]")
        .appName("evenhand-consistency-parity")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _spark_answers(session: SparkSession, rows: list[tuple[Any, ...]]) -> list[list[Row]]:
    schema = StructType(
        [
            StructField(name, DateType() if kind == "DATE" else StringType())
            for name, kind in (("release", "VARCHAR"), *COLUMNS)
        ]
    )
    session.createDataFrame(rows, schema).createOrReplaceTempView("initiation")
    return _all_answers(SparkRunner(session))


def test_the_consistency_query_agrees_on_duckdb_postgresql_and_spark(
    rows: list[tuple[Any, ...]], postgres: psycopg.Connection[Any], spark: SparkSession
) -> None:
    assert any(isinstance(row[3], dt.date) for row in rows)
    expected = _duckdb_answers(rows)
    # The scenario's statute is in the slice, with its 16-count participant the highest.
    section_2019 = next(r for r in expected[0] if r[0] == "section")
    assert section_2019[4] == 16
    assert _postgres_answers(postgres, rows) == expected
    assert _spark_answers(spark, rows) == expected
