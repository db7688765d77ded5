"""``ussl``: TLS for ``usocket`` sockets, with MicroPython 1.8.5's WiPy signature.

``wrap_socket(sock, keyfile=None, certfile=None, server_side=False, cert_reqs=CERT_NONE,
ca_certs=None)`` is built on ``ssl.SSLContext`` (CPython 3.12 removed ``ssl.wrap_socket``).
As on the WiPy:

* ``sock`` is a ``usocket`` stream socket, normally made with ``IPPROTO_SEC``; it may be
  wrapped before it connects (the handshake happens in ``connect``) or after. The returned
  ``SSLSocket`` and ``sock`` share one connection, as they share one descriptor on the device.
* ``cert_reqs`` other than ``CERT_NONE`` needs ``ca_certs``, and ``server_side=True`` needs
  both ``keyfile`` and ``certfile``: otherwise ``ValueError``.
* Certificate paths under ``/flash`` (``/flash/cert/ca.pem``, ``/flash/cert/cert.pem``,
  ``/flash/cert/private.key``) are read from the board's flash directory; other paths are
  host paths. A missing file raises ``OSError(ENOENT)``.
* ``SSLError`` is ``OSError`` (the firmware's alias), so it also catches the ``ssl.SSLError``
  (an ``OSError``) that a failed handshake raises.
* ``CERT_NONE`` (0): the peer's certificate is not checked. ``CERT_REQUIRED`` (2): the peer
  must present a certificate signed by ``ca_certs`` (the chain is checked, not the host name,
  as on the WiPy); a server also demands a client certificate. ``CERT_OPTIONAL`` (1): as in
  CPython, a client checks the server's certificate against ``ca_certs`` and a server checks
  a client certificate if one is sent. (The WiPy's firmware loads no CA for ``CERT_OPTIONAL``
  and so checks nothing; here the check is kept.)
* Certificate dates are checked against the board's RTC, not the host's clock, as the
  WiPy's network processor checks them: with ``cert_reqs`` other than ``CERT_NONE``, a peer
  certificate that isn't valid yet or any more at ``machine.RTC`` time fails the handshake
  with ``OSError(461)`` (SimpleLink's ``SL_ESECDATEERROR``, as the firmware raises it), and
  one that the host clock calls expired is accepted while the RTC is inside its dates.
* TLS 1.2 or later as the host's OpenSSL negotiates (the WiPy speaks TLS 1.0, which current
  OpenSSL builds refuse).
"""

from __future__ import annotations

import errno as _errno
import os
import ssl as _ssl
from typing import Any

import usocket
from micropython_compat import filesystem
from micropython_compat.board import current_runtime
from micropython_compat.errors import bad_argument, device_error

__all__ = ["CERT_NONE", "CERT_OPTIONAL", "CERT_REQUIRED", "SSLError", "SSLSocket", "wrap_socket"]

CERT_NONE = 0
CERT_OPTIONAL = 1
CERT_REQUIRED = 2

SSLError = OSError

_VERIFY = {
    CERT_NONE: _ssl.CERT_NONE,
    CERT_OPTIONAL: _ssl.CERT_OPTIONAL,
    CERT_REQUIRED: _ssl.CERT_REQUIRED,
}


class SSLSocket(usocket.socket):
    """A TLS socket: every ``usocket.socket`` method, over TLS. ``repr()`` is ``<ussl>``
    (the firmware's type name)."""

    def __repr__(self) -> str:
        return "<ussl>"


def _path(value: Any) -> str | None:
    """The host path of a certificate file: ``/flash/...`` through the board's file system."""
    if value is None:
        return None
    if isinstance(value, bytes):
        value = os.fsdecode(value)
    elif isinstance(value, os.PathLike):
        value = os.fspath(value)
    if not isinstance(value, str):
        raise TypeError(f"can't convert '{type(value).__name__}' object to str implicitly")
    if value == filesystem.FLASH or value.startswith(filesystem.FLASH + "/"):
        return str(filesystem.current().host_path(value))
    return value


