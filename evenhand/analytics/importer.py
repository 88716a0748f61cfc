"""Import Cook County State's Attorney open-data CSV files as one release of the store.

The common case is one columnar pass per file (``columnar.write_clean_file``): Arrow's strict
CSV reader types every value while it parses and streams typed blocks to Parquet. Only a file
the strict reader refuses takes the reject-finding path here: DuckDB reads every column as
text with an explicit dialect (rows with the wrong field count, an unterminated quote or bytes
that are not valid in the file's encoding are set aside with their line by DuckDB's reject
tables), then one SQL pass types every column and names, per row, every value that does not
parse. Those rows are rejected with file, line and reason; the rest is stored. Everything is
written to a staging folder and moved into place only when every file has been read,
manifest last.
"""

from __future__ import annotations

import csv
import hashlib
import io
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from evenhand.analytics import columnar, store
from evenhand.analytics.layouts import (
    BOOLEAN,
    DATE,
    DOUBLE,
    INTEGER,
    TIMESTAMP,
    Dataset,
    DetectedLayout,
    Layout,
    LayoutError,
    detect_layout,
    store_columns,
)

# Date formats seen in the layouts, most likely first per layout (try_strptime stops at the
# first that fits). %m and %d also read the 2019 portal's unpadded "4/8/2019 12:00:00 AM".
_DATE_FORMATS = {
    Layout.CURRENT: ["%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"],
    Layout.API_2019: ["%Y-%m-%dT%H:%M:%S", "%m/%d/%Y %I:%M:%S %p", "%Y-%m-%d", "%m/%d/%Y"],
}
_TRUE = ("true", "1", "t", "yes", "y")
_FALSE = ("false", "0", "f", "no", "n")
ENCODINGS = ("utf-8", "latin-1", "utf-16")
_SHOWN_VALUE = 40


class ImportRefusedError(ValueError):
    """The import as a whole cannot go ahead; nothing was written."""


@dataclass(frozen=True)
class Reject:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


@dataclass
class ImportResult:
    release: str
    already_imported: bool
    manifest: store.Manifest
    rejects: list[Reject] = field(default_factory=list)
    seconds: float = 0.0
    # Files the strict one-pass reader refused, so they went through the reject-finding path.
    checked_line_by_line: list[str] = field(default_factory=list)

    @property
    def rows_per_second(self) -> float:
        return self.manifest.rows_read / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class _SourceFile:
    path: Path
    header: list[str]
    detected: DetectedLayout
    # Known up front only when the release id or a re-import check needs it; otherwise the
    # file is hashed while it is imported, so its bytes are read once.
    sha256: str | None


ProgressCallback = Callable[[int], None]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _hashes(sources: list[_SourceFile]) -> list[str]:
    return [s.sha256 or sha256_of(s.path) for s in sources]


def release_id_for(hashes: Sequence[str]) -> str:
    """The same set of file contents always gives the same release id, whatever their names."""
    combined = hashlib.sha256("\n".join(sorted(hashes)).encode()).hexdigest()
    return f"ccsao-{combined[:12]}"


def _read_header(path: Path, encoding: str) -> list[str]:
    with path.open("rb") as handle:
        first = handle.readline(1 << 16)
    if not first.strip():
        raise LayoutError("the file is empty or has no header row")
    codec = "utf-8-sig" if encoding == "utf-8" else encoding
    try:
        text = first.decode(codec)
    except UnicodeDecodeError as error:
        raise LayoutError(
            f"the header is not valid {encoding} (byte {error.start}); give the file's "
            "encoding with --encoding (latin-1, utf-16) or convert it to UTF-8"
        ) from None
    return next(csv.reader(io.StringIO(text)))


