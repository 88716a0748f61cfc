"""`evenhand backup --output FILE`: a verified-on-restore backup of the database and data."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from evenhand.accounts.models import User
from evenhand.operations.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Back up the database (with row counts and the audit head) and the data folders."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--output", required=True, type=Path, help="the .tar.gz to write")
        parser.add_argument(
            "--as-user", default="", help="username recorded in the audit log as taking it"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = None
        if options["as_user"]:
            actor = User.objects.filter(username=options["as_user"]).first()
            if actor is None:
                msg = f"no user named {options['as_user']!r}"
                raise CommandError(msg)
        try:
            manifest = create_backup(output=options["output"], actor=actor)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        head = manifest.audit_head
        self.stdout.write(
            f"Backup written to {options['output']}: {len(manifest.table_counts)} tables, "
            f"{sum(manifest.table_counts.values())} rows, audit head "
            f"{head.seq if head else 0} {head.hash if head else '-'}"
        )
