"""Refuse UPDATE, DELETE and TRUNCATE on the audit table at the database level.

PostgreSQL: row triggers for UPDATE/DELETE and a statement trigger for TRUNCATE (TRUNCATE does
not fire DELETE triggers). SQLite has no TRUNCATE; its "DELETE FROM t" fast path is disabled
when a DELETE trigger exists, so the DELETE trigger covers it. Owners and superusers can still
drop triggers; the hash chain is what makes that detectable.
"""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

TABLE = "audit_auditentry"
MESSAGE = "audit log is append-only"

POSTGRES_CREATE = f"""
CREATE OR REPLACE FUNCTION evenhand_audit_refuse() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_no_update_delete BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION evenhand_audit_refuse();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION evenhand_audit_refuse();
"""
POSTGRES_DROP = f"""
DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE};
DROP TRIGGER IF EXISTS audit_no_update_delete ON {TABLE};
DROP FUNCTION IF EXISTS evenhand_audit_refuse();
"""
SQLITE_CREATE = [
    (
        f"CREATE TRIGGER audit_no_update BEFORE UPDATE ON {TABLE} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}: UPDATE refused'); END;"
    ),
    (
        f"CREATE TRIGGER audit_no_delete BEFORE DELETE ON {TABLE} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}: DELETE refused'); END;"
    ),
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_no_update;",
    "DROP TRIGGER IF EXISTS audit_no_delete;",
]


def create_triggers(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # No params: the function body's "%" is PL/pgSQL formatting, not a driver placeholder.
        schema_editor.execute(POSTGRES_CREATE, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement)
    else:
        msg = f"no append-only triggers defined for database vendor {vendor!r}"
        raise RuntimeError(msg)


def drop_triggers(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    statements = [POSTGRES_DROP] if vendor == "postgresql" else SQLITE_DROP
    for statement in statements:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(create_triggers, drop_triggers)]
