"""uselect: poll and select over usocket sockets, simulated UARTs and other descriptors,
together, on the virtual and on the real board clock."""

from __future__ import annotations

import errno
import os
import socket as host_socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest

import uselect
import usocket
from machine import UART
from micropython_compat.testing import SimBoard

from .test_usocket import LOOPBACK, WAIT_S, wait_readable

MS = 1_000_000


class Pipe:
    """Any object with ``fileno()``: the read end of a host pipe."""

    def __init__(self) -> None:
        self.read_fd, self.write_fd = os.pipe()

    def fileno(self) -> int:
        return self.read_fd

    def close(self) -> None:
        os.close(self.read_fd)
        os.close(self.write_fd)


@pytest.fixture
def pair() -> Iterator[tuple[usocket.socket, host_socket.socket]]:
    """A connected device socket and its CPython peer, on 127.0.0.1 (on the board of the
    test's ``wipy`` or ``wipy_realtime`` fixture, which must come first)."""
    srv = usocket.socket()
    srv.bind((LOOPBACK, 0))
    srv.listen(1)
    srv.settimeout(WAIT_S)
    peer = host_socket.create_connection(srv._sock.getsockname(), timeout=WAIT_S)
    conn, _ = srv.accept()
    srv.close()
    yield conn, peer
    peer.close()
    conn.close()


def test_constants_have_the_stream_values() -> None:
    assert (uselect.POLLIN, uselect.POLLOUT, uselect.POLLERR, uselect.POLLHUP) == (1, 4, 8, 16)


def test_poll_a_tcp_socket_and_a_sim_uart_together(wipy: SimBoard, pair: Any) -> None:
    conn, peer = pair
    uart = UART(0, 9600)
    p = uselect.poll()
    p.register(conn, uselect.POLLIN)
    p.register(uart, uselect.POLLIN)
    assert p.poll(0) == []
    wipy.uart_port(0).feed(b"u")
    assert p.poll(0) == [(uart, uselect.POLLIN)]
    peer.sendall(b"s")
    wait_readable(conn)
    ready = p.poll(1000)
    assert ready == [(conn, uselect.POLLIN), (uart, uselect.POLLIN)]
    assert ready[0][0] is conn and ready[1][0] is uart  # the registered objects themselves
    assert uart.read(1) == b"u"
    assert p.poll(0) == [(conn, uselect.POLLIN)]
    assert conn.recv(1) == b"s"
    assert p.poll(0) == []


def test_default_mask_is_in_and_out(wipy: SimBoard, pair: Any) -> None:
    conn, _ = pair
    uart = UART(1, 115200)
    p = uselect.poll()
    p.register(conn)
    p.register(uart)
    # A connected socket can be written, and the firmware always reports a UART writable.
    assert p.poll(0) == [(conn, uselect.POLLOUT), (uart, uselect.POLLOUT)]
    wipy.uart_port(1).feed(b"abc")
    assert p.poll(0) == [(conn, uselect.POLLOUT), (uart, uselect.POLLIN | uselect.POLLOUT)]


def test_register_again_modify_and_unregister(wipy: SimBoard, pair: Any) -> None:
    conn, _ = pair
    p = uselect.poll()
    p.register(conn, uselect.POLLIN)
    assert p.poll(0) == []
    p.register(conn, uselect.POLLOUT)  # registering again replaces the mask
    assert p.poll(0) == [(conn, uselect.POLLOUT)]
    p.modify(conn, uselect.POLLIN)
    assert p.poll(0) == []
    p.modify(conn, uselect.POLLIN | uselect.POLLOUT)
    assert p.poll(0) == [(conn, uselect.POLLOUT)]
    p.unregister(conn)
    assert p.poll(0) == []
    p.unregister(conn)  # not registered: nothing happens
    with pytest.raises(OSError) as info:
        p.modify(conn, uselect.POLLIN)
    assert type(info.value) is OSError
    assert info.value.args == (errno.ENOENT,)
    assert repr(p) == "<poll>"


