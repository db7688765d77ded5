"""uctypes: MicroPython 1.8.5's layouts, bitfields, arrays and pointers on real memory."""

from __future__ import annotations

import array
import contextlib
import ctypes
import gc
import struct
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import uctypes

PTR_SIZE = struct.calcsize("P")
LE, BE, NATIVE = uctypes.LITTLE_ENDIAN, uctypes.BIG_ENDIAN, uctypes.NATIVE
HOST = "<" if sys.byteorder == "little" else ">"
PREFIX = {LE: "<", BE: ">", NATIVE: HOST}
SCALARS = {
    "UINT8": "B",
    "INT8": "b",
    "UINT16": "H",
    "INT16": "h",
    "UINT32": "I",
    "INT32": "i",
    "UINT64": "Q",
    "INT64": "q",
}
DOCUMENTED = (TypeError, KeyError, IndexError, ValueError, OverflowError, RuntimeError)


def at(buf: Any, desc: object, layout: int = NATIVE, offset: int = 0) -> Any:
    return uctypes.struct(uctypes.addressof(buf) + offset, desc, layout)


def put_pointer(buf: bytearray, offset: int, target: int) -> None:
    struct.pack_into("@P", buf, offset, target)


@pytest.fixture
def raw_access() -> Iterator[None]:
    previous = uctypes.unsafe_raw_access(True)
    yield
    uctypes.unsafe_raw_access(previous)


# --- constants -----------------------------------------------------------------------------------


def test_type_constants_have_the_device_encoding() -> None:
    expected = {
        "UINT8": 0,
        "INT8": 0x08000000,
        "UINT16": 0x10000000,
        "INT16": 0x18000000,
        "UINT32": 0x20000000,
        "INT32": 0x28000000,
        "UINT64": 0x30000000,
        "INT64": 0x38000000,
        "BFUINT8": -0x40000000,
        "BFINT8": -0x38000000,
        "BFUINT16": -0x30000000,
        "BFINT16": -0x28000000,
        "BFUINT32": -0x20000000,
        "BFINT32": -0x18000000,
        "FLOAT32": -0x10000000,
        "FLOAT64": -0x08000000,
        "VOID": 0,
        "PTR": 0x20000000,
        "ARRAY": -0x40000000,
        "BF_POS": 17,
        "BF_LEN": 22,
        "LITTLE_ENDIAN": 0,
        "BIG_ENDIAN": 1,
        "NATIVE": 2,
    }
    assert {name: getattr(uctypes, name) for name in expected} == expected


def test_every_public_name_exists() -> None:
    for name in uctypes.__all__:
        assert hasattr(uctypes, name), name


# --- the spec's descriptor examples ------------------------------------------------------------


def test_the_spec_examples_work_unchanged() -> None:
    desc = {
        "field_name": uctypes.UINT32 | 0,
        "sub": (
            2,
            {
                "b0": uctypes.UINT8 | 0,
                "b1": uctypes.UINT8 | 1,
            },
        ),
        "arr": (uctypes.ARRAY | 0, uctypes.UINT8 | 2),
        "arr2": (uctypes.ARRAY | 0, 2, {"b": uctypes.UINT8 | 0}),
        "ptr": (uctypes.PTR | 0, uctypes.UINT8),
        "ptr2": (uctypes.PTR | 0, {"b": uctypes.UINT8 | 0}),
        "bitf0": uctypes.BFUINT16 | 0 | 0 << uctypes.BF_POS | 8 << uctypes.BF_LEN,
    }
    target = bytearray(b"\x2a\x07")
    buf = bytearray(16)
    put_pointer(buf, 0, uctypes.addressof(target))
    s = at(buf, desc, NATIVE)
    assert s.sub.b0 == buf[2] and s.sub.b1 == buf[3]
    assert list(s.arr) == list(buf[0:2])
    assert s.arr2[1].b == buf[1]
    assert s.ptr[0] == 0x2A and s.ptr[1] == 7
    assert s.ptr2[0].b == 0x2A and s.ptr2[1].b == 7
    assert s.bitf0 == buf[0 if HOST == "<" else 1]
    assert s.field_name == struct.unpack_from(HOST + "I", buf, 0)[0]


def test_the_module_docstring_example() -> None:
    foo_struct = {"a": 0 | uctypes.UINT32, "b": 4 | uctypes.UINT8}
    buf = b"\x64\0\0\0\x14"
    s = uctypes.struct(uctypes.addressof(buf), foo_struct, uctypes.LITTLE_ENDIAN)
    assert (s.a, s.b) == (100, 20)


