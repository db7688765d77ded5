"""Simulated ADC and PWM outputs (placeholder: being written)."""

from __future__ import annotations

from typing import Dict, Optional

from ...hal import Clock


class SimADC:
    def __init__(self, bits: int, clock: Clock) -> None:
        self.bits = bits
        self.clock = clock
        self.values: Dict[int, int] = {}

    def set(self, channel: int, value: int) -> None:
        self.values[channel] = value

    def read(self, channel: int) -> int:
        return self.values.get(channel, 0)


class SimPWM:
    def __init__(self, timer_id: int, channel: str, clock: Clock, pin: Optional[str]) -> None:
        self.timer_id = timer_id
        self.channel = channel
        self.pin = pin

    def set(self, period_ns: int, duty_ns: int, inverted: bool) -> None:
        pass

    def stop(self) -> None:
        pass
