"""Creating and de-initialising peripherals over and over leaves nothing behind.

Each peripheral goes through 10,000 create/deinit cycles on a board running on the real clock
(where timers and the IRQ dispatcher use threads); afterwards the process has the threads and
file descriptors it had before, and no alarm is left scheduled.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

import pytest

import micropython_compat
from machine import ADC, I2C, SD, SPI, UART, Pin, Timer
from micropython_compat.board import current_runtime
from micropython_compat.testing import SimBoard, simulated_board

CYCLES = 10_000


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _i2c() -> None:
    I2C(0, I2C.MASTER, baudrate=100000).deinit()


def _spi() -> None:
    SPI(0, SPI.MASTER, baudrate=2000000).deinit()


def _uart() -> None:
    u = UART(1, 9600)
    u.irq(trigger=UART.RX_ANY, handler=lambda _: None)
    u.deinit()


def _timer() -> None:
    tim = Timer(2, mode=Timer.PERIODIC)
    tim.channel(Timer.A, freq=1000).irq(trigger=Timer.TIMEOUT, handler=lambda _: None)
    tim.deinit()


def _pwm() -> None:
    tim = Timer(1, mode=Timer.PWM)
    tim.channel(Timer.A, freq=1000, duty_cycle=5000)
    tim.deinit()


def _adc() -> None:
    adc = ADC()
    adc.channel(pin="GP3")()
    adc.deinit()


def _sd() -> None:
    SD().deinit()


def _pin_irq() -> None:
    Pin("GP10", mode=Pin.IN).irq(trigger=Pin.IRQ_RISING, handler=lambda _: None).disable()


@pytest.mark.parametrize(
    "cycle",
    [_i2c, _spi, _uart, _timer, _pwm, _adc, _sd, _pin_irq],
    ids=lambda f: f.__name__.strip("_"),
)
def test_create_deinit_cycles_leave_nothing_behind(
    wipy_realtime: SimBoard, cycle: Callable[[], None]
) -> None:
    # The board's two long-lived threads (the real clock's alarm thread and the IRQ
    # dispatcher) start on first use; start both now so only a leak can change the count.
    runtime = current_runtime()
    runtime.dispatcher.post(lambda _: None, None)
    runtime.board.clock.call_at_ns(0, lambda: None)
    cycle()
    threads, fds = threading.active_count(), _fds()
    for _ in range(CYCLES):
        cycle()
    assert threading.active_count() == threads
    assert _fds() == fds


def test_board_release_stops_every_thread_and_closes_every_fd() -> None:
    threads, fds = threading.active_count(), _fds()
    for _ in range(200):
        with simulated_board(clock="real") as board:
            UART(0, 9600).irq(trigger=UART.RX_ANY, handler=lambda _: None)
            board.uart_port(1).bridge_pty()
            Timer(0, mode=Timer.PERIODIC).channel(Timer.A, freq=100).irq(
                trigger=Timer.TIMEOUT, handler=lambda _: None
            )
            Pin("GP10", mode=Pin.IN).irq(trigger=Pin.IRQ_RISING, handler=lambda _: None)
            board.pin("GP10").drive_high()
    assert micropython_compat.board.active_runtime() is None
    assert threading.active_count() == threads
    assert _fds() == fds
