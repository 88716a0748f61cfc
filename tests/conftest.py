from __future__ import annotations

from pathlib import Path

import pytest

from evenhand.jurisdictions.ruleset import active_ruleset

# The shared folder sits beside the repository in development and in CI.
SHARED_DIR = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(autouse=True)
def _fresh_ruleset_cache() -> None:
    """Rules are cached per process; tests that swap the ruleset must not leak into others."""
    active_ruleset.cache_clear()
