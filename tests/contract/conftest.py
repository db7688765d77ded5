"""The contract suite's bench: the same tests on every backend that is available.

``MICROPYTHON_COMPAT_CONTRACT_BENCH`` picks it: unset or ``sim`` (a simulated WiPy on a virtual
clock, here and everywhere), ``gpio-sim`` (the linux backend inside the VM guest that
``tests/kernel/run.sh`` boots, against the kernel's gpio-sim, i2c-stub, an SPI loopback and a
16550 UART) or ``pi`` (the linux backend on the emulated Raspberry Pi 3B that
``tests/pi/run.sh`` boots, against the Pi's own drivers). See research/CONTRACT-BENCH.md
(outside the package), tests/kernel/README.md and tests/pi/README.md.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any, Protocol

import pytest

import micropython_compat
from micropython_compat.backends.sim.board import SimBoard
from micropython_compat.backends.sim.i2c_devices import device_from_description
from micropython_compat.description import load, load_builtin

BENCH_VAR = "MICROPYTHON_COMPAT_CONTRACT_BENCH"
VM_BOARD = Path(__file__).resolve().parent.parent / "kernel" / "vm-board.toml"

#: The pins every bench uses: none has a bus function, so the linux backend requests them at
#: once (and the C fast path gets their request fds).
INPUT_PIN, OUTPUT_PIN, IRQ_PIN = "GP8", "GP9", "GP22"


class Bench(Protocol):
    """What the tests drive and observe (research/CONTRACT-BENCH.md)."""

    name: str
    board_spec: Any
    input_pin: str
    output_pin: str
    irq_pin: str
    i2c_bus: int
    i2c_addrs: tuple[int, ...]
    i2c_missing: int
    smbus_only: bool
    spi_bus: int
    spi_loopback: bool
    uart_id: int

    def drive(self, pin: str, level: int | None) -> None: ...
    def level(self, pin: str) -> int: ...
    def claimed(self, pin: str) -> bool: ...
    def hold_elsewhere(self, pin: str, consumer: str) -> AbstractContextManager[bool]: ...
    def uart_far_send(self, data: bytes) -> None: ...
    def uart_far_received(self, timeout_s: float) -> bytes: ...
    def settle(self) -> None: ...
    def close(self) -> None: ...


class SimBench:
    """The simulated WiPy on a virtual clock."""

    name = "sim"
    input_pin, output_pin, irq_pin = INPUT_PIN, OUTPUT_PIN, IRQ_PIN
    i2c_bus, i2c_missing, smbus_only = 0, 0x42, False
    i2c_addrs: tuple[int, ...] = (0x50, 0x51)
    spi_bus, uart_id, spi_loopback = 0, 0, True

    def __init__(self) -> None:
        self.board = SimBoard(load_builtin("wipy"), clock="virtual")
        self.board_spec: Any = self.board
        for addr in self.i2c_addrs:
            device = device_from_description({"model": "registers"}, self.board.clock)
            self.board.i2c_bus(self.i2c_bus).attach(addr, device)
        self.board.spi_bus(self.spi_bus).loopback()

    def drive(self, pin: str, level: int | None) -> None:
        if level is None:
            self.board.pin(pin).release()
        else:
            self.board.pin(pin).drive(level)

    def level(self, pin: str) -> int:
        return self.board.pin(pin).level

    def claimed(self, pin: str) -> bool:
        return self.board.pin(pin).claimed

    def hold_elsewhere(self, pin: str, consumer: str) -> AbstractContextManager[bool]:
        return nullcontext(False)  # nothing else can hold a simulated pin

    def uart_far_send(self, data: bytes) -> None:
        self.board.uart_port(self.uart_id).feed(data)

    def uart_far_received(self, timeout_s: float) -> bytes:
        return self.board.uart_port(self.uart_id).take_sent()

    def settle(self) -> None:
        self.board.advance(ms=5)

    def close(self) -> None:
        pass


class _KernelBench:
    """What the benches on a real kernel share: a gpiod chip whose lines they inspect and hold
    (``_line_id`` maps a pin to its line id there), a UART far end, real time."""

    _chip: Any
    _far: _FarEnd

    def _line_id(self, pin: str) -> int | str:
        return pin

    def claimed(self, pin: str) -> bool:
        return bool(self._chip.get_line_info(self._line_id(pin)).used)

    @contextmanager
    def hold_elsewhere(self, pin: str, consumer: str) -> Iterator[bool]:
        request = self._chip.request_lines({self._line_id(pin): None}, consumer=consumer)
        try:
            yield True
        finally:
            request.release()

    def uart_far_send(self, data: bytes) -> None:
        self._far.send(data)

    def uart_far_received(self, timeout_s: float) -> bytes:
        return self._far.receive(timeout_s)

    def settle(self) -> None:
        time.sleep(0.1)

    def close(self) -> None:
        self._far.close()
        self._chip.close()


class GpioSimBench(_KernelBench):
    """The linux backend in the VM guest: gpio-sim chip 'mpc-sim' (lines GP0..GP31), i2c-stub
    at 0x50/0x51 on /dev/i2c-0, an SPI loopback on /dev/spidev0.0, UART 0 on $MPC_UART_DEVICE
    whose far end is $MPC_UART_FAR (a device path, or tcp:HOST:PORT)."""

    name = "gpio-sim"
    input_pin, output_pin, irq_pin = INPUT_PIN, OUTPUT_PIN, IRQ_PIN
    i2c_bus, i2c_missing, smbus_only = 0, 0x42, True
    i2c_addrs: tuple[int, ...] = (0x50, 0x51)
    spi_bus, uart_id, spi_loopback = 0, 0, True
    configfs = Path("/sys/kernel/config/gpio-sim/mpc")

    def __init__(self) -> None:
        import gpiod

        self.board_spec: Any = load(VM_BOARD).source
        dev = (self.configfs / "dev_name").read_text().strip()
        chip = (self.configfs / "bank0" / "chip_name").read_text().strip()
        self._sysfs = Path("/sys/devices/platform") / dev / chip
        self._chip = gpiod.Chip(f"/dev/{chip}")
        self._gpiod = gpiod
        self._far = _FarEnd(os.environ.get("MPC_UART_FAR", ""))

    def _line(self, pin: str) -> Path:
        return self._sysfs / f"sim_gpio{int(pin[2:])}"

    def drive(self, pin: str, level: int | None) -> None:
        # gpio-sim has no floating input: "released" is a pull-down the line's bias overrides.
        (self._line(pin) / "pull").write_text("pull-up" if level else "pull-down")

    def level(self, pin: str) -> int:
        return int((self._line(pin) / "value").read_text().strip())


#: Why the input, pull and edge tests don't run on the emulated Pi.
PI_NO_INPUTS = (
    "not run on the emulated Raspberry Pi: QEMU's raspi3b models no GPIO inputs, pulls or edge "
    "events (an input reads the output latch); these tests run on the gpio-sim tier"
)


class PiBench(_KernelBench):
    """The linux backend on the emulated Raspberry Pi 3B (tests/pi/run.sh), with the board
    chosen automatically (the built-in raspberry-pi description, from the device tree's model):
    pinctrl-bcm2835's GPIO (outputs only), at24c EEPROMs at 0x50 and 0x51 on /dev/i2c-1, a
    W25Q80BL flash on /dev/spidev0.0 (no loopback: tests/pi/guest_pi.py tests it), UART 0
    (/dev/serial0, the PL011) whose far end is $MPC_UART_FAR (a USB serial adapter)."""

    name = "pi"
    input_pin, output_pin, irq_pin = "GPIO22", "GPIO17", "GPIO27"
    i2c_bus, i2c_missing, smbus_only = 1, 0x42, False
    i2c_addrs: tuple[int, ...] = (0x50, 0x51)
    spi_bus, uart_id, spi_loopback = 0, 0, False
    board_spec: Any = None  # chosen as on a user's Pi: no board file, no environment variable

    def __init__(self) -> None:
        import gpiod

        self._chip = gpiod.Chip("/dev/gpiochip0")
        self._pins = next(Path("/sys/kernel/debug/pinctrl").glob("*bcm2835*/pins"))
        self._far = _FarEnd(os.environ.get("MPC_UART_FAR", ""))

    def drive(self, pin: str, level: int | None) -> None:
        pytest.skip(PI_NO_INPUTS)

    def level(self, pin: str) -> int:
        """The pin's level in the GPIO level register (GPLEV), as pinctrl-bcm2835 reads it."""
        offset = self._line_id(pin)
        for line in self._pins.read_text().splitlines():
            fields = line.split()
            if fields[:2] == ["pin", str(offset)]:
                return 1 if " in hi;" in line else 0
        raise AssertionError(f"no pin {offset} in {self._pins}")

    def _line_id(self, pin: str) -> int:
        return int(pin[4:])  # GPIOn is line n of the BCM2835's chip


class _FarEnd:
    """The host side of the bench UART: a device (raw tty) or a TCP connection."""

    def __init__(self, spec: str) -> None:
        self._sock: socket.socket | None = None
        self._fd = -1
        if spec.startswith("tcp:"):
            host, _, port = spec[4:].rpartition(":")
            self._sock = socket.create_connection((host, int(port)), timeout=5)
        elif spec:
            import tty

            self._fd = os.open(spec, os.O_RDWR | os.O_NOCTTY)
            if os.isatty(self._fd):
                tty.setraw(self._fd)

    def send(self, data: bytes) -> None:
        if self._sock is not None:
            self._sock.sendall(data)
        else:
            os.write(self._fd, data)

    def receive(self, timeout_s: float) -> bytes:
        import select

        out = bytearray()
        deadline = time.monotonic() + timeout_s
        fileno = self._sock.fileno() if self._sock is not None else self._fd
        while True:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([fileno], [], [], max(0.0, left))
            if not ready:
                return bytes(out)
            chunk = self._sock.recv(4096) if self._sock is not None else os.read(self._fd, 4096)
            if not chunk:
                return bytes(out)
            out += chunk
            deadline = min(deadline, time.monotonic() + 0.2)  # stop once the line goes quiet

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
        if self._fd >= 0:
            os.close(self._fd)


def make_bench() -> Bench:
    """The bench the environment asks for."""
    kind = os.environ.get(BENCH_VAR, "sim").strip() or "sim"
    if kind == "sim":
        return SimBench()
    if kind == "gpio-sim":
        return GpioSimBench()
    if kind == "pi":
        return PiBench()
    raise pytest.UsageError(f"{BENCH_VAR} must be 'sim', 'gpio-sim' or 'pi', not {kind!r}")


#: How long the far end of the bench UART must stay quiet before a UART test starts.
UART_DRAIN_S = 0.1


@pytest.fixture
def bench(request: pytest.FixtureRequest) -> Iterator[Bench]:
    """The bench, with its board active; the board is released after the test. Before a UART
    test (tests/contract/test_uart.py) the far end is drained: bytes an earlier test's UART
    sent and nobody read wait there (tests/kernel/README.md, "The UART far ends")."""
    made = make_bench()
    module = request.module.__name__.rpartition(".")[2]
    if module == "test_spi" and not made.spi_loopback:
        made.close()
        pytest.skip(
            f"not run on the {made.name} bench: it has no SPI loopback (its SPI device is "
            "tested on its own: tests/pi/guest_pi.py)"
        )
    if module == "test_uart":
        made.uart_far_received(UART_DRAIN_S)
    micropython_compat.use_board(made.board_spec)
    try:
        yield made
    finally:
        micropython_compat.release_board()
        made.close()
