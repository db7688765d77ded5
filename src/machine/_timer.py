"""``machine.Timer`` and ``TimerChannel``: the WiPy's four general purpose timers.

Each timer has two 16-bit channels (``Timer.A``, ``Timer.B``) or, at ``width=32``, one 32-bit
channel (``Timer.A | Timer.B``). A timer runs in one mode:

* ``PERIODIC``: a channel's ``TIMEOUT`` interrupt fires every period;
* ``ONE_SHOT``: it fires once, one period after the channel was (re)programmed;
* ``PWM``: the channel drives a PWM output (and its pin, if it has one) and its ``MATCH``
  interrupt fires once per period, at the end of the active part.

Times are those of the WiPy's hardware: the timers count an 80 MHz clock, a channel's period is
``80_000_000 // freq`` (or ``80 * period_us``) counts, and a 16-bit channel can count at most
2**24 of them (its 8-bit prescaler extends the counter), so ``freq`` must be at least 5 Hz.
Interrupts are scheduled on the board clock at absolute deadlines (``start + n * period``), so
they never drift.
"""

from __future__ import annotations

import errno
import threading
from typing import Any, Callable, overload

from micropython_compat.board import current_runtime
from micropython_compat.errors import bad_argument, device_error
from micropython_compat.hal import Cancellable, Clock, PWMChannel
from micropython_compat.runtime import Runtime

from ._args import check_handler, check_priority, to_int
from ._irq import IDLE, Irq
from ._pin import Pin
from ._system import add_sleep_hook

__all__ = ["Timer", "TimerChannel"]

_MISSING: Any = object()

#: The clock the timers count, in Hz.
_SOURCE_HZ = 80_000_000


