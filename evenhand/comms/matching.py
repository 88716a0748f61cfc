"""Find screened terms in message text fast enough to check every message before delivery.

Terms and text are normalised the same way (lower case, accents removed, words joined by one
space); the text's word n-grams up to the longest term's length are looked up in a set. The
cost is linear in the message length, whatever the number of terms.
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
    longest: int = 0

    def add(self, term: str) -> None:
        key = " ".join(_words(term))
        if not key:
            return
        self.terms.setdefault(key, term)
        self.longest = max(self.longest, key.count(" ") + 1)

    def extend(self, terms: Iterable[str]) -> None:
        for term in terms:
            self.add(term)

    def find(self, text: str) -> list[str]:
        """The configured terms that occur in the text, in order of first appearance."""
        if not self.terms:
            return []
        words = _words(text)
        found: dict[str, None] = {}
        for start in range(len(words)):
            for size in range(1, min(self.longest, len(words) - start) + 1):
                key = " ".join(words[start : start + size])
                if key in self.terms:
                    found.setdefault(self.terms[key])
        return list(found)
