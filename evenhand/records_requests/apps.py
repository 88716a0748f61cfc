"""Public-records requests under the state records act: intake, deadlines, review, redaction,
release."""

from __future__ import annotations

from django.apps import AppConfig


class RecordsRequestsConfig(AppConfig):
    name = "evenhand.records_requests"
    label = "records_requests"

    def ready(self) -> None:
        # A malformed [public_records] section stops start-up, naming the entry.
        from .rules import public_records_rules

        public_records_rules()
