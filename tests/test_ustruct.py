"""ustruct: MicroPython 1.8.5's struct on the WiPy, and where it differs from CPython's."""

from __future__ import annotations

import array
import struct

import pytest

import ustruct


def test_round_trip_every_integer_code_both_byte_orders():
    for order in "<>!":
        for code, value in zip("bBhHiIlLqQ", (-2, 200, -300, 60000, -(2**31), 2**32 - 1)):
            data = ustruct.pack(order + code, value)
            assert data == struct.pack(order + code, value)
            assert ustruct.unpack(order + code, data) == (value,)


def test_sizes_and_native_alignment_are_the_cc3200s():
    assert ustruct.calcsize("<bhiq") == 1 + 2 + 4 + 8
    assert ustruct.calcsize("<l") == 4  # 'l' is 32-bit on the WiPy (CPython standard: 4 too)
    assert ustruct.calcsize("l") == 4  # native: CPython on 64-bit Linux says 8
    assert ustruct.calcsize("bi") == 8
    assert ustruct.calcsize("bq") == 16  # long long aligns to 8 on ARM EABI
    assert ustruct.calcsize("P") == 4
    assert ustruct.calcsize("5s") == 5
    assert ustruct.calcsize("") == 0
    assert ustruct.pack("bH", 1, 2) == b"\x01\x00\x02\x00"
    assert ustruct.unpack("bI", b"\x05\x00\x00\x00\x01\x00\x00\x00") == (5, 1)


def test_f_and_d_are_integers_on_the_floatless_wipy():
    assert ustruct.calcsize("<fd") == 12
    assert ustruct.pack("<f", 3) == b"\x03\x00\x00\x00"
    assert ustruct.pack("<d", -1) == b"\xff" * 8
    assert ustruct.unpack("<f", b"\xfe\xff\xff\xff") == (-2,)
    assert ustruct.pack("<f", 2.9) == b"\x02\x00\x00\x00"  # a CPython float goes through int()
    assert struct.pack("<f", 3) != b"\x03\x00\x00\x00"


def test_unsupported_codes_raise_bad_typecode():
    for fmt in ("x", "<?", "e", "n", "N", "p", "<z", "b b", "<4"):
        with pytest.raises(ValueError, match="bad typecode"):
            ustruct.calcsize(fmt)
    with pytest.raises(ValueError, match="bad typecode"):
        ustruct.pack("<Hx", 1)
    with pytest.raises(ValueError, match="bad typecode"):
        ustruct.unpack("<H?", b"\x00\x00\x00")
    assert struct.calcsize("b b") == 2  # CPython ignores whitespace and knows 'x'/'?'


def test_equals_prefix_has_no_sizes_in_1_8_5():
    with pytest.raises(ValueError, match="bad typecode"):
        ustruct.calcsize("=I")
    with pytest.raises(ValueError, match="bad typecode"):
        ustruct.pack("=H", 1)
    assert ustruct.calcsize("=3s") == 3  # 's' needs no size table
    assert ustruct.pack("!H", 1) == b"\x00\x01"


def test_pointer_codes():
    assert ustruct.pack("<P", 0x20001000) == b"\x00\x10\x00\x20"
    assert ustruct.unpack("<P", b"\xff\xff\xff\xff") == (0xFFFFFFFF,)
    for code in "OS":
        with pytest.raises(NotImplementedError):
            ustruct.pack("<" + code, 1)
        with pytest.raises(NotImplementedError):
            ustruct.unpack("<" + code, b"\x00" * 4)


def test_integers_are_truncated_not_range_checked():
    assert ustruct.pack("B", 256) == b"\x00"
    assert ustruct.pack("<h", 0x12345) == b"\x45\x23"
    assert ustruct.pack("<B", -1) == b"\xff"
    assert ustruct.pack("<Q", 2**64 + 5) == b"\x05" + b"\x00" * 7
    with pytest.raises(struct.error):
        struct.pack("B", 256)


