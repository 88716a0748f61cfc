"""Comparable participants in the open data, with how their cases ended (row level)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from evenhand.analytics import store

from .consistency import OUTCOME_PRIORITY, register_vocabularies, restricted_connection
from .outcomes import Outcome
from .runners import DuckDBRunner

_BY_PRIORITY = {priority: outcome for outcome, priority in OUTCOME_PRIORITY.items()}


@dataclass(frozen=True)
class HistoryCriteria:
    chapter: str = ""
    act: str = ""
    section_family: str = ""
    offense_class: str = ""
    offense_category: str = ""
    min_counts: int = 1
    max_counts: int = 10_000
    date_from: dt.date = dt.date(1900, 1, 1)
    date_to: dt.date = dt.date(2999, 12, 31)

    def params(self) -> dict[str, object]:
        return {
            "chapter": self.chapter,
            "act": self.act,
            "section_family": self.section_family,
            "section_prefix": f"{self.section_family}(%",
            "class": self.offense_class.upper(),
            "offense_category": self.offense_category,
            "min_counts": self.min_counts,
            "max_counts": self.max_counts,
            "date_from": self.date_from,
            "date_to": self.date_to,
        }


@dataclass(frozen=True)
class HistoryParticipant:
    release: str
    participant_id: str
    case_id: str
    received_on: dt.date | None
    count_total: int
    citation: str
    offense_class: str
    offense_category: str
    title: str
    outcome: Outcome
    disposed_on: dt.date | None


@dataclass(frozen=True)
class HistoryMatches:
    counts: dict[Outcome, int]
    rows: list[HistoryParticipant]
    releases: tuple[str, ...]


def _citation(chapter: str | None, act: str | None, section: str | None) -> str:
    if act and section:
        return f"{chapter} {act}/{section}"
    return chapter or ""


def comparable_history(
    criteria: HistoryCriteria,
    *,
    outcomes: frozenset[Outcome],
    releases: tuple[str, ...],
    limit: int = 200,
) -> HistoryMatches:
    """Participants matching the criteria whose case ended in one of `outcomes`: how many per
    outcome, and the most recent `limit` of them."""
    connection = restricted_connection(releases)
    try:
        register_vocabularies(connection)
        found = DuckDBRunner(connection).rows("comparable_participants", criteria.params())
    finally:
        connection.close()
    counts = dict.fromkeys(sorted(outcomes, key=OUTCOME_PRIORITY.__getitem__), 0)
    rows: list[HistoryParticipant] = []
    for row in found:
        outcome = _BY_PRIORITY[int(row[11])]
        if outcome not in outcomes:
            continue
        counts[outcome] += 1
        rows.append(
            HistoryParticipant(
                release=row[0],
                participant_id=row[1],
                case_id=row[2],
                received_on=row[3],
                count_total=int(row[4]),
                citation=_citation(row[5], row[6], row[7]),
                offense_class=row[8] or "",
                offense_category=row[9] or "",
                title=row[10] or "",
                outcome=outcome,
                disposed_on=row[12],
            )
        )
    rows.sort(key=lambda r: (r.received_on or dt.date.min, r.participant_id), reverse=True)
    return HistoryMatches(counts=counts, rows=rows[:limit], releases=releases)


@dataclass(frozen=True)
class HistoryRow:
    dataset: str
    charge_id: str
    charge_version_id: str
    charge_count: int | None
    citation: str
    offense_class: str
    title: str
    received_on: dt.date | None
    disposed_on: dt.date | None
    disposition: str
    reason: str
    offense_category: str
    case_id: str


def participant_rows(*, release: str, participant_id: str) -> list[HistoryRow]:
    """The open-data rows of one participant of one release (empty if there are none)."""
    store.check_release_id(release)
    connection = store.connect()
    try:
        found = DuckDBRunner(connection).rows(
            "participant_rows", {"release": release, "participant": participant_id}
        )
    finally:
        connection.close()
    return [
        HistoryRow(
            dataset=row[0],
            charge_id=row[1] or "",
            charge_version_id=row[2] or "",
            charge_count=row[3],
            citation=_citation(row[4], row[5], row[6]),
            offense_class=row[7] or "",
            title=row[8] or "",
            received_on=row[9],
            disposed_on=row[10],
            disposition=row[11],
            reason=row[12],
            offense_category=row[13],
            case_id=row[14] or "",
        )
        for row in found
    ]
