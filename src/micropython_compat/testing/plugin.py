"""The pytest plugin: fixtures that give each test a fresh simulated WiPy.

* ``wipy``: a sim board on a virtual clock (sleeps are instant, timers fire deterministically);
* ``wipy_realtime``: a sim board on the host's real clock.

Both release the board (and every thread and descriptor it holds) when the test ends.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from . import SimBoard, simulated_board


@pytest.fixture
def wipy() -> Iterator[SimBoard]:
    """A fresh simulated WiPy on a virtual clock, active for this test."""
    with simulated_board(clock="virtual") as board:
        yield board


@pytest.fixture
def wipy_realtime() -> Iterator[SimBoard]:
    """A fresh simulated WiPy on the real clock, active for this test."""
    with simulated_board(clock="real") as board:
        yield board
