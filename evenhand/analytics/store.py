"""The analytics store: Parquet snapshots per dataset and release, read through DuckDB.

Layout under ``settings.EVENHAND_ANALYTICS_DIR``::

    <dataset>/release=<release id>/part-0.parquet   one partition per dataset and release
    _manifests/<release id>.json                      what the release holds; its commit mark
    _staging/                                         work in progress of an import
    _aggregates/<name>/                               a build derived from releases (the checks')
    _aggregates/builds.json                           the kept builds, the current one first

A release is visible only once its manifest names the dataset, and the manifest is written
last, with a rename: a killed import or export leaves nothing that a query can see. A derived
build appears under its name only whole, by renaming its private folder, and only the current
build and the one before it are kept (`publish_aggregates`).
"""

from __future__ import annotations

import csv
import fcntl
import json
import os
import re
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings

from evenhand.analytics.layouts import (
    RELEASE_COLUMN,
    SOURCE_COLUMN,
    Dataset,
    store_columns,
)

OFFICE_RELEASE = "office"
SOURCE_OPENDATA = "opendata"
SOURCE_OFFICE = "office"

_RELEASE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_MANIFESTS = "_manifests"
_STAGING = "_staging"
_PART = "part-0.parquet"
_AGGREGATES = "_aggregates"
_BUILDS = "builds.json"
_BUILDS_LOCK = ".lock"
_UNPUBLISHED = "_unpublished-"
# The current build, and the one before it for a reader that found it just before the switch.
KEPT_BUILDS = 2


class StoreError(ValueError):
    """A request the store refuses: unknown dataset, bad release id, wrong columns."""


def analytics_dir() -> Path:
    return Path(settings.EVENHAND_ANALYTICS_DIR)


def check_release_id(release: str) -> str:
    if not _RELEASE_ID.match(release):
        raise StoreError(
            f"release id {release!r} must be 1-64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return release


def dataset_named(name: str) -> Dataset:
    try:
        return Dataset(name)
    except ValueError:
        known = ", ".join(d.value for d in Dataset)
        raise StoreError(f"unknown dataset {name!r}; the datasets are {known}") from None


@dataclass
class FileRecord:
    """One source file of a release as the manifest keeps it."""

    name: str
    sha256: str
    dataset: str
    layout: str
    rows_read: int
    rows_rejected: int


@dataclass
class Manifest:
    release: str
    source: str
    imported_at: str
    # dataset -> rows stored
    datasets: dict[str, int] = field(default_factory=dict)
    files: list[FileRecord] = field(default_factory=list)
    layout: str = ""
    note: str = ""

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)

    @property
    def rows_rejected(self) -> int:
        return sum(f.rows_rejected for f in self.files)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["rows_read"] = self.rows_read
        data["rows_rejected"] = self.rows_rejected
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Manifest:
        return cls(
            release=str(data["release"]),
            source=str(data.get("source", SOURCE_OPENDATA)),
            imported_at=str(data.get("imported_at", "")),
            datasets={str(k): int(v) for k, v in dict(data.get("datasets", {})).items()},
            files=[FileRecord(**f) for f in data.get("files", [])],
            layout=str(data.get("layout", "")),
            note=str(data.get("note", "")),
        )


def _manifest_path(release: str) -> Path:
    return analytics_dir() / _MANIFESTS / f"{release}.json"


def rejects_path(release: str) -> Path:
    """The CSV (file, line, reason) of the rows an import of this release left out."""
    return analytics_dir() / _MANIFESTS / f"{check_release_id(release)}.rejects.csv"


@dataclass(frozen=True)
class RejectsPage:
    total: int
    rows: list[tuple[str, int, str]]


def read_rejects(release: str, *, offset: int, limit: int) -> RejectsPage:
    """One page of a release's rejected rows (file, line, reason), in the order reported."""
    path = rejects_path(release)
    if not path.exists():
        return RejectsPage(total=0, rows=[])
    rows: list[tuple[str, int, str]] = []
    total = 0
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader, None)
        for name, line, reason in reader:
            if offset <= total < offset + limit:
                rows.append((name, int(line), reason))
            total += 1
    return RejectsPage(total=total, rows=rows)


