"""The device's file objects: what ``open()`` returns to the program (1.8.5's FatFs files).

``open(name, mode='r', *, encoding=None)`` gives a ``TextIOWrapper`` (``str`` reads) or, with
``'b'`` in the mode, a ``FileIO`` (``bytes`` reads). Where they differ from CPython's files
the device wins:

* ``write`` takes any buffer in either mode, ``str`` and ``bytes`` alike, and returns the
  number of **bytes** written; ``write(buf, n)`` and ``write(buf, off, n)`` write part of it.
* Text reads are the file's bytes as they are: no newline translation, and bytes that aren't
  UTF-8 come through (as surrogate escapes, the way ``uio.StringIO`` keeps them);
  ``read(n)`` counts characters.
* ``read``, ``readall``, ``readinto``, ``readline``, ``readlines``, ``write``, ``flush``,
  ``close``, ``seek``, ``tell``, ``with`` and iteration by lines; ``seek(n, 1)`` with ``n``
  other than 0 raises ``OSError(EOPNOTSUPP)``. Reading a file opened only for writing (or
  the reverse) raises ``OSError(EACCES)``; any use after ``close()`` ``OSError(EINVAL)``.
* Mode letters: ``r``, ``w`` (create or empty), ``x`` (create, ``EEXIST`` if it exists),
  ``a`` (create if needed, start at the end), ``+`` (read and write), ``b``, ``t``; other
  letters are ignored. ``repr()`` is ``<io.TextIOWrapper 2000a1b0>``.
* A file that is never closed is closed when it is collected, quietly.
"""

from __future__ import annotations

import errno
import io
import os
from collections.abc import Iterator
from typing import Any

from ._buffer import writable_buffer, write_slice
from .errors import device_error

__all__ = ["FileIO", "TextIOWrapper", "open_file", "parse_mode"]


def parse_mode(mode: Any) -> tuple[int, bool, bool, bool]:
    """``(os.open flags, readable, writable, binary)`` for a device mode string.

    Raises TypeError for a mode that is not a str."""
    if not isinstance(mode, str):
        raise TypeError(f"can't convert '{type(mode).__name__}' object to str implicitly")
    readable = writable = binary = False
    create = 0
    append = False
    for letter in mode:
        if letter == "r":
            readable = True
        elif letter == "w":
            writable, create = True, os.O_CREAT | os.O_TRUNC
        elif letter == "x":
            writable, create = True, os.O_CREAT | os.O_EXCL
        elif letter == "a":
            writable, create, append = True, os.O_CREAT, True
        elif letter == "+":
            readable = writable = True
        elif letter == "b":
            binary = True
        elif letter == "t":
            binary = False
    access = os.O_RDWR if readable and writable else os.O_WRONLY if writable else os.O_RDONLY
    flags = access | create | getattr(os, "O_CLOEXEC", 0)
    return flags | (_APPEND_MARK if append else 0), readable, writable, binary


_APPEND_MARK = 1 << 30  # not an os.O_* flag: "start at the end" (FatFs seeks once)


def open_file(host_path: str | os.PathLike[str], mode: Any = "r") -> FileIO | TextIOWrapper:
    """Open the host file behind a device path with device semantics.

    Raises ``OSError`` with the host's errno (the caller turns it into the device's) and
    TypeError for a bad mode."""
    flags, readable, writable, binary = parse_mode(mode)
    append = bool(flags & _APPEND_MARK)
    fd = os.open(host_path, flags & ~_APPEND_MARK, 0o666)
    raw = io.FileIO(fd, "r+b" if readable and writable else "wb" if writable else "rb")
    if append:
        raw.seek(0, os.SEEK_END)
    cls = FileIO if binary else TextIOWrapper
    return cls(raw, readable, writable)


