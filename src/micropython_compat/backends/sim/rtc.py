"""The simulated real time clock (``hal.RTCDevice``).

It counts ns since 2000-01-01 00:00:00 and runs with the board clock (so on a virtual clock it
moves only when the board's time does). At power-on it reads 2015-01-01 00:00:00, as the WiPy's
RTC does. Tests can set it::

    wipy.rtc_device.set_datetime(datetime.datetime(2016, 2, 29, 12, 0))
    wipy.rtc_device.datetime()        # -> datetime.datetime(2016, 2, 29, 12, 0)
"""

from __future__ import annotations

import datetime as _dt
import threading

from ...hal import Clock

__all__ = ["EPOCH", "POWER_ON", "SimRTC"]

#: The embedded epoch: what ``read_ns() == 0`` means.
EPOCH = _dt.datetime(2000, 1, 1)
#: What the RTC reads at power-on.
POWER_ON = _dt.datetime(2015, 1, 1)


def _ns_since_epoch(when: _dt.datetime) -> int:
    delta = when.replace(tzinfo=None) - EPOCH
    return (delta.days * 86400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1000


class SimRTC:
    """A settable wall clock driven by the board clock."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._offset = _ns_since_epoch(POWER_ON) - clock.now_ns()
        self.writes = 0  # how many times the time was set (by the program or a test)

    def read_ns(self) -> int:
        """The time now, in ns since 2000-01-01."""
        return self.clock.now_ns() + self._offset

    def write_ns(self, t: int) -> None:
        """Set the time, in ns since 2000-01-01; it runs on from there."""
        with self._lock:
            self._offset = int(t) - self.clock.now_ns()
            self.writes += 1

    # -- what tests use ----------------------------------------------------------------------
    def datetime(self) -> _dt.datetime:
        """The time now as a naive ``datetime`` (µs resolution)."""
        return EPOCH + _dt.timedelta(microseconds=self.read_ns() // 1000)

    def set_datetime(self, when: _dt.datetime) -> None:
        """Set the time from a ``datetime`` (its tzinfo is ignored)."""
        self.write_ns(_ns_since_epoch(when))

    def __repr__(self) -> str:
        return f"<SimRTC {self.datetime().isoformat(sep=' ')}>"
