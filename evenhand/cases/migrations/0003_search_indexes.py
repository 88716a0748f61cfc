"""Indexes for the case search's name look-ups: a word matches the start of a first or last
name, ignoring case, and the matching people's cases are read from the participants.

SQLite answers a range on an expression index on lower(name); the last name already has one
(person_name_ci, whose first column is lower(last_name)). PostgreSQL answers LIKE 'word%' on
lower(name) through text_pattern_ops indexes, whatever the database's collation. The indexes
are not in the model's Meta because each database needs its own kind. Both read the cases of
the matching people from participant_person_case alone (an index-only scan).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

PARTICIPANT_PERSON_CASE = (
    'CREATE INDEX IF NOT EXISTS "participant_person_case" '
    'ON "cases_participant" ("person_id", "case_id")'
)

INDEXES = {
    "sqlite": {
        "participant_person_case": PARTICIPANT_PERSON_CASE,
        "person_first_name_ci": 'CREATE INDEX IF NOT EXISTS "person_first_name_ci" '
        'ON "cases_person" (lower("first_name"))',
    },
    "postgresql": {
        "participant_person_case": PARTICIPANT_PERSON_CASE,
        "person_last_name_prefix": 'CREATE INDEX IF NOT EXISTS "person_last_name_prefix" '
        'ON "cases_person" (lower("last_name") text_pattern_ops)',
        "person_first_name_prefix": 'CREATE INDEX IF NOT EXISTS "person_first_name_prefix" '
        'ON "cases_person" (lower("first_name") text_pattern_ops)',
    },
}


def create(apps: Any, schema_editor: Any) -> None:
    for statement in INDEXES.get(schema_editor.connection.vendor, {}).values():
        schema_editor.execute(statement)


def drop(apps: Any, schema_editor: Any) -> None:
    for name in INDEXES.get(schema_editor.connection.vendor, {}):
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_case_special_prosecution")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
