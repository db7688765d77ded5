"""The simulated ADC (placeholder: being written)."""

from __future__ import annotations

from ...hal import Clock


class SimADC:
    def __init__(self, bits: int, clock: Clock) -> None:
        self.bits = bits
        self.clock = clock
        self.values: dict[int, int] = {}

    def set(self, channel: int, value: int) -> None:
        self.values[channel] = value

    def read(self, channel: int) -> int:
        return self.values.get(channel, 0)