def test_non_integers_raise_type_error():
    with pytest.raises(TypeError):
        ustruct.pack("<H", "1")
    with pytest.raises(TypeError):
        ustruct.pack("<H", None)
    assert ustruct.pack("<B", True) == b"\x01"


def test_pack_ignores_extra_values_and_zero_fills_missing_ones():
    assert ustruct.pack("<B", 1, 2, 3) == b"\x01"
    assert ustruct.pack("<HH", 1) == b"\x01\x00\x00\x00"
    assert ustruct.pack("<3B", 7) == b"\x07\x00\x00"
    with pytest.raises(struct.error):
        struct.pack("<HH", 1)


def test_s_code_pads_truncates_and_takes_str():
    assert ustruct.pack("<4s", b"ab") == b"ab\x00\x00"
    assert ustruct.pack("<2s", b"abcd") == b"ab"
    assert ustruct.pack("<3s", "hé") == "hé".encode()
    assert ustruct.pack("<s", b"xyz") == b"x"
    assert ustruct.unpack("<2sH", b"hi\x01\x00") == (b"hi", 1)
    with pytest.raises(TypeError):
        ustruct.pack("<2s", 12)


def test_unpack_is_unpack_from_with_lenient_length_and_offset():
    assert ustruct.unpack("<H", b"\x01\x02\x03") == (0x0201,)
    assert ustruct.unpack("<H", b"\x00\x01\x02", 1) == (0x0201,)
    assert ustruct.unpack_from("<H", b"\x00\x01\x02", -2) == (0x0201,)
    assert ustruct.unpack_from("<B", bytearray(b"\x09")) == (9,)
    assert ustruct.unpack_from("<H", array.array("H", [513])) == (513,)
    assert ustruct.unpack("<B", "a") == (97,)  # str has the buffer protocol on the device
    with pytest.raises(struct.error):
        struct.unpack("<H", b"\x01\x02\x03")


def test_buffer_too_small():
    with pytest.raises(ValueError, match="buffer too small"):
        ustruct.unpack("<I", b"\x01\x02")
    with pytest.raises(ValueError, match="buffer too small"):
        ustruct.unpack("<2B", b"\x01")
    with pytest.raises(ValueError, match="buffer too small"):
        ustruct.unpack_from("<B", b"\x01", -2)
    with pytest.raises(ValueError, match="buffer too small"):
        ustruct.unpack_from("<B", b"\x01", 1)
    with pytest.raises(TypeError):
        ustruct.unpack("<B", 5)


def test_native_alignment_counts_from_the_buffer_start():
    data = bytes(range(12))
    assert ustruct.unpack_from("I", data, 1) == (int.from_bytes(data[4:8], "little"),)
    buf = bytearray(8)
    ustruct.pack_into("H", buf, 1, 0xABCD)
    assert buf == b"\x00\x00\xcd\xab\x00\x00\x00\x00"


def test_pack_into():
    buf = bytearray(6)
    ustruct.pack_into("<HH", buf, 1, 0x0102, 0x0304)
    assert buf == b"\x00\x02\x01\x04\x03\x00"
    ustruct.pack_into(">H", buf, -2, 0xBEEF)
    assert buf[-2:] == b"\xbe\xef"
    view = memoryview(buf)
    ustruct.pack_into("<B", view, 0, 0x55)
    assert buf[0] == 0x55
    with pytest.raises(ValueError, match="buffer too small"):
        ustruct.pack_into("<I", buf, 4, 1)
    with pytest.raises(ValueError, match="buffer too small"):
        ustruct.pack_into("<B", buf, -7, 1)
    with pytest.raises(TypeError):
        ustruct.pack_into("<B", b"\x00\x00", 0, 1)
    with pytest.raises(TypeError):
        ustruct.pack_into("<B", buf, "0", 1)


def test_format_must_be_text():
    assert ustruct.calcsize(b"<H") == 2
    with pytest.raises(TypeError):
        ustruct.calcsize(5)


def test_arguments_are_positional_only():
    with pytest.raises(TypeError):
        ustruct.unpack_from("<B", buffer=b"\x00")
