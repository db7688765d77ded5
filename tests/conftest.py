"""Shared test setup: no board outlives its test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from micropython_compat import release_board

try:
    from hypothesis import HealthCheck, settings
except ImportError:  # the VM tiers run the contract suite only, with no property tests
    pass
else:
    # Hypothesis' per-example deadline (200 ms) and its too-slow health check are timing
    # assertions: a loaded machine trips them on any property test (seen: test_speedups under
    # load). Speed is measured in bench/, never by tests, so the suite's profile turns both off.
    settings.register_profile(
        "micropython-compat", deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    settings.load_profile("micropython-compat")


@pytest.fixture(autouse=True)
def _release_board_after_test() -> Iterator[None]:
    yield
    release_board()
