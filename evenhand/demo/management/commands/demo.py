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
from evenhand.cases.models import Case
from evenhand.demo.cast import STAFF, VALE_CASE_NUMBER, create_staff, create_vale_case
from evenhand.demo.history import generate_history
from evenhand.demo.story import play_story, story_played
from evenhand.screening.policies import visible_cases

STAGES = ("cast", "step3", "end")


class Command(BaseCommand):
    help = (
        "Load the demo office (SCENARIO.md cast, the Vale case at the chosen stage of the story, "
        "generated history, the 2019 open data) and print logins."
    )

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
            "--stage",
            choices=STAGES,
            default="end",
            help=(
                "cast: the staff only; step3: the Vale case as at step 3 of the story; "
                "end: the whole story played (steps 4-13) on top (default)"
            ),
        )
        parser.add_argument(
            "--without-open-data",
            action="store_true",
            help="skip importing the bundled 2019 open-data extract (tests that do not need it)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        logins_file = Path(settings.DATA_DIR) / "demo-logins.json"
        stage: str = options["stage"]
        if User.objects.filter(username=STAFF[0].username).exists():
            self.stdout.write("Demo data already loaded.")
        else:
            passwords = {
                member.username: options["password"] or _demo_password() for member in STAFF
            }
            with transaction.atomic():
                create_staff(passwords)
            logins_file.parent.mkdir(parents=True, exist_ok=True)
            logins_file.write_text(json.dumps(passwords, indent=2))
            logins_file.chmod(0o600)
        staff = {member.username: User.objects.get(username=member.username) for member in STAFF}
        case = self._vale_case(staff, generated=options["generated"]) if stage != "cast" else None
        if not options["without_open_data"]:
            # Before the story: the indictment's consistency check compares with this history.
            extract = import_bundled_extract()
            self.stdout.write(
                f"Open data: CCSAO 2019 extract as release {extract.release} "
                f"({'already in the store' if extract.already_imported else 'imported'})."
            )
        if case is not None and stage == "end":
            if story_played(case):
                self.stdout.write("The story is already played to its end.")
            else:
                with transaction.atomic():
                    outcome = play_story(staff, case)
                self.stdout.write(
                    f"Played steps 4-13 of the story: {case.number} charged, disposed, sealed, "
                    f"unsealed and released; second case {outcome.second_case.number} filed "
                    "over the re-prosecution bar."
                )
        self._print_logins(logins_file)

    def _vale_case(self, staff: dict[str, User], *, generated: int) -> Case:
        """The Vale case as at step 3, loaded with the generated history if not there yet."""
        existing = visible_cases(staff["praman"]).filter(number=VALE_CASE_NUMBER).first()
        if existing is not None:
            return existing
        with transaction.atomic():
            case = create_vale_case(staff)
        self.stdout.write(f"Loaded the scenario case {case.number} ({case.title}).")
        made = generate_history(actor=staff["praman"], count=generated)
        self.stdout.write(f"Generated {made} fictional historical cases.")
        return case

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
