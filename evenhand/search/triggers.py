"""The SQL that keeps the search index current: refresh statements and the triggers that run
them, for SQLite (FTS5) and PostgreSQL (tsvector + GIN).

Each refresh deletes the index rows for a set of source ids and re-inserts them from the
source tables, so an insert, an update and a repair are the same statement. The reindex
service runs the same refreshes over every id. The migration installs the triggers; nothing
else in the code base writes the index.

Every statement here is assembled from this module's own constants (table and column names,
SQL fragments, NEW/OLD row variables); no input from users ever reaches it, hence the
module-wide S608 exemption below.
"""
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db.backends.base.base import BaseDatabaseWrapper

DOCS = "search_searchdocument"
COLUMNS = "kind, object_id, case_id, message_id, occurred_on, title, people, body, status"
# Attachment text beyond this many bytes is not indexed (a record's first megabyte names what
# it is about; the whole file stays in the message record).
ATTACHMENT_TEXT_BYTES = 1_000_000
# PostgreSQL's phrase pairs (see search_document_vector below): records up to this many
# characters, lexemes up to this long. `evenhand.search.markers` reads both.
PHRASE_PAIRS_MAX_CHARS = 20_000
PHRASE_PAIR_LEXEME_MAX = 40


@dataclass(frozen=True)
class Dialect:
    vendor: str
    aggregate: Callable[[str], str]
    to_date: Callable[[str], str]
    attachment_text: str


SQLITE = Dialect(
    vendor="sqlite",
    aggregate=lambda expr: f"group_concat({expr}, ' ')",
    to_date=lambda expr: f"date({expr})",
    attachment_text=(
        "CASE WHEN a.content_type LIKE 'text/%' "
        f"THEN CAST(substr(a.content, 1, {ATTACHMENT_TEXT_BYTES}) AS TEXT) ELSE '' END"
    ),
)
POSTGRES = Dialect(
    vendor="postgresql",
    aggregate=lambda expr: f"string_agg({expr}, ' ')",
    to_date=lambda expr: f"({expr} AT TIME ZONE 'UTC')::date",
    attachment_text="search_attachment_text(a.content, a.content_type)",
)


def dialect_for(connection: BaseDatabaseWrapper) -> Dialect:
    if connection.vendor == "sqlite":
        return SQLITE
    if connection.vendor == "postgresql":
        return POSTGRES
    msg = f"no search index defined for database vendor {connection.vendor!r}"
    raise RuntimeError(msg)


_PERSON_NAME = "p.first_name || ' ' || p.middle_name || ' ' || p.last_name"
_USER_NAME = "{u}.first_name || ' ' || {u}.last_name || ' ' || {u}.username"


def _message_case(d: Dialect, message: str) -> str:
    # A message is filed under the first case it is tagged to, else the first walled case it
    # names (a held message); visibility is decided on all of them at query time.
    del d
    return (
        f"COALESCE((SELECT MIN(mc.case_id) FROM comms_messagecase mc "
        f"WHERE mc.message_id = {message}), "
        f"(SELECT MIN(nc.case_id) FROM comms_breachreport_named_cases nc "
        f"JOIN comms_breachreport b ON b.id = nc.breachreport_id WHERE b.message_id = {message}))"
    )


def _select_cases(d: Dialect, ids: str) -> str:
    names = (
        f"SELECT {_PERSON_NAME} AS n FROM cases_participant pa "
        "JOIN cases_person p ON p.id = pa.person_id WHERE pa.case_id = c.id "
        "UNION ALL SELECT al.name AS n FROM cases_participant pa "
        "JOIN cases_personalias al ON al.person_id = pa.person_id WHERE pa.case_id = c.id"
    )
    return (
        f"SELECT 'case', c.id, c.id, NULL, c.received_on, c.number || ' ' || c.title, "
        f"COALESCE((SELECT {d.aggregate('names.n')} FROM ({names}) names), ''), "
        f"c.summary, '' FROM cases_case c WHERE c.id IN {ids}"
    )


