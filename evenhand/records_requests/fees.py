"""Copying fees for a response: what may be charged, and why.

Electronic copies are free; paper copies are free up to the first pages the law exempts and then
at most the per-page cap; a late response may charge nothing at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from .rules import FeeRules

MAX_PAGES = 1_000_000


class FeeError(ValueError):
    """The page count or medium given cannot be charged for."""


@dataclass(frozen=True)
class FeeQuote:
    cents: int
    explanation: str

    @property
    def display(self) -> str:
        return f"${self.cents // 100}.{self.cents % 100:02d}"


def fee_quote(*, rules: FeeRules, paper_pages: int, electronic: bool, late: bool) -> FeeQuote:
    if paper_pages < 0 or paper_pages > MAX_PAGES:
        msg = f"The number of pages must be between 0 and {MAX_PAGES}."
        raise FeeError(msg)
    if late:
        return FeeQuote(
            0, "No fee: the response was late, and a late response may not charge fees."
        )
    if electronic and rules.electronic_copies_free:
        return FeeQuote(0, f"No fee: electronic copies are provided free ({rules.citation}).")
    chargeable = max(0, paper_pages - rules.free_pages)
    cents = chargeable * rules.max_cents_per_page
    if chargeable == 0:
        return FeeQuote(
            0,
            f"No fee: {paper_pages} black-and-white pages, and the first {rules.free_pages} "
            f"are free ({rules.citation}).",
        )
    return FeeQuote(
        cents,
        f"{paper_pages} black-and-white pages: the first {rules.free_pages} free, "
        f"{chargeable} at {rules.max_cents_per_page} cents each ({rules.citation}).",
    )
