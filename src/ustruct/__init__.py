"""``ustruct``: packing and unpacking primitive data types, as MicroPython 1.8.5 on the WiPy.

The WiPy build has this module (also importable as ``struct`` on the device). Its rules, which
differ from CPython's ``struct`` (the device wins; each is tested):

* Format codes: ``b B h H i I l L q Q`` (integers; lower case signed), ``P`` (a 4-byte
  unsigned pointer value), ``s`` (bytes, with a count), and ``f``/``d``. The WiPy has no
  floating point, so ``f`` and ``d`` are **signed integers** of 4 and 8 bytes there: ints are
  packed as integers and unpacked as ints (a CPython float is converted with ``int()``, as
  everywhere in this library). ``O`` and ``S`` (raw object and C-string pointers) are
  accepted by the device but cannot work on CPython: they raise NotImplementedError.
* Anything else, including CPython's ``x``, ``?``, ``e``, ``n``, ``N``, ``p`` and whitespace
  between codes, raises ValueError("bad typecode").
* The first character may be ``<``, ``>``, ``!`` (big-endian) or ``@`` (native: little-endian
  with the cc3200's 32-bit ARM sizes and alignment: ``l`` is 4 bytes, ``q``/``d`` align to 8).
  ``=`` is parsed but the 1.8.5 firmware has no sizes for it: every code except ``s`` then
  raises ValueError("bad typecode"). Without a prefix the format is native.
* Integers are not range-checked: they are truncated to the field (``pack('B', 256)`` gives
  ``b'\\x00'``); CPython raises ``struct.error``. Non-integers raise TypeError.
* ``pack`` ignores extra values and leaves fields without a value zero (CPython raises).
* ``unpack`` is ``unpack_from``: the buffer need only be long enough (extra bytes are ignored)
  and it takes the optional ``offset`` too. A negative offset counts from the end.
* Errors are ValueError("buffer too small") where CPython raises ``struct.error``. The
  firmware's own check compares the repeat count, not the byte size, with the space left, so
  it can read or write past a buffer; here any access beyond the buffer raises instead.
* Native alignment is counted from the start of the buffer (device buffers are word aligned),
  including for ``unpack_from``/``pack_into`` at an offset.
* ``pack_into`` needs a writable buffer (TypeError for bytes); arguments are positional only.
"""

from __future__ import annotations

from typing import Any, Literal

from micropython_compat._buffer import read_buffer, writable_buffer

__all__ = ["calcsize", "pack", "pack_into", "unpack", "unpack_from"]

# (size, alignment) of each code in native mode on the cc3200 (ARM EABI, 32-bit pointers).
_NATIVE: dict[str, tuple[int, int]] = {
    "\x01": (1, 1),  # MicroPython's internal bytearray typecode
    "b": (1, 1),
    "B": (1, 1),
    "h": (2, 2),
    "H": (2, 2),
    "i": (4, 4),
    "I": (4, 4),
    "l": (4, 4),
    "L": (4, 4),
    "q": (8, 8),
    "Q": (8, 8),
    "P": (4, 4),
    "O": (4, 4),
    "S": (4, 4),
    "f": (4, 4),
    "d": (8, 8),
}
# Sizes with an explicit byte order ('<' or '>'): no alignment.
_STANDARD: dict[str, int] = {
    "b": 1,
    "B": 1,
    "h": 2,
    "H": 2,
    "i": 4,
    "I": 4,
    "l": 4,
    "L": 4,
    "q": 8,
    "Q": 8,
    "P": 4,
    "O": 4,
    "S": 4,
    "f": 4,
    "d": 8,
}
_POINTERS = frozenset("OS")
_Format = tuple[str, list[tuple[int, str]]]
_cache: dict[str, _Format] = {}


def _format_text(fmt: Any) -> str:
    if isinstance(fmt, str):
        return fmt
    if isinstance(fmt, bytes):
        return fmt.decode("latin-1")
    raise TypeError("can't convert to str implicitly")


def _parse(fmt: Any) -> _Format:
    """``(byte order, [(count, code), ...])``; codes are not validated here."""
    text = _format_text(fmt)
    cached = _cache.get(text)
    if cached is not None:
        return cached
    order = "@"
    body = text
    if body[:1] in ("@", "=", "<", ">", "!"):
        order = ">" if body[0] == "!" else body[0]
        body = body[1:]
    items: list[tuple[int, str]] = []
    i = 0
    while i < len(body):
        count = 1
        if body[i].isdigit() and body[i].isascii():
            start = i
            while i < len(body) and body[i].isdigit() and body[i].isascii():
                i += 1
            count = int(body[start:i])
        code = body[i] if i < len(body) else "\x00"  # digits at the end: the terminator
        items.append((count, code))
        i += 1
    result = (order, items)
    if len(_cache) < 256:
        _cache[text] = result
    return result


