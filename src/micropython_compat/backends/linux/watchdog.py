"""Watchdogs: one in the process by default; the kernel's ``/dev/watchdog`` only on request.

``ProcessWatchdog`` is an alarm on the board clock (the clock's timer thread): unless fed in
time it calls ``on_expire``, which the front end turns into a WDT reset of the program. It never
touches the machine.

``KernelWatchdog`` opens the device a board file names (``[linux] watchdog = "/dev/watchdog"``)
and reboots the MACHINE when not fed. As on the WiPy it can't be stopped: closing the board does
not disarm it (no magic close), so a program that stops feeding it reboots the machine.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import struct
import threading
from typing import Callable

from ...hal import Cancellable, Clock
from ._errors import host_error

__all__ = ["KernelWatchdog", "ProcessWatchdog"]

_WDIOC_SETTIMEOUT = 0xC0045706
_WDIOC_KEEPALIVE = 0x80045705


class ProcessWatchdog:
    """``hal.Watchdog`` as an alarm on ``clock``."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._timeout_ns = 0
        self._on_expire: Callable[[], None] | None = None
        self._alarm: Cancellable | None = None
        self._closed = False

    @property
    def armed(self) -> bool:
        """Whether the watchdog is counting down."""
        return self._alarm is not None

    def start(self, timeout_ms: int, on_expire: Callable[[], None]) -> None:
        """Arm: ``on_expire()`` runs unless ``feed()`` comes within ``timeout_ms``."""
        with self._lock:
            self._timeout_ns = int(timeout_ms) * 1_000_000
            self._on_expire = on_expire
            self._schedule()

    def feed(self) -> None:
        """Restart the countdown."""
        with self._lock:
            if self._on_expire is not None:
                self._schedule()

    def close(self) -> None:
        """Stop counting (the board is going away)."""
        with self._lock:
            self._closed = True
            alarm, self._alarm = self._alarm, None
            self._on_expire = None
        if alarm is not None:
            alarm.cancel()

    def _schedule(self) -> None:
        if self._alarm is not None:
            self._alarm.cancel()
        if self._closed:
            return
        self._alarm = self._clock.call_at_ns(self._clock.now_ns() + self._timeout_ns, self._fire)

    def _fire(self) -> None:
        with self._lock:
            self._alarm = None
            callback = self._on_expire
        if callback is not None:
            callback()


class KernelWatchdog:
    """``hal.Watchdog`` on a kernel watchdog device: expiry reboots the machine."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._fd = -1

    def start(self, timeout_ms: int, on_expire: Callable[[], None]) -> None:
        """Open the device (this arms it) and set the timeout, rounded up to whole seconds."""
        if self._fd < 0:
            try:
                self._fd = os.open(self.path, os.O_WRONLY | os.O_CLOEXEC)
            except OSError as exc:
                raise host_error(
                    exc.errno or errno.EIO,
                    f"can't open the watchdog {self.path}: {exc.strerror} (it needs root, or "
                    "[linux] watchdog removed from the board file for the in-process watchdog)",
                ) from None
        seconds = max(1, -(-int(timeout_ms) // 1000))
        with contextlib.suppress(OSError):  # a device with a fixed timeout keeps it
            fcntl.ioctl(self._fd, _WDIOC_SETTIMEOUT, struct.pack("i", seconds))
        self.feed()

    def feed(self) -> None:
        """Restart the device's countdown."""
        if self._fd >= 0:
            fcntl.ioctl(self._fd, _WDIOC_KEEPALIVE, struct.pack("i", 0))

    def close(self) -> None:
        """Close the device WITHOUT disarming it (see the module docstring)."""
        fd, self._fd = self._fd, -1
        if fd >= 0:
            os.close(fd)
