"""`evenhand opendata import|releases|remove|export-office|generate`: the analytics store.

import         read CCSAO open-data CSV files (current or December-2019 layout) as one release
releases       list the releases with their manifests
remove         forget a release
export-office  write the office's own cases as release 'office' (and optionally as CSV)
generate       write synthetic history in the current export layout, for benchmarks
"""

from __future__ import annotations

import sys
import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from evenhand.analytics import store
from evenhand.analytics.importer import ENCODINGS, ImportRefusedError, import_files
from evenhand.analytics.progress import rows_progress

_SHOWN_REJECTS = 20


class Command(BaseCommand):
    help = "Import CCSAO open data, list releases, export the office's cases, generate history."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        importing = sub.add_parser("import", help="import CSV files as one release")
        importing.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        importing.add_argument("--release", help="release id (default: from the file contents)")
        importing.add_argument(
            "--replace", action="store_true", help="replace a release that holds other files"
        )
        importing.add_argument("--encoding", default="utf-8", choices=ENCODINGS)
        importing.add_argument("--no-progress", action="store_true")
        sub.add_parser("releases", help="list the releases in the store")
        removing = sub.add_parser("remove", help="forget a release")
        removing.add_argument("release")
        exporting = sub.add_parser("export-office", help="export the office's cases")
        exporting.add_argument(
            "--csv", type=Path, metavar="DIR", help="also write the rows as CCSAO-layout CSV"
        )
        generating = sub.add_parser("generate", help="write synthetic CCSAO-layout CSV files")
        generating.add_argument("--rows", type=int, required=True, help="initiation rows")
        generating.add_argument("--out", type=Path, required=True, metavar="DIR")
        generating.add_argument("--seed", type=int, default=2019)
        generating.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["subcommand"]
        if action == "import":
            self._import(options)
        elif action == "releases":
            self._releases()
        elif action == "remove":
            self._remove(options["release"])
        elif action == "export-office":
            self._export_office(options.get("csv"))
        else:
            self._generate(options)

    def _import(self, options: dict[str, Any]) -> None:
        try:
            with rows_progress(
                "importing", stream=sys.stderr, enabled=not options["no_progress"]
            ) as advance:
                result = import_files(
                    options["paths"],
                    release=options.get("release"),
                    replace=options["replace"],
                    encoding=options["encoding"],
                    progress=advance,
                )
        except (ImportRefusedError, store.StoreError) as error:
            raise CommandError(str(error)) from None
        manifest = result.manifest
        if result.already_imported:
            self.stdout.write(
                f"release {result.release} already holds these files; nothing changed."
            )
            return
        for record in manifest.files:
            self.stdout.write(
                f"  {record.name}: {record.dataset} ({record.layout} layout), "
                f"{record.rows_read} rows read, {record.rows_rejected} rejected"
            )
        self.stdout.write(
            f"imported release {result.release}: {manifest.rows_read - manifest.rows_rejected} "
            f"rows stored, {manifest.rows_rejected} rejected, "
            f"{result.rows_per_second:,.0f} rows/s"
        )
        self._prepare_checks()
        if result.rejects:
            self.stdout.write("rejected rows (file:line: reason):")
            for reject in result.rejects[:_SHOWN_REJECTS]:
                self.stdout.write(f"  {reject}")
            if len(result.rejects) > _SHOWN_REJECTS:
                self.stdout.write(f"  ... {len(result.rejects) - _SHOWN_REJECTS} more")
            self.stdout.write(f"all rejects: {store.rejects_path(result.release)}")

    def _releases(self) -> None:
        releases = store.list_releases()
        if not releases:
            self.stdout.write("no releases in the store")
            return
        for manifest in releases:
            datasets = ", ".join(
                f"{name} {rows}" for name, rows in sorted(manifest.datasets.items())
            )
            self.stdout.write(
                f"{manifest.release}  {manifest.source}  {manifest.imported_at}  "
                f"layout {manifest.layout or '-'}  rejected {manifest.rows_rejected}  {datasets}"
            )
            for record in manifest.files:
                self.stdout.write(f"    {record.name}  sha256 {record.sha256[:16]}…")

    def _remove(self, release: str) -> None:
        try:
            removed = store.remove_release(release)
        except store.StoreError as error:
            raise CommandError(str(error)) from None
        if not removed:
            msg = f"no release {release!r}"
            raise CommandError(msg)
        self.stdout.write(f"removed release {release}")
        self._prepare_checks()

    def _prepare_checks(self) -> None:
        """Build the charging-consistency aggregates of the releases now in the store, so
        the first check after an import does not wait for them."""
        from evenhand.analytics.queries import consistency  # noqa: PLC0415

        started = time.perf_counter()
        consistency.prepare()
        self.stdout.write(f"consistency aggregates ready in {time.perf_counter() - started:.1f} s")

    def _export_office(self, csv_dir: Path | None) -> None:
        from evenhand.analytics.office_export import export_office  # noqa: PLC0415

        result = export_office(csv_dir=csv_dir)
        counts = ", ".join(f"{name} {rows}" for name, rows in sorted(result.rows.items()))
        self.stdout.write(
            f"exported release {store.OFFICE_RELEASE}: {counts}; "
            f"{result.sealed_excluded} sealed cases left out"
        )
        if csv_dir is not None:
            self.stdout.write(f"CSV files in the current CCSAO layout: {csv_dir}")

    def _generate(self, options: dict[str, Any]) -> None:
        from evenhand.analytics.generator import generate  # noqa: PLC0415

        if options["rows"] <= 0:
            msg = "--rows must be positive"
            raise CommandError(msg)
        with rows_progress(
            "generating", stream=sys.stderr, enabled=not options["no_progress"]
        ) as advance:
            written = generate(
                rows=options["rows"], out=options["out"], seed=options["seed"], progress=advance
            )
        for name, rows in written.items():
            self.stdout.write(f"  {name}.csv: {rows} rows")
        self.stdout.write(f"synthetic files written to {options['out']}")