# --- scalars -----------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", [LE, BE, NATIVE])
@pytest.mark.parametrize("name", list(SCALARS))
def test_scalar_fields_read_the_memory(name: str, layout: int) -> None:
    buf = bytearray(range(0x81, 0x81 + 24))
    s = at(buf, {"x": getattr(uctypes, name) | 3}, layout)
    assert s.x == struct.unpack_from(PREFIX[layout] + SCALARS[name], buf, 3)[0]


@pytest.mark.parametrize("layout", [LE, BE, NATIVE])
def test_float_fields_read_and_write(layout: int) -> None:
    buf = bytearray(16)
    s = at(buf, {"f": uctypes.FLOAT32 | 1, "d": uctypes.FLOAT64 | 5}, layout)
    s.f = 1.5
    s.d = -2.25
    assert struct.unpack_from(PREFIX[layout] + "f", buf, 1)[0] == 1.5
    assert struct.unpack_from(PREFIX[layout] + "d", buf, 5)[0] == -2.25
    assert (s.f, s.d) == (1.5, -2.25)
    s.f = 3  # ints are accepted, as by mp_obj_get_float
    assert s.f == 3.0
    s.f = 1e300  # the C cast to float gives an infinity
    assert s.f == float("inf")
    with pytest.raises(TypeError, match="can't convert str to float"):
        s.d = "1.0"


@pytest.mark.parametrize("layout", [LE, BE])
def test_packed_layouts_truncate_any_int(layout: int) -> None:
    buf = bytearray(8)
    s = at(
        buf, {"u8": uctypes.UINT8 | 0, "i16": uctypes.INT16 | 1, "u32": uctypes.UINT32 | 3}, layout
    )
    s.u8 = 0x1FF
    s.i16 = 0x18000
    s.u32 = -1
    assert (s.u8, s.i16, s.u32) == (0xFF, -0x8000, 0xFFFFFFFF)
    s.u32 = 2**40 + 5
    assert s.u32 == 5


def test_native_writes_need_a_machine_word() -> None:
    buf = bytearray(16)
    s = at(buf, {"u32": uctypes.UINT32 | 0, "u64": uctypes.UINT64 | 8}, NATIVE)
    s.u32 = -1
    assert s.u32 == 0xFFFFFFFF
    s.u64 = -2
    assert s.u64 == 2**64 - 2
    s.u32 = 2**31 - 1
    assert s.u32 == 2**31 - 1
    with pytest.raises(OverflowError, match="overflow converting long int to machine word"):
        s.u32 = 0xFFFFFFFF
    with pytest.raises(OverflowError):
        s.u64 = 2**40
    assert s.u32 == 2**31 - 1  # nothing was written


def test_int_fields_refuse_other_types() -> None:
    s = at(bytearray(4), {"x": uctypes.UINT16 | 0}, LE)
    with pytest.raises(TypeError, match="can't convert float to int"):
        s.x = 1.5
    with pytest.raises(TypeError, match="can't convert NoneType to int"):
        s.x = None
    s.x = True
    assert s.x == 1


# --- bitfields ---------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", [LE, BE, NATIVE])
def test_bitfields_count_from_the_least_significant_bit_in_every_byte_order(layout: int) -> None:
    buf = bytearray(struct.pack(PREFIX[layout] + "H", 0xA5C3))
    desc = {
        "low": uctypes.BFUINT16 | 0 | 0 << uctypes.BF_POS | 8 << uctypes.BF_LEN,
        "high": uctypes.BFUINT16 | 0 | 8 << uctypes.BF_POS | 8 << uctypes.BF_LEN,
        "mid": uctypes.BFUINT16 | 0 | 4 << uctypes.BF_POS | 5 << uctypes.BF_LEN,
    }
    s = at(buf, desc, layout)
    assert (s.low, s.high, s.mid) == (0xC3, 0xA5, (0xA5C3 >> 4) & 31)
    s.mid = 0b10101
    expected = (0xA5C3 & ~(31 << 4)) | (0b10101 << 4)
    assert struct.unpack(PREFIX[layout] + "H", buf)[0] == expected
    s.low = 0x1FF  # truncated to the field
    assert s.low == 0xFF and s.high == expected >> 8