def inspect_files(
    paths: Sequence[Path], *, encoding: str = "utf-8", hashed: bool = True
) -> list[_SourceFile]:
    """Detect every file's dataset and layout first, so one bad header refuses them all."""
    problems: list[str] = []
    sources: list[_SourceFile] = []
    for path in paths:
        if not path.is_file():
            problems.append(f"{path}: no such file")
            continue
        try:
            header = _read_header(path, encoding)
            detected = detect_layout(header)
        except LayoutError as error:
            problems.append(f"{path}: {error}")
            continue
        sources.append(_SourceFile(path, header, detected, sha256_of(path) if hashed else None))
    if problems:
        raise ImportRefusedError("nothing was imported:\n  " + "\n  ".join(problems))
    return sources


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _typed_expression(raw: str, kind: str, layout: Layout) -> str:
    value = _quote(raw)
    if kind in (DATE, TIMESTAMP):
        formats = "[" + ", ".join(_literal(f) for f in _DATE_FORMATS[layout]) + "]"
        parsed = f"try_strptime(trim({value}), {formats})"
        return f"CAST({parsed} AS DATE)" if kind == DATE else parsed
    if kind == BOOLEAN:
        lowered = f"lower(trim({value}))"
        truthy = ", ".join(_literal(v) for v in _TRUE)
        falsy = ", ".join(_literal(v) for v in _FALSE)
        return (
            f"CASE WHEN {lowered} IN ({truthy}) THEN true "
            f"WHEN {lowered} IN ({falsy}) THEN false END"
        )
    if kind == INTEGER:
        return f"TRY_CAST(trim({value}) AS INTEGER)"
    if kind == DOUBLE:
        return f"TRY_CAST(replace(trim({value}), ',', '') AS DOUBLE)"
    return value


def _typing_sql(source: _SourceFile, raw_table: str) -> str:
    """One pass: typed store columns plus the reason a row cannot be stored (NULL if fine).

    The inner SELECT types each column once; the outer one compares typed with raw values,
    so a value that is present but does not parse names its column and its text. Header
    names here are known layout names (detect_layout accepted them), never free text.
    """
    by_store = {column: raw for raw, column in source.detected.mapping.items()}
    inner: list[str] = ["rowid + 1 AS ordinal"]
    outer: list[str] = ["ordinal"]
    problems: list[str] = []
    for index, (name, kind) in enumerate(store_columns(source.detected.dataset)):
        raw = by_store.get(name)
        outer.append(name)
        if name == "source":
            inner.append(f"'{store.SOURCE_OPENDATA}' AS source")
        elif name == "commitment_term_number":
            term = by_store.get("commitment_term")
            number = (
                f"TRY_CAST(replace(trim({_quote(term)}), ',', '') AS DOUBLE)" if term else "NULL"
            )
            inner.append(f"CAST({number} AS DOUBLE) AS {name}")
        elif raw is None:
            inner.append(f"CAST(NULL AS {kind}) AS {name}")
        else:
            typed = _typed_expression(raw, kind, source.detected.layout)
            inner.append(f"{typed} AS {name}")
            if typed != _quote(raw):
                original = f"raw_value_{index}"
                inner.append(f"{_quote(raw)} AS {original}")
                shown = f"left({original}, {_SHOWN_VALUE})"
                label = _literal(f"{_describe(kind)} in {raw}: '")
                problems.append(
                    f"CASE WHEN {name} IS NULL AND trim({original}) <> '' "
                    f"THEN {label} || {shown} || '''' END"
                )
    reason = f"concat_ws('; ', {', '.join(problems)})" if problems else "''"
    return (
        f"SELECT {', '.join(outer)}, NULLIF({reason}, '') AS reject_reason "  # noqa: S608
        f"FROM (SELECT {', '.join(inner)} FROM {raw_table})"
    )


def _describe(kind: str) -> str:
    return {
        DATE: "not a date",
        TIMESTAMP: "not a date",
        BOOLEAN: "not true/false",
        INTEGER: "not a whole number",
        DOUBLE: "not a number",
    }[kind]


