"""MicroPython's buffer protocol as the u-modules see it (``mp_get_buffer_raise``).

On the device ``str`` has the buffer protocol (its UTF-8 bytes), so every function that takes
"bytes-like" data also takes text. These helpers give the device's view and its TypeError.
"""

from __future__ import annotations

from typing import Any

__all__ = ["read_buffer", "writable_buffer", "write_slice"]

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


def _truncated(value: Any) -> int:
    """``mp_obj_get_int_truncated``: an int as the C ``size_t`` it becomes (negative counts
    wrap to huge ones, so they mean "all"). Raises TypeError for a non-integer."""
    if not isinstance(value, int):
        raise TypeError(f"can't convert {type(value).__name__} to int")
    return int(value) if value >= 0 else (1 << 64) + int(value)


def write_slice(data: Any, extra: tuple[Any, ...]) -> bytes:
    """What a stream's ``write(buf)``, ``write(buf, n)`` or ``write(buf, off, n)`` sends:
    at most ``n`` bytes of ``buf`` from offset ``off`` (an offset past the end sends
    nothing), as 1.8.5's ``stream_write_method`` cuts them.

    Raises TypeError for more arguments, a non-integer count or offset, or a ``buf``
    without buffer protocol."""
    raw = read_buffer(data)
    if not extra:
        return raw
    if len(extra) > 2:
        raise TypeError("argument num/types mismatch")
    offset = 0 if len(extra) == 1 else min(_truncated(extra[0]), len(raw))
    count = _truncated(extra[-1])
    return raw[offset : offset + count]