def test_signed_bitfields_read_unsigned_with_the_device_sign_extension_quirk() -> None:
    buf = bytearray(b"\x80")
    desc = {"f": uctypes.BFINT8 | 0 | 4 << uctypes.BF_POS | 8 << uctypes.BF_LEN}
    assert at(buf, desc, LE).f == 0xF8  # container sign-extended to 32 bits, then shifted
    assert at(buf, desc, NATIVE).f == 0x08
    small = {"f": uctypes.BFINT8 | 0 | 4 << uctypes.BF_POS | 4 << uctypes.BF_LEN}
    assert at(buf, small, LE).f == 8  # never negative


def test_bitfield_writes_need_a_machine_word() -> None:
    s = at(bytearray(4), {"f": uctypes.BFUINT32 | 0 | 0 << uctypes.BF_POS | 31 << uctypes.BF_LEN})
    with pytest.raises(OverflowError):
        s.f = 2**31
    with pytest.raises(TypeError):
        s.f = "1"
    s.f = -1
    assert s.f == 2**31 - 1


# --- nested structs and arrays -----------------------------------------------------------------


def test_nested_structs_share_the_memory() -> None:
    buf = bytearray(8)
    desc = {"hdr": (2, {"inner": (1, {"v": uctypes.UINT16 | 0})})}
    s = at(buf, desc, BE)
    s.hdr.inner.v = 0x1234
    assert buf[3:5] == b"\x12\x34"
    assert uctypes.addressof(s.hdr.inner) == uctypes.addressof(buf) + 3


@pytest.mark.parametrize("layout", [LE, BE, NATIVE])
def test_scalar_arrays_index_read_and_write(layout: int) -> None:
    buf = bytearray(12)
    s = at(buf, {"a": (uctypes.ARRAY | 2, uctypes.INT16 | 4)}, layout)
    for i in range(4):
        s.a[i] = -i - 1
    assert [s.a[i] for i in range(4)] == [-1, -2, -3, -4]
    assert struct.unpack_from(PREFIX[layout] + "4h", buf, 2) == (-1, -2, -3, -4)


def test_array_bounds_and_index_types() -> None:
    s = at(bytearray(8), {"a": (uctypes.ARRAY | 0, uctypes.UINT16 | 4)})
    with pytest.raises(IndexError, match="struct: index out of range"):
        s.a[4]
    with pytest.raises(IndexError):
        s.a[4] = 1
    with pytest.raises(IndexError):
        s.a[-1]
    with pytest.raises(TypeError):
        s.a["0"]
    with pytest.raises(TypeError):
        s.a[0:2]


def test_an_array_of_uint8_is_a_by_reference_byte_buffer() -> None:
    buf = bytearray(b"abcdef")
    s = at(buf, {"name": (uctypes.ARRAY | 1, uctypes.UINT8 | 3)})
    field = s.name
    assert bytes(field) == b"bcd" and len(field) == 3
    field[0] = ord("X")
    assert buf == bytearray(b"aXcdef")
    assert uctypes.sizeof(field) == 3
    assert uctypes.addressof(field) == uctypes.addressof(buf) + 1


def test_arrays_of_structs_step_by_the_element_size() -> None:
    buf = bytearray(range(16))
    elem = {"a": uctypes.UINT8 | 0, "b": uctypes.UINT16 | 2}
    s = at(buf, {"items": (uctypes.ARRAY | 0, 3, elem)}, LE)
    assert [s.items[i].a for i in range(3)] == [0, 4, 8]
    assert s.items[2].b == 10 | 11 << 8
    with pytest.raises(IndexError):
        s.items[3]
    with pytest.raises(TypeError, match="does not support item assignment"):
        s.items[0] = 1


def test_float_arrays_use_their_element_size() -> None:
    buf = bytearray(24)
    s = at(
        buf,
        {
            "f": (uctypes.ARRAY | 0, uctypes.FLOAT32 | 2),
            "d": (uctypes.ARRAY | 8, uctypes.FLOAT64 | 2),
        },
        BE,
    )
    s.f[1] = 0.5
    s.d[1] = 0.25
    assert struct.unpack(">2f2d", buf) == (0.0, 0.5, 0.0, 0.25)
    assert uctypes.sizeof(s) == 24


# --- pointers ----------------------------------------------------------------------------------


