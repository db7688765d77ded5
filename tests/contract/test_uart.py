"""UARTs through machine.UART with a far end the bench controls."""

from __future__ import annotations

from machine import UART

from .conftest import Bench


def test_writes_reach_the_far_end(bench: Bench) -> None:
    uart = UART(bench.uart_id, 115200)
    assert uart.write(b"hello") == 5
    assert bench.uart_far_received(2.0) == b"hello"


def test_far_bytes_are_counted_and_read(bench: Bench) -> None:
    uart = UART(bench.uart_id, 115200)
    bench.uart_far_send(b"abcdef")
    bench.settle()
    assert uart.any() == 6
    assert uart.read(4) == b"abcd"
    assert uart.any() == 2
    assert uart.read() == b"ef"
    assert uart.any() == 0


def test_a_read_with_nothing_coming_times_out_with_none(bench: Bench) -> None:
    uart = UART(bench.uart_id, 115200)
    assert uart.read(3) is None
    buf = bytearray(2)
    assert uart.readinto(buf) is None


def test_readline_stops_at_the_newline(bench: Bench) -> None:
    uart = UART(bench.uart_id, 115200)
    bench.uart_far_send(b"one\ntwo")
    bench.settle()
    assert uart.readline() == b"one\n"


def test_rx_any_irq_fires_when_bytes_arrive(bench: Bench) -> None:
    uart = UART(bench.uart_id, 115200)
    calls: list[int] = []
    uart.irq(trigger=UART.RX_ANY, handler=lambda u: calls.append(u.any()))
    bench.uart_far_send(b"x")
    bench.settle()
    bench.settle()
    assert len(calls) == 1
    assert calls[0] >= 1
    assert uart.read(1) == b"x"


def test_sendbreak_leaves_the_port_usable(bench: Bench) -> None:
    uart = UART(bench.uart_id, 9600)
    uart.sendbreak()
    bench.uart_far_received(0.5)  # whatever a break reads as at the far end
    assert uart.write(b"ok") == 2
    assert bench.uart_far_received(2.0).endswith(b"ok")
