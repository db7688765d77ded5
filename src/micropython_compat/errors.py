"""The errors micropython-compat raises, and the one helper that builds device errors.

Exception tree::

    Exception
    ├── OSError
    │   └── (plain OSError from device_error(): args == (errno,), like MicroPython)
    ├── ValueError
    │   └── (plain ValueError from bad_argument(): the message MicroPython gives)
    └── MicroPythonCompatError          library problems, not device behaviour
        ├── BoardUnavailable            a board can't be loaded; says why and what to do
        └── BoardDescriptionError       a board description file is malformed (also ValueError)

Device code sees exactly the types MicroPython raises. ``MicroPythonCompatError`` is for the
host side: choosing and loading boards.
"""

from __future__ import annotations

import errno as _errno

__all__ = [
    "BoardDescriptionError",
    "BoardUnavailable",
    "MicroPythonCompatError",
    "bad_argument",
    "device_error",
]


class MicroPythonCompatError(Exception):
    """Base of the library's own (host-side) errors."""


class BoardUnavailable(MicroPythonCompatError):
    """A board could not be loaded. The message names the cause and the fix."""


class BoardDescriptionError(MicroPythonCompatError, ValueError):
    """A board description file is malformed; the message names the file and the key."""


def device_error(code: int) -> OSError:
    """Return ``OSError(code)`` as MicroPython builds it.

    Always a plain ``OSError`` (CPython would pick a subclass such as ``TimeoutError`` for some
    codes, which prints differently), with ``args == (code,)``, ``.errno == code``, and
    ``str()`` reading ``[Errno 5] EIO``: the short errno name, not the C library's sentence.
    """
    exc = OSError(code)
    exc.errno = code
    exc.strerror = _errno.errorcode.get(code, str(code))
    return exc


def bad_argument(message: str = "invalid argument(s) value") -> ValueError:
    """Return the ``ValueError`` MicroPython raises for a bad argument."""
    return ValueError(message)
