"""The open-data export of the office's cases, imported back, gives the same metrics.

Cases are built through the services, exported with `opendata export-office --csv`, and the
CSV files imported with `opendata import` as a separate release; every metric, grouped every
way, must agree between the office release and the re-imported one.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from evenhand.accounts.models import Role
from evenhand.analytics import store
from evenhand.analytics.metrics.compute import (
    Dimension,
    MetricFilters,
    compute_metric,
    metric_cells,
)
from evenhand.analytics.metrics.definitions import METRICS
from evenhand.dispositions.models import DispositionKind
from evenhand.dispositions.services import disposition_record
from evenhand.jurisdictions.ruleset import active_ruleset
from tests.dispositions.factories import (
    FALSE_REPORT,
    POSSESSION,
    RETAIL_THEFT,
    ROBBERY,
    charged_case,
)
from tests.factories import make_user
from tests.sealing.factories import seal

pytestmark = pytest.mark.django_db

D = dt.date
# (statute, counts, received, [(kind, disposed) per count, None = still pending])
Outcome = tuple[DispositionKind, dt.date] | None
OFFICE_CASES: list[tuple[str, int, dt.date, list[Outcome]]] = [
    (ROBBERY, 2, D(2019, 1, 29), [(DispositionKind.NOLLE_PROSEQUI, D(2019, 6, 3))] * 2),
    (ROBBERY, 1, D(2019, 4, 2), [(DispositionKind.PLEA_AS_CHARGED, D(2019, 9, 1))]),
    (RETAIL_THEFT, 1, D(2019, 5, 9), [(DispositionKind.PLEA_LESSER_INCLUDED, D(2019, 7, 1))]),
    (POSSESSION, 3, D(2019, 8, 14), [(DispositionKind.NOLLE_PROSEQUI, D(2020, 1, 10)), None, None]),
    (POSSESSION, 1, D(2020, 2, 3), [(DispositionKind.JURY_NOT_GUILTY, D(2020, 11, 30))]),
    (FALSE_REPORT, 2, D(2020, 3, 3), [(DispositionKind.BENCH_GUILTY, D(2020, 5, 5)), None]),
    (FALSE_REPORT, 1, D(2020, 6, 6), [None]),
]


def _office() -> None:
    for statute, counts, received, outcomes in OFFICE_CASES:
        world = charged_case(
            statute_key=statute, counts=counts, received_on=received, filed_on=received
        )
        for charge, outcome in zip(world.charges, outcomes, strict=True):
            if outcome is not None:
                disposition_record(
                    actor=world.prosecutor,
                    case_id=world.case.pk,
                    charge_id=charge.pk,
                    kind=outcome[0],
                    disposed_on=outcome[1],
                )
    sealed = charged_case(statute_key=ROBBERY, counts=1, received_on=D(2019, 2, 2))
    seal(sealed.case, actor=make_user(role=Role.STATES_ATTORNEY))


def test_reimported_export_gives_the_same_metrics(tmp_path: Path) -> None:
    _office()
    csv_dir = tmp_path / "csv"
    out = StringIO()
    call_command("opendata", "export-office", "--csv", str(csv_dir), stdout=out)
    assert "1 sealed cases left out" in out.getvalue()
    call_command(
        "opendata",
        "import",
        *[str(path) for path in sorted(csv_dir.glob("*.csv"))],
        "--release",
        "office-reimported",
        "--no-progress",
        stdout=StringIO(),
    )
    conn, ruleset = store.connect(), active_ruleset()
    compared = 0
    for metric in METRICS:
        for dimension in Dimension:
            office = metric_cells(
                conn, metric, MetricFilters(release="office", group_by=dimension), ruleset=ruleset
            )
            again = metric_cells(
                conn,
                metric,
                MetricFilters(release="office-reimported", group_by=dimension),
                ruleset=ruleset,
            )
            assert office == again, (metric.key, dimension)
            compared += office[1].units
            for threshold in (1, 11):
                published = [
                    compute_metric(
                        conn,
                        metric,
                        MetricFilters(release=release, group_by=dimension),
                        ruleset=ruleset,
                        threshold=threshold,
                    )
                    for release in ("office", "office-reimported")
                ]
                assert published[0].rows == published[1].rows
                assert published[0].total == published[1].total
    # The comparison is not between two empty releases: 7 people referred (the sealed case
    # left out), 6 with a final disposition, 2 of them dismissed by the prosecutor.
    referrals = metric_cells(
        conn, METRICS[0], MetricFilters(release="office-reimported"), ruleset=ruleset
    )[1]
    assert referrals.units == 7
    dismissals = next(m for m in METRICS if m.key == "dismissals")
    _, disposed = metric_cells(
        conn, dismissals, MetricFilters(release="office-reimported"), ruleset=ruleset
    )
    assert (disposed.units, disposed.hits) == (6, 2)
    assert compared > 0
