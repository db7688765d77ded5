"""``machine.SPI``: the WiPy's SPI master (the cc3200 port of MicroPython 1.8.5).

What the WiPy does, and this class with it:

* one object per bus, and creating it always (re)initialises the bus (``SPI()`` is bus 0,
  master, 1 MHz, mode 0, 8-bit words, default pins);
* ``baudrate`` is kept as requested (the repr shows it; the achieved clock isn't reported);
* ``write``, ``readinto`` and ``write_readinto`` return byte counts, ``read`` returns bytes;
* buffers to send may be an int (one word), a ``str``, bytes, bytearray or array; ``read``'s
  ``nbytes`` and ``readinto``'s ``buf`` may be an int or a writable buffer;
* every setting after ``id`` and ``mode`` is keyword-only, and so is ``write=`` (the word
  clocked out while reading): ``SPI(0, SPI.MASTER, 1000000)`` and ``spi.read(1, 0xff)`` raise
  ``TypeError("argument num/types mismatch")``, as the firmware's argument parser does.

Words of 16 and 32 bits: the buffer holds native little-endian words, as on the WiPy's
Cortex-M4 (and Linux spidev), and each word goes out most significant bit first. So with
``bits=16``, ``write(b'\\x34\\x12')`` puts ``0x12, 0x34`` on the wire. Lengths count bytes;
a length that isn't a whole number of words is sent as whole words (the last one padded with
zero bytes, the extra received bytes dropped), where the firmware ran past the buffer.

Differences from the 1.8.5 firmware: a baudrate <= 0 raises
``ValueError`` (the firmware took 0 as "not initialised"); errors carry errnos (19 for a bus
the board lacks, 1 after ``deinit``) rather than 1.8.5's message strings.
"""

from __future__ import annotations

import errno
from typing import Any

from micropython_compat._types import SendBuffer, WritableBuffer
from micropython_compat.board import current_runtime
from micropython_compat.errors import bad_argument, device_error
from micropython_compat.hal import SPIBus

from ._bushelper import DEFAULT_PINS, assign_pins, buffer_to_fill, bytes_to_send, to_int

__all__ = ["SPI"]


