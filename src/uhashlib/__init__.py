"""``uhashlib``: SHA1 and SHA256, as the WiPy's 1.8.5 hardware-backed ``uhashlib``.

The WiPy build has its own ``uhashlib`` on the CC3200's hashing engine (not the generic
software module, which had only ``sha256``). Its API, where it differs from CPython's
``hashlib`` (the device wins; each is tested):

* ``sha1([data[, block_size]])`` and ``sha256([data[, block_size]])`` only (no ``md5``, no
  ``new``); arguments positional only, at most two (TypeError otherwise). ``data`` is any
  buffer, str included (its UTF-8 bytes); TypeError without buffer protocol.
* Objects have ``update(data)`` and ``digest()`` only: no ``hexdigest()`` (use
  ``ubinascii.hexlify(h.digest())``), ``copy()``, ``name``, ``digest_size`` or
  ``block_size`` (AttributeError). ``repr`` is ``<sha1>`` / ``<sha256>``.
* Without ``block_size`` the data is buffered and hashed by ``digest()``. Calling ``digest()``
  again returns the same value; ``update()`` after ``digest()`` appends to the buffered data
  and the next ``digest()`` covers everything fed so far (the engine re-hashes the buffer).
* With ``block_size`` (the device's extension for data larger than RAM: the total length,
  announced up front, with the initial chunk) the data goes straight to the engine:
  ``update()`` once ``block_size`` bytes have been fed, and ``digest()`` before they have,
  raise ``OSError(EPERM)`` (1.8.5 raised OSError("the requested operation is not possible");
  this library uses errno values throughout). ``block_size`` 0 raises it at construction.
  The digest covers the first ``block_size`` bytes fed. On the device every chunk but the
  last must be a multiple of 4 bytes or the hash is wrong, and only one such hash can run at
  a time (one engine); here any chunks give the right hash and hashes are independent.
"""

from __future__ import annotations

import errno
import hashlib
from typing import Any

from micropython_compat._buffer import read_buffer
from micropython_compat.errors import device_error

__all__ = ["sha1", "sha256"]


class _Hash:
    """A hash on the (simulated) CC3200 engine; see the module docstring for the rules."""

    _algorithm = ""

    def __init__(self, *args: Any) -> None:
        if len(args) > 2:
            raise TypeError("argument num/types mismatch")
        self._data = bytearray()
        self._fed = 0
        self._block_size: int | None = None
        self._digest: bytes | None = None
        if len(args) == 2:
            size = args[1]
            if not isinstance(size, int):
                raise TypeError("can't convert to int")
            self._block_size = int(size) & 0xFFFFFFFF
            self._feed(args[0])
        elif args:
            self._feed(args[0])

    def __repr__(self) -> str:
        return f"<{self._algorithm}>"

    def _feed(self, data: Any) -> None:
        raw = read_buffer(data)
        if self._block_size is None:
            self._data += raw
            self._digest = None
            return
        if self._fed >= self._block_size:
            raise device_error(errno.EPERM)
        self._data += raw
        self._fed += len(raw)

    def update(self, data: Any, /) -> None:
        """Feed ``data`` (any buffer, str included).

        Raises TypeError without buffer protocol; with ``block_size``, OSError(EPERM) once
        ``block_size`` bytes have been fed.
        """
        self._feed(data)

    def digest(self) -> bytes:
        """The hash of the data fed so far (20 bytes for sha1, 32 for sha256).

        Raises OSError(EPERM) with ``block_size`` if fewer than ``block_size`` bytes were fed.
        """
        if self._block_size is not None and self._fed < self._block_size:
            raise device_error(errno.EPERM)
        if self._digest is None:
            data = self._data if self._block_size is None else self._data[: self._block_size]
            self._digest = hashlib.new(self._algorithm, bytes(data)).digest()
        return self._digest


class sha1(_Hash):  # noqa: N801 - the device's name
    """SHA-1: ``sha1([data[, block_size]])``."""

    _algorithm = "sha1"


class sha256(_Hash):  # noqa: N801 - the device's name
    """SHA-256: ``sha256([data[, block_size]])``."""

    _algorithm = "sha256"