def _size(order: str, code: str) -> tuple[int, int]:
    """``(size, alignment)`` of ``code``; ValueError("bad typecode") if the device has none."""
    if order == "@":
        found = _NATIVE.get(code)
        if found is not None:
            return found
    elif order in ("<", ">"):
        size = _STANDARD.get(code)
        if size is not None:
            return size, 1
    raise ValueError("bad typecode")


def _align(position: int, alignment: int) -> int:
    return (position + alignment - 1) & ~(alignment - 1)


def calcsize(fmt: Any, /) -> int:
    """The number of bytes ``fmt`` packs to (native alignment included).

    Raises ValueError("bad typecode") for a code the device lacks, TypeError if ``fmt`` is not
    str or bytes.
    """
    order, items = _parse(fmt)
    size = 0
    for count, code in items:
        if code == "s":
            size += count
            continue
        width, alignment = _size(order, code)
        for _ in range(count):
            size = _align(size, alignment) + width
    return size


def _int_value(value: Any) -> int:
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return int(value)
    raise TypeError("can't convert to int")


def _pack_into(fmt: Any, view: memoryview, position: int, values: tuple[Any, ...]) -> None:
    order, items = _parse(fmt)
    byteorder: Literal["big", "little"] = "big" if order == ">" else "little"
    end = len(view)
    index = 0
    for count, code in items:
        if index >= len(values):
            break
        if position + count > end:
            raise ValueError("buffer too small")
        if code == "s":
            data = read_buffer(values[index])[:count]
            index += 1
            view[position : position + len(data)] = data
            view[position + len(data) : position + count] = bytes(count - len(data))
            position += count
            continue
        width, alignment = _size(order, code)
        if code in _POINTERS:
            raise NotImplementedError(f"ustruct code {code!r} (a raw pointer) is not supported")
        for _ in range(count):
            if index >= len(values):
                break
            position = _align(position, alignment)
            if position + width > end:
                raise ValueError("buffer too small")
            number = _int_value(values[index]) & ((1 << (8 * width)) - 1)
            view[position : position + width] = number.to_bytes(width, byteorder)
            position += width
            index += 1


def pack(fmt: Any, /, *values: Any) -> bytes:
    """Pack ``values`` by ``fmt`` into bytes of ``calcsize(fmt)``.

    Extra values are ignored; fields without a value stay zero. Integers are truncated to
    their field. Raises ValueError("bad typecode"), TypeError for a value that is not an int
    (or, for ``s``, has no buffer protocol).
    """
    out = bytearray(calcsize(fmt))
    with memoryview(out) as view:
        _pack_into(fmt, view, 0, values)
    return bytes(out)


def pack_into(fmt: Any, buffer: Any, offset: Any, /, *values: Any) -> None:
    """Pack ``values`` by ``fmt`` into writable ``buffer`` at ``offset`` (negative: from the end).

    Raises ValueError("buffer too small") if the data does not fit, TypeError if ``buffer`` is
    not writable (bytes, str) or ``offset`` is not an int, and what ``pack`` raises.
    """
    view = writable_buffer(buffer)
    with view:
        start = _offset(offset, len(view))
        _pack_into(fmt, view, start, values)


def _offset(offset: Any, length: int) -> int:
    if not isinstance(offset, int):
        raise TypeError("can't convert to int")
    if offset < 0:
        offset += length
        if offset < 0:
            raise ValueError("buffer too small")
    return int(offset)


def unpack_from(fmt: Any, data: Any, offset: Any = 0, /) -> tuple[Any, ...]:
    """Unpack ``data`` (any buffer, str included) by ``fmt``, starting at ``offset``.

    The buffer may be longer than needed. Raises ValueError("buffer too small") if it is too
    short, ValueError("bad typecode"), TypeError without buffer protocol.
    """
    order, items = _parse(fmt)
    raw = read_buffer(data)
    position = _offset(offset, len(raw))
    end = len(raw)
    byteorder: Literal["big", "little"] = "big" if order == ">" else "little"
    result: list[Any] = []
    for count, code in items:
        if position + count > end:
            raise ValueError("buffer too small")
        if code == "s":
            result.append(raw[position : position + count])
            position += count
            continue
        width, alignment = _size(order, code)
        if code in _POINTERS:
            raise NotImplementedError(f"ustruct code {code!r} (a raw pointer) is not supported")
        signed = code > "Z"
        for _ in range(count):
            position = _align(position, alignment)
            if position + width > end:
                raise ValueError("buffer too small")
            chunk = raw[position : position + width]
            result.append(int.from_bytes(chunk, byteorder, signed=signed))
            position += width
    return tuple(result)


def unpack(fmt: Any, data: Any, offset: Any = 0, /) -> tuple[Any, ...]:
    """The device's ``unpack``: the same function as ``unpack_from`` (see there)."""
    return unpack_from(fmt, data, offset)
