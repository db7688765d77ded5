"""``uzlib``: zlib/DEFLATE decompression, as MicroPython 1.8.5's generic ``uzlib`` module.

**The WiPy's 1.8.5 build did not include this module** (``MICROPY_PY_UZLIB`` was 0 in its
port configuration); it is provided with the generic 1.8.5 API, which is only
``decompress(data, wbits=0, bufsize=0)`` (``DecompIO`` came later). Differences from
CPython's ``zlib.decompress`` (each is tested):

* The result is a **bytearray**.
* Only the sign of ``wbits`` matters: negative means a raw DEFLATE stream, anything else a
  zlib stream (header checked: method 8, window of at most 32 KiB, header checksum, no preset
  dictionary). gzip data (``wbits`` 16+) is not understood and is a header error. ``bufsize``
  is ignored. Arguments are positional only.
* Errors are ``ValueError(-3)`` (uzlib's ``TINF_DATA_ERROR``), not ``zlib.error``: a bad
  header, corrupt or truncated data.
* The 1.8.5 decoder does not verify the Adler-32 trailer and ignores bytes after the end of
  the stream; neither is an error here either.
"""

from __future__ import annotations

import zlib
from typing import Any

from micropython_compat._buffer import read_buffer

__all__ = ["decompress"]

_TINF_DATA_ERROR = -3


def _zlib_header_ok(raw: bytes) -> bool:
    if len(raw) < 2:
        return False
    cmf, flg = raw[0], raw[1]
    return (cmf * 256 + flg) % 31 == 0 and cmf & 0x0F == 8 and cmf >> 4 <= 7 and not flg & 0x20


def decompress(data: Any, wbits: Any = 0, bufsize: Any = 0, /) -> bytearray:
    """Decompress a zlib stream (``wbits`` >= 0) or raw DEFLATE data (``wbits`` < 0).

    Raises ValueError(-3) for a bad header or bad/truncated data, TypeError if ``data`` has no
    buffer protocol or ``wbits`` is not an int.
    """
    del bufsize  # accepted for CPython compatibility and ignored, as on the device
    raw = read_buffer(data)
    if not isinstance(wbits, int):
        raise TypeError("can't convert to int")
    if wbits >= 0:
        if not _zlib_header_ok(raw):
            raise ValueError(_TINF_DATA_ERROR)
        raw = raw[2:]
    inflater = zlib.decompressobj(-15)
    try:
        out = inflater.decompress(raw)
    except zlib.error:
        raise ValueError(_TINF_DATA_ERROR) from None
    if not inflater.eof:
        raise ValueError(_TINF_DATA_ERROR)
    return bytearray(out)
