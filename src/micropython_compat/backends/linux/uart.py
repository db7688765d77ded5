"""UARTs through tty devices with pyserial.

The port's device path comes from the board file (``[linux] uart = { "0" = "/dev/serial0" }``).
It is opened exclusively (another program holding it gives ``OSError(EBUSY)``).

One reader thread per open port moves received bytes from the tty into the port's buffer,
wakes readers, keeps ``fileno()`` (a pipe) readable while bytes wait, and calls the RX callback.
``read(n, timeout_s)`` takes waiting bytes or waits up to the timeout for the first one.
"""

from __future__ import annotations

import errno
import os
import select
import threading
import time
from typing import Any, Callable

from ...hal import ReceiveCallback
from ...readiness import ReadinessPipe
from ._errors import host_error, reraise_open_error

__all__ = ["LinuxUART", "PortOpener"]

#: Opens a tty by device path; returns an object with serial.Serial's attributes and methods.
PortOpener = Callable[[str], Any]

_BUFFER_MAX = 65536
_CHUNK = 4096


def _serial_open(path: str) -> Any:
    import serial

    return serial.Serial(path, timeout=0, exclusive=True)


class LinuxUART:
    """A tty as a UART (``hal.UARTPort``). ``opener`` opens it (pyserial by default)."""

    def __init__(self, path: str, *, opener: PortOpener | None = None) -> None:
        self.path = path
        open_port: PortOpener = opener if opener is not None else _serial_open
        try:
            self._port: Any = open_port(path)
        except OSError as exc:
            if "exclusively lock" in str(exc):
                raise host_error(errno.EBUSY, f"{path} is in use by another program") from None
            raise reraise_open_error(exc, path, "uart") from None
        self._fd = int(self._port.fileno())
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._rx = bytearray()
        self._callback: ReceiveCallback | None = None
        self._pipe = ReadinessPipe()
        self._closed = False
        self._baudrate = 9600
        self._wake_r, self._wake_w = os.pipe()
        self._thread = threading.Thread(
            target=self._run, name=f"micropython-compat uart {path}", daemon=True
        )
        self._thread.start()

    # -- hal.UARTPort ------------------------------------------------------------------------
    def configure(self, baudrate: int, bits: int, parity: int | None, stop: int) -> None:
        """Apply the line settings. ``ValueError`` for settings the tty refuses."""
        if baudrate <= 0 or bits not in (5, 6, 7, 8) or parity not in (None, 0, 1):
            raise ValueError("bad UART settings")
        settings = {
            "baudrate": int(baudrate),
            "bytesize": int(bits),
            "parity": {None: "N", 0: "E", 1: "O"}[parity],
            "stopbits": 1 if stop == 1 else 2,
        }
        with self._lock:
            self._alive()
            try:
                self._port.apply_settings(settings)
            except (OSError, ValueError) as exc:
                raise ValueError(f"{self.path} refused {settings}: {exc}") from None
            self._baudrate = int(baudrate)

    def read(self, n: int, timeout_s: float) -> bytes:
        """Up to ``n`` waiting bytes; if none wait, wait up to ``timeout_s`` for some."""
        if n <= 0:
            return b""
        deadline = time.monotonic() + max(0.0, timeout_s)
        with self._cond:
            while not self._rx and not self._closed:
                left = deadline - time.monotonic()
                if left <= 0:
                    return b""
                self._cond.wait(left)
            data = bytes(self._rx[:n])
            del self._rx[:n]
            self._pipe.set(bool(self._rx))
            return data

    def write(self, data: bytes) -> int:
        """Send ``data``; returns the count. ``OSError`` naming the port on a tty error."""
        self._alive()
        try:
            return int(self._port.write(bytes(data)) or 0)
        except OSError as exc:
            raise host_error(
                exc.errno or errno.EIO, f"write to {self.path} failed: {exc}"
            ) from None

    def waiting(self) -> int:
        """Bytes received and not yet read."""
        with self._lock:
            return len(self._rx)

    def send_break(self) -> None:
        """Hold TX low for a break (at least 13 bit times; the tty decides how long)."""
        self._alive()
        duration = max(13 / self._baudrate, 0.001)
        try:
            self._port.send_break(duration)
        except OSError as exc:
            raise host_error(
                exc.errno or errno.EIO, f"break on {self.path} failed: {exc}"
            ) from None

    def fileno(self) -> int:
        """A pipe's read end, readable while bytes wait. ``ValueError`` once closed."""
        with self._lock:
            self._alive()
            return self._pipe.fileno(bool(self._rx))

    def on_receive(self, callback: ReceiveCallback | None) -> None:
        """Call ``callback()`` from the reader thread whenever bytes arrive."""
        with self._lock:
            self._callback = callback

    def close(self) -> None:
        """Stop the reader thread, close the tty and the pipe (idempotent)."""
        with self._cond:
            if self._closed:
                return
            self._closed = True
            self._callback = None
            self._cond.notify_all()
            self._pipe.close()
        os.write(self._wake_w, b"\x01")
        if self._thread is not threading.current_thread():
            self._thread.join(5)
        self._port.close()
        for fd in (self._wake_r, self._wake_w):
            os.close(fd)

    # -- internals ---------------------------------------------------------------------------
    def _alive(self) -> None:
        if self._closed:
            raise ValueError(f"the UART on {self.path} is closed")

    def _run(self) -> None:
        poller = select.poll()
        poller.register(self._fd, select.POLLIN)
        poller.register(self._wake_r, select.POLLIN)
        while not self._closed:
            ready = dict(poller.poll())
            if self._closed:
                return
            if self._fd not in ready:
                continue
            if ready[self._fd] & (select.POLLHUP | select.POLLERR | select.POLLNVAL) and not (
                ready[self._fd] & select.POLLIN
            ):
                time.sleep(0.01)  # a pty whose other end is closed: nothing can arrive yet
                continue
            try:
                data = os.read(self._fd, _CHUNK)
            except BlockingIOError:
                continue
            except OSError:
                time.sleep(0.01)
                continue
            self._received(data)

    def _received(self, data: bytes) -> None:
        if not data:
            return
        with self._cond:
            if self._closed:
                return
            room = max(0, _BUFFER_MAX - len(self._rx))
            self._rx += data[:room]
            self._pipe.set(bool(self._rx))
            self._cond.notify_all()
            callback = self._callback
        if callback is not None:
            callback()
