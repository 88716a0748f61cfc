"""The accent- and case-insensitive look-up keys of people and aliases: what the services store,
and the migration that keys the people recorded before it without disturbing the search
index's triggers and indexes on the same tables."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from evenhand.cases import services
from evenhand.cases.models import Person, PersonAlias, name_search_keys
from tests.factories import make_user

BEFORE = ("cases", "0003_search_indexes")
KEYED = ("cases", "0004_name_search_keys")


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("José Müller", ("jose", "muller")),
        ("JOSE  MULLER", ("jose", "muller")),
        ("Zoë de la Cruz", ("zoe", "cruz")),
        ("Łukasz O’Brien", ("lukasz", "o'brien")),
        ("Straße Vale", ("strasse", "vale")),
        ("Cher", ("", "")),
        ("", ("", "")),
    ],
)
def test_name_search_keys(name: str, keys: tuple[str, str]) -> None:
    assert name_search_keys(name) == keys


@pytest.mark.django_db
def test_the_services_key_a_person_by_their_full_name_and_each_alias() -> None:
    person = services.person_create(
        actor=make_user(),
        first_name="  Ána ",
        middle_name="María",
        last_name="Ruíz",
        aliases=["Anita RUÍZ-Lang", "Nita"],
    )

    stored = Person.objects.get(pk=person.pk)
    assert (stored.given_key, stored.surname_key) == ("ana", "ruiz")
    aliases = dict(PersonAlias.objects.filter(person=person).values_list("name", "surname_key"))
    assert aliases == {"Anita RUÍZ-Lang": "ruiz-lang", "Nita": ""}


def _search_objects() -> set[str]:
    """The triggers and indexes on the people tables that the migration state does not know."""
    if connection.vendor == "sqlite":
        query = (
            "SELECT name FROM sqlite_master WHERE type IN ('trigger', 'index') "
            "AND tbl_name IN ('cases_person', 'cases_personalias')"
        )
    else:
        query = (
            "SELECT trigger_name FROM information_schema.triggers "
            "WHERE event_object_table IN ('cases_person', 'cases_personalias') "
            "UNION SELECT indexname FROM pg_indexes "
            "WHERE tablename IN ('cases_person', 'cases_personalias')"
        )
    with connection.cursor() as cursor:
        cursor.execute(query)
        return {str(name) for (name,) in cursor.fetchall()}


# SQLite changes a schema only outside a transaction. PostgreSQL changes it inside the test's
# transaction, which rolls it back; a transactional test there could not end, since emptying
# the tables afterwards is refused by the append-only audit table.
@pytest.mark.django_db(transaction=connection.vendor == "sqlite")
def test_the_migration_keys_people_recorded_before_it() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old = executor.loader.project_state([BEFORE]).apps
    old_person, old_alias = old.get_model("cases", "Person"), old.get_model("cases", "PersonAlias")
    recorded = dt.datetime(2019, 1, 29, tzinfo=dt.UTC)
    person = old_person.objects.create(
        first_name="Jósé", middle_name="", last_name="MÜLLER", created_at=recorded
    )
    old_alias.objects.create(person=person, name="Pepé Müller-Vale", created_at=recorded)
    old_alias.objects.create(person=person, name="Pepe", created_at=recorded)
    unkeyed = _search_objects()
    # The rows were inserted in the migration's transaction here (a deployment migrates in a
    # transaction of its own), and PostgreSQL refuses to alter a table with deferred
    # foreign-key checks still pending.
    connection.check_constraints()

    executor = MigrationExecutor(connection)
    executor.migrate([KEYED])

    keyed = Person.objects.get(pk=person.pk)
    assert (keyed.given_key, keyed.surname_key) == ("jose", "muller")
    aliases = PersonAlias.objects.filter(person_id=person.pk)
    assert sorted(aliases.values_list("name", "given_key", "surname_key")) == [
        ("Pepe", "", ""),
        ("Pepé Müller-Vale", "pepe", "muller-vale"),
    ]
    # Nothing the search index relies on was lost on the way (SQLite rebuilds a table that
    # Django's AddField gives a NOT NULL column, dropping its triggers and extra indexes).
    assert _search_objects() == unkeyed | {"person_name_key", "alias_name_key"}
    for trigger in ("person_saved", "alias_saved", "alias_deleted"):
        assert any(trigger in name for name in unkeyed), trigger
