"""usocket against real TCP and UDP servers on 127.0.0.1, with the WiPy's 1.8.5 semantics.

Every peer here is a CPython socket on the loopback interface, served by a thread of the test;
every wait is bounded.
"""

from __future__ import annotations

import errno
import gc
import select
import socket as host_socket
import threading
from collections.abc import Iterator
from typing import Any, Callable

import pytest

import usocket
from micropython_compat.testing import SimBoard, simulated_board

LOOPBACK = "127.0.0.1"
WAIT_S = 10  # the most any test waits for its peer (never reached when things work)


# -- helpers shared by the usocket, ussl and uselect tests -------------------------------------


class Server:
    """A one-connection TCP server on 127.0.0.1 whose peer side runs ``handler(conn)`` in a
    thread. ``errors`` collects what the handler raised."""

    def __init__(self, handler: Callable[[host_socket.socket], None]) -> None:
        self.listener = host_socket.create_server((LOOPBACK, 0))
        self.listener.settimeout(WAIT_S)
        self.address = (LOOPBACK, self.listener.getsockname()[1])
        self.errors: list[BaseException] = []
        self.thread = threading.Thread(target=self._run, args=(handler,), daemon=True)
        self.thread.start()

    def _run(self, handler: Callable[[host_socket.socket], None]) -> None:
        try:
            conn, _ = self.listener.accept()
            with conn:
                conn.settimeout(WAIT_S)
                handler(conn)
        except BaseException as exc:
            self.errors.append(exc)

    def close(self) -> None:
        self.thread.join(WAIT_S)
        assert not self.thread.is_alive()
        self.listener.close()


@pytest.fixture
def serve() -> Iterator[Callable[[Callable[[host_socket.socket], None]], Server]]:
    """``serve(handler)`` starts a loopback server; all are joined and closed at the end."""
    servers: list[Server] = []

    def start(handler: Callable[[host_socket.socket], None]) -> Server:
        server = Server(handler)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


def wait_readable(sock: Any) -> None:
    """Block (boundedly, in real time) until ``sock``'s descriptor is readable."""
    readable, _, _ = select.select([sock.fileno()], [], [], WAIT_S)
    assert readable, "the peer sent nothing"


def reply_and_close(data: bytes) -> Callable[[host_socket.socket], None]:
    def handler(conn: host_socket.socket) -> None:
        conn.sendall(data)

    return handler


def echo(conn: host_socket.socket) -> None:
    while True:
        data = conn.recv(1024)
        if not data:
            return
        conn.sendall(data)


def free_port() -> int:
    probe = host_socket.socket()
    probe.bind((LOOPBACK, 0))
    port: int = probe.getsockname()[1]
    probe.close()
    return port


def connected(address: tuple[str, int]) -> usocket.socket:
    s = usocket.socket()
    s.settimeout(WAIT_S)
    s.connect(address)
    return s


# -- the module --------------------------------------------------------------------------------


def test_constants_have_the_simplelink_values() -> None:
    assert (usocket.AF_INET, usocket.SOCK_STREAM, usocket.SOCK_DGRAM) == (2, 1, 2)
    assert (usocket.IPPROTO_TCP, usocket.IPPROTO_UDP, usocket.IPPROTO_SEC) == (6, 17, 100)
    assert usocket.error is OSError
    assert usocket.timeout is TimeoutError
    assert issubclass(usocket.timeout, usocket.error)


def test_the_module_is_callable_as_in_the_spec_ssl_example(wipy: SimBoard) -> None:
    socket = usocket
    s = socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_SEC)  # type: ignore[operator]
    assert isinstance(s, usocket.socket)
    s.close()


def test_getaddrinfo_returns_one_device_5_tuple() -> None:
    assert usocket.getaddrinfo("localhost", 8441) == [(2, 1, 0, "", ("127.0.0.1", 8441))]
    assert usocket.getaddrinfo("127.0.0.1", 80)[0][-1] == ("127.0.0.1", 80)
    assert usocket.getaddrinfo(b"127.0.0.1", 80)[0][-1] == ("127.0.0.1", 80)