def _load(action: Any, *args: Any) -> None:
    """Load certificates or keys; a missing file is ``OSError(ENOENT)``."""
    try:
        action(*args)
    except FileNotFoundError:
        raise device_error(_errno.ENOENT) from None
    except _ssl.SSLError:
        raise
    except OSError as exc:
        raise device_error(exc.errno or _errno.EIO) from None


# OpenSSL's X509_V_FLAG_NO_CHECK_TIME: the dates are checked against the board's RTC instead.
_NO_CHECK_TIME = 0x200000
# SimpleLink's SL_ESECDATEERROR; the firmware raises OSError(-errno).
_DATE_ERROR = 461
_EPOCH_2000 = 946_684_800


def _board_time() -> float:
    """The board's RTC time in seconds since 1970 (what certificate dates are read in)."""
    return current_runtime().board.rtc().read_ns() / 1e9 + _EPOCH_2000


class _BoardDatedSocket(_ssl.SSLSocket):
    """CPython's TLS socket, with the peer certificate's dates checked on the board's RTC
    once the handshake is done (``OSError(461)`` outside them)."""

    def do_handshake(self, block: bool = False) -> None:
        super().do_handshake(block)
        certificate = self.getpeercert()
        if not certificate:  # nothing was verified (CERT_NONE, or no client certificate)
            return
        now = _board_time()
        start = _ssl.cert_time_to_seconds(str(certificate["notBefore"]))
        end = _ssl.cert_time_to_seconds(str(certificate["notAfter"]))
        if not start <= now <= end:
            error = OSError(_DATE_ERROR)
            error.errno = _DATE_ERROR
            raise error


def _context(
    server_side: bool,
    keyfile: str | None,
    certfile: str | None,
    cert_reqs: int,
    ca_certs: str | None,
) -> _ssl.SSLContext:
    if server_side:
        context = _ssl.SSLContext(_ssl.PROTOCOL_TLS_SERVER)
    else:
        context = _ssl.SSLContext(_ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
    context.verify_mode = _VERIFY[cert_reqs]
    context.sslsocket_class = _BoardDatedSocket
    context.verify_flags |= _NO_CHECK_TIME
    if certfile is not None:
        _load(context.load_cert_chain, certfile, keyfile)
    if cert_reqs != CERT_NONE:
        _load(context.load_verify_locations, ca_certs)
    return context


def wrap_socket(
    sock: Any,
    keyfile: Any = None,
    certfile: Any = None,
    server_side: Any = False,
    cert_reqs: Any = CERT_NONE,
    ca_certs: Any = None,
) -> SSLSocket:
    """Wrap ``sock`` (a ``usocket.socket``) in TLS and return the ``SSLSocket``.

    Raises ``TypeError`` if ``sock`` is not a usocket socket or ``cert_reqs`` not an int;
    ``ValueError`` for a datagram socket, a socket already wrapped, an unknown ``cert_reqs``,
    ``cert_reqs`` without ``ca_certs``, ``server_side`` without ``keyfile`` and ``certfile``,
    or ``keyfile`` without ``certfile``; ``OSError(ENOENT)`` for a missing certificate file;
    ``ssl.SSLError`` (an ``OSError``) for unreadable certificates or, on a connected socket,
    a failed handshake.
    """
    if not isinstance(sock, usocket.socket):
        raise TypeError("wrap_socket needs a usocket.socket")
    if not isinstance(cert_reqs, int):
        raise TypeError(f"can't convert {type(cert_reqs).__name__} to int")
    reqs = int(cert_reqs)
    handle = sock._handle
    if handle.kind != usocket.SOCK_STREAM or handle.secure or reqs not in _VERIFY:
        raise bad_argument()
    if reqs != CERT_NONE and ca_certs is None:
        raise bad_argument()
    key, cert, ca = _path(keyfile), _path(certfile), _path(ca_certs)
    side = bool(server_side)
    if (side and (key is None or cert is None)) or (key is not None and cert is None):
        raise bad_argument()
    context = _context(side, key, cert, reqs, ca)
    try:
        wrapped = context.wrap_socket(handle.sock, server_side=side)
    except OSError as exc:
        raise usocket._host_error(exc) from None
    handle.sock = wrapped
    handle.secure = True
    return SSLSocket._from_handle(handle)
