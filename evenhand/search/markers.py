"""Queries over PostgreSQL's marker lexemes (see `triggers.POSTGRES_VECTOR_FUNCTION`): the
records a searcher is party to, and the records that hold a phrase's adjacent word pairs.
Both narrow what the GIN index hands back; neither decides what anyone may see."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Value

from .query import Term
from .triggers import PHRASE_PAIR_LEXEME_MAX

# One token of PostgreSQL's text form of a phrase query: a quoted lexeme (quotes and
# backslashes doubled) or a distance operator ("<->" is "<1>").
_TOKEN = re.compile(r"\s*(?:'((?:[^'\\]|''|\\\\)*)'|<(-|\d+)>)")


class LexemeQuery(SearchQuery):
    """A query written in tsquery's own syntax, its lexemes taken as they are: the marker
    lexemes are not words, and to_tsquery would parse them into some."""

    template = "%(expressions)s::tsquery"

    def __init__(self, text: str) -> None:
        super().__init__(Value(text))


def _quoted(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def party_query(user_id: int) -> LexemeQuery:
    """Records that are not messages, and messages `user_id` sent or received."""
    return LexemeQuery(f"'@all' | '@u{int(user_id)}'")


def adjacent_pairs(rendered: str) -> list[tuple[str, str]]:
    """The lexeme pairs a phrase query (PostgreSQL's text form of it) requires at adjacent
    positions. Anything but a plain chain of lexemes gives none: the pairs only narrow."""
    lexemes: list[str] = []
    distances: list[str] = []
    position = 0
    while position < len(rendered.rstrip()):
        token = _TOKEN.match(rendered, position)
        if token is None:
            return []
        lexeme, distance = token.groups()
        if (lexeme is None) != (len(lexemes) > len(distances)):
            return []  # two lexemes or two operators in a row
        if lexeme is not None:
            lexemes.append(lexeme.replace("''", "'").replace("\\\\", "\\"))
        else:
            distances.append(distance)
        position = token.end()
    return [
        (first, second)
        for first, distance, second in zip(lexemes, distances, lexemes[1:], strict=False)
        if distance in {"-", "1"} and max(len(first), len(second)) <= PHRASE_PAIR_LEXEME_MAX
    ]


# A search asks for its phrases' pairs several times (the order decision, the candidates, the
# withheld cases); the stemming of a phrase never changes.
@functools.lru_cache(maxsize=512)
def _rendered(phrases: tuple[str, ...]) -> tuple[str, ...]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT phraseto_tsquery('english', phrase)::text FROM unnest(%s::text[]) phrase",
            [list(phrases)],
        )
        return tuple(str(row[0]) for row in cursor.fetchall())


def phrase_pairs_query(terms: Sequence[Term]) -> LexemeQuery | None:
    """Records holding every adjacent pair of the query's phrases, or not paired at all (too
    long to pair; their positions are checked like any other's). None: no phrase, or none
    with a pair to require."""
    phrases = tuple(term.text for term in terms if term.is_phrase)
    if not phrases:
        return None
    pairs = sorted({pair for text in _rendered(phrases) for pair in adjacent_pairs(text)})
    if not pairs:
        return None
    required = " & ".join(_quoted(f"@{first}~{second}") for first, second in pairs)
    return LexemeQuery(f"'@nopairs' | ({required})")
