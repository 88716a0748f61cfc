"""Database helpers for the hot read paths: the reads every case view and every audit append
make, where PostgreSQL's per-statement costs (a round trip, parsing and planning) outweigh
the work of the statements themselves (bench/RESULTS.md section 1)."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from typing import Any, LiteralString

import psycopg
from django.db import connection
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper

Statement = tuple[str, Sequence[Any] | Mapping[str, Any]]


class _PreparedCursor(psycopg.Cursor[Any]):
    """Parameters bound by the server and the statement prepared on the connection at its
    first use, so later executions skip parsing and planning. Django's own cursors bind on the
    client and never prepare (its default, kept for the rest of the project: a generic plan
    could serve a skewed search or filter badly); the statements sent through this one are
    lookups by key, whose plan does not depend on the value looked up."""

    def execute(  # type: ignore[override]
        self,
        query: LiteralString,
        params: Sequence[object] | Mapping[str, object] | None = None,
        *,
        prepare: bool | None = None,
        binary: bool | None = None,
    ) -> _PreparedCursor:
        super().execute(query, params, prepare=True, binary=binary)
        return self


class _PreparedDebugWrapper(CursorDebugWrapper):
    """Logs each statement with its parameters merged in, as Django logs its own cursors'
    (Django reads that text off a client-binding cursor, which this one is not)."""

    def execute(self, sql: Any, params: Any = None) -> Any:
        with self.debug_sql(self.db.ops.compose_sql(str(sql), params)):
            return CursorWrapper.execute(self, sql, params)


def _cursor(*, prepared: bool) -> CursorWrapper:
    if not prepared or connection.vendor != "postgresql":
        return connection.cursor()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    # Wrapped as Django wraps its own, so that errors become Django's and the statements are
    # logged and counted (debug toolbar, the tests' query counts) like any other.
    wrapper = _PreparedDebugWrapper if connection.queries_logged else CursorWrapper
    return wrapper(_PreparedCursor(connection.connection), connection)


def fetch_together(
    statements: Sequence[Statement], *, prepared: bool = False
) -> list[list[tuple[Any, ...]]]:
    """Run statements that do not depend on each other's results and return each one's rows,
    in order. On PostgreSQL they reach the server together and cost one round trip instead of
    one each; the server still runs them one after the other, each with its own snapshot, so a
    statement sees what the ones before it did (a lock taken, say). `prepared`: on PostgreSQL
    each statement is prepared once per connection (see `_PreparedCursor` for when that is
    right). An error is raised as Django's, when the rows are read."""
    if len(statements) == 1 or connection.vendor != "postgresql":
        # Nothing to send together (one statement, or SQLite in process): one cursor, in turn.
        with _cursor(prepared=prepared) as cursor:
            results = []
            for sql, params in statements:
                cursor.execute(sql, params)
                results.append(cursor.fetchall())
            return results
    with contextlib.ExitStack() as stack:
        cursors = [stack.enter_context(_cursor(prepared=prepared)) for _ in statements]
        # psycopg's pipeline mode: each statement is sent without waiting for the one before.
        with connection.connection.pipeline():
            for cursor, (sql, params) in zip(cursors, statements, strict=True):
                cursor.execute(sql, params)
            return [cursor.fetchall() for cursor in cursors]
