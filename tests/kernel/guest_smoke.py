"""Smoke tests of the VM's kernel devices themselves, without the project's code.

Run only inside the guest by tests/kernel/run.sh (the file name keeps it out of the host's
test collection): if one of these fails, the bench is broken, not the linux backend. They use
gpiod, smbus2, spidev and pyserial directly against gpio-sim, i2c-stub, the spi-loopback module
and /dev/ttyS1 with its far end (MPC_UART_FAR), as set up by tests/kernel/guest-run.sh.
"""

from __future__ import annotations

import errno
import glob
import os
import select
import time
from collections.abc import Iterator
from pathlib import Path

import gpiod  # type: ignore[import-not-found]
import pytest
import serial  # type: ignore[import-untyped]
import smbus2  # type: ignore[import-not-found]
import spidev  # type: ignore[import-not-found]
from gpiod.line import Direction, Edge, Value  # type: ignore[import-not-found]

LABEL = "mpc-sim"
SYSFS = Path(os.environ.get("MPC_GPIO_SIM_SYSFS", "/nonexistent"))


def sim_chip_path() -> str:
    """The /dev/gpiochipN whose label is mpc-sim."""
    for path in sorted(glob.glob("/dev/gpiochip*")):
        with gpiod.Chip(path) as chip:
            if chip.get_info().label == LABEL:
                return path
    raise AssertionError(f"no GPIO chip labelled {LABEL}")


@pytest.fixture
def chip() -> Iterator[gpiod.Chip]:
    with gpiod.Chip(sim_chip_path()) as c:
        yield c


def pull(offset: int, how: str) -> None:
    (SYSFS / f"sim_gpio{offset}" / "pull").write_text(how)


def sysfs_value(offset: int) -> int:
    return int((SYSFS / f"sim_gpio{offset}" / "value").read_text())


def test_gpio_sim_chip_has_32_named_lines(chip: gpiod.Chip) -> None:
    assert chip.get_info().num_lines == 32
    assert chip.line_offset_from_id("GP0") == 0
    assert chip.line_offset_from_id("GP31") == 31


def test_output_level_is_visible_in_sysfs(chip: gpiod.Chip) -> None:
    offset = chip.line_offset_from_id("GP3")
    config = {offset: gpiod.LineSettings(direction=Direction.OUTPUT, output_value=Value.ACTIVE)}
    with chip.request_lines(config=config, consumer="smoke") as request:
        assert sysfs_value(offset) == 1
        request.set_value(offset, Value.INACTIVE)
        assert sysfs_value(offset) == 0


def test_input_follows_the_sysfs_pull(chip: gpiod.Chip) -> None:
    offset = chip.line_offset_from_id("GP4")
    config = {offset: gpiod.LineSettings(direction=Direction.INPUT)}
    with chip.request_lines(config=config, consumer="smoke") as request:
        pull(offset, "pull-up")
        assert request.get_value(offset) == Value.ACTIVE
        pull(offset, "pull-down")
        assert request.get_value(offset) == Value.INACTIVE


def test_pull_gives_edge_events(chip: gpiod.Chip) -> None:
    offset = chip.line_offset_from_id("GP6")
    pull(offset, "pull-down")
    config = {offset: gpiod.LineSettings(direction=Direction.INPUT, edge_detection=Edge.BOTH)}
    with chip.request_lines(config=config, consumer="smoke") as request:
        pull(offset, "pull-up")
        assert request.wait_edge_events(2.0)
        events = request.read_edge_events()
        assert [e.event_type for e in events] == [gpiod.EdgeEvent.Type.RISING_EDGE]
        pull(offset, "pull-down")
        assert request.wait_edge_events(2.0)
        events = request.read_edge_events()
        assert [e.event_type for e in events] == [gpiod.EdgeEvent.Type.FALLING_EDGE]


def test_i2c_stub_answers_at_0x50_and_0x51() -> None:
    with smbus2.SMBus(0) as bus:
        bus.write_byte_data(0x50, 0x10, 0xA5)
        bus.write_byte_data(0x51, 0x10, 0x5A)
        assert bus.read_byte_data(0x50, 0x10) == 0xA5
        assert bus.read_byte_data(0x51, 0x10) == 0x5A
        bus.write_word_data(0x50, 0x20, 0xBEEF)
        assert bus.read_word_data(0x50, 0x20) == 0xBEEF


def test_i2c_stub_absent_address_and_plain_transfers_fail() -> None:
    with smbus2.SMBus(0) as bus:
        with pytest.raises(OSError) as absent:
            bus.read_byte(0x20)
        assert absent.value.errno == errno.ENODEV
        with pytest.raises(OSError) as rdwr:
            bus.i2c_rdwr(smbus2.i2c_msg.write(0x50, [0x00]))
        assert rdwr.value.errno == errno.EOPNOTSUPP


def test_spi_loopback_echoes_in_every_mode() -> None:
    dev = spidev.SpiDev()
    dev.open(0, 0)
    try:
        dev.max_speed_hz = 1_000_000
        for mode in range(4):
            dev.mode = mode
            assert dev.xfer2([0x01, 0x80, 0xFF, 0x00]) == [0x01, 0x80, 0xFF, 0x00]
        assert dev.readbytes(3) == [0, 0, 0]
    finally:
        dev.close()


def read_far(fd: int, count: int, timeout_s: float) -> bytes:
    data = b""
    deadline = time.monotonic() + timeout_s
    while len(data) < count and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if ready:
            data += os.read(fd, count - len(data))
    return data


@pytest.mark.parametrize("which", ["MPC_UART", "MPC_UART2"])
def test_uart_far_end_is_a_cable(which: str) -> None:
    far = os.open(os.environ[f"{which}_FAR"], os.O_RDWR | os.O_NOCTTY)
    try:
        with serial.Serial(os.environ[f"{which}_DEVICE"], 115200, timeout=3) as port:
            port.write(b"hello from the UART")
            assert read_far(far, 19, 3.0) == b"hello from the UART"
            os.write(far, b"hello from far")
            assert port.read(14) == b"hello from far"
    finally:
        os.close(far)
