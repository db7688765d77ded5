"""Simulated PWM outputs (placeholder: being written)."""

from __future__ import annotations

from ...hal import Clock


class SimPWM:
    def __init__(self, timer_id: int, channel: str, clock: Clock, pin: str | None) -> None:
        self.timer_id = timer_id
        self.channel = channel
        self.pin = pin

    def set(self, period_ns: int, duty_ns: int, inverted: bool) -> None:
        pass

    def stop(self) -> None:
        pass
