"""The generator: current-layout files that import cleanly, deterministic, shaped like 2019."""

from __future__ import annotations

import hashlib
from pathlib import Path

from evenhand.analytics import fitting, importer, store
from evenhand.analytics.generator import generate
from tests.analytics.conftest import EXTRACT_2019


def _digest(folder: Path) -> str:
    return hashlib.sha256(
        b"".join((folder / f"{name}.csv").read_bytes() for name in ("intake", "initiation"))
    ).hexdigest()


def test_generated_files_import_without_a_reject_and_hold_together(tmp_path: Path) -> None:
    written = generate(rows=3000, out=tmp_path / "gen", seed=7)
    assert written["initiation"] == 3000
    assert all(written[name] > 0 for name in ("intake", "dispositions", "sentencing"))
    result = importer.import_files(sorted((tmp_path / "gen").glob("*.csv")))
    assert result.rejects == []
    assert {f.layout for f in result.manifest.files} == {"current"}
    connection = store.connect()
    # Every charge belongs to an intake participant; one primary charge per participant.
    orphans = connection.execute(
        "SELECT count(*) FROM initiation i LEFT JOIN intake p USING (release, case_participant_id)"
        " WHERE p.case_participant_id IS NULL"
    ).fetchone()
    assert orphans == (0,)
    primaries = connection.execute(
        "SELECT count(*) FILTER (WHERE primary_charge_flag), count(DISTINCT case_participant_id)"
        " FROM initiation"
    ).fetchone()
    assert primaries is not None
    assert primaries[0] == primaries[1]
    unsentenced = connection.execute(
        "SELECT count(*) FROM sentencing s LEFT JOIN dispositions d "
        "USING (release, case_participant_id, charge_id) WHERE d.charge_id IS NULL"
    ).fetchone()
    assert unsentenced == (0,)


def test_the_same_seed_gives_the_same_files(tmp_path: Path) -> None:
    generate(rows=800, out=tmp_path / "a", seed=3)
    generate(rows=800, out=tmp_path / "b", seed=3)
    generate(rows=800, out=tmp_path / "c", seed=4)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a") != _digest(tmp_path / "c")


def test_class_mix_follows_the_real_extract(tmp_path: Path) -> None:
    importer.import_files([EXTRACT_2019 / "initiation.csv"], release="real")
    generate(rows=20000, out=tmp_path / "gen", seed=11)
    importer.import_files([tmp_path / "gen" / "initiation.csv"], release="synthetic")
    shares = dict(
        store.connect()
        .execute(
            "SELECT release, count(*) FILTER (WHERE class = '4') / count(*) FROM initiation "
            "GROUP BY release"
        )
        .fetchall()
    )
    assert abs(shares["real"] - shares["synthetic"]) < 0.05


def test_the_committed_fit_is_what_the_real_extract_gives(tmp_path: Path) -> None:
    release = importer.import_files(sorted(EXTRACT_2019.glob("*.csv"))).release
    fitted = fitting.fit_release(store.connect(), release)
    fitting.write_fitted(fitted, tmp_path / "fit.json")
    committed = fitting.load_fitted()
    refit = fitting.load_fitted(tmp_path / "fit.json")
    committed.pop("source")
    refit.pop("source")
    assert refit == committed
