"""Find screened terms in message text fast enough to check every message before delivery.

Terms and text are normalised the same way (case-folded, accents removed, words split on
punctuation, hyphens and apostrophes); the text's word n-grams up to the longest term's length
are looked up in a dict. The cost is linear in the message length, whatever the number of
terms. Each term remembers which cases it belongs to, so a hit says which case was named.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from evenhand.screening.names import normalize


def _words(text: str) -> list[str]:
    """Normalised words; hyphens and apostrophes split words, so that 2019-CR-000417,
    2019 CR 000417 and 2019/CR/000417 all read the same."""
    return normalize(text).replace("-", " ").replace("'", " ").split()


@dataclass
class TermIndex:
    terms: dict[str, str] = field(default_factory=dict)  # normalised -> as configured
    owners: dict[str, set[int]] = field(default_factory=dict)  # normalised -> case ids
    # First words of the terms: most words of a message start no term and are skipped at once.
    first_words: set[str] = field(default_factory=set)
    longest: int = 0

    def add(self, term: str, owners: Iterable[int] = ()) -> None:
        key = " ".join(_words(term))
        if not key:
            return
        self.terms.setdefault(key, term)
        self.owners.setdefault(key, set()).update(owners)
        self.first_words.add(key.split(" ", 1)[0])
        self.longest = max(self.longest, key.count(" ") + 1)

    def extend(self, terms: Iterable[str], owners: Iterable[int] = ()) -> None:
        owned = list(owners)
        for term in terms:
            self.add(term, owned)

    def _hits(self, text: str) -> list[str]:
        if not self.terms:
            return []
        words = _words(text)
        found: dict[str, None] = {}
        for start, word in enumerate(words):
            if word not in self.first_words:
                continue
            for size in range(1, min(self.longest, len(words) - start) + 1):
                key = " ".join(words[start : start + size])
                if key in self.terms:
                    found.setdefault(key)
        return list(found)

    def find(self, text: str) -> list[str]:
        """The configured terms that occur in the text, in order of first appearance."""
        return [self.terms[key] for key in self._hits(text)]

    def find_by_owner(self, text: str) -> dict[int, list[str]]:
        """For each case named, the terms of that case found in the text."""
        by_case: dict[int, list[str]] = {}
        for key in self._hits(text):
            for case_id in sorted(self.owners.get(key, ())):
                by_case.setdefault(case_id, []).append(self.terms[key])
        return by_case

    def find_with_owners(self, text: str) -> tuple[list[str], list[int]]:
        """The terms found, and the cases they belong to (in order of first mention)."""
        keys = self._hits(text)
        cases: dict[int, None] = {}
        for key in keys:
            for case_id in sorted(self.owners.get(key, ())):
                cases.setdefault(case_id)
        return [self.terms[key] for key in keys], list(cases)
