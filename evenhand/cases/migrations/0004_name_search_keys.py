"""Accent- and case-insensitive look-up keys on people and aliases, for the duplicate-person
warning: `given_key` and `surname_key` (see `evenhand.cases.models.name_search_keys`), filled
here for the rows already recorded and from now on by the services that record them.

The columns are added with plain `ALTER TABLE ... ADD COLUMN` on both databases. Django's own
AddField rebuilds a SQLite table to add a NOT NULL column, and a rebuilt table loses what the
migration state does not know about: the search index's triggers on these tables and the
expression index of 0003. The database default is the model's `db_default`.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

from evenhand.cases.models import name_search_keys

BATCH = 1000
KEYED = (("person", "cases_person"), ("personalias", "cases_personalias"))
KEYS = ("given_key", "surname_key")


def _key_field() -> models.TextField[str, str]:
    return models.TextField(blank=True, db_default="", editable=False)


def _add_column(model_name: str, table: str, column: str) -> migrations.SeparateDatabaseAndState:
    return migrations.SeparateDatabaseAndState(
        database_operations=[
            migrations.RunSQL(
                f'ALTER TABLE "{table}" ADD COLUMN "{column}" text DEFAULT \'\' NOT NULL',
                f'ALTER TABLE "{table}" DROP COLUMN "{column}"',
            )
        ],
        state_operations=[
            migrations.AddField(model_name=model_name, name=column, field=_key_field())
        ],
    )


def fill_keys(apps: Any, schema_editor: Any) -> None:
    """Key every person by their full name and every alias by itself, as the services do."""
    person_model = apps.get_model("cases", "Person")
    alias_model = apps.get_model("cases", "PersonAlias")
    using = schema_editor.connection.alias
    people = person_model.objects.using(using).order_by("pk")
    for batch in _batches(people.only("pk", "first_name", "middle_name", "last_name")):
        for person in batch:
            full_name = " ".join(
                part for part in (person.first_name, person.middle_name, person.last_name) if part
            )
            person.given_key, person.surname_key = name_search_keys(full_name)
        person_model.objects.using(using).bulk_update(batch, KEYS)
    aliases = alias_model.objects.using(using).order_by("pk").only("pk", "name")
    for batch in _batches(aliases):
        for alias in batch:
            alias.given_key, alias.surname_key = name_search_keys(alias.name)
        alias_model.objects.using(using).bulk_update(batch, KEYS)


def _batches(rows: Any) -> Any:
    batch: list[Any] = []
    for row in rows.iterator(chunk_size=BATCH):
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_search_indexes")]

    operations = [
        *(_add_column(model, table, column) for model, table in KEYED for column in KEYS),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["surname_key", "given_key"], name="person_name_key"),
        ),
        migrations.AddIndex(
            model_name="personalias",
            index=models.Index(fields=["surname_key", "given_key"], name="alias_name_key"),
        ),
        # Last: PostgreSQL refuses to change a table's schema later in the same transaction
        # once rows with (deferred) foreign keys have been updated.
        migrations.RunPython(fill_keys, migrations.RunPython.noop, elidable=False),
    ]
