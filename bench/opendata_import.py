"""Open-data import throughput against pandas `read_csv` + `to_parquet`, same files, same run.

    .venv/bin/python -m bench.opendata_import \
        --extract ../shared/data/cook-county-sao/chicagoda-2019 --rows 2000000

The importer does more than pandas here (explicit dialect, per-value typing of dates, flags
and numbers, reject rows with file/line/reason, atomic commit); pandas infers types and
writes. Both write zstd Parquet to local disk. Figures go to bench/RESULTS.md by hand.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

import django


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "evenhand.config.settings.test")
    django.setup()


def _pandas(files: list[Path], out: Path) -> tuple[int, float]:
    import pandas as pd  # noqa: PLC0415 - heavy, only for the baseline

    started = time.perf_counter()
    rows = 0
    for path in files:
        frame = pd.read_csv(path, low_memory=False)
        frame.to_parquet(out / f"{path.stem}.parquet", compression="zstd")
        rows += len(frame)
    return rows, time.perf_counter() - started


def _ours(files: list[Path], store_dir: Path) -> tuple[int, float]:
    from django.test import override_settings  # noqa: PLC0415

    from evenhand.analytics.importer import import_files  # noqa: PLC0415

    with override_settings(EVENHAND_ANALYTICS_DIR=store_dir):
        started = time.perf_counter()
        result = import_files(files, release="bench")
        seconds = time.perf_counter() - started
    return result.manifest.rows_read, seconds


def _measure(label: str, files: list[Path], scratch: Path, repeat: int) -> str:
    best: dict[str, tuple[int, float]] = {}
    for _ in range(repeat):
        for name, run in (("pandas", _pandas), ("evenhand", _ours)):
            target = scratch / name
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True)
            rows, seconds = run(files, target)
            if name not in best or seconds < best[name][1]:
                best[name] = (rows, seconds)
    p_rows, p_seconds = best["pandas"]
    o_rows, o_seconds = best["evenhand"]
    megabytes = sum(f.stat().st_size for f in files) / 1e6
    return (
        f"| {label} | {o_rows:,} | {megabytes:,.0f} MB "
        f"| {p_seconds:.2f} s ({p_rows / p_seconds:,.0f} rows/s) "
        f"| {o_seconds:.2f} s ({o_rows / o_seconds:,.0f} rows/s) | {p_seconds / o_seconds:.2f}x |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--extract", type=Path, required=True, help="folder of the 2019 CSVs")
    parser.add_argument("--rows", type=int, default=2_000_000, help="generated initiation rows")
    parser.add_argument("--data-dir", type=Path, default=Path("var/bench/opendata"))
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    _setup()
    from evenhand.analytics.generator import generate  # noqa: PLC0415

    generated = args.data_dir / f"generated-{args.rows}"
    if not (generated / "initiation.csv").exists():
        print(f"generating {args.rows:,} initiation rows into {generated} ...")
        generate(rows=args.rows, out=generated, seed=2019)
    lines = [
        "| files | rows | size | pandas read_csv + to_parquet | evenhand import | speed-up |",
        "|---|---|---|---|---|---|",
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


if __name__ == "__main__":
    main()