def test_getaddrinfo_bad_arguments() -> None:
    with pytest.raises(TypeError):
        usocket.getaddrinfo(127, 80)
    with pytest.raises(TypeError):
        usocket.getaddrinfo("localhost", "80")
    # A label longer than 63 characters fails locally, before any resolver is asked.
    with pytest.raises(OSError) as info:
        usocket.getaddrinfo("a" * 64 + ".invalid", 80)
    assert type(info.value) is OSError
    assert info.value.errno == errno.ENOENT


# -- construction ------------------------------------------------------------------------------


def test_constructor_defaults_and_repr(wipy: SimBoard) -> None:
    s = usocket.socket()
    assert repr(s) == "<socket>"
    assert s._sock.type == host_socket.SOCK_STREAM
    s.close()
    d = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM)  # proto stays IPPROTO_TCP: UDP
    assert d._sock.type == host_socket.SOCK_DGRAM
    d.close()
    u = usocket.socket(af=usocket.AF_INET, type=usocket.SOCK_DGRAM, proto=usocket.IPPROTO_UDP)
    assert u._sock.type == host_socket.SOCK_DGRAM
    u.close()


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ((10,), errno.EAFNOSUPPORT),
        ((2, 3), errno.EPROTOTYPE),
        ((2, 1, 17), errno.EPROTOTYPE),
        ((2, 2, 100), errno.EPROTOTYPE),
        ((2, 1, 99), errno.EPROTONOSUPPORT),
    ],
)
def test_constructor_rejects_what_simplelink_rejects(
    wipy: SimBoard, args: tuple[int, ...], code: int
) -> None:
    with pytest.raises(OSError) as info:
        usocket.socket(*args)
    assert type(info.value) is OSError
    assert info.value.args == (code,)


@pytest.mark.parametrize("args", [("2",), (2, 1.0), (2, 1, None), (2, 1, 6, "fd")])
def test_constructor_wants_ints(wipy: SimBoard, args: tuple[Any, ...]) -> None:
    with pytest.raises(TypeError):
        usocket.socket(*args)


# -- TCP ---------------------------------------------------------------------------------------


def test_tcp_client_send_recv(wipy: SimBoard, serve: Any) -> None:
    server = serve(echo)
    s = connected(server.address)
    assert s.send(b"ping") == 4
    assert s.recv(100) == b"ping"
    assert s.sendall(bytearray(b"x" * 5000)) == 5000
    got = b""
    while len(got) < 5000:
        got += s.recv(5000)
    assert got == b"x" * 5000
    assert s.send("text") == 4  # a str is a buffer on MicroPython
    assert s.recv(4) == b"text"
    assert s.send(b"") == 0
    s.close()


def test_tcp_server_accept_gives_socket_and_address(wipy: SimBoard) -> None:
    srv = usocket.socket()
    srv.setsockopt(usocket.SOL_SOCKET, usocket.SO_REUSEADDR, 1)
    srv.bind((LOOPBACK, 0))
    srv.listen(1)
    srv.settimeout(WAIT_S)
    peer = host_socket.create_connection(srv._sock.getsockname(), timeout=WAIT_S)
    conn, addr = srv.accept()
    assert isinstance(conn, usocket.socket)
    assert addr == peer.getsockname()
    assert isinstance(addr[0], str) and isinstance(addr[1], int)
    peer.sendall(b"hello")
    assert conn.recv(5) == b"hello"
    assert conn._handle.timeout == WAIT_S  # the accepted socket inherits the timeout
    conn.write(b"bye")
    assert peer.recv(3) == b"bye"
    peer.close()
    assert conn.recv(10) == b""  # end of stream
    conn.close()
    srv.close()


def test_listen_backlog_forms(wipy: SimBoard) -> None:
    for backlog in (None, -3, 2):
        srv = usocket.socket()
        srv.bind((LOOPBACK, 0))
        srv.listen() if backlog is None else srv.listen(backlog)
        assert srv._sock.getsockopt(host_socket.SOL_SOCKET, host_socket.SO_ACCEPTCONN) == 1
        srv.close()
    srv = usocket.socket()
    with pytest.raises(TypeError):
        srv.listen("1")
    srv.close()


