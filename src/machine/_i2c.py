"""``machine.I2C``: the WiPy's I2C master (the cc3200 port of MicroPython 1.8.5).

What the WiPy does, and this class with it:

* one object per bus, and creating it always (re)initialises the bus (``I2C()`` is bus 0,
  master, 100 kHz, default pins): ``I2C(0) is I2C(0)``;
* ``baudrate`` is clamped to 50000..400000 (no error), and the repr shows the clamped value;
* ``readfrom_into``, ``writeto``, ``readfrom_mem_into`` and ``writeto_mem`` return byte counts;
* a buffer to send may be an int (one byte), a ``str`` (its UTF-8), bytes, bytearray or array;
  ``nbytes``/``buf`` to receive into may be an int (a fresh buffer) or a writable buffer;
* the 7-bit address is not range-checked: the hardware keeps its low 7 bits, and so does this
  class (``0xA0`` addresses ``0x20``);
* ``scan()`` probes addresses 1..127 with a one-byte read, as the WiPy does;
* there are no primitive operations (``start``/``stop``/``readinto``/``write`` are ESP8266 only):
  using them raises ``AttributeError``, as on the WiPy.

Deliberate differences from the 1.8.5 firmware (its bugs, fixed here):

* memory addresses of ``addrsize=16`` (or 24, 32) go out most significant byte first, as
  24Cxx EEPROMs and every other 16-bit-addressed part expect; the 1.8.5 driver sent the bytes
  of a little-endian integer (LSB first);
* a NACK while ``readfrom_mem``/``readfrom_mem_into`` send the memory address raises
  ``OSError(EIO)``; 1.8.5 ignored it and returned zeros (MicroPython issue #2984);
* errors carry errnos (``OSError(5)`` for a NACK, 19 for a bus id the board lacks, 1 after
  ``deinit``) rather than 1.8.5's message strings, as later firmware does;
* a zero-length write is sent as an address probe (the firmware's loop underflowed).
"""

from __future__ import annotations

import errno
from typing import Any

from micropython_compat._types import SendBuffer, WritableBuffer
from micropython_compat.board import current_runtime
from micropython_compat.errors import bad_argument, device_error
from micropython_compat.hal import I2CBus, I2CRead, I2CWrite

from ._bushelper import DEFAULT_PINS, assign_pins, buffer_to_fill, bytes_to_send, to_int
from ._pin import PinId

__all__ = ["I2C"]

_MIN_BAUDRATE = 50_000
_MAX_BAUDRATE = 400_000