class _Ticker:
    """Calls ``callback()`` at the absolute deadlines ``base + n * num // den`` ns of a clock.

    The period is the exact fraction ``num / den`` ns, so a long run never drifts. It serves
    ``n`` from ``first`` up to ``last`` (``None``: forever), skipping deadlines already past
    when started. Once started it serves every deadline: when the host starves the alarm thread
    (a loaded machine), the missed periods are delivered late, never dropped (a device's timer
    is never starved; a handler slower than its period is the dispatcher's bounded queue's
    business). Used by the timer channels and the RTC alarm.
    """

    def __init__(self, clock: Clock, callback: Callable[[], None]) -> None:
        self._clock = clock
        self._callback = callback
        self._lock = threading.Lock()
        self._alarm: Cancellable | None = None
        self._generation = 0
        self._base = self._num = 0
        self._den = 1
        self._n = 0
        self._last: int | None = None

    def start(self, base_ns: int, num: int, den: int, first: int, last: int | None) -> None:
        """(Re)start the series; the previous one is cancelled."""
        with self._lock:
            self._cancel()
            self._base, self._num, self._den, self._last = base_ns, num, den, last
            self._schedule(max(first, self._index_after(self._clock.now_ns())))

    def stop(self) -> None:
        """Cancel the next call (harmless when nothing is scheduled)."""
        with self._lock:
            self._cancel()

    def next_deadline_ns(self) -> int | None:
        """The clock time of the next call, or ``None``."""
        with self._lock:
            return self._deadline(self._n) if self._alarm is not None else None

    def _deadline(self, n: int) -> int:
        return self._base + n * self._num // self._den

    def _index_after(self, t_ns: int) -> int:
        """The smallest ``n`` whose deadline is later than ``t_ns``."""
        delta = t_ns - self._base + 1
        return -(-delta * self._den // self._num) if delta > 0 else 0

    def _cancel(self) -> None:
        self._generation += 1
        if self._alarm is not None:
            self._alarm.cancel()
            self._alarm = None

    def _schedule(self, n: int) -> None:
        self._alarm = None
        if self._last is not None and n > self._last:
            return
        self._n = n
        generation = self._generation
        try:
            self._alarm = self._clock.call_at_ns(self._deadline(n), lambda: self._due(generation))
        except RuntimeError:  # the clock was closed: the board is going away
            self._alarm = None

    def _due(self, generation: int) -> None:
        with self._lock:
            if generation != self._generation:
                return
            # schedule the next call first: the callback may raise (a reset request)
            self._schedule(self._n + 1)
        self._callback()


def _counts(freq: int, period_us: int, channel: int) -> int:
    """The number of 80 MHz counts per period the hardware would use.

    Raises ``ValueError`` for what the WiPy can't do: faster than 40 MHz, more than 2**24 counts
    on a 16-bit channel (the 8-bit prescaler is exhausted), more than 2**32 on a 32-bit one.
    """
    counts = max(1, _SOURCE_HZ // freq if freq > 0 else (_SOURCE_HZ // 1_000_000) * period_us)
    top = counts - 1
    if top == 0:
        raise bad_argument()
    if channel != Timer.A | Timer.B and top >> 16 > 0xFF:
        raise bad_argument()
    if top > 0xFFFFFFFF:
        raise bad_argument()
    return counts


class Timer:
    """One of the WiPy's four timers: ``Timer(id, mode=Timer.PERIODIC, width=16)``.

    There is one object per timer id (0..3; anything else raises ``OSError(ENODEV)``). Giving
    more arguments than the id initialises the timer (see ``init``); ``Timer(id)`` alone returns
    it as it is.
    """

    A = 0x00FF
    B = 0xFF00
    ONE_SHOT = 49
    PERIODIC = 50
    PWM = 10
    POSITIVE = 1
    NEGATIVE = 2
    TIMEOUT = 1
    MATCH = 2

    _MODE_NAMES = {ONE_SHOT: "ONE_SHOT", PERIODIC: "PERIODIC"}

    _id: int
    _mode: int
    _shown_mode: int
    _width: int
    _runtime: Runtime
    _channels: list[TimerChannel]
    _outputs: dict[str, PWMChannel | None]

    def __new__(cls, id: Any, *args: Any, **kwargs: Any) -> Timer:
        timer_id = to_int(id)
        if not 0 <= timer_id <= 3:
            raise device_error(errno.ENODEV)
        runtime = current_runtime()
        timers = runtime.state("machine.Timer", lambda: _registry(runtime))
        existing = timers.get(timer_id)
        if existing is not None:
            return existing
        self: Timer = super().__new__(cls)
        self._id = timer_id
        self._mode = 0  # not initialised
        self._shown_mode = Timer.PWM  # what repr() says: the last mode set (PWM before any)
        self._width = 16
        self._runtime = runtime
        self._channels = []
        self._outputs = {}
        timers[timer_id] = self
        return self

    def __init__(self, id: Any, *args: Any, **kwargs: Any) -> None:
        if args or kwargs:
            self.init(*args, **kwargs)

    # -- configuration -----------------------------------------------------------------------
    def init(self, mode: int, *, width: int = 16) -> None:
        """Initialise the timer in ``mode`` (``ONE_SHOT``, ``PERIODIC`` or ``PWM``) at ``width``
        16 or 32 bits (32 only for ``ONE_SHOT``/``PERIODIC``). Every channel of the timer is
        stopped and forgotten. Raises ``ValueError`` for anything else, ``TypeError`` for
        non-ints."""
        mode, width = to_int(mode), to_int(width)
        if mode not in (Timer.ONE_SHOT, Timer.PERIODIC, Timer.PWM) or width not in (16, 32):
            raise bad_argument()
        if width == 32 and mode == Timer.PWM:
            raise bad_argument()
        self._stop_channels()
        self._mode, self._width = mode, width
        self._shown_mode = mode

    def deinit(self) -> None:
        """Stop the timer: every channel, its interrupts and its PWM output. The timer must be
        initialised again before ``channel()`` can be used; its repr keeps the last mode."""
        self._stop_channels()
        self._mode = 0

    def _stop_channels(self) -> None:
        channels, self._channels = self._channels, []
        for channel in channels:
            channel._stop()

    @overload
    def channel(self, channel: int) -> TimerChannel | None: ...
    @overload
    def channel(
        self, channel: int, *, freq: int, polarity: int = ..., duty_cycle: int = ...
    ) -> TimerChannel: ...
    @overload
    def channel(
        self, channel: int, *, period: int, polarity: int = ..., duty_cycle: int = ...
    ) -> TimerChannel: ...
    def channel(
        self,
        channel: int,
        *,
        freq: int = _MISSING,
        period: int = _MISSING,
        polarity: int = _MISSING,
        duty_cycle: int = _MISSING,
    ) -> TimerChannel | None:
        """Program channel ``channel`` and return it, or with only the channel id, return the
        channel made before (``None`` if there is none).

        ``channel`` is ``Timer.A`` or ``Timer.B`` (16-bit), or ``Timer.A | Timer.B`` (32-bit).
        Exactly one of ``freq`` (Hz) and ``period`` (µs) is given. ``duty_cycle`` (PWM) is in
        1/100 % and is clamped to 0..10000; ``polarity`` (PWM) is ``POSITIVE`` or ``NEGATIVE``.

        Raises ``OSError(EPERM)`` if the timer isn't initialised, ``ValueError`` for a bad
        channel, both or neither of freq/period, a period the hardware can't make, or a PWM
        polarity of ``POSITIVE | NEGATIVE``.
        """
        if not self._mode:
            raise device_error(errno.EPERM)
        channel = to_int(channel)
        if channel not in (Timer.A, Timer.B, Timer.A | Timer.B):
            raise bad_argument()
        if channel == Timer.A | Timer.B and self._width == 16:
            raise bad_argument()
        given = (freq, period, polarity, duty_cycle)
        if all(value is _MISSING for value in given):
            return self._find(channel)
        freq = 0 if freq is _MISSING else to_int(freq)
        period = 0 if period is _MISSING else to_int(period)
        polarity = Timer.POSITIVE if polarity is _MISSING else to_int(polarity)
        duty = 0 if duty_cycle is _MISSING else to_int(duty_cycle)
        if freq != 0 and period != 0:
            raise bad_argument()
        if freq <= 0 and period <= 0:
            raise bad_argument()
        if self._mode == Timer.PWM and polarity == Timer.POSITIVE | Timer.NEGATIVE:
            raise bad_argument()
        counts = _counts(freq, period, channel)
        for old in [c for c in self._channels if c._channel & channel]:
            old._stop()
            self._channels.remove(old)
        created = TimerChannel(self, channel, freq, period, polarity, duty, counts)
        self._channels.append(created)
        return created

    def _find(self, channel: int) -> TimerChannel | None:
        for candidate in self._channels:
            bits = candidate._channel
            if bits & Timer.A == channel or bits & Timer.B == channel:
                return candidate
        return None

    def _output(self, channel: int) -> PWMChannel | None:
        """The board's PWM output for a 16-bit channel (``None`` if the board has none)."""
        name = "A" if channel == Timer.A else "B"
        if name not in self._outputs:
            try:
                self._outputs[name] = self._runtime.board.pwm(self._id, name)
            except ValueError:
                self._outputs[name] = None
        return self._outputs[name]

    def __repr__(self) -> str:
        return f"Timer({self._id}, mode=Timer.{Timer._MODE_NAMES.get(self._shown_mode, 'PWM')})"


def _registry(runtime: Runtime) -> dict[int, Timer]:
    """The runtime's timers; they are all deinitialised when the runtime closes."""
    timers: dict[int, Timer] = {}

    def close() -> None:
        for timer in list(timers.values()):
            timer.deinit()

    def sleeping(asleep: bool) -> None:
        # The WiPy's sleep modes power the timers down: no tick, no PWM until it wakes.
        for timer in list(timers.values()):
            for channel in list(timer._channels):
                if asleep:
                    channel._pause()
                else:
                    channel._program()

    runtime.on_close(close)
    add_sleep_hook(sleeping)
    return timers


class TimerChannel:
    """A programmed channel of a timer (made by ``Timer.channel()``).

    ``freq()``/``period()`` read what was given (the other one reads 0 until a setter keeps them
    in step). A channel whose timer was re-initialised or deinitialised, or that another
    ``channel()`` call replaced, is stopped: its setters and ``irq()`` raise ``OSError(EPERM)``.
    """

    def __init__(
        self,
        timer: Timer,
        channel: int,
        freq: int,
        period: int,
        polarity: int,
        duty: int,
        counts: int,
    ) -> None:
        self._timer = timer
        self._channel = channel
        self._mode = timer._mode
        self._freq = freq
        self._period = period
        self._polarity = polarity
        self._duty = min(10000, max(0, duty))
        self._counts = counts
        self._alive = True
        self._irq: Irq | None = None
        self._clock = timer._runtime.board.clock
        self._ticker = _Ticker(self._clock, self._tick)
        self._output: PWMChannel | None = None
        if self._mode == Timer.PWM:
            self._output = timer._output(channel)
            self._assign_pin()
        self._program()

    def _assign_pin(self) -> None:
        name = "A" if self._channel == Timer.A else "B"
        entry = self._timer._runtime.board.description.pwm.get((self._timer._id, name))
        if entry is not None:
            pin, alt = entry
            Pin(pin, mode=Pin.ALT, pull=None, drive=Pin.MED_POWER, alt=alt)

    # -- hardware ----------------------------------------------------------------------------
    def _program(self, restart: bool = True) -> None:
        """Load the channel into the (simulated) hardware; ``restart`` starts a new period."""
        if restart:
            self._start_ns = self._clock.now_ns()
        if self._output is not None:
            self._output.set(self._period_ns(), self._duty_ns(), self._polarity == Timer.NEGATIVE)
        self._arm()

    def _period_ns(self) -> int:
        return self._counts * 25 // 2  # 12.5 ns per count

    def _duty_ns(self) -> int:
        return self._counts * 25 * self._duty // 20000

    def _arm(self, enabled: bool = True) -> None:
        """Schedule the interrupt if there is an enabled one (the ``Irq``'s enable hook)."""
        irq = self._irq
        if not self._alive or irq is None or not irq.enabled:
            self._ticker.stop()
            return
        num = self._counts * 25
        if self._mode == Timer.PWM:
            self._ticker.start(self._start_ns + self._duty_ns(), num, 2, 0, None)
        else:
            last = 1 if self._mode == Timer.ONE_SHOT else None
            self._ticker.start(self._start_ns, num, 2, 1, last)

    def _tick(self) -> None:
        irq = self._irq
        if irq is not None:
            irq.fire(0)  # the WiPy's TimerChannel irq flags() always read 0

    def _pause(self) -> None:
        """Stop ticking and the PWM output while the board sleeps (``_program()`` resumes)."""
        self._ticker.stop()
        if self._output is not None:
            self._output.stop()

    def _stop(self) -> None:
        """Stop the channel for good (its timer was re-initialised or it was replaced)."""
        self._alive = False
        self._ticker.stop()
        if self._output is not None:
            self._output.stop()

    def _check_alive(self) -> None:
        if not self._alive:
            raise device_error(errno.EPERM)

    # -- methods -----------------------------------------------------------------------------
    @overload
    def freq(self) -> int: ...
    @overload
    def freq(self, value: int) -> None: ...
    def freq(self, value: Any = _MISSING) -> int | None:
        """Get the frequency in Hz, or set it (the period becomes ``1000000 // value``).

        Raises ``ValueError`` for a value <= 0 or one the hardware can't make."""
        if value is _MISSING:
            return self._freq
        value = to_int(value)
        if value <= 0:
            raise bad_argument()
        self._reprogram(value, 1_000_000 // value)
        return None

    @overload
    def period(self) -> int: ...
    @overload
    def period(self, value: int) -> None: ...
    def period(self, value: Any = _MISSING) -> int | None:
        """Get the period in µs, or set it (the frequency becomes ``1000000 // value``).

        Raises ``ValueError`` for a value <= 0 or one the hardware can't make."""
        if value is _MISSING:
            return self._period
        value = to_int(value)
        if value <= 0:
            raise bad_argument()
        self._reprogram(1_000_000 // value, value)
        return None

    def _reprogram(self, freq: int, period: int) -> None:
        self._check_alive()
        counts = _counts(freq, period, self._channel)
        # a new period starts at once; a one-shot channel is triggered again
        restart = counts != self._counts or self._mode == Timer.ONE_SHOT
        self._counts, self._freq, self._period = counts, freq, period
        self._program(restart)

    @overload
    def duty_cycle(self) -> int: ...
    @overload
    def duty_cycle(self, value: int, polarity: int = ...) -> None: ...
    def duty_cycle(self, value: Any = _MISSING, polarity: Any = _MISSING) -> int | None:
        """Get the duty cycle (0..10000, in 1/100 %), or set it (clamped to 0..10000) and, if
        given, the polarity. The period keeps running."""
        if value is _MISSING:
            return self._duty
        duty = min(10000, max(0, to_int(value)))
        new_polarity = self._polarity if polarity is _MISSING else to_int(polarity)
        self._check_alive()
        self._duty, self._polarity = duty, new_polarity
        self._program(restart=False)
        return None

    def irq(
        self,
        *,
        trigger: int = _MISSING,
        priority: int = 1,
        handler: Callable[[TimerChannel], object] | None = None,
        wake: int | None = None,
    ) -> Irq:
        """Create the channel's interrupt and return it; it replaces any earlier one.

        ``trigger`` is ``Timer.TIMEOUT`` for ``ONE_SHOT``/``PERIODIC`` timers and
        ``Timer.MATCH`` for ``PWM``; ``priority`` is 1..7; ``wake`` can only be
        ``machine.IDLE``. Raises ``ValueError`` for anything else, ``TypeError`` if
        ``trigger`` is missing or ``handler`` isn't callable.
        """
        check_priority(priority)
        if wake is not None and to_int(wake) != IDLE:
            raise bad_argument()
        if trigger is _MISSING or trigger is None:
            raise TypeError("irq() needs a trigger")
        expected = Timer.MATCH if self._mode == Timer.PWM else Timer.TIMEOUT
        if to_int(trigger) != expected:
            raise bad_argument()
        check_handler(handler)
        self._check_alive()
        irq = Irq(self, handler, expected, priority, IDLE, self._arm)
        self._irq = irq
        self._arm()
        return irq

    def __repr__(self) -> str:
        name = {Timer.A: "A", Timer.B: "B"}.get(self._channel, "AB")
        text = f"timer.channel(Timer.{name}, freq={self._freq}"
        if self._mode == Timer.PWM:
            polarity = {Timer.POSITIVE: "POSITIVE", Timer.NEGATIVE: "NEGATIVE"}
            text += (
                f", polarity=Timer.{polarity.get(self._polarity, 'BOTH')}"
                f", duty_cycle={self._duty // 100}.{self._duty % 100:02d}"
            )
        return text + ")"
