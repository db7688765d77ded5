"""I2C through ``/dev/i2c-N`` with smbus2.

* An adapter that speaks plain I2C (``I2C_FUNC_I2C``) gets each ``transfer`` as one ``I2C_RDWR``
  ioctl: every message after a repeated start, one stop at the end.
* An adapter that only speaks SMBus (i2c-stub, some PC controllers) gets the SMBus command that
  puts the same bytes on the wire: a zero-length write is a quick write; one written byte a
  send-byte; register + byte a write-byte-data; register + bytes an I2C-block write (or a
  write-word for two bytes without I2C-block support); a register write then a read of 1 byte a
  read-byte-data, of more an I2C-block read (or a read-word for 2). A plain read of n bytes is n
  receive-byte commands (separate transactions: devices with an auto-incrementing pointer give
  the same bytes). Anything else raises ``OSError(EOPNOTSUPP)`` saying so.
* ``stop=False``: Linux can't hold the bus between two system calls, so a write that ends
  without a stop is kept and sent at the start of the next transfer to the same address, in the
  same transaction (a real repeated start). A NACK of that write is reported by that next
  transfer. A kept write is sent on its own before a transfer to another address, and at close.
* Errors carry the WiPy's errno (``i2c_errno``): no acknowledge (``ENXIO``, ``ENODEV``,
  ``EREMOTEIO``, ``EIO``, arbitration lost ``EAGAIN``) is ``EIO``; ``ETIMEDOUT`` stays.
* The bus clock is set by the kernel (device tree: ``dtparam=i2c_arm_baudrate=...``);
  ``configure`` can't change it and accepts any rate.
"""

from __future__ import annotations

import errno
import threading
from collections.abc import Sequence
from typing import Any, Callable

import smbus2
from smbus2 import I2cFunc, i2c_msg

from ...errors import device_error
from ...hal import I2CMessage, I2CRead, I2CWrite
from ._errors import host_error, reraise_open_error

__all__ = ["BusOpener", "LinuxI2CBus", "i2c_errno"]

#: Opens an adapter by device path; returns an object with smbus2.SMBus's methods.
BusOpener = Callable[[str], Any]

_NACK = frozenset({errno.ENXIO, errno.ENODEV, errno.EREMOTEIO, errno.EIO, errno.EAGAIN})
_SMBUS_BLOCK_MAX = 32


def i2c_errno(code: int) -> int:
    """The errno the WiPy reports for the kernel's ``code`` (see the module docstring)."""
    if code in _NACK:
        return errno.EIO
    return code


