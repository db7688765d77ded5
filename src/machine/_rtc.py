"""``machine.RTC``: the real time clock, its alarm and the alarm's interrupt.

The RTC keeps the date and time (millisecond resolution, as on the WiPy) in the board's RTC
device. A bare ``RTC()`` resets it to 2015-01-01 00:00:00, as the WiPy does. The alarm is a
match on the RTC's time: ``alarm(time=ms)`` fires ``ms`` from now (every ``ms`` with
``repeat=True``), ``alarm(time=datetime_tuple)`` at that date and time. It is scheduled on the
board clock, so on a virtual clock it fires exactly when the program has slept long enough.
"""

from __future__ import annotations

import datetime as _dt
import errno
import threading
from typing import Any, Optional

from micropython_compat.board import current_runtime
from micropython_compat.errors import bad_argument, device_error
from micropython_compat.hal import Cancellable, Clock, RTCDevice
from micropython_compat.runtime import Runtime

from ._args import check_handler, to_int
from ._irq import DEEPSLEEP, IDLE, RTC_WAKE, SLEEP, Irq

__all__ = ["RTC"]

_MISSING: Any = object()
_EPOCH = _dt.date(2000, 1, 1)
_MS = 1_000_000  # ns
#: The RTC's time of power-on and of a reset: 2015-01-01 00:00:00, in ms since 2000.
_RESET_MS = (_dt.date(2015, 1, 1) - _EPOCH).days * 86_400_000
#: A repeating alarm that fell behind fires again this soon (the WiPy's minimum).
_MIN_ALARM_MS = 10

Now = tuple[int, int, int, int, int, int, int, Optional[Any]]


def _datetime_ms(value: Any) -> int:
    """Milliseconds since 2000-01-01 for a ``(year, month, day[, hour[, minute[, second[,
    microsecond[, tzinfo]]]]])`` tuple or list; fields out of range roll over.

    Raises ``TypeError`` for another type or non-int fields, ``ValueError`` for a length other
    than 3..8 or a time the RTC can't hold (before 2000, or past 2**32 s).
    """
    if not isinstance(value, (tuple, list)):
        raise TypeError(f"object '{type(value).__name__}' isn't a tuple or list")
    if not 3 <= len(value) <= 8:
        raise bad_argument()
    fields = [to_int(v) for v in value[:7]] + [0] * (7 - min(len(value), 7))
    year, month, day, hour, minute, second, microsecond = fields
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    try:
        days = (_dt.date(year, month, 1) - _EPOCH).days + day - 1
    except (ValueError, OverflowError):
        raise bad_argument() from None
    seconds = days * 86400 + hour * 3600 + minute * 60 + second
    if not 0 <= seconds < 1 << 32:
        raise bad_argument()
    return seconds * 1000 + microsecond // 1000


