"""A simulated UART bridged to a host pty: a serial line at the baud rate that never loses a
byte while a terminal program has it open (flow control both ways), on the real clock.

Deadlines here only bound a hang; the one time assertion is a lower bound (the line is never
faster than its baud rate), which load can't break.
"""

from __future__ import annotations

import os
import select
import threading
import time
import tty
from collections.abc import Iterator

import pytest

from machine import UART
from micropython_compat.testing import SimBoard

DEADLINE_S = 60.0


def _open(path: str) -> int:
    fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
    tty.setraw(fd)
    return fd


def _read_exactly(fd: int, count: int, pause_s: float = 0.0) -> bytes:
    """``count`` bytes from ``fd``, small reads with ``pause_s`` between them (a slow reader)."""
    data = bytearray()
    deadline = time.monotonic() + DEADLINE_S
    while len(data) < count:
        assert time.monotonic() < deadline, f"only {len(data)} of {count} bytes arrived"
        ready, _, _ = select.select([fd], [], [], 1.0)
        if ready:
            data += os.read(fd, min(512, count - len(data)))
            if pause_s:
                time.sleep(pause_s)  # the slow reader under test, not a synchronisation
    return bytes(data)


@pytest.fixture
def bridged(wipy_realtime: SimBoard) -> Iterator[tuple[UART, str]]:
    path = wipy_realtime.uart_port(1).bridge_pty()
    yield UART(1, 2_000_000), path


def _wait_line_idle(board: SimBoard, port: int) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while board.uart_port(port).tx_pending:
        assert time.monotonic() < deadline, "the line never went idle"
        time.sleep(0.001)


def _a_new_reader_sees_only_what_comes_next(uart: UART, path: str) -> None:
    fd = _open(path)
    try:
        uart.write(b"fresh")
        assert _read_exactly(fd, 5) == b"fresh"
    finally:
        os.close(fd)


def _writer(uart: UART, payload: bytes) -> threading.Thread:
    thread = threading.Thread(target=uart.write, args=(payload,), daemon=True)
    thread.start()
    return thread


def test_a_slow_reader_gets_every_byte(bridged: tuple[UART, str]) -> None:
    uart, path = bridged
    payload = bytes(range(256)) * 256  # 64 KiB: far more than the pty holds
    fd = _open(path)
    try:
        writer = _writer(uart, payload)
        assert _read_exactly(fd, len(payload), pause_s=0.002) == payload
        writer.join(DEADLINE_S)
        assert not writer.is_alive()
    finally:
        os.close(fd)


def test_the_line_is_never_faster_than_its_baud_rate(wipy_realtime: SimBoard) -> None:
    path = wipy_realtime.uart_port(1).bridge_pty()
    uart = UART(1, 19200, bits=7, parity=UART.EVEN, stop=2)  # 11 bits a frame
    payload = b"x" * 400
    fd = _open(path)
    try:
        start = time.monotonic()
        uart.write(payload)
        assert _read_exactly(fd, len(payload)) == payload
        assert time.monotonic() - start >= len(payload) * 11 / 19200
    finally:
        os.close(fd)


def test_write_blocks_on_a_full_line_like_a_tx_fifo(wipy_realtime: SimBoard) -> None:
    path = wipy_realtime.uart_port(1).bridge_pty()
    uart = UART(1, 9600)
    fd = _open(path)
    try:
        start = time.monotonic()
        uart.write(b"y" * 200)  # up to ~50 ms (48 bytes) may still wait; the rest is sent
        assert time.monotonic() - start >= (200 - 50) * 10 / 9600
        assert _read_exactly(fd, 200) == b"y" * 200
    finally:
        os.close(fd)


def test_nobody_attached_the_bytes_go_nowhere_at_the_line_pace(
    bridged, wipy_realtime: SimBoard
) -> None:
    uart, path = bridged
    uart.write(b"z" * 20_000)  # returns: an unconnected line doesn't block for ever
    _wait_line_idle(wipy_realtime, 1)
    _a_new_reader_sees_only_what_comes_next(uart, path)


def test_what_a_reader_left_unread_is_not_shown_to_the_next(
    bridged, wipy_realtime: SimBoard
) -> None:
    uart, path = bridged
    first = _open(path)
    writer = _writer(uart, b"s" * 65536)
    try:
        assert _read_exactly(first, 10) == b"s" * 10
    finally:
        os.close(first)
    writer.join(DEADLINE_S)  # the reader left: the rest goes nowhere, the write ends
    assert not writer.is_alive()
    _wait_line_idle(wipy_realtime, 1)
    _a_new_reader_sees_only_what_comes_next(uart, path)


def test_a_fast_sender_waits_for_room_instead_of_losing_bytes(
    wipy_realtime: SimBoard,
) -> None:
    port = wipy_realtime.uart_port(1)
    path = port.bridge_pty()
    uart = UART(1, 115200)
    payload = bytes(range(256)) * 16  # 4 KiB into a 255-byte ring
    fd = _open(path)
    try:
        sender = threading.Thread(target=os.write, args=(fd, payload), daemon=True)
        sender.start()
        received = bytearray()
        deadline = time.monotonic() + DEADLINE_S
        while len(received) < len(payload):
            assert time.monotonic() < deadline, f"only {len(received)} bytes arrived"
            select.select([uart], [], [], 1.0)
            received += uart.read(64) or b""
        sender.join(DEADLINE_S)
        assert bytes(received) == payload
        assert port.dropped == 0
    finally:
        os.close(fd)
