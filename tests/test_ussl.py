"""ussl against a real TLS server on 127.0.0.1 whose certificate comes from a test CA
(trustme), and ussl as a TLS server for a CPython client."""

from __future__ import annotations

import contextlib
import datetime
import errno
import socket as host_socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Callable

import pytest
import trustme

import usocket
import ussl
from micropython_compat.testing import SimBoard

from .test_usocket import LOOPBACK, WAIT_S, Server, free_port, wait_readable

Handler = Callable[[ssl.SSLSocket], None]


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def other_ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def server_cert(ca: trustme.CA) -> trustme.LeafCert:
    return ca.issue_cert("localhost", "127.0.0.1")


@pytest.fixture
def flash_certs(wipy: SimBoard, ca: trustme.CA, server_cert: trustme.LeafCert) -> Path:
    """The WiPy's certificate files in the board's /flash/cert: ca.pem, cert.pem and
    private.key."""
    folder = Path(wipy.storage.flash) / "cert"
    folder.mkdir(exist_ok=True)
    ca.cert_pem.write_to_path(str(folder / "ca.pem"))
    server_cert.cert_chain_pems[0].write_to_path(str(folder / "cert.pem"))
    server_cert.private_key_pem.write_to_path(str(folder / "private.key"))
    return folder


@pytest.fixture
def tls_serve(
    server_cert: trustme.LeafCert,
) -> Iterator[Callable[..., Server]]:
    """``tls_serve(handler, client_ca=None)``: a loopback TLS server presenting
    ``server_cert``; with ``client_ca`` it demands a client certificate from that CA."""
    servers: list[Server] = []

    def start(handler: Handler, client_ca: trustme.CA | None = None) -> Server:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server_cert.configure_cert(context)
        if client_ca is not None:
            client_ca.configure_trust(context)
            context.verify_mode = ssl.CERT_REQUIRED

        def plain(conn: host_socket.socket) -> None:
            with context.wrap_socket(conn, server_side=True) as tls:
                handler(tls)

        server = Server(plain)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


def echo_line(tls: ssl.SSLSocket) -> None:
    data = b""
    while not data.endswith(b"\n"):
        chunk = tls.recv(100)
        if not chunk:
            return
        data += chunk
    tls.sendall(b"echo:" + data)


def sec_socket() -> usocket.socket:
    s = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM, usocket.IPPROTO_SEC)
    s.settimeout(WAIT_S)
    return s


def tls_client(address: tuple[str, int], ca: trustme.CA) -> ssl.SSLSocket:
    """A CPython TLS client connected to ``address``, trusting ``ca``."""
    context = ssl.create_default_context(cadata=ca.cert_pem.bytes().decode())
    raw = host_socket.create_connection(address, timeout=WAIT_S)
    try:
        return context.wrap_socket(raw, server_hostname="localhost")
    except BaseException:
        raw.close()
        raise


def write_pem(tmp_path: Path, blob: Any, name: str) -> str:
    path = tmp_path / name
    blob.write_to_path(str(path))
    return str(path)


# -- the module --------------------------------------------------------------------------------


def test_constants_and_error() -> None:
    assert (ussl.CERT_NONE, ussl.CERT_OPTIONAL, ussl.CERT_REQUIRED) == (0, 1, 2)
    assert ussl.SSLError is OSError
    assert issubclass(ussl.SSLSocket, usocket.socket)


# -- client side -------------------------------------------------------------------------------


def test_cert_required_with_the_trusted_ca_from_flash(
    wipy: SimBoard, flash_certs: Path, tls_serve: Any
) -> None:
    server = tls_serve(echo_line)
    s = sec_socket()
    ss = ussl.wrap_socket(s, cert_reqs=ussl.CERT_REQUIRED, ca_certs="/flash/cert/ca.pem")
    assert repr(ss) == "<ussl>"
    assert isinstance(ss, usocket.socket)
    ss.connect(usocket.getaddrinfo("localhost", server.address[1])[0][-1])
    assert ss.write(b"hello\n") == 6
    assert ss.readline() == b"echo:hello\n"
    assert ss.read() == b""  # the server closed
    ss.close()
    assert server.errors == []


