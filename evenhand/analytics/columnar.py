"""The importer's common case: one streaming, columnar pass from clean CSV to typed Parquet.

Arrow's CSV reader parses every column straight into its store type (dates with the layout's
formats, flags with the accepted spellings, counts as integers) while it splits the lines, and
each block goes to the Parquet writer as soon as it is typed, so a file is read once and held
in memory one block at a time. The reader is strict: a line with the wrong number of fields,
bytes that are not text in the encoding, or a value that does not parse stops it with an
error. That is the signal to fall back to the importer's reject-finding path, which reports
every bad line with file, line and reason; a clean file (the usual case) never pays for it.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from evenhand.analytics import store
from evenhand.analytics.layouts import (
    BOOLEAN,
    DATE,
    DOUBLE,
    INTEGER,
    SOURCE_COLUMN,
    TIMESTAMP,
    DetectedLayout,
    store_columns,
)

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

# How DuckDB's types (the reject-finding path writes with DuckDB) look in Arrow, so files
# written by either path read back identically.
ARROW_TYPES: dict[str, pa.DataType] = {
    DATE: pa.date32(),
    TIMESTAMP: pa.timestamp("us"),
    BOOLEAN: pa.bool_(),
    INTEGER: pa.int32(),
    DOUBLE: pa.float64(),
}
_BLOCK_BYTES = 8 << 20
# The multi-threaded path hands Arrow this much of the file at a time, in parse blocks of
# _PARSE_BLOCK_BYTES (one per thread at a time): memory stays bounded by the segment.
_SEGMENT_BYTES = 64 << 20
_PARSE_BLOCK_BYTES = 4 << 20
# A newline byte is a line end in these (not in UTF-16), so the file can be cut on bytes.
_BYTE_NEWLINE_ENCODINGS = frozenset({"utf-8", "latin-1"})
# Hashed ids are nearly all distinct: a dictionary page for them is built only to be dropped.
_DISTINCT_IDS = frozenset({"case_id", "case_participant_id", "charge_id", "charge_version_id"})
_ROW_GROUP_ROWS = 122_880
# A plain decimal number, the only text TRY_CAST(... AS DOUBLE) would read that matters here.
_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"


class NotCleanError(Exception):
    """The file has at least one line or value the strict reader cannot take as it is."""


class _HashingReader(io.RawIOBase):
    """Hands the file's bytes to the CSV reader and to a digest, so both take one read."""

    def __init__(self, handle: io.BufferedReader, digest: hashlib._Hash) -> None:
        super().__init__()
        self._handle = handle
        self._digest = digest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer)
        count = self._handle.readinto(view)
        self._digest.update(view[:count])
        return count


def arrow_schema(columns: Sequence[tuple[str, str]]) -> pa.Schema:
    return pa.schema([(name, ARROW_TYPES.get(kind, pa.string())) for name, kind in columns])


def _spellings(words: Sequence[str]) -> list[str]:
    return sorted({form for word in words for form in (word, word.upper(), word.title())})


def _convert_options(
    detected: DetectedLayout,
    header: Sequence[str],
    *,
    date_formats: Sequence[str],
    true_words: Sequence[str],
    false_words: Sequence[str],
) -> pacsv.ConvertOptions:
    read_as: dict[str, pa.DataType] = {}
    for raw in header:
        kind = dict(store_columns(detected.dataset)).get(detected.mapping[raw], "")
        if kind in (DATE, TIMESTAMP):
            read_as[raw] = pa.timestamp("s")
        elif kind in (BOOLEAN, INTEGER):
            read_as[raw] = ARROW_TYPES[kind]
        else:
            # Amounts may carry thousands separators; they are cleaned after reading.
            read_as[raw] = pa.string()
    return pacsv.ConvertOptions(
        column_types=read_as,
        null_values=[""],
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
        true_values=_spellings(true_words),
        false_values=_spellings(false_words),
        timestamp_parsers=list(date_formats),
    )


def _number(text: pa.ChunkedArray | pa.Array, *, strict: bool) -> pa.Array:
    cleaned = pc.replace_substring(pc.utf8_trim_whitespace(text), ",", "")
    if strict:
        return pc.cast(cleaned, pa.float64())
    # Like TRY_CAST: a term such as "18 months" keeps its text and gets no number.
    numeric = pc.match_substring_regex(cleaned, _NUMBER)
    return pc.cast(pc.if_else(numeric, cleaned, pa.scalar(None, pa.string())), pa.float64())


