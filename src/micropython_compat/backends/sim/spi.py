"""Simulated SPI buses: a loopback, an attachable device, and a log of every transfer.

Byte order. ``transfer(tx)`` takes and returns bytes in *memory order*, as ``hal.SPIBus`` and
Linux spidev do: with ``bits`` = 16 or 32 every word is a native little-endian integer (the
cc3200's Cortex-M4 takes words from the buffer the same way). The bus shifts each word out most
significant bit first (``firstbit_msb``), so what travels on the wire, and what a device model
and ``log`` see, is *wire order*: each word big-endian. With 8-bit words both orders are the
same. Example: ``SPI(0, bits=16).write(b'\\x34\\x12')`` puts ``12 34`` on the wire.

On a board, a wire from the pin carrying the bus's MOSI function to the pin carrying its MISO
function loops it back too (``backends/sim/signals.py``); a loopback wins over a device.

With nothing attached and no loopback, MISO reads ``0xFF``: the WiPy configures its SPI pins
with the pull-up on (PIN_TYPE_STD_PU), so an undriven MISO line reads high.

Each ``transfer`` is one chip-select frame: the WiPy asserts its CS around every call.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable, Protocol, Union

__all__ = ["SPIConfig", "SPIDevice", "SPITransfer", "SimSPIBus"]


@dataclass(frozen=True)
class SPIConfig:
    """The bus settings in force for a transfer."""

    baudrate: int = 1_000_000
    polarity: int = 0
    phase: int = 0
    bits: int = 8
    firstbit_msb: bool = True

    @property
    def mode(self) -> int:
        """The SPI mode number, 0..3 (``polarity << 1 | phase``)."""
        return self.polarity << 1 | self.phase


@dataclass(frozen=True)
class SPITransfer:
    """One chip-select frame: ``tx`` sent on MOSI and ``rx`` read on MISO, in wire order."""

    tx: bytes
    rx: bytes
    config: SPIConfig


class SPIDevice(Protocol):
    """A device model object: gets the MOSI bytes of a frame, returns the MISO bytes."""

    def transfer(self, tx: bytes, config: SPIConfig) -> bytes:
        """Return ``len(tx)`` bytes (wire order)."""


DeviceFunction = Callable[[bytes, SPIConfig], bytes]
AnyDevice = Union[SPIDevice, DeviceFunction]


class SimSPIBus:
    """A simulated SPI master. Implements ``hal.SPIBus``.

    Tests use ``attach(device)`` (an ``SPIDevice`` or a function ``f(tx, config) -> rx``),
    ``detach()``, ``loopback()``, ``log`` (``SPITransfer`` entries), ``sent()``, ``config``
    and ``clear_log()``.
    """

    #: What an undriven MISO reads (the WiPy's SPI pins have the pull-up on).
    IDLE_MISO = 0xFF

    def __init__(self, bus_id: int, *, wired_loop: Callable[[int], bool] | None = None) -> None:
        self.bus_id = bus_id
        self._wired_loop = wired_loop
        self.config = SPIConfig()
        self.configured = False
        self.closed = False
        self.device: AnyDevice | None = None
        self.looped = False
        self.log: list[SPITransfer] = []
        self._lock = threading.Lock()

    # -- what tests use ----------------------------------------------------------------------
    def attach(self, device: AnyDevice) -> None:
        """Put ``device`` on the bus (replacing any other) and end a loopback."""
        if not callable(device) and not callable(getattr(device, "transfer", None)):
            raise ValueError(f"{device!r} is neither a function nor has a transfer() method")
        self.device = device
        self.looped = False

    def detach(self) -> None:
        """Take the device off the bus: MISO floats (reads ``IDLE_MISO``)."""
        self.device = None

    def loopback(self, on: bool = True) -> None:
        """Wire MOSI to MISO (every frame reads back what it sent)."""
        self.looped = on

    def clear_log(self) -> None:
        """Forget the logged transfers."""
        self.log.clear()

    def sent(self) -> bytes:
        """Every byte sent on MOSI so far (wire order), joined."""
        return b"".join(t.tx for t in self.log)

    # -- hal.SPIBus --------------------------------------------------------------------------
    def configure(
        self, baudrate: int, polarity: int, phase: int, bits: int, firstbit_msb: bool
    ) -> None:
        """Set the bus parameters; ``ValueError`` for a word size other than 8, 16, 32."""
        if bits not in (8, 16, 32):
            raise ValueError(f"bits must be 8, 16 or 32, not {bits!r}")
        self.config = SPIConfig(baudrate, polarity, phase, bits, bool(firstbit_msb))
        self.configured = True
        self.closed = False

    def transfer(self, tx: bytes) -> bytes:
        """One frame: clock out ``tx`` (memory order), return what came in (memory order).
        ``ValueError`` if ``len(tx)`` is not a whole number of words."""
        config = self.config
        size = config.bits // 8
        if len(tx) % size:
            raise ValueError(f"{len(tx)} bytes is not a whole number of {config.bits}-bit words")
        with self._lock:
            wire_tx = _reorder(bytes(tx), config, to_wire=True)
            wire_rx = self._respond(wire_tx, config)
            self.log.append(SPITransfer(wire_tx, wire_rx, config))
        return _reorder(wire_rx, config, to_wire=False)

    def close(self) -> None:
        """Release the bus (the device stays attached; ``configure`` opens it again)."""
        self.closed = True

    # -- internals ---------------------------------------------------------------------------
    def _respond(self, tx: bytes, config: SPIConfig) -> bytes:
        if self.looped or (self._wired_loop is not None and self._wired_loop(self.bus_id)):
            return tx
        device = self.device
        if device is None:
            return bytes([self.IDLE_MISO]) * len(tx)
        method = getattr(device, "transfer", None)
        answer = method(tx, config) if callable(method) else device(tx, config)  # type: ignore[operator]
        rx = bytes(answer)[: len(tx)]
        # A device that answers short leaves MISO undriven for the rest of the frame.
        return rx + bytes([self.IDLE_MISO]) * (len(tx) - len(rx))


def _bit_reverse(value: int, width: int) -> int:
    return int(format(value, f"0{width}b")[::-1], 2)


def _reorder(data: bytes, config: SPIConfig, *, to_wire: bool) -> bytes:
    size = config.bits // 8
    if size == 1 and config.firstbit_msb:
        return data
    out = bytearray()
    for i in range(0, len(data), size):
        chunk = data[i : i + size]
        word = int.from_bytes(chunk, "little" if to_wire else "big")
        if not config.firstbit_msb:
            word = _bit_reverse(word, config.bits)
        out += word.to_bytes(size, "big" if to_wire else "little")
    return bytes(out)