def _read_csv_sql(source: _SourceFile, index: int, encoding: str) -> str:
    columns = "{" + ", ".join(f"{_literal(name)}: 'VARCHAR'" for name in source.header) + "}"
    return (
        f"SELECT * FROM read_csv({_literal(str(source.path))}, "  # noqa: S608 - quoted literals
        f"columns = {columns}, header = true, auto_detect = false, delim = ',', quote = '\"', "
        f"escape = '\"', strict_mode = true, null_padding = false, store_rejects = true, "
        f"rejects_table = 'csv_rejects_{index}', rejects_scan = 'csv_scans_{index}', "
        f"encoding = {_literal(encoding)}, max_line_size = 4194304)"
    )


def _csv_reason(error_type: str, message: str) -> str:
    if error_type == "INVALID ENCODING" or "unicode" in message.lower():
        return (
            "bytes that are not valid text in this encoding (is the file Latin-1? use --encoding)"
        )
    if error_type in ("MISSING COLUMNS", "TOO MANY COLUMNS"):
        return f"wrong number of fields ({message}); the row may be truncated"
    if error_type == "UNQUOTED VALUE":
        return f"unterminated quote ({message}); the rest of the file after it is unreadable"
    return f"{error_type.lower()}: {message}"


def _physical_lines(
    path: Path, ordinals: set[int], skip_lines: set[int], encoding: str
) -> dict[int, int]:
    """Line numbers of the given accepted-row ordinals, found by re-reading the file in Python.

    Only run for files that have typing rejects, so the fast path stays columnar. Records that
    DuckDB refused (by their first line) are skipped to keep ordinals aligned.
    """
    found: dict[int, int] = {}
    wanted = max(ordinals)
    with path.open(encoding=encoding, errors="replace", newline="") as handle:
        reader = csv.reader(handle)
        next(reader, None)
        ordinal = 0
        start = 2
        for _record in reader:
            end = reader.line_num
            if start not in skip_lines:
                ordinal += 1
                if ordinal in ordinals:
                    found[ordinal] = start
                if ordinal >= wanted:
                    break
            start = end + 1
    return found


def _import_file(
    connection: duckdb.DuckDBPyConnection,
    source: _SourceFile,
    index: int,
    encoding: str,
) -> tuple[str, int, list[Reject]]:
    """Read and type one file into a temporary table; return it, its rows read and rejects."""
    raw_table = f"raw_{index}"
    typed_table = f"typed_{index}"
    connection.execute(f"CREATE TEMP TABLE {raw_table} AS {_read_csv_sql(source, index, encoding)}")
    connection.execute(f"CREATE TEMP TABLE {typed_table} AS {_typing_sql(source, raw_table)}")
    connection.execute(f"DROP TABLE {raw_table}")
    name = source.path.name
    csv_rejects = connection.execute(
        # DuckDB logs a short row once per missing column: one reason per line is enough.
        "SELECT line, arg_min(error_type, column_idx), arg_min(error_message, column_idx) "  # noqa: S608
        f"FROM csv_rejects_{index} GROUP BY line ORDER BY line"
    ).fetchall()
    rejects = [
        Reject(name, int(line), _csv_reason(str(kind), str(message)))
        for line, kind, message in csv_rejects
    ]
    typing_rejects = connection.execute(
        f"SELECT ordinal, reject_reason FROM {typed_table} "  # noqa: S608
        "WHERE reject_reason IS NOT NULL ORDER BY ordinal"
    ).fetchall()
    if typing_rejects:
        lines = _physical_lines(
            source.path,
            {int(o) for o, _ in typing_rejects},
            {int(line) for line, _, _ in csv_rejects},
            "utf-8" if encoding == "utf-8" else encoding,
        )
        rejects.extend(
            Reject(name, lines.get(int(o), 0), str(reason)) for o, reason in typing_rejects
        )
    accepted = connection.execute(f"SELECT count(*) FROM {typed_table}").fetchone()  # noqa: S608
    rows_read = (int(accepted[0]) if accepted else 0) + len(csv_rejects)
    rejects.sort(key=lambda r: r.line)
    return typed_table, rows_read, rejects


