"""The search box's language: plain words and "quoted phrases", nothing else.

Whatever the user types becomes a list of terms; each term is then quoted for the database's
own syntax, so FTS5 operators (NEAR, *, ^, column filters) and tsquery operators are never
interpreted. A query of only punctuation has no terms and finds nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_TERMS = 12
MAX_QUERY_LENGTH = 500
# Words are runs of letters and digits in any script; everything else separates them.
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_PHRASE = re.compile(r'"([^"]*)"')


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1

    @property
    def text(self) -> str:
        return " ".join(self.words)


def parse(query: str) -> list[Term]:
    """Terms in the order typed; quoted runs of several words are phrases."""
    query = query[:MAX_QUERY_LENGTH]
    terms: list[Term] = []
    position = 0
    for match in _PHRASE.finditer(query):
        terms.extend(Term((word,)) for word in _WORD.findall(query[position : match.start()]))
        words = tuple(_WORD.findall(match.group(1)))
        if words:
            terms.append(Term(words))
        position = match.end()
    # An unbalanced quote is treated as an ordinary separator.
    terms.extend(Term((word,)) for word in _WORD.findall(query[position:]))
    unique: list[Term] = []
    for term in terms:
        if term not in unique:
            unique.append(term)
    return unique[:MAX_TERMS]


def fts5_match(terms: list[Term]) -> str:
    """An FTS5 MATCH expression: every term required, each a quoted string (phrase)."""
    return " AND ".join('"' + term.text.replace('"', '""') + '"' for term in terms)
