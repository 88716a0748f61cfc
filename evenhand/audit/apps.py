from __future__ import annotations

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "evenhand.audit"
    label = "audit"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects authentication events to the log)
