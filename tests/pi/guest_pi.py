"""The emulated Raspberry Pi 3B's own devices through the project (run in the guest by
tests/pi/run.sh; not named ``test_*``, so the host never collects it).

Beside tests/contract (bench ``pi``): the board chosen from the device tree, busy lines held
by this program and by the kernel's SPI driver, the I2C bus's devices, the SPI flash, a UART
round trip through the host's relay, and WiPy programs run with ``micropython-compat run``.
"""

from __future__ import annotations

import errno
import os
import subprocess
import threading
import time
import tty
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.test_sensor_station import sensor_station_output

import micropython_compat
from machine import I2C, SPI, UART, Pin
from micropython_compat import board as board_choice

REPO = Path(__file__).resolve().parents[2]
FAR = os.environ.get("MPC_UART_FAR", "/dev/ttyUSB0")
EEPROM, SENSOR, ABSENT = 0x50, 0x48, 0x42


@pytest.fixture
def pi() -> Iterator[None]:
    """The board chosen as a user's program would choose it: no board file, no variable."""
    assert "MICROPYTHON_COMPAT_BOARD" not in os.environ
    micropython_compat.use_board()
    yield
    micropython_compat.release_board()


# ---- the board ------------------------------------------------------------------------------
def test_the_raspberry_pi_description_is_chosen_from_the_device_tree(pi: None) -> None:
    model = Path("/proc/device-tree/model").read_text().rstrip("\x00")
    assert model.startswith("Raspberry Pi 3 Model B")
    spec, reason = board_choice.planned_choice()
    assert spec == "linux"
    assert "raspberry-pi" in reason
    description = micropython_compat.current_board().description  # type: ignore[attr-defined]
    assert description.name == "Raspberry Pi"
    assert {"GPIO17", "PIN11", "ACT"} <= set(description.pins)


def test_the_boards_command_names_the_detected_description() -> None:
    out = subprocess.run(
        ["micropython-compat", "boards"], capture_output=True, text=True, check=True
    ).stdout
    assert "Board that would be chosen: linux" in out
    assert "raspberry-pi" in out.rpartition("Board that would be chosen:")[2]


# ---- GPIO -----------------------------------------------------------------------------------
def test_a_header_pin_name_for_a_line_this_program_holds_is_busy(pi: None) -> None:
    Pin("GPIO17", Pin.OUT, value=1)
    with pytest.raises(OSError) as info:
        Pin("PIN11", Pin.OUT)  # header pin 11 is BCM GPIO17
    assert info.value.errno == errno.EBUSY
    assert "this program's pin GPIO17" in str(info.value)


def test_the_spi_chip_select_is_held_by_the_kernel(pi: None) -> None:
    with pytest.raises(OSError) as info:
        Pin("GPIO8", Pin.OUT)
    assert info.value.errno == errno.EBUSY
    assert "'spi0 CS0'" in str(info.value)


# ---- I2C: two at24c EEPROMs and a TMP105 on /dev/i2c-1 ----------------------------------------
def test_the_scan_finds_the_sensor_and_the_eeproms(pi: None) -> None:
    assert I2C(1).scan() == [SENSOR, EEPROM, EEPROM + 1]


def test_an_eeprom_read_is_a_write_then_a_repeated_start(pi: None) -> None:
    i2c = I2C(1)
    data = bytes(range(0xA0, 0xB0))
    assert i2c.writeto_mem(EEPROM, 0x80, data) == 16
    # One I2C_RDWR transfer: the address byte, a repeated start, 16 bytes read.
    assert i2c.readfrom_mem(EEPROM, 0x80, 16) == data
    assert i2c.writeto(EEPROM, b"\x88", stop=False) == 1
    assert i2c.readfrom(EEPROM, 4) == data[8:12]


def test_the_sensor_reads_the_temperature_the_host_set(pi: None) -> None:
    assert I2C(1).readfrom_mem(SENSOR, 0, 2) == b"\x17\x80"  # 23.5 C (qemu_control.py)


def test_an_absent_address_is_an_oserror_with_eio(pi: None) -> None:
    with pytest.raises(OSError) as info:
        I2C(1).readfrom(ABSENT, 1)
    assert info.value.errno == errno.EIO


