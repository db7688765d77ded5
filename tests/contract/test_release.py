"""Releasing the board gives back every line, descriptor and thread it took."""

from __future__ import annotations

import os
import threading

import micropython_compat
from machine import I2C, SPI, UART, Pin

from .conftest import Bench


def _fds() -> set[int]:
    return {int(fd) for fd in os.listdir("/proc/self/fd")}


def test_release_leaves_no_line_fd_or_thread(bench: Bench) -> None:
    threads = set(threading.enumerate())
    fds = _fds()
    out = Pin(bench.output_pin, Pin.OUT, value=1)
    pin = Pin(bench.irq_pin, Pin.IN)
    pin.irq(trigger=Pin.IRQ_RISING, handler=lambda p: None)
    I2C(bench.i2c_bus).scan()
    SPI(bench.spi_bus, SPI.MASTER).write(b"\x00")
    uart = UART(bench.uart_id, 115200)
    uart.irq(trigger=UART.RX_ANY, handler=lambda u: None)
    assert out.value() == 1
    assert bench.claimed(bench.output_pin)
    assert bench.claimed(bench.irq_pin)
    micropython_compat.release_board()
    assert not bench.claimed(bench.output_pin)
    assert not bench.claimed(bench.irq_pin)
    leftover = [t for t in threading.enumerate() if t not in threads and t.is_alive()]
    assert leftover == []
    assert _fds() <= fds


def test_a_pin_given_back_can_be_claimed_again(bench: Bench) -> None:
    Pin(bench.output_pin, Pin.OUT, value=1)
    micropython_compat.release_board()
    micropython_compat.use_board(bench.board_spec)
    pin = Pin(bench.output_pin, Pin.OUT, value=0)
    assert bench.level(bench.output_pin) == 0
    assert pin.value() == 0