def test_pointers_to_scalars_dereference_like_c() -> None:
    data = array.array("H", [10, 20, 30])
    buf = bytearray(PTR_SIZE)
    put_pointer(buf, 0, uctypes.addressof(data) + 2)
    s = at(buf, {"p": (uctypes.PTR | 0, uctypes.UINT16)}, BE)  # the target is read natively
    assert (s.p[0], s.p[1], s.p[-1]) == (20, 30, 10)
    with pytest.raises(ValueError):
        s.p[2]  # past the end of the array's buffer


def test_a_store_through_a_pointer_is_ignored_as_in_1_8_5() -> None:
    target = bytearray(b"\x01")
    buf = bytearray(PTR_SIZE)
    put_pointer(buf, 0, uctypes.addressof(target))
    s = at(buf, {"p": (uctypes.PTR | 0, uctypes.UINT8)})
    s.p[0] = 99
    assert target == bytearray(b"\x01")


def test_a_linked_list_through_a_self_referencing_descriptor() -> None:
    node: dict[str, Any] = {"value": uctypes.UINT32 | 0}
    node["next"] = (uctypes.PTR | 8, node)
    first, second = bytearray(16), bytearray(16)
    head = at(first, node, NATIVE)
    head.value = 1
    at(second, node, NATIVE).value = 2
    put_pointer(first, 8, uctypes.addressof(second))
    assert head.next[0].value == 2
    assert uctypes.sizeof(node) == 8 + PTR_SIZE
    with pytest.raises(ValueError, match="not inside a buffer known"):
        head.next[0].next[0]  # a NULL pointer


def test_pointer_fields_cannot_be_assigned_in_1_8_5() -> None:
    s = at(bytearray(16), {"p": (uctypes.PTR | 0, uctypes.UINT8)})
    with pytest.raises(TypeError, match="syntax error in uctypes descriptor"):
        s.p = 0


# --- sizeof ------------------------------------------------------------------------------------


def test_sizeof_pads_native_structs_to_the_largest_scalar() -> None:
    desc = {"a": uctypes.UINT32 | 0, "b": uctypes.UINT8 | 4}
    assert uctypes.sizeof(desc) == 8
    buf = bytearray(8)
    assert uctypes.sizeof(at(buf, desc, LE)) == 5
    assert uctypes.sizeof(at(buf, desc, BE)) == 5
    assert uctypes.sizeof(at(buf, desc, NATIVE)) == 8
    assert uctypes.sizeof({}) == 0


def test_sizeof_shares_the_running_maximum_with_nested_structs_in_order() -> None:
    inner = (1, {"b": uctypes.UINT8 | 0, "c": uctypes.UINT8 | 1})
    assert uctypes.sizeof({"a": uctypes.UINT32 | 0, "s": inner}) == 8
    assert uctypes.sizeof({"s": inner, "a": uctypes.UINT32 | 0}) == 4


def test_sizeof_of_aggregates_and_buffers() -> None:
    assert uctypes.sizeof((uctypes.ARRAY | 0, uctypes.UINT32 | 3)) == 12
    assert uctypes.sizeof((uctypes.ARRAY | 0, 2, {"x": uctypes.UINT16 | 0})) == 4
    assert uctypes.sizeof({"p": (uctypes.PTR | 0, uctypes.UINT8)}) == PTR_SIZE
    assert uctypes.sizeof(bytearray(7)) == 7
    s = at(bytearray(8), {"a": (uctypes.ARRAY | 0, uctypes.UINT16 | 3)})
    assert uctypes.sizeof(s.a) == 6


def test_sizeof_errors() -> None:
    with pytest.raises(TypeError, match="Cannot unambiguously get sizeof scalar"):
        uctypes.sizeof(uctypes.UINT8 | 4)
    for bad in ("x", b"x", None, {"a": "x"}, {"a": (uctypes.ARRAY | 0, "x")}):
        with pytest.raises(TypeError, match="syntax error in uctypes descriptor"):
            uctypes.sizeof(bad)
    loop: dict[str, object] = {}
    loop["self"] = (0, loop)
    with pytest.raises(RuntimeError):
        uctypes.sizeof(loop)
    with pytest.raises(TypeError):
        uctypes.sizeof({}, NATIVE)  # 1.8.5 takes one argument


# --- addressof, bytes_at, bytearray_at ---------------------------------------------------------


