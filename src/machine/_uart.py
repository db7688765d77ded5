"""``machine.UART``: the WiPy's two serial ports, as MicroPython 1.8.5's cc3200 port has them.

What the firmware does, and so what this class does:

* ``UART(id, baudrate=9600, bits=8, parity=None, stop=1, *, pins=...)`` always initialises the
  port; there is one object per id. Without an id the TX pin (or, when TX is ``None``, the RX
  pin) of ``pins`` picks the UART, else it is 0.
* Reads wait for each character at most a fixed time: two 11-bit frames times eight
  (about 18 ms at 9600 baud) on the board clock. A read that gets nothing returns ``None``.
* ``irq(trigger=UART.RX_ANY, ...)`` calls the handler with the UART when 8 characters have
  arrived, or when 1 to 7 are waiting and the line has been idle for one frame time.
* Errors: bad arguments raise ``ValueError``, a UART the board doesn't have ``OSError(ENODEV)``,
  any use of a de-initialised UART ``OSError(EPERM)``; wrong types raise ``TypeError``.
"""

from __future__ import annotations

import errno
import threading
from typing import Any, Optional

from micropython_compat._buffer import write_slice
from micropython_compat._types import SendBuffer, WritableBuffer
from micropython_compat.board import current_runtime
from micropython_compat.errors import bad_argument, device_error
from micropython_compat.hal import Cancellable, Clock, UARTPort

from ._args import check_handler, check_priority
from ._bushelper import alt_index, pin_name, to_int, writable_buffer
from ._irq import IDLE, Irq
from ._pin import Pin

__all__ = ["UART"]

_MISSING: Any = object()


#: The firmware's timeouts count frames of 11 bits; a read waits 2 frames x 8 per character.
_FIRMWARE_FRAME_BITS = 11
_RX_TIMEOUT_FRAMES = 16
#: What ``read()``/``readall()`` ask the port for at a time (MicroPython's stream chunk).
_READALL_CHUNK = 256
#: The irq fires once this many characters have arrived (the RX FIFO's trigger level).
_RX_IRQ_LEVEL = 8
#: Every trigger bit the firmware accepts (RX_ANY, RX_HALF, RX_FULL, TX_DONE).
_TRIGGER_BITS = 0x0F
#: Pin roles, in the order of the ``pins`` argument.
_ROLES = ("TX", "RX", "RTS", "CTS")


def _pin_list(pins: Any) -> list[Any]:
    """The entries of a ``pins`` tuple or list (``TypeError`` for anything else)."""
    if not isinstance(pins, (tuple, list)):
        raise TypeError("pins must be a tuple or a list")
    return list(pins)


def _unit_of(pin: Any, role: str) -> int:
    """The UART whose ``role`` (``'TX'``/``'RX'``) this pin can carry first; else ValueError."""
    name = pin_name(pin)
    for alt_name, _ in current_runtime().board.description.pins[name].alt:
        prefix, _, suffix = alt_name.partition("_")
        if suffix == role and prefix.startswith("UART") and prefix[4:].isdigit():
            return int(prefix[4:])
    raise bad_argument()


def _choose_id(id: Any, pins: Any) -> int:
    if id is not _MISSING:
        return to_int(id)
    if pins is _MISSING:
        return 0
    entries = _pin_list(pins)
    if len(entries) not in (2, 4):
        raise bad_argument()
    if entries[0] is None:
        return _unit_of(entries[1], "RX")
    return _unit_of(entries[0], "TX")


# A pin assignment: (role index, pin name or None, alternate function index or None).
_Assignment = list[tuple[int, Optional[str], Optional[int]]]


