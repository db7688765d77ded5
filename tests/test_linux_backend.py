"""The linux backend on a host without kernel devices: fakes at the module boundary (chip, bus
and port openers given to the constructors), a real pty as a UART, and temporary sysfs trees."""

from __future__ import annotations

import errno
import glob
import grp
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from gpiod.line import Bias, Direction, Drive, Edge, Value
from smbus2 import I2cFunc

from micropython_compat import description
from micropython_compat.backends.linux import create_board, detect_description
from micropython_compat.backends.linux._errors import group_of
from micropython_compat.backends.linux.adc import LinuxADC, scale_reading
from micropython_compat.backends.linux.board import LinuxBoard
from micropython_compat.backends.linux.gpio import LinuxGPIO
from micropython_compat.backends.linux.i2c import LinuxI2CBus, i2c_errno
from micropython_compat.backends.linux.pwm import SoftPWM, SysfsPWM
from micropython_compat.backends.linux.rtc import EPOCH_2000_NS, LinuxRTC
from micropython_compat.backends.linux.schema import ADCSource, parse
from micropython_compat.backends.linux.spi import LinuxSPIBus, spi_mode, to_wire_order
from micropython_compat.backends.linux.uart import LinuxUART
from micropython_compat.backends.linux.watchdog import ProcessWatchdog
from micropython_compat.clocks import VirtualClock
from micropython_compat.description import load, load_builtin
from micropython_compat.errors import BoardUnavailable
from micropython_compat.hal import I2CRead, I2CWrite, LineConfig

ROOT = Path(__file__).resolve().parent.parent

# ------------------------------------------------------------------------------ fake gpiod


class FakeInfo:
    def __init__(self, label: str = "fake-chip", num_lines: int = 8) -> None:
        self.label, self.num_lines = label, num_lines


class FakeLineInfo:
    def __init__(self, name: str, consumer: str) -> None:
        self.name, self.consumer, self.used = name, consumer, bool(consumer)


class FakeRequest:
    def __init__(self, chip: FakeChip, offset: int, settings: Any) -> None:
        self.chip, self.offset, self.settings = chip, offset, settings
        self.read_fd, self.fd = os.pipe()
        self.values: dict[int, Value] = {offset: settings.output_value}
        self.released = False

    def get_value(self, offset: int) -> Value:
        return self.values[offset]

    def set_value(self, offset: int, value: Value) -> None:
        self.values[offset] = value

    def reconfigure_lines(self, config: dict[int, Any]) -> None:
        for offset, settings in config.items():
            self.settings = settings
            if settings.direction == Direction.OUTPUT:
                self.values[offset] = settings.output_value

    def read_edge_events(self) -> list[Any]:
        return []

    def release(self) -> None:
        self.released = True
        self.chip.consumers.pop(self.offset, None)
        os.close(self.read_fd)
        os.close(self.fd)


class FakeChip:
    """A gpiod.Chip stand-in: lines named L0.., some held by other consumers."""

    def __init__(self, label: str = "fake-chip", busy: dict[int, str] | None = None) -> None:
        self.info = FakeInfo(label)
        self.consumers: dict[int, str] = dict(busy or {})
        self.requests: list[FakeRequest] = []
        self.closed = False

    def get_info(self) -> FakeInfo:
        return self.info

    def line_offset_from_id(self, name: str) -> int:
        if name.startswith("L") and int(name[1:]) < self.info.num_lines:
            return int(name[1:])
        raise OSError(errno.ENOENT, "no such line")

    def get_line_info(self, offset: int) -> FakeLineInfo:
        return FakeLineInfo(f"L{offset}", self.consumers.get(offset, ""))

    def request_lines(self, config: dict[int, Any], consumer: str, output_values: Any) -> Any:
        ((offset, settings),) = config.items()
        if offset in self.consumers:
            raise OSError(errno.EBUSY, "Device or resource busy")
        self.consumers[offset] = consumer
        request = FakeRequest(self, offset, settings)
        self.requests.append(request)
        return request

    def close(self) -> None:
        self.closed = True


BOARD_TOML = """
[board]
name = "Fake"
backend = "linux"
[pins.GP2]
line = "L2"
alt = [["UART0_RX", 3], ["TIM9_PWM", 4]]
[pins.GP3]
line = "L3"
alt = [["I2C0_SDA", 1]]
[pins.GP5]
line = 5
[pins.GONE]
line = "NOPE"
[pwm]
"9A" = { pin = "GP2", alt = 4 }
[linux]
gpio_chip = { label = "fake-chip" }
muxed = ["I2C0_SDA"]
"""