def _constant_text(text: str, rows: int) -> pa.Array:
    """A string column holding one value, built from its buffers (pa.repeat copies per row
    through a builder, which cost as much as parsing the file's dates)."""
    encoded = text.encode()
    offsets = np.arange(0, (rows + 1) * len(encoded), len(encoded), dtype=np.int32)
    return pa.StringArray.from_buffers(rows, pa.py_buffer(offsets), pa.py_buffer(encoded * rows))


def _to_store(
    batch: pa.Table, detected: DetectedLayout, schema: pa.Schema, source: str
) -> pa.Table:
    by_store = {column: raw for raw, column in detected.mapping.items()}
    rows = batch.num_rows
    arrays: list[pa.Array | pa.ChunkedArray] = []
    for field in schema:
        raw = by_store.get(field.name)
        if field.name == SOURCE_COLUMN:
            arrays.append(_constant_text(source, rows))
        elif field.name == "commitment_term_number":
            term = by_store.get("commitment_term")
            arrays.append(
                _number(batch.column(term), strict=False) if term else pa.nulls(rows, field.type)
            )
        elif raw is None:
            arrays.append(pa.nulls(rows, field.type))
        elif field.type == pa.float64():
            arrays.append(_number(batch.column(raw), strict=True))
        elif field.type == pa.date32():
            arrays.append(pc.cast(batch.column(raw), field.type, safe=False))
        else:
            arrays.append(pc.cast(batch.column(raw), field.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def write_clean_file(
    path: Path,
    detected: DetectedLayout,
    header: Sequence[str],
    target: Path,
    *,
    encoding: str,
    date_formats: Sequence[str],
    true_words: Sequence[str],
    false_words: Sequence[str],
    progress: Callable[[int], None] | None = None,
    digest: hashlib._Hash | None = None,
) -> int:
    """Type a whole file into a Parquet file in one pass and return its rows.

    Raises NotCleanError (having removed the partial file) at the first line or value the
    strict reader refuses; nothing is skipped silently. With ``digest``, the file's bytes are
    hashed as they are read; it is complete only if this returns.
    """
    schema = arrow_schema(store_columns(detected.dataset))
    parse_options = pacsv.ParseOptions(
        delimiter=",", quote_char='"', double_quote=True, newlines_in_values=True
    )
    convert_options = _convert_options(
        detected,
        header,
        date_formats=date_formats,
        true_words=true_words,
        false_words=false_words,
    )
    arrow_encoding = "utf8" if encoding == "utf-8" else encoding
    rows = 0
    try:
        with (
            path.open("rb") as handle,
            store.open_parquet_writer(target, schema, no_dictionary=_DISTINCT_IDS) as writer,
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="parquet") as writing,
        ):
            if encoding in _BYTE_NEWLINE_ENCODINGS:
                blocks = _parallel_blocks(
                    handle,
                    header,
                    parse_options=parse_options,
                    convert_options=convert_options,
                    encoding=arrow_encoding,
                    digest=digest,
                )
            else:
                blocks = _streamed_blocks(
                    handle,
                    header,
                    parse_options=parse_options,
                    convert_options=convert_options,
                    encoding=arrow_encoding,
                    digest=digest,
                )
            # The writer encodes and compresses one table on its own thread while the next is
            # parsed (both release the GIL); waiting for it first keeps the rows in order.
            written: Future[None] | None = None
            for block in blocks:
                table = _to_store(block, detected, schema, store.SOURCE_OPENDATA)
                if written is not None:
                    written.result()
                written = writing.submit(writer.write_table, table, row_group_size=_ROW_GROUP_ROWS)
                rows += table.num_rows
                if progress is not None:
                    progress(table.num_rows)
            if written is not None:
                written.result()
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeDecodeError) as refused:
        target.unlink(missing_ok=True)
        if progress is not None and rows:
            progress(-rows)
        raise NotCleanError(str(refused)) from refused
    return rows


