"""Simulated I2C buses: devices attached at addresses, byte-level acknowledges, and a log.

A device on the bus sees what a real target sees, one call per bus event:

* ``start(read)`` after its address went out with the R/W bit; it returns the address ACK;
* ``write(byte)`` for every byte the master sends; it returns the ACK for that byte;
* ``read(n)`` when the master clocks in ``n`` bytes; it returns them;
* ``stop()`` when the transaction ends (a stop condition, an aborted transfer after a NACK, or
  a repeated start to another address).

A transfer with ``stop=False`` leaves the bus held: the next transfer to the same device starts
with a repeated start, without a ``stop()`` in between.

A device that answers on several consecutive addresses (a 24C04..24C16 EEPROM) has an
``address_span`` attribute > 1; the bus then calls ``select(offset)`` before ``start`` to say
which of its addresses was used.

Every event goes into ``bus.log`` as an ``I2CEvent``; a NACK (address or data) ends the
transfer with ``OSError(EIO)``, as the WiPy reports it.
"""

from __future__ import annotations

import errno
import threading
from collections.abc import Sequence
from typing import NamedTuple, Protocol, runtime_checkable

from ...errors import device_error
from ...hal import I2CMessage, I2CRead

__all__ = ["I2CDevice", "I2CEvent", "SimI2CBus"]


@runtime_checkable
class I2CDevice(Protocol):
    """What a device model implements to sit on a ``SimI2CBus``."""

    def start(self, read: bool) -> bool:
        """The device was addressed (``read``: R/W bit set); return the address ACK."""

    def write(self, byte: int) -> bool:
        """The master sent ``byte``; return the ACK."""

    def read(self, n: int) -> bytes:
        """The master reads ``n`` bytes; return exactly ``n`` bytes."""

    def stop(self) -> None:
        """The transaction ended."""


class I2CEvent(NamedTuple):
    """One entry of ``SimI2CBus.log``.

    ``kind`` is ``'start'`` (``read`` is the R/W bit, ``ack`` the address ACK; ``repeated`` is
    true for a repeated start), ``'write'`` (``data``: the bytes the master sent, up to and
    including a NACKed one; ``ack``: all were acknowledged), ``'read'`` (``data``: the bytes
    received) or ``'stop'``.
    """

    kind: str
    addr: int
    read: bool = False
    data: bytes = b""
    ack: bool = True
    repeated: bool = False


class SimI2CBus:
    """A simulated I2C master with devices attached. Implements ``hal.I2CBus``.

    Tests use ``attach``/``detach``, ``devices``, ``log``, ``writes(addr)``, ``reads(addr)``,
    ``clear_log()``, ``baudrate`` and ``nack_addresses`` (addresses that refuse their address
    byte whatever is attached, to simulate a device that's present but not answering).
    """

    def __init__(self, bus_id: int) -> None:
        self.bus_id = bus_id
        self.devices: dict[int, I2CDevice] = {}
        self.log: list[I2CEvent] = []
        self.baudrate: int | None = None
        self.closed = False
        self.nack_addresses: set[int] = set()
        self._held: int | None = None  # address of a transaction left open with stop=False
        self._bases: dict[int, int] = {}  # address -> first address of its device
        self._lock = threading.RLock()

    # -- what tests and descriptions use -----------------------------------------------------
    def attach(self, addr: int, device: I2CDevice) -> None:
        """Put ``device`` on the bus at 7-bit address ``addr`` (and the following
        ``device.address_span - 1`` addresses). Raises ``ValueError`` for an address outside
        0..127, a device without the ``I2CDevice`` methods, or an address already taken."""
        if not isinstance(device, I2CDevice):
            raise ValueError(f"{device!r} is not an I2C device model (start/write/read/stop)")
        span = int(getattr(device, "address_span", 1))
        addresses = range(int(addr), int(addr) + span)
        if addresses.start < 0 or addresses.stop > 128:
            raise ValueError(f"I2C address {addr!r} (span {span}) is outside 0..127")
        with self._lock:
            taken = [a for a in addresses if a in self.devices]
            if taken:
                raise ValueError(f"I2C address 0x{taken[0]:02x} already has a device")
            for a in addresses:
                self.devices[a] = device
            for a in addresses:
                self._bases[a] = addresses.start

    def detach(self, addr: int) -> I2CDevice:
        """Remove the device at ``addr`` (from all its addresses) and return it.
        Raises ``KeyError`` if there is none."""
        with self._lock:
            device = self.devices[addr]
            for a in [a for a, d in self.devices.items() if d is device]:
                del self.devices[a]
                self._bases.pop(a, None)
            if self._held is not None and self._held not in self.devices:
                self._held = None
            return device

    def clear_log(self) -> None:
        """Forget the logged events."""
        self.log.clear()

    def writes(self, addr: int) -> list[bytes]:
        """The data of every write message sent to ``addr``, in order."""
        return [e.data for e in self.log if e.kind == "write" and e.addr == addr]

    def reads(self, addr: int) -> list[bytes]:
        """The data of every read message received from ``addr``, in order."""
        return [e.data for e in self.log if e.kind == "read" and e.addr == addr]

    # -- hal.I2CBus --------------------------------------------------------------------------
    def configure(self, baudrate: int) -> None:
        """Record the clock rate (the sim runs every rate)."""
        self.baudrate = baudrate
        self.closed = False

    def transfer(self, addr: int, messages: Sequence[I2CMessage], stop: bool = True) -> None:
        """Run one transaction; raises ``OSError(EIO)`` on any NACK (after ending it)."""
        with self._lock:
            repeated = self._held is not None
            if self._held is not None and self._held != addr:
                # A start addressed to someone else ends the held device's transaction.
                self._end(self._held)
                repeated = True
            self._held = None
            try:
                for message in messages:
                    self._message(addr, message, repeated)
                    repeated = True
            except OSError:
                self._end(addr)
                raise
            if stop:
                self._end(addr)
            else:
                self._held = addr

    def close(self) -> None:
        """Release the bus; devices stay attached and ``configure`` opens it again."""
        with self._lock:
            if self._held is not None:
                self._end(self._held)
                self._held = None
            self.closed = True

    # -- internals ---------------------------------------------------------------------------
    def _message(self, addr: int, message: I2CMessage, repeated: bool) -> None:
        is_read = isinstance(message, I2CRead)
        device = None if addr in self.nack_addresses else self.devices.get(addr)
        if device is not None and getattr(device, "address_span", 1) > 1:
            device.select(addr - self._bases[addr])  # type: ignore[attr-defined]
        ack = device is not None and bool(device.start(is_read))
        self.log.append(I2CEvent("start", addr, read=is_read, ack=ack, repeated=repeated))
        if not ack or device is None:
            raise device_error(errno.EIO)
        if isinstance(message, I2CRead):
            n = len(message.buf)
            data = bytes(device.read(n))
            if len(data) != n:
                raise ValueError(f"I2C device model returned {len(data)} bytes, not {n}")
            message.buf[:] = data
            self.log.append(I2CEvent("read", addr, read=True, data=data))
            return
        sent = bytearray()
        for byte in message.data:
            sent.append(byte)
            if not device.write(byte):
                self.log.append(I2CEvent("write", addr, data=bytes(sent), ack=False))
                raise device_error(errno.EIO)
        self.log.append(I2CEvent("write", addr, data=bytes(sent)))

    def _end(self, addr: int) -> None:
        device = self.devices.get(addr)
        if device is not None:
            device.stop()
        self.log.append(I2CEvent("stop", addr))