class I2C:
    """An I2C bus: ``I2C(bus=0, mode=I2C.MASTER, *, baudrate=100000, pins=(SDA, SCL))``.

    Raises ``OSError(ENODEV)`` for a bus the board doesn't have, ``ValueError`` for a bad mode
    or pins, ``TypeError`` for a non-int id, mode or baudrate.
    """

    MASTER = 0

    _id: int
    _bus: I2CBus | None
    _baudrate: int

    def __new__(cls, bus: Any = 0, *args: Any, id: Any = None, **kwargs: Any) -> I2C:
        bus_id = to_int(bus if id is None else id)
        runtime = current_runtime()
        if bus_id not in runtime.board.description.bus_ids("i2c"):
            raise device_error(errno.ENODEV)
        objects: dict[int, I2C] = runtime.state("machine.I2C", dict)
        self = objects.get(bus_id)
        if self is None:
            self = super().__new__(cls)
            self._id, self._bus, self._baudrate = bus_id, None, 0
            objects[bus_id] = self
            runtime.on_close(self.deinit)
        return self

    def __init__(
        self,
        bus: int = 0,
        mode: int = MASTER,
        *,
        baudrate: int = 100_000,
        pins: tuple[PinId, PinId] | None = DEFAULT_PINS,
        id: int | None = None,
    ) -> None:
        self.init(mode, baudrate=baudrate, pins=pins)

    # -- configuration -----------------------------------------------------------------------
    def init(
        self,
        mode: int = MASTER,
        *,
        baudrate: int = 100_000,
        pins: tuple[PinId, PinId] | None = DEFAULT_PINS,
    ) -> None:
        """(Re)initialise the bus as a master at ``baudrate`` (clamped to 50000..400000).

        ``pins`` is ``(SDA, SCL)`` as names or ``Pin`` objects (the board's defaults when
        omitted, untouched when ``None``); they are put in their I2C alternate function with
        the pull-up on. Raises ``ValueError`` for a mode other than ``I2C.MASTER`` or pins that
        aren't two pins with the I2C function, ``TypeError`` for a non-int mode or baudrate.
        """
        if to_int(mode) != I2C.MASTER:
            raise bad_argument()
        rate = min(max(to_int(baudrate), _MIN_BAUDRATE), _MAX_BAUDRATE)
        assign_pins("i2c", self._id, pins, ("SDA", "SCL"))
        runtime = current_runtime()
        if self._bus is None:
            self._bus = runtime.board.i2c(self._id)
        self._bus.configure(rate)
        self._baudrate = rate

    def deinit(self) -> None:
        """Turn the bus off; operations then raise ``OSError(EPERM)`` until ``init()``."""
        bus, self._bus = self._bus, None
        self._baudrate = 0
        if bus is not None:
            bus.close()

    def _ready(self) -> I2CBus:
        if self._bus is None:
            raise device_error(errno.EPERM)
        return self._bus

    def __repr__(self) -> str:
        if self._bus is None:
            return f"I2C({self._id})"
        return f"I2C({self._id}, I2C.MASTER, baudrate={self._baudrate})"

    # -- bus operations ----------------------------------------------------------------------
    def scan(self) -> list[int]:
        """Return the addresses (1..127) that acknowledge a one-byte read, in order.
        Raises ``OSError(EPERM)`` after ``deinit()``."""
        bus = self._ready()
        found = []
        for addr in range(1, 128):
            try:
                bus.transfer(addr, [I2CRead(bytearray(1))])
            except OSError:
                continue
            found.append(addr)
        return found

    def readfrom(self, addr: int, nbytes: int) -> bytes:
        """Read ``nbytes`` (or ``len(nbytes)`` into a writable buffer) from ``addr``; return
        them as ``bytes``. Raises ``OSError(EIO)`` if the device doesn't acknowledge."""
        bus = self._ready()
        target, buf = _address(addr), buffer_to_fill(nbytes)
        bus.transfer(target, [I2CRead(buf)])
        return buf.tobytes()

    def readfrom_into(self, addr: int, buf: WritableBuffer) -> int:
        """Read ``len(buf)`` bytes from ``addr`` into ``buf``; return the count.
        Raises ``OSError(EIO)`` if the device doesn't acknowledge."""
        bus = self._ready()
        target, view = _address(addr), buffer_to_fill(buf)
        bus.transfer(target, [I2CRead(view)])
        return len(view)

    def writeto(self, addr: int, buf: SendBuffer, *, stop: bool = True) -> int:
        """Write ``buf`` to ``addr``; return the number of bytes written. With ``stop=False``
        the bus is held and the next transfer starts with a repeated start.
        Raises ``OSError(EIO)`` on a NACK (address or data)."""
        target, data = _address(addr), bytes_to_send(buf)
        self._ready().transfer(target, [I2CWrite(data)], stop=bool(stop))
        return len(data)

    def readfrom_mem(self, addr: int, memaddr: int, nbytes: int, *, addrsize: int = 8) -> bytes:
        """Read ``nbytes`` from memory address ``memaddr`` (``addrsize`` bits, MSB first) of
        device ``addr``: a write of the address, a repeated start, the read.
        Raises ``OSError(EIO)`` on a NACK, ``ValueError`` for an addrsize other than 8/16/24/32.
        """
        bus = self._ready()
        target, header = _address(addr), _memory_address(memaddr, addrsize)
        buf = buffer_to_fill(nbytes)
        bus.transfer(target, [I2CWrite(header), I2CRead(buf)])
        return buf.tobytes()

    def readfrom_mem_into(
        self, addr: int, memaddr: int, buf: WritableBuffer, *, addrsize: int = 8
    ) -> int:
        """As ``readfrom_mem`` but into ``buf``; return ``len(buf)``."""
        bus = self._ready()
        target, header = _address(addr), _memory_address(memaddr, addrsize)
        view = buffer_to_fill(buf)
        bus.transfer(target, [I2CWrite(header), I2CRead(view)])
        return len(view)

    def writeto_mem(self, addr: int, memaddr: int, buf: SendBuffer, *, addrsize: int = 8) -> int:
        """Write ``buf`` to memory address ``memaddr`` of ``addr`` (the address bytes, MSB
        first, then the data, in one write); return ``len(buf)`` in bytes.
        Raises ``OSError(EIO)`` on a NACK, ``ValueError`` for a bad addrsize."""
        target, header = _address(addr), _memory_address(memaddr, addrsize)
        data = bytes_to_send(buf)
        self._ready().transfer(target, [I2CWrite(header + data)])
        return len(data)


def _address(addr: Any) -> int:
    # The cc3200 shifts the address into an 8-bit register: only the low 7 bits count.
    return to_int(addr) & 0x7F


def _memory_address(memaddr: Any, addrsize: Any) -> bytes:
    size = to_int(addrsize)
    if size not in (8, 16, 24, 32):
        raise bad_argument()
    # Most significant byte first (the 1.8.5 cc3200 driver sent LSB first: a bug; every
    # 16-bit-addressed part, 24Cxx EEPROMs included, expects MSB first).
    return (to_int(memaddr) & ((1 << size) - 1)).to_bytes(size // 8, "big")
