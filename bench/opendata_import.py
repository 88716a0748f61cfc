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
    print("load average (1, 5, 15 min) at the end: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
