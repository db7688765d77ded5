"""The simulated watchdog (placeholder: being written)."""

from __future__ import annotations

from typing import Callable

from ...hal import Clock


class SimWatchdog:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    def start(self, timeout_ms: int, on_expire: Callable[[], None]) -> None:
        pass

    def feed(self) -> None:
        pass

    def close(self) -> None:
        pass