def test_cert_required_rejects_a_certificate_from_an_unknown_ca(
    wipy: SimBoard, other_ca: trustme.CA, tls_serve: Any, tmp_path: Path
) -> None:
    server = tls_serve(echo_line)
    ss = ussl.wrap_socket(
        sec_socket(),
        cert_reqs=ussl.CERT_REQUIRED,
        ca_certs=write_pem(tmp_path, other_ca.cert_pem, "other.pem"),
    )
    with pytest.raises(ussl.SSLError) as info:
        ss.connect(server.address)
    assert isinstance(info.value, ssl.SSLCertVerificationError)
    ss.close()
    server.close()
    assert server.errors and isinstance(server.errors[0], ssl.SSLError)


def test_cert_optional_checks_the_server_certificate_too(
    wipy: SimBoard, other_ca: trustme.CA, tls_serve: Any, tmp_path: Path
) -> None:
    server = tls_serve(echo_line)
    ss = ussl.wrap_socket(
        sec_socket(),
        cert_reqs=ussl.CERT_OPTIONAL,
        ca_certs=write_pem(tmp_path, other_ca.cert_pem, "other.pem"),
    )
    with pytest.raises(ussl.SSLError):
        ss.connect(server.address)
    ss.close()


def test_cert_none_accepts_any_certificate(wipy: SimBoard, tls_serve: Any) -> None:
    server = tls_serve(echo_line)
    ss = ussl.wrap_socket(sec_socket())  # the spec's default: CERT_NONE, no CA
    ss.connect(server.address)
    ss.send(b"anyone\n")
    assert ss.readline() == b"echo:anyone\n"
    ss.close()


def test_a_sec_socket_connected_without_wrapping_speaks_tls(wipy: SimBoard, tls_serve: Any) -> None:
    server = tls_serve(echo_line)
    s = sec_socket()
    s.connect(server.address)
    assert s._handle.secure
    s.sendall(b"implicit\n")
    assert s.readline() == b"echo:implicit\n"
    s.close()
    assert server.errors == []


def test_the_wrapped_and_the_original_socket_share_the_connection(
    wipy: SimBoard, tls_serve: Any
) -> None:
    server = tls_serve(echo_line)
    s = sec_socket()
    ss = ussl.wrap_socket(s)
    ss.connect(server.address)
    s.write(b"via the original\n")  # encrypted too: one descriptor on the device
    assert ss.readline() == b"echo:via the original\n"
    s.close()
    assert ss.fileno() == -1
    del ss
    server.close()
    assert server.errors == []


def test_wrapping_a_connected_socket_handshakes_at_once(
    wipy: SimBoard, ca: trustme.CA, tls_serve: Any, tmp_path: Path
) -> None:
    server = tls_serve(echo_line)
    s = usocket.socket()
    s.settimeout(WAIT_S)
    s.connect(server.address)
    ss = ussl.wrap_socket(
        s, cert_reqs=ussl.CERT_REQUIRED, ca_certs=write_pem(tmp_path, ca.cert_pem, "ca.pem")
    )
    ss.write(b"late wrap\n")
    assert ss.readline() == b"echo:late wrap\n"
    ss.close()


def test_client_certificate_from_flash(wipy: SimBoard, ca: trustme.CA, tls_serve: Any) -> None:
    folder = Path(wipy.storage.flash) / "cert"
    folder.mkdir()
    client = ca.issue_cert("wipy.local")
    client.cert_chain_pems[0].write_to_path(str(folder / "cert.pem"))
    client.private_key_pem.write_to_path(str(folder / "private.key"))
    peers: list[Any] = []

    def handler(tls: ssl.SSLSocket) -> None:
        peers.append(tls.getpeercert())
        echo_line(tls)

    server = tls_serve(handler, client_ca=ca)
    ss = ussl.wrap_socket(
        sec_socket(), keyfile="/flash/cert/private.key", certfile="/flash/cert/cert.pem"
    )
    ss.connect(server.address)
    ss.write(b"me\n")
    assert ss.readline() == b"echo:me\n"
    ss.close()
    server.close()
    assert server.errors == []
    assert peers and ("DNS", "wipy.local") in peers[0]["subjectAltName"]


def test_tls_timeout_and_buffered_bytes(wipy: SimBoard, tls_serve: Any) -> None:
    release = threading.Event()

    def handler(tls: ssl.SSLSocket) -> None:
        tls.sendall(b"one\ntwo\n")
        release.wait(WAIT_S)

    server = tls_serve(handler)
    ss = ussl.wrap_socket(sec_socket())
    ss.connect(server.address)
    assert ss.readline() == b"one\n"
    assert ss._buffered()  # "two\n" is decrypted and waits inside TLS
    assert ss.readline() == b"two\n"
    ss.settimeout(0.05)
    with pytest.raises(usocket.timeout):
        ss.recv(10)
    assert ss.read(10) is None
    ss.setblocking(False)
    with pytest.raises(OSError) as info:
        ss.recv(10)
    assert info.value.args == (errno.EAGAIN,)
    release.set()
    ss.close()