def _partition_dir(dataset: Dataset, release: str, root: Path | None = None) -> Path:
    return (root or analytics_dir()) / dataset.value / f"{RELEASE_COLUMN}={release}"


def read_manifest(release: str) -> Manifest | None:
    path = _manifest_path(check_release_id(release))
    if not path.exists():
        return None
    return Manifest.from_json(json.loads(path.read_text()))


def list_releases() -> list[Manifest]:
    """Every committed release, newest first."""
    folder = analytics_dir() / _MANIFESTS
    if not folder.is_dir():
        return []
    manifests = [
        Manifest.from_json(json.loads(p.read_text()))
        for p in folder.glob("*.json")
        if not p.name.endswith(".tmp")
    ]
    return sorted(manifests, key=lambda m: (m.imported_at, m.release), reverse=True)


def _write_manifest(manifest: Manifest) -> None:
    path = _manifest_path(manifest.release)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{uuid.uuid4().hex}.tmp")
    temporary.write_text(json.dumps(manifest.to_json(), indent=2, sort_keys=True))
    os.replace(temporary, path)


def now_iso() -> str:
    return datetime.now(tz=UTC).isoformat(timespec="seconds")


def _empty_select(dataset: Dataset) -> str:
    columns = [*store_columns(dataset), (RELEASE_COLUMN, "VARCHAR")]
    return "SELECT " + ", ".join(f"CAST(NULL AS {kind}) AS {name}" for name, kind in columns)


def _visible_files(dataset: Dataset) -> list[str]:
    files: list[str] = []
    for manifest in list_releases():
        if dataset.value in manifest.datasets:
            part = _partition_dir(dataset, manifest.release) / _PART
            if part.exists():
                files.append(str(part))
    return sorted(files)


def connect() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with one view per dataset over all committed releases.

    Rows carry ``release`` from the partition; ids are only unique within a release, so join
    on ``(release, case_id)``. A dataset with no files yet is an empty view with its columns.
    """
    connection = duckdb.connect(":memory:")
    for dataset in Dataset:
        empty = _empty_select(dataset)
        files = _visible_files(dataset)
        if files:
            listing = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
            body = (
                # Column names are the layout's constants and paths are quoted: no input here.
                f"SELECT * FROM ({empty} WHERE false) UNION ALL BY NAME "  # noqa: S608
                f"SELECT * FROM read_parquet([{listing}], hive_partitioning = true, "
                "hive_types = {'release': VARCHAR}, union_by_name = true)"
            )
        else:
            body = f"{empty} WHERE false"
        connection.execute(f"CREATE VIEW {dataset.value} AS {body}")
    return connection


def conform_sql(dataset: Dataset, relation: str, present: set[str], source: str) -> str:
    """SELECT that casts a relation's columns to the store's types and fills missing ones."""
    unknown = present - {name for name, _ in store_columns(dataset)}
    if unknown:
        raise StoreError(f"{dataset.value} has no columns named {', '.join(sorted(unknown))}")
    parts = []
    for name, kind in store_columns(dataset):
        if name in present:
            parts.append(f"CAST({name} AS {kind}) AS {name}")
        elif name == SOURCE_COLUMN:
            parts.append(f"CAST('{source}' AS VARCHAR) AS {name}")
        else:
            parts.append(f"CAST(NULL AS {kind}) AS {name}")
    return f"SELECT {', '.join(parts)} FROM {relation}"  # noqa: S608 - checked names only


def write_release(dataset: str | Dataset, release: str, table: pa.Table) -> int:
    """Write one dataset of one release, replacing that partition, and mark it committed.

    Columns are store column names (any subset); missing ones are stored as NULL, unknown
    ones are refused. ``source`` defaults to 'office' for the office release, else 'opendata'.
    Returns the number of rows written.
    """
    chosen = dataset_named(dataset) if isinstance(dataset, str) else dataset
    check_release_id(release)
    present = set(table.column_names)
    present.discard(RELEASE_COLUMN)
    if RELEASE_COLUMN in table.column_names:
        table = table.drop_columns([RELEASE_COLUMN])
    source = SOURCE_OFFICE if release == OFFICE_RELEASE else SOURCE_OPENDATA
    with staging_area() as staging:
        target = staging / _PART
        connection = duckdb.connect(":memory:")
        try:
            connection.register("incoming", table)
            select = conform_sql(chosen, "incoming", present, source)
            copy_to_parquet(connection, select, target)
        finally:
            connection.close()
        commit_release(
            release=release,
            parts={chosen: target},
            rows={chosen: int(table.num_rows)},
            replace_release=False,
            source=source,
        )
    return int(table.num_rows)


def copy_to_parquet(connection: duckdb.DuckDBPyConnection, select: str, target: Path) -> int:
    """Write a query's rows to a zstd Parquet file; return how many were written."""
    target.parent.mkdir(parents=True, exist_ok=True)
    escaped = str(target).replace("'", "''")
    written = connection.execute(
        f"COPY ({select}) TO '{escaped}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)"
    ).fetchone()
    return int(written[0]) if written else 0


