from __future__ import annotations

from django.apps import AppConfig


class SealingConfig(AppConfig):
    name = "evenhand.sealing"
    label = "sealing"