class _File:
    """A device file over a host ``io.FileIO``."""

    _text = False

    def __init__(self, raw: io.FileIO, readable: bool, writable: bool) -> None:
        self._raw: io.FileIO | None = raw
        self._readable = readable
        self._writable = writable

    def __repr__(self) -> str:
        return f"<io.{type(self).__name__} {id(self) & 0xFFFFFFFF:x}>"

    # -- state -------------------------------------------------------------------------------
    def _file(self, *, reading: bool = False, writing: bool = False) -> io.FileIO:
        raw = self._raw
        if raw is None:
            raise device_error(errno.EINVAL)
        if (reading and not self._readable) or (writing and not self._writable):
            raise device_error(errno.EACCES)
        return raw

    def _out(self, data: bytes) -> Any:
        return data.decode("utf-8", "surrogateescape") if self._text else data

    # -- reading -----------------------------------------------------------------------------
    def read(self, size: Any = -1) -> Any:
        """Read ``size`` characters (text) or bytes (binary); all that is left when omitted
        or negative."""
        raw = self._file(reading=True)
        if size is None or (isinstance(size, int) and size < 0):
            return self._out(raw.readall())
        if not isinstance(size, int):
            raise TypeError(f"can't convert {type(size).__name__} to int")
        data = raw.read(size) or b""
        if self._text:
            data = self._whole_chars(raw, data, size)
        return self._out(data)

    @staticmethod
    def _whole_chars(raw: io.FileIO, data: bytes, chars: int) -> bytes:
        """Read on until ``data`` holds ``chars`` UTF-8 characters (or the file ends)."""
        while True:
            missing = chars - sum(1 for b in data if b & 0xC0 != 0x80)
            if missing > 0:
                more = raw.read(missing) or b""
            else:  # the continuation bytes of the last character
                position = raw.tell()
                more = raw.read(1) or b""
                if more and more[0] & 0xC0 != 0x80:
                    raw.seek(position)
                    return data
            if not more:
                return data
            data += more

    def readall(self) -> Any:
        """Everything from the position to the end."""
        return self._out(self._file(reading=True).readall())

    def readinto(self, buf: Any, nbytes: Any = None) -> int:
        """Read into writable ``buf`` (at most ``nbytes``); return the number of bytes."""
        raw = self._file(reading=True)
        with writable_buffer(buf) as view:
            limit = len(view) if nbytes is None else min(len(view), max(int(nbytes), 0))
            data = raw.read(limit) or b""
            view[: len(data)] = data
        return len(data)

    def readline(self, size: Any = -1) -> Any:
        """Read up to and including ``\\n`` (at most ``size`` bytes when given)."""
        raw = self._file(reading=True)
        limit = size if isinstance(size, int) and size >= 0 else -1
        line = bytearray()
        while limit < 0 or len(line) < limit:
            byte = raw.read(1)
            if not byte:
                break
            line += byte
            if byte == b"\n":
                break
        return self._out(bytes(line))

    def readlines(self) -> list[Any]:
        """Every line left, as a list."""
        return list(iter(self.readline, self._out(b"")))

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    # -- writing -----------------------------------------------------------------------------
    def write(self, buf: Any, *count: Any) -> int:
        """Write ``buf`` (str or any buffer; ``write(buf, n)``/``write(buf, off, n)``: part of
        it); return the number of bytes written."""
        raw = self._file(writing=True)
        data = write_slice(buf, count)
        written = 0
        while written < len(data):
            written += raw.write(data[written:]) or 0
        return written

    def flush(self) -> None:
        """Write out what is buffered (nothing is)."""
        self._file()

    # -- position ----------------------------------------------------------------------------
    def seek(self, offset: Any, whence: Any = 0) -> int:
        """Move to ``offset`` from the start (0) or the end (2); ``whence`` 1 only with
        offset 0. Returns the new position. Raises ``OSError(EOPNOTSUPP)`` for a relative
        move."""
        raw = self._file()
        if not isinstance(offset, int) or not isinstance(whence, int):
            raise TypeError("can't convert to int")
        if whence == 1:
            if offset != 0:
                raise device_error(errno.EOPNOTSUPP)
            return raw.tell()
        size = os.fstat(raw.fileno()).st_size
        target = offset + (size if whence == 2 else 0)
        if not self._writable:
            target = min(target, size)
        return raw.seek(max(target, 0))

    def tell(self) -> int:
        """The position in bytes."""
        return self._file().tell()

    # -- closing -----------------------------------------------------------------------------
    def close(self) -> None:
        """Close the file (closing twice is allowed)."""
        raw, self._raw = self._raw, None
        if raw is not None:
            raw.close()

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        raw = getattr(self, "_raw", None)
        if raw is not None:
            raw.close()


class FileIO(_File):
    """A file opened with ``'b'``: reads give ``bytes``."""


class TextIOWrapper(_File):
    """A file opened in text mode (the default): reads give ``str``."""

    _text = True