def test_addressof_is_the_real_address() -> None:
    buf = bytearray(4)
    assert uctypes.addressof(buf) == ctypes.addressof(ctypes.c_char.from_buffer(buf))
    data = b"abc"
    assert uctypes.addressof(data) == ctypes.cast(ctypes.c_char_p(data), ctypes.c_void_p).value
    view = memoryview(buf)[1:]
    assert uctypes.addressof(view) == uctypes.addressof(buf) + 1


def test_addressof_needs_a_contiguous_buffer() -> None:
    for bad in (5, "text", None, memoryview(b"abcdef")[::2]):
        with pytest.raises(TypeError, match="object with buffer protocol required"):
            uctypes.addressof(bad)


def test_bytes_at_copies_and_bytearray_at_shares() -> None:
    buf = bytearray(b"hello")
    addr = uctypes.addressof(buf)
    copy = uctypes.bytes_at(addr + 1, 3)
    shared = uctypes.bytearray_at(addr + 1, 3)
    buf[1] = ord("E")
    assert copy == b"ell" and bytes(shared) == b"Ell"
    shared[2] = ord("L")
    assert buf == bytearray(b"hElLo")
    assert uctypes.addressof(shared) == addr + 1
    assert uctypes.bytes_at(addr, 0) == b"" and len(uctypes.bytearray_at(12345, 0)) == 0


def test_bytes_at_and_bytearray_at_argument_errors() -> None:
    addr = uctypes.addressof(bytearray(4))
    with pytest.raises(ValueError):
        uctypes.bytes_at(addr, -1)
    with pytest.raises(TypeError):
        uctypes.bytes_at("x", 1)
    with pytest.raises(TypeError):
        uctypes.bytearray_at(addr, 1.0)
    with pytest.raises(ValueError):
        uctypes.bytes_at(addr, 5)  # past the end
    with pytest.raises(ValueError):
        uctypes.bytearray_at(addr + 4, 1)


def test_a_struct_is_a_buffer_of_its_size() -> None:
    buf = bytearray(b"\x01\x02\x03\x04\x05")
    s = at(buf, {"a": uctypes.UINT16 | 0, "b": uctypes.UINT8 | 2}, LE)
    assert bytes(s) == b"\x01\x02\x03"
    assert uctypes.addressof(s) == uctypes.addressof(buf)


# --- memory safety -----------------------------------------------------------------------------


def test_unknown_addresses_raise_value_error() -> None:
    foreign = ctypes.create_string_buffer(8)
    addr = ctypes.addressof(foreign)
    with pytest.raises(ValueError, match="not inside a buffer known to uctypes"):
        uctypes.struct(addr, {"x": uctypes.UINT8 | 0})
    with pytest.raises(ValueError):
        uctypes.bytes_at(addr, 1)
    with pytest.raises(ValueError):
        uctypes.bytearray_at(addr, 1)
    with pytest.raises(ValueError):
        uctypes.struct(0, {})


def test_raw_access_is_an_explicit_opt_in(raw_access: None) -> None:
    foreign = ctypes.create_string_buffer(b"\x01\x02\x03\x04", 4)
    addr = ctypes.addressof(foreign)
    assert uctypes.bytes_at(addr, 4) == b"\x01\x02\x03\x04"
    s = uctypes.struct(addr, {"v": uctypes.UINT32 | 0}, BE)
    assert s.v == 0x01020304
    s.v = 0x0A0B0C0D
    assert foreign.raw == b"\x0a\x0b\x0c\x0d"
    uctypes.bytearray_at(addr, 1)[0] = 0xFF
    assert foreign.raw[0] == 0xFF
    assert uctypes.unsafe_raw_access(False) is True
    with pytest.raises(ValueError):
        uctypes.bytes_at(addr, 1)


def test_accesses_past_the_end_of_the_buffer_raise_value_error() -> None:
    buf = bytearray(6)
    s = at(
        buf,
        {
            "a": uctypes.UINT32 | 4,
            "b": uctypes.UINT8 | 5,
            "arr": (uctypes.ARRAY | 4, uctypes.UINT8 | 4),
        },
    )
    assert s.b == 0  # the fields that fit work
    with pytest.raises(ValueError, match="outside"):
        _ = s.a
    with pytest.raises(ValueError):
        s.a = 1
    with pytest.raises(ValueError):
        _ = s.arr
    with pytest.raises(ValueError):
        bytes(s)


