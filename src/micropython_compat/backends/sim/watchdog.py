"""The simulated watchdog (``hal.Watchdog``), counting down on the board clock.

Tests read its state::

    dog = wipy.watchdog_device
    dog.armed, dog.timeout_ms, dog.expired, dog.time_left_ms(), dog.feeds

When it expires it calls ``on_expire`` (the front end turns that into a watchdog reset) from the
clock's alarm: on a virtual clock that is the thread that moved the time on, usually the
program sleeping. It can't be stopped, only fed; ``close()`` (the board being released) disarms
it.
"""

from __future__ import annotations

import threading
from typing import Callable

from ...hal import Cancellable, Clock

__all__ = ["SimWatchdog"]


class SimWatchdog:
    """A watchdog on the board clock."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._alarm: Cancellable | None = None
        self._on_expire: Callable[[], None] | None = None
        self._deadline_ns: int | None = None
        self.timeout_ms: int | None = None
        self.armed = False
        self.expired = False
        self.feeds = 0

    def start(self, timeout_ms: int, on_expire: Callable[[], None]) -> None:
        """Arm the watchdog: ``on_expire()`` runs unless it is fed every ``timeout_ms``.

        Raises ``ValueError`` for a timeout that isn't positive.
        """
        if timeout_ms <= 0:
            raise ValueError("a watchdog timeout must be positive")
        with self._lock:
            self.timeout_ms = int(timeout_ms)
            self._on_expire = on_expire
            self.armed = True
            self.expired = False
            self._restart()

    def feed(self) -> None:
        """Restart the countdown (nothing happens if the watchdog isn't armed)."""
        with self._lock:
            if self.armed:
                self.feeds += 1
                self._restart()

    def _restart(self) -> None:
        if self._alarm is not None:
            self._alarm.cancel()
        assert self.timeout_ms is not None
        deadline = self.clock.now_ns() + self.timeout_ms * 1_000_000
        self._deadline_ns = deadline
        self._alarm = self.clock.call_at_ns(deadline, lambda: self._expire(deadline))

    def _expire(self, deadline: int) -> None:
        with self._lock:
            if not self.armed or deadline != self._deadline_ns:
                return
            self.armed = False
            self.expired = True
            self._alarm = None
            self._deadline_ns = None
            on_expire = self._on_expire
        if on_expire is not None:
            on_expire()

    def time_left_ms(self) -> int | None:
        """Whole ms before it expires, or ``None`` when it isn't armed."""
        with self._lock:
            if self._deadline_ns is None:
                return None
            return max(0, self._deadline_ns - self.clock.now_ns()) // 1_000_000

    def close(self) -> None:
        """Disarm it (the board is being released)."""
        with self._lock:
            if self._alarm is not None:
                self._alarm.cancel()
            self._alarm = None
            self._deadline_ns = None
            self.armed = False

    def __repr__(self) -> str:
        state = "expired" if self.expired else "armed" if self.armed else "idle"
        return f"<SimWatchdog {state} timeout_ms={self.timeout_ms}>"
