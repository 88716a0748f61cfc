from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import override_settings

from .realdata import write_2019_release


@pytest.fixture(scope="session")
def store_2019(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One analytics store holding the real 2019 release, built once for the whole run."""
    folder = tmp_path_factory.mktemp("analytics-2019")
    with override_settings(EVENHAND_ANALYTICS_DIR=folder):
        write_2019_release()
    return folder


@pytest.fixture
def with_2019(store_2019: Path) -> Iterator[Path]:
    with override_settings(EVENHAND_ANALYTICS_DIR=store_2019):
        yield store_2019


@pytest.fixture
def empty_store(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "analytics"
    with override_settings(EVENHAND_ANALYTICS_DIR=folder):
        yield folder
