"""One small runner per engine for the portable queries in ``sql/``.

The SQL text is the same for every engine. A runner turns ``:name`` markers into its driver's
placeholder style and binds the values; relations (``initiation``, ``charge_rows``, ...) are
whatever the caller has registered under those names in that engine.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import duckdb
    import psycopg
    from pyspark.sql import SparkSession

SQL_DIR = Path(__file__).resolve().parent / "sql"
_MARKER = re.compile(r"(?<![:\w]):([a-z_][a-z0-9_]*)")

Row = tuple[Any, ...]
Params = Mapping[str, object]


@cache
def query_text(name: str) -> str:
    """The query's SQL without its comment lines (comments may hold colons)."""
    if not re.fullmatch(r"[a-z_]+", name):
        msg = f"no query named {name!r}"
        raise ValueError(msg)
    raw = (SQL_DIR / f"{name}.sql").read_text()
    return "\n".join(line for line in raw.splitlines() if not line.lstrip().startswith("--"))


def markers(sql: str) -> list[str]:
    return _MARKER.findall(sql)


def _bind(name: str, params: Params | None) -> dict[str, object]:
    """The values the query uses; a missing one is an error, extra ones are left out."""
    used = set(markers(query_text(name)))
    values = dict(params or {})
    missing = sorted(used - set(values))
    if missing:
        msg = f"missing query parameters: {', '.join(missing)}"
        raise ValueError(msg)
    return {key: value for key, value in values.items() if key in used}


class Runner(Protocol):
    engine: str

    def rows(self, name: str, params: Params | None = None) -> list[Row]: ...


class DuckDBRunner:
    engine = "duckdb"

    def __init__(self, connection: duckdb.DuckDBPyConnection) -> None:
        self.connection = connection

    def sql(self, name: str) -> str:
        return _MARKER.sub(r"$\1", query_text(name))

    def rows(self, name: str, params: Params | None = None) -> list[Row]:
        values = _bind(name, params)
        return self.connection.execute(self.sql(name), values or None).fetchall()

    def create_table(self, table: str, name: str, params: Params | None = None) -> None:
        """Materialise a query's result as a table of this connection."""
        values = _bind(name, params)
        self.connection.execute(
            f"CREATE OR REPLACE TABLE {_identifier(table)} AS {self.sql(name)}", values or None
        )


class PostgresRunner:
    """Runs on a psycopg connection whose ``search_path`` points at the relations' schema."""

    engine = "postgresql"

    def __init__(self, connection: psycopg.Connection[Any]) -> None:
        self.connection = connection

    def sql(self, name: str) -> str:
        # psycopg's placeholders are %(name)s; a literal % in the text must be doubled first.
        return _MARKER.sub(r"%(\1)s", query_text(name).replace("%", "%%"))

    def rows(self, name: str, params: Params | None = None) -> list[Row]:
        values = _bind(name, params)
        with self.connection.cursor() as cursor:
            cursor.execute(self.sql(name), values)
            return list(cursor.fetchall())

    def create_table(self, table: str, name: str, params: Params | None = None) -> None:
        values = _bind(name, params)
        statement = f"CREATE TABLE {_identifier(table)} AS {self.sql(name)}"
        with self.connection.cursor() as cursor:
            cursor.execute(statement, values)


class SparkRunner:
    """Spark SQL binds ``:name`` markers itself (named parameters, Spark 3.4+)."""

    engine = "spark"

    def __init__(self, session: SparkSession) -> None:
        self.session = session

    def sql(self, name: str) -> str:
        return query_text(name)

    def rows(self, name: str, params: Params | None = None) -> list[Row]:
        values = _bind(name, params)
        frame = self.session.sql(self.sql(name), args=values or None)
        return [tuple(row) for row in frame.collect()]

    def create_table(self, table: str, name: str, params: Params | None = None) -> None:
        values = _bind(name, params)
        # Cached like a table on the other engines, so later queries do not recompute it.
        frame = self.session.sql(self.sql(name), args=values or None).cache()
        frame.count()
        frame.createOrReplaceTempView(_identifier(table))


def _identifier(name: str) -> str:
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        msg = f"not a plain table name: {name!r}"
        raise ValueError(msg)
    return name


def normalised(rows: Sequence[Row]) -> list[Row]:
    """Rows with numbers as int where whole and text as str, sorted: engines return Decimal,
    int or float for the same SUM, and no engine promises an order without ORDER BY."""
    out: list[Row] = []
    for row in rows:
        values: list[Any] = []
        for value in row:
            numeric = isinstance(value, int | float | Decimal) and not isinstance(value, bool)
            if numeric and float(value).is_integer():
                values.append(int(value))
            else:
                values.append(value)
        out.append(tuple(values))
    return sorted(out, key=repr)
