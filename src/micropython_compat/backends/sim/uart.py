"""Simulated UARTs (placeholder: being written)."""

from __future__ import annotations

from ...hal import Clock


class SimUART:
    def __init__(self, port_id: int, clock: Clock) -> None:
        self.port_id = port_id
        self.clock = clock

    def loopback(self) -> None:
        pass

    def connect(self, other: SimUART) -> None:
        pass

    def close(self) -> None:
        pass
