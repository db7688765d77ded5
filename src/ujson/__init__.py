"""``ujson``: JSON encoding and decoding with MicroPython 1.8.5's semantics on the WiPy.

Differences from CPython's ``json`` (the device wins; each is tested):

* ``dumps`` writes MicroPython's print form: ``", "`` and ``": "`` separators, no
  ``ensure_ascii`` (non-ASCII text is written as is), control characters other than ``\\n``,
  ``\\r``, ``\\t`` as ``\\u00XX``; tuples as lists; bytes as JSON strings; non-str dict keys
  unquoted (``{1: 2}`` gives ``'{1: 2}'``, which is not JSON); an ``OrderedDict`` as
  ``OrderedDict({...})``; any other object as its ``repr()`` (never TypeError). Key order is
  the dict's order here; the device prints its hash-table order, which is unspecified.
* The WiPy build has no floating point: ``loads`` raises ValueError("decimal numbers not
  supported") for a number with ``.``, ``e`` or ``E``. (``dumps`` of a CPython float, which
  device code cannot create, gives MicroPython's ``%.16g`` form with ``.0`` appended to
  integral values.)
* ``loads`` is the device's lenient one-pass parser: commas and colons count as whitespace
  (``[1 2,]`` and trailing commas parse), ``]`` and ``}`` close either container, an unclosed
  top-level container is accepted, unknown escapes stand for the character itself, ``\\u``
  surrogates are not paired, control characters may appear raw in strings, dict keys may be any
  primitive. What it rejects (single quotes, NaN/Infinity, ``+1``, bare words, more than one
  value, a container as a dict key) raises ValueError("syntax error in JSON"); an integer it
  cannot parse (``-``, ``1-2``) ValueError("invalid syntax for integer").
* ``loads`` takes str or bytes only (TypeError otherwise, also for bytearray).
* ``dump(obj, stream)`` and ``load(stream)`` were added to ujson after 1.8.5; they are provided
  with the same output and parsing as ``dumps``/``loads``.
"""

from __future__ import annotations

import collections
from typing import Any

__all__ = ["dump", "dumps", "load", "loads"]

_SYNTAX = "syntax error in JSON"
_ESCAPES = {0x62: 0x08, 0x66: 0x0C, 0x6E: 0x0A, 0x72: 0x0D, 0x74: 0x09}
_SPACE = frozenset(b" \t\n\r,:")
_TRAILING_SPACE = frozenset(b" \t\n\r\x0b\x0c")
_NUMBER = frozenset(b"-0123456789.eE")
_FLOAT_MARK = frozenset(b".eE")


# ----------------------------------------------------------------------------------- dumps


def _json_string(data: bytes) -> str:
    out = bytearray(b'"')
    for b in data:
        if b in (0x22, 0x5C):
            out += b"\\" + bytes((b,))
        elif b >= 32:
            out.append(b)
        elif b == 0x0A:
            out += b"\\n"
        elif b == 0x0D:
            out += b"\\r"
        elif b == 0x09:
            out += b"\\t"
        else:
            out += b"\\u%04x" % b
    out.append(0x22)
    return out.decode("utf-8", "surrogateescape")


def _float_repr(value: float) -> str:
    text = f"{value:.16g}"
    if text in ("inf", "-inf", "nan", "-nan"):
        return text.replace("-nan", "nan")
    if "." not in text and "e" not in text:
        text += ".0"
    return text


def _encode(obj: Any, parts: list[str]) -> None:
    if obj is None:
        parts.append("null")
    elif obj is True:
        parts.append("true")
    elif obj is False:
        parts.append("false")
    elif isinstance(obj, str):
        parts.append(_json_string(obj.encode("utf-8", "surrogateescape")))
    elif isinstance(obj, bytes):
        parts.append(_json_string(obj))
    elif isinstance(obj, int):
        parts.append(int.__repr__(obj))
    elif isinstance(obj, float):
        parts.append(_float_repr(obj))
    elif isinstance(obj, (list, tuple)):
        parts.append("[")
        for i, item in enumerate(obj):
            if i:
                parts.append(", ")
            _encode(item, parts)
        parts.append("]")
    elif isinstance(obj, dict):
        ordered = isinstance(obj, collections.OrderedDict)
        parts.append("OrderedDict({" if ordered else "{")
        for i, (key, value) in enumerate(obj.items()):
            if i:
                parts.append(", ")
            _encode(key, parts)
            parts.append(": ")
            _encode(value, parts)
        parts.append("})" if ordered else "}")
    else:
        parts.append(repr(obj))


def dumps(obj: Any, /) -> str:
    """Return ``obj`` in the device's JSON form (see the module docstring); never TypeError.

    A self-containing list or dict raises RecursionError (the device runs out of stack).
    """
    parts: list[str] = []
    _encode(obj, parts)
    return "".join(parts)


