"""``usocket``: BSD sockets as MicroPython 1.8.5 has them on the WiPy, over the host's sockets.

What the WiPy's firmware does, and so what this module does:

* ``socket(af=AF_INET, type=SOCK_STREAM, proto=IPPROTO_TCP)`` with the SimpleLink numbers:
  ``AF_INET`` 2, ``SOCK_STREAM`` 1, ``SOCK_DGRAM`` 2, ``IPPROTO_TCP`` 6, ``IPPROTO_UDP`` 17 and
  ``IPPROTO_SEC`` 100 (a TLS socket). New sockets block. ``socket(AF_INET, SOCK_DGRAM)`` keeps
  the default ``IPPROTO_TCP`` and is a UDP socket, as on the device.
* Addresses are ``(ipv4_address, port)`` with a dotted numeric address (``''`` is 0.0.0.0);
  host names raise ``ValueError`` ("invalid arguments"): resolve them with ``getaddrinfo``,
  which returns one 5-tuple ``(AF_INET, SOCK_STREAM, 0, '', (ip, port))`` in a list.
* Errors are plain ``OSError(errno)`` (``error`` is ``OSError``): ``EAGAIN`` (11) from a
  non-blocking socket with nothing to do, ``ECONNREFUSED`` (111), ``EBADF`` (9) on a closed
  socket, ... A blocking call that runs past ``settimeout(seconds)`` raises ``timeout``
  (``TimeoutError('timed out')``).
* ``sendall`` is ``send`` with every byte sent; it returns the count, as on the device.
* The stream methods ``read``/``readall``/``readinto``/``readline``/``write`` follow the
  firmware's stream rules: ``read(n)`` is one receive of at most ``n`` bytes; ``read()`` is
  ``readall()``, which reads until the peer closes; when nothing can be read right now
  (non-blocking, or the timeout ran out) they return ``None`` instead of raising, and ``b''``
  means end of stream.
* ``makefile('rb' | 'wb')`` returns the socket itself, so closing the "file" closes the
  socket (the spec's "difference to CPython"); other modes raise ``ValueError``.
* ``repr()`` is ``<socket>``. Sockets close when garbage-collected and when the board is
  released (the device closes user sockets at a soft reset).

Differences from the WiPy, on purpose (also in docs/differences.md):

* Timeouts are seconds as ``int`` or ``float`` (the WiPy has no floats) and run on the host's
  real clock, since the network is real; a virtual board clock does not move them.
* A socket made with ``IPPROTO_SEC`` that is connected without ``ussl.wrap_socket`` does TLS
  with ``CERT_NONE`` (no certificate check), as the firmware does by default; a listening
  ``IPPROTO_SEC`` socket needs ``wrap_socket(..., server_side=True)`` for its certificate.
* ``SOL_SOCKET`` and ``SO_REUSEADDR`` (the host's values) exist for portable code; the WiPy
  has no such names. ``setsockopt`` passes levels and options to the host (SimpleLink's
  ``SOL_SOCKET`` options share Linux's numbers).
* The module itself can be called like ``socket.socket`` so the spec's example
  ``s = socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_SEC)`` runs as written.
"""

from __future__ import annotations

import contextlib
import errno as _errno
import socket as _socket
import ssl as _ssl
import sys
import threading
import types
import weakref
from typing import Any, TypeVar

from micropython_compat._buffer import read_buffer, writable_buffer, write_slice
from micropython_compat.board import current_runtime
from micropython_compat.errors import bad_argument, device_error

__all__ = [
    "AF_INET",
    "IPPROTO_SEC",
    "IPPROTO_TCP",
    "IPPROTO_UDP",
    "SOCK_DGRAM",
    "SOCK_STREAM",
    "SOL_SOCKET",
    "SO_REUSEADDR",
    "error",
    "getaddrinfo",
    "socket",
    "timeout",
]

AF_INET = 2
SOCK_STREAM = 1
SOCK_DGRAM = 2
IPPROTO_TCP = 6
IPPROTO_UDP = 17
#: SimpleLink's ``SL_SEC_SOCKET``: a TLS socket.
IPPROTO_SEC = 100
#: Not on the WiPy; the host's values, for code written for other ports.
SOL_SOCKET: int = _socket.SOL_SOCKET
SO_REUSEADDR: int = _socket.SO_REUSEADDR

