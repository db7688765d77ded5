"""The device's rules for ``bytearray`` and ``bytes % args``, for the program's own code.

MicroPython 1.8.5 builds a ``bytearray`` from anything with the buffer protocol, ``str``
included (``bytearray('abc')`` is ``bytearray(b'abc')``), and stores an integer into one by
keeping its low 8 bits (``b[0] = 0x1aa`` stores ``0xaa``; ``bytearray([256, 1])`` is
``bytearray(b'\\x00\\x01')``); it takes at most one argument. ``bytes % args`` formats like
``str % args`` and gives ``bytes``: a ``str`` argument goes in as its UTF-8 bytes and a
``bytes`` argument of ``%s`` goes in undecorated (``b'%s' % 'GET'`` is ``b'GET'``).

The runner gives device code ``DeviceBytearray`` as its builtin ``bytearray`` and turns a
``%`` whose left side is a bytes literal into ``bytes_format`` (``devicecode``). What CPython
makes stays CPython's: a bytearray the library or a slice returns, ``memoryview`` stores, and
``%`` on a bytes value held in a variable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, SupportsIndex

__all__ = ["DeviceBytearray", "bytes_format"]


class _AliasOf(type):
    """The metaclass of a device stand-in for a builtin type: instances and subclasses of the
    builtin count as its own, and it compares equal to the builtin (``type(x) == bytearray``
    holds for any bytearray)."""

    def __instancecheck__(cls, instance: Any) -> bool:
        return isinstance(instance, cls.__mro__[1])

    def __subclasscheck__(cls, subclass: type) -> bool:
        return issubclass(subclass, cls.__mro__[1])

    def __eq__(cls, other: object) -> bool:
        return cls is other or other is cls.__mro__[1]

    def __ne__(cls, other: object) -> bool:
        return not cls.__eq__(other)

    __hash__ = type.__hash__


def _byte(value: Any) -> int:
    """The low 8 bits of an integer (``TypeError`` for anything else)."""
    return int.__index__(value) & 0xFF if isinstance(value, int) else _index(value) & 0xFF


def _index(value: Any) -> int:
    if hasattr(type(value), "__index__"):
        return int(value.__index__())
    raise TypeError(f"can't convert {type(value).__name__} to int")


class DeviceBytearray(bytearray, metaclass=_AliasOf):
    """``bytearray`` as the device builds and stores into it (see the module docstring).

    Raises ``TypeError`` for more than one argument and for items that are not integers."""

    def __init__(self, *args: Any) -> None:
        if len(args) > 1:
            raise TypeError(f"function takes at most 1 argument ({len(args)} given)")
        if not args:
            super().__init__()
            return
        source = args[0]
        if isinstance(source, str):
            super().__init__(source.encode())
        elif isinstance(source, (int, bytes, bytearray, memoryview)):
            super().__init__(source)
        else:
            try:
                view = memoryview(source)
            except TypeError:
                super().__init__(_byte(item) for item in source)
            else:
                super().__init__(view.cast("B") if view.ndim else view.tobytes())

    def __setitem__(self, index: Any, value: Any) -> None:
        try:  # the common case (a byte in range) at CPython's own speed
            bytearray.__setitem__(self, index, value)
        except ValueError:
            if isinstance(index, slice):
                raise
            bytearray.__setitem__(self, index, _byte(value))

    def append(self, item: SupportsIndex) -> None:
        super().append(_byte(item))

    def extend(self, iterable: Iterable[SupportsIndex] | Any) -> None:
        if isinstance(iterable, (bytes, bytearray, memoryview, str)):
            super().extend(iterable.encode() if isinstance(iterable, str) else iterable)
        else:
            super().extend(_byte(item) for item in iterable)

    def insert(self, index: SupportsIndex, item: SupportsIndex) -> None:
        super().insert(index, _byte(item))


DeviceBytearray.__name__ = DeviceBytearray.__qualname__ = "bytearray"
DeviceBytearray.__module__ = "builtins"


# A conversion: %[(key)][flags][width][.precision]type
_SPEC = re.compile(rb"%(?:\(([^)]*)\))?([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?(.?)", re.DOTALL)


def bytes_format(pattern: bytes, values: Any) -> bytes:
    """``pattern % values`` by the device's rules for bytes (see the module docstring).

    Raises ``TypeError`` for too few or too many arguments and ``ValueError`` for an
    incomplete or unsupported conversion, as ``str %`` does."""
    if not isinstance(pattern, bytes):
        result: bytes = pattern % values
        return result
    if isinstance(values, tuple):
        positional, mapping = list(values), None
    elif isinstance(values, dict) or (
        hasattr(values, "keys") and not isinstance(values, (str, bytes, bytearray))
    ):
        positional, mapping = [values], values
    else:
        positional, mapping = [values], None
    taken = 0

    def next_value() -> Any:
        nonlocal taken
        if taken >= len(positional):
            raise TypeError("not enough arguments for format string")
        taken += 1
        return positional[taken - 1]

    out = bytearray()
    pos = 0
    for match in _SPEC.finditer(pattern):
        out += pattern[pos : match.start()]
        pos = match.end()
        key, flags, width, precision, kind = match.groups()
        if kind == b"%" and not (key or flags or width or precision is not None):
            out += b"%"
            continue
        if not kind:
            raise ValueError("incomplete format")
        spec = "%" + flags.decode()
        if width == b"*":
            width = str(_index(next_value())).encode()
        spec += (width or b"").decode()
        if precision is not None:
            if precision == b"*":
                precision = str(_index(next_value())).encode()
            spec += "." + precision.decode()
        if key is not None:
            if mapping is None:
                raise TypeError("format requires a dict")
            value = mapping[key.decode()]
        else:
            value = next_value()
        out += _convert(spec, kind.decode("latin-1"), value)
    out += pattern[pos:]
    if mapping is None and taken < len(positional):
        raise TypeError("not all arguments converted during string formatting")
    return bytes(out)


def _convert(spec: str, kind: str, value: Any) -> bytes:
    """One conversion: ``%s``/``%r`` of any object as its text (bytes undecorated for
    ``%s``), the others as ``str %`` makes them."""
    if kind == "s" and isinstance(value, (bytes, bytearray)):
        return (spec + "s").encode() % bytes(value)
    if kind in "sr":
        text = str(value) if kind == "s" else repr(value)
        return ((spec + "s") % text).encode()
    if kind == "c" and isinstance(value, int):
        return ((spec + "c") % (value & 0xFF)).encode("latin-1")
    formatted: str = (spec + kind) % value
    return formatted.encode()