def test_a_closed_peer_reads_as_readable_end_of_stream(wipy: SimBoard, pair: Any) -> None:
    conn, peer = pair
    p = uselect.poll()
    p.register(conn, uselect.POLLIN)
    peer.close()
    wait_readable(conn)
    ready = p.poll(0)
    assert ready and ready[0][0] is conn and ready[0][1] & uselect.POLLIN
    assert conn.read() == b""


def test_any_object_with_fileno(wipy: SimBoard) -> None:
    pipe = Pipe()
    p = uselect.poll()
    p.register(pipe, uselect.POLLIN)
    assert p.poll(0) == []
    os.write(pipe.write_fd, b"x")
    assert p.poll(0) == [(pipe, uselect.POLLIN)]
    os.close(pipe.write_fd)
    os.read(pipe.read_fd, 1)
    ready = p.poll(0)  # the writer is gone: the host reports the hang-up
    assert ready == [(pipe, uselect.POLLHUP)]
    os.close(pipe.read_fd)


# -- time --------------------------------------------------------------------------------------


def test_virtual_clock_poll_timeout_advances_the_clock(wipy: SimBoard, pair: Any) -> None:
    conn, _ = pair
    uart = UART(0, 9600)
    p = uselect.poll()
    p.register(conn, uselect.POLLIN)
    p.register(uart, uselect.POLLIN)
    start = wipy.clock.now_ns()
    assert p.poll(1500) == []
    assert wipy.clock.now_ns() - start == 1500 * MS
    start = wipy.clock.now_ns()
    assert p.poll(0) == []
    assert wipy.clock.now_ns() == start


def test_virtual_clock_poll_returns_when_a_due_alarm_makes_data_arrive(wipy: SimBoard) -> None:
    uart = UART(0, 9600)
    port = wipy.uart_port(0)
    p = uselect.poll()
    p.register(uart, uselect.POLLIN)
    start = wipy.clock.now_ns()
    port.feed(b"k", paced=True)  # arrives one character time from now
    assert p.poll(1000) == [(uart, uselect.POLLIN)]
    assert wipy.clock.now_ns() - start == port.char_time_ns
    assert uart.read(1) == b"k"
    start = wipy.clock.now_ns()
    wipy.clock.call_at_ns(start + 400 * MS, lambda: port.feed(b"z"))
    assert p.poll(-1) == [(uart, uselect.POLLIN)]  # for ever: until the alarm feeds it
    assert wipy.clock.now_ns() - start == 400 * MS


def test_virtual_clock_poll_lets_uart_irq_handlers_run(wipy: SimBoard) -> None:
    uart = UART(0, 9600)
    seen: list[int] = []
    uart.irq(trigger=UART.RX_ANY, handler=lambda u: seen.append(u.any()))
    pipe = Pipe()
    p = uselect.poll()
    p.register(pipe, uselect.POLLIN)
    wipy.uart_port(0).feed(b"abc", paced=True)
    assert p.poll(100) == []  # nothing on the pipe; the UART irq ran on the way
    assert seen == [3]
    pipe.close()


def test_real_clock_poll_waits_for_a_server_thread(wipy_realtime: SimBoard, pair: Any) -> None:
    conn, peer = pair
    uart = UART(1, 9600)
    p = uselect.poll()
    p.register(uart, uselect.POLLIN)
    p.register(conn, uselect.POLLIN)
    sender = threading.Timer(0.05, peer.sendall, args=(b"later",))
    sender.start()
    assert p.poll(WAIT_S * 1000) == [(conn, uselect.POLLIN)]
    sender.join()
    feeder = threading.Timer(0.05, wipy_realtime.uart_port(1).feed, args=(b"!",))
    feeder.start()
    assert conn.recv(10) == b"later"
    assert p.poll(WAIT_S * 1000) == [(uart, uselect.POLLIN)]
    feeder.join()


