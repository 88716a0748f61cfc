from __future__ import annotations

from django.apps import AppConfig


class DispositionsConfig(AppConfig):
    name = "evenhand.dispositions"
    label = "dispositions"
