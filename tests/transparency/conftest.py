from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import override_settings


@pytest.fixture(autouse=True)
def _store_in_tmp(tmp_path: Path) -> Iterator[None]:
    """Each test gets an empty analytics store and an empty page cache."""
    with override_settings(EVENHAND_ANALYTICS_DIR=tmp_path / "analytics"):
        cache.clear()
        yield
        cache.clear()
