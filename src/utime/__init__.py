"""``utime``: MicroPython 1.8.5's time functions, on the active board's clock.

``ticks_*`` count from a monotonic clock and wrap at 2**30; ``ticks_diff(old, new)`` is
``(new - old)`` modulo 2**30. ``time()``, ``localtime()`` and ``mktime()`` count whole seconds
from the embedded epoch, 2000-01-01 00:00:00, on the board's RTC.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from typing import Any

from micropython_compat._fast import ticks_add, ticks_cpu, ticks_diff, ticks_ms, ticks_us
from micropython_compat.board import current_runtime

__all__ = [
    "localtime",
    "mktime",
    "sleep",
    "sleep_ms",
    "sleep_us",
    "ticks_add",
    "ticks_cpu",
    "ticks_diff",
    "ticks_ms",
    "ticks_us",
    "time",
]

_EPOCH = _dt.datetime(2000, 1, 1)
_NS = 1_000_000_000


def _sleep_ns(ns: int) -> None:
    if ns > 0:
        runtime = current_runtime()
        runtime.program_sleep_until_ns(runtime.board.clock.now_ns() + ns)


def sleep(seconds: Any) -> None:
    """Sleep for ``seconds`` (an int, or a float as the unix port takes it)."""
    if not isinstance(seconds, (int, float)) or isinstance(seconds, bool):
        raise TypeError(f"can't convert {type(seconds).__name__} to int")
    _sleep_ns(int(seconds * _NS))


def sleep_ms(ms: int) -> None:
    """Sleep for ``ms`` milliseconds (0 or less returns at once)."""
    _sleep_ns(_as_int(ms) * 1_000_000)


def sleep_us(us: int) -> None:
    """Sleep for ``us`` microseconds (0 or less returns at once)."""
    _sleep_ns(_as_int(us) * 1_000)


def _as_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float):
            return int(value)
        raise TypeError(f"can't convert {type(value).__name__} to int")
    return int(value)


def time() -> int:
    """Whole seconds since 2000-01-01 00:00:00 on the board's RTC."""
    return current_runtime().board.rtc().read_ns() // _NS


def localtime(secs: int | None = None) -> tuple[int, int, int, int, int, int, int, int]:
    """``(year, month, mday, hour, minute, second, weekday, yearday)`` for ``secs`` since
    2000-01-01 (the RTC's time when ``secs`` is ``None``); weekday 0 is Monday."""
    seconds = time() if secs is None else _as_int(secs)
    try:
        t = _EPOCH + _dt.timedelta(seconds=seconds)
    except OverflowError:
        raise OverflowError("timestamp out of range") from None
    return (t.year, t.month, t.day, t.hour, t.minute, t.second, t.weekday(), t.timetuple().tm_yday)


def mktime(t: Sequence[int]) -> int:
    """Seconds since 2000-01-01 for an 8-tuple like ``localtime()``'s (weekday and yearday are
    ignored; out-of-range fields roll over). Raises ``TypeError`` for any other length."""
    if not isinstance(t, (tuple, list)) or len(t) not in (8, 9):
        raise TypeError("mktime needs a tuple of length 8 or 9")
    year, month, mday, hour, minute, second = (_as_int(v) for v in t[:6])
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    days = (_dt.date(year, month, 1) - _EPOCH.date()).days + mday - 1
    return days * 86400 + hour * 3600 + minute * 60 + second
