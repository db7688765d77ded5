"""``ubinascii``: binary/ASCII conversions with MicroPython 1.8.5's semantics.

Differences from CPython's ``binascii`` (the device wins; each is tested):

* Every function takes any object with the buffer protocol, **including str** (its UTF-8
  bytes), as MicroPython does; CPython's ``hexlify('ab')`` is a TypeError.
* ``hexlify(data, sep)`` puts the *first byte* of ``sep`` (str or bytes) between every pair of
  hex digits; an empty ``sep`` inserts a NUL byte, as the C code reads the string's terminator.
  CPython 3.8+ uses the whole separator and groups with ``bytes_per_sep``.
* Errors are plain ``ValueError`` with the device's lower-case messages (``"odd-length
  string"``, ``"non-hex digit found"``, ``"incorrect padding"``, ``"invalid character"``), not
  ``binascii.Error``.
* ``a2b_base64`` is strict, as 1.8.5's decoder: the length must be a multiple of 4 and every
  character must be in the base64 alphabet, so whitespace and the newline that ``b2a_base64``
  appends are rejected (``"incorrect padding"`` / ``"invalid character"``).
* ``b2a_base64`` returns bytes ending with ``b"\\n"``; it takes no ``newline`` keyword.
* Arguments are positional only (MicroPython's builtins take no keywords).
* ``crc32(data[, value])`` was not in the WiPy's 1.8.5 build; it is provided with the meaning
  later MicroPython releases give it (CPython's ``zlib.crc32``).
"""

from __future__ import annotations

import base64
import zlib
from typing import Any

from micropython_compat._buffer import read_buffer

__all__ = ["a2b_base64", "b2a_base64", "crc32", "hexlify", "unhexlify"]

_MISSING: Any = object()
_HEX = b"0123456789abcdef"
_B64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_B64_VALUE = {c: i for i, c in enumerate(_B64)}
_HEX_DIGITS = frozenset(b"0123456789abcdefABCDEF")


def _str_data(obj: Any) -> bytes:
    """The data of a str or bytes argument (MicroPython's ``mp_obj_str_get_str``)."""
    if isinstance(obj, str):
        return obj.encode("utf-8", "surrogateescape")
    if isinstance(obj, bytes):
        return obj
    raise TypeError("can't convert to str implicitly")


def hexlify(data: Any, sep: Any = _MISSING, /) -> bytes:
    """Return ``data`` as lower-case hex digits (bytes).

    With ``sep`` (str or bytes), its first byte goes between every two digits (a NUL byte if
    ``sep`` is empty). Raises TypeError if ``data`` has no buffer protocol or ``sep`` is not
    str/bytes.
    """
    raw = read_buffer(data)
    if sep is _MISSING:
        return raw.hex().encode("ascii")
    sep_data = _str_data(sep)
    sep_byte = sep_data[:1] or b"\x00"
    return sep_byte.join(_HEX[b >> 4 : (b >> 4) + 1] + _HEX[b & 15 : (b & 15) + 1] for b in raw)


def unhexlify(data: Any, /) -> bytes:
    """Convert hex digits (either case) to bytes.

    Raises ValueError("odd-length string") for an odd length and ValueError("non-hex digit
    found") for any other character (whitespace included); TypeError without buffer protocol.
    """
    raw = read_buffer(data)
    if len(raw) & 1:
        raise ValueError("odd-length string")
    if not _HEX_DIGITS.issuperset(raw):
        raise ValueError("non-hex digit found")
    return bytes.fromhex(raw.decode("ascii"))


def a2b_base64(data: Any, /) -> bytes:
    """Decode strict base64 (1.8.5's decoder).

    Raises ValueError("incorrect padding") if the length is not a multiple of 4 or ``=`` sits
    anywhere but the last two places of the last quad, ValueError("invalid character") for a
    character outside the alphabet (checked from the end of each quad, as the device does).
    The device leaves two bytes uninitialised for a last quad like ``AB=C``; here they are zero.
    """
    raw = read_buffer(data)
    length = len(raw)
    if length % 4:
        raise ValueError("incorrect padding")
    if length == 0:
        return b""
    out_len = (length // 4) * 3
    if raw[-1] == 0x3D:
        out_len -= 2 if raw[-2] == 0x3D else 1
    out = bytearray()
    for start in range(0, length, 4):
        last = start + 4 == length
        hold = [0, 0, 0, 0]
        for j in (3, 2, 1, 0):
            ch = raw[start + j]
            value = _B64_VALUE.get(ch)
            if value is not None:
                hold[j] = value
            elif ch == 0x3D:
                if j < 2 or not last:
                    raise ValueError("incorrect padding")
                hold[j] = 64
            else:
                raise ValueError("invalid character")
        out.append(((hold[0] << 2) | (hold[1] >> 4)) & 0xFF)
        if hold[2] != 64:
            out.append(((hold[1] & 0x0F) << 4 | hold[2] >> 2) & 0xFF)
            if hold[3] != 64:
                out.append(((hold[2] & 0x03) << 6 | hold[3]) & 0xFF)
    if len(out) < out_len:
        out.extend(bytes(out_len - len(out)))
    return bytes(out[:out_len])


def b2a_base64(data: Any, /) -> bytes:
    """Encode ``data`` as base64; the result is bytes ending with ``b"\\n"``.

    Raises TypeError if ``data`` has no buffer protocol.
    """
    return base64.b64encode(read_buffer(data)) + b"\n"


def crc32(data: Any, value: Any = 0, /) -> int:
    """CRC-32 of ``data``, continuing from ``value`` (truncated to 32 bits), as an unsigned int.

    Not in the WiPy's 1.8.5 build (added in later MicroPython). Raises TypeError if ``data`` has
    no buffer protocol or ``value`` is not an int.
    """
    if not isinstance(value, int):
        raise TypeError("can't convert to int")
    return zlib.crc32(read_buffer(data), value & 0xFFFFFFFF)
