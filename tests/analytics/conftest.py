from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import override_settings

from tests.conftest import SHARED_DIR

CCSAO_DIR = SHARED_DIR / "data" / "cook-county-sao"
EXTRACT_2019 = CCSAO_DIR / "chicagoda-2019"
EXPORT_SAMPLE = CCSAO_DIR / "export-2026-sample"
AGGREGATE_2017 = CCSAO_DIR / "aggregate-2017"


@pytest.fixture(autouse=True)
def analytics_dir(tmp_path: Path) -> Iterator[Path]:
    """Every analytics test gets a store of its own."""
    folder = tmp_path / "analytics"
    with override_settings(EVENHAND_ANALYTICS_DIR=folder):
        yield folder