def test_connection_refused_is_plain_oserror(wipy: SimBoard) -> None:
    s = usocket.socket()
    with pytest.raises(OSError) as info:
        s.connect((LOOPBACK, free_port()))
    assert type(info.value) is OSError
    assert info.value.args == (errno.ECONNREFUSED,)
    s.close()


def test_bind_empty_address_is_any(wipy: SimBoard) -> None:
    s = usocket.socket()
    s.bind(("", 0))
    assert s._sock.getsockname()[0] == "0.0.0.0"
    s.close()


@pytest.mark.parametrize(
    ("address", "exc"),
    [
        (("localhost", 80), ValueError),
        (("1.2.3", 80), ValueError),
        (("1.2.3.4.5", 80), ValueError),
        (("1.2.3.256", 80), ValueError),
        (("1.2.x.4", 80), ValueError),
        (("1.2.3.4", 70000), ValueError),
        (("1.2.3.4", -1), ValueError),
        (("1.2.3.4", 80, 0), ValueError),
        (("1.2.3.4", "80"), TypeError),
        ((1234, 80), TypeError),
        ("1.2.3.4:80", TypeError),
        (None, TypeError),
    ],
)
def test_bad_addresses(wipy: SimBoard, address: Any, exc: type[Exception]) -> None:
    s = usocket.socket()
    for method in (s.bind, s.connect):
        with pytest.raises(exc):
            method(address)
    with pytest.raises(exc):
        s.sendto(b"x", address)
    s.close()


def test_dns_names_must_be_resolved_first(wipy: SimBoard, serve: Any) -> None:
    server = serve(reply_and_close(b"ok"))
    s = usocket.socket()
    with pytest.raises(ValueError, match="invalid arguments"):
        s.connect(("localhost", server.address[1]))
    s.connect(usocket.getaddrinfo("localhost", server.address[1])[0][-1])
    assert s.recv(2) == b"ok"
    s.close()


def test_bad_buffer_and_size_arguments(wipy: SimBoard, serve: Any) -> None:
    server = serve(echo)
    s = connected(server.address)
    with pytest.raises(TypeError):
        s.send(123)
    with pytest.raises(TypeError):
        s.sendall(None)
    with pytest.raises(TypeError):
        s.recv("10")
    with pytest.raises(ValueError):
        s.recv(-1)
    with pytest.raises(ValueError):
        s.recvfrom(-1)
    with pytest.raises(TypeError):
        s.read("all")
    with pytest.raises(ValueError):
        s.read(-2)
    with pytest.raises(TypeError):
        s.readinto(b"read-only")
    with pytest.raises(TypeError):
        s.readinto(42)
    with pytest.raises(TypeError):
        s.write(3.5)
    s.close()


# -- stream methods ----------------------------------------------------------------------------


def test_stream_methods_read_readline_readinto_write(wipy: SimBoard, serve: Any) -> None:
    lines: list[bytes] = []

    def handler(conn: host_socket.socket) -> None:
        conn.sendall(b"first line\nsecond\nabcdefghij")
        lines.append(conn.recv(100))

    server = serve(handler)
    s = connected(server.address)
    wait_readable(s)
    assert s.readline() == b"first line\n"
    assert s.readline(3) == b"sec"
    assert s.readline() == b"ond\n"
    buf = bytearray(8)
    assert s.readinto(buf, 3) == 3
    assert buf[:3] == b"abc"
    assert s.readinto(memoryview(buf)[4:]) == 4
    assert buf[4:] == b"defg"
    assert s.read(2) == b"hi"
    assert s.write(b"done") == 4
    assert s.read(10) == b"j"
    server.close()
    assert lines == [b"done"]
    assert s.read(10) == b""
    assert s.readline() == b""
    assert s.readall() == b""
    s.close()


def test_read_without_size_reads_until_the_peer_closes(wipy: SimBoard, serve: Any) -> None:
    body = bytes(range(256)) * 20

    def handler(conn: host_socket.socket) -> None:
        for i in range(0, len(body), 700):
            conn.sendall(body[i : i + 700])

    server = serve(handler)
    s = connected(server.address)
    assert s.read() == body
    s.close()
    server = serve(handler)
    s = connected(server.address)
    assert s.read(-1) == body
    s.close()
    server = serve(handler)
    s = connected(server.address)
    assert s.readall() == body
    s.close()


