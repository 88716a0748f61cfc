from __future__ import annotations

from django.apps import AppConfig


class JurisdictionsConfig(AppConfig):
    name = "evenhand.jurisdictions"
    label = "jurisdictions"

    def ready(self) -> None:
        # Load and validate at start-up so a broken ruleset stops the process before it serves.
        from .ruleset import active_ruleset

        active_ruleset()