class LinuxI2CBus:
    """An I2C adapter (``hal.I2CBus``). ``opener`` opens it (``smbus2.SMBus`` by default)."""

    def __init__(self, path: str, *, opener: BusOpener | None = None) -> None:
        self.path = path
        open_bus: BusOpener = opener if opener is not None else smbus2.SMBus
        try:
            self._bus: Any = open_bus(path)
        except OSError as exc:
            raise reraise_open_error(exc, path, "i2c") from None
        self.funcs = int(self._bus.funcs)
        self._pending: tuple[int, list[I2CMessage]] | None = None
        self._lock = threading.Lock()
        self._closed = False

    @property
    def plain_i2c(self) -> bool:
        """Whether the adapter does plain I2C transfers (else it speaks SMBus only)."""
        return bool(self.funcs & I2cFunc.I2C)

    def configure(self, baudrate: int) -> None:
        """Accept ``baudrate``: the kernel sets the clock (see the module docstring)."""
        if self._closed:
            raise ValueError("the I2C bus is closed")

    def transfer(self, addr: int, messages: Sequence[I2CMessage], stop: bool = True) -> None:
        """One transaction (see the module docstring). Raises ``OSError(EIO)`` on a NACK,
        ``OSError(ETIMEDOUT)`` on a timeout, ``OSError(EOPNOTSUPP)`` for what an SMBus-only
        adapter can't do."""
        with self._lock:
            if self._closed:
                raise ValueError("the I2C bus is closed")
            todo = list(messages)
            pending, self._pending = self._pending, None
            if pending is not None:
                if pending[0] == addr:
                    todo = pending[1] + todo
                else:
                    self._run(*pending)
            if not stop and todo and all(isinstance(m, I2CWrite) for m in todo):
                self._pending = (addr, todo)
                return
            self._run(addr, todo)

    def close(self) -> None:
        """Send a kept write, release the adapter (idempotent)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            pending, self._pending = self._pending, None
            try:
                if pending is not None:
                    self._run(*pending)
            except OSError:
                pass
            finally:
                self._bus.close()

    # -- internals ---------------------------------------------------------------------------
    def _run(self, addr: int, messages: list[I2CMessage]) -> None:
        if not messages:
            return
        quick_probe = _is_probe(messages) and self._has(I2cFunc.SMBUS_QUICK)
        try:
            if self.plain_i2c and not quick_probe:
                self._rdwr(addr, messages)
                return
            done = self._smbus(addr, messages)
        except OSError as exc:
            raise self._error(exc) from None
        if not done:
            shape = tuple(
                ("w", len(m.data)) if isinstance(m, I2CWrite) else ("r", len(m.buf))
                for m in messages
            )
            raise host_error(
                errno.EOPNOTSUPP,
                f"the I2C adapter {self.path} speaks SMBus only, and no SMBus command it "
                f"supports sends {_describe(shape)}; use a plain I2C adapter for this device",
            )

    def _error(self, exc: OSError) -> OSError:
        code = exc.errno or errno.EIO
        mapped = i2c_errno(code)
        if mapped in (errno.EIO, errno.ETIMEDOUT):
            return device_error(mapped)
        if code == errno.EOPNOTSUPP:
            return host_error(
                code, f"the I2C adapter {self.path} can't do this transfer (it refused it)"
            )
        return host_error(code, f"I2C transfer on {self.path} failed: {exc.strerror or exc}")

    def _rdwr(self, addr: int, messages: list[I2CMessage]) -> None:
        kernel_msgs = []
        for message in messages:
            if isinstance(message, I2CWrite):
                kernel_msgs.append(i2c_msg.write(addr, bytes(message.data)))
            else:
                kernel_msgs.append(i2c_msg.read(addr, len(message.buf)))
        self._bus.i2c_rdwr(*kernel_msgs)
        for message, kernel in zip(messages, kernel_msgs):
            if isinstance(message, I2CRead):
                message.buf[:] = bytes(kernel)

    def _has(self, flag: I2cFunc) -> bool:
        return (self.funcs & flag) == flag

    def _smbus(self, addr: int, messages: list[I2CMessage]) -> bool:
        """Run ``messages`` as one SMBus command; ``False`` when none fits."""
        bus = self._bus
        first = messages[0]
        if len(messages) == 1 and isinstance(first, I2CWrite):
            data = bytes(first.data)
            if not data and self._has(I2cFunc.SMBUS_QUICK):
                bus.write_quick(addr)
            elif len(data) == 1 and self._has(I2cFunc.SMBUS_WRITE_BYTE):
                bus.write_byte(addr, data[0])
            elif len(data) == 2 and self._has(I2cFunc.SMBUS_WRITE_BYTE_DATA):
                bus.write_byte_data(addr, data[0], data[1])
            elif 3 <= len(data) <= _SMBUS_BLOCK_MAX + 1 and self._has(
                I2cFunc.SMBUS_WRITE_I2C_BLOCK
            ):
                bus.write_i2c_block_data(addr, data[0], list(data[1:]))
            elif len(data) == 3 and self._has(I2cFunc.SMBUS_WRITE_WORD_DATA):
                bus.write_word_data(addr, data[0], data[1] | data[2] << 8)
            else:
                return False
            return True
        if len(messages) == 1 and isinstance(first, I2CRead):
            if not self._has(I2cFunc.SMBUS_READ_BYTE):
                return False
            first.buf[:] = bytes(bus.read_byte(addr) for _ in range(len(first.buf)))
            return True
        if len(messages) == 2 and isinstance(first, I2CWrite) and len(first.data) == 1:
            second = messages[1]
            if isinstance(second, I2CRead):
                return self._smbus_register_read(addr, first.data[0], second.buf)
        return False

    def _smbus_register_read(self, addr: int, register: int, buf: bytearray | memoryview) -> bool:
        bus, n = self._bus, len(buf)
        if n == 0:
            return False
        if n == 1 and self._has(I2cFunc.SMBUS_READ_BYTE_DATA):
            buf[:] = bytes([bus.read_byte_data(addr, register)])
            return True
        if n <= _SMBUS_BLOCK_MAX and self._has(I2cFunc.SMBUS_READ_I2C_BLOCK):
            buf[:] = bytes(bus.read_i2c_block_data(addr, register, n))
            return True
        if n == 2 and self._has(I2cFunc.SMBUS_READ_WORD_DATA):
            buf[:] = int(bus.read_word_data(addr, register)).to_bytes(2, "little")
            return True
        return False


def _is_probe(messages: list[I2CMessage]) -> bool:
    """A lone zero-length write: an address probe (many I2C drivers refuse zero-length
    messages; the SMBus quick command is the probe they accept)."""
    only = messages[0]
    return len(messages) == 1 and isinstance(only, I2CWrite) and not only.data


def _describe(shape: tuple[tuple[str, int], ...]) -> str:
    words = {"w": "a write of", "r": "a read of"}
    return ", then ".join(f"{words[kind]} {n} byte{'s' if n != 1 else ''}" for kind, n in shape)
