"""ubinascii: MicroPython 1.8.5's conversions and their differences from CPython's binascii."""

from __future__ import annotations

import array
import base64
import binascii
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

import ubinascii


def test_hexlify_plain_and_buffer_types():
    assert ubinascii.hexlify(b"\x01\xab\xff") == b"01abff"
    assert ubinascii.hexlify(bytearray(b"\x10")) == b"10"
    assert ubinascii.hexlify(memoryview(b"\x02")) == b"02"
    assert ubinascii.hexlify(array.array("B", [1, 2])) == b"0102"
    assert ubinascii.hexlify(b"") == b""


def test_hexlify_accepts_str_unlike_cpython():
    assert ubinascii.hexlify("aé") == b"61c3a9"
    with pytest.raises(TypeError):
        binascii.hexlify("a")


def test_hexlify_separator_is_one_byte_between_every_byte():
    assert ubinascii.hexlify(b"\x01\x02\x03", ":") == b"01:02:03"
    assert ubinascii.hexlify(b"\x01\x02\x03", b"-") == b"01-02-03"
    assert ubinascii.hexlify(b"\x01\x02", "::") == b"01:02"  # only the first byte
    assert ubinascii.hexlify(b"\x01\x02", "") == b"01\x0002"  # the C string's terminator
    assert ubinascii.hexlify(b"\x01", ":") == b"01"
    # CPython 3.8+ refuses a longer separator and groups with bytes_per_sep
    with pytest.raises(ValueError):
        binascii.hexlify(b"\x01\x02", "::")
    assert binascii.hexlify(b"\x01\x02\x03", ":", 2) == b"01:0203"


@pytest.mark.parametrize("bad_sep", [None, 1, bytearray(b":")])
def test_hexlify_bad_separator(bad_sep):
    with pytest.raises(TypeError):
        ubinascii.hexlify(b"\x01", bad_sep)


@pytest.mark.parametrize("bad", [None, 1, [1, 2]])
def test_no_buffer_protocol_is_type_error(bad):
    for fn in (
        ubinascii.hexlify,
        ubinascii.unhexlify,
        ubinascii.a2b_base64,
        ubinascii.b2a_base64,
        ubinascii.crc32,
    ):
        with pytest.raises(TypeError, match="buffer protocol"):
            fn(bad)


def test_no_keyword_arguments():
    with pytest.raises(TypeError):
        ubinascii.hexlify(b"a", sep=":")
    with pytest.raises(TypeError):
        ubinascii.b2a_base64(b"a", newline=False)


def test_unhexlify():
    assert ubinascii.unhexlify(b"01abFF") == b"\x01\xab\xff"
    assert ubinascii.unhexlify("6162") == b"ab"
    assert ubinascii.unhexlify(b"") == b""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"abc", "odd-length string"),
        (b"zz", "non-hex digit found"),
        (b"0 ", "non-hex digit found"),
        (b"a b", "odd-length string"),
    ],
)
def test_unhexlify_errors_are_plain_value_errors(data, message):
    with pytest.raises(ValueError) as exc:
        ubinascii.unhexlify(data)
    assert str(exc.value) == message
    assert type(exc.value) is ValueError  # CPython raises binascii.Error


def test_b2a_base64_returns_bytes_with_newline():
    assert ubinascii.b2a_base64(b"hello") == b"aGVsbG8=\n"
    assert ubinascii.b2a_base64(b"") == b"\n"
    assert ubinascii.b2a_base64("é") == b"w6k=\n"


def test_a2b_base64():
    assert ubinascii.a2b_base64(b"aGVsbG8=") == b"hello"
    assert ubinascii.a2b_base64("aGk=") == b"hi"
    assert ubinascii.a2b_base64(b"") == b""
    assert ubinascii.a2b_base64(b"QUJD") == b"ABC"
    assert ubinascii.a2b_base64(b"QQ==") == b"A"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"aGVsbG8=\n", "incorrect padding"),  # b2a_base64's own output: length 4k+1
        (b"aGVsbG8", "incorrect padding"),
        (b"QQ==QUJD", "incorrect padding"),  # '=' before the last quad
        (b"Q===", "incorrect padding"),  # '=' in the first two places
        (b"aGV!", "invalid character"),
        (b"aG\nV", "invalid character"),  # CPython skips whitespace
        (b"!===", "incorrect padding"),  # checked from the end of the quad
    ],
)
def test_a2b_base64_is_strict(data, message):
    with pytest.raises(ValueError) as exc:
        ubinascii.a2b_base64(data)
    assert str(exc.value) == message


def test_a2b_base64_pad_in_third_place_leaves_zeroed_bytes():
    assert ubinascii.a2b_base64(b"QQ=B") == b"A\x00\x00"


def test_crc32():
    assert ubinascii.crc32(b"hello") == zlib.crc32(b"hello")
    assert ubinascii.crc32(b"lo", ubinascii.crc32(b"hel")) == zlib.crc32(b"hello")
    assert ubinascii.crc32(b"x", -1) == zlib.crc32(b"x", 0xFFFFFFFF)
    with pytest.raises(TypeError):
        ubinascii.crc32(b"x", "1")


@given(st.binary(max_size=64))
def test_hex_round_trip(data):
    assert ubinascii.unhexlify(ubinascii.hexlify(data)) == data
    assert ubinascii.hexlify(data) == binascii.hexlify(data)


@given(st.binary(min_size=1, max_size=32), st.sampled_from([":", " ", b"-", "xy"]))
def test_hexlify_separator_property(data, sep):
    out = ubinascii.hexlify(data, sep)
    sep_byte = (sep.encode() if isinstance(sep, str) else sep)[:1]
    assert out.split(sep_byte) == [b"%02x" % b for b in data]


@given(st.binary(max_size=64))
def test_base64_round_trip_without_newline(data):
    encoded = ubinascii.b2a_base64(data)
    assert encoded == base64.b64encode(data) + b"\n"
    assert ubinascii.a2b_base64(encoded[:-1]) == data


@given(st.binary(max_size=24) | st.text(max_size=24))
def test_random_input_raises_only_documented_errors(data):
    for fn in (ubinascii.unhexlify, ubinascii.a2b_base64):
        try:
            fn(data)
        except ValueError as exc:
            assert str(exc) in (
                "odd-length string",
                "non-hex digit found",
                "incorrect padding",
                "invalid character",
            )
    assert ubinascii.hexlify(data, ":")[-1:] != b":"
    assert ubinascii.b2a_base64(data).endswith(b"\n")
    assert 0 <= ubinascii.crc32(data) <= 0xFFFFFFFF
