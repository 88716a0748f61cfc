"""Consistency check latency against a straightforward pandas implementation, same run.

    .venv/bin/python -m bench.consistency --rows 5000000 \
        --extract ../shared/data/cook-county-sao/chicagoda-2019
    # later, on the data prepared by that run (minutes, not twenty):
    .venv/bin/python -m bench.consistency --rows 5000000 \
        --extract ../shared/data/cook-county-sao/chicagoda-2019 --measure-only

Prepares one analytics store in `--data-dir` (kept): the opendata engineer's generator writes
`--rows` initiation rows (plus the other datasets) in the current layout, the importer stores
them as release `generated` and the real 2019 extract as release `chicagoda-2019`, and the
consistency aggregates are built right after, as `opendata import` does. `--measure-only`
(alias `--reuse`) skips all of that and measures the prepared store; it refuses to run if the
store is not there. Then, for `--checks` proposals drawn from the statutes and periods in the
data (counts 1..30):

- evenhand: `compare()`, one lookup over the release-summed aggregates;
- pandas: the same answer computed from the charge rows held in memory as a DataFrame
  (filter, count distinct charges per participant, rank), the obvious implementation.

Both answers are checked equal for the pandas proposals. Figures go to bench/RESULTS.md by
hand.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from pathlib import Path
from typing import Any

import django

GROUP_KEYS = {
    "section": ("chapter", "act", "section_family"),
    "class_category": ("class", "offense_category"),
    "class": ("class",),
    "all": (),
}


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "evenhand.config.settings.test")
    django.setup()


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _charge_frame(releases: tuple[str, ...]) -> Any:
    """The charge rows as pandas holds them for the baseline (loaded once, not timed)."""
    from evenhand.analytics.queries.consistency import restricted_connection  # noqa: PLC0415
    from evenhand.analytics.queries.runners import query_text  # noqa: PLC0415

    connection = restricted_connection(releases)
    try:
        return connection.execute(query_text("charge_rows")).df()
    finally:
        connection.close()


def _pandas_positions(
    frame: Any, proposal: dict[str, Any], year_from: int, year_to: int
) -> dict[str, tuple[int, int, int, int]]:
    period = frame[(frame["year"] >= year_from) & (frame["year"] <= year_to)]
    answer: dict[str, tuple[int, int, int, int]] = {}
    for group, keys in GROUP_KEYS.items():
        rows = period
        for key in keys:
            rows = rows[rows[key] == proposal[key]]
        if rows.empty:
            continue
        totals = rows.groupby(["release", "case_participant_id", *keys])["charge_id"].nunique()
        count = proposal["count_total"]
        answer[group] = (
            len(totals),
            int((totals < count).sum()),
            int((totals == count).sum()),
            int(totals.max()),
        )
    return answer


def _proposals(frame: Any, checks: int, seed: int) -> list[tuple[dict[str, Any], int, int]]:
    rng = random.Random(seed)
    keys = (
        frame[["chapter", "act", "section_family", "class", "offense_category", "year"]]
        .drop_duplicates()
        .sample(n=min(checks, 10_000), replace=True, random_state=seed)
        .to_dict("records")
    )
    out = []
    for index in range(checks):
        key = keys[index % len(keys)]
        year = int(key.pop("year"))
        span = rng.choice([0, 0, 1, 3])
        out.append(({**key, "count_total": rng.randint(1, 30)}, year - span, year))
    return out


def _prepare(args: argparse.Namespace, data_dir: Path) -> None:
    """Generate (unless the CSV files are there) and import both releases into the store."""
    from evenhand.analytics.generator import generate  # noqa: PLC0415
    from evenhand.analytics.importer import import_files  # noqa: PLC0415

    generated = data_dir / "generated"
    started = time.perf_counter()
    if not (generated / "initiation.csv").exists():
        generate(rows=args.rows, out=generated, seed=args.seed)
        print(f"generated {args.rows:,} rows in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    import_files(sorted(generated.glob("*.csv")), release="generated")
    import_files(sorted(args.extract.glob("*.csv")), release="chicagoda-2019")
    print(f"imported both releases in {time.perf_counter() - started:.1f} s")


def _proposal(row: dict[str, Any]) -> Any:
    from evenhand.analytics.queries import consistency  # noqa: PLC0415

    return consistency.Proposal(
        chapter=row["chapter"],
        act=row["act"],
        section=row["section_family"],
        offense_class=row["class"],
        offense_category=row["offense_category"],
        count_total=row["count_total"],
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--extract", type=Path, required=True)
    parser.add_argument("--checks", type=int, default=300)
    parser.add_argument("--pandas-checks", type=int, default=30)
    parser.add_argument(
        "--data-dir", type=Path, default=None, help="default var/bench/consistency-ROWS"
    )
    parser.add_argument(
        "--measure-only",
        "--reuse",
        action="store_true",
        help="measure the store a previous run prepared in --data-dir",
    )
    parser.add_argument("--seed", type=int, default=2019)
    args = parser.parse_args()
    _setup()

    from django.test import override_settings  # noqa: PLC0415

    from evenhand.analytics import store  # noqa: PLC0415
    from evenhand.analytics.queries import consistency  # noqa: PLC0415

    data_dir = args.data_dir or Path(f"var/bench/consistency-{args.rows}")
    with override_settings(EVENHAND_ANALYTICS_DIR=data_dir / "store"):
        present = {m.release for m in store.list_releases()}
        if args.measure_only:
            if not {"generated", "chicagoda-2019"} <= present:
                raise SystemExit(f"no prepared store in {data_dir}; run without --measure-only")
        else:
            _prepare(args, data_dir)
        releases = consistency.default_releases()
        started = time.perf_counter()
        consistency.prepare(releases)
        built = time.perf_counter() - started
        started = time.perf_counter()
        consistency.comparison_connection(releases).close()
        loaded = time.perf_counter() - started
        frame = _charge_frame(releases)
        print(
            f"aggregates built (or found) in {built:.1f} s, loaded in {loaded * 1000:.0f} ms, "
            f"over {len(frame):,} charge rows"
        )
        proposals = _proposals(frame, args.checks, args.seed)

        ours: list[float] = []
        for proposal, year_from, year_to in proposals:
            began = time.perf_counter()
            consistency.compare(
                _proposal(proposal),
                period=consistency.Period(year_from, year_to),
                releases=releases,
            )
            ours.append((time.perf_counter() - began) * 1000)

        theirs: list[float] = []
        for proposal, year_from, year_to in proposals[: args.pandas_checks]:
            began = time.perf_counter()
            expected = _pandas_positions(frame, proposal, year_from, year_to)
            theirs.append((time.perf_counter() - began) * 1000)
            got = consistency.compare(
                _proposal(proposal),
                period=consistency.Period(year_from, year_to),
                releases=releases,
            )
            mine = {
                g: (p.participants, p.below, p.equal, p.highest)
                for g, p in got.positions.items()
                if p.participants
            }
            if mine != expected:
                raise SystemExit(f"answers differ for {proposal}: {mine} != {expected}")
    p95_ours, p95_theirs = _percentile(ours, 0.95), _percentile(theirs, 0.95)
    print(
        f"charge rows {len(frame):,} ({args.rows:,} generated + the 2019 extract); "
        f"checks {len(ours)} (pandas {len(theirs)}, answers equal)\n"
        f"evenhand: median {statistics.median(ours):.2f} ms, p95 {p95_ours:.2f} ms\n"
        f"pandas:   median {statistics.median(theirs):.1f} ms, p95 {p95_theirs:.1f} ms\n"
        f"ratio of p95: {p95_theirs / p95_ours:.0f}x\n"
        "load average (1, 5, 15 min) at the end: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
    )


if __name__ == "__main__":
    main()
