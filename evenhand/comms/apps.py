from __future__ import annotations

from django.apps import AppConfig


class CommsConfig(AppConfig):
    name = "evenhand.comms"
    label = "comms"
