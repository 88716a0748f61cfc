"""The `evenhand` console command: Django's management commands under one name."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "evenhand.config.settings.local")
    # Imported after the settings module is chosen, as manage.py does.
    from django.core.management import execute_from_command_line  # noqa: PLC0415

    execute_from_command_line(["evenhand", *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":
    main()
