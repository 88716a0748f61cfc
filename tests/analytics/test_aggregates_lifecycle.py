"""The consistency check's aggregates: each import publishes a new build whole, only the current
build and the one before it stay on disk, and readers never find a half-built or vanished one."""

from __future__ import annotations

import os
import shutil
import signal
import threading
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import duckdb
import pytest
from django.core.management import call_command

from evenhand.analytics import store
from evenhand.analytics.queries import consistency
from tests.analytics.conftest import EXPORT_SAMPLE

# Any proposal will do: every check places it among "all participants" of the history.
PROPOSAL = consistency.Proposal(
    chapter="720",
    act="5",
    section="26-1(a)(4)",
    offense_class="4",
    offense_category="Other Offense",
    count_total=1,
)
BUILD_FILES = ("count_histogram.parquet", "outcome_counts.parquet")


def _import(release: str) -> None:
    """`opendata import` of the 2026 export sample as its own release (builds the aggregates)."""
    out = StringIO()
    call_command(
        "opendata",
        "import",
        *sorted(EXPORT_SAMPLE.glob("*.csv")),
        "--release",
        release,
        "--no-progress",
        stdout=out,
    )
    assert "consistency aggregates ready" in out.getvalue()


def _current_folder() -> Path:
    return consistency.aggregates_dir(consistency.cache_key(consistency.default_releases()))


def _folders(analytics_dir: Path) -> set[str]:
    return {p.name for p in (analytics_dir / "_aggregates").iterdir() if p.is_dir()}


def _answers(releases: tuple[str, ...]) -> None:
    comparison = consistency.compare(PROPOSAL, releases=releases)
    assert comparison.releases == releases
    assert comparison.position("all").participants > 0


def test_each_import_keeps_only_the_current_build_and_the_one_before(analytics_dir: Path) -> None:
    _import("first")
    first = _current_folder()
    assert _folders(analytics_dir) == {first.name}
    _import("second")
    second = _current_folder()
    assert second != first
    assert store.kept_builds() == [second.name, first.name]
    assert _folders(analytics_dir) == {second.name, first.name}
    _import("third")
    third = _current_folder()
    assert store.kept_builds() == [third.name, second.name]
    assert _folders(analytics_dir) == {third.name, second.name}
    assert not first.exists()
    for folder in (third, second):
        assert sorted(p.name for p in folder.iterdir()) == list(BUILD_FILES)

    out = StringIO()
    call_command("opendata", "remove", "second", stdout=out)
    after_removal = _current_folder()
    assert store.kept_builds() == [after_removal.name, third.name]
    assert _folders(analytics_dir) == {after_removal.name, third.name}


def test_a_reader_that_found_the_current_build_can_still_read_it_after_the_next_import() -> None:
    def contents(folder: Path) -> list[object]:
        return [
            duckdb.sql(f"SELECT * FROM read_parquet('{folder / name}') ORDER BY ALL").fetchall()
            for name in BUILD_FILES
        ]

    _import("first")
    found = _current_folder()
    before = contents(found)
    assert before[0]  # participants counted
    _import("second")
    assert _current_folder() != found
    # The reader found `found` before the switch and opens it only now: still whole.
    assert contents(found) == before


def test_a_check_between_imports_answers() -> None:
    _import("first")
    _answers(("first",))
    _import("second")
    _answers(("first", "second"))
    _answers(("first",))  # the build before the current one is still there
    _import("third")
    _answers(("first", "second", "third"))
    _answers(("first",))  # gone by now: built again, then read


def test_a_check_whose_build_vanished_before_it_read_it_builds_it_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _import("first")
    publish = store.publish_aggregates
    found: list[Path] = []

    def vanishing_once(name: str, files: tuple[str, ...], build: Callable[[Path], None]) -> Path:
        folder = publish(name, files, build)
        if not found:
            # Two newer builds elsewhere pruned it between finding it and reading it.
            shutil.rmtree(folder)
        found.append(folder)
        return folder

    monkeypatch.setattr(store, "publish_aggregates", vanishing_once)
    _answers(("first",))
    assert len(found) == 2
    assert all((found[-1] / name).is_file() for name in BUILD_FILES)


def test_checks_running_during_imports_always_answer() -> None:
    _import("first")
    stop = threading.Event()
    failures: list[BaseException] = []
    checks = [0]

    def check_continually() -> None:
        while not stop.is_set():
            try:
                _answers(consistency.default_releases())
            except Exception as error:  # noqa: BLE001 - reported by the test below
                failures.append(error)
                return
            checks[0] += 1

    reader = threading.Thread(target=check_continually)
    reader.start()
    try:
        for release in ("second", "third", "fourth"):
            _import(release)
    finally:
        stop.set()
        reader.join(timeout=60)
    assert not reader.is_alive()
    assert failures == []
    assert checks[0] > 0
    _answers(consistency.default_releases())


def test_a_build_that_fails_leaves_the_previous_build_current(
    analytics_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _import("first")
    current = _current_folder()

    def failing_midway(connection: duckdb.DuckDBPyConnection, target: Path) -> None:
        (target / BUILD_FILES[0]).write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(consistency, "build_aggregates", failing_midway)
    with pytest.raises(OSError, match="disk full"):
        _import("second")
    assert store.kept_builds() == [current.name]
    assert _folders(analytics_dir) == {current.name}
    assert sorted(p.name for p in current.iterdir()) == list(BUILD_FILES)
    _answers(("first",))

    monkeypatch.undo()
    consistency.prepare()
    assert store.kept_builds() == [_current_folder().name, current.name]


def test_a_build_killed_midway_leaves_the_previous_build_current(analytics_dir: Path) -> None:
    _import("first")
    current = _current_folder()

    def killed_midway(target: Path) -> None:
        (target / BUILD_FILES[0]).write_bytes(b"half")
        os.kill(os.getpid(), signal.SIGKILL)

    child = os.fork()
    if child == 0:  # pragma: no cover - the child dies inside the build
        try:
            store.publish_aggregates("charging-killed", BUILD_FILES, killed_midway)
        finally:
            os._exit(1)
    _, status = os.waitpid(child, 0)
    assert os.WIFSIGNALED(status)
    assert os.WTERMSIG(status) == signal.SIGKILL
    assert store.kept_builds() == [current.name]
    assert not consistency.aggregates_dir("killed").exists()
    (leftover,) = _folders(analytics_dir) - {current.name}
    assert leftover.startswith("_unpublished-")
    _answers(("first",))

    # The dead builder's lock went with it; the next build publishes and sweeps its leftovers.
    _import("second")
    assert _folders(analytics_dir) == {_current_folder().name, current.name}