# -- server side -------------------------------------------------------------------------------


def test_server_side_with_the_certificate_in_flash(
    wipy: SimBoard, ca: trustme.CA, flash_certs: Path
) -> None:
    s = sec_socket()
    ss = ussl.wrap_socket(
        s, server_side=True, keyfile="/flash/cert/private.key", certfile="/flash/cert/cert.pem"
    )
    ss.bind((LOOPBACK, 0))
    ss.listen(1)
    address = ss._sock.getsockname()
    results: list[bytes] = []

    def client() -> None:
        with tls_client(address, ca) as tls:
            tls.sendall(b"from client\n")
            results.append(tls.recv(100))

    thread = threading.Thread(target=client, daemon=True)
    thread.start()
    conn, addr = ss.accept()
    assert isinstance(conn, ussl.SSLSocket)
    assert repr(conn) == "<ussl>"
    assert addr[0] == LOOPBACK
    assert conn.readline() == b"from client\n"
    conn.write(b"from wipy")
    thread.join(WAIT_S)
    assert results == [b"from wipy"]
    conn.close()
    ss.close()


def test_server_side_cert_required_refuses_a_client_without_certificate(
    wipy: SimBoard, ca: trustme.CA, flash_certs: Path
) -> None:
    ss = ussl.wrap_socket(
        sec_socket(),
        server_side=True,
        keyfile="/flash/cert/private.key",
        certfile="/flash/cert/cert.pem",
        cert_reqs=ussl.CERT_REQUIRED,
        ca_certs="/flash/cert/ca.pem",
    )
    ss.bind((LOOPBACK, 0))
    ss.listen(1)
    address = ss._sock.getsockname()
    outcome: list[BaseException] = []

    def client() -> None:
        try:
            with tls_client(address, ca) as tls:
                tls.recv(10)
        except (OSError, ssl.SSLError) as exc:
            outcome.append(exc)

    thread = threading.Thread(target=client, daemon=True)
    thread.start()
    with pytest.raises(ussl.SSLError):
        ss.accept()
    thread.join(WAIT_S)
    assert outcome
    ss.close()


# -- bad arguments -----------------------------------------------------------------------------


def test_bad_arguments(wipy: SimBoard, flash_certs: Path) -> None:
    key, cert, ca_path = "/flash/cert/private.key", "/flash/cert/cert.pem", "/flash/cert/ca.pem"
    s = sec_socket()
    with pytest.raises(TypeError):
        ussl.wrap_socket(s._sock)
    with pytest.raises(TypeError):
        ussl.wrap_socket(None)
    with pytest.raises(TypeError):
        ussl.wrap_socket(s, cert_reqs="required")
    with pytest.raises(ValueError):
        ussl.wrap_socket(s, cert_reqs=5)
    with pytest.raises(ValueError):
        ussl.wrap_socket(s, cert_reqs=ussl.CERT_REQUIRED)  # no ca_certs
    with pytest.raises(ValueError):
        ussl.wrap_socket(s, cert_reqs=ussl.CERT_OPTIONAL)
    with pytest.raises(ValueError):
        ussl.wrap_socket(s, server_side=True, certfile=cert)  # no keyfile
    with pytest.raises(ValueError):
        ussl.wrap_socket(s, server_side=True, keyfile=key)  # no certfile
    with pytest.raises(ValueError):
        ussl.wrap_socket(s, keyfile=key)
    with pytest.raises(TypeError):
        ussl.wrap_socket(s, cert_reqs=ussl.CERT_REQUIRED, ca_certs=42)
    udp = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM)
    with pytest.raises(ValueError):
        ussl.wrap_socket(udp)
    ss = ussl.wrap_socket(s, cert_reqs=ussl.CERT_REQUIRED, ca_certs=ca_path)
    with pytest.raises(ValueError):
        ussl.wrap_socket(ss)  # already wrapped
    ss.close()
    udp.close()


