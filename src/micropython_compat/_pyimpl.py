"""The pure-Python twin of ``_speedups``: the same functions, the same behaviour.

Ticks follow MicroPython 1.8.5: counters wrap at 2**30 (``TICKS_PERIOD``), and
``ticks_diff(old, new)`` returns ``(new - old)`` modulo the period. With no clock set they read
the host's monotonic clock; ``set_clock(clock)`` makes them read ``clock.ticks_ns()`` (a virtual
clock).

``PinBase`` is the hot part of ``machine.Pin``: ``value()``, ``__call__()`` and ``toggle()``
talk straight to the backend's line handle (``_line``), skipping writes that would not change
the output register (``_out``, -1 when unknown).
"""

from __future__ import annotations

import time
from typing import Any

TICKS_PERIOD = 1 << 30
TICKS_MAX = TICKS_PERIOD - 1

_clock: Any | None = None


def set_clock(clock: Any | None) -> None:
    """Read ticks from ``clock.ticks_ns()``, or from the host's monotonic clock for ``None``."""
    global _clock
    _clock = clock


def _now_ns() -> int:
    clock = _clock
    return time.monotonic_ns() if clock is None else int(clock.ticks_ns())


def ticks_ms() -> int:
    """Milliseconds, wrapping at 2**30."""
    return (_now_ns() // 1_000_000) & TICKS_MAX


def ticks_us() -> int:
    """Microseconds, wrapping at 2**30."""
    return (_now_ns() // 1_000) & TICKS_MAX


def ticks_cpu() -> int:
    """The finest counter there is (ns here), wrapping at 2**30."""
    return _now_ns() & TICKS_MAX


def ticks_diff(old: int, new: int) -> int:
    """``new - old`` modulo 2**30 (MicroPython 1.8.5's argument order)."""
    return (int(new) - int(old)) & TICKS_MAX


def ticks_add(ticks: int, delta: int) -> int:
    """``ticks + delta`` modulo 2**30."""
    return (int(ticks) + int(delta)) & TICKS_MAX


class PinBase:
    """Fast value access for ``machine.Pin``; ``_line`` is a ``hal.GPIOLine``."""

    __slots__ = ("_fd", "_line", "_out")

    def __init__(self) -> None:
        self._line: Any = None
        self._out = -1
        self._fd = -1

    def value(self, *args: Any) -> int | None:
        """Return the pin level, or with an argument drive it (truthiness decides)."""
        line = self._line
        if line is None:
            raise ValueError("pin is deinitialised")
        if not args:
            return int(line.get())
        if len(args) > 1:
            raise TypeError("function takes at most 1 positional argument")
        level = 1 if args[0] else 0
        if level != self._out:
            line.set(level)
            self._out = level
        return None

    __call__ = value

    def toggle(self) -> None:
        """Invert the output."""
        line = self._line
        if line is None:
            raise ValueError("pin is deinitialised")
        current = self._out if self._out >= 0 else int(line.get())
        level = current ^ 1
        line.set(level)
        self._out = level