def test_makefile_is_the_socket_and_closing_it_closes_the_socket(
    wipy: SimBoard, serve: Any
) -> None:
    server = serve(reply_and_close(b"GET\n"))
    s = connected(server.address)
    f = s.makefile("rb")
    assert f is s
    assert s.makefile() is s
    assert s.makefile("wb", 0) is s
    assert f.readline() == b"GET\n"
    f.close()
    assert s.fileno() == -1
    with pytest.raises(OSError) as info:
        s.send(b"x")
    assert info.value.args == (errno.EBADF,)


@pytest.mark.parametrize("mode", ["r", "w", "rwb", "b"])
def test_makefile_text_modes_are_refused(wipy: SimBoard, mode: str) -> None:
    s = usocket.socket()
    with pytest.raises(ValueError):
        s.makefile(mode)
    with pytest.raises(TypeError):
        s.makefile("rb", 1, 2, 3, 4, 5)
    s.close()


# -- blocking, non-blocking and timeouts --------------------------------------------------------


def test_non_blocking_recv_raises_eagain_but_stream_reads_give_none(
    wipy: SimBoard, serve: Any
) -> None:
    release = threading.Event()

    def handler(conn: host_socket.socket) -> None:
        release.wait(WAIT_S)
        conn.sendall(b"late\n")

    server = serve(handler)
    s = connected(server.address)
    s.setblocking(False)
    with pytest.raises(OSError) as info:
        s.recv(10)
    assert type(info.value) is OSError
    assert info.value.args == (errno.EAGAIN,)
    with pytest.raises(OSError) as info:
        s.recvfrom(10)
    assert info.value.args == (errno.EAGAIN,)
    assert s.read(10) is None
    assert s.read() is None
    assert s.readall() is None
    assert s.readline() is None
    assert s.readinto(bytearray(4)) is None
    release.set()
    wait_readable(s)
    assert s.readline() == b"late\n"
    s.setblocking(True)
    assert s.recv(10) == b""
    s.close()


def test_readall_returns_what_came_before_nothing_more_could_be_read(
    wipy: SimBoard, serve: Any
) -> None:
    release = threading.Event()

    def handler(conn: host_socket.socket) -> None:
        conn.sendall(b"partial")
        release.wait(WAIT_S)

    server = serve(handler)
    s = connected(server.address)
    wait_readable(s)
    s.settimeout(0)
    assert s.readall() == b"partial"
    release.set()
    s.close()


def test_timeout_raises_the_timeout_exception(wipy: SimBoard, serve: Any) -> None:
    release = threading.Event()

    def handler(conn: host_socket.socket) -> None:
        release.wait(WAIT_S)

    server = serve(handler)
    s = connected(server.address)
    s.settimeout(0.05)
    with pytest.raises(usocket.timeout) as info:
        s.recv(10)
    assert str(info.value) == "timed out"
    assert isinstance(info.value, usocket.error)
    assert s.read(5) is None  # the stream layer reads a timeout as "nothing now"
    assert s.readline() is None
    release.set()
    s.close()


def test_accept_timeout_and_non_blocking(wipy: SimBoard) -> None:
    srv = usocket.socket()
    srv.bind((LOOPBACK, 0))
    srv.listen(1)
    srv.settimeout(0.05)
    with pytest.raises(usocket.timeout):
        srv.accept()
    srv.setblocking(False)
    with pytest.raises(OSError) as info:
        srv.accept()
    assert info.value.args == (errno.EAGAIN,)
    srv.close()


@pytest.mark.parametrize(("value", "exc"), [(-1, ValueError), (-0.5, ValueError), ("1", TypeError)])
def test_settimeout_bad_values(wipy: SimBoard, value: Any, exc: type[Exception]) -> None:
    s = usocket.socket()
    with pytest.raises(exc):
        s.settimeout(value)
    s.close()


