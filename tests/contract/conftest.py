"""The contract suite's bench: the same tests on every backend that is available.

``MICROPYTHON_COMPAT_CONTRACT_BENCH`` picks it: unset or ``sim`` (a simulated WiPy on a virtual
clock, here and everywhere) or ``gpio-sim`` (the linux backend inside the VM guest that
``tests/kernel/run.sh`` boots, against the kernel's gpio-sim, i2c-stub, an SPI loopback and a
16550 UART). See research/CONTRACT-BENCH.md (outside the package) and tests/kernel/README.md.
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
    spi_bus, uart_id = 0, 0

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


class GpioSimBench:
    """The linux backend in the VM guest: gpio-sim chip 'mpc-sim' (lines GP0..GP31), i2c-stub
    at 0x50/0x51 on /dev/i2c-0, an SPI loopback on /dev/spidev0.0, UART 0 on $MPC_UART_DEVICE
    whose far end is $MPC_UART_FAR (a device path, or tcp:HOST:PORT)."""

    name = "gpio-sim"
    input_pin, output_pin, irq_pin = INPUT_PIN, OUTPUT_PIN, IRQ_PIN
    i2c_bus, i2c_missing, smbus_only = 0, 0x42, True
    i2c_addrs: tuple[int, ...] = (0x50, 0x51)
    spi_bus, uart_id = 0, 0
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

    def claimed(self, pin: str) -> bool:
        return bool(self._chip.get_line_info(pin).used)

    @contextmanager
    def hold_elsewhere(self, pin: str, consumer: str) -> Iterator[bool]:
        request = self._chip.request_lines({pin: None}, consumer=consumer)
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
    raise pytest.UsageError(f"{BENCH_VAR} must be 'sim' or 'gpio-sim', not {kind!r}")


#: How long the far end of the bench UART must stay quiet before a UART test starts.
UART_DRAIN_S = 0.1


@pytest.fixture
def bench(request: pytest.FixtureRequest) -> Iterator[Bench]:
    """The bench, with its board active; the board is released after the test. Before a UART
    test (tests/contract/test_uart.py) the far end is drained: bytes an earlier test's UART
    sent and nobody read wait there (tests/kernel/README.md, "The UART far ends")."""
    made = make_bench()
    if request.module.__name__.rpartition(".")[2] == "test_uart":
        made.uart_far_received(UART_DRAIN_S)
    micropython_compat.use_board(made.board_spec)
    try:
        yield made
    finally:
        micropython_compat.release_board()
        made.close()
