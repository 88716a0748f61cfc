from __future__ import annotations

from django.apps import AppConfig


class ChargingConfig(AppConfig):
    name = "evenhand.charging"
    label = "charging"