def _select_events(d: Dialect, ids: str) -> str:
    return (
        f"SELECT 'event', e.id, e.case_id, NULL, {d.to_date('e.occurred_at')}, "
        "replace(e.kind, '_', ' '), '', e.summary, '' "
        f"FROM cases_caseevent e WHERE e.id IN {ids}"
    )


def _select_charges(d: Dialect, ids: str) -> str:
    del d
    return (
        "SELECT 'charge', ch.id, ch.case_id, NULL, ch.filed_on, "
        f"ch.citation || ' ' || ch.offense_title, {_PERSON_NAME}, "
        "'Count ' || ch.count_number || ', class ' || ch.offense_class, '' "
        "FROM cases_charge ch JOIN cases_participant pa ON pa.id = ch.participant_id "
        f"JOIN cases_person p ON p.id = pa.person_id WHERE ch.is_current AND ch.id IN {ids}"
    )


def _select_messages(d: Dialect, ids: str) -> str:
    recipients = (
        f"SELECT {d.aggregate(_USER_NAME.format(u='ru'))} FROM comms_messagerecipient r "
        "JOIN accounts_user ru ON ru.id = r.user_id WHERE r.message_id = m.id"
    )
    return (
        f"SELECT 'message', m.id, {_message_case(d, 'm.id')}, m.id, {d.to_date('m.sent_at')}, "
        f"t.subject, {_USER_NAME.format(u='u')} || ' ' || COALESCE(({recipients}), ''), "
        "m.body, m.status FROM comms_message m JOIN comms_thread t ON t.id = m.thread_id "
        f"JOIN accounts_user u ON u.id = m.sender_id WHERE m.id IN {ids}"
    )


def _select_attachments(d: Dialect, ids: str) -> str:
    return (
        f"SELECT 'attachment', a.id, {_message_case(d, 'a.message_id')}, a.message_id, "
        f"{d.to_date('m.sent_at')}, a.filename, '', {d.attachment_text}, m.status "
        "FROM comms_attachment a JOIN comms_message m ON m.id = a.message_id "
        f"WHERE a.id IN {ids}"
    )


_SELECTS: dict[str, Callable[[Dialect, str], str]] = {
    "case": _select_cases,
    "event": _select_events,
    "charge": _select_charges,
    "message": _select_messages,
    "attachment": _select_attachments,
}


def refresh(d: Dialect, kind: str, ids: str) -> list[str]:
    """Statements that make the index rows of `kind` for the source ids `ids` (an SQL
    parenthesised list or sub-query) match their sources."""
    return [
        f"DELETE FROM {DOCS} WHERE kind = '{kind}' AND object_id IN {ids}",
        f"INSERT INTO {DOCS} ({COLUMNS}) {_SELECTS[kind](d, ids)}",
    ]


_SOURCES = {
    "case": "cases_case",
    "event": "cases_caseevent",
    "charge": "cases_charge",
    "message": "comms_message",
    "attachment": "comms_attachment",
}


def refresh_everything(d: Dialect) -> list[str]:
    """Statements that rebuild the whole index from the source tables."""
    statements = [f"DELETE FROM {DOCS}"]
    for kind, select in _SELECTS.items():
        statements.append(
            f"INSERT INTO {DOCS} ({COLUMNS}) {select(d, f'(SELECT id FROM {_SOURCES[kind]})')}"
        )
    return statements


@dataclass(frozen=True)
class Trigger:
    name: str
    table: str
    events: tuple[str, ...]
    # Given the row variable (NEW or OLD), the statements to run.
    body: Callable[[Dialect, str], list[str]]


def _case_ids_of_person(row: str) -> str:
    return f"(SELECT pa.case_id FROM cases_participant pa WHERE pa.person_id = {row}.person_id)"


