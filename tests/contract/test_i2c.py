"""I2C through machine.I2C: scan, byte/word/block memory operations, combined transfers, NACKs."""

from __future__ import annotations

import errno

import pytest

from machine import I2C

from .conftest import Bench


def test_scan_finds_the_devices_and_only_them(bench: Bench) -> None:
    found = I2C(bench.i2c_bus).scan()
    assert [a for a in found if a in bench.i2c_addrs] == list(bench.i2c_addrs)
    assert bench.i2c_missing not in found


@pytest.mark.parametrize("data", [b"\x5a", b"\x12\x34", bytes(range(1, 9)), bytes(range(32))])
def test_memory_writes_read_back(bench: Bench, data: bytes) -> None:
    i2c = I2C(bench.i2c_bus)
    addr = bench.i2c_addrs[0]
    assert i2c.writeto_mem(addr, 0x20, data) == len(data)
    assert i2c.readfrom_mem(addr, 0x20, len(data)) == data
    buf = bytearray(len(data))
    assert i2c.readfrom_mem_into(addr, 0x20, buf) == len(data)
    assert bytes(buf) == data


def test_devices_keep_their_own_registers(bench: Bench) -> None:
    i2c = I2C(bench.i2c_bus)
    first, second = bench.i2c_addrs[:2]
    i2c.writeto_mem(first, 0x10, b"\x11")
    i2c.writeto_mem(second, 0x10, b"\x22")
    assert i2c.readfrom_mem(first, 0x10, 1) == b"\x11"
    assert i2c.readfrom_mem(second, 0x10, 1) == b"\x22"


def test_a_pointer_write_then_reads_walk_the_registers(bench: Bench) -> None:
    i2c = I2C(bench.i2c_bus)
    addr = bench.i2c_addrs[0]
    i2c.writeto_mem(addr, 0x40, b"\xa1\xb2\xc3")
    assert i2c.writeto(addr, b"\x40") == 1
    assert i2c.readfrom(addr, 3) == b"\xa1\xb2\xc3"


def test_a_write_without_stop_then_a_read_is_one_combined_transfer(bench: Bench) -> None:
    i2c = I2C(bench.i2c_bus)
    addr = bench.i2c_addrs[0]
    i2c.writeto_mem(addr, 0x30, b"\x01\x02")
    assert i2c.writeto(addr, b"\x30", stop=False) == 1
    assert i2c.readfrom(addr, 2) == b"\x01\x02"


def test_sixteen_bit_memory_addresses(bench: Bench) -> None:
    i2c = I2C(bench.i2c_bus)
    addr = bench.i2c_addrs[1]
    assert i2c.writeto_mem(addr, 0x0010, b"\x77", addrsize=16) == 1
    if bench.smbus_only:  # no SMBus command writes two address bytes then reads
        with pytest.raises(OSError) as info:
            i2c.readfrom_mem(addr, 0x0010, 1, addrsize=16)
        assert info.value.errno == errno.EOPNOTSUPP
        assert "SMBus" in str(info.value)
    else:
        assert len(i2c.readfrom_mem(addr, 0x0010, 1, addrsize=16)) == 1


@pytest.mark.parametrize(
    "operation",
    [
        lambda i2c, a: i2c.readfrom(a, 1),
        lambda i2c, a: i2c.writeto(a, b"\x00"),
        lambda i2c, a: i2c.readfrom_mem(a, 0, 2),
        lambda i2c, a: i2c.writeto_mem(a, 0, b"\x01\x02"),
    ],
    ids=["readfrom", "writeto", "readfrom_mem", "writeto_mem"],
)
def test_an_absent_device_is_eio(bench: Bench, operation: object) -> None:
    i2c = I2C(bench.i2c_bus)
    with pytest.raises(OSError) as info:
        operation(i2c, bench.i2c_missing)  # type: ignore[operator]
    assert info.value.errno == errno.EIO