# ---- SPI: a W25Q80BL flash on CS0 -----------------------------------------------------------
def _flash_busy(spi: SPI) -> bool:
    status = bytearray(2)
    spi.write_readinto(b"\x05\x00", status)  # read status register 1
    return bool(status[1] & 1)


def _flash_command(spi: SPI, command: bytes) -> None:
    spi.write(b"\x06")  # write enable (each call is one transfer: CS0 drops between them)
    spi.write(command)
    for _ in range(1000):
        if not _flash_busy(spi):
            return
    raise AssertionError(f"the flash stayed busy after command {command[:1].hex()}")


def test_the_flash_answers_its_jedec_id(pi: None) -> None:
    spi = SPI(0, SPI.MASTER, baudrate=10_000_000)
    reply = bytearray(4)
    spi.write_readinto(b"\x9f\x00\x00\x00", reply)
    assert bytes(reply[1:]) == b"\xef\x40\x14"


def test_a_page_programmed_reads_back_in_256_byte_transfers(pi: None) -> None:
    spi = SPI(0, SPI.MASTER, baudrate=10_000_000)
    page = bytes((i * 7 + 3) & 0xFF for i in range(256))
    address = b"\x01\x23\x00"
    _flash_command(spi, b"\x20" + address)  # erase the 4 KiB sector
    _flash_command(spi, b"\x02" + address + page)  # a 260-byte transfer
    whole = bytearray(260)
    spi.write_readinto(b"\x03" + address + bytes(256), whole)
    assert bytes(whole[4:]) == page
    exact = bytearray(256)  # exactly 256 bytes: the command, the address, 252 bytes of data
    spi.write_readinto(b"\x03" + address + bytes(252), exact)
    assert bytes(exact[4:]) == page[:252]


# ---- UART(0): /dev/serial0 (the PL011) to a USB serial adapter, through the host's relay -----
class _Echo:
    """The far end of the PL011 echoing what it receives, in a thread."""

    def __init__(self) -> None:
        self.fd = os.open(FAR, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        tty.setraw(self.fd)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import select

        while not self.stop.is_set():
            ready, _, _ = select.select([self.fd], [], [], 0.05)
            if ready:
                data = os.read(self.fd, 4096)
                while data:
                    ready_w = select.select([], [self.fd], [], 1.0)[1]
                    if ready_w:
                        data = data[os.write(self.fd, data) :]

    def __enter__(self) -> _Echo:
        while True:  # what earlier tests sent and nobody read
            try:
                if not os.read(self.fd, 4096):
                    break
            except BlockingIOError:
                break
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()
        os.close(self.fd)


def test_uart0_is_serial0_and_echoes_through_the_host_relay(pi: None) -> None:
    assert os.path.realpath("/dev/serial0") == "/dev/ttyAMA0"
    data = bytes(range(256)) * 4
    with _Echo():
        uart = UART(0, 115200)
        assert uart.write(data) == len(data)
        got = b""
        deadline = time.monotonic() + 10
        while len(got) < len(data) and time.monotonic() < deadline:
            chunk = uart.read(uart.any()) if uart.any() else None
            if chunk:
                got += chunk
            else:
                time.sleep(0.02)
    assert got == data


# ---- programs under micropython-compat run ------------------------------------------------------
def _run(script: str, board_file: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MICROPYTHON_COMPAT_")}
    if board_file is not None:
        env["MICROPYTHON_COMPAT_BOARD"] = board_file
    return subprocess.run(
        ["micropython-compat", "run", script],
        check=False,
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_script_with_the_pis_names_runs_with_no_board_file() -> None:
    result = _run("tests/pi/pi_names.py", None)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        "Pin('GPIO27', mode=Pin.OUT, pull=None, drive=Pin.MED_POWER, alt=-1)",
        "I2C(1) scan: [72, 80, 81]",
        "SPI(0) JEDEC id: ef4014",
        "UART(0) wrote 4 bytes",
        "GPIO27 now 0",
    ]


def test_the_wipy_sensor_station_example_runs_unchanged() -> None:
    with _Echo():
        result = _run("examples/sensor_station.py", "examples/wipy-on-pi.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == sensor_station_output([SENSOR, EEPROM, EEPROM + 1])
