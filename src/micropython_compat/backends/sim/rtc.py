"""The simulated real time clock (placeholder: being written)."""

from __future__ import annotations

from ...hal import Clock


class SimRTC:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.offset = 0

    def read_ns(self) -> int:
        return self.clock.now_ns() + self.offset

    def write_ns(self, t: int) -> None:
        self.offset = t - self.clock.now_ns()