class SPI:
    """An SPI bus: ``SPI(id=0, mode=SPI.MASTER, *, baudrate=1000000, polarity=0, phase=0,
    bits=8, firstbit=SPI.MSB, pins=(CLK, MOSI, MISO))``.

    Raises ``OSError(ENODEV)`` for a bus the board doesn't have, ``ValueError`` for bad
    settings (see ``init``), ``TypeError`` for non-int ones and for settings by position.
    """

    MASTER = 0
    MSB = 0

    _id: int
    _bus: SPIBus | None
    _settings: tuple[int, int, int, int]  # baudrate, bits, polarity, phase

    def __new__(cls, id: Any = 0, *args: Any, **kwargs: Any) -> SPI:
        bus_id = to_int(id)
        runtime = current_runtime()
        if bus_id not in runtime.board.description.bus_ids("spi"):
            raise device_error(errno.ENODEV)
        objects: dict[int, SPI] = runtime.state("machine.SPI", dict)
        self = objects.get(bus_id)
        if self is None:
            self = super().__new__(cls)
            self._id, self._bus, self._settings = bus_id, None, (0, 8, 0, 0)
            objects[bus_id] = self
            runtime.on_close(self.deinit)
        return self

    def __init__(
        self,
        id: Any = 0,
        mode: Any = MASTER,
        *extra: Any,
        baudrate: Any = 1_000_000,
        polarity: Any = 0,
        phase: Any = 0,
        bits: Any = 8,
        firstbit: Any = MSB,
        pins: Any = DEFAULT_PINS,
    ) -> None:
        _no_more(extra)
        self.init(
            mode,
            baudrate=baudrate,
            polarity=polarity,
            phase=phase,
            bits=bits,
            firstbit=firstbit,
            pins=pins,
        )

    # -- configuration -----------------------------------------------------------------------
    def init(
        self,
        mode: Any = MASTER,
        *extra: Any,
        baudrate: Any = 1_000_000,
        polarity: Any = 0,
        phase: Any = 0,
        bits: Any = 8,
        firstbit: Any = MSB,
        pins: Any = DEFAULT_PINS,
    ) -> None:
        """(Re)initialise the bus.

        ``mode`` must be ``SPI.MASTER``, ``baudrate`` > 0, ``polarity`` and ``phase`` 0 or 1,
        ``bits`` 8, 16 or 32, ``firstbit`` ``SPI.MSB``; ``pins`` is ``(CLK, MOSI, MISO)`` as
        names or ``Pin`` objects (the board's defaults when omitted, untouched when ``None``),
        put in their SPI alternate function with the pull-up on. Raises ``ValueError`` for
        anything else, ``TypeError`` for a non-int setting or one given by position.
        """
        _no_more(extra)
        values = [to_int(v) for v in (mode, baudrate, polarity, phase, bits, firstbit)]
        mode, baudrate, polarity, phase, bits, firstbit = values
        if (
            mode != SPI.MASTER
            or baudrate <= 0
            or polarity not in (0, 1)
            or phase not in (0, 1)
            or bits not in (8, 16, 32)
            or firstbit != SPI.MSB
        ):
            raise bad_argument()
        assign_pins("spi", self._id, pins, ("CLK", "MOSI", "MISO"))
        if self._bus is None:
            self._bus = current_runtime().board.spi(self._id)
        self._bus.configure(baudrate, polarity, phase, bits, True)
        self._settings = (baudrate, bits, polarity, phase)

    def deinit(self) -> None:
        """Turn the bus off; transfers then raise ``OSError(EPERM)`` until ``init()``."""
        bus, self._bus = self._bus, None
        if bus is not None:
            bus.close()

    def __repr__(self) -> str:
        if self._bus is None:
            return f"SPI({self._id})"
        baudrate, bits, polarity, phase = self._settings
        return (
            f"SPI({self._id}, SPI.MASTER, baudrate={baudrate}, bits={bits}, "
            f"polarity={polarity}, phase={phase}, firstbit=SPI.MSB)"
        )

    # -- transfers ---------------------------------------------------------------------------
    def _transfer(self, tx: bytes) -> bytes:
        """One chip-select frame; pads ``tx`` to whole words and trims the reply to fit."""
        if self._bus is None:
            raise device_error(errno.EPERM)
        size = self._settings[1] // 8
        padded = tx + bytes(-len(tx) % size)
        return self._bus.transfer(padded)[: len(tx)]

    def _fill_words(self, n: int, write: Any) -> bytes:
        size = self._settings[1] // 8
        word = (to_int(write) & ((1 << (8 * size)) - 1)).to_bytes(size, "little")
        return (word * (n // size + 1))[:n]

    def write(self, buf: SendBuffer) -> int:
        """Send ``buf`` (ignoring what comes in); return the number of bytes sent.
        Raises ``OSError(EPERM)`` after ``deinit()``, ``TypeError`` for a non-buffer."""
        data = bytes_to_send(buf)
        self._transfer(data)
        return len(data)

    def read(self, nbytes: int, *extra: Any, write: int = 0x00) -> bytes:
        """Read ``nbytes`` bytes (or ``len(nbytes)`` into a writable buffer) while sending
        the word ``write`` (keyword-only) for each word read; return the bytes read."""
        _no_more(extra)
        view = buffer_to_fill(nbytes)
        view[:] = self._transfer(self._fill_words(len(view), write))
        return view.tobytes()

    def readinto(self, buf: WritableBuffer, *extra: Any, write: int = 0x00) -> int:
        """Read ``len(buf)`` bytes into ``buf`` while sending ``write`` (keyword-only) for
        each word; return the number of bytes read."""
        _no_more(extra)
        view = buffer_to_fill(buf)
        view[:] = self._transfer(self._fill_words(len(view), write))
        return len(view)

    def write_readinto(self, write_buf: SendBuffer, read_buf: WritableBuffer) -> int:
        """Send ``write_buf`` and read into ``read_buf`` at the same time; return the number
        of bytes written. The buffers must have the same length (``ValueError``); the same
        object may be passed twice if it is writable."""
        if write_buf is read_buf:
            view = buffer_to_fill(read_buf)
            data = view.tobytes()
        else:
            data = bytes_to_send(write_buf)
            if isinstance(read_buf, int):
                raise TypeError("object with buffer protocol required")
            view = buffer_to_fill(read_buf)
            if len(view) != len(data):
                raise bad_argument()
        view[:] = self._transfer(data)
        return len(data)


def _no_more(extra: tuple[Any, ...]) -> None:
    """The firmware's parser refuses positional arguments where it takes keywords only."""
    if extra:
        raise TypeError("argument num/types mismatch")