def test_real_clock_poll_timeout_returns_empty(wipy_realtime: SimBoard, pair: Any) -> None:
    conn, _ = pair
    p = uselect.poll()
    p.register(conn, uselect.POLLIN)
    assert p.poll(20) == []


# -- select ------------------------------------------------------------------------------------


def test_select_over_sockets_and_uarts(wipy: SimBoard, pair: Any) -> None:
    conn, peer = pair
    uart = UART(0, 9600)
    assert uselect.select([conn, uart], [], [], 0) == ([], [], [])
    assert uselect.select([conn, uart], [conn, uart], [conn], 0) == ([], [conn, uart], [])
    wipy.uart_port(0).feed(b"x")
    peer.sendall(b"y")
    wait_readable(conn)
    r, w, x = uselect.select((conn, uart), (), (conn, uart), 1)
    assert r == [conn, uart] and r[0] is conn
    assert (w, x) == ([], [])


def test_select_timeout_in_seconds_on_the_virtual_clock(wipy: SimBoard, pair: Any) -> None:
    conn, _ = pair
    start = wipy.clock.now_ns()
    assert uselect.select([conn], [], [], 2) == ([], [], [])
    assert wipy.clock.now_ns() - start == 2000 * MS
    start = wipy.clock.now_ns()
    assert uselect.select([conn], [], [], 0.25) == ([], [], [])
    assert wipy.clock.now_ns() - start == 250 * MS


def test_select_reports_a_hang_up_in_xlist_only(wipy: SimBoard) -> None:
    pipe = Pipe()
    os.close(pipe.write_fd)
    assert uselect.select([pipe], [], [], 0) == ([], [], [])
    assert uselect.select([pipe], [], [pipe], 0) == ([], [], [pipe])
    os.close(pipe.read_fd)


# -- bad arguments and closed objects ------------------------------------------------------------


def test_bad_arguments(wipy: SimBoard, pair: Any) -> None:
    conn, _ = pair
    p = uselect.poll()
    with pytest.raises(OSError, match="stream operation not supported"):
        p.register(object())
    with pytest.raises(OSError):
        p.register(3)
    with pytest.raises(TypeError):
        p.register(conn, "in")
    with pytest.raises(TypeError):
        p.register(conn, 1.0)
    p.register(conn)
    with pytest.raises(TypeError):
        p.modify(conn, None)
    with pytest.raises(TypeError):
        p.poll("1000")
    with pytest.raises(TypeError):
        p.poll(1.5)
    with pytest.raises(TypeError):
        uselect.select(conn, [], [])
    with pytest.raises(TypeError):
        uselect.select([], None, [])
    with pytest.raises(TypeError):
        uselect.select([], [], [], "1")
    with pytest.raises(OSError):
        uselect.select([object()], [], [], 0)
    with pytest.raises(TypeError):
        uselect.poll(1)


def test_polling_a_closed_socket_or_a_deinitialised_uart_raises(wipy: SimBoard) -> None:
    s = usocket.socket()
    p = uselect.poll()
    p.register(s)
    s.close()
    with pytest.raises(OSError) as info:
        p.poll(0)
    assert info.value.args == (errno.EBADF,)
    p.unregister(s)
    uart = UART(0, 9600)
    p.register(uart, uselect.POLLIN)
    uart.deinit()
    with pytest.raises(OSError) as info:
        p.poll(0)
    assert info.value.args == (errno.EPERM,)


def test_tls_bytes_already_decrypted_count_as_readable(wipy: SimBoard, pair: Any) -> None:
    conn, _ = pair
    p = uselect.poll()
    p.register(conn, uselect.POLLIN)
    conn._buffered = lambda: True  # what an SSL socket reports while decrypted bytes wait
    assert p.poll(0) == [(conn, uselect.POLLIN)]
