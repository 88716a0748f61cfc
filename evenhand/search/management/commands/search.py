"""`evenhand search reindex`: rebuild the full-text index from the case and message tables."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from evenhand.search.services import search_reindex


class Command(BaseCommand):
    help = "Maintain the full-text search index (kept current by database triggers)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("reindex", help="rebuild every index row from its source; idempotent")

    def handle(self, *args: Any, **options: Any) -> None:
        documents = search_reindex(actor=None)
        self.stdout.write(f"search index rebuilt: {documents} documents")
