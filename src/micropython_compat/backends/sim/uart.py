"""Simulated UARTs (``hal.UARTPort``), with what a test bench needs around them.

A ``SimUART`` is one of the board's serial ports. The program drives it through the front end
(``machine.UART``); a test drives the other end of the line:

* ``feed(b'...')`` puts bytes on the RX line, at once or ``paced=True`` at the configured baud
  rate on the board clock (one character per frame time);
* ``sent()`` / ``take_sent()`` return what the program wrote; ``breaks`` records ``sendbreak()``;
* ``loopback()`` wires TX to the port's own RX; ``connect(other)`` crosses two ports,
  whatever pins they use;
* on a board, what is written also follows the pins and wires the program configured: it
  reaches every UART whose RX function a pin carries on a net with the pin carrying this
  port's TX function (``backends/sim/signals.py``); a port without a TX pin sends nowhere;
* ``bridge_pty()`` opens a pseudo terminal whose other side a terminal program (``screen``,
  pyserial) can open: what the program writes comes out there at the baud rate, what is typed
  there arrives on RX; no byte is lost either way (see ``ptybridge``).

The RX side keeps what the WiPy's firmware keeps: a ring of ``rx_buffer_size`` (255) bytes.
Bytes fed or sent by a peer when it is full are dropped and counted in ``dropped``; a pty
bridge waits for room instead.

``fileno()`` is the read end of a pipe that polls readable exactly while received bytes are
waiting, so ``select``/``poll`` can wait on the port.
"""

from __future__ import annotations

import threading
from typing import Callable, Union

from ...clocks import VirtualClock
from ...hal import Cancellable, Clock, ReceiveCallback
from ...readiness import ReadinessPipe
from .ptybridge import PtyBridge

__all__ = ["RX_BUFFER_SIZE", "SimUART"]

#: The WiPy's RX ring has 256 slots and holds at most 255 bytes.
RX_BUFFER_SIZE = 255

#: The cc3200 firmware times a break as two frames of 11 bits.
_BREAK_BITS = 22

BytesLike = Union[bytes, bytearray, memoryview, str]


def _as_bytes(data: BytesLike) -> bytes:
    if isinstance(data, str):
        return data.encode("utf-8")
    return bytes(data)


