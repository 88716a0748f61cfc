"""Where a proposed charging decision falls among comparable participants in history.

The check is one lookup over small aggregates, not a scan of the charge rows:
`count_histogram` (how many participants had how many counts, per comparison group and year)
and `outcome_counts` (how those charges were disposed, and how often their class was reduced).
They are built by the portable queries in ``sql/`` right after an import (`prepare`), with the
chosen releases summed into one history, and kept as Parquet beside the store, keyed by the
releases' manifests: a new import or export (a new manifest) gets its own, and nothing stale
is ever read. A check that finds none (an import made before they existed) builds them once.
Each build is published whole by the store (`store.publish_aggregates`), which keeps only the
current build and the one before it, so disk use does not grow with every import.

Comparison groups: the same section (chapter, act and section without its subsection, so
26-1(a)(4) compares with all of 26-1), the same class and offence category, the same class, and
all participants. A participant's count total in a group is the number of its initiation
charges in that group; "a year" is the year the office received the case.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import duckdb
import pyarrow as pa

from evenhand.analytics import store
from evenhand.jurisdictions.ruleset import active_ruleset

from .outcomes import Outcome, outcome_of
from .runners import SQL_DIR, DuckDBRunner, Runner

GROUPS = ("section", "class_category", "class", "all")
GROUP_LABELS = {
    "section": "Same section",
    "class_category": "Same class and offence category",
    "class": "Same class",
    "all": "All participants",
}
AGGREGATE_TABLES = ("count_histogram", "outcome_counts")
_KEYS = ("grp", "chapter", "act", "section_family", "class", "offense_category", "year")
_DIMENSIONS = {
    "count_histogram": (*_KEYS, "count_total"),
    "outcome_counts": (*_KEYS, "outcome"),
}
_SUMMED = {
    "count_histogram": "SUM(participants) AS participants",
    "outcome_counts": ("SUM(charges) AS charges, SUM(reduced) AS reduced, SUM(ranked) AS ranked"),
}
_AGGREGATE_FILES = tuple(f"{table}.parquet" for table in AGGREGATE_TABLES)
# A check that found its build just before two newer ones replaced it builds it again.
_LOAD_ATTEMPTS = 3
_BUILDING_QUERIES = ("charge_rows", *AGGREGATE_TABLES)
# Bumped whenever the kept files change shape: releases summed, rows sorted by key.
_AGGREGATE_LAYOUT = "summed-by-key-1"
_lock = threading.Lock()
_loaded: dict[str, duckdb.DuckDBPyConnection] = {}


def section_family(section: str) -> str:
    """The section without its subsections: '26-1(a)(4)' -> '26-1' (as charge_rows.sql)."""
    return section.split("(", 1)[0]


@dataclass(frozen=True)
class Proposal:
    chapter: str
    act: str
    section: str
    offense_class: str
    offense_category: str
    count_total: int

    def params(self) -> dict[str, object]:
        return {
            "chapter": self.chapter,
            "act": self.act,
            "section_family": section_family(self.section),
            "class": self.offense_class.upper(),
            "offense_category": self.offense_category,
            "count_total": self.count_total,
        }


@dataclass(frozen=True)
class Period:
    year_from: int
    year_to: int

    def params(self) -> dict[str, object]:
        return {"year_from": self.year_from, "year_to": self.year_to}

    def __str__(self) -> str:
        if self.year_from == self.year_to:
            return str(self.year_from)
        return f"{self.year_from}–{self.year_to}"


ALL_YEARS = Period(1900, 2999)


@dataclass(frozen=True)
class GroupPosition:
    group: str
    participants: int
    below: int
    equal: int
    highest: int

    @property
    def label(self) -> str:
        return GROUP_LABELS[self.group]

    @property
    def percentile(self) -> float:
        """Mid-rank percentile: those with fewer counts, plus half of those with as many."""
        if not self.participants:
            return 0.0
        return round(100.0 * (self.below + self.equal / 2) / self.participants, 1)

    @property
    def above(self) -> int:
        return self.participants - self.below - self.equal


@dataclass(frozen=True)
class OutcomeShare:
    outcome: Outcome
    charges: int

    @property
    def label(self) -> str:
        return self.outcome.label


@dataclass(frozen=True)
class GroupOutcomes:
    group: str
    shares: tuple[OutcomeShare, ...]
    reduced: int
    ranked: int

    @property
    def label(self) -> str:
        return GROUP_LABELS[self.group]

    @property
    def charges(self) -> int:
        return sum(share.charges for share in self.shares)

    @property
    def reduction_rate(self) -> float | None:
        return round(100.0 * self.reduced / self.ranked, 1) if self.ranked else None


@dataclass(frozen=True)
class Comparison:
    proposal: Proposal
    period: Period
    releases: tuple[str, ...]
    positions: dict[str, GroupPosition]
    outcomes: dict[str, GroupOutcomes]
    distribution: tuple[tuple[int, int], ...] = field(default=())

    def position(self, group: str) -> GroupPosition:
        return self.positions[group]

    @property
    def primary(self) -> GroupPosition:
        """The narrowest group with history: what the decision is judged against."""
        for group in GROUPS:
            if self.positions[group].participants:
                return self.positions[group]
        return self.positions["all"]


def default_releases() -> tuple[str, ...]:
    """Every committed open-data release (the office's own export is compared separately)."""
    return tuple(
        sorted(m.release for m in store.list_releases() if m.source == store.SOURCE_OPENDATA)
    )


@cache
def _query_version() -> str:
    """Changes with the queries that build the aggregates or the layout they are kept in (a
    change to the lookup alone keeps them)."""
    digest = hashlib.sha256(_AGGREGATE_LAYOUT.encode())
    for name in _BUILDING_QUERIES:
        digest.update((SQL_DIR / f"{name}.sql").read_bytes())
    return digest.hexdigest()[:12]


def cache_key(releases: tuple[str, ...]) -> str:
    """Changes whenever a chosen release is re-imported or the queries change."""
    manifests = {m.release: m for m in store.list_releases()}
    described = [
        [r, manifests[r].imported_at, sorted(manifests[r].datasets.items())]
        for r in releases
        if r in manifests
    ]
    text = json.dumps([str(store.analytics_dir()), _query_version(), described])
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _class_ranks() -> pa.Table:
    known = [c for c in active_ruleset().classes.values() if c.known]
    return pa.table(
        {"class": [c.code for c in known], "rank": pa.array([c.rank for c in known], pa.int32())}
    )


def register_vocabularies(connection: duckdb.DuckDBPyConnection) -> None:
    """`outcome_vocabulary` for every (disposition, reason) pair the data holds, and
    `class_ranks` from the ruleset, as tables of this connection."""
    pairs = connection.execute(
        "SELECT DISTINCT COALESCE(charge_disposition, ''), COALESCE(charge_disposition_reason, '')"
        " FROM dispositions"
    ).fetchall()
    vocabulary = pa.table(
        {
            "charge_disposition": [p[0] for p in pairs],
            "charge_disposition_reason": [p[1] for p in pairs],
            "outcome": [outcome_of(p[0], p[1]).value for p in pairs],
            "priority": pa.array(
                [OUTCOME_PRIORITY[outcome_of(p[0], p[1])] for p in pairs], pa.int32()
            ),
        }
    )
    connection.register("outcome_vocabulary_arrow", vocabulary)
    connection.execute(
        "CREATE OR REPLACE TABLE outcome_vocabulary AS SELECT * FROM outcome_vocabulary_arrow"
    )
    connection.register("class_ranks_arrow", _class_ranks())
    connection.execute("CREATE OR REPLACE TABLE class_ranks AS SELECT * FROM class_ranks_arrow")


# When one participant's charges ended differently, the participant "ended in" the first of
# these that applies: a programme, then a conviction, then a dismissal.
OUTCOME_PRIORITY: dict[Outcome, int] = {
    Outcome.DIVERSION: 0,
    Outcome.GUILTY_PLEA: 1,
    Outcome.VERDICT: 2,
    Outcome.COURT_DISMISSAL: 3,
    Outcome.PROSECUTOR_DISMISSAL: 4,
    Outcome.OTHER: 5,
}


def restricted_connection(releases: tuple[str, ...]) -> duckdb.DuckDBPyConnection:
    """The store's views, narrowed to the chosen releases under the same names."""
    connection = store.connect()
    listing = ", ".join("'" + store.check_release_id(r) + "'" for r in releases) or "NULL"
    connection.execute("CREATE SCHEMA chosen")
    for dataset in ("initiation", "dispositions"):
        # Views take no parameters; the names are constants and the ids passed the store's
        # release-id check (letters, digits, '.', '_', '-').
        connection.execute(
            f"CREATE VIEW chosen.{dataset} AS SELECT * FROM main.{dataset} "  # noqa: S608
            f"WHERE release IN ({listing})"
        )
    connection.execute("SET schema = 'chosen'")
    return connection


def build_aggregates(connection: duckdb.DuckDBPyConnection, target: Path) -> None:
    """Run the portable aggregate queries over `initiation` and `dispositions` and write the
    two aggregate tables as Parquet files in `target`, a folder no reader sees until the store
    publishes it whole.

    The chosen releases are summed into one history and the rows sorted by group key, so a
    check loads them as they are and each lookup reads one table per kind, one row per key,
    year and value."""
    runner = DuckDBRunner(connection)
    runner.create_table("charge_rows", "charge_rows")
    register_vocabularies(connection)
    target.mkdir(parents=True, exist_ok=True)
    for table in AGGREGATE_TABLES:
        runner.create_table(f"{table}_built", table)
        escaped = str(target / f"{table}.parquet").replace("'", "''")
        dimensions = ", ".join(_DIMENSIONS[table])
        # Constant table names and a path of our own making, quoted.
        connection.execute(
            f"COPY (SELECT {dimensions}, {_SUMMED[table]} "  # noqa: S608
            f"FROM {table}_built GROUP BY {dimensions} ORDER BY {dimensions}) "
            f"TO '{escaped}' (FORMAT parquet)"
        )


def aggregates_dir(key: str) -> Path:
    """Where the aggregates of this cache key are once built (until two newer builds)."""
    return store.aggregate_folder(_build_name(key))


def _build_name(key: str) -> str:
    return f"charging-{key}"


def prepare(releases: tuple[str, ...] | None = None) -> Path:
    """Build the aggregates of these releases (every open-data release by default) unless
    they exist, and return their folder. Called right after an import, so that no check
    pays for the build. Of the builds before it, only the last one stays on disk."""
    chosen = default_releases() if releases is None else releases
    return _publish(cache_key(chosen), chosen)


def _publish(key: str, releases: tuple[str, ...]) -> Path:
    def build(target: Path) -> None:
        source = restricted_connection(releases)
        try:
            build_aggregates(source, target)
        finally:
            source.close()

    return store.publish_aggregates(_build_name(key), _AGGREGATE_FILES, build)


def _load_aggregates(key: str, releases: tuple[str, ...]) -> duckdb.DuckDBPyConnection:
    """The aggregates of this key copied into memory. Their folder can vanish between finding
    and reading it (two imports elsewhere published newer builds meanwhile): then it is built
    again and read again."""
    attempts_left = _LOAD_ATTEMPTS
    while True:
        folder = _publish(key, releases)
        connection = duckdb.connect(":memory:")
        try:
            for table in AGGREGATE_TABLES:
                escaped = str(folder / f"{table}.parquet").replace("'", "''")
                connection.execute(
                    f"CREATE TABLE {table} AS SELECT * FROM read_parquet('{escaped}')"  # noqa: S608
                )
        except duckdb.IOException:
            connection.close()
            attempts_left -= 1
            if not attempts_left:
                raise
            continue
        return connection


def comparison_connection(releases: tuple[str, ...]) -> duckdb.DuckDBPyConnection:
    """An in-memory connection holding the aggregates of these releases (built if missing)."""
    key = cache_key(releases)
    with _lock:
        if key in _loaded:
            return _loaded[key].cursor()
    connection = _load_aggregates(key, releases)
    with _lock:
        if key in _loaded:
            connection.close()  # another thread loaded them meanwhile
        else:
            _loaded.clear()  # one set of releases at a time; a new import replaces the old
            _loaded[key] = connection
        return _loaded[key].cursor()


def compare(
    proposal: Proposal,
    *,
    period: Period = ALL_YEARS,
    releases: tuple[str, ...] | None = None,
) -> Comparison:
    chosen = default_releases() if releases is None else releases
    connection = comparison_connection(chosen)
    try:
        return compare_on(DuckDBRunner(connection), proposal, period=period, releases=chosen)
    finally:
        connection.close()


def compare_on(
    runner: Runner,
    proposal: Proposal,
    *,
    period: Period,
    releases: tuple[str, ...],
) -> Comparison:
    """The comparison from one lookup (sql/consistency.sql) on any engine's runner."""
    params = {**proposal.params(), **period.params()}
    # Summed over the years of the period: {group: {count total: participants}} and
    # {group: {outcome: [charges, reduced, ranked]}}.
    histograms: dict[str, dict[int, int]] = {group: {} for group in GROUPS}
    tallies: dict[str, dict[str, list[int]]] = {group: {} for group in GROUPS}
    for group, _year, total, outcome, participants, charges, reduced, ranked in runner.rows(
        "consistency", params
    ):
        if outcome:
            tally = tallies[group].setdefault(str(outcome), [0, 0, 0])
            tally[0] += int(charges)
            tally[1] += int(reduced)
            tally[2] += int(ranked)
        elif participants:
            counts = histograms[group]
            counts[int(total)] = counts.get(int(total), 0) + int(participants)
    count = proposal.count_total
    positions = {
        group: GroupPosition(
            group=group,
            participants=sum(counts.values()),
            below=sum(n for total, n in counts.items() if total < count),
            equal=counts.get(count, 0),
            highest=max(counts, default=0),
        )
        for group, counts in histograms.items()
    }
    outcomes = {
        group: GroupOutcomes(
            group=group,
            shares=tuple(
                OutcomeShare(outcome, tallies[group][outcome.value][0])
                for outcome in Outcome
                if outcome.value in tallies[group]
            ),
            reduced=sum(tally[1] for tally in tallies[group].values()),
            ranked=sum(tally[2] for tally in tallies[group].values()),
        )
        for group in GROUPS
    }
    primary_group = next((g for g in GROUPS if positions[g].participants), "all")
    return Comparison(
        proposal=proposal,
        period=period,
        releases=releases,
        positions=positions,
        outcomes=outcomes,
        distribution=tuple(sorted(histograms[primary_group].items())),
    )
