"""What the public transparency page and API read: suppressed metrics over the store.

Nothing here touches the case database. Results are cached per filter set under a key that
includes a fingerprint of the store's release manifests, so a new import or office export
is seen on the next request while repeated requests (a crawler, a busy news day) cost one
cache read.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import duckdb
from django.conf import settings
from django.core.cache import cache

from evenhand.analytics import store
from evenhand.analytics.metrics.compute import (
    MetricFilters,
    MetricResult,
    compute_metric,
    filter_options,
    materialize_base,
    releases,
)
from evenhand.analytics.metrics.definitions import METRICS, METRICS_BY_KEY, Metric
from evenhand.jurisdictions.ruleset import active_ruleset

CACHE_SECONDS = 600
T = TypeVar("T")


class UnknownReleaseError(LookupError):
    """The release named is not in the store."""


class UnknownMetricError(LookupError):
    """No public metric has that key."""


@dataclass(frozen=True)
class ReleaseOption:
    release: str
    source: str

    @property
    def label(self) -> str:
        if self.source == store.SOURCE_OFFICE:
            return "This office's own cases"
        return f"County open data, release {self.release}"


def min_cell() -> int:
    return int(settings.EVENHAND_PUBLIC_MIN_CELL)


def store_fingerprint() -> str:
    """Changes whenever a release is imported, exported again or removed.

    Built from the manifests (the store's commit marks) and the stored files' sizes and
    modification times, so that two exports within the same second still differ.
    """
    root = store.analytics_dir()
    digest = hashlib.sha256(str(root).encode())
    for manifest in store.list_releases():
        digest.update(f"{manifest.release}|{manifest.imported_at}|{manifest.datasets}".encode())
    for path in sorted(root.glob("*/release=*/*.parquet")):
        status = path.stat()
        digest.update(f"{path.relative_to(root)}|{status.st_size}|{status.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def _cached(name: str, compute: Callable[[], T]) -> T:
    key = hashlib.sha256(f"transparency:{store_fingerprint()}:{min_cell()}:{name}".encode())
    found: T | None = cache.get(key.hexdigest())
    if found is None:
        found = compute()
        cache.set(key.hexdigest(), found, CACHE_SECONDS)
    return found


def _with_store(read: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    """Run one read on a fresh store connection and close it (its views see the newest files)."""
    connection = store.connect()
    try:
        return read(connection)
    finally:
        connection.close()


class _MaterializedStore:
    """One long-lived DuckDB connection per store state, holding each metric's base rows per
    release as they are first asked for. Readers use their own cursor (DuckDB connections are
    not shared across threads; cursors of one database are)."""

    def __init__(self, fingerprint: str) -> None:
        self.fingerprint = fingerprint
        self.connection = store.connect()
        self.tables: dict[tuple[str, str], str] = {}
        self.lock = threading.Lock()

    def base_table(self, metric: Metric, release: str) -> str:
        with self.lock:
            key = (metric.key, release)
            if key not in self.tables:
                self.tables[key] = materialize_base(
                    self.connection, metric, release, ruleset=active_ruleset()
                )
            return self.tables[key]


_MATERIALIZED: dict[str, _MaterializedStore] = {}
_MATERIALIZED_LOCK = threading.Lock()


def _materialized() -> _MaterializedStore:
    fingerprint = store_fingerprint()
    with _MATERIALIZED_LOCK:
        current = _MATERIALIZED.get("current")
        if current is None or current.fingerprint != fingerprint:
            # The old connection is dropped, not closed: a request may still hold a cursor.
            current = _MaterializedStore(fingerprint)
            _MATERIALIZED["current"] = current
        return current


def forget_materialized() -> None:
    """Drop the kept base tables, as a new import would (for the benchmark's first-request
    figure; a changed store is noticed without it)."""
    with _MATERIALIZED_LOCK:
        _MATERIALIZED.clear()


def _compute(metric: Metric, filters: MetricFilters) -> MetricResult:
    materialized = _materialized()
    table = materialized.base_table(metric, filters.release)
    cursor = materialized.connection.cursor()
    try:
        return compute_metric(
            cursor,
            metric,
            filters,
            ruleset=active_ruleset(),
            threshold=min_cell(),
            base_table=table,
        )
    finally:
        cursor.close()


def available_releases() -> list[ReleaseOption]:
    return _cached(
        "releases",
        lambda: _with_store(
            lambda conn: [ReleaseOption(release=r, source=s) for r, s in releases(conn)]
        ),
    )


def default_release() -> str | None:
    """The office's own release when there is one, else the first open-data release."""
    options = available_releases()
    return options[0].release if options else None


def check_release(release: str) -> str:
    if release not in {option.release for option in available_releases()}:
        raise UnknownReleaseError(release)
    return release


def release_filter_options(release: str) -> dict[str, list[str]]:
    check_release(release)
    return _cached(
        f"options:{release}",
        lambda: _with_store(
            lambda conn: filter_options(
                conn, release=release, ruleset=active_ruleset(), threshold=min_cell()
            )
        ),
    )


def metric_by_key(key: str) -> Metric:
    try:
        return METRICS_BY_KEY[key]
    except KeyError:
        raise UnknownMetricError(key) from None


def published_metric(key: str, filters: MetricFilters) -> MetricResult:
    metric = metric_by_key(key)
    check_release(filters.release)
    return _cached(
        f"metric:{key}:{filters.cache_key()}",
        lambda: _compute(metric, filters),
    )


def published_dashboard(filters: MetricFilters) -> list[MetricResult]:
    """Every public metric under one filter set, computed on one connection."""
    check_release(filters.release)

    return _cached(
        f"dashboard:{filters.cache_key()}",
        lambda: [_compute(metric, filters) for metric in METRICS],
    )