@pytest.fixture
def fake_description(tmp_path: Path) -> Any:
    path = tmp_path / "fake.toml"
    path.write_text(BOARD_TOML)
    return load(path)


@pytest.fixture
def chip_path(tmp_path: Path) -> str:
    path = tmp_path / "gpiochip7"
    path.write_text("")
    return str(path)


def make_gpio(description: Any, chip_path: str, chip: Any) -> LinuxGPIO:
    opener = chip if callable(chip) else (lambda path: chip)
    return LinuxGPIO(
        description, parse(description), chip_opener=opener, chip_paths=lambda: [chip_path]
    )


def test_a_busy_line_names_its_consumer_and_what_to_do(
    fake_description: Any, chip_path: str
) -> None:
    gpio = make_gpio(fake_description, chip_path, FakeChip(busy={2: "gpio-leds"}))
    with pytest.raises(OSError) as info:
        gpio.claim("GP2", LineConfig())
    assert info.value.errno == errno.EBUSY
    message = str(info.value)
    assert "'gpio-leds'" in message
    assert "GP2" in message and "'L2'" in message and "'fake-chip'" in message
    assert "gpioinfo" in message
    gpio.close()


def test_a_line_this_program_holds_says_which_pin(fake_description: Any, chip_path: str) -> None:
    gpio = make_gpio(fake_description, chip_path, FakeChip())
    gpio.claim("GP5", LineConfig())
    with pytest.raises(OSError) as info:
        gpio.claim("GP5", LineConfig())
    assert info.value.errno == errno.EBUSY
    assert "this program's pin GP5" in str(info.value)
    gpio.close()


def test_no_permission_names_the_group_owning_the_chip(
    fake_description: Any, chip_path: str
) -> None:
    others = [g for g in grp.getgrall() if g.gr_gid != 0]
    if others and os.geteuid() == 0:
        os.chown(chip_path, -1, others[0].gr_gid)
    owner = group_of(chip_path)
    expected = "gpio" if owner in (None, "root") else owner

    def refuse(path: str) -> Any:
        raise PermissionError(errno.EACCES, "Permission denied", path)

    gpio = make_gpio(fake_description, chip_path, refuse)
    with pytest.raises(OSError) as info:
        gpio.claim("GP5", LineConfig())
    assert info.value.errno == errno.EACCES
    message = str(info.value)
    assert chip_path in message
    assert f"group {expected!r}" in message
    assert f"usermod -aG {expected}" in message
    assert 'SUBSYSTEM=="gpio"' in message
    gpio.close()


def test_a_claimed_line_is_a_single_line_request_whose_fd_is_the_fast_fd(
    fake_description: Any, chip_path: str
) -> None:
    chip = FakeChip()
    gpio = make_gpio(fake_description, chip_path, chip)
    line = gpio.claim("GP5", LineConfig(mode="out", pull="up", value=1))
    (request,) = chip.requests
    assert line.fast_fd == request.fd
    assert request.offset == 5
    assert request.settings.direction == Direction.OUTPUT
    assert request.settings.bias == Bias.PULL_UP
    assert request.settings.output_value == Value.ACTIVE
    assert chip.consumers[5] == "micropython-compat:GP5"
    line.reconfigure(LineConfig(mode="open_drain", drive="high"))
    assert request.settings.drive == Drive.OPEN_DRAIN
    line.reconfigure(LineConfig(mode="in", pull="down"))
    assert (request.settings.direction, request.settings.bias) == (Direction.INPUT, Bias.PULL_DOWN)
    line.watch(lambda level, stamp: None)
    assert request.settings.edge_detection == Edge.BOTH
    assert gpio.has_reader()
    line.release()
    assert request.released and 5 not in chip.consumers
    gpio.close()
    assert chip.closed