def _message_and_attachments(d: Dialect, message: str) -> list[str]:
    return [
        *refresh(d, "message", f"({message})"),
        *refresh(
            d,
            "attachment",
            f"(SELECT at.id FROM comms_attachment at WHERE at.message_id = {message})",
        ),
    ]


TRIGGERS: Sequence[Trigger] = (
    Trigger(
        "case_saved",
        "cases_case",
        ("INSERT", "UPDATE"),
        lambda d, r: refresh(d, "case", f"({r}.id)"),
    ),
    Trigger(
        "case_deleted", "cases_case", ("DELETE",), lambda d, r: refresh(d, "case", f"({r}.id)")
    ),
    Trigger(
        "participant_saved",
        "cases_participant",
        ("INSERT", "UPDATE"),
        lambda d, r: refresh(d, "case", f"({r}.case_id)"),
    ),
    Trigger(
        "participant_deleted",
        "cases_participant",
        ("DELETE",),
        lambda d, r: refresh(d, "case", f"({r}.case_id)"),
    ),
    Trigger(
        "person_saved",
        "cases_person",
        ("UPDATE",),
        lambda d, r: [
            *refresh(
                d,
                "case",
                f"(SELECT pa.case_id FROM cases_participant pa WHERE pa.person_id = {r}.id)",
            ),
            *refresh(
                d,
                "charge",
                f"(SELECT ch.id FROM cases_charge ch JOIN cases_participant "
                f"pa ON pa.id = ch.participant_id WHERE pa.person_id = {r}.id)",
            ),
        ],
    ),
    Trigger(
        "alias_saved",
        "cases_personalias",
        ("INSERT", "UPDATE"),
        lambda d, r: refresh(d, "case", _case_ids_of_person(r)),
    ),
    Trigger(
        "alias_deleted",
        "cases_personalias",
        ("DELETE",),
        lambda d, r: refresh(d, "case", _case_ids_of_person(r)),
    ),
    Trigger(
        "event_saved",
        "cases_caseevent",
        ("INSERT", "UPDATE"),
        lambda d, r: refresh(d, "event", f"({r}.id)"),
    ),
    Trigger(
        "event_deleted",
        "cases_caseevent",
        ("DELETE",),
        lambda d, r: refresh(d, "event", f"({r}.id)"),
    ),
    Trigger(
        "charge_saved",
        "cases_charge",
        ("INSERT", "UPDATE"),
        lambda d, r: refresh(d, "charge", f"({r}.id)"),
    ),
    Trigger(
        "charge_deleted",
        "cases_charge",
        ("DELETE",),
        lambda d, r: refresh(d, "charge", f"({r}.id)"),
    ),
    Trigger(
        "message_saved",
        "comms_message",
        ("INSERT", "UPDATE"),
        lambda d, r: _message_and_attachments(d, f"{r}.id"),
    ),
    Trigger(
        "message_deleted",
        "comms_message",
        ("DELETE",),
        lambda d, r: refresh(d, "message", f"({r}.id)"),
    ),
    Trigger(
        "thread_saved",
        "comms_thread",
        ("UPDATE",),
        lambda d, r: refresh(
            d, "message", f"(SELECT tm.id FROM comms_message tm WHERE tm.thread_id = {r}.id)"
        ),
    ),
    Trigger(
        "message_case_saved",
        "comms_messagecase",
        ("INSERT", "UPDATE"),
        lambda d, r: _message_and_attachments(d, f"{r}.message_id"),
    ),
    Trigger(
        "message_case_deleted",
        "comms_messagecase",
        ("DELETE",),
        lambda d, r: _message_and_attachments(d, f"{r}.message_id"),
    ),
    Trigger(
        "recipient_saved",
        "comms_messagerecipient",
        ("INSERT", "UPDATE"),
        # The attachments too: on PostgreSQL their index rows carry the message's parties.
        lambda d, r: _message_and_attachments(d, f"{r}.message_id"),
    ),
    Trigger(
        "named_case_saved",
        "comms_breachreport_named_cases",
        ("INSERT",),
        lambda d, r: _message_and_attachments(
            d, f"(SELECT b.message_id FROM comms_breachreport b WHERE b.id = {r}.breachreport_id)"
        ),
    ),
    Trigger(
        "attachment_saved",
        "comms_attachment",
        ("INSERT", "UPDATE"),
        lambda d, r: refresh(d, "attachment", f"({r}.id)"),
    ),
    Trigger(
        "attachment_deleted",
        "comms_attachment",
        ("DELETE",),
        lambda d, r: refresh(d, "attachment", f"({r}.id)"),
    ),
)


