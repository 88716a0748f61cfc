"""Open-data import throughput against pandas `read_csv` + `to_parquet`, same files, same run.

    .venv/bin/python -m bench.opendata_import \
        --extract ../shared/data/cook-county-sao/chicagoda-2019 --rows 2000000

The importer does more than pandas here (explicit dialect, per-value typing of dates, flags
and numbers, a content hash per file, atomic commit; a file with bad lines would also get its
rejects found); pandas infers types and writes. Both write zstd Parquet to local disk. Each
figure is the best of --repeat runs, pandas and the importer alternating, so both see the
same load. Figures go to bench/RESULTS.md by hand.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import django


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "evenhand.config.settings.test")
    django.setup()


def _pandas(files: list[Path], out: Path) -> int:
    import pandas as pd  # noqa: PLC0415 - heavy, only for the baseline

    rows = 0
    for path in files:
        frame = pd.read_csv(path, low_memory=False)
        frame.to_parquet(out / f"{path.stem}.parquet", compression="zstd")
        rows += len(frame)
    return rows


def _ours(files: list[Path], store_dir: Path) -> int:
    from django.test import override_settings  # noqa: PLC0415

    from evenhand.analytics.importer import import_files  # noqa: PLC0415

    with override_settings(EVENHAND_ANALYTICS_DIR=store_dir):
        result = import_files(files, release="bench")
    if result.checked_line_by_line:
        print(f"  (took the reject-finding path for {', '.join(result.checked_line_by_line)})")
    return result.manifest.rows_read


def _measure(label: str, files: list[Path], scratch: Path, repeat: int) -> str:
    """Best wall time and best CPU time (all threads of this process) of each contender."""
    wall: dict[str, float] = {}
    cpu: dict[str, float] = {}
    rows: dict[str, int] = {}
    for _ in range(repeat):
        for name, run in (("pandas", _pandas), ("evenhand", _ours)):
            target = scratch / name
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True)
            started, started_cpu = time.perf_counter(), time.process_time()
            rows[name] = run(files, target)
            wall[name] = min(wall.get(name, float("inf")), time.perf_counter() - started)
            cpu[name] = min(cpu.get(name, float("inf")), time.process_time() - started_cpu)
    megabytes = sum(f.stat().st_size for f in files) / 1e6
    return (
        f"| {label} | {rows['evenhand']:,} | {megabytes:,.0f} MB "
        f"| {wall['pandas']:.2f} s ({rows['pandas'] / wall['pandas']:,.0f} rows/s), "
        f"CPU {cpu['pandas']:.2f} s "
        f"| {wall['evenhand']:.2f} s ({rows['evenhand'] / wall['evenhand']:,.0f} rows/s), "
        f"CPU {cpu['evenhand']:.2f} s "
        f"| {wall['pandas'] / wall['evenhand']:.2f}x | {cpu['pandas'] / cpu['evenhand']:.2f}x |"
    )


class _Best:
    """Best wall and CPU time per step over repeated rounds."""

    def __init__(self) -> None:
        self.times: dict[str, tuple[float, float]] = {}

    def timed(self, label: str, run: Any, *args: Any, **kwargs: Any) -> Any:
        started, started_cpu = time.perf_counter(), time.process_time()
        result = run(*args, **kwargs)
        wall, cpu = time.perf_counter() - started, time.process_time() - started_cpu
        old = self.times.get(label, (float("inf"), float("inf")))
        self.times[label] = (min(old[0], wall), min(old[1], cpu))
        return result


def _stage_round(path: Path, scratch: Path, attempt: int, best: _Best) -> None:
    import hashlib  # noqa: PLC0415

    import pandas as pd  # noqa: PLC0415
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.csv as pacsv  # noqa: PLC0415
    from django.test import override_settings  # noqa: PLC0415

    from evenhand.analytics import columnar, importer, store  # noqa: PLC0415
    from evenhand.analytics.layouts import store_columns  # noqa: PLC0415

    source = importer.inspect_files([path], encoding="utf-8", hashed=False)[0]
    detected = source.detected
    # The importer's own reading options, measured step by step.
    options = {
        "text only": pacsv.ConvertOptions(
            column_types=dict.fromkeys(source.header, pa.string()),
            null_values=[""],
            strings_can_be_null=True,
        ),
        "typed": columnar._convert_options(
            detected,
            source.header,
            date_formats=importer._DATE_FORMATS[detected.layout],
            true_words=importer._TRUE,
            false_words=importer._FALSE,
        ),
    }
    schema = columnar.arrow_schema(store_columns(detected.dataset))

    frame = best.timed("pandas read_csv", pd.read_csv, path, low_memory=False)
    best.timed(
        "pandas to_parquet", frame.to_parquet, scratch / "pandas.parquet", compression="zstd"
    )
    data = best.timed("read the bytes", path.read_bytes)
    best.timed("SHA-256", lambda: hashlib.sha256(data).hexdigest())
    table = None
    for threads in (False, True):
        for kind, convert in options.items():
            table = best.timed(
                f"Arrow parse, {kind}, {'all threads' if threads else 'one thread'}",
                pacsv.read_csv,
                pa.BufferReader(data),
                read_options=pacsv.ReadOptions(
                    column_names=list(source.header), skip_rows=1, use_threads=threads
                ),
                parse_options=pacsv.ParseOptions(newlines_in_values=True),
                convert_options=convert,
            )
    stored = best.timed("store casts", columnar._to_store, table, detected, schema, "opendata")
    with store.open_parquet_writer(
        scratch / "stages.parquet", schema, no_dictionary=columnar._DISTINCT_IDS
    ) as writer:
        best.timed(
            "Parquet write (store settings)", writer.write_table, stored, row_group_size=122_880
        )
    with override_settings(EVENHAND_ANALYTICS_DIR=scratch / "store"):
        best.timed(
            "evenhand import (whole)", importer.import_files, [path], release=f"stages-{attempt}"
        )


def _stages(path: Path, scratch: Path, repeat: int) -> str:
    """Where the time of one file goes: pandas' two steps, then each step the importer takes
    (read, hash, Arrow's parse as text and typed, on one thread and on all, the store's
    casts, the Parquet write) and the whole import; best wall and CPU of --repeat rounds."""
    best = _Best()
    for attempt in range(repeat):
        _stage_round(path, scratch, attempt, best)
    lines = [
        f"{path} ({path.stat().st_size / 1e6:,.0f} MB), best of {repeat}",
        "| step | wall | CPU |",
        "|---|---|---|",
    ]
    lines += [
        f"| {label} | {wall:.3f} s | {cpu:.3f} s |" for label, (wall, cpu) in best.times.items()
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--extract", type=Path, required=True, help="folder of the 2019 CSVs")
    parser.add_argument("--rows", type=int, default=2_000_000, help="generated initiation rows")
    parser.add_argument("--data-dir", type=Path, default=Path("var/bench/opendata"))
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument(
        "--stages",
        action="store_true",
        help="also time each step of the import on the generated file, against pandas' two",
    )
    args = parser.parse_args()
    _setup()
    from evenhand.analytics.generator import generate  # noqa: PLC0415

    generated = args.data_dir / f"generated-{args.rows}"
    if not (generated / "initiation.csv").exists():
        print(f"generating {args.rows:,} initiation rows into {generated} ...")
        generate(rows=args.rows, out=generated, seed=2019)
    print("load average (1, 5, 15 min) at the start: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    lines = [
        (
            "| files | rows | size | pandas read_csv + to_parquet | evenhand import "
            "| speed-up (wall) | speed-up (CPU) |"
        ),
        "|---|---|---|---|---|---|---|",
    ]
    with tempfile.TemporaryDirectory(dir=args.data_dir) as scratch:
        extract = sorted(args.extract.glob("*.csv"))
        lines.append(_measure("2019 extract (4 files)", extract, Path(scratch), args.repeat))
        lines.append(
            _measure(
                f"generated initiation.csv ({args.rows:,} rows)",
                [generated / "initiation.csv"],
                Path(scratch),
                args.repeat,
            )
        )
        print("\n".join(lines))
        if args.stages:
            print(_stages(generated / "initiation.csv", Path(scratch), args.repeat))
    print("load average (1, 5, 15 min) at the end: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
