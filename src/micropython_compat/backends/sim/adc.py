"""The simulated ADC: what each channel reads is set by the test (``hal.ADCBlock``).

A channel reads a fixed raw value, a function of the board clock, or a voltage::

    wipy.adc_block.set(1, 2048)                          # raw counts
    wipy.adc_block.set(1, lambda t_ns: (t_ns // 1_000_000) % 4096)   # changes with time
    wipy.adc_block.set_voltage(1, 0.7)                   # 0.7 V of the WiPy's 0-1.4 V range

Readings are clamped to ``0 .. 2**bits - 1`` (0..4095 on the WiPy). A channel nothing was set
on reads ``default`` (0: a grounded input).
"""

from __future__ import annotations

import threading
from typing import Callable, Union

from ...hal import Clock

__all__ = ["FULL_SCALE_VOLTS", "SimADC"]

#: The input voltage that reads full scale on the WiPy (the docs: "ADC pin input range is
#: 0-1.4V").
FULL_SCALE_VOLTS = 1.4

#: A channel's source: raw counts, or a function of the board time in ns returning raw counts.
Source = Union[int, Callable[[int], int]]


class SimADC:
    """The simulated ADC block (``hal.ADCBlock``) of a board with ``bits``-bit readings."""

    def __init__(self, bits: int, clock: Clock) -> None:
        self.bits = bits
        self.clock = clock
        self.default = 0
        self._sources: dict[int, Source] = {}
        self._lock = threading.Lock()
        self.reads: list[tuple[int, int]] = []  # (channel, value) of every read, oldest first

    @property
    def full_scale(self) -> int:
        """The highest reading (4095 for 12 bits)."""
        return (1 << self.bits) - 1

    def set(self, channel: int, value: Source) -> None:
        """Make ``channel`` read ``value``: raw counts, or ``value(now_ns)`` at each read."""
        if not callable(value) and (isinstance(value, bool) or not isinstance(value, int)):
            raise TypeError("an ADC value is an int or a function of the time in ns")
        with self._lock:
            self._sources[int(channel)] = value

    def set_voltage(self, channel: int, volts: float) -> None:
        """Make ``channel`` read ``volts`` on the 0..1.4 V input range (clamped)."""
        self.set(channel, round(float(volts) / FULL_SCALE_VOLTS * self.full_scale))

    def clear(self, channel: int) -> None:
        """Forget what ``channel`` was set to (it reads ``default`` again)."""
        with self._lock:
            self._sources.pop(int(channel), None)

    def read(self, channel: int) -> int:
        """The raw reading of ``channel`` now, clamped to ``0 .. full_scale``."""
        with self._lock:
            source = self._sources.get(channel, self.default)
        raw = source(self.clock.now_ns()) if callable(source) else source
        value = min(max(int(raw), 0), self.full_scale)
        self.reads.append((channel, value))
        return value