def test_alt_modes_need_the_kernel_to_mux_them(fake_description: Any, chip_path: str) -> None:
    chip = FakeChip()
    gpio = make_gpio(fake_description, chip_path, chip)
    line = gpio.claim("GP2", LineConfig())
    with pytest.raises(ValueError, match=r"UART0_RX.*overlay.*muxed"):
        line.reconfigure(LineConfig(mode="alt", alt=3))
    line.reconfigure(LineConfig(mode="alt", alt=4))  # a timer output: software PWM drives it
    assert chip.requests[0].settings.direction == Direction.OUTPUT
    muxed = gpio.claim("GP3", LineConfig())  # has a kernel-muxed function: requested lazily
    assert muxed.fast_fd == -1
    assert len(chip.requests) == 1
    muxed.reconfigure(LineConfig(mode="alt", alt=1))
    assert muxed.get() == 0 and len(chip.requests) == 1
    muxed.reconfigure(LineConfig(mode="in"))
    assert len(chip.requests) == 2
    muxed.reconfigure(LineConfig(mode="alt", alt=1))
    assert chip.requests[1].released
    gpio.close()


def test_unknown_pins_and_lines_say_how_to_map_them(fake_description: Any, chip_path: str) -> None:
    gpio = make_gpio(fake_description, chip_path, FakeChip())
    with pytest.raises(ValueError, match="no pin 'GP99'"):
        gpio.claim("GP99", LineConfig())
    with pytest.raises(ValueError, match=r"no line 'NOPE'.*\[pins.GONE\] line ="):
        gpio.claim("GONE", LineConfig())
    gpio.close()


def test_an_output_line_reports_the_programs_changes(fake_description: Any, chip_path: str) -> None:
    gpio = make_gpio(fake_description, chip_path, FakeChip())
    line = gpio.claim("GP5", LineConfig(mode="out", value=0))
    seen: list[int] = []
    line.watch(lambda level, stamp: seen.append(level))
    line.set(1)
    line.set(1)
    line.set(0)
    assert seen == [1, 0]
    gpio.close()


# ------------------------------------------------------------------------------ descriptions


def test_raspberry_pi_description() -> None:
    pi = load_builtin("raspberry-pi")
    config = parse(pi)
    assert config.place("GPIO17").line == 17
    assert config.place("PIN11").line == 17
    assert config.place("GPIO17").chips[0] == "pinctrl-rp1"
    assert config.place("ACT").leds == ("ACT", "led0")
    assert config.i2c == {1: "/dev/i2c-1"}
    assert config.spi == {0: "/dev/spidev0.0"}
    assert config.uart == {0: "/dev/serial0"}
    assert pi.default_pins[("i2c", 1)] == ("GPIO2", "GPIO3")
    assert {"I2C1_SDA", "SPI0_CLK", "UART0_TX"} <= config.muxed
    assert pi.heartbeat_pin == "ACT"


def test_linux_generic_and_auto_descriptions() -> None:
    assert parse(load_builtin("linux-generic")).discover_pins
    assert load_builtin("linux-auto").section("linux")["detect"] is True


def test_the_machine_model_picks_the_description(tmp_path: Path) -> None:
    model = tmp_path / "model"
    model.write_text("Raspberry Pi 4 Model B Rev 1.4\x00")
    assert detect_description(model) == "raspberry-pi"
    model.write_text("Pine64 RockPro64\x00")
    assert detect_description(model) == "linux-generic"
    assert detect_description(tmp_path / "absent") == "linux-generic"


def test_the_docs_mapping_file_loads(tmp_path: Path) -> None:
    text = (ROOT / "docs" / "raspberry-pi.md").read_text()
    block = text.split("```toml\n", 1)[1].split("```", 1)[0]
    assert 'extends = "raspberry-pi"' in block
    mapping = tmp_path / "my-pi.toml"
    mapping.write_text(block)
    desc = description.load(mapping)
    assert desc.raw["pins"]["GP16"]["line"] == 17
    assert "GP16" in desc.pins


