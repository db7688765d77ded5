"""MicroPython's buffer protocol as the u-modules see it (``mp_get_buffer_raise``).

On the device ``str`` has the buffer protocol (its UTF-8 bytes), so every function that takes
"bytes-like" data also takes text. These helpers give the device's view and its TypeError.
"""

from __future__ import annotations

from typing import Any

__all__ = ["read_buffer", "writable_buffer"]

_NO_BUFFER = "object with buffer protocol required"


def read_buffer(data: Any) -> bytes:
    """The bytes ``data`` exposes for reading: str gives its UTF-8 encoding.

    Raises TypeError("object with buffer protocol required") for anything else without one.
    """
    if isinstance(data, bytes):
        return data
    if isinstance(data, str):
        return data.encode("utf-8", "surrogateescape")
    try:
        view = memoryview(data)
    except TypeError:
        raise TypeError(_NO_BUFFER) from None
    with view:
        return view.tobytes()


def writable_buffer(data: Any) -> memoryview:
    """A writable byte view of ``data`` (bytearray, array, writable memoryview, ...).

    Raises TypeError("object with buffer protocol required") for read-only or non-buffer
    objects (bytes and str included), as ``mp_get_buffer_raise(..., MP_BUFFER_WRITE)`` does.
    """
    try:
        view = memoryview(data)
    except TypeError:
        raise TypeError(_NO_BUFFER) from None
    if view.readonly:
        view.release()
        raise TypeError(_NO_BUFFER)
    return view.cast("B") if view.format != "B" or view.ndim != 1 else view