class SimUART:
    """One simulated serial port. Implements ``hal.UARTPort``.

    The line settings the program configured are readable as ``baudrate``, ``bits``,
    ``parity`` (``None``, 0 even, 1 odd) and ``stop``.
    """

    def __init__(
        self,
        port_id: int,
        clock: Clock,
        rx_buffer_size: int = RX_BUFFER_SIZE,
        *,
        route: Callable[[int], list[SimUART]] | None = None,
    ) -> None:
        self.port_id = port_id
        self._route = route
        self.clock = clock
        self.rx_buffer_size = rx_buffer_size
        self.baudrate = 9600
        self.bits = 8
        self.parity: int | None = None
        self.stop = 1
        self.configured = False
        self.dropped = 0
        self.breaks: list[int] = []
        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._rx = bytearray()
        self._sent = bytearray()
        self._peer: SimUART | None = None
        self._callback: ReceiveCallback | None = None
        self._paced = bytearray()
        self._pace_alarm: Cancellable | None = None
        self._pace_next = 0
        self._pipe = ReadinessPipe()
        self._bridges: list[PtyBridge] = []
        self._closed = False

    # -- timing ------------------------------------------------------------------------------
    @property
    def frame_bits(self) -> int:
        """Bits on the line per character: start, data, parity and stop bits."""
        return 1 + self.bits + (0 if self.parity is None else 1) + self.stop

    @property
    def char_time_ns(self) -> int:
        """How long one character takes on the line at the configured settings."""
        return -(-self.frame_bits * 1_000_000_000 // self.baudrate)

    # -- hal.UARTPort ------------------------------------------------------------------------
    def configure(self, baudrate: int, bits: int, parity: int | None, stop: int) -> None:
        """Take the line settings (they set the pace of ``feed(..., paced=True)`` and of a pty
        bridge's line)."""
        if baudrate <= 0 or bits not in (5, 6, 7, 8) or parity not in (None, 0, 1):
            raise ValueError("bad UART settings")
        with self._lock:
            self.baudrate, self.bits, self.parity = baudrate, bits, parity
            self.stop = 1 if stop == 1 else 2
            self.configured = True

    def read(self, n: int, timeout_s: float) -> bytes:
        """Return up to ``n`` waiting bytes; if none are waiting, wait up to ``timeout_s`` on
        the board clock for some (a virtual clock is moved on, alarm by alarm). ``b''`` when
        nothing came."""
        if n <= 0:
            return b""
        deadline = self.clock.now_ns() + max(0, round(timeout_s * 1e9))
        while True:
            with self._lock:
                if self._rx:
                    data = bytes(self._rx[:n])
                    del self._rx[:n]
                    self._pipe.set(bool(self._rx))
                    self._cond.notify_all()  # a pty bridge waits for room
                    return data
                now = self.clock.now_ns()
                if self._closed or now >= deadline:
                    return b""
                if not self.clock.virtual:
                    self._cond.wait((deadline - now) / 1e9)
                    continue
            self._advance_virtual(deadline)

    def _advance_virtual(self, deadline: int) -> None:
        """Move a virtual clock to its next alarm (something may arrive then) or ``deadline``."""
        clock = self.clock
        if isinstance(clock, VirtualClock):
            upcoming = clock.next_deadline_ns()
            target = deadline if upcoming is None else min(upcoming, deadline)
            clock.advance_to_ns(max(target, clock.now_ns()))
        else:
            clock.sleep_until_ns(deadline)

    def write(self, data: bytes) -> int:
        """Send ``data``: it is recorded, and delivered to the ports it reaches (a connected
        port, and those the pins and wires lead to) at once, and to pty bridges at the baud
        rate (this blocks while a bridge's line is busy, as a full TX FIFO does)."""
        data = bytes(data)
        with self._lock:
            self._sent += data
            bridges = list(self._bridges)
        for receiver in self._receivers():
            receiver._receive(data)
        for bridge in bridges:
            bridge.send(data)
        return len(data)

    def _receivers(self) -> list[SimUART]:
        """The ports this one's TX reaches now, each once: its peer, then the wired ones."""
        with self._lock:
            peer = self._peer
        found = [] if peer is None else [peer]
        if self._route is not None:
            found += [port for port in self._route(self.port_id) if port not in found]
        return found

    def waiting(self) -> int:
        """How many received bytes wait to be read."""
        with self._lock:
            return len(self._rx)

    def send_break(self) -> None:
        """Hold TX low for two frames on the board clock; each port it reaches receives a NUL
        (as a UART reads a break). The time is recorded in ``breaks``."""
        start = self.clock.now_ns()
        with self._lock:
            self.breaks.append(start)
        self.clock.sleep_until_ns(start + -(-_BREAK_BITS * 1_000_000_000 // self.baudrate))
        for receiver in self._receivers():
            receiver._receive(b"\x00")

    def fileno(self) -> int:
        """The read end of a pipe that polls readable while bytes are waiting.

        Raises ``ValueError`` once the port is closed.
        """
        with self._lock:
            if self._closed:
                raise ValueError("the UART port is closed")
            return self._pipe.fileno(bool(self._rx))

    def on_receive(self, callback: ReceiveCallback | None) -> None:
        """Call ``callback()`` (on the thread that delivered them) whenever bytes arrive."""
        with self._lock:
            self._callback = callback

    def close(self) -> None:
        """The program lets go of the port (``hal.UARTPort.close``, e.g. at a reset): its
        callback and the bytes it didn't read are dropped. The port stays usable, and what
        the bench wired to it (loopback, peer, pty bridges) stays in place."""
        with self._lock:
            self._callback = None
            self._rx.clear()
            self._pipe.set(False)
            self._cond.notify_all()

    def shutdown(self) -> None:
        """The board goes away: stop pacing and every pty bridge, close the pipe, forget
        received bytes. Idempotent."""
        with self._lock:
            self._closed = True
            self._callback = None
            self._rx.clear()
            self._paced.clear()
            if self._pace_alarm is not None:
                self._pace_alarm.cancel()
                self._pace_alarm = None
            bridges, self._bridges = self._bridges, []
            self._pipe.close()
            self._cond.notify_all()
        for bridge in bridges:
            bridge.close()

    # -- the receiving side ------------------------------------------------------------------
    def _receive(self, data: bytes) -> None:
        """Bytes arrive on RX: keep what fits, wake readers and pollers, tell the front end."""
        if not data:
            return
        with self._lock:
            if self._closed:
                return
            room = max(0, self.rx_buffer_size - len(self._rx))
            self._rx += data[:room]
            self.dropped += max(0, len(data) - room)
            self._pipe.set(bool(self._rx))
            self._cond.notify_all()
            callback = self._callback
        if callback is not None:
            callback()

    def _wait_room(self, timeout_s: float) -> int:
        """How many bytes the RX ring has room for, waiting up to ``timeout_s`` (real time)
        while it is full; 0 when still full or closed."""
        with self._lock:
            if not self._closed and len(self._rx) >= self.rx_buffer_size:
                self._cond.wait(timeout_s)
            if self._closed:
                return 0
            return max(0, self.rx_buffer_size - len(self._rx))

    # -- what tests use ----------------------------------------------------------------------
    def feed(self, data: BytesLike, *, paced: bool = False) -> None:
        """Put ``data`` on the RX line (a ``str`` is sent as UTF-8).

        At once by default; with ``paced=True`` one character per frame time at the configured
        baud rate, on the board clock, after any paced bytes still on their way.
        """
        raw = _as_bytes(data)
        if not paced:
            self._receive(raw)
            return
        with self._lock:
            if self._closed or not raw:
                return
            self._paced += raw
            if self._pace_alarm is None:
                self._pace_next = self.clock.now_ns() + self.char_time_ns
                self._pace_alarm = self.clock.call_at_ns(self._pace_next, self._pace_tick)

    def _pace_tick(self) -> None:
        with self._lock:
            if self._closed or not self._paced:
                self._pace_alarm = None
                return
            byte = bytes(self._paced[:1])
            del self._paced[:1]
            # The next character is scheduled before this one is delivered, so at equal times
            # it comes first: the line was not idle for a frame.
            if self._paced:
                self._pace_next += self.char_time_ns
                self._pace_alarm = self.clock.call_at_ns(self._pace_next, self._pace_tick)
            else:
                self._pace_alarm = None
        self._receive(byte)

    @property
    def paced_pending(self) -> int:
        """How many paced bytes are still on their way."""
        with self._lock:
            return len(self._paced)

    @property
    def tx_pending(self) -> int:
        """How many written bytes are still on their way out through pty bridges."""
        with self._lock:
            bridges = list(self._bridges)
        return sum(bridge.pending for bridge in bridges)

    def sent(self) -> bytes:
        """Everything the program has written so far."""
        with self._lock:
            return bytes(self._sent)

    def take_sent(self) -> bytes:
        """What the program has written since the last ``take_sent()``, and forget it."""
        with self._lock:
            data = bytes(self._sent)
            self._sent.clear()
            return data

    def loopback(self) -> None:
        """Wire TX to this port's own RX."""
        with self._lock:
            self._peer = self

    def connect(self, other: SimUART) -> None:
        """Cross-connect with ``other``: each one's TX feeds the other's RX."""
        with self._lock:
            self._peer = other
        with other._lock:
            other._peer = self

    def disconnect(self) -> None:
        """Undo ``loopback()``/``connect()`` (both ends)."""
        with self._lock:
            peer, self._peer = self._peer, None
        if peer is not None and peer is not self:
            with peer._lock:
                if peer._peer is self:
                    peer._peer = None

    def bridge_pty(self) -> str:
        """Open a pseudo terminal wired to this port and return its path (``/dev/pts/N``).

        The terminal is raw: bytes pass unchanged both ways, paced at the baud rate towards
        the terminal, with flow control both ways while a terminal program has it open
        (``ptybridge``). The bridge lasts until the board goes away (``shutdown()``).
        """
        with self._lock:
            if self._closed:
                raise ValueError("the UART port is closed")
            bridge = PtyBridge(self)
            self._bridges.append(bridge)
        return bridge.path

    def __repr__(self) -> str:
        return (
            f"<SimUART {self.port_id} baudrate={self.baudrate} bits={self.bits} "
            f"parity={self.parity} stop={self.stop} waiting={len(self._rx)}>"
        )
