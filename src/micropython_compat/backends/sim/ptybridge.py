"""A simulated UART's line to a host pseudo terminal (``SimUART.bridge_pty()``).

What a terminal program (``screen``, pyserial, ``mpremote``) opens is the pty's terminal side,
raw, so bytes pass unchanged. The bridge behaves like a serial line with hardware flow
control, on the real clock:

* **TX** (the program writes): bytes leave at the port's baud rate, one frame of
  ``SimUART.frame_bits`` per character, never faster. ``send()`` blocks while more than
  about 50 ms of line time is queued (room for the host's scheduling), as a device's
  ``write()`` blocks on a full TX FIFO. While a terminal program has the pty open, nothing
  is ever dropped: when it reads slowly and the pty's buffer is full, transmission pauses
  until there is room (and the line resumes at its rate, without a burst). While nobody has
  it open, the bytes go out into the void at the line's pace (as on an unconnected wire) and
  whatever the last reader left unread is flushed, so the next one starts clean.
* **RX** (the terminal types): bytes are read from the pty only while the port's receive
  ring has room, so a fast sender waits instead of losing bytes.

Two threads (RX and TX) per bridge; ``close()`` stops both and closes every descriptor.
"""

from __future__ import annotations

import contextlib
import os
import select
import termios
import threading
import time
import tty
from typing import Protocol

__all__ = ["PtyBridge"]

_POLL_MS = 50  # how often a bridge with no terminal attached looks for one
_AHEAD_NS = 50_000_000  # line time a writer may queue before send() blocks (host jitter)
_MIN_AHEAD = 16  # ... and never less than the cc3200's TX FIFO
_BATCH_NS = 2_000_000  # the TX thread wakes at most about this often while sending
_CHUNK = 4096


class BridgedPort(Protocol):
    """What the bridge needs from the port it serves."""

    port_id: int

    @property
    def char_time_ns(self) -> int: ...

    def _receive(self, data: bytes) -> None: ...

    def _wait_room(self, timeout_s: float) -> int: ...


