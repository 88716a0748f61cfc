"""Latency of the public transparency page and its CSV downloads, against the trivial view.

    .venv/bin/python -m bench.transparency --generated-rows 300000

Imports (or reuses) two releases into a scratch analytics store under var/bench: the real
December-2019 extract (shared/data/cook-county-sao/chicagoda-2019) and a release written by
the fitted generator (`opendata generate`) with --generated-rows initiation rows. Requests are
made in-process with django.test.Client, signed out (the page is public), interleaved round by
round with the trivial view (bench/views.py, signed in) so that machine drift hits all alike.

Each page is measured twice: "cached" is the normal path (the figures for a filter set are
computed once per release manifest and then served from the cache), "cold" clears the cache
before every request, so it times the DuckDB queries of all eight metrics. Filters are drawn at
random from a small set, as a public audience clicking around would. Nothing here asserts a
time.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.common import (
    DEFAULT_DATA_DIR,
    REPO_DIR,
    add_target_arguments,
    format_table,
    machine_line,
    median,
    percentile,
    setup_django,
    target_from_args,
)
from bench.generate import Sizes, ensure_office

EXTRACT_2019 = REPO_DIR.parent / "shared" / "data" / "cook-county-sao" / "chicagoda-2019"
DIMENSIONS = ("year", "race", "gender", "offense_category", "offense_class")
METRIC_KEYS = (
    "referrals",
    "felony_review_rejections",
    "filings",
    "dismissals",
    "charge_reductions",
    "time_to_disposition",
)


@dataclass
class Scenario:
    key: str
    label: str
    make_path: Callable[[random.Random], str]
    signed_in: bool = False
    cold: bool = False
    samples_ns: list[int] = field(default_factory=list)

    @property
    def samples_ms(self) -> list[float]:
        return [value / 1e6 for value in self.samples_ns]


def ensure_releases(generated_rows: int, seed: int) -> dict[str, int]:
    """Import the 2019 extract and a generated release unless the store already has them."""
    from evenhand.analytics import importer, store  # noqa: PLC0415
    from evenhand.analytics.generator import generate  # noqa: PLC0415

    present = {manifest.release: manifest for manifest in store.list_releases()}
    if "chicagoda-2019" not in present:
        print("importing the 2019 extract ...")
        importer.import_files(sorted(EXTRACT_2019.glob("*.csv")), release="chicagoda-2019")
    generated = f"generated-{generated_rows}"
    if generated not in present:
        print(f"generating and importing {generated_rows:,} initiation rows ...")
        with tempfile.TemporaryDirectory() as folder:
            generate(rows=generated_rows, out=Path(folder), seed=seed)
            importer.import_files(sorted(Path(folder).glob("*.csv")), release=generated)
    return {
        manifest.release: manifest.datasets.get("initiation", 0)
        for manifest in store.list_releases()
    }


def _filters(rng: random.Random, release: str) -> dict[str, object]:
    params: dict[str, object] = {"release": release, "group_by": rng.choice(DIMENSIONS)}
    gender = rng.choice(("", "", "Male", "Female"))
    if gender:
        params["gender"] = gender
    return params


def build_scenarios(releases: Sequence[str]) -> list[Scenario]:
    from django.urls import reverse  # noqa: PLC0415

    scenarios = [
        Scenario("trivial", "trivial view (baseline)", lambda _r: reverse("bench-trivial"), True)
    ]
    for release in releases:
        page = reverse("transparency")

        def page_path(rng: random.Random, release: str = release, page: str = page) -> str:
            return f"{page}?{urlencode(_filters(rng, release))}"

        def csv_path(rng: random.Random, release: str = release) -> str:
            base = reverse("transparency-csv", kwargs={"key": rng.choice(METRIC_KEYS)})
            return f"{base}?{urlencode(_filters(rng, release))}"

        scenarios.append(
            Scenario(
                f"first-cold-{release}",
                f"page, first request after an import, {release}",
                page_path,
                cold=True,
            )
        )
        for cold in (False, True):
            state = "cold" if cold else "cached"
            scenarios.append(
                Scenario(
                    f"page-{state}-{release}", f"page, {state}, {release}", page_path, cold=cold
                )
            )
            scenarios.append(
                Scenario(f"csv-{state}-{release}", f"CSV, {state}, {release}", csv_path, cold=cold)
            )
    return scenarios


def _get(client: Any, path: str) -> int:
    started = time.perf_counter_ns()
    response = client.get(path)
    elapsed = time.perf_counter_ns() - started
    if response.status_code != 200:
        msg = f"GET {path} answered {response.status_code}, expected 200"
        raise RuntimeError(msg)
    return elapsed


def _combinations(release: str) -> list[dict[str, object]]:
    genders: tuple[str | None, ...] = (None, "Male", "Female")
    return [
        {"release": release, "group_by": dimension, **({"gender": gender} if gender else {})}
        for dimension in DIMENSIONS
        for gender in genders
    ]


def _phase(scenario: Scenario) -> str:
    return (
        scenario.key.split("-", 1)[0]
        if scenario.key.startswith("first")
        else ("cold" if scenario.cold else "cached")
    )


def run(scenarios: Sequence[Scenario], clients: dict[bool, Any], rounds: int, seed: int) -> None:
    """Three phases, each interleaved with the trivial view: every cached request (after one
    pass over every filter combination fills the cache); every cold one (the cache cleared
    before each request, the kept base tables not); then the first request after an import
    (both dropped, fewer rounds). Mixing them would make "cached" cold and "cold" first."""
    from django.core.cache import cache  # noqa: PLC0415
    from django.urls import reverse  # noqa: PLC0415

    from evenhand.transparency import selectors  # noqa: PLC0415

    rng = random.Random(seed)
    trivial, *pages = scenarios
    for phase_name, phase_rounds in (("cached", rounds), ("cold", rounds), ("first", 5)):
        phase = [trivial, *[s for s in pages if _phase(s) == phase_name]]
        if phase_name == "cached":
            for scenario in phase[1:]:
                release = scenario.key.split("-", 2)[2]
                for params in _combinations(release):
                    _get(clients[False], f"{reverse('transparency')}?{urlencode(params)}")
                    for key in METRIC_KEYS:
                        base = reverse("transparency-csv", kwargs={"key": key})
                        _get(clients[False], f"{base}?{urlencode(params)}")
        for scenario in phase:  # warm-up: imports, templates, the first DuckDB connection
            _get(clients[scenario.signed_in], scenario.make_path(rng))
        for _ in range(phase_rounds):
            order = list(phase)
            rng.shuffle(order)
            for scenario in order:
                if scenario.cold:
                    cache.clear()
                if phase_name == "first" and scenario is not trivial:
                    selectors.forget_materialized()
                path = scenario.make_path(rng)
                scenario.samples_ns.append(_get(clients[scenario.signed_in], path))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    add_target_arguments(parser)
    parser.add_argument("--generated-rows", type=int, default=300_000)
    parser.add_argument("--rounds", type=int, default=30, help="timed rounds (30)")
    parser.add_argument("--seed", type=int, default=2019)
    args = parser.parse_args(argv)
    os.environ.setdefault(
        "EVENHAND_ANALYTICS_DIR", str(DEFAULT_DATA_DIR / "analytics-transparency")
    )
    sizes = Sizes.for_cases(200)
    target = target_from_args(args, sizes.label)
    setup_django(target)
    meta = ensure_office(target, sizes)
    from django.test import Client  # noqa: PLC0415

    from evenhand.accounts.models import User  # noqa: PLC0415

    releases = ensure_releases(args.generated_rows, args.seed)
    chosen = ["chicagoda-2019", f"generated-{args.generated_rows}"]
    signed_in = Client()
    signed_in.force_login(User.objects.get(username=meta["login_username"]))
    scenarios = build_scenarios(chosen)
    run(scenarios, {True: signed_in, False: Client()}, args.rounds, args.seed)

    print(machine_line())
    print(
        "releases: " + ", ".join(f"{name} ({releases[name]:,} initiation rows)" for name in chosen)
    )
    base95 = percentile(scenarios[0].samples_ms, 95)
    rows = [
        (
            scenario.label,
            len(scenario.samples_ns),
            f"{median(scenario.samples_ms):.1f}",
            f"{percentile(scenario.samples_ms, 95):.1f}",
            f"{percentile(scenario.samples_ms, 95) / base95:.1f}x",
        )
        for scenario in scenarios
    ]
    print(format_table(("request", "n", "p50 ms", "p95 ms", "p95 / trivial p95"), rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
