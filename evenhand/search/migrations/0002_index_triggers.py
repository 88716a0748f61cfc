"""Triggers that keep the search index current, and the vendor's full-text structures.

SQLite: an FTS5 table over the index (external content) with its sync triggers. PostgreSQL:
a GIN index over the weighted tsvector and the trigger that computes it. Both: triggers on the
case and message tables that refresh the index rows of what changed. The SQL lives in
`evenhand.search.triggers` so the reindex command runs exactly the same refreshes.
"""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from evenhand.search import triggers


def install(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = [*triggers.SQLITE_FTS, *triggers.sqlite_triggers()]
    elif vendor == "postgresql":
        statements = [*triggers.POSTGRES_SETUP, *triggers.postgres_triggers()]
    else:
        msg = f"no search index defined for database vendor {vendor!r}"
        raise RuntimeError(msg)
    dialect = triggers.dialect_for(schema_editor.connection)
    # Index whatever the database already holds (a deployment upgrading to this version).
    statements += triggers.refresh_everything(dialect)
    for statement in statements:
        schema_editor.execute(statement, params=None)


def uninstall(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = [*triggers.sqlite_drop(), *triggers.SQLITE_FTS_DROP]
    else:
        statements = [*triggers.postgres_drop(), *triggers.POSTGRES_TEARDOWN]
    for statement in statements:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
        ("cases", "0002_case_special_prosecution"),
        ("comms", "0002_breachreport_named_cases"),
        ("accounts", "0001_initial"),
    ]
    operations = [migrations.RunPython(install, uninstall)]
