"""PostgreSQL's index rows carry marker lexemes (a message's parties, a record's adjacent
word pairs; see `evenhand.search.triggers.POSTGRES_VECTOR_FUNCTION`), and a message's new
recipient refreshes its attachments' rows as well as its own. Installs the new functions and
triggers, then recomputes every row's vector (the vector trigger runs on UPDATE).
"""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from evenhand.search import triggers


def reinstall(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = [*triggers.sqlite_drop(), *triggers.sqlite_triggers()]
    elif vendor == "postgresql":
        statements = [
            triggers.POSTGRES_VECTOR_FUNCTION,
            *triggers.postgres_drop(),
            *triggers.postgres_triggers(),
            f"UPDATE {triggers.DOCS} SET search_vector = NULL",  # noqa: S608  (constant)
        ]
    else:
        msg = f"no search index defined for database vendor {vendor!r}"
        raise RuntimeError(msg)
    for statement in statements:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_index_triggers")]
    # Going back leaves the newer functions in place: the earlier queries work with them.
    operations = [migrations.RunPython(reinstall, migrations.RunPython.noop)]