@contextmanager
def open_parquet_writer(
    target: Path, schema: pa.Schema, *, no_dictionary: frozenset[str] = frozenset()
) -> Iterator[pq.ParquetWriter]:
    """A zstd Parquet writer for a staged file (the importer's streaming path); columns in
    ``no_dictionary`` (nearly all values distinct) skip the dictionary page.

    Min/max statistics are kept for the dates, numbers and flags, which queries filter on
    by range; for text they cost a fifth of the write and prune nothing here (ids are hashes,
    names of offences and places are compared for equality across every row group)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    writer = pq.ParquetWriter(
        str(target),
        schema,
        compression="zstd",
        use_dictionary=[name for name in schema.names if name not in no_dictionary],
        write_statistics=[field.name for field in schema if field.type != pa.string()],
    )
    try:
        yield writer
    finally:
        writer.close()


@contextmanager
def staging_area() -> Iterator[Path]:
    """A private folder inside the store (same file system, so renames are atomic)."""
    folder = analytics_dir() / _STAGING / uuid.uuid4().hex
    folder.mkdir(parents=True)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def commit_release(
    *,
    release: str,
    parts: dict[Dataset, Path],
    rows: dict[Dataset, int],
    replace_release: bool,
    source: str,
    files: list[FileRecord] | None = None,
    layout: str = "",
    note: str = "",
    rejects_file: Path | None = None,
) -> Manifest:
    """Move staged Parquet files into place and write the manifest last.

    With ``replace_release`` the release's old datasets disappear first (its manifest is
    removed before any file moves), so a crash mid-way leaves the release absent, never
    a mix of old and new. Without it, the given datasets are added to or replace those of
    an existing release.
    """
    check_release_id(release)
    existing = read_manifest(release)
    manifest_path = _manifest_path(release)
    if replace_release or existing is None:
        manifest = Manifest(release=release, source=source, imported_at=now_iso())
        if existing is not None:
            manifest_path.unlink()
            rejects_path(release).unlink(missing_ok=True)
            for name in existing.datasets:
                shutil.rmtree(_partition_dir(Dataset(name), release), ignore_errors=True)
    else:
        manifest = existing
        manifest.imported_at = now_iso()
    for dataset, staged in parts.items():
        target_dir = _partition_dir(dataset, release)
        target_dir.mkdir(parents=True, exist_ok=True)
        os.replace(staged, target_dir / _PART)
        manifest.datasets[dataset.value] = rows[dataset]
    if files is not None:
        manifest.files = files
    if layout:
        manifest.layout = layout
    if note:
        manifest.note = note
    if rejects_file is not None:
        rejects_path(release).parent.mkdir(parents=True, exist_ok=True)
        os.replace(rejects_file, rejects_path(release))
    _write_manifest(manifest)
    return manifest


def remove_release(release: str) -> bool:
    """Forget a release: the manifest goes first, so queries stop seeing it at once."""
    manifest = read_manifest(release)
    if manifest is None:
        return False
    _manifest_path(release).unlink()
    rejects_path(release).unlink(missing_ok=True)
    for dataset in Dataset:
        shutil.rmtree(_partition_dir(dataset, release), ignore_errors=True)
    return True


def sweep_uncommitted() -> list[str]:
    """Delete partitions no manifest vouches for (left by a killed import) and old staging."""
    root = analytics_dir()
    removed: list[str] = []
    shutil.rmtree(root / _STAGING, ignore_errors=True)
    committed = {m.release: set(m.datasets) for m in list_releases()}
    for dataset in Dataset:
        folder = root / dataset.value
        if not folder.is_dir():
            continue
        for partition in folder.glob(f"{RELEASE_COLUMN}=*"):
            release = partition.name.split("=", 1)[1]
            if dataset.value not in committed.get(release, set()):
                shutil.rmtree(partition, ignore_errors=True)
                removed.append(str(partition.relative_to(root)))
    return removed


def aggregates_root() -> Path:
    return analytics_dir() / _AGGREGATES


def aggregate_folder(name: str) -> Path:
    """Where the build called ``name`` is, once published (it may not be, or no longer)."""
    return aggregates_root() / name


def kept_builds() -> list[str]:
    """The names of the builds kept under ``_aggregates/``, the current (newest) first."""
    try:
        data = json.loads((aggregates_root() / _BUILDS).read_text())
    except FileNotFoundError:
        return []
    return [str(name) for name in data.get("builds", [])]


@contextmanager
def _builds_locked() -> Iterator[Path]:
    """One builder at a time across processes (an import and a web worker may both build);
    the kernel lets go of the lock when its holder dies, even by kill -9."""
    root = aggregates_root()
    root.mkdir(parents=True, exist_ok=True)
    with (root / _BUILDS_LOCK).open("a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield root
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _is_complete(folder: Path, files: tuple[str, ...]) -> bool:
    return all((folder / name).is_file() for name in files)


def publish_aggregates(name: str, files: tuple[str, ...], build: Callable[[Path], None]) -> Path:
    """The folder of build ``name`` holding ``files``: built by ``build`` unless it is there.

    Readers take no lock, so nothing they may open is ever changed in place. ``build`` writes
    into a private folder, which is renamed to ``name`` only once every file is in it; then
    ``builds.json`` is replaced (os.replace) to name it current, and every other folder but
    the previous build is removed, renamed away first so that no reader finds a folder half
    deleted. A reader that found the previous build just before the switch can still open it
    (and on Linux a file it has open survives removal). A build that fails or is killed
    leaves the current build current; its private folder goes at the next publish.
    """
    folder = aggregate_folder(name)
    if _is_complete(folder, files) and name in kept_builds():
        return folder
    with _builds_locked() as root:
        if not _is_complete(folder, files):
            private = root / f"{_UNPUBLISHED}{uuid.uuid4().hex}"
            private.mkdir()
            try:
                build(private)
                if not _is_complete(private, files):
                    raise StoreError(f"the build of {name} did not write {', '.join(files)}")
                if folder.exists():
                    # Incomplete, so no reader uses it: left by a build made before builds
                    # were published whole.
                    _remove_folder(root, folder)
                os.rename(private, folder)
            except BaseException:
                shutil.rmtree(private, ignore_errors=True)
                raise
        kept = [name, *(other for other in kept_builds() if other != name)][:KEPT_BUILDS]
        temporary = root / f"{_BUILDS}.{uuid.uuid4().hex}.tmp"
        temporary.write_text(json.dumps({"builds": kept}, indent=2))
        os.replace(temporary, root / _BUILDS)
        for entry in list(root.iterdir()):
            if entry.name in {_BUILDS, _BUILDS_LOCK, *kept}:
                continue
            if entry.is_dir():
                _remove_folder(root, entry)
            else:
                entry.unlink(missing_ok=True)
    return folder


def _remove_folder(root: Path, folder: Path) -> None:
    """Rename first: a reader finds the folder whole or not at all, never half deleted."""
    doomed = root / f"{_UNPUBLISHED}{uuid.uuid4().hex}"
    os.rename(folder, doomed)
    shutil.rmtree(doomed, ignore_errors=True)