error = OSError
timeout = TimeoutError

#: The most one receive returns (the firmware's ``WLAN_MAX_RX_SIZE``).
_MAX_RX = 16000
#: What ``readall`` asks for at a time (MicroPython's stream chunk).
_READALL_CHUNK = 256
#: What ``getaddrinfo`` raises for a name that does not resolve (the WiPy gives a SimpleLink
#: DNS code instead).
_DNS_ERRNO = _errno.ENOENT
_STATE_KEY = "usocket.open"

Address = tuple[str, int]
_S = TypeVar("_S", bound="socket")


def _int(value: Any) -> int:
    """``value`` as MicroPython's ``mp_obj_get_int`` takes it (bools count); else TypeError."""
    if not isinstance(value, int):
        raise TypeError(f"can't convert {type(value).__name__} to int")
    return int(value)


def _ipv4(text: Any) -> str:
    """A dotted numeric IPv4 address (``''`` is 0.0.0.0); ``ValueError`` for anything else."""
    if isinstance(text, bytes):
        text = text.decode("latin-1")
    if not isinstance(text, str):
        raise TypeError(f"can't convert '{type(text).__name__}' object to str implicitly")
    if text == "":
        return "0.0.0.0"
    parts = text.split(".")
    if len(parts) != 4 or not all(p.isdigit() and p.isascii() and int(p) <= 255 for p in parts):
        raise bad_argument("invalid arguments")
    return ".".join(str(int(p)) for p in parts)


def _address(addr: Any) -> Address:
    """``(ip, port)`` from a 2-tuple or list; TypeError/ValueError as MicroPython raises."""
    if not isinstance(addr, (tuple, list)):
        raise TypeError(f"object '{type(addr).__name__}' is not a tuple or list")
    if len(addr) != 2:
        raise ValueError(f"requested length 2 but object has length {len(addr)}")
    ip = _ipv4(addr[0])
    port = _int(addr[1])
    if not 0 <= port <= 0xFFFF:
        raise bad_argument()
    return ip, port


def _host_address(addr: Any) -> Address:
    """An address the host reports, as the device formats it: ``(ip string, port)``."""
    return str(addr[0]), int(addr[1])


class _Handle:
    """The host socket behind one device socket (shared by a socket and its SSL wrapper)."""

    __slots__ = ("__weakref__", "kind", "proto", "secure", "sock", "timeout", "users")

    def __init__(self, sock: _socket.socket, kind: int, proto: int) -> None:
        self.sock = sock
        self.kind = kind
        self.proto = proto
        self.timeout: float | None = None
        self.secure = False
        self.users = 0

    def close(self) -> None:
        with contextlib.suppress(OSError):  # a TLS goodbye may fail; the socket closes anyway
            self.sock.close()


class _Registry:
    """The sockets open on a board; closed when the board is released."""

    def __init__(self) -> None:
        self.handles: weakref.WeakSet[_Handle] = weakref.WeakSet()
        self.lock = threading.Lock()

    def add(self, handle: _Handle) -> None:
        with self.lock:
            self.handles.add(handle)

    def close_all(self) -> None:
        with self.lock:
            handles, self.handles = list(self.handles), weakref.WeakSet()
        for handle in handles:
            handle.close()


def _registry() -> _Registry:
    runtime = current_runtime()

    def make() -> _Registry:
        registry = _Registry()
        runtime.on_close(registry.close_all)
        return registry

    return runtime.state(_STATE_KEY, make)


def _host_error(exc: OSError) -> OSError:
    """A host socket error as the device raises it: ``timeout``, or plain ``OSError(errno)``.

    TLS errors (``ssl.SSLError``, an ``OSError``) other than want-read/write pass unchanged.
    """
    if isinstance(exc, (_ssl.SSLWantReadError, _ssl.SSLWantWriteError)):
        return device_error(_errno.EAGAIN)
    if isinstance(exc, _ssl.SSLError):
        return exc
    if isinstance(exc, (TimeoutError, _socket.timeout)) and exc.errno is None:
        return timeout("timed out")
    return device_error(exc.errno or _errno.EIO)