# --- SQLite: FTS5 over the index table -----------------------------------------------------

SQLITE_FTS = [
    # Porter stemming so "threatened" finds "threat"; diacritics folded so "Zoe" finds "Zoë".
    (
        f"CREATE VIRTUAL TABLE search_fts USING fts5(title, people, body, content='{DOCS}', "
        "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')"
    ),
    (
        f"CREATE TRIGGER search_fts_insert AFTER INSERT ON {DOCS} BEGIN "
        "INSERT INTO search_fts(rowid, title, people, body) "
        "VALUES (new.id, new.title, new.people, new.body); END"
    ),
    (
        f"CREATE TRIGGER search_fts_delete AFTER DELETE ON {DOCS} BEGIN "
        "INSERT INTO search_fts(search_fts, rowid, title, people, body) "
        "VALUES ('delete', old.id, old.title, old.people, old.body); END"
    ),
    (
        f"CREATE TRIGGER search_fts_update AFTER UPDATE ON {DOCS} BEGIN "
        "INSERT INTO search_fts(search_fts, rowid, title, people, body) "
        "VALUES ('delete', old.id, old.title, old.people, old.body); "
        "INSERT INTO search_fts(rowid, title, people, body) "
        "VALUES (new.id, new.title, new.people, new.body); END"
    ),
]
SQLITE_FTS_DROP = [
    "DROP TRIGGER IF EXISTS search_fts_update",
    "DROP TRIGGER IF EXISTS search_fts_delete",
    "DROP TRIGGER IF EXISTS search_fts_insert",
    "DROP TABLE IF EXISTS search_fts",
]


def sqlite_triggers() -> list[str]:
    statements = []
    for trigger in TRIGGERS:
        for event in trigger.events:
            row = "OLD" if event == "DELETE" else "NEW"
            body = "; ".join(trigger.body(SQLITE, row))
            statements.append(
                f"CREATE TRIGGER search_{trigger.name}_{event.lower()} AFTER {event} "
                f"ON {trigger.table} FOR EACH ROW BEGIN {body}; END"
            )
    return statements


def sqlite_drop() -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS search_{trigger.name}_{event.lower()}"
        for trigger in TRIGGERS
        for event in trigger.events
    ]


# --- PostgreSQL: weighted tsvector, GIN index, plpgsql triggers ----------------------------

