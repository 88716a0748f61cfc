"""`evenhand demo`: load the demo office once and print its logins.

Passwords are generated on first load and kept in the untracked data folder, so nothing secret
is in the repository and every start can print the same logins.
"""

from __future__ import annotations

import json
import secrets
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from evenhand.accounts.models import User
from evenhand.analytics.bundled import import_bundled_extract
from evenhand.demo.cast import STAFF, create_staff, create_vale_case
from evenhand.demo.history import generate_history


class Command(BaseCommand):
    help = "Load the demo office (SCENARIO.md cast and case, generated history) and print logins."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--generated", type=int, default=400, help="number of generated fictional cases"
        )
        parser.add_argument(
            "--password",
            default="",
            help="use this password for every demo login instead of generated ones (tests)",
        )
        parser.add_argument(
            "--without-open-data",
            action="store_true",
            help="skip importing the bundled 2019 open-data extract (tests that do not need it)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        logins_file = Path(settings.DATA_DIR) / "demo-logins.json"
        if User.objects.filter(username=STAFF[0].username).exists():
            self.stdout.write("Demo data already loaded.")
        else:
            passwords = {
                member.username: options["password"] or _demo_password() for member in STAFF
            }
            with transaction.atomic():
                staff = create_staff(passwords)
                case = create_vale_case(staff)
            self.stdout.write(f"Loaded the scenario case {case.number} ({case.title}).")
            made = generate_history(actor=staff["praman"], count=options["generated"])
            self.stdout.write(f"Generated {made} fictional historical cases.")
            logins_file.parent.mkdir(parents=True, exist_ok=True)
            logins_file.write_text(json.dumps(passwords, indent=2))
            logins_file.chmod(0o600)
        if not options["without_open_data"]:
            extract = import_bundled_extract()
            self.stdout.write(
                f"Open data: CCSAO 2019 extract as release {extract.release} "
                f"({'already in the store' if extract.already_imported else 'imported'})."
            )
        self._print_logins(logins_file)

    def _print_logins(self, logins_file: Path) -> None:
        passwords: dict[str, str] = (
            json.loads(logins_file.read_text()) if logins_file.exists() else {}
        )
        self.stdout.write("\nDemo logins (fictional people; passwords local to this machine):")
        for member in STAFF:
            password = passwords.get(member.username, "(set before this data folder existed)")
            name = f"{member.first_name} {member.last_name}"
            self.stdout.write(f"  {member.username:<10} {password:<22} {name} — {member.title}")


def _demo_password() -> str:
    return "demo-" + secrets.token_urlsafe(12)
