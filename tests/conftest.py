from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from evenhand.jurisdictions.ruleset import active_ruleset

# Hypothesis' deadline and its too-slow health check are timed assertions: on two cores
# running the SQLite and PostgreSQL suites side by side they fail for the machine's load, not
# for the code. Performance is measured by the benchmarks in bench/ instead.
settings.register_profile("evenhand", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("evenhand")

# The shared folder sits beside the repository in development and in CI.
SHARED_DIR = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(autouse=True)
def _fresh_ruleset_cache() -> None:
    """Rules are cached per process; tests that swap the ruleset must not leak into others."""
    active_ruleset.cache_clear()