class PtyBridge:
    """A pseudo terminal wired to ``port``: ``path`` is its terminal side (``/dev/pts/N``).

    Raises ``OSError`` when no pty can be had.
    """

    def __init__(self, port: BridgedPort) -> None:
        self._port = port
        self.master, slave = os.openpty()
        self._wake_r, self._wake_w = os.pipe()
        try:
            tty.setraw(slave)
            os.set_blocking(self.master, False)
            self.path = os.ttyname(slave)
        except OSError:
            os.close(slave)
            self._close_fds()
            raise
        # Only terminal programs hold the terminal side open: its hang-up says none is there.
        os.close(slave)
        self._stopping = threading.Event()
        self._tx = bytearray()
        self._tx_cond = threading.Condition()
        self._line_lock = threading.Lock()  # one of: TX writes to the pty, RX flushes it
        self._attached = False
        self._threads = [
            threading.Thread(
                target=loop, name=f"micropython-compat UART{port.port_id} pty {name}", daemon=True
            )
            for loop, name in ((self._receive_loop, "RX"), (self._transmit_loop, "TX"))
        ]
        for thread in self._threads:
            thread.start()

    # -- the program's side ------------------------------------------------------------------
    def send(self, data: bytes) -> None:
        """Queue ``data`` for the line; block while more than ~50 ms of line time waits."""
        ahead = max(_MIN_AHEAD, _AHEAD_NS // max(1, self._port.char_time_ns))
        with self._tx_cond:
            if self._stopping.is_set():
                return
            self._tx += data
            self._tx_cond.notify_all()
            while len(self._tx) > ahead and not self._stopping.is_set():
                self._tx_cond.wait()

    @property
    def pending(self) -> int:
        """How many bytes wait to go out on the line."""
        with self._tx_cond:
            return len(self._tx)

    def close(self) -> None:
        """Stop both threads and close the pty. Idempotent."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        with self._tx_cond:
            self._tx.clear()
            self._tx_cond.notify_all()
        with contextlib.suppress(OSError):
            os.write(self._wake_w, b"x")
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join()
        self._close_fds()

    # -- attachment --------------------------------------------------------------------------
    def _hung_up(self) -> bool:
        """Whether no terminal program has the terminal side open."""
        poller = select.poll()
        poller.register(self.master, select.POLLIN)
        events = poller.poll(0)
        return bool(events and events[0][1] & select.POLLHUP and not events[0][1] & select.POLLIN)

    def _detach(self) -> None:
        """The last terminal program closed the pty: forget what it left unread, so the next
        one starts clean. The caller holds ``_line_lock``."""
        if not self._attached:
            return
        self._attached = False
        with contextlib.suppress(OSError):
            fd = os.open(self.path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
            try:
                termios.tcflush(fd, termios.TCIFLUSH)
            finally:
                os.close(fd)

    # -- RX ----------------------------------------------------------------------------------
    def _receive_loop(self) -> None:
        poller = select.poll()
        poller.register(self.master, select.POLLIN)
        poller.register(self._wake_r, select.POLLIN)
        while not self._stopping.is_set():
            room = self._port._wait_room(_POLL_MS / 1000)
            if room <= 0:
                continue
            try:
                events = dict(poller.poll(None if self._attached else _POLL_MS))
            except OSError:
                return
            if self._wake_r in events:
                return
            revents = events.get(self.master, 0)
            if revents & select.POLLIN:
                self._attached = True
                try:
                    data = os.read(self.master, min(room, _CHUNK))
                except BlockingIOError:
                    continue
                except OSError:
                    data = b""
                if data:
                    self._port._receive(data)
                    continue
            if revents & (select.POLLHUP | select.POLLERR) or not revents:
                if self._hung_up():
                    with self._line_lock:
                        self._detach()
                    # Nobody there: look again soon (the pty polls as hung up until then).
                    if self._stopping.wait(_POLL_MS / 1000):
                        return
                else:
                    self._attached = True

    # -- TX ----------------------------------------------------------------------------------
    def _transmit_loop(self) -> None:
        line_free = time.monotonic_ns()  # when the last frame sent is complete on the line
        idle = True
        while True:
            with self._tx_cond:
                while not self._tx and not self._stopping.is_set():
                    idle = True
                    self._tx_cond.wait()
                if self._stopping.is_set():
                    return
                pending = len(self._tx)
            char_ns = max(1, self._port.char_time_ns)
            now = time.monotonic_ns()
            if idle:  # the line was idle: the next frame starts now
                line_free = max(line_free, now)
                idle = False
            due = (now - line_free) // char_ns
            if due <= 0:
                batch = min(pending, max(1, _BATCH_NS // char_ns))
                if self._stopping.wait((line_free + batch * char_ns - now) / 1e9):
                    return
                continue
            with self._tx_cond:
                chunk = bytes(self._tx[: min(due, pending, _CHUNK)])
            paused = self._write(chunk)
            line_free += len(chunk) * char_ns
            if paused:  # flow control held the line: it resumes at its rate, not in a burst
                line_free = max(line_free, time.monotonic_ns())
            with self._tx_cond:
                del self._tx[: len(chunk)]
                self._tx_cond.notify_all()

    def _write(self, chunk: bytes) -> bool:
        """Put ``chunk`` on the pty (or nowhere, with no terminal attached); true if it had to
        wait for the terminal program to read."""
        poller = select.poll()
        poller.register(self.master, select.POLLOUT)
        view = memoryview(chunk)
        paused = False
        with self._line_lock:
            while view and not self._stopping.is_set():
                if self._hung_up():
                    self._detach()
                    return paused  # an unconnected line: the frames go nowhere
                try:
                    view = view[os.write(self.master, view) :]
                    self._attached = True
                    continue
                except BlockingIOError:
                    pass
                except OSError:
                    return paused
                paused = True
                poller.poll(_POLL_MS)
        return paused

    def _close_fds(self) -> None:
        for fd in (self.master, self._wake_r, self._wake_w):
            with contextlib.suppress(OSError):
                os.close(fd)