def test_missing_certificate_files(wipy: SimBoard, tmp_path: Path) -> None:
    s = sec_socket()
    for kwargs in (
        {"cert_reqs": ussl.CERT_REQUIRED, "ca_certs": "/flash/cert/ca.pem"},
        {"cert_reqs": ussl.CERT_REQUIRED, "ca_certs": str(tmp_path / "nowhere.pem")},
        {"certfile": "/flash/cert/cert.pem", "keyfile": "/flash/cert/private.key"},
    ):
        with pytest.raises(OSError) as info:
            ussl.wrap_socket(s, **kwargs)
        assert type(info.value) is OSError
        assert info.value.args == (errno.ENOENT,)
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate")
    with pytest.raises(ussl.SSLError):
        ussl.wrap_socket(s, cert_reqs=ussl.CERT_REQUIRED, ca_certs=str(garbage))
    assert not s._handle.secure
    s.close()


def test_flash_paths_cannot_escape_the_flash_directory(wipy: SimBoard) -> None:
    s = sec_socket()
    with pytest.raises(OSError) as info:
        ussl.wrap_socket(
            s, cert_reqs=ussl.CERT_REQUIRED, ca_certs="/flash/../../etc/ssl/certs/ca.pem"
        )
    assert info.value.args == (errno.ENOENT,)
    s.close()


def test_connect_refused_through_tls(wipy: SimBoard) -> None:
    ss = ussl.wrap_socket(sec_socket())
    with pytest.raises(OSError) as info:
        ss.connect((LOOPBACK, free_port()))
    assert info.value.args == (errno.ECONNREFUSED,)
    ss.close()


def test_read_n_is_one_receive_over_tls(wipy: SimBoard, tls_serve: Any) -> None:
    server = tls_serve(lambda tls: tls.sendall(b"xyz"))
    ss = ussl.wrap_socket(sec_socket())
    ss.connect(server.address)
    wait_readable(ss)
    assert ss.read(1) == b"x"
    assert ss.read(100) == b"yz"
    assert ss.read(100) == b""
    ss.close()


# -- certificate dates on the board's RTC -------------------------------------------------------


def dated_context(ca: trustme.CA, start: datetime.datetime, end: datetime.datetime) -> Any:
    """A server TLS context whose certificate is valid from ``start`` to ``end``."""
    cert = ca.issue_cert("localhost", "127.0.0.1", not_before=start, not_after=end)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    cert.configure_cert(context)
    return context


def connect_at(rtc_date: tuple[int, ...], context: Any) -> bytes:
    """What a WiPy program whose RTC reads ``rtc_date`` gets from a loopback TLS server
    presenting ``context``'s certificate."""
    from machine import RTC

    def plain(conn: host_socket.socket) -> None:
        with contextlib.suppress(OSError), context.wrap_socket(conn, server_side=True) as tls:
            echo_line(tls)

    server = Server(plain)
    RTC().init(rtc_date)
    ss = ussl.wrap_socket(sec_socket(), cert_reqs=ussl.CERT_REQUIRED, ca_certs="/flash/cert/ca.pem")
    try:
        ss.connect(server.address)
        ss.write(b"hi\n")
        line = ss.readline()
        assert line is not None
        return line
    finally:
        ss.close()
        server.close()


def test_certificate_dates_are_checked_on_the_boards_rtc(
    wipy: SimBoard, ca: trustme.CA, flash_certs: Path
) -> None:
    utc = datetime.timezone.utc
    context = dated_context(
        ca, datetime.datetime(2016, 1, 1, tzinfo=utc), datetime.datetime(2017, 1, 1, tzinfo=utc)
    )
    # expired by the host's clock, valid on the board's: accepted, as on the device
    assert connect_at((2016, 6, 1, 12, 0, 0, 0, 0), context) == b"echo:hi\n"
    for date in ((2015, 1, 1, 0, 0, 0, 0, 0), (2017, 1, 2, 0, 0, 0, 0, 0)):
        with pytest.raises(OSError) as info:
            connect_at(date, context)
        assert info.value.args == (461,)


def test_a_certificate_valid_today_is_refused_while_the_rtc_is_before_it(
    wipy: SimBoard, ca: trustme.CA, flash_certs: Path
) -> None:
    now = datetime.datetime.now(datetime.timezone.utc)
    context = dated_context(ca, now - datetime.timedelta(days=1), now + datetime.timedelta(days=30))
    with pytest.raises(OSError) as info:
        connect_at((2015, 1, 1, 0, 0, 0, 0, 0), context)  # a WiPy whose RTC was never set
    assert info.value.args == (461,)
