"""The ``machine`` module's functions: resets, interrupts, power modes and board facts.

Power modes, as emulated (the differences from the device are in docs/differences.md):

* ``idle()`` lets interrupts run: on a virtual clock it moves time on to the next scheduled
  alarm (timer, RTC alarm, a test's ``call_at_ns``) and runs it; with none scheduled it returns
  at once. On a real clock it sleeps about 1 ms (the device's systick wakes it as often).
* ``sleep()`` returns when a wake source configured with ``wake=machine.SLEEP`` fires (its
  ``wake_reason()`` is then recorded) or when any other interrupt handler runs, since the
  emulation can't power the other peripherals down (``wake_reason()`` is then unchanged).
  On a virtual clock the alarms are run one by one until that happens; when no alarm is left
  nothing can wake the board any more, and ``sleep()`` returns at once instead of hanging.
  A wake that fired while the program was running (not waiting in ``utime.sleep*`` or
  ``idle()``) since its last sleep is latched and ends the next ``sleep()`` at once: a host can
  be slower to reach the call than the outside world (another thread, a test) is to act.
  On a real clock it waits (Ctrl-C ends it). Either way the handlers of what woke it have run
  before it returns, as on the device. The heartbeat LED pauses during the sleep.
* ``deepsleep()`` ends the program (``DeepSleep``); the runner starts it again with
  ``reset_cause() == DEEPSLEEP_RESET``.
"""

from __future__ import annotations

import errno
import hashlib
import random
from typing import Any, Callable, NoReturn

from micropython_compat._fast import ticks_diff, ticks_us
from micropython_compat.board import current_runtime
from micropython_compat.errors import BoardDescriptionError, bad_argument, device_error
from micropython_compat.resets import DeepSleep, HardReset, forward_to_main_thread
from micropython_compat.runtime import Runtime

from ._irq import PIN_WAKE, RTC_WAKE, WLAN_WAKE
from ._pin import Pin

__all__ = [
    "PIN_WAKE",
    "RTC_WAKE",
    "WLAN_WAKE",
    "deepsleep",
    "disable_irq",
    "enable_irq",
    "freq",
    "idle",
    "main",
    "reset",
    "reset_cause",
    "rng",
    "sleep",
    "time_pulse_us",
    "unique_id",
    "wake_reason",
]

_UNIQUE_ID_BYTES = 6
_RNG_LIMIT = 1 << 24
_POLL_S = 0.001
_rng = random.SystemRandom()

#: Called with ``True`` when ``machine.sleep()`` starts and ``False`` when it ends.
SleepHook = Callable[[bool], None]


# -------------------------------------------------------------------------------- resets


def reset() -> None:
    """Reset the board as the RESET button does: raises ``HardReset`` in the main thread
    (from an interrupt handler, the main thread gets it; the handler carries on)."""
    forward_to_main_thread(HardReset())


def reset_cause() -> int:
    """Why the board last (re)started: ``PWRON_RESET``, ``HARD_RESET``, ``WDT_RESET``,
    ``DEEPSLEEP_RESET`` or ``SOFT_RESET``."""
    return current_runtime().reset_cause


# ---------------------------------------------------------------------------- interrupts


def disable_irq() -> int:
    """Defer every interrupt handler until ``enable_irq()``; return the previous state
    (opaque: pass it to ``enable_irq``)."""
    return current_runtime().dispatcher.disable()


def enable_irq(state: Any = True) -> None:
    """Restore the interrupt state ``disable_irq()`` returned; when that re-enables them,
    the handlers deferred meanwhile run now."""
    current_runtime().dispatcher.enable(1 if state else 0)


# ---------------------------------------------------------------------------- power modes


def freq() -> tuple[int]:
    """The CPU clock as a 1-tuple: ``(80000000,)`` on the WiPy."""
    return (current_runtime().board.description.freq,)


def _next_alarm(runtime: Runtime) -> int | None:
    """On a virtual clock, when its next alarm falls due (``None``: none, or a real clock)."""
    clock = runtime.board.clock
    if not clock.virtual:
        return None
    next_deadline: Callable[[], int | None] | None = getattr(clock, "next_deadline_ns", None)
    return None if next_deadline is None else next_deadline()


def idle() -> None:
    """Let interrupts run: see the module docstring."""
    runtime = current_runtime()
    clock = runtime.board.clock
    if clock.virtual:
        deadline = _next_alarm(runtime)
        if deadline is not None:
            runtime.program_sleep_until_ns(deadline)
        return
    runtime.program_sleep_until_ns(clock.now_ns() + 1_000_000)


def add_sleep_hook(hook: SleepHook) -> None:
    """Have ``hook(True)`` called as ``sleep()`` starts and ``hook(False)`` as it ends (for the
    parts of the board that stop in the device's sleep, like the heartbeat)."""
    hooks: list[SleepHook] = current_runtime().state("machine.sleep_hooks", list)
    hooks.append(hook)