def _would_block(exc: OSError) -> bool:
    """Whether the device's stream layer treats ``exc`` as "nothing now" (EAGAIN/timeout)."""
    return isinstance(exc, TimeoutError) or exc.errno in (_errno.EAGAIN, _errno.EWOULDBLOCK)


class socket:  # noqa: N801 - the device's name
    """A socket: ``socket(af=AF_INET, type=SOCK_STREAM, proto=IPPROTO_TCP)``.

    Raises ``TypeError`` for arguments that are not ints, ``OSError(EAFNOSUPPORT)`` for a
    family other than ``AF_INET``, ``OSError(EPROTOTYPE)`` for a type other than
    ``SOCK_STREAM``/``SOCK_DGRAM`` or a protocol that doesn't fit it, and
    ``OSError(EPROTONOSUPPORT)`` for an unknown protocol.
    """

    _handle: _Handle

    def __init__(
        self,
        af: Any = AF_INET,
        type: Any = SOCK_STREAM,
        proto: Any = IPPROTO_TCP,
        fileno: Any = None,
    ) -> None:
        family, kind, protocol = _int(af), _int(type), _int(proto)
        if fileno is not None:
            _int(fileno)  # checked and kept by the firmware, never used
        if family != AF_INET:
            raise device_error(_errno.EAFNOSUPPORT)
        if protocol not in (0, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SEC):
            raise device_error(_errno.EPROTONOSUPPORT)
        if kind == SOCK_STREAM and protocol in (0, IPPROTO_TCP, IPPROTO_SEC):
            host_kind = _socket.SOCK_STREAM
        elif kind == SOCK_DGRAM and protocol in (0, IPPROTO_TCP, IPPROTO_UDP):
            host_kind = _socket.SOCK_DGRAM
        else:
            raise device_error(_errno.EPROTOTYPE)
        try:
            host = _socket.socket(_socket.AF_INET, host_kind)
        except OSError as exc:
            raise _host_error(exc) from None
        self._attach(_Handle(host, kind, protocol or (IPPROTO_TCP if kind == 1 else IPPROTO_UDP)))

    @classmethod
    def _from_handle(cls: type[_S], handle: _Handle) -> _S:
        self = cls.__new__(cls)
        self._attach(handle)
        return self

    def _attach(self, handle: _Handle) -> None:
        handle.users += 1
        self._handle = handle
        _registry().add(handle)

    # -- the socket methods ------------------------------------------------------------------
    @property
    def _sock(self) -> _socket.socket:
        return self._handle.sock

    def close(self) -> None:
        """Close the socket; later operations raise ``OSError(EBADF)``. Idempotent."""
        self._handle.close()

    def bind(self, address: Any) -> None:
        """Bind to ``(ip, port)``; ``OSError(EADDRINUSE)`` if it is taken."""
        addr = _address(address)
        self._call(self._sock.bind, addr)

    def listen(self, backlog: Any = None) -> None:
        """Accept connections; ``backlog`` below 0 counts as 0 (default: a reasonable one)."""
        if backlog is None:
            self._call(self._sock.listen)
        else:
            self._call(self._sock.listen, max(0, _int(backlog)))

    def accept(self) -> tuple[socket, Address]:
        """Wait for a connection: ``(socket, (ip, port))``. The new socket has this socket's
        timeout. Raises ``OSError(EAGAIN)`` when non-blocking with none waiting, ``timeout``
        when the timeout runs out."""
        conn, addr = self._call(self._sock.accept)
        handle = _Handle(conn, self._handle.kind, self._handle.proto)
        handle.secure = self._handle.secure
        handle.timeout = self._handle.timeout
        conn.settimeout(handle.timeout)
        return type(self)._from_handle(handle), _host_address(addr)

    def connect(self, address: Any) -> None:
        """Connect to ``(ip, port)``. An ``IPPROTO_SEC`` socket not yet wrapped does TLS
        without checking the certificate. Raises ``OSError(ECONNREFUSED)``, ``timeout``,
        ``OSError(EINPROGRESS)`` when non-blocking, or ``ssl.SSLError`` for a failed handshake.
        """
        addr = _address(address)
        if self._handle.proto == IPPROTO_SEC and not self._handle.secure:
            import ussl

            ussl.wrap_socket(self)
        self._call(self._sock.connect, addr)

    def send(self, data: Any) -> int:
        """Send ``data`` (bytes-like or str); return how many bytes went."""
        payload = read_buffer(data)
        if not payload:
            return 0
        sent: int = self._call(self._sock.send, payload)
        return sent

    def sendall(self, data: Any) -> int:
        """Send all of ``data``; return the count (the WiPy's ``sendall`` returns it too)."""
        payload = read_buffer(data)
        self._call(self._sock.sendall, payload)
        return len(payload)

    def recv(self, bufsize: Any) -> bytes:
        """Receive at most ``bufsize`` bytes (``b''``: the peer closed). Raises
        ``OSError(EAGAIN)`` when non-blocking with nothing waiting, ``timeout`` when the timeout
        runs out, ``ValueError`` for a negative size."""
        size = _int(bufsize)
        if size < 0:
            raise bad_argument()
        data: bytes = self._call(self._sock.recv, min(size, _MAX_RX))
        return data

    def sendto(self, data: Any, address: Any) -> int:
        """Send a datagram to ``(ip, port)``; return the byte count."""
        payload = read_buffer(data)
        addr = _address(address)
        sent: int = self._call(self._sock.sendto, payload, addr)
        return sent

    def recvfrom(self, bufsize: Any) -> tuple[bytes, Address]:
        """Receive a datagram: ``(bytes, (ip, port))``; errors as ``recv``."""
        size = _int(bufsize)
        if size < 0:
            raise bad_argument()
        data, addr = self._call(self._sock.recvfrom, min(size, _MAX_RX))
        return data, _host_address(addr)

    def setsockopt(self, level: Any, optname: Any, value: Any) -> None:
        """Set an option: ``value`` an int or a bytes-like buffer. Raises ``TypeError`` for
        other types, ``OSError`` with the host's errno for an option it refuses."""
        lvl, opt = _int(level), _int(optname)
        arg: int | bytes = value if isinstance(value, int) else read_buffer(value)
        self._call(self._sock.setsockopt, lvl, opt, arg)

    def settimeout(self, value: Any) -> None:
        """``None``: block; ``0``: non-blocking; seconds > 0: blocking calls raise ``timeout``
        after that long. Raises ``TypeError`` for a non-number, ``ValueError`` if negative."""
        if value is None:
            seconds: float | None = None
        elif isinstance(value, (int, float)):
            seconds = float(value)
            if seconds < 0:
                raise bad_argument()
        else:
            raise TypeError(f"can't convert {type(value).__name__} to int")
        self._handle.timeout = seconds
        self._call(self._sock.settimeout, seconds)

    def setblocking(self, flag: Any) -> None:
        """``setblocking(True)`` is ``settimeout(None)``; ``setblocking(False)`` is
        ``settimeout(0)``."""
        self.settimeout(None if flag else 0)

    def makefile(self, mode: Any = "rb", *args: Any) -> socket:
        """The socket itself, as the file (closing it closes the socket). Only ``'rb'`` and
        ``'wb'``; other modes raise ``ValueError``, more than 5 arguments ``TypeError``."""
        if len(args) > 4:
            raise TypeError("function expected at most 6 arguments")
        if mode not in ("rb", "wb"):
            raise bad_argument()
        return self

    # -- the stream methods ------------------------------------------------------------------
    def read(self, size: Any = -1) -> bytes | None:
        """One receive of at most ``size`` bytes; no size (or -1) reads to the end
        (``readall``). ``None`` if nothing can be read now, ``b''`` at the end of stream."""
        count = _int(size)
        if count == -1:
            return self.readall()
        if count < 0:
            raise bad_argument()
        return self._stream_recv(count)

    def readall(self) -> bytes | None:
        """Read until the peer closes the connection. If it stops early (non-blocking or the
        timeout ran out): what came so far, or ``None`` if nothing did."""
        chunks: list[bytes] = []
        while True:
            chunk = self._stream_recv(_READALL_CHUNK)
            if chunk is None:
                return b"".join(chunks) if chunks else None
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)

    def readinto(self, buf: Any, nbytes: Any = None) -> int | None:
        """Receive into ``buf`` (at most ``nbytes`` or ``len(buf)`` bytes) once; return the
        count, or ``None`` if nothing can be read now. ``TypeError`` for a read-only buffer.
        """
        view = writable_buffer(buf)
        limit = len(view) if nbytes is None else max(0, min(_int(nbytes), len(view)))
        try:
            count: int = self._call(self._sock.recv_into, view[:limit], limit)
        except OSError as exc:
            if _would_block(exc):
                return None
            raise
        return count

    def readline(self, limit: Any = -1) -> bytes | None:
        """Read up to and including ``b'\\n'`` (or ``limit`` bytes, or the end of stream).
        ``None`` if nothing could be read now; what came so far if it stops early."""
        remaining = _int(limit)
        line = bytearray()
        while remaining != 0:
            char = self._stream_recv(1)
            if char is None:
                return bytes(line) if line else None
            if not char:
                break
            line += char
            remaining -= 1
            if char == b"\n":
                break
        return bytes(line)

    def write(self, buf: Any, *count: Any) -> int | None:
        """Send ``buf`` once (``write(buf, n)``: at most ``n`` bytes of it; ``write(buf, off,
        n)``: from offset ``off``); return the byte count, or ``None`` if nothing can be sent
        now."""
        try:
            return self.send(write_slice(buf, count))
        except OSError as exc:
            if _would_block(exc):
                return None
            raise

    # -- what select/poll and the host need --------------------------------------------------
    def fileno(self) -> int:
        """The host descriptor (for ``uselect``); -1 once closed."""
        return self._sock.fileno()

    def _buffered(self) -> bool:
        """Whether decrypted bytes wait inside the TLS layer (readable without the fd)."""
        sock = self._sock
        return isinstance(sock, _ssl.SSLSocket) and sock.fileno() >= 0 and sock.pending() > 0

    def __enter__(self) -> socket:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return "<socket>"

    def __del__(self) -> None:
        handle = getattr(self, "_handle", None)
        if handle is None:
            return
        handle.users -= 1
        if handle.users <= 0:
            handle.close()

    # -- helpers -----------------------------------------------------------------------------
    def _call(self, function: Any, *args: Any) -> Any:
        """Run a host socket call, raising its errors as the device does."""
        try:
            return function(*args)
        except OSError as exc:
            raise _host_error(exc) from None

    def _stream_recv(self, size: int) -> bytes | None:
        """One receive for the stream methods: ``None`` for "nothing now"; a TLS peer that
        hangs up without a goodbye reads as the end of stream."""
        try:
            data: bytes = self._call(self._sock.recv, min(size, _MAX_RX))
        except (_ssl.SSLEOFError, _ssl.SSLZeroReturnError):
            return b""
        except OSError as exc:
            if _would_block(exc):
                return None
            raise
        return data


def getaddrinfo(host: Any, port: Any) -> list[tuple[int, int, int, str, Address]]:
    """``[(AF_INET, SOCK_STREAM, 0, '', (ip, port))]`` for ``host`` (IPv4 only).

    Raises ``TypeError`` for a host that isn't a str/bytes or a port that isn't an int, and
    ``OSError(ENOENT)`` for a name that does not resolve.
    """
    if isinstance(host, bytes):
        host = host.decode("latin-1")
    if not isinstance(host, str):
        raise TypeError(f"can't convert '{type(host).__name__}' object to str implicitly")
    number = _int(port)
    try:
        found = _socket.getaddrinfo(host, 0, _socket.AF_INET, _socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise device_error(_DNS_ERRNO) from None
    ip = str(found[0][4][0])
    return [(AF_INET, SOCK_STREAM, 0, "", (ip, number))]


class _CallableModule(types.ModuleType):
    """The module, callable as ``socket.socket`` (the spec's SSL example calls it)."""

    def __call__(self, *args: Any, **kwargs: Any) -> socket:
        return socket(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