class UART:
    """A serial port: ``UART(1, 9600)``. One object per id; creating it initialises it.

    Raises ``ValueError`` for bad settings or pins, ``OSError(ENODEV)`` for an id the board
    doesn't have and ``TypeError`` for arguments of the wrong type.
    """

    EVEN = 6
    ODD = 2
    RX_ANY = 1

    _id: int
    _baudrate: int
    _bits: int
    _parity: int | None
    _stop: int
    _port: UARTPort | None
    _clock: Clock | None
    _irq: Irq | None
    _idle_alarm: Cancellable | None
    _assigned: dict[int, str]
    _level: int
    _pending: int
    _lock: threading.RLock

    def __new__(
        cls,
        id: Any = _MISSING,
        baudrate: Any = 9600,
        bits: Any = 8,
        parity: Any = None,
        stop: Any = 1,
        *,
        pins: Any = _MISSING,
    ) -> UART:
        runtime = current_runtime()
        uart_id = _choose_id(id, pins)
        if uart_id not in runtime.board.description.bus_ids("uart"):
            raise device_error(errno.ENODEV)
        uarts: dict[int, UART] = runtime.state("machine.UART", dict)
        self = uarts.get(uart_id)
        if self is None:
            self = super().__new__(cls)
            self._id = uart_id
            self._baudrate, self._bits, self._parity, self._stop = 0, 8, None, 1
            self._port = None
            self._clock = None
            self._irq = None
            self._idle_alarm = None
            self._assigned = {}
            self._level = self._pending = 0
            self._lock = threading.RLock()
            uarts[uart_id] = self
            runtime.on_close(self._shutdown)
        return self

    def __init__(
        self,
        id: Any = _MISSING,
        baudrate: Any = 9600,
        bits: Any = 8,
        parity: Any = None,
        stop: Any = 1,
        *,
        pins: Any = _MISSING,
    ) -> None:
        self.init(baudrate, bits, parity, stop, pins=pins)

    def __reduce__(self) -> Any:  # UARTs are singletons of the running board
        raise TypeError("UART objects can't be pickled")

    # -- configuration -----------------------------------------------------------------------
    def init(
        self,
        baudrate: Any = 9600,
        bits: Any = 8,
        parity: Any = None,
        stop: Any = 1,
        *,
        pins: Any = _MISSING,
    ) -> None:
        """(Re)initialise: empties the RX buffer and drops the irq set up with ``irq()``.

        ``bits`` is 5..8, ``parity`` ``None``/``UART.EVEN``/``UART.ODD``, ``stop`` 1 (any
        other number: 2). ``pins`` is ``(TX, RX)`` or ``(TX, RX, RTS, CTS)`` (entries may be
        ``None``; RTS needs RX, CTS needs TX; each pin must have that UART function),
        ``None`` to leave the pins alone, or omitted for the board's default TX/RX pins.
        Raises ``ValueError`` for anything else.
        """
        baud = to_int(baudrate)
        nbits = to_int(bits)
        nstop = to_int(stop)
        if baud <= 0 or nbits not in (5, 6, 7, 8):
            raise bad_argument()
        parity_value: int | None = None
        if parity is not None:
            parity_value = to_int(parity)
            if parity_value not in (UART.EVEN, UART.ODD):
                raise bad_argument()
        assignment = self._plan_pins(pins)
        runtime = current_runtime()
        with self._lock:
            self._stop_rx_irq()
            self._irq = None
            if assignment is not None:
                self._assign_pins(assignment)
            port = self._port
            if port is None:
                port = self._port = runtime.board.uart(self._id)
                self._clock = runtime.board.clock
            port.configure(
                baud, nbits, None if parity_value is None else int(parity_value == UART.ODD), nstop
            )
            port.read(port.waiting(), 0)  # the firmware starts with an empty RX buffer
            self._level = port.waiting()
            self._baudrate, self._bits, self._parity = baud, nbits, parity_value
            self._stop = 1 if nstop == 1 else 2
        port.on_receive(self._on_receive)

    def _plan_pins(self, pins: Any) -> _Assignment | None:
        """Check ``pins`` and work out each pin's alternate function (nothing is changed)."""
        if pins is None:
            return None
        if pins is _MISSING:
            entries: list[Any] = list(
                current_runtime().board.description.default_pins.get(("uart", self._id), ())
            )
        else:
            entries = _pin_list(pins)
            if len(entries) not in (2, 4):
                raise bad_argument()
            if len(entries) == 4 and (
                (entries[2] is not None and entries[1] is None)
                or (entries[3] is not None and entries[0] is None)
            ):
                raise bad_argument()
        plan: _Assignment = []
        for role, entry in enumerate(entries):
            if entry is None:
                plan.append((role, None, None))
                continue
            name = pin_name(entry)
            alt = alt_index(name, f"UART{self._id}_{_ROLES[role]}")
            if alt is None:  # the firmware's pin_find_af_index: the pin can't carry the role
                raise bad_argument()
            plan.append((role, name, alt))
        return plan

    def _assign_pins(self, plan: _Assignment) -> None:
        """Give each role its pin, as the firmware does: the pin that carried the role before
        goes back to a GPIO input. (The firmware
        leaves the pin's mode reading ``Pin.IN`` with the UART's ``alt``; here it reads
        ``Pin.ALT``, the mode ``Pin`` accepts an ``alt`` with.)"""
        for role, name, alt in plan:
            previous = self._assigned.pop(role, None)
            if previous is not None and previous != name:
                pin = Pin._object(previous)
                if pin.mode() in (Pin.ALT, Pin.ALT_OPEN_DRAIN) and pin._alt == alt_index(
                    previous, f"UART{self._id}_{_ROLES[role]}"
                ):
                    pin.init(Pin.IN)
            if name is None or alt is None:
                continue
            Pin(name, mode=Pin.ALT, pull=Pin.PULL_UP, drive=Pin.LOW_POWER, alt=alt)
            self._assigned[role] = name

    def deinit(self) -> None:
        """Turn the UART off; every other method then raises ``OSError(EPERM)``."""
        with self._lock:
            self._baudrate = 0
            self._stop_rx_irq()
            port = self._port
        if port is not None:
            port.on_receive(None)

    def _shutdown(self) -> None:
        """The board is being released: turn off and give the port back."""
        self.deinit()
        with self._lock:
            port, self._port = self._port, None
        if port is not None:
            port.close()

    def _check(self) -> UARTPort:
        port = self._port
        if not self._baudrate or port is None:
            raise device_error(errno.EPERM)
        return port

    # -- timing ------------------------------------------------------------------------------
    @property
    def _timeout_s(self) -> float:
        """The firmware's wait per character: 16 frames of 11 bits, in whole microseconds."""
        frame_us = (_FIRMWARE_FRAME_BITS * 1_000_000) // self._baudrate
        return frame_us * _RX_TIMEOUT_FRAMES / 1e6

    @property
    def _frame_ns(self) -> int:
        """One frame on the line at the current settings."""
        frame_bits = 1 + self._bits + (0 if self._parity is None else 1) + self._stop
        return -(-frame_bits * 1_000_000_000 // self._baudrate)

    # -- reading -----------------------------------------------------------------------------
    def any(self) -> int:
        """How many characters can be read without waiting. ``OSError(EPERM)`` if off."""
        return self._check().waiting()

    def _read_chars(self, n: int) -> bytes | None:
        """The firmware's read: up to ``n`` characters, each waited for at most the timeout;
        ``None`` when the first one doesn't come."""
        port = self._check()
        if n <= 0:
            return b""
        data = bytearray(self._take(port, n))
        if not data:
            return None
        while len(data) < n:
            more = self._take(port, n - len(data))
            if not more:
                break
            data += more
        return bytes(data)

    def _take(self, port: UARTPort, n: int) -> bytes:
        """One port read, waiting up to the timeout, kept in step with the irq's count."""
        with self._lock:
            data = port.read(n, self._timeout_s)
            self._level -= len(data)
            # Characters the program took no longer count towards the irq (on the device they
            # leave the RX FIFO before it reaches its trigger level).
            self._pending = min(self._pending, port.waiting())
            return data

    def read(self, nbytes: int = _MISSING) -> bytes | None:
        """Read at most ``nbytes`` characters (all that come, without it or with -1).

        Returns ``bytes``, or ``None`` if nothing came in time.
        """
        self._check()
        if nbytes is _MISSING:
            return self.readall()
        n = to_int(nbytes)
        if n < 0:
            return self.readall()
        return self._read_chars(n)

    def readall(self) -> bytes | None:
        """Read until the line stays silent for the timeout; ``None`` if nothing came."""
        data = bytearray()
        while True:
            chunk = self._read_chars(_READALL_CHUNK)
            if not chunk:
                break
            data += chunk
        return bytes(data) if data else None

    def readinto(self, buf: WritableBuffer, nbytes: int = _MISSING) -> int | None:
        """Read into ``buf`` (at most ``nbytes``, else ``len(buf)``); return the count, or
        ``None`` if nothing came in time. ``TypeError`` if ``buf`` isn't writable."""
        view = writable_buffer(buf)
        size = len(view)
        if nbytes is not _MISSING:
            wanted = to_int(nbytes)
            if 0 <= wanted < size:
                size = wanted
        data = self._read_chars(size)
        if data is None:
            return None
        view[: len(data)] = data
        return len(data)

    def readline(self, size: int = -1) -> bytes | None:
        """Read up to and including ``\\n`` (or what came before the line went silent, or
        ``size`` characters); ``None`` if nothing came in time."""
        limit = to_int(size)
        self._check()
        line = bytearray()
        while limit < 0 or len(line) < limit:
            char = self._read_chars(1)
            if char is None:
                if not line:
                    return None
                break
            line += char
            if char == b"\n":
                break
        return bytes(line)

    def __iter__(self) -> UART:
        return self

    def __next__(self) -> bytes:
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    # -- writing -----------------------------------------------------------------------------
    def write(self, buf: SendBuffer, *count: int) -> int:
        """Send ``buf`` (``bytes``, any buffer, or a ``str``); ``write(buf, n)`` sends at most
        ``n`` bytes of it, ``write(buf, off, n)`` at most ``n`` from offset ``off``. Returns the
        number of bytes sent."""
        data = write_slice(buf, count)
        port = self._check()
        return port.write(data) if data else 0

    def sendbreak(self) -> None:
        """Drive TX low for a break (two frames)."""
        self._check().send_break()

    def fileno(self) -> int:
        """A descriptor that polls readable while characters wait (for ``select``)."""
        return self._check().fileno()

    # -- interrupts --------------------------------------------------------------------------
    def irq(
        self,
        trigger: Any = RX_ANY,
        priority: Any = 1,
        handler: Any = None,
        wake: Any = None,
    ) -> Irq:
        """Call ``handler(uart)`` when characters arrive; return the ``irq`` object.

        ``trigger`` is ``UART.RX_ANY``, ``priority`` 1..7, ``wake`` ``machine.IDLE``.
        Raises ``ValueError`` for other values, ``TypeError`` for a handler that can't be
        called, ``OSError(EPERM)`` if the UART is off. A new irq replaces the previous one.
        """
        to_int(priority)
        self._check()
        check_priority(priority)
        if wake is not None and to_int(wake) != IDLE:
            raise bad_argument()
        trigger_value = to_int(trigger)
        if not 0 < trigger_value <= _TRIGGER_BITS:
            raise bad_argument()
        check_handler(handler)
        irq = Irq(self, handler, trigger_value, priority, IDLE, self._irq_switched)
        with self._lock:
            self._stop_rx_irq()
            self._irq = irq
        return irq

    def _irq_switched(self, enabled: bool) -> None:
        with self._lock:
            self._stop_rx_irq()

    def _stop_rx_irq(self) -> None:
        """Forget characters counted towards the irq and its idle alarm (lock held)."""
        self._pending = 0
        alarm, self._idle_alarm = self._idle_alarm, None
        if alarm is not None:
            alarm.cancel()

    def _on_receive(self) -> None:
        """The port got characters (any thread): count them towards the irq's two rules."""
        fires = 0
        with self._lock:
            port, clock = self._port, self._clock
            if port is None or not self._baudrate:
                return
            waiting = port.waiting()
            arrived, self._level = waiting - self._level, waiting
            irq = self._irq
            if arrived <= 0 or irq is None or not irq.enabled:
                return
            fires, self._pending = divmod(self._pending + arrived, _RX_IRQ_LEVEL)
            alarm, self._idle_alarm = self._idle_alarm, None
            if alarm is not None:
                alarm.cancel()
            if self._pending and clock is not None:
                self._idle_alarm = clock.call_at_ns(clock.now_ns() + self._frame_ns, self._on_idle)
        for _ in range(fires):
            irq.fire(UART.RX_ANY)

    def _on_idle(self) -> None:
        """The line has been silent for a frame: fire if characters still wait."""
        with self._lock:
            self._idle_alarm = None
            irq, port = self._irq, self._port
            if not self._pending or irq is None or port is None or not self._baudrate:
                return
            self._pending = 0
            if not irq.enabled or port.waiting() == 0:
                return
        irq.fire(UART.RX_ANY)

    # -- printing ----------------------------------------------------------------------------
    def __repr__(self) -> str:
        if not self._baudrate:
            return f"UART({self._id})"
        parity = {None: "None", UART.EVEN: "UART.EVEN", UART.ODD: "UART.ODD"}[self._parity]
        return (
            f"UART({self._id}, baudrate={self._baudrate}, bits={self._bits}, "
            f"parity={parity}, stop={self._stop})"
        )
