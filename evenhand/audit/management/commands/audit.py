"""`evenhand audit verify [--file EXPORT]` and `evenhand audit export --output FILE`."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from evenhand.accounts.models import User
from evenhand.audit.chain import VerifyResult, verify_file
from evenhand.audit.models import AuditAction
from evenhand.audit.services import audit_record, audit_verify_database, stream_entries


class Command(BaseCommand):
    help = "Verify or export the hash-chained audit log."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="check every entry of the chain, streamed")
        verify.add_argument(
            "--file",
            type=Path,
            help="verify an exported JSON Lines file instead of the database (no DB access)",
        )
        export = sub.add_parser("export", help="write the whole chain as JSON Lines")
        export.add_argument("--output", type=Path, required=True)
        export.add_argument(
            "--as-user", required=True, help="username of the person taking the export"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "verify":
            self._verify(options.get("file"))
        else:
            self._export(options["output"], options["as_user"])

    def _verify(self, path: Path | None) -> None:
        if path is not None and not path.is_file():
            msg = f"no such export file: {path}"
            raise CommandError(msg)
        result: VerifyResult = verify_file(path) if path else audit_verify_database()
        if not result.ok:
            raise CommandError(result.describe())
        self.stdout.write(result.describe())

    def _export(self, output: Path, username: str) -> None:
        actor = User.objects.filter(username=username, is_active=True).first()
        if actor is None:
            msg = f"no active user {username!r}"
            raise CommandError(msg)
        with transaction.atomic():
            audit_record(
                actor=actor,
                action=AuditAction.AUDIT_EXPORTED,
                subject_type="audit_log",
                after={"file": output.name},
            )
        count = 0
        with output.open("w", encoding="utf-8") as handle:
            for entry in stream_entries():
                handle.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
                count += 1
        self.stdout.write(f"exported {count} entries to {output}")
