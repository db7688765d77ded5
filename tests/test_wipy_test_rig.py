"""The built-in ``wipy-test-rig`` board: the bench MicroPython's own WiPy hardware tests assume
(jumpers GP12-GP17 and GP13-GP16-GP30, crossed UARTs, an SPI loop, an MPU-9150, ADC 1 high,
four access points), and the signals that follow the pins and wires a program configures.

These are the project's own checks of the behaviours those tests rely on; MicroPython's files
are not part of the project.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import machine
import uos
from machine import ADC, I2C, SPI, UART, Pin
from micropython_compat import board as board_module
from micropython_compat.backends.sim import SimBoard
from micropython_compat.backends.sim.i2c_devices import MPU9150
from micropython_compat.clocks import VirtualClock
from micropython_compat.description import builtin_names, load_builtin
from micropython_compat.testing import simulated_board
from network import WLAN

UART0_PINS = ("GP12", "GP13")
UART1_PINS = ("GP16", "GP17")
SPI_PINS = ("GP14", "GP16", "GP30")


@pytest.fixture
def rig() -> Iterator[SimBoard]:
    with simulated_board(clock="virtual", description=load_builtin("wipy-test-rig")) as board:
        yield board


# ------------------------------------------------------------------------------ the board


def test_the_rig_is_built_in_and_loads_by_name(tmp_path: Path) -> None:
    assert "wipy-test-rig" in builtin_names()
    board = board_module.use_board("wipy-test-rig", flash=tmp_path / "f", sd=tmp_path / "s")
    try:
        assert isinstance(board, SimBoard)
        assert isinstance(board.clock, VirtualClock)  # the rig runs on the virtual clock
        assert "WiPy" in uos.uname().machine  # the tests pick their pins by this name
        assert board.gpio.net("GP12") == {"GP12", "GP17"}
        assert board.gpio.net("GP16") == {"GP13", "GP16", "GP30"}
    finally:
        board_module.release_board()


def test_jumpered_pins_follow_each_other(rig: SimBoard) -> None:
    p = Pin("GP12", Pin.IN)
    Pin("GP17", Pin.OUT, value=1)
    assert p() == 1
    Pin("GP17", Pin.OUT, value=0)
    assert p() == 0
    falls: list[int] = []
    out = Pin("GP16", mode=Pin.OUT, value=1)
    Pin("GP13", mode=Pin.IN, pull=Pin.PULL_UP).irq(
        trigger=Pin.IRQ_FALLING, handler=lambda pin: falls.append(1)
    )
    for _ in range(10):
        out.toggle()
    assert len(falls) == 5


def test_a_level_irq_already_present_wakes_sleep_at_once(rig: SimBoard) -> None:
    Pin("GP16", mode=Pin.OUT, value=0)
    irq = Pin("GP13", mode=Pin.IN, pull=Pin.PULL_UP).irq(
        trigger=Pin.IRQ_FALLING, handler=lambda pin: None
    )
    start = rig.clock.now_ns()
    irq.init(trigger=Pin.IRQ_LOW_LEVEL, wake=machine.SLEEP)
    machine.sleep()
    assert rig.clock.now_ns() - start < 10_000_000


def test_adc_channel_1_reads_high(rig: SimBoard) -> None:
    assert ADC().channel(1, pin="GP3")() > 3000


def test_four_access_points_in_range(rig: SimBoard) -> None:
    wlan = WLAN(mode=WLAN.STA)
    found = wlan.scan()
    assert len(found) > 3
    ap = next(net for net in found if net.ssid == "test-rig-ap")
    assert ap.sec == WLAN.WPA2 and ap.rssi < 0 and len(ap.bssid) == 6
    wlan.connect("test-rig-ap", auth=(WLAN.WPA2, "test-rig-key"), timeout=10000)
    rig.advance(s=1)  # the DHCP lease
    assert wlan.isconnected()


# ---------------------------------------------------------------------------- UART over wires


def test_crossed_uarts_carry_data_over_the_jumpers(rig: SimBoard) -> None:
    uart0 = UART(0, 1000000, pins=UART0_PINS)
    uart1 = UART(1, 1000000, pins=UART1_PINS)
    assert uart0.write(b"123456") == 6
    assert uart1.read() == b"123456"
    assert uart1.write(b"123") == 3
    assert uart0.read(1) == b"1" and uart0.read(2) == b"23"
    assert uart0.read() is None


def test_uart_data_follows_the_pins_the_program_chose(rig: SimBoard) -> None:
    uart1 = UART(1, 1000000, pins=UART1_PINS)
    uart0 = UART(0, 1000000, pins=("GP12", None))  # TX only
    assert uart0.write(b"123456") == 6
    assert uart1.read() == b"123456"
    uart1.write(b"123")
    assert uart0.read() is None
    uart0 = UART(0, 1000000, pins=(None, "GP13"))  # RX only
    uart0.write(b"123456")
    assert uart1.read() is None
    uart1.write(b"123")
    assert uart0.read() == b"123"
    uart0 = UART(0, 1000000, pins=(None, None))  # no pins: nothing goes anywhere
    uart0.write(b"123456789")
    uart1.write(b"123456789")
    assert uart1.read() is None and uart0.read() is None
    assert repr(Pin.board.GP12) == (
        "Pin('GP12', mode=Pin.IN, pull=None, drive=Pin.MED_POWER, alt=-1)"
    )


def test_uarts_on_their_default_pins_are_not_wired(rig: SimBoard) -> None:
    # UART0 on GP1/GP2 and UART1 on GP3/GP4: no jumper joins them on the rig.
    uart0, uart1 = UART(0, 1000000), UART(1, 1000000)
    uart0.write(b"abc")
    assert uart1.read() is None
    uart0.sendbreak()
    assert uart1.any() == 0


def test_a_break_travels_the_wire_as_a_nul(rig: SimBoard) -> None:
    uart0 = UART(0, 1000000, pins=UART0_PINS)
    uart1 = UART(1, 1000000, pins=UART1_PINS)
    uart0.sendbreak()
    assert uart1.read() == b"\x00"


def test_rx_irq_over_the_wire(rig: SimBoard) -> None:
    uart0 = UART(0, 1000000, pins=UART0_PINS)
    uart1 = UART(1, 1000000, pins=UART1_PINS)
    seen: list[int] = []
    irq = uart1.irq(trigger=UART.RX_ANY, handler=lambda u: seen.append(irq.flags()))
    uart0.write(b"123")
    rig.advance(us=100)
    assert uart1.any() == 3 and seen and set(seen) == {UART.RX_ANY}
    assert irq.flags() == 0


# ----------------------------------------------------------------------------- SPI over wires


@pytest.mark.parametrize("bits", [8, 16, 32])
@pytest.mark.parametrize("polarity, phase", [(0, 0), (0, 1), (1, 0), (1, 1)])
def test_spi_mosi_is_looped_to_miso_by_the_jumper(
    rig: SimBoard, bits: int, polarity: int, phase: int
) -> None:
    spi = SPI(0, SPI.MASTER, baudrate=10000000, bits=bits, polarity=polarity, phase=phase)
    sent = bytearray([1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2])
    got = bytearray(12)
    assert spi.write_readinto(sent, got) == 12
    assert got == sent


def test_spi_without_the_jumper_reads_the_pull_up(rig: SimBoard) -> None:
    spi = SPI(0, SPI.MASTER, baudrate=1000000, pins=("GP14", "GP16", "GP15"))
    assert spi.read(3) == b"\xff\xff\xff"  # MISO on GP15: no wire from GP16
    spi.init(baudrate=1000000, pins=SPI_PINS)
    assert spi.read(3, write=0x5A) == b"\x5a\x5a\x5a"


# ------------------------------------------------------------------------------- the MPU-9150


def test_the_mpu9150_answers_at_0x68_with_its_reset_values(rig: SimBoard) -> None:
    i2c = I2C(0, I2C.MASTER, baudrate=400000, pins=("GP15", "GP10"))
    assert i2c.scan() == [0x68]
    assert i2c.readfrom_mem(0x68, 117, 1) == b"\x68"  # WHO_AM_I
    assert i2c.readfrom_mem(0x68, 116, 2) == b"\x00\x68"
    assert i2c.readfrom_mem(0x68, 107, 2) == b"\x40\x00"  # asleep after power-up


def test_the_mpu9150_device_reset(rig: SimBoard) -> None:
    i2c = I2C(0, I2C.MASTER, baudrate=100000)
    assert i2c.writeto_mem(0x68, 107, b"\x00\x03") == 2
    assert i2c.readfrom_mem(0x68, 107, 2) == b"\x00\x03"
    i2c.writeto_mem(0x68, 117, b"\x12")  # WHO_AM_I is read-only
    assert i2c.readfrom_mem(0x68, 117, 1) == b"\x68"
    assert i2c.writeto_mem(0x68, 107, bytearray([0x80])) == 1  # DEVICE_RESET
    assert i2c.readfrom_mem(0x68, 107, 2) == b"\x40\x00"
    assert i2c.writeto(0x68, bytes([107, 0]), stop=True) == 2
    assert i2c.readfrom_mem(0x68, 107, 1) == b"\x00"


def test_mpu9150_model_options() -> None:
    sensor = MPU9150(values={"59": 0x12, 60: 0x34})
    assert sensor.regs[59:61] == b"\x12\x34"
    sensor.reset()
    assert sensor.regs[59:61] == b"\x00\x00" and sensor.regs[107] == 0x40


# ------------------------------------------------------------------------------ the runner


def test_a_program_runs_on_the_rig_from_the_command_line(tmp_path: Path) -> None:
    (tmp_path / "test.py").write_text(
        "from machine import UART, SPI\n"
        "import time\n"
        "u0 = UART(0, 1000000, pins=('GP12', 'GP13'))\n"
        "u1 = UART(1, 1000000, pins=('GP16', 'GP17'))\n"
        "u0.write(b'ping')\n"
        "print(u1.read())\n"
        "spi = SPI(0, SPI.MASTER, baudrate=1000000, pins=('GP14', 'GP16', 'GP30'))\n"
        "print(spi.read(2, write=0x42))\n"
        "t = time.ticks_ms()\n"
        "time.sleep(60)\n"
        "print(time.ticks_diff(t, time.ticks_ms()))\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "micropython_compat", "run", "--board", "wipy-test-rig", "test.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == "b'ping'\nb'BB'\n60000\n"