# Titles weigh most, then the people named, then the body; very long bodies are cut
# (a tsvector holds at most 1 MB, and positions stop at 16383 anyway). Two kinds of
# marker lexeme follow the words; a searched word can never produce one, because the
# parser splits words at '@' (`evenhand.search.markers` builds the queries that use them):
# - the parties: '@all' on records that are not messages, '@u<id>' for a message's sender
#   and each recipient, so "records this searcher is party to" is answered by the GIN
#   index together with the words instead of by a look-up per matching row;
# - adjacent pairs: '@<lexeme>~<lexeme>' for lexemes at positions p and p+1, so a phrase
#   is narrowed by the index to the records holding its pairs before the positions are
#   checked row by row. Records longer than PHRASE_PAIRS_MAX_CHARS (or pairs of long
#   lexemes) are not paired; '@nopairs' marks the former, which every phrase re-checks.
POSTGRES_VECTOR_FUNCTION = f"""CREATE OR REPLACE FUNCTION search_document_vector() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    words tsvector;
    markers text[];
BEGIN
    words :=
        setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('english', coalesce(NEW.people, '')), 'B')
        || setweight(to_tsvector('english', left(coalesce(NEW.body, ''), 200000)), 'C');
    IF NEW.message_id IS NULL THEN
        markers := ARRAY['@all'];
    ELSE
        SELECT coalesce(array_agg('@u' || party), '{{}}') INTO markers FROM (
            SELECT m.sender_id AS party FROM comms_message m WHERE m.id = NEW.message_id
            UNION SELECT r.user_id FROM comms_messagerecipient r
            WHERE r.message_id = NEW.message_id
        ) parties WHERE party IS NOT NULL;
    END IF;
    IF length(coalesce(NEW.title, '')) + length(coalesce(NEW.people, ''))
            + length(coalesce(NEW.body, '')) > {PHRASE_PAIRS_MAX_CHARS} THEN
        markers := array_append(markers, '@nopairs');
    ELSE
        markers := markers || ARRAY(
            SELECT DISTINCT '@' || a.lexeme || '~' || b.lexeme
            FROM (SELECT w.lexeme, unnest(w.positions) AS pos FROM unnest(words) w
                  WHERE length(w.lexeme) <= {PHRASE_PAIR_LEXEME_MAX}) a
            JOIN (SELECT w.lexeme, unnest(w.positions) AS pos FROM unnest(words) w
                  WHERE length(w.lexeme) <= {PHRASE_PAIR_LEXEME_MAX}) b
              ON b.pos = a.pos + 1
        );
    END IF;
    NEW.search_vector := words || array_to_tsvector(markers);
    RETURN NEW;
END;
$$"""

POSTGRES_SETUP = [
    f"CREATE INDEX search_document_vector ON {DOCS} USING gin (search_vector)",
    # Text attachments are indexed when they decode as UTF-8; anything else indexes as empty.
    f"""CREATE OR REPLACE FUNCTION search_attachment_text(content bytea, content_type text)
RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF content_type NOT LIKE 'text/%' THEN
        RETURN '';
    END IF;
    RETURN convert_from(substring(content FROM 1 FOR {ATTACHMENT_TEXT_BYTES}), 'UTF8');
EXCEPTION WHEN OTHERS THEN
    RETURN '';
END;
$$""",
    POSTGRES_VECTOR_FUNCTION,
    (
        f"CREATE TRIGGER search_document_vector BEFORE INSERT OR UPDATE ON {DOCS} "
        "FOR EACH ROW EXECUTE FUNCTION search_document_vector()"
    ),
]
POSTGRES_TEARDOWN = [
    f"DROP TRIGGER IF EXISTS search_document_vector ON {DOCS}",
    "DROP FUNCTION IF EXISTS search_document_vector()",
    "DROP FUNCTION IF EXISTS search_attachment_text(bytea, text)",
    "DROP INDEX IF EXISTS search_document_vector",
]


def postgres_triggers() -> list[str]:
    statements = []
    for trigger in TRIGGERS:
        row = "OLD" if trigger.events == ("DELETE",) else "NEW"
        body = ";\n    ".join(trigger.body(POSTGRES, row))
        statements.append(
            f"CREATE OR REPLACE FUNCTION search_trg_{trigger.name}() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$\nBEGIN\n    {body};\n    RETURN NULL;\nEND;\n$$"
        )
        statements.append(
            f"CREATE TRIGGER search_{trigger.name} AFTER {' OR '.join(trigger.events)} "
            f"ON {trigger.table} FOR EACH ROW EXECUTE FUNCTION search_trg_{trigger.name}()"
        )
    return statements


def postgres_drop() -> list[str]:
    statements = []
    for trigger in TRIGGERS:
        statements.append(f"DROP TRIGGER IF EXISTS search_{trigger.name} ON {trigger.table}")
        statements.append(f"DROP FUNCTION IF EXISTS search_trg_{trigger.name}()")
    return statements
