"""``wipy``: features specific to the WiPy — the heartbeat LED.

The heartbeat flashes the board's heartbeat LED (``[board] heartbeat_pin``, GP25 on the WiPy)
as the device does: 80 ms on, then off until the next flash, one flash every 4 s, the first
one 3.92 s after it starts. It runs on the board clock and drives the LED through its own GPIO
line, claimed only while the heartbeat is on.

It is enabled at boot (``heartbeat()`` is ``True``), but it only starts blinking when
``heartbeat(True)`` is called or the runner boots a program (``_start_if_enabled()``), so a
board that no program asked for a heartbeat has no extra clock alarms. It pauses during
``machine.sleep()``. Turning it off switches the LED off and gives the line back.

The LED pin, as on the device: disable the heartbeat before using GP25 yourself
(``wipy.heartbeat(False)`` then ``Pin('GP25', Pin.OUT)``). If a program configures GP25 while
the heartbeat is on, both drive the same LED, as on the device: each flash overwrites the
program's value. On the simulated board the two share the pad; on a host that lets only one
user claim a line (Linux), ``Pin('GP25')`` then fails with the host's "busy" error.
"""

from __future__ import annotations

from typing import Any, overload

from machine._system import add_sleep_hook
from micropython_compat.board import current_runtime
from micropython_compat.hal import Cancellable, GPIOLine, LineConfig
from micropython_compat.runtime import Runtime

__all__ = ["heartbeat"]

_MS = 1_000_000
#: The LED is on this long at each flash.
ON_NS = 80 * _MS
#: A flash starts every this long.
PERIOD_NS = 4000 * _MS


class _Heartbeat:
    """The heartbeat of one running board."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._pin = runtime.board.description.heartbeat_pin
        self.enabled = True
        self.running = False
        self._paused = False
        self._line: GPIOLine | None = None
        self._alarm: Cancellable | None = None

    # -- switching -------------------------------------------------------------------------
    def start(self) -> None:
        """Turn the LED off and flash it from now on (again from the start if running)."""
        self.enabled = True
        self._cancel()
        if self._pin is not None and self._line is None:
            config = LineConfig(mode="out", drive="high", value=0)
            self._line = self._runtime.board.gpio.claim(self._pin, config)
        elif self._line is not None:
            self._line.reconfigure(LineConfig(mode="out", drive="high", value=0))
        self.running = True
        self._schedule_flash()

    def stop(self) -> None:
        """Stop flashing, switch the LED off and release its line."""
        self.enabled = False
        self.running = False
        self._cancel()
        line = self._line
        if line is None:
            return
        line.set(0)
        if self._program_holds_pin():
            return  # releasing would reset the pad under the program's Pin; done at close
        self._line = None
        line.release()

    def close(self) -> None:
        """The board is being released."""
        self.running = False
        self._cancel()
        line, self._line = self._line, None
        if line is not None:
            line.release()

    def on_sleep(self, entering: bool) -> None:
        """``machine.sleep()`` stops the heartbeat, which resumes after the wake."""
        if entering and self.running:
            self._paused = True
            self._cancel()
            self._set(0)
        elif not entering and self._paused:
            self._paused = False
            if self.running:
                self._schedule_flash()

    # -- blinking --------------------------------------------------------------------------
    def _program_pin(self) -> Any:
        """The program's ``machine.Pin`` for the LED pin, or ``None`` if it made none."""
        pins: dict[str, Any] = self._runtime.state("machine.Pin", dict)
        return pins.get(self._pin) if self._pin is not None else None

    def _program_holds_pin(self) -> bool:
        return self._program_pin() is not None

    def _set(self, level: int) -> None:
        if self._line is None:
            return
        pin = self._program_pin()
        if pin is not None:
            pin.value(level)  # through the program's Pin, so its idea of the latch stays true
        else:
            self._line.set(level)

    def _cancel(self) -> None:
        alarm, self._alarm = self._alarm, None
        if alarm is not None:
            alarm.cancel()

    def _after(self, delay_ns: int, callback: Any) -> None:
        clock = self._runtime.board.clock
        self._alarm = clock.call_at_ns(clock.now_ns() + delay_ns, callback)

    def _schedule_flash(self) -> None:
        self._after(PERIOD_NS - ON_NS, self._flash_on)

    def _flash_on(self) -> None:
        if self.running and not self._paused:
            self._set(1)
            self._after(ON_NS, self._flash_off)

    def _flash_off(self) -> None:
        if self.running and not self._paused:
            self._set(0)
            self._schedule_flash()


def _heartbeat() -> _Heartbeat:
    runtime = current_runtime()

    def create() -> _Heartbeat:
        beat = _Heartbeat(runtime)
        runtime.on_close(beat.close)
        add_sleep_hook(beat.on_sleep)
        return beat

    return runtime.state("wipy.heartbeat", create)


@overload
def heartbeat() -> bool: ...
@overload
def heartbeat(enable: object, /) -> None: ...
def heartbeat(*args: Any) -> bool | None:
    """``heartbeat()`` returns whether the heartbeat LED is enabled; ``heartbeat(enable)``
    switches it on or off by truthiness and returns ``None``. More arguments: ``TypeError``."""
    if len(args) > 1:
        raise TypeError(f"function expected at most 1 arguments, got {len(args)}")
    beat = _heartbeat()
    if not args:
        return beat.enabled
    if args[0]:
        beat.start()
    else:
        beat.stop()
    return None


def _start_if_enabled() -> None:
    """For the runner: start the heartbeat at boot unless the program turned it off."""
    beat = _heartbeat()
    if beat.enabled and not beat.running:
        beat.start()