def import_files(
    paths: Sequence[Path],
    *,
    release: str | None = None,
    replace: bool = False,
    encoding: str = "utf-8",
    progress: ProgressCallback | None = None,
) -> ImportResult:
    """Import CCSAO files as one release; all or nothing, bad rows reported and left out.

    Re-importing files with the same contents into the same release changes nothing. A
    different set of files under an existing release id is refused unless ``replace``.
    """
    started = time.perf_counter()
    if encoding not in ENCODINGS:
        raise ImportRefusedError(f"encoding must be one of {', '.join(ENCODINGS)}")
    if not paths:
        raise ImportRefusedError("no files given")
    sources = inspect_files(paths, encoding=encoding, hashed=release is None)
    release_id = store.check_release_id(release or release_id_for(_hashes(sources)))
    if release_id == store.OFFICE_RELEASE:
        raise ImportRefusedError("release 'office' is the office's own export; choose another id")
    existing = store.read_manifest(release_id)
    if existing is not None:
        if sorted(f.sha256 for f in existing.files) == sorted(_hashes(sources)):
            return ImportResult(release_id, already_imported=True, manifest=existing)
        if not replace:
            raise ImportRefusedError(
                f"release {release_id} already holds other files; use --replace to replace it"
            )
    store.sweep_uncommitted()
    connection = duckdb.connect(":memory:")
    connection.execute("SET preserve_insertion_order = true")
    try:
        return _import_into_store(
            connection,
            sources,
            release_id=release_id,
            encoding=encoding,
            progress=progress,
            started=started,
        )
    finally:
        connection.close()


def _import_into_store(
    connection: duckdb.DuckDBPyConnection,
    sources: list[_SourceFile],
    *,
    release_id: str,
    encoding: str,
    progress: ProgressCallback | None,
    started: float,
) -> ImportResult:
    records: list[store.FileRecord] = []
    rejects: list[Reject] = []
    checked: list[str] = []
    with store.staging_area() as staging:
        pieces: dict[Dataset, list[tuple[Path, int]]] = {}
        for index, source in enumerate(sources):
            part = staging / f"file-{index}.parquet"
            digest = hashlib.sha256() if source.sha256 is None else None
            try:
                accepted = columnar.write_clean_file(
                    source.path,
                    source.detected,
                    source.header,
                    part,
                    encoding=encoding,
                    date_formats=_DATE_FORMATS[source.detected.layout],
                    true_words=_TRUE,
                    false_words=_FALSE,
                    progress=progress,
                    digest=digest,
                )
                rows_read, file_rejects = accepted, list[Reject]()
                sha256 = source.sha256 or (digest.hexdigest() if digest else sha256_of(source.path))
            except columnar.NotCleanError:
                sha256 = source.sha256 or sha256_of(source.path)
                checked.append(source.path.name)
                rows_read, accepted, file_rejects = _import_with_rejects(
                    connection,
                    source,
                    index=index,
                    encoding=encoding,
                    part=part,
                    progress=progress,
                )
            pieces.setdefault(source.detected.dataset, []).append((part, accepted))
            rejects.extend(file_rejects)
            records.append(
                store.FileRecord(
                    name=source.path.name,
                    sha256=sha256,
                    dataset=source.detected.dataset.value,
                    layout=source.detected.layout.value,
                    rows_read=rows_read,
                    rows_rejected=len(file_rejects),
                )
            )
        parts: dict[Dataset, Path] = {}
        rows: dict[Dataset, int] = {}
        for dataset, written in pieces.items():
            rows[dataset] = sum(count for _, count in written)
            parts[dataset] = (
                written[0][0]
                if len(written) == 1
                else _merge_parts(dataset, [p for p, _ in written], staging)
            )
        _write_rejects(staging / "rejects.csv", rejects)
        manifest = store.commit_release(
            release=release_id,
            parts=parts,
            rows=rows,
            replace_release=True,
            source=store.SOURCE_OPENDATA,
            files=records,
            layout=", ".join(sorted({s.detected.layout.value for s in sources})),
            rejects_file=staging / "rejects.csv",
        )
    return ImportResult(
        release_id,
        already_imported=False,
        manifest=manifest,
        rejects=rejects,
        seconds=time.perf_counter() - started,
        checked_line_by_line=checked,
    )


