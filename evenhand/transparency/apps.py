from __future__ import annotations

from django.apps import AppConfig


class TransparencyConfig(AppConfig):
    name = "evenhand.transparency"
    label = "transparency"
