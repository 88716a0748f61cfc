"""What the cases services share: the before/after values an audit entry records."""

from __future__ import annotations

from collections.abc import Iterable


def snapshot(instance: object, fields: Iterable[str]) -> dict[str, object]:
    return {name: getattr(instance, name) for name in fields}