def dump(obj: Any, stream: Any, /) -> None:
    """Write ``dumps(obj)`` to ``stream`` (anything with ``write``); returns None.

    Raises AttributeError/TypeError from the stream as it does, OSError from its write.
    """
    stream.write(dumps(obj))


# ----------------------------------------------------------------------------------- loads


def _parse_int(text: bytes) -> int:
    body = text[1:] if text[:1] == b"-" else text
    if not body or not body.isdigit():
        raise ValueError("invalid syntax for integer")
    return int(text)


def _hex_nibble(ch: int) -> int:
    c = ((ch | 0x20) - 0x30) & 0xFF
    if c > 9:
        c = (c - 0x27) & 0xFF
    return c


def _string(data: bytes, pos: int, end: int) -> tuple[str, int]:
    """Parse a string body starting after its opening quote; return (text, position after)."""
    out: list[str] = []
    chunk = bytearray()
    while pos < end and data[pos] != 0x22:
        c = data[pos]
        if c == 0x5C:
            pos += 1
            if pos >= end:
                raise ValueError(_SYNTAX)
            c = data[pos]
            if c == 0x75:  # \uXXXX, hex digits not validated, as on the device
                if pos + 4 >= end:
                    raise ValueError(_SYNTAX)
                num = 0
                for k in range(1, 5):
                    num = (num << 4) | _hex_nibble(data[pos + k])
                out.append(chunk.decode("utf-8", "surrogateescape"))
                chunk = bytearray()
                out.append(chr(num) if num <= 0x10FFFF else "\ufffd")
                pos += 5
                continue
            c = _ESCAPES.get(c, c)
        chunk.append(c)
        pos += 1
    if pos >= end:
        raise ValueError(_SYNTAX)
    out.append(chunk.decode("utf-8", "surrogateescape"))
    return "".join(out), pos + 1


def _literal(data: bytes, pos: int, word: bytes, value: Any) -> tuple[Any, int]:
    if data.startswith(word, pos):
        return value, pos + len(word)
    raise ValueError(_SYNTAX)


def _primitive(data: bytes, pos: int, end: int) -> tuple[Any, int]:
    c = data[pos]
    if c == 0x6E:
        return _literal(data, pos, b"null", None)
    if c == 0x66:
        return _literal(data, pos, b"false", False)
    if c == 0x74:
        return _literal(data, pos, b"true", True)
    if c == 0x22:
        return _string(data, pos + 1, end)
    if c == 0x2D or 0x30 <= c <= 0x39:
        stop = pos
        while stop < end and data[stop] in _NUMBER:
            stop += 1
        text = data[pos:stop]
        if _FLOAT_MARK.intersection(text):
            raise ValueError("decimal numbers not supported")
        return _parse_int(text), stop
    raise ValueError(_SYNTAX)


def loads(text: Any, /) -> Any:
    """Parse JSON (str or bytes) the way the WiPy's 1.8.5 ujson does (see the module docstring).

    Raises ValueError("syntax error in JSON") for malformed input, ValueError("decimal numbers
    not supported") for a non-integer number, ValueError("invalid syntax for integer") for a
    malformed integer, TypeError("can't convert to str implicitly") if ``text`` is not str/bytes.
    """
    if isinstance(text, str):
        data = text.encode("utf-8", "surrogateescape")
    elif isinstance(text, bytes):
        data = text
    else:
        raise TypeError("can't convert to str implicitly")
    end = len(data)
    pos = 0
    stack: list[Any] = []
    top: Any = None
    have_top = False
    key: Any = None
    have_key = False
    while pos < end:
        c = data[pos]
        if c in _SPACE:
            pos += 1
            continue
        enter = False
        if c == 0x5B:
            value: Any = []
            enter = True
            pos += 1
        elif c == 0x7B:
            value = {}
            enter = True
            pos += 1
        elif c in (0x5D, 0x7D):
            pos += 1
            if not have_top:
                raise ValueError(_SYNTAX)
            if not stack:
                break  # the top-level container is complete
            top = stack.pop()
            continue
        else:
            value, pos = _primitive(data, pos, end)
        if not have_top:
            top = value
            have_top = True
            if not enter:
                break  # a single primitive
            continue
        if isinstance(top, list):
            top.append(value)
        elif not have_key:
            if enter:
                raise ValueError(_SYNTAX)
            key = value
            have_key = True
        else:
            top[key] = value
            have_key = False
        if enter:
            stack.append(top)
            top = value
    while pos < end and data[pos] in _TRAILING_SPACE:
        pos += 1
    if pos < end or not have_top or stack:
        raise ValueError(_SYNTAX)
    return top


def load(stream: Any, /) -> Any:
    """Read ``stream`` to its end (``stream.read()``) and parse it as :func:`loads` does.

    Raises what :func:`loads` raises, and what the stream's ``read`` raises.
    """
    return loads(stream.read())
