"""The real time clock: the system clock plus an offset this process keeps.

Setting the RTC never sets the system time: it changes the offset, which lasts as long as the
board object.
"""

from __future__ import annotations

import threading
import time
from typing import Callable

__all__ = ["EPOCH_2000_NS", "LinuxRTC"]

#: 2000-01-01 00:00:00 UTC in ns since the Unix epoch (the WiPy's epoch).
EPOCH_2000_NS = 946_684_800 * 1_000_000_000


class LinuxRTC:
    """``hal.RTCDevice`` on the system clock (``wall_ns`` reads it; tests replace it)."""

    def __init__(self, wall_ns: Callable[[], int] = time.time_ns) -> None:
        self._wall_ns = wall_ns
        self._offset = 0
        self._lock = threading.Lock()

    def read_ns(self) -> int:
        """Now, in ns since 2000-01-01."""
        with self._lock:
            return self._wall_ns() - EPOCH_2000_NS + self._offset

    def write_ns(self, t: int) -> None:
        """Make ``read_ns()`` return ``t`` now (the system clock is left alone)."""
        with self._lock:
            self._offset = int(t) - (self._wall_ns() - EPOCH_2000_NS)