def test_read_only_buffers_cannot_be_written() -> None:
    data = b"\x01\x02"
    s = at(data, {"x": uctypes.UINT8 | 0, "f": uctypes.BFUINT8 | 1 | 4 << uctypes.BF_LEN})
    assert s.x == 1 and s.f == 2
    with pytest.raises(ValueError, match="read-only"):
        s.x = 5
    with pytest.raises(ValueError, match="read-only"):
        s.f = 1
    assert data == b"\x01\x02"


def test_a_struct_keeps_its_buffer_alive() -> None:
    def make() -> Any:
        return at(bytearray(b"\x01\x02\x03\x04"), {"x": uctypes.UINT32 | 0}, BE)

    s = make()
    gc.collect()
    assert s.x == 0x01020304


def test_a_moved_bytearray_is_no_longer_at_its_old_address() -> None:
    buf = bytearray(b"abcd")
    old = uctypes.addressof(buf)
    buf.extend(bytes(1 << 20))  # a megabyte more: the allocator moves it
    new = ctypes.addressof(ctypes.c_char.from_buffer(buf))  # not told to uctypes
    assert new != old
    with pytest.raises(ValueError):
        uctypes.bytes_at(old, 4)
    assert uctypes.bytes_at(new, 4) == b"abcd"  # uctypes finds where its buffer went


def test_a_bytearray_in_use_by_a_struct_cannot_be_resized() -> None:
    buf = bytearray(4)
    s = at(buf, {"x": uctypes.UINT8 | 0})
    with pytest.raises(BufferError):
        buf.append(0)
    del s
    gc.collect()
    buf.append(0)
    assert len(buf) == 5


def test_the_registry_forgets_dead_buffers() -> None:
    addresses = [uctypes.addressof(bytearray(16)) for _ in range(300)]
    assert len(uctypes._known) < 200
    kept = bytearray(b"\x07")
    addr = uctypes.addressof(kept)
    for _ in range(300):
        uctypes.addressof(bytearray(16))
    assert uctypes.bytes_at(addr, 1) == b"\x07"
    assert addresses  # the dead buffers' addresses are plain ints now


# --- struct object behaviour -------------------------------------------------------------------


def test_unknown_fields_raise_key_error_that_is_also_an_attribute_error() -> None:
    s = at(bytearray(4), {"a": uctypes.UINT8 | 0})
    with pytest.raises(KeyError) as info:
        _ = s.nope
    assert isinstance(info.value, AttributeError)
    with pytest.raises(KeyError):
        s.nope = 1
    assert not hasattr(s, "nope") and hasattr(s, "a")
    with pytest.raises(KeyError):
        del s.nope
    del s.a  # a no-op on the device
    assert s.a == 0


def test_aggregate_structs_have_no_fields_and_plain_structs_no_index() -> None:
    s = at(bytearray(8), {"arr": (uctypes.ARRAY | 0, uctypes.UINT16 | 2), "sub": (0, {})})
    with pytest.raises(TypeError, match="struct: no fields"):
        _ = s.arr.x
    with pytest.raises(TypeError, match="struct: no fields"):
        s.arr.x = 1
    with pytest.raises(TypeError, match="struct: cannot index"):
        s[0]
    with pytest.raises(TypeError, match="struct: cannot index"):
        s.sub[0] = 1
    with pytest.raises(TypeError, match="syntax error in uctypes descriptor"):
        s.sub = 1
    with pytest.raises(TypeError, match="syntax error in uctypes descriptor"):
        s.arr = 1
    with pytest.raises(TypeError, match="does not support item deletion"):
        del s.arr[0]
    with pytest.raises(TypeError):
        iter(s.arr)


def test_malformed_entries_fail_only_when_used() -> None:
    desc = {
        "ok": uctypes.UINT8 | 0,
        "text": "x",
        "short": (uctypes.ARRAY | 0,),
        "bitarray": (uctypes.ARRAY | 0, uctypes.BFUINT8 | 2),
        "bitptr": (uctypes.PTR | 0, uctypes.BFUINT8),
        "flag": True,
        "agg3": (-0x20000000 | 0, 1),
    }
    s = at(bytearray(16), desc)
    assert s.ok == 0
    for name in ("text", "short", "flag", "agg3"):
        with pytest.raises(TypeError, match="syntax error in uctypes descriptor"):
            getattr(s, name)
    with pytest.raises(TypeError, match="syntax error"):
        s.bitarray[0]
    with pytest.raises(TypeError, match="syntax error"):
        s.bitptr[0]


