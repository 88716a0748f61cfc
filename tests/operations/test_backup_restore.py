"""`evenhand backup` / `evenhand restore`: a restore counts only once it has proved itself."""

from __future__ import annotations

import io
import json
import tarfile
from collections.abc import Callable
from pathlib import Path

from .conftest import Office


def _counts(office: Office) -> dict[str, int]:
    tables = (
        "audit_auditentry",
        "cases_case",
        "cases_participant",
        "cases_charge",
        "accounts_user",
    )
    return {table: int(str(office.sql(f"SELECT COUNT(*) FROM {table}")[0][0])) for table in tables}


def test_backup_restores_into_an_empty_office_and_proves_itself(
    loaded_office: Office, make_office: Callable[[], Office], tmp_path: Path
) -> None:
    archive = tmp_path / "office.tar.gz"
    taken = loaded_office.run("backup", "--output", str(archive))
    assert "audit head" in taken.stdout
    before = _counts(loaded_office)

    target = make_office()
    restored = target.run("restore", str(archive))

    assert restored.stdout.startswith("PASS: restored the backup")
    after = _counts(target)
    # The restore appends one entry of its own to the chain it has just verified.
    assert after == {**before, "audit_auditentry": before["audit_auditentry"] + 1}
    assert target.run("audit", "verify").stdout.startswith("PASS")
    last = target.sql("SELECT action FROM audit_auditentry ORDER BY seq DESC LIMIT 1")
    assert last == [("operations.backup_restored",)]


def test_restore_refuses_a_database_that_already_has_data(
    loaded_office: Office, tmp_path: Path
) -> None:
    archive = tmp_path / "office.tar.gz"
    loaded_office.run("backup", "--output", str(archive))
    cases_before = _counts(loaded_office)["cases_case"]

    refused = loaded_office.run("restore", str(archive), check=False)

    assert refused.returncode != 0
    assert "--replace" in refused.stderr
    assert _counts(loaded_office)["cases_case"] == cases_before


def _rewrite_manifest(archive: Path, change: Callable[[dict[str, object]], None]) -> Path:
    tampered = archive.with_name("tampered.tar.gz")
    with tarfile.open(archive, "r:gz") as source, tarfile.open(tampered, "w:gz") as target:
        for member in source.getmembers():
            extracted = source.extractfile(member) if member.isfile() else None
            if member.name == "manifest.json" and extracted is not None:
                manifest = json.loads(extracted.read())
                change(manifest)
                data = json.dumps(manifest).encode()
                member.size = len(data)
                target.addfile(member, io.BytesIO(data))
            else:
                target.addfile(member, extracted)
    return tampered


def test_a_restore_whose_rows_do_not_match_the_manifest_fails_and_leaves_nothing(
    loaded_office: Office, make_office: Callable[[], Office], tmp_path: Path
) -> None:
    archive = tmp_path / "office.tar.gz"
    loaded_office.run("backup", "--output", str(archive))

    def drop_a_case(manifest: dict[str, object]) -> None:
        counts = manifest["table_counts"]
        assert isinstance(counts, dict)
        counts["cases_case"] += 1

    tampered = _rewrite_manifest(archive, drop_a_case)
    target = make_office()
    failed = target.run("restore", str(tampered), check=False)

    assert failed.returncode != 0
    assert "FAIL" in failed.stderr
    assert "cases_case" in failed.stderr
    # Nothing half-restored: the target has no tables at all.
    if target.database_url:
        tables = target.sql("SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'")
        assert tables == [(0,)]
    else:
        assert not (target.data_dir / "evenhand.sqlite3").exists()


def test_a_backup_with_a_rewritten_audit_entry_does_not_restore(
    loaded_office: Office, make_office: Callable[[], Office], tmp_path: Path
) -> None:
    # An insider who can bypass the triggers edits an entry, then takes a backup: the row
    # counts match, but the chain no longer verifies, so the restore is refused.
    if loaded_office.database_url:
        loaded_office.sql(
            "ALTER TABLE audit_auditentry DISABLE TRIGGER USER;"
            "UPDATE audit_auditentry SET actor_label = 'someone else' WHERE seq = 3;"
            "ALTER TABLE audit_auditentry ENABLE TRIGGER USER;"
        )
    else:
        triggers = loaded_office.sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
            "AND tbl_name = 'audit_auditentry'"
        )
        for name, _sql in triggers:
            loaded_office.sql(f'DROP TRIGGER "{name}"')
        loaded_office.sql("UPDATE audit_auditentry SET actor_label = 'someone else' WHERE seq = 3")
    forged = tmp_path / "forged.tar.gz"
    loaded_office.run("backup", "--output", str(forged))

    target = make_office()
    failed = target.run("restore", str(forged), check=False)

    assert failed.returncode != 0
    assert "audit" in failed.stderr
    assert "seq=3" in failed.stderr or "seq 3" in failed.stderr


def test_restore_names_what_is_wrong_with_a_file_that_is_not_a_backup(
    make_office: Callable[[], Office], tmp_path: Path
) -> None:
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tar file at all")
    target = make_office()

    failed = target.run("restore", str(junk), check=False)
    missing = target.run("restore", str(tmp_path / "nowhere.tar.gz"), check=False)

    assert failed.returncode != 0
    assert "not a readable evenhand backup" in failed.stderr
    assert "no backup file" in missing.stderr


def test_a_backup_leaves_out_import_work_and_derived_aggregates(
    loaded_office: Office, tmp_path: Path
) -> None:
    analytics = loaded_office.data_dir / "analytics"
    kept = analytics / "releases" / "2019" / "initiation.parquet"
    for path in (
        kept,
        analytics / "_staging" / "half-written" / "part.parquet",
        analytics / "_aggregates" / "charging-abc" / "counts.parquet",
        analytics / "releases" / "_aggregates" / "nested-is-kept.txt",
    ):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"bytes")
    archive = tmp_path / "office.tar.gz"
    loaded_office.run("backup", "--output", str(archive))
    with tarfile.open(archive, "r:gz") as source:
        names = source.getnames()
    assert any(name.endswith("analytics/releases/2019/initiation.parquet") for name in names)
    assert any(name.endswith("releases/_aggregates/nested-is-kept.txt") for name in names)
    assert not any("analytics/_staging" in name for name in names)
    assert not any("analytics/_aggregates" in name for name in names)