def sleep() -> None:
    """Sleep until a ``wake=machine.SLEEP`` source (or any interrupt) fires: see the module
    docstring."""
    runtime = current_runtime()
    hooks: list[SleepHook] = runtime.state("machine.sleep_hooks", list)
    # A wake that fired while the program ran since its last wait is latched in
    # ``runtime.woken`` and ends this sleep at once: clearing it on entry would lose a wake
    # racing the call. One that fired during a utime.sleep or idle() was not latched.
    handled = runtime.dispatcher.handled
    clock = runtime.board.clock

    def awake() -> bool:
        return runtime.woken.is_set() or runtime.dispatcher.handled != handled

    for hook in hooks:
        hook(True)
    try:
        if clock.virtual:
            while not awake():
                deadline = _next_alarm(runtime)
                if deadline is None:
                    return
                clock.sleep_until_ns(deadline)
        else:
            while not awake():
                runtime.woken.wait(_POLL_S)
            runtime.dispatcher.wait_idle()  # the waking source's handler runs before we return
    finally:
        runtime.woken.clear()  # this sleep consumed the latched wake
        for hook in reversed(hooks):
            hook(False)


def deepsleep() -> NoReturn:
    """Stop; the program starts again with ``reset_cause() == DEEPSLEEP_RESET``.

    Everything that stops in the device's sleep stops now, for good (timers, the heartbeat);
    only the wake sources stay armed. Raises ``DeepSleep`` (the runner turns it into that
    restart)."""
    hooks: list[SleepHook] = current_runtime().state("machine.sleep_hooks", list)
    for hook in hooks:
        hook(True)
    raise DeepSleep()


def wake_reason() -> int:
    """What ended the last sleep: ``WLAN_WAKE``, ``PIN_WAKE``, ``RTC_WAKE``, or 0 (power on)."""
    return current_runtime().wake_reason


# -------------------------------------------------------------------------- miscellaneous


def main(filename: Any) -> None:
    """Run ``filename`` instead of ``main.py`` after ``boot.py`` (``ValueError`` unless a
    str; whether the file exists is not checked)."""
    if not isinstance(filename, str):
        raise bad_argument()
    current_runtime().main_file = filename


def rng() -> int:
    """A random 24-bit number, ``0 < n < 2**24``."""
    return _rng.randrange(1, _RNG_LIMIT)


def unique_id() -> bytes:
    """The board's 6-byte id (the WiPy's MAC address).

    From the board description's ``[board] unique_id`` (hex, separators ``:`` or ``-``
    allowed); without one, a fixed id derived from the board's name (a locally administered
    MAC address). Raises ``BoardDescriptionError`` for a malformed ``unique_id``."""
    description = current_runtime().board.description
    board = description.raw.get("board", {})
    configured = board.get("unique_id") if isinstance(board, dict) else None
    if configured is None:
        digest = bytearray(hashlib.sha256(description.name.encode()).digest()[:_UNIQUE_ID_BYTES])
        digest[0] = (digest[0] & 0xFC) | 0x02  # unicast, locally administered
        return bytes(digest)
    try:
        value = bytes.fromhex(str(configured).replace(":", "").replace("-", ""))
    except ValueError:
        value = b""
    if len(value) != _UNIQUE_ID_BYTES:
        raise BoardDescriptionError(
            f"{description.source}: [board] unique_id must be {_UNIQUE_ID_BYTES} bytes in hex,"
            f" not {configured!r}"
        )
    return value


class _Stopwatch:
    """Microseconds since it was made, summed from ``ticks_us()`` reads so that the 2**30
    wrap of the ticks never shortens or loops a long wait (each read must come within
    2**30 us of the last)."""

    def __init__(self) -> None:
        self._last = ticks_us()
        self.elapsed_us = 0

    def read(self) -> int:
        now = ticks_us()
        self.elapsed_us += ticks_diff(self._last, now)
        self._last = now
        return self.elapsed_us


def time_pulse_us(pin: Any, pulse_level: Any, timeout_us: Any = 1_000_000) -> int:
    """Time a pulse of ``pulse_level`` on ``pin`` (a Pin or a pin name), in microseconds.

    Waits while the pin differs from ``pulse_level``, then times how long it equals it.
    Raises ``OSError(ETIMEDOUT)`` when either wait exceeds ``timeout_us`` (any size: the
    ticks' 2**30 wrap doesn't matter), ``ValueError`` for an unknown pin and ``TypeError``
    for a timeout that isn't an int."""
    line = Pin._object(pin)
    if isinstance(timeout_us, bool) or not isinstance(timeout_us, int):
        raise TypeError(f"can't convert {type(timeout_us).__name__} to int")
    level = 1 if pulse_level else 0
    watch = _Stopwatch()
    if line.value() != level:
        while line.value() != level:
            if watch.read() >= timeout_us:
                raise device_error(errno.ETIMEDOUT)
        watch = _Stopwatch()
    while line.value() == level:
        if watch.read() >= timeout_us:
            raise device_error(errno.ETIMEDOUT)
    return watch.read()
