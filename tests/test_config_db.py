"""`fetch_together`: independent reads in one round trip, prepared on request, their errors
and their log entries the same as any other statement's."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from evenhand.config.db import fetch_together
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _prepared_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        return int(cursor.fetchone()[0])


@pytest.mark.parametrize("prepared", [False, True])
def test_each_statement_gets_its_own_rows_in_order(prepared: bool) -> None:
    first, second = make_user(username="alpha"), make_user(username="beta")
    rows = fetch_together(
        [
            ("SELECT username FROM accounts_user WHERE id = %s", [second.pk]),
            ("SELECT username FROM accounts_user WHERE id = %(id)s", {"id": first.pk}),
            ("SELECT username FROM accounts_user WHERE id = %s", [-1]),
        ],
        prepared=prepared,
    )
    assert rows == [[("beta",)], [("alpha",)], []]


def test_prepared_statements_are_prepared_once_per_connection_on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no server to prepare on")
    user = make_user()
    statement = ("SELECT username FROM accounts_user WHERE id = %s", [user.pk])
    before = _prepared_count()
    fetch_together([statement], prepared=True)
    after_first = _prepared_count()
    fetch_together([statement], prepared=True)
    assert after_first == before + 1
    assert _prepared_count() == after_first
    fetch_together([statement])  # not asked to prepare
    assert _prepared_count() == after_first


@pytest.mark.parametrize("prepared", [False, True])
def test_an_error_is_djangos_and_the_transaction_can_go_on(prepared: bool) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        fetch_together([("SELECT no_such_column FROM accounts_user", [])], prepared=prepared)
    assert fetch_together([("SELECT 1", [])], prepared=prepared) == [[(1,)]]


@pytest.mark.parametrize("prepared", [False, True])
def test_statements_are_logged_with_their_parameters(prepared: bool) -> None:
    user = make_user()
    with CaptureQueriesContext(connection) as captured:
        fetch_together(
            [("SELECT username FROM accounts_user WHERE id = %s", [user.pk])], prepared=prepared
        )
    assert [query["sql"] for query in captured.captured_queries] == [
        f"SELECT username FROM accounts_user WHERE id = {user.pk}"
    ]
