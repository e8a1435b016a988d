"""Shared test set-up: hypothesis profiles (loaded, not only registered)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# "ci": quick and deterministic, the default everywhere. "deep": many more
# examples, on demand: QDEF_HYPOTHESIS_PROFILE=deep pytest
settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "deep",
    max_examples=2000,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("QDEF_HYPOTHESIS_PROFILE", "ci"))

pytest_plugins = ["tests.conftest_goldens"]
