"""`evenhand restore FILE`: restore a backup, then prove it (row counts and audit chain)."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from evenhand.operations.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup into the configured database and data folder; it counts only if "
        "every table's row count and the audit chain match the backup's manifest."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("archive", type=Path, help="a file written by `evenhand backup`")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="restore over a database that already has tables (SQLite keeps the old file)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = restore_backup(archive=options["archive"], replace=options["replace"])
        except BackupError as exc:
            msg = f"FAIL: {exc}"
            raise CommandError(msg) from exc
        self.stdout.write(report.describe())