def _import_with_rejects(
    connection: duckdb.DuckDBPyConnection,
    source: _SourceFile,
    *,
    index: int,
    encoding: str,
    part: Path,
    progress: ProgressCallback | None,
) -> tuple[int, int, list[Reject]]:
    """The slow path for a file with bad lines or values: (rows read, rows stored, rejects)."""
    tracker = _ProgressWhileRunning(connection, source.path, progress)
    with tracker:
        typed_table, rows_read, rejects = _import_file(connection, source, index, encoding)
    tracker.finish(rows_read)
    columns = ", ".join(name for name, _ in store_columns(source.detected.dataset))
    accepted = store.copy_to_parquet(
        connection,
        f"SELECT {columns} FROM {typed_table} WHERE reject_reason IS NULL",  # noqa: S608
        part,
    )
    connection.execute(f"DROP TABLE {typed_table}")
    return rows_read, accepted, rejects


def _merge_parts(dataset: Dataset, parts: list[Path], staging: Path) -> Path:
    """One Parquet file of a dataset that came in several source files, in their order."""
    schema = columnar.arrow_schema(store_columns(dataset))
    target = staging / f"{dataset.value}.parquet"
    with store.open_parquet_writer(target, schema) as writer:
        for part in parts:
            for batch in pq.ParquetFile(part).iter_batches(batch_size=122_880):
                writer.write_table(pa.Table.from_batches([batch]).cast(schema))
    return target


def _write_rejects(path: Path, rejects: list[Reject]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "line", "reason"])
        writer.writerows([r.file, r.line, r.reason] for r in rejects)


class _ProgressWhileRunning:
    """Reports rows as DuckDB reads a file, estimated from its query progress and the size.

    The count is corrected to the true number of rows when the file is done, so the bar's
    rows/s is the real throughput.
    """

    _POLL_SECONDS = 0.2

    def __init__(
        self,
        connection: duckdb.DuckDBPyConnection,
        path: Path,
        progress: ProgressCallback | None,
    ) -> None:
        self.connection = connection
        self.path = path
        self.progress = progress
        self.reported = 0
        self.estimated_rows = _estimate_rows(path) if progress else 0
        self.done = threading.Event()
        self.thread: threading.Thread | None = None

    def __enter__(self) -> _ProgressWhileRunning:
        if self.progress is not None:
            self.thread = threading.Thread(target=self._poll, daemon=True)
            self.thread.start()
        return self

    def _poll(self) -> None:
        while not self.done.wait(self._POLL_SECONDS):
            try:
                fraction = float(self.connection.query_progress())
            except duckdb.Error:
                continue
            if fraction > 0:
                self._report(int(self.estimated_rows * min(fraction, 100.0) / 100.0))

    def _report(self, rows: int) -> None:
        if self.progress is not None and rows > self.reported:
            self.progress(rows - self.reported)
            self.reported = rows

    def __exit__(self, *exc_info: object) -> None:
        self.done.set()
        if self.thread is not None:
            self.thread.join()

    def finish(self, rows: int) -> None:
        """Correct the estimate to the rows actually read (the step may be negative)."""
        if self.progress is not None and rows != self.reported:
            self.progress(rows - self.reported)
            self.reported = rows


def _estimate_rows(path: Path) -> int:
    """Rows in a CSV file from its size and the mean length of its first lines."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        sample = handle.read(1 << 20)
    lines = sample.count(b"\n")
    if lines <= 1:
        return 1
    return max(1, int(size / (len(sample) / lines)) - 1)