def test_choosing_linux_without_gpiod_says_what_to_install() -> None:
    code = (
        "import sys; sys.modules['gpiod'] = None\n"
        "import micropython_compat\n"
        "try:\n    micropython_compat.use_board('linux')\n"
        "except micropython_compat.BoardUnavailable as exc:\n    print(exc)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert "pip install micropython-compat[linux]" in result.stdout, result.stderr
    assert "'gpiod'" in result.stdout


def test_a_machine_without_gpio_chips_has_no_linux_board() -> None:
    if glob.glob("/dev/gpiochip*"):  # this test describes hosts like the CI machines
        board = create_board(None)
        assert board.description.name
        board.close()
        return
    with pytest.raises(BoardUnavailable, match=r"no GPIO.*MICROPYTHON_COMPAT_BOARD=sim"):
        create_board(None)


def test_the_linux_board_has_no_virtual_clock(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="use_board\\('sim', clock='virtual'\\)"):
        create_board(
            load_builtin("linux-generic"), clock="virtual", flash=tmp_path, chip_paths=lambda: []
        )


def test_storage_defaults_to_a_per_user_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    board = LinuxBoard(load_builtin("raspberry-pi"), chip_paths=lambda: [])
    assert board.storage.flash == (tmp_path / "micropython-compat" / "flash").resolve()
    assert board.storage.flash.is_dir()
    with pytest.raises(ValueError, match=r"no I2C 0.*\[linux\] i2c"):
        board.i2c(0)
    board.close()


# ------------------------------------------------------------------------------ I2C


def test_i2c_errno_mapping() -> None:
    for code in (errno.ENXIO, errno.ENODEV, errno.EREMOTEIO, errno.EIO, errno.EAGAIN):
        assert i2c_errno(code) == errno.EIO
    assert i2c_errno(errno.ETIMEDOUT) == errno.ETIMEDOUT
    assert i2c_errno(errno.EOPNOTSUPP) == errno.EOPNOTSUPP


class FakeSMBus:
    """An SMBus-only adapter (as i2c-stub) with a register file at 0x50."""

    funcs = (
        I2cFunc.SMBUS_QUICK | I2cFunc.SMBUS_BYTE | I2cFunc.SMBUS_BYTE_DATA | I2cFunc.SMBUS_I2C_BLOCK
    )

    def __init__(self) -> None:
        self.regs = bytearray(256)
        self.pointer = 0
        self.calls: list[str] = []
        self.closed = False

    def _check(self, addr: int, name: str) -> None:
        self.calls.append(name)
        if addr != 0x50:
            raise OSError(errno.ENODEV, "No such device")

    def write_quick(self, addr: int) -> None:
        self._check(addr, "quick")

    def read_byte(self, addr: int) -> int:
        self._check(addr, "read_byte")
        self.pointer += 1
        return self.regs[self.pointer - 1]

    def write_byte(self, addr: int, value: int) -> None:
        self._check(addr, "write_byte")
        self.pointer = value

    def write_byte_data(self, addr: int, reg: int, value: int) -> None:
        self._check(addr, "write_byte_data")
        self.regs[reg] = value

    def read_byte_data(self, addr: int, reg: int) -> int:
        self._check(addr, "read_byte_data")
        return self.regs[reg]

    def write_i2c_block_data(self, addr: int, reg: int, data: list[int]) -> None:
        self._check(addr, "write_i2c_block_data")
        self.regs[reg : reg + len(data)] = bytes(data)

    def read_i2c_block_data(self, addr: int, reg: int, n: int) -> list[int]:
        self._check(addr, "read_i2c_block_data")
        return list(self.regs[reg : reg + n])

    def close(self) -> None:
        self.closed = True


def test_an_smbus_only_adapter_gets_the_matching_commands() -> None:
    fake = FakeSMBus()
    bus = LinuxI2CBus("/dev/i2c-9", opener=lambda path: fake)
    assert not bus.plain_i2c
    bus.transfer(0x50, [I2CWrite(b"")])
    bus.transfer(0x50, [I2CWrite(b"\x10\x01\x02\x03")])
    bus.transfer(0x50, [I2CWrite(b"\x20\x09")])
    got = bytearray(3)
    bus.transfer(0x50, [I2CWrite(b"\x10"), I2CRead(got)])
    assert bytes(got) == b"\x01\x02\x03"
    one = bytearray(1)
    bus.transfer(0x50, [I2CWrite(b"\x20"), I2CRead(one)])
    assert one == b"\x09"
    bus.transfer(0x50, [I2CWrite(b"\x10")], stop=False)  # kept for the next transfer
    assert fake.calls[-1] == "read_byte_data"
    two = bytearray(2)
    bus.transfer(0x50, [I2CRead(two)])
    assert bytes(two) == b"\x01\x02"
    assert fake.calls[-1] == "read_i2c_block_data"
    assert fake.calls[:3] == ["quick", "write_i2c_block_data", "write_byte_data"]
    bus.close()
    assert fake.closed


def test_smbus_errors_are_the_wipys() -> None:
    bus = LinuxI2CBus("/dev/i2c-9", opener=lambda path: FakeSMBus())
    with pytest.raises(OSError) as info:
        bus.transfer(0x42, [I2CRead(bytearray(1))])
    assert info.value.errno == errno.EIO and info.value.args == (errno.EIO,)
    with pytest.raises(OSError) as info:
        bus.transfer(0x50, [I2CWrite(b"\x00\x10"), I2CRead(bytearray(2))])
    assert info.value.errno == errno.EOPNOTSUPP
    assert "SMBus only" in str(info.value) and "a write of 2 bytes, then a read of 2 bytes" in str(
        info.value
    )
    bus.close()


class FakeI2C:
    funcs = I2cFunc.I2C | I2cFunc.SMBUS_QUICK

    def __init__(self) -> None:
        self.transactions: list[list[tuple[str, bytes]]] = []

    def i2c_rdwr(self, *msgs: Any) -> None:
        for m in msgs:
            if m.flags & 1:
                for i in range(m.len):
                    m.buf[i] = 0x40 + i
        self.transactions.append([("r" if m.flags & 1 else "w", bytes(m)) for m in msgs])

    def close(self) -> None:
        pass


def test_a_plain_adapter_gets_one_i2c_rdwr_per_transaction() -> None:
    fake = FakeI2C()
    bus = LinuxI2CBus("/dev/i2c-1", opener=lambda path: fake)
    bus.transfer(0x20, [I2CWrite(b"\x01\x02")], stop=False)
    assert fake.transactions == []
    got = bytearray(2)
    bus.transfer(0x20, [I2CRead(got)])
    assert fake.transactions == [[("w", b"\x01\x02"), ("r", b"\x40\x41")]]
    assert bytes(got) == b"\x40\x41"
    bus.transfer(0x20, [I2CWrite(b"\x05")], stop=False)
    bus.transfer(0x21, [I2CWrite(b"\x06")])  # another address: the kept write goes alone first
    assert fake.transactions[1:] == [[("w", b"\x05")], [("w", b"\x06")]]
    bus.close()


def test_a_missing_adapter_says_what_to_enable() -> None:
    def absent(path: str) -> Any:
        raise FileNotFoundError(errno.ENOENT, "No such file or directory", path)

    with pytest.raises(OSError) as info:
        LinuxI2CBus("/dev/i2c-1", opener=absent)
    assert info.value.errno == errno.ENOENT
    assert "dtparam=i2c_arm=on" in str(info.value)


# ------------------------------------------------------------------------------ SPI


def test_spi_modes_and_wire_order() -> None:
    assert [spi_mode(p, h) for p, h in ((0, 0), (0, 1), (1, 0), (1, 1))] == [0, 1, 2, 3]
    assert to_wire_order(b"\x34\x12", 16) == b"\x12\x34"
    assert to_wire_order(b"\x78\x56\x34\x12", 32) == b"\x12\x34\x56\x78"
    assert to_wire_order(b"\x01", 8, msb_first=False) == b"\x80"
    data = bytes(range(8))
    assert to_wire_order(to_wire_order(data, 32), 32) == data


class FakeSpiDev:
    def __init__(self, word_sizes: tuple[int, ...]) -> None:
        self.word_sizes = word_sizes
        self.mode = self.max_speed_hz = 0
        self._bits = 8
        self.lsbfirst = False
        self.sent: list[bytes] = []

    @property
    def bits_per_word(self) -> int:
        return self._bits

    @bits_per_word.setter
    def bits_per_word(self, bits: int) -> None:
        if bits not in self.word_sizes:
            raise OSError(errno.EINVAL, "Invalid argument")
        self._bits = bits

    def xfer2(self, data: list[int]) -> list[int]:
        self.sent.append(bytes(data))
        return data

    def close(self) -> None:
        pass


@pytest.mark.parametrize("sizes", [(8, 16, 32), (8,)])
def test_spi_words_go_out_msb_first_on_any_controller(sizes: tuple[int, ...]) -> None:
    fake = FakeSpiDev(sizes)
    bus = LinuxSPIBus("/dev/spidev0.0", opener=lambda b, c: fake)
    bus.configure(1_000_000, 1, 1, 16, True)
    assert (fake.mode, fake.max_speed_hz) == (3, 1_000_000)
    assert bus.transfer(b"\x34\x12") == b"\x34\x12"
    assert fake.sent[-1] == (b"\x34\x12" if 16 in sizes else b"\x12\x34")
    with pytest.raises(ValueError):
        bus.transfer(b"\x01")
    bus.close()


# ------------------------------------------------------------------------------ UART (a pty)


def test_a_pty_as_the_uart() -> None:
    master, slave = os.openpty()
    threads = set(threading.enumerate())
    port = LinuxUART(os.ttyname(slave))
    try:
        port.configure(115200, 8, None, 1)
        arrived = threading.Event()
        port.on_receive(arrived.set)
        assert port.read(4, 0.05) == b""
        os.write(master, b"ping")
        assert arrived.wait(2)
        deadline = time.monotonic() + 2
        while port.waiting() < 4 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert port.waiting() == 4
        import select

        assert select.select([port.fileno()], [], [], 0)[0]
        assert port.read(3, 1) == b"pin"
        assert port.read(3, 1) == b"g"
        assert not select.select([port.fileno()], [], [], 0)[0]
        assert port.write(b"pong") == 4
        time.sleep(0.05)
        assert os.read(master, 16) == b"pong"
        with pytest.raises(ValueError):
            port.configure(115200, 9, None, 1)
    finally:
        port.close()
        os.close(master)
        os.close(slave)
    time.sleep(0.05)
    assert [t for t in threading.enumerate() if t not in threads] == []
    with pytest.raises(ValueError):
        port.fileno()


def test_a_uart_held_by_another_program_is_busy() -> None:
    master, slave = os.openpty()
    first = LinuxUART(os.ttyname(slave))
    try:
        with pytest.raises(OSError) as info:
            LinuxUART(os.ttyname(slave))
        assert info.value.errno == errno.EBUSY
        assert "in use by another program" in str(info.value)
    finally:
        first.close()
        os.close(master)
        os.close(slave)


# ------------------------------------------------------------------------------ the rest


def test_rtc_keeps_an_offset_and_never_sets_the_system_time() -> None:
    now = [EPOCH_2000_NS + 1000]
    rtc = LinuxRTC(lambda: now[0])
    assert rtc.read_ns() == 1000
    rtc.write_ns(5_000_000)
    now[0] += 10
    assert rtc.read_ns() == 5_000_010


def test_process_watchdog_expires_unless_fed() -> None:
    clock = VirtualClock()
    dog = ProcessWatchdog(clock)
    fired: list[int] = []
    dog.start(100, lambda: fired.append(clock.now_ns()))
    clock.advance_ns(90_000_000)
    dog.feed()
    clock.advance_ns(90_000_000)
    assert fired == []
    clock.advance_ns(20_000_000)
    assert len(fired) == 1
    dog.close()
    clock.close()


def test_adc_scales_iio_readings(tmp_path: Path) -> None:
    device = tmp_path / "iio:device3"
    device.mkdir()
    (device / "name").write_text("ads1015\n")
    (device / "in_voltage2_raw").write_text("2047\n")
    adc = LinuxADC(12, {0: ADCSource(device="ads1015", channel=2, bits=11)}, iio_root=tmp_path)
    assert adc.read(0) == 4095
    assert scale_reading(0, 10, 12) == 0 and scale_reading(512, 10, 12) == 2050
    with pytest.raises(ValueError, match="ADC channel 1 has no IIO channel"):
        adc.read(1)


def test_sysfs_pwm_exports_and_programs_the_channel(tmp_path: Path) -> None:
    chip = tmp_path / "pwmchip0"
    (chip / "pwm1").mkdir(parents=True)
    pwm = SysfsPWM("pwmchip0", 1, root=tmp_path)
    pwm.set(1_000_000, 250_000, True)
    files = {p.name: p.read_text() for p in (chip / "pwm1").iterdir()}
    assert files == {
        "period": "1000000",
        "duty_cycle": "250000",
        "polarity": "inversed",
        "enable": "1",
    }
    pwm.stop()
    assert (chip / "pwm1" / "enable").read_text() == "0"
    pwm.close()
    assert (chip / "unexport").read_text() == "1"


def test_software_pwm_toggles_the_line_and_stops_idle() -> None:
    levels: list[int] = []

    class Line:
        def drive(self, level: int) -> None:
            levels.append(level)

    handed_back: list[object] = []
    pwm = SoftPWM(Line, handed_back.append)
    pwm.set(4_000_000, 2_000_000, False)
    deadline = time.monotonic() + 2
    while levels.count(1) < 3 and time.monotonic() < deadline:
        time.sleep(0.005)
    assert levels.count(1) >= 3 and levels.count(0) >= 2
    pwm.stop()  # returns with the line at its idle level
    assert levels[-1] == 0
    pwm.close()
    assert len(handed_back) == 1
