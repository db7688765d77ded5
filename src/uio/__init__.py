"""``uio``: in-memory streams and ``open``, as MicroPython 1.8.5 on the WiPy.

The WiPy build has this module. ``StringIO`` and ``BytesIO`` are one implementation over a
byte buffer; where they differ from CPython's ``io`` classes the device wins (each is tested):

* Both hold bytes: a ``StringIO`` keeps UTF-8, so ``seek()`` positions and ``write()``'s
  return value count **bytes** (``StringIO().write('é')`` returns 2), ``read(n)`` counts
  characters, ``readline(n)`` counts bytes. ``getvalue()``/``read()`` give str for
  ``StringIO`` and bytes for ``BytesIO``.
* Either takes any buffer as initial value or for ``write``: str and bytes alike (CPython
  raises TypeError). Something without buffer protocol (an int, too: 1.8.5 has no
  ``alloc_size`` form) raises TypeError. Keyword arguments to the constructor are ignored.
* Methods: ``read``, ``readall``, ``readinto``, ``readline``, ``write``, ``seek(offset,
  whence=0)`` (returns the new position; a position before the start becomes 0, a write past
  the end fills the gap with zero bytes), ``flush``, ``close``, ``getvalue``, iteration by
  lines and ``with``. There is **no** ``tell()``, ``readlines()``, ``writelines()`` or
  ``truncate()`` (AttributeError), as on the device.
* After ``close()`` every operation raises ValueError("I/O operation on closed file").
* ``repr()`` is ``<io.StringIO 0x...>`` / ``<io.BytesIO 0x...>``.

``open(name, mode='r', *, encoding=None)`` opens a device path (``/flash/...``, ``/sd/...`` or
relative to the current device directory) on the running board's file system, as the builtin
``open`` of device code does, and returns the device's file objects: ``FileIO`` (binary) and
``TextIOWrapper`` (text), whose rules ``micropython_compat.devicefile`` describes (``write``
takes str and bytes in either mode and returns a byte count, ``readall``, no newline
translation).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, AnyStr, Generic

from micropython_compat._buffer import read_buffer, writable_buffer
from micropython_compat.devicefile import FileIO, TextIOWrapper

__all__ = ["BytesIO", "FileIO", "StringIO", "TextIOWrapper", "open"]

_CLOSED = "I/O operation on closed file"


def open(name: Any, mode: Any = "r", *, encoding: Any = None) -> FileIO | TextIOWrapper:
    """Open device file ``name``: a ``TextIOWrapper``, or a ``FileIO`` with ``'b'`` in
    ``mode``.

    Raises OSError with MicroPython's errno (``ENOENT`` for a missing file or a path outside
    the mounts).
    """
    from micropython_compat import filesystem

    result: FileIO | TextIOWrapper = filesystem.current().open_device(name, mode)
    return result


class _MemoryStream(Generic[AnyStr]):
    """The shared byte buffer behind ``StringIO`` and ``BytesIO``."""

    _text = False
    _buf: bytearray | None
    _pos: int

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        del kwargs  # the 1.8.5 constructor ignores keyword arguments
        self._buf = bytearray(read_buffer(args[0])) if args else bytearray()
        self._pos = 0

    def __repr__(self) -> str:
        return f"<io.{type(self).__name__} 0x{id(self) & 0xFFFFFFFF:x}>"

    def _open_buffer(self) -> bytearray:
        if self._buf is None:
            raise ValueError(_CLOSED)
        return self._buf

    def _out(self, data: bytes) -> AnyStr:
        result: Any = data.decode("utf-8", "surrogateescape") if self._text else bytes(data)
        return result  # type: ignore[no-any-return]

    def _take(self, count: int) -> bytes:
        buf = self._open_buffer()
        data = bytes(buf[self._pos : self._pos + max(count, 0)])
        self._pos += len(data)  # a position past the end stays where it is
        return data

    def _char_bytes(self, chars: int) -> int:
        """How many bytes from the position hold ``chars`` UTF-8 characters (or what's left)."""
        buf = self._open_buffer()
        end = start = min(self._pos, len(buf))
        while chars > 0 and end < len(buf):
            end += 1
            while end < len(buf) and buf[end] & 0xC0 == 0x80:
                end += 1
            chars -= 1
        return end - start

    def read(self, size: Any = -1, /) -> AnyStr:
        """Read ``size`` characters (StringIO) or bytes (BytesIO); all that is left if omitted
        or negative. Raises ValueError on a closed stream."""
        buf = self._open_buffer()
        if not isinstance(size, int):
            raise TypeError("can't convert to int")
        if size < 0:
            return self._out(self._take(len(buf)))
        return self._out(self._take(self._char_bytes(size) if self._text else size))

    def readall(self) -> AnyStr:
        """Read everything from the position to the end."""
        return self._out(self._take(len(self._open_buffer())))

    def readinto(self, buffer: Any, nbytes: Any = None, /) -> int:
        """Read bytes into writable ``buffer`` (at most ``nbytes``); return how many.

        Raises TypeError if ``buffer`` is not writable.
        """
        self._open_buffer()
        with writable_buffer(buffer) as view:
            limit = len(view) if nbytes is None else min(len(view), max(int(nbytes), 0))
            data = self._take(limit)
            view[: len(data)] = data
        return len(data)

    def readline(self, size: Any = -1, /) -> AnyStr:
        """Read up to and including ``\\n``, at most ``size`` bytes if given (not negative)."""
        buf = self._open_buffer()
        start = min(self._pos, len(buf))
        newline = buf.find(b"\n", start)
        end = len(buf) if newline < 0 else newline + 1
        if isinstance(size, int) and size >= 0:
            end = min(end, start + size)
        return self._out(self._take(end - start))

    def write(self, data: Any, /) -> int:
        """Write ``data`` (str or any buffer) at the position; return the number of bytes.

        Raises TypeError without buffer protocol, ValueError on a closed stream.
        """
        buf = self._open_buffer()
        raw = read_buffer(data)
        if self._pos > len(buf):
            buf.extend(bytes(self._pos - len(buf)))
        buf[self._pos : self._pos + len(raw)] = raw
        self._pos += len(raw)
        return len(raw)

    def seek(self, offset: Any, whence: Any = 0, /) -> int:
        """Move to ``offset`` from the start (0), the position (1) or the end (2); return the
        new position (never below 0)."""
        buf = self._open_buffer()
        if not isinstance(offset, int) or not isinstance(whence, int):
            raise TypeError("can't convert to int")
        reference = {1: self._pos, 2: len(buf)}.get(whence, 0)
        self._pos = max(reference + offset, 0)
        return self._pos

    def flush(self) -> None:
        """Nothing to flush; present as on the device."""
        self._open_buffer()

    def close(self) -> None:
        """Free the buffer; later operations raise ValueError. Closing twice is allowed."""
        self._buf = None

    def getvalue(self) -> AnyStr:
        """The whole buffer (str for StringIO, bytes for BytesIO), whatever the position."""
        return self._out(bytes(self._open_buffer()))

    def __enter__(self) -> _MemoryStream[AnyStr]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __iter__(self) -> Iterator[AnyStr]:
        return self

    def __next__(self) -> AnyStr:
        line = self.readline()
        if not line:
            raise StopIteration
        return line


class StringIO(_MemoryStream[str]):
    """In-memory text stream over UTF-8 bytes: ``StringIO([initial])`` (str or any buffer)."""

    _text = True


class BytesIO(_MemoryStream[bytes]):
    """In-memory binary stream: ``BytesIO([initial])`` (bytes, str or any buffer)."""
