"""PWM outputs: sysfs ``pwmchip`` channels where the board file names one, software PWM on the
pin's GPIO line otherwise.

``SysfsPWM`` exports ``/sys/class/pwm/<chip>/pwm<channel>`` on first use, writes period, duty
cycle and polarity, and unexports at close.

``SoftPWM`` toggles the pin's output line from a thread. Python threads keep time to about a
millisecond, so it suits LEDs and slow signals (up to a few hundred Hz), not servos or motors
that need accurate pulses: use a hardware PWM overlay (``dtoverlay=pwm``) and ``[linux] pwm``
for those.
"""

from __future__ import annotations

import errno
import threading
import time
from pathlib import Path
from typing import Callable, Protocol

from ._errors import host_error

__all__ = ["OutputLine", "SoftPWM", "SysfsPWM"]

_SETTLE_S = 5.0  # how long stop() waits for the thread to settle (bounds a dead line only)


class SysfsPWM:
    """``hal.PWMChannel`` on a sysfs PWM channel. ``root`` is ``/sys/class/pwm`` (tests replace
    it)."""

    def __init__(self, chip: str, channel: int, *, root: str | Path = "/sys/class/pwm") -> None:
        self._chip = Path(chip) if chip.startswith("/") else Path(root) / chip
        self._channel = int(channel)
        self._folder = self._chip / f"pwm{self._channel}"
        self._exported = False
        self._inverted: bool | None = None
        self._period = 0
        self._duty = 0

    def _write(self, name: str, value: object, base: Path | None = None) -> None:
        path = (base if base is not None else self._folder) / name
        try:
            path.write_text(str(value))
        except OSError as exc:
            code = exc.errno or errno.EIO
            if code in (errno.EACCES, errno.EPERM):
                message = (
                    f"no permission to write {path}: run as root, or let the group 'gpio' "
                    'write PWM channels with a udev rule: SUBSYSTEM=="pwm*", '
                    'RUN+="/bin/chgrp -R gpio /sys%p", RUN+="/bin/chmod -R g+w /sys%p"'
                )
            elif code == errno.ENOENT:
                message = f"{path} does not exist: enable the PWM overlay (dtoverlay=pwm)"
            else:
                message = f"writing {value} to {path} failed: {exc.strerror}"
            raise host_error(code, message) from None

    def _export(self) -> None:
        if not self._exported:
            if not self._folder.is_dir():
                self._write("export", self._channel, self._chip)
            self._exported = True

    def set(self, period_ns: int, duty_ns: int, inverted: bool) -> None:
        """Start or update the output."""
        self._export()
        period, duty = max(1, int(period_ns)), min(max(0, int(duty_ns)), max(1, int(period_ns)))
        if inverted != self._inverted:
            self._write("enable", 0)
            self._write("polarity", "inversed" if inverted else "normal")
            self._inverted = inverted
        if period < self._duty:  # the kernel refuses a duty cycle beyond the period
            self._write("duty_cycle", duty)
            self._write("period", period)
        else:
            self._write("period", period)
            self._write("duty_cycle", duty)
        self._period, self._duty = period, duty
        self._write("enable", 1)

    def stop(self) -> None:
        """Stop the output."""
        if self._exported:
            self._write("enable", 0)

    def close(self) -> None:
        """Stop and unexport the channel."""
        if self._exported:
            try:
                self._write("enable", 0)
                self._write("unexport", self._channel, self._chip)
            except OSError:
                pass
            self._exported = False


class OutputLine(Protocol):
    """What software PWM drives: a line it can set."""

    def drive(self, level: int) -> None:
        """Put ``level`` on the pin."""


class SoftPWM:
    """``hal.PWMChannel`` toggling a GPIO line from a thread. ``line_for()`` gives the line
    (called at the first ``set``), ``done(line)`` hands it back at close."""

    def __init__(
        self,
        line_for: Callable[[], OutputLine],
        done: Callable[[OutputLine], None] = lambda line: None,
    ) -> None:
        self._line_for = line_for
        self._done = done
        self._line: OutputLine | None = None
        self._cond = threading.Condition()
        self._period_ns = 0
        self._duty_ns = 0
        self._inverted = False
        self._running = False
        self._closed = False
        self._steady = True  # the thread holds a steady level (not toggling)
        self._thread: threading.Thread | None = None

    def set(self, period_ns: int, duty_ns: int, inverted: bool) -> None:
        """Start or update the output."""
        with self._cond:
            if self._closed:
                raise ValueError("the PWM output is closed")
            if self._line is None:
                self._line = self._line_for()
            self._period_ns, self._duty_ns = max(1, int(period_ns)), max(0, int(duty_ns))
            self._inverted = bool(inverted)
            self._running = True
            self._steady = False
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="micropython-compat soft pwm", daemon=True
                )
                self._thread.start()
            self._cond.notify_all()

    def stop(self) -> None:
        """Stop toggling; on return the pin is at its idle level (waits for the thread to
        put it there, at most a few seconds if the line is gone)."""
        with self._cond:
            self._running = False
            self._steady = False
            self._cond.notify_all()
            if self._thread is not None and self._thread is not threading.current_thread():
                self._cond.wait_for(lambda: self._steady or self._closed, _SETTLE_S)

    def close(self) -> None:
        """Stop the thread and hand the line back (idempotent)."""
        with self._cond:
            self._closed = True
            self._running = False
            self._cond.notify_all()
            thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(5)
        line, self._line = self._line, None
        if line is not None:
            self._done(line)

    def _run(self) -> None:
        level = -1
        next_edge = time.monotonic()
        while True:
            with self._cond:
                if self._closed:
                    return
                line, period, duty = self._line, self._period_ns, self._duty_ns
                idle = 1 if self._inverted else 0
                if not self._running or duty <= 0 or duty >= period:
                    steady = idle if not self._running or duty <= 0 else idle ^ 1
                    if line is not None and level != steady and not self._set(line, steady):
                        return
                    level = steady
                    self._steady = True
                    self._cond.notify_all()
                    self._cond.wait()
                    next_edge = time.monotonic()
                    continue
            # one period: active for duty, idle for the rest
            for active, span in ((True, duty), (False, period - duty)):
                want = idle ^ 1 if active else idle
                if line is not None and not self._set(line, want):
                    return
                level = want
                next_edge += span / 1e9
                with self._cond:
                    delay = next_edge - time.monotonic()
                    if delay > 0:
                        self._cond.wait(delay)
                    else:
                        next_edge = time.monotonic()
                    if self._closed or not self._running:
                        break

    @staticmethod
    def _set(line: OutputLine, level: int) -> bool:
        try:
            line.drive(level)
        except (OSError, ValueError):  # the line went away (the board is closing)
            return False
        return True