def test_settimeout_forms(wipy: SimBoard) -> None:
    s = usocket.socket()
    assert s._sock.gettimeout() is None  # new sockets block
    s.settimeout(2)
    assert s._sock.gettimeout() == 2.0
    s.settimeout(0)
    assert s._sock.gettimeout() == 0.0
    s.settimeout(None)
    assert s._sock.gettimeout() is None
    s.setblocking(0)
    assert s._sock.gettimeout() == 0.0
    s.setblocking(1)
    assert s._sock.gettimeout() is None
    s.close()


# -- UDP ---------------------------------------------------------------------------------------


def test_udp_sendto_recvfrom_against_an_echo_server(wipy: SimBoard) -> None:
    server = host_socket.socket(host_socket.AF_INET, host_socket.SOCK_DGRAM)
    server.bind((LOOPBACK, 0))
    server.settimeout(WAIT_S)

    def run() -> None:
        data, addr = server.recvfrom(100)
        server.sendto(data.upper(), addr)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    s = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM, usocket.IPPROTO_UDP)
    s.settimeout(WAIT_S)
    assert s.sendto(b"ntp?", server.getsockname()) == 4
    data, addr = s.recvfrom(100)
    assert data == b"NTP?"
    assert addr == (LOOPBACK, server.getsockname()[1])
    thread.join(WAIT_S)
    server.close()
    s.close()


def test_udp_between_two_device_sockets(wipy: SimBoard) -> None:
    a = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM)
    b = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM)
    a.bind((LOOPBACK, 0))
    b.settimeout(WAIT_S)
    a.settimeout(WAIT_S)
    b.sendto("hi", a._sock.getsockname())
    data, addr = a.recvfrom(10)
    assert data == b"hi"
    a.sendto(b"", addr)
    assert b.recvfrom(10)[0] == b""
    a.close()
    b.close()


# -- options, closing and lifetime -------------------------------------------------------------


def test_setsockopt_values(wipy: SimBoard) -> None:
    s = usocket.socket()
    s.setsockopt(usocket.SOL_SOCKET, usocket.SO_REUSEADDR, 1)
    assert s._sock.getsockopt(host_socket.SOL_SOCKET, host_socket.SO_REUSEADDR) == 1
    s.setsockopt(usocket.SOL_SOCKET, usocket.SO_REUSEADDR, (0).to_bytes(4, "little"))
    assert s._sock.getsockopt(host_socket.SOL_SOCKET, host_socket.SO_REUSEADDR) == 0
    with pytest.raises(TypeError):
        s.setsockopt(usocket.SOL_SOCKET, usocket.SO_REUSEADDR, 1.5)
    with pytest.raises(TypeError):
        s.setsockopt("1", usocket.SO_REUSEADDR, 1)
    with pytest.raises(OSError) as info:
        s.setsockopt(usocket.SOL_SOCKET, 9999, 1)
    assert type(info.value) is OSError
    assert info.value.args == (errno.ENOPROTOOPT,)
    s.close()


def test_operations_on_a_closed_socket_raise_ebadf(wipy: SimBoard) -> None:
    s = usocket.socket()
    s.close()
    s.close()  # idempotent
    assert s.fileno() == -1
    for call in (
        lambda: s.recv(1),
        lambda: s.send(b"x"),
        lambda: s.bind((LOOPBACK, 0)),
        s.listen,
        lambda: s.connect((LOOPBACK, 1)),
        lambda: s.settimeout(1),
    ):
        with pytest.raises(OSError) as info:
            call()
        assert info.value.args == (errno.EBADF,)


def test_with_statement_closes(wipy: SimBoard) -> None:
    with usocket.socket() as s:
        assert s.fileno() >= 0
    assert s.fileno() == -1


def test_garbage_collection_closes_quietly(wipy: SimBoard) -> None:
    s = usocket.socket()
    host = s._sock
    del s
    gc.collect()
    assert host.fileno() == -1


def test_releasing_the_board_closes_its_sockets() -> None:
    with simulated_board() as _:
        s = usocket.socket()
        assert s.fileno() >= 0
    assert s.fileno() == -1
