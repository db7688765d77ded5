"""SPI through machine.SPI on a loopback: transfers in every mode and word size."""

from __future__ import annotations

import pytest

from machine import SPI

from .conftest import Bench


@pytest.mark.parametrize(("polarity", "phase"), [(0, 0), (0, 1), (1, 0), (1, 1)])
def test_every_mode_loops_back(bench: Bench, polarity: int, phase: int) -> None:
    spi = SPI(bench.spi_bus, SPI.MASTER, baudrate=1_000_000, polarity=polarity, phase=phase)
    out = bytearray(4)
    spi.write_readinto(b"\x01\x80\x5a\xff", out)
    assert bytes(out) == b"\x01\x80\x5a\xff"


@pytest.mark.parametrize("bits", [8, 16, 32])
def test_word_sizes_keep_memory_order(bench: Bench, bits: int) -> None:
    spi = SPI(bench.spi_bus, SPI.MASTER, baudrate=500_000, bits=bits)
    data = bytes(range(1, 9))
    out = bytearray(8)
    spi.write_readinto(data, out)
    assert bytes(out) == data


def test_read_sends_the_fill_byte_and_write_counts(bench: Bench) -> None:
    spi = SPI(bench.spi_bus, SPI.MASTER, baudrate=2_000_000)
    assert spi.read(3, write=0xA5) == b"\xa5\xa5\xa5"
    assert spi.write(b"\x00\x01") == 2


def test_a_long_transfer_is_one_frame(bench: Bench) -> None:
    spi = SPI(bench.spi_bus, SPI.MASTER, baudrate=8_000_000)
    data = bytes(i & 0xFF for i in range(5000))
    out = bytearray(len(data))
    spi.write_readinto(data, out)
    assert bytes(out) == data