class RTC:
    """The real time clock: ``RTC(id=0, datetime=...)``.

    There is one object; creating it sets the time (``init``). ``id`` other than 0 raises
    ``OSError(ENODEV)``.
    """

    ALARM0 = 1

    _runtime: Runtime
    _device: RTCDevice
    _clock: Clock
    _lock: threading.RLock
    _irq: Irq | None
    _alarm_ms: int | None  # RTC time of the next match, ms since 2000; None: no alarm set
    _interval_ms: int  # what alarm(time=ms) was given
    _repeat: bool
    _pending: Cancellable | None
    _generation: int

    def __new__(cls, id: Any = 0, datetime: Any = _MISSING) -> RTC:
        if to_int(id) != 0:
            raise device_error(errno.ENODEV)
        runtime = current_runtime()
        return runtime.state("machine.RTC", lambda: cls._create(runtime))

    @classmethod
    def _create(cls, runtime: Runtime) -> RTC:
        self: RTC = super().__new__(cls)
        self._runtime = runtime
        self._device = runtime.board.rtc()
        self._clock = runtime.board.clock
        self._lock = threading.RLock()
        self._irq = None
        self._alarm_ms = None
        self._interval_ms = 0
        self._repeat = False
        self._pending = None
        self._generation = 0
        runtime.on_close(self._unschedule)
        return self

    def __init__(self, id: Any = 0, datetime: Any = _MISSING) -> None:
        self.init(datetime)

    # -- the time ----------------------------------------------------------------------------
    def init(self, datetime: Any = _MISSING) -> None:
        """Set the time from a ``(year, month, day[, hour[, minute[, second[, microsecond[,
        tzinfo]]]]])`` tuple; without one, reset it to 2015-01-01 00:00:00 and cancel the
        alarm. Raises ``TypeError``/``ValueError`` for a bad tuple (see the class docs)."""
        if datetime is _MISSING:
            self._reset()
            return
        ms = _datetime_ms(datetime)
        with self._lock:
            self._device.write_ns(ms * _MS)
            self._schedule()  # the alarm is a match on the RTC's time: it moved

    def deinit(self) -> None:
        """Reset the time to 2015-01-01 00:00:00 (it keeps running) and cancel the alarm."""
        self._reset()

    def _reset(self) -> None:
        with self._lock:
            self._cancel()
            self._device.write_ns(_RESET_MS * _MS)

    def _now_ms(self) -> int:
        return self._device.read_ns() // _MS

    def now(self) -> Now:
        """``(year, month, day, hour, minute, second, microsecond, None)``; the microseconds
        are whole milliseconds, as the WiPy's RTC counts."""
        ms = self._now_ms()
        t = _dt.datetime(2000, 1, 1) + _dt.timedelta(milliseconds=ms)
        return (t.year, t.month, t.day, t.hour, t.minute, t.second, (ms % 1000) * 1000, None)

    # -- the alarm ---------------------------------------------------------------------------
    def alarm(self, id: Any = 0, time: Any = None, *, repeat: Any = False) -> None:
        """Set the alarm: ``time`` ms from now (every ``time`` ms if ``repeat``), or at a
        datetime tuple. Raises ``OSError(ENODEV)`` for an id other than 0, ``ValueError`` for
        a tuple with ``repeat=True`` or a bad tuple, ``TypeError`` for a missing time."""
        self._check_id(id)
        if isinstance(time, tuple):
            if repeat:
                raise bad_argument()
            target = _datetime_ms(time)
            interval = None
        else:
            interval = to_int(time) & 0xFFFFFFFF  # the WiPy keeps it as an unsigned 32-bit
        with self._lock:
            if interval is not None:
                self._interval_ms = interval
                target = self._now_ms() + interval
            self._repeat = bool(repeat)
            self._alarm_ms = target
            self._schedule()

    def alarm_left(self, alarm_id: Any = 0) -> int:
        """Milliseconds before the alarm fires (0 if none is set or it has passed).

        Raises ``OSError(ENODEV)`` for an id other than 0."""
        self._check_id(alarm_id)
        with self._lock:
            if self._alarm_ms is None:
                return 0
            return max(0, self._alarm_ms - self._now_ms())

    def cancel(self, alarm_id: Any = 0) -> None:
        """Cancel the alarm. Raises ``OSError(ENODEV)`` for an id other than 0."""
        self._check_id(alarm_id)
        with self._lock:
            self._cancel()

    #: The name MicroPython's source uses for ``cancel``.
    alarm_cancel = cancel

    @staticmethod
    def _check_id(alarm_id: Any) -> None:
        if to_int(alarm_id) != 0:
            raise device_error(errno.ENODEV)

    def _cancel(self) -> None:
        self._alarm_ms = None
        self._repeat = False
        self._unschedule()

    def _unschedule(self) -> None:
        with self._lock:
            self._generation += 1
            if self._pending is not None:
                self._pending.cancel()
                self._pending = None

    def _schedule(self) -> None:
        """Put the alarm on the board clock; a match already in the past never fires."""
        self._unschedule()
        if self._alarm_ms is None:
            return
        delay_ns = self._alarm_ms * _MS - self._device.read_ns()
        if delay_ns < -_MS:  # missed (the time was set past it)
            return
        generation = self._generation
        deadline = self._clock.now_ns() + max(0, delay_ns)
        try:
            self._pending = self._clock.call_at_ns(deadline, lambda: self._due(generation))
        except RuntimeError:  # the board's clock is closed
            self._pending = None

    def _due(self, generation: int) -> None:
        with self._lock:
            if generation != self._generation or self._alarm_ms is None:
                return
            self._pending = None
            now = self._now_ms()
            if now < self._alarm_ms:  # the time was set back meanwhile: wait for the match
                self._schedule()
                return
            if self._repeat:
                late = now - self._alarm_ms
                wait = self._interval_ms - late
                self._alarm_ms = now + (wait if wait > 0 else _MIN_ALARM_MS)
                self._schedule()
            irq = self._irq
        if irq is not None:
            irq.fire(RTC.ALARM0)

    # -- the interrupt -----------------------------------------------------------------------
    def irq(
        self,
        *,
        trigger: Any = ALARM0,
        priority: Any = 1,
        handler: Any = None,
        wake: Any = None,
    ) -> Irq:
        """Create the alarm's interrupt and return it (it replaces any earlier one).

        ``trigger`` must be ``RTC.ALARM0``; ``wake`` ORs ``machine.IDLE`` (the default),
        ``SLEEP`` and ``DEEPSLEEP`` — with ``SLEEP`` the alarm ends a ``machine.sleep()``.
        ``priority`` is accepted and ignored (the WiPy runs RTC interrupts first). Raises
        ``ValueError`` for another trigger or wake, ``TypeError`` if ``handler`` isn't
        callable.
        """
        to_int(priority)
        power = IDLE if wake is None else to_int(wake)
        if not 0 <= power <= IDLE | SLEEP | DEEPSLEEP:
            raise bad_argument()
        if to_int(trigger) != RTC.ALARM0:
            raise bad_argument()
        check_handler(handler)
        irq = Irq(self, handler, RTC.ALARM0, 7, power)
        irq.wake_reason = RTC_WAKE
        self._irq = irq
        return irq

    def __repr__(self) -> str:
        return "<RTC>"