def test_dunder_and_internal_names_are_not_fields() -> None:
    s = at(bytearray(8), {"__len__": uctypes.UINT8 | 0, "_uct_mem": uctypes.UINT8 | 1, "x": 2})
    with pytest.raises(AttributeError):
        _ = s.__wrapped__
    with pytest.raises(TypeError):
        len(s)
    assert s.x == 0
    arr = at(bytearray(4), (uctypes.ARRAY | 0, uctypes.UINT8 | 4))
    with pytest.raises(AttributeError):
        arr.__wrapped__ = 1


def test_a_bitfield_past_the_end_of_the_buffer() -> None:
    s = at(bytearray(2), {"f": uctypes.BFUINT32 | 0 | 8 << uctypes.BF_LEN})
    with pytest.raises(ValueError, match="outside"):
        _ = s.f


def test_a_released_memoryview_is_forgotten() -> None:
    view = memoryview(bytearray(8))
    addr = uctypes.addressof(view)
    view.release()
    with pytest.raises(ValueError):
        uctypes.bytes_at(addr, 1)


def test_struct_over_a_non_dict_descriptor() -> None:
    buf = bytearray(8)
    arr = at(buf, (uctypes.ARRAY | 0, uctypes.UINT8 | 4))
    arr[1] = 5
    assert buf[1] == 5 and arr[1] == 5
    other = at(buf, 42)
    with pytest.raises(TypeError, match="struct: no fields"):
        _ = other.x
    with pytest.raises(TypeError, match="struct: cannot index"):
        other[0]


def test_repr_names_the_kind_and_address() -> None:
    buf = bytearray(8)
    addr = uctypes.addressof(buf)
    s = at(
        buf, {"a": (uctypes.ARRAY | 0, uctypes.UINT16 | 2), "p": (uctypes.PTR | 0, uctypes.UINT8)}
    )
    assert repr(s) == f"<struct STRUCT {addr:x}>"
    assert repr(s.a) == f"<struct ARRAY {addr:x}>"
    assert repr(s.p) == f"<struct PTR {addr:x}>"
    assert repr(at(buf, 3)) == f"<struct ERROR {addr:x}>"


def test_layout_argument() -> None:
    buf = bytearray(b"\x01\x02")
    assert at(buf, {"x": uctypes.UINT16 | 0}, 7).x == 0x0102  # anything else is big-endian
    with pytest.raises(TypeError):
        at(buf, {"x": uctypes.UINT16 | 0}, "LE")
    with pytest.raises(TypeError):
        uctypes.struct("0", {})


def test_changing_a_descriptor_affects_later_structs() -> None:
    desc = {"x": uctypes.UINT8 | 0}
    buf = bytearray(b"\x01\x02")
    first = at(buf, desc)
    desc["x"] = uctypes.UINT8 | 1
    assert first.x == 1 and at(buf, desc).x == 2


# --- properties --------------------------------------------------------------------------------

_SCALAR_CODES = [getattr(uctypes, name) for name in SCALARS]
_BF_CODES = [
    uctypes.BFUINT8,
    uctypes.BFINT8,
    uctypes.BFUINT16,
    uctypes.BFINT16,
    uctypes.BFUINT32,
    uctypes.BFINT32,
]
_ANY_CODES = [*_SCALAR_CODES, *_BF_CODES, uctypes.FLOAT32, uctypes.FLOAT64]
_offsets = st.integers(0, 24)
_scalar_values = st.builds(
    lambda code, off, pos, length: code | off | pos << uctypes.BF_POS | length << uctypes.BF_LEN,
    st.sampled_from(_ANY_CODES),
    _offsets,
    st.integers(0, 31),
    st.integers(0, 31),
)
_junk = st.one_of(
    st.none(),
    st.booleans(),
    st.floats(allow_nan=False),
    st.text(max_size=2),
    st.integers(-(2**40), 2**40),
    st.tuples(),
)


def _descriptors() -> st.SearchStrategy[Any]:
    def extend(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        dicts = st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), children, max_size=4)
        return st.one_of(
            dicts,
            st.tuples(_offsets, dicts),
            st.tuples(
                st.builds(lambda o: uctypes.ARRAY | o, _offsets),
                st.builds(lambda c, n: c | n, st.sampled_from(_ANY_CODES), st.integers(0, 6)),
            ),
            st.tuples(st.builds(lambda o: uctypes.ARRAY | o, _offsets), st.integers(0, 4), dicts),
            st.tuples(
                st.builds(lambda o: uctypes.PTR | o, _offsets),
                st.one_of(st.sampled_from(_ANY_CODES), dicts),
            ),
            st.tuples(st.integers(-(2**30), 2**30 - 1), children),
        )

    leaves = st.one_of(_scalar_values, _junk)
    return st.recursive(leaves, extend, max_leaves=12)


