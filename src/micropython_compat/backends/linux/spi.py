"""SPI through ``/dev/spidevB.C`` with spidev.

Bytes are in memory order, as ``hal.SPIBus`` and the simulated bus have them: with 16- or 32-bit
words each word is a native (little-endian) integer, shifted out most significant bit first.
spidev takes words in exactly that order when the controller accepts ``bits_per_word`` = 16/32;
a controller that only does 8-bit words gets each word's bytes swapped into wire order (most
significant byte first) and back, which puts the same bits on the wire. ``firstbit_msb=False``
uses the controller's LSB-first mode, or reverses the bits in software where it has none.
Each ``transfer`` is one chip-select frame (``xfer2``; ``xfer3`` beyond spidev's 4096-byte
buffer).
"""

from __future__ import annotations

import errno
import os
import re
import threading
from typing import Any, Callable

from ._errors import host_error, reraise_open_error

__all__ = ["DeviceOpener", "LinuxSPIBus", "spi_mode", "to_wire_order"]

#: Opens ``(bus, chip_select)``; returns an object with spidev.SpiDev's attributes and methods.
DeviceOpener = Callable[[int, int], Any]

_XFER2_MAX = 4096


def spi_mode(polarity: int, phase: int) -> int:
    """The SPI mode number (0..3) for a clock polarity and phase."""
    return (1 if polarity else 0) << 1 | (1 if phase else 0)


def _reverse_bits(byte: int) -> int:
    return int(f"{byte:08b}"[::-1], 2)


_REVERSED = bytes(_reverse_bits(b) for b in range(256))


def to_wire_order(data: bytes, bits: int, msb_first: bool = True) -> bytes:
    """``data`` (memory order: native little-endian words of ``bits``) as 8-bit frames put it
    on the wire: MSB first, each word's bytes most significant first; LSB first, the bytes in
    memory order with their bits reversed. The mapping is its own inverse."""
    if not msb_first:
        return bytes(data).translate(_REVERSED)
    size = bits // 8
    out = bytearray(data)
    if size > 1:
        for i in range(0, len(out), size):
            out[i : i + size] = out[i : i + size][::-1]
    return bytes(out)


def _spidev_open(bus: int, cs: int) -> Any:
    import spidev

    device = spidev.SpiDev()
    device.open(bus, cs)
    return device


def _numbers(path: str) -> tuple[int, int]:
    match = re.search(r"spidev(\d+)\.(\d+)$", os.path.realpath(path)) or re.search(
        r"spidev(\d+)\.(\d+)$", path
    )
    if match is None:
        raise ValueError(f"{path} is not an spidev device path (/dev/spidevB.C)")
    return int(match.group(1)), int(match.group(2))


class LinuxSPIBus:
    """An SPI device node (``hal.SPIBus``). ``opener`` opens it (spidev by default)."""

    def __init__(self, path: str, *, opener: DeviceOpener | None = None) -> None:
        self.path = path
        bus, cs = _numbers(path)
        open_device: DeviceOpener = opener if opener is not None else _spidev_open
        try:
            self._dev: Any = open_device(bus, cs)
        except OSError as exc:
            raise reraise_open_error(exc, path, "spi") from None
        self._lock = threading.Lock()
        self._bits = 8
        self._msb = True
        self._emulate = False  # 8-bit frames standing in for the word size or bit order
        self._closed = False

    def configure(
        self, baudrate: int, polarity: int, phase: int, bits: int, firstbit_msb: bool
    ) -> None:
        """Set mode, speed, word size and bit order. ``ValueError`` for a word size other than
        8, 16, 32; ``OSError`` naming the cause when the controller refuses a mode or speed."""
        if bits not in (8, 16, 32):
            raise ValueError(f"bits must be 8, 16 or 32, not {bits!r}")
        with self._lock:
            dev = self._alive()
            try:
                dev.mode = spi_mode(polarity, phase)
                dev.max_speed_hz = int(baudrate)
            except OSError as exc:
                raise host_error(
                    exc.errno or errno.EIO,
                    f"{self.path} refused SPI mode {spi_mode(polarity, phase)} at {baudrate} "
                    f"Hz: {exc.strerror or exc}",
                ) from None
            self._bits, self._msb = bits, bool(firstbit_msb)
            try:  # the controller's own word size and bit order, where it has them
                dev.bits_per_word = bits
                dev.lsbfirst = not self._msb
                self._emulate = False
            except OSError:  # else 8-bit MSB-first frames with the bytes rearranged
                dev.bits_per_word = 8
                dev.lsbfirst = False
                self._emulate = True

    def transfer(self, tx: bytes) -> bytes:
        """One chip-select frame; returns the bytes clocked in (memory order).
        ``ValueError`` if ``len(tx)`` is not a whole number of words."""
        size = self._bits // 8
        if len(tx) % size:
            raise ValueError(f"{len(tx)} bytes is not a whole number of {self._bits}-bit words")
        if not tx:
            return b""
        with self._lock:
            dev = self._alive()
            emulate = self._emulate
            out = to_wire_order(bytes(tx), self._bits, self._msb) if emulate else bytes(tx)
            try:
                xfer = dev.xfer2 if len(out) <= _XFER2_MAX else dev.xfer3
                rx = bytes(xfer(list(out)))
            except OSError as exc:
                raise host_error(
                    exc.errno or errno.EIO, f"SPI transfer on {self.path} failed: {exc}"
                ) from None
            return to_wire_order(rx, self._bits, self._msb) if emulate else rx

    def close(self) -> None:
        """Release the device (idempotent)."""
        with self._lock:
            if not self._closed:
                self._closed = True
                self._dev.close()

    def _alive(self) -> Any:
        if self._closed:
            raise ValueError("the SPI bus is closed")
        return self._dev