def _streamed_blocks(
    handle: io.BufferedReader,
    header: Sequence[str],
    *,
    parse_options: pacsv.ParseOptions,
    convert_options: pacsv.ConvertOptions,
    encoding: str,
    digest: hashlib._Hash | None,
) -> Iterator[pa.Table]:
    """Tables of about _ROW_GROUP_ROWS rows from Arrow's streaming reader (one thread)."""
    reader = pacsv.open_csv(
        handle if digest is None else _HashingReader(handle, digest),
        read_options=pacsv.ReadOptions(
            column_names=list(header), skip_rows=1, block_size=_BLOCK_BYTES, encoding=encoding
        ),
        parse_options=parse_options,
        convert_options=convert_options,
    )
    pending: list[pa.RecordBatch] = []
    pending_rows = 0
    for batch in reader:
        pending.append(batch)
        pending_rows += batch.num_rows
        if pending_rows >= _ROW_GROUP_ROWS:
            yield pa.Table.from_batches(pending)
            pending, pending_rows = [], 0
    if pending:
        yield pa.Table.from_batches(pending)


def _parallel_blocks(
    handle: io.BufferedReader,
    header: Sequence[str],
    *,
    parse_options: pacsv.ParseOptions,
    convert_options: pacsv.ConvertOptions,
    encoding: str,
    digest: hashlib._Hash | None,
) -> Iterator[pa.Table]:
    """Tables parsed from the file's segments by Arrow's multi-threaded reader.

    Arrow's streaming reader parses on one thread; its table reader splits its input over
    every core, so the file is handed to it one segment (whole lines) at a time.
    """
    first = True
    for segment in _segments(handle, digest):
        read_options = pacsv.ReadOptions(
            column_names=list(header),
            skip_rows=1 if first else 0,
            use_threads=True,
            block_size=_PARSE_BLOCK_BYTES,
            encoding=encoding,
        )
        first = False
        yield pacsv.read_csv(
            pa.BufferReader(segment),
            read_options=read_options,
            parse_options=parse_options,
            convert_options=convert_options,
        )


def _segments(handle: io.BufferedReader, digest: hashlib._Hash | None) -> Iterator[memoryview]:
    """The file in pieces of about _SEGMENT_BYTES, each cut after a line end that is not
    inside a quoted value (the quotes before it are even in number; a doubled quote inside a
    value counts twice), so every piece holds whole records.

    One buffer serves every piece (fresh memory per piece costs more than the copy it saves),
    so a piece is valid only until the next is asked for: Arrow's reader copies the values
    out before that. The few bytes after a cut move to the buffer's start."""
    buffer = bytearray(min(_SEGMENT_BYTES, _bytes_left(handle) + 1))
    carried = 0
    while True:
        if carried == len(buffer):  # a record longer than the buffer
            larger = bytearray(carried + _SEGMENT_BYTES)
            larger[:carried] = buffer
            buffer = larger
        view = memoryview(buffer)
        count = handle.readinto(view[carried : carried + _SEGMENT_BYTES])
        if not count:
            break
        if digest is not None:
            digest.update(view[carried : carried + count])
        filled = carried + count
        cut = _last_record_end(buffer, filled)
        if cut < 0:
            carried = filled
            continue
        yield view[: cut + 1]
        rest = bytes(view[cut + 1 : filled])
        buffer[: len(rest)] = rest
        carried = len(rest)
    if buffer[:carried].strip():
        yield memoryview(buffer)[:carried]


def _bytes_left(handle: io.BufferedReader) -> int:
    """How much of the file is still to read, so a small file gets a small buffer (a fresh
    buffer is zeroed page by page: 64 MB of it cost more than parsing a 5 MB file)."""
    try:
        return max(os.fstat(handle.fileno()).st_size - handle.tell(), 0)
    except (OSError, io.UnsupportedOperation):
        return _SEGMENT_BYTES


def _last_record_end(data: bytearray, end: int) -> int:
    """Offset of the last newline in ``data[:end]`` outside quotes (``data`` starts a record)."""
    quotes = data.count(b'"', 0, end)
    line_end = data.rfind(b"\n", 0, end)
    while line_end >= 0:
        if (quotes - data.count(b'"', line_end, end)) % 2 == 0:
            return line_end
        line_end = data.rfind(b"\n", 0, line_end)
    return -1