_values = st.one_of(
    st.integers(-(2**70), 2**70), st.floats(), st.none(), st.text(max_size=1), st.booleans()
)


def _exercise(obj: Any, depth: int, data: st.DataObject) -> None:
    """Touch everything reachable from a struct object; only documented errors may escape."""
    if depth > 3:
        return
    for call in (lambda: repr(obj), lambda: uctypes.sizeof(obj), lambda: bytes(obj)):
        with contextlib.suppress(DOCUMENTED):
            call()
    for name in ("a", "b", "c", "d", "zz"):
        try:
            value = getattr(obj, name)
        except DOCUMENTED:
            continue
        if isinstance(value, uctypes.struct):
            _exercise(value, depth + 1, data)
        with contextlib.suppress(DOCUMENTED):
            setattr(obj, name, data.draw(_values))
    for index in (0, 1, -1, 5):
        try:
            item = obj[index]
        except DOCUMENTED:
            continue
        if isinstance(item, uctypes.struct):
            _exercise(item, depth + 1, data)
        with contextlib.suppress(DOCUMENTED):
            obj[index] = data.draw(_values)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    desc=_descriptors(),
    content=st.binary(min_size=0, max_size=48),
    layout=st.sampled_from([LE, BE, NATIVE, 5]),
    start=st.integers(0, 8),
    data=st.data(),
)
def test_random_descriptors_and_memory_raise_only_documented_errors(
    desc: Any, content: bytes, layout: int, start: int, data: st.DataObject
) -> None:
    buf = bytearray(content) + bytearray(8)
    with contextlib.suppress(DOCUMENTED):
        uctypes.sizeof(desc)
    s = uctypes.struct(uctypes.addressof(buf) + start, desc, layout)
    _exercise(s, 0, data)
    snapshot = bytes(buf)
    assert len(snapshot) == len(content) + 8  # the buffer was never resized


@settings(max_examples=200, deadline=None)
@given(
    name=st.sampled_from(list(SCALARS)),
    layout=st.sampled_from([LE, BE]),
    offset=st.integers(0, 16),
    value=st.integers(-(2**70), 2**70),
)
def test_writes_round_trip_in_both_byte_orders(
    name: str, layout: int, offset: int, value: int
) -> None:
    fmt = SCALARS[name]
    size = struct.calcsize(fmt)
    buf = bytearray(32)
    s = at(buf, {"x": getattr(uctypes, name) | offset}, layout)
    s.x = value
    unsigned = value & ((1 << (8 * size)) - 1)
    assert buf[offset : offset + size] == unsigned.to_bytes(
        size, "little" if layout == LE else "big"
    )
    assert s.x == struct.unpack_from(PREFIX[layout] + fmt, buf, offset)[0]
    assert s.x & ((1 << (8 * size)) - 1) == unsigned


@settings(max_examples=200, deadline=None)
@given(
    container=st.sampled_from([(uctypes.BFUINT8, 1), (uctypes.BFUINT16, 2), (uctypes.BFUINT32, 4)]),
    layout=st.sampled_from([LE, BE]),
    pos=st.integers(0, 31),
    length=st.integers(0, 31),
    value=st.integers(-(2**31), 2**31 - 1),
    initial=st.binary(min_size=4, max_size=4),
)
def test_bitfields_round_trip_in_both_byte_orders(
    container: tuple[int, int], layout: int, pos: int, length: int, value: int, initial: bytes
) -> None:
    code, size = container
    order = "little" if layout == LE else "big"
    buf = bytearray(initial)
    s = at(buf, {"f": code | 0 | pos << uctypes.BF_POS | length << uctypes.BF_LEN}, layout)
    before = int.from_bytes(initial[:size], order)
    s.f = value
    after = int.from_bytes(buf[:size], order)
    field = ((1 << length) - 1) << pos
    limit = (1 << (8 * size)) - 1
    assert after & ~field & limit == before & ~field & limit  # other bits untouched
    assert buf[size:] == initial[size:]  # nothing past the container
    expected = (((value & ((1 << length) - 1)) << pos) & limit) >> pos
    assert s.f == expected
