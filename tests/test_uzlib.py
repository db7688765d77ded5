"""uzlib: MicroPython 1.8.5's decompress, compared with CPython's zlib."""

from __future__ import annotations

import gzip
import zlib

import pytest

import uzlib

TEXT = b"MicroPython on the WiPy " * 40


def test_zlib_stream_gives_a_bytearray():
    out = uzlib.decompress(zlib.compress(TEXT))
    assert out == TEXT
    assert type(out) is bytearray
    assert uzlib.decompress(bytearray(zlib.compress(b""))) == b""


def test_raw_deflate_with_negative_wbits():
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    raw = packer.compress(TEXT) + packer.flush()
    assert uzlib.decompress(raw, -15) == TEXT
    assert uzlib.decompress(raw, -8) == TEXT  # only the sign matters
    assert uzlib.decompress(zlib.compress(TEXT), 15, 4096) == TEXT  # bufsize is ignored
    with pytest.raises(ValueError):
        uzlib.decompress(raw)  # no zlib header


def test_errors_are_value_error_minus_3():
    bad = [b"", b"\x78", b"garbage!", zlib.compress(TEXT)[:-10], gzip.compress(TEXT)]
    for data in bad:
        with pytest.raises(ValueError) as exc:
            uzlib.decompress(data)
        assert exc.value.args == (-3,)
    with pytest.raises(ValueError) as exc:
        uzlib.decompress(gzip.compress(TEXT), 31)  # 1.8.5's decompress has no gzip
    assert exc.value.args == (-3,)
    with pytest.raises(zlib.error):
        zlib.decompress(b"garbage!")


def _header(cmf: int, flags: int) -> bytes:
    """A zlib header with a valid check value."""
    return bytes([cmf, flags | (31 - (cmf * 256 + flags) % 31) % 31])


def test_zlib_header_checks():
    body = zlib.compress(TEXT)[2:]
    assert uzlib.decompress(_header(0x78, 0x80) + body) == TEXT
    for header in (
        _header(0x78, 0x80 | 0x20),  # a preset dictionary
        _header(0x79, 0x80),  # method 9
        _header(0x88, 0x80),  # a 64 KiB window
        bytes([0x78, 0x9D]),  # a bad check value
    ):
        with pytest.raises(ValueError):
            uzlib.decompress(header + body)


def test_adler32_trailer_and_trailing_bytes_are_not_checked():
    data = bytearray(zlib.compress(TEXT))
    data[-1] ^= 0xFF
    assert uzlib.decompress(data) == TEXT
    with pytest.raises(zlib.error):
        zlib.decompress(bytes(data))
    assert uzlib.decompress(zlib.compress(TEXT) + b"junk") == TEXT


def test_argument_errors():
    with pytest.raises(TypeError):
        uzlib.decompress(5)
    with pytest.raises(TypeError):
        uzlib.decompress(zlib.compress(TEXT), "15")
    with pytest.raises(TypeError):
        uzlib.decompress(zlib.compress(TEXT), wbits=15)
    assert not hasattr(uzlib, "DecompIO")
    assert not hasattr(uzlib, "compress")
