"""``network.Server``: the WiPy's telnet REPL and FTP server, as real servers on the host.

Both listen where the board says (``hal.Network.server_binding``: 127.0.0.1 and ports 2323 /
2121 by default on the simulated board, since 23 and 21 need root; port 0 picks a free port,
reported back through ``servers_bound``). As on the device:

* telnet: one session at a time. The server sends ``MicroPython v1.8.5 on 2016-10-17; WiPy
  with CC3200``, asks ``Login as:`` and ``Password:`` (telnet option negotiation as the
  firmware does it), answers a wrong login with ``Invalid credentials, try again.`` and hangs
  up after three; then ``Login succeeded!`` and the MicroPython REPL (``repl.Repl``) on the
  connection. Code typed there runs in the session's own thread and namespace; what it prints
  goes to the session. A session idle (nothing received) for the server's timeout is closed,
  timed on the board clock (a test advances a virtual clock past it).
* FTP (pyftpdlib, passive mode only): the root lists the mount points, ``/flash`` and ``/sd``
  when the card is mounted, served from the board's directories through
  ``micropython_compat.filesystem``; nothing outside them can be reached (``..``, symbolic
  links). Its idle timeout is pyftpdlib's, in real seconds.

A client connecting is socket activity: a WLAN event that wakes a board sleeping with a WLAN
irq. The servers stop at ``deinit()`` and when the board is released; every thread and socket
is closed then.
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import logging
import os
import select
import shutil
import socket
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Iterator
from typing import Any, Callable

from micropython_compat import filesystem
from micropython_compat.board import current_runtime
from micropython_compat.errors import bad_argument, device_error
from micropython_compat.hal import Cancellable, Clock, ServerBinding
from micropython_compat.repl import EOF, Repl, SocketConsole, banner
from micropython_compat.resets import forward_to_main_thread
from micropython_compat.runtime import Runtime

from ._wlan import socket_activity

__all__ = ["Server"]

_MISSING: Any = object()
_STATE_KEY = "network.Server"
DEFAULT_LOGIN = ("micro", "python")
DEFAULT_TIMEOUT_S = 300
MIN_TIMEOUT_S = 5
_LOGIN_MAX = 32  # the firmware's longest user and password (SERVERS_USER_PASS_LEN_MAX)
_LOGIN_TRIES = 3
_LOGIN_DEADLINE_S = 60  # board time a client has to log in (the firmware: the idle timeout)
_MAX_PENDING = 4  # clients logging in at once
_FAILED_LOGIN_DELAY_S = 0.5  # real time before a wrong login is answered
_MAX_FAILURES = 6  # failed logins from one address ...
_FAILURE_WINDOW_S = 60.0  # ... within this many seconds: it is refused until they age out
_LINE_MAX = 256
_POLL_S = 0.05
_JOIN_S = 5.0

# Telnet option negotiation, as the firmware sends it (IAC WILL/WONT ECHO, SUPPRESS GO AHEAD,
# LINEMODE) before the user name, the password and the REPL.
_OPTIONS_USER = bytes((255, 252, 1, 255, 252, 3, 255, 251, 34))
_OPTIONS_PASSWORD = bytes((255, 251, 1, 255, 252, 3, 255, 251, 34))
_OPTIONS_REPL = bytes((255, 251, 1, 255, 251, 3, 255, 252, 34))
_ASK_USER = b"Login as: "
_ASK_PASSWORD = b"Password: "
_INVALID = b"\r\nInvalid credentials, try again.\r\n"
_SUCCEEDED = b"\r\nLogin succeeded!\r\n"
_FTP_BANNER = "Micro Python FTP Server"
# The over-the-air update image: uploads go to the update area, never onto the flash.
_UPDATE = ("sys", "mcuimg.bin")
# The modes pyftpdlib opens files with, as os.open flags.
_OPEN_FLAGS = {
    "r": os.O_RDONLY,
    "w": os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
    "a": os.O_WRONLY | os.O_CREAT | os.O_APPEND,
    "r+": os.O_RDWR,
}


class _Settings:
    """The login and timeout both servers use. A new login applies to the next login; a new
    timeout applies at once, to the live session too (the firmware compares each session's
    idle time with the current timeout on every pass of its server loop)."""

    def __init__(self) -> None:
        self.user, self.password = DEFAULT_LOGIN
        self.timeout_s = DEFAULT_TIMEOUT_S
        self.guard = _LoginGuard()

    def accepts(self, user: str, password: str) -> bool:
        return user == self.user and password == self.password

    @property
    def is_default(self) -> bool:
        return (self.user, self.password) == DEFAULT_LOGIN


class _LoginGuard:
    """Failed logins per client address, for both servers: after ``_MAX_FAILURES`` within
    ``_FAILURE_WINDOW_S`` an address is refused until that window has passed (real time)."""

    def __init__(self) -> None:
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, address: str, now: float) -> list[float]:
        kept = [t for t in self._failures.get(address, []) if now - t < _FAILURE_WINDOW_S]
        self._failures[address] = kept
        return kept

    def allows(self, address: str) -> bool:
        """Whether ``address`` may try to log in now."""
        with self._lock:
            return len(self._recent(address, time.monotonic())) < _MAX_FAILURES

    def failed(self, address: str) -> None:
        """Count a failed login from ``address``."""
        with self._lock:
            now = time.monotonic()
            self._recent(address, now).append(now)


def _check_binding(host: str, settings: _Settings) -> None:
    """Refuse what would expose the servers by accident, warn about what exposes them on
    purpose (stderr). Raises ``OSError(EINVAL)`` for a host of ``''`` or ``'0'`` (all interfaces
    without saying so), ``OSError(EACCES)`` for a non-loopback host with the default login."""
    if host.strip() in ("", "0"):
        raise OSError(
            errno.EINVAL,
            f"network.Server: host {host!r} would listen on every interface without saying "
            "so; use '127.0.0.1', or '0.0.0.0' to mean every interface",
        )
    if not _is_loopback(host):
        if settings.is_default:
            raise OSError(
                errno.EACCES,
                f"network.Server: refusing to listen on {host} with the default login "
                "micro/python (the telnet REPL runs code as this user); set your own with "
                "network.Server(login=('user', 'password'))",
            )
        _note(
            f"warning: network.Server listens on {host}, beyond this machine: whoever logs "
            "in runs code as this user (telnet) and reads and writes /flash and /sd (FTP)"
        )
    elif settings.is_default:
        _note(
            "network.Server uses the WiPy's default login micro/python (loopback only); "
            "set your own with network.Server(login=('user', 'password'))"
        )


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _note(text: str) -> None:
    print(f"micropython-compat: {text}", file=sys.stderr, flush=True)


class Server:
    """The telnet and FTP servers: ``Server(login=('user', 'password'), timeout=60)``.

    One object per board; creating it (re)initialises and starts the servers (see ``init``).
    An ``id`` other than 0 raises ``OSError(ENODEV)``; a port that is taken raises
    ``OSError(EADDRINUSE)``.
    """

    _runtime: Runtime
    _settings: _Settings
    _telnet: _TelnetServer | None
    _ftp: _FtpServer | None
    _lock: threading.Lock

    def __new__(cls, *args: Any, **kwargs: Any) -> Server:
        runtime = current_runtime()
        return runtime.state(_STATE_KEY, lambda: cls._make(runtime))

    @classmethod
    def _make(cls, runtime: Runtime) -> Server:
        self: Server = super().__new__(cls)
        self._runtime = runtime
        self._settings = _Settings()
        self._telnet = self._ftp = None
        self._lock = threading.Lock()
        runtime.on_close(self.deinit)
        return self

    def __init__(self, id: Any = _MISSING, *, login: Any = None, timeout: Any = None) -> None:
        if id is not _MISSING and _to_int(id) != 0:
            raise device_error(errno.ENODEV)
        self.init(login=login, timeout=timeout)

    def init(self, *, login: Any = None, timeout: Any = None) -> None:
        """Set the login (default ``('micro', 'python')``; each at most 32 characters, or
        ``ValueError`` as the firmware raises: nothing is cut short) and the timeout in seconds
        (default 300), and start the servers if they aren't running. Raises ``TypeError`` for a
        login that isn't a tuple/list of two strings (``ValueError`` for another length) or a
        timeout that isn't an int, ``ValueError`` for a timeout under 5 seconds."""
        user, password = DEFAULT_LOGIN
        if login is not None:
            if not isinstance(login, (tuple, list)):
                raise TypeError(f"object '{type(login).__name__}' is not a tuple or list")
            if len(login) != 2:
                raise ValueError("tuple/list has wrong length")
            user, password = (_text(part) for part in login)
            if len(user) > _LOGIN_MAX or len(password) > _LOGIN_MAX:
                raise bad_argument()
        seconds = DEFAULT_TIMEOUT_S if timeout is None else _to_int(timeout)
        if (user, password) == DEFAULT_LOGIN and self._telnet is not None:
            host = self._runtime.board.network().server_binding.host
            if not _is_loopback(host):
                raise OSError(errno.EACCES, f"network.Server: the default login on {host}")
        self._settings.user, self._settings.password = user, password
        self._set_timeout(seconds)
        self._start()

    def deinit(self) -> None:
        """Stop both servers (closing their sessions)."""
        with self._lock:
            telnet, ftp, self._telnet, self._ftp = self._telnet, self._ftp, None, None
        for server in (telnet, ftp):
            if server is not None:
                server.stop()
        if telnet is not None or ftp is not None:
            with contextlib.suppress(Exception):
                self._runtime.board.network().servers_bound(0, 0)

    def timeout(self, timeout_in_seconds: Any = _MISSING) -> int | None:
        """Get the session timeout in seconds, or set it. As on the device, a value under
        5 seconds raises ``ValueError``; ``TypeError`` for a non-int."""
        if timeout_in_seconds is _MISSING:
            return self._settings.timeout_s
        self._set_timeout(_to_int(timeout_in_seconds))
        return None

    def isrunning(self) -> bool:
        """Whether the servers are running."""
        return self._telnet is not None

    def _set_timeout(self, seconds: int) -> None:
        if seconds < MIN_TIMEOUT_S:  # serverstask.c servers_set_timeout
            raise bad_argument()
        self._settings.timeout_s = seconds
        telnet, ftp = self._telnet, self._ftp
        if telnet is not None:
            telnet.timeout_changed()
        if ftp is not None:
            ftp.set_timeout(seconds)

    def _start(self) -> None:
        with self._lock:
            if self._telnet is not None:
                return
            network = self._runtime.board.network()
            binding = network.server_binding
            _check_binding(binding.host, self._settings)
            telnet = _TelnetServer(self._runtime, self._settings, binding)
            try:
                ftp = _FtpServer(self._runtime, self._settings, binding)
            except BaseException:
                telnet.stop()
                raise
            self._telnet, self._ftp = telnet, ftp
        network.servers_bound(telnet.port, ftp.port)

    def __repr__(self) -> str:
        return "<Server>"


def _to_int(value: Any) -> int:
    if isinstance(value, int):
        return int(value)
    raise TypeError(f"can't convert {type(value).__name__} to int")


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("latin-1")
    raise TypeError(f"can't convert '{type(value).__name__}' object to str implicitly")


def _listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket; ``OSError`` with the host's errno when it can't be had."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(1)
    except OSError:
        sock.close()
        raise
    return sock


# ------------------------------------------------------------------------------------ telnet


class _TelnetServer:
    """Serves one logged-in telnet session at a time: the accepting thread hands each client to
    a session thread of its own, so code left running in a session never keeps the port from
    answering. While a client is logged in, the next one waits to be accepted until that
    session ends. Clients still logging in don't hold the port: up to ``_MAX_PENDING`` try at
    once, the first to log in takes the session and the others are hung up."""

    def __init__(self, runtime: Runtime, settings: _Settings, binding: ServerBinding) -> None:
        self._runtime = runtime
        self._settings = settings
        self._listener = _listen(binding.host, binding.telnet_port)
        self.port: int = self._listener.getsockname()[1]
        self._stopping = threading.Event()
        self._sessions: list[_TelnetSession] = []
        self._owner: _TelnetSession | None = None
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(
            target=self._serve, name="micropython-compat telnet", daemon=True
        )
        self._thread.start()

    def _busy(self) -> _TelnetSession | None:
        """The session to wait for before accepting another client, if any."""
        with self._lock:
            self._sessions = [s for s in self._sessions if not s.ended]
            if self._owner is not None and not self._owner.ended:
                return self._owner
            if len(self._sessions) >= _MAX_PENDING:
                return self._sessions[0]
            return None

    def _serve(self) -> None:
        while not self._stopping.is_set():
            busy = self._busy()
            if busy is not None:
                busy.wait_ended(_POLL_S)
                continue
            try:
                ready, _, _ = select.select([self._listener], [], [], _POLL_S)
                if not ready:
                    continue
                conn, peer = self._listener.accept()
            except (OSError, ValueError):
                continue
            if not self._settings.guard.allows(peer[0]):
                conn.close()  # too many failed logins from there: try again later
                continue
            with self._lock:
                self._threads = [t for t in self._threads if t.is_alive()]
                if self._stopping.is_set():
                    conn.close()
                    continue
                session = _TelnetSession(conn, peer[0], self._runtime, self._settings, self._claim)
                thread = threading.Thread(
                    target=session.run, name="micropython-compat telnet session", daemon=True
                )
                self._sessions.append(session)
                self._threads.append(thread)
            thread.start()

    def _claim(self, session: _TelnetSession) -> bool:
        """``session`` logged in: it takes the port (the others still logging in are hung
        up), unless another client is logged in already (false)."""
        with self._lock:
            if self._owner is not None and not self._owner.ended:
                return False
            self._owner = session
            others = [s for s in self._sessions if s is not session]
        for other in others:
            other.end()
        return True

    def timeout_changed(self) -> None:
        """Re-time the live sessions' deadlines with the new timeout (any thread)."""
        with self._lock:
            sessions = list(self._sessions)
        for session in sessions:
            session.rearm()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not threading.current_thread():
            self._thread.join(_JOIN_S)
        with self._lock:
            sessions, threads = list(self._sessions), list(self._threads)
        for session in sessions:
            session.end()
        for thread in threads:
            if thread is not threading.current_thread():
                thread.join(_JOIN_S)
        self._listener.close()


class _TelnetSession:
    """One logged-in (or logging-in) telnet client: login, then the REPL."""

    def __init__(
        self,
        conn: socket.socket,
        address: str,
        runtime: Runtime,
        settings: _Settings,
        claim: Callable[[_TelnetSession], bool],
    ) -> None:
        self._address = address
        self._claim = claim
        self._logged_in = False
        self._runtime = runtime
        self._settings = settings
        self._clock: Clock = runtime.board.clock
        self._last = self._connected = self._clock.now_ns()
        self._alarm: Cancellable | None = None
        self._alarm_lock = threading.Lock()
        self._ended = False
        self._repl_session: Repl | None = None
        self._thread: threading.Thread | None = None
        self._ended_event = threading.Event()
        self.console = SocketConsole(conn, on_input=self._touch)
        self.console.on_eof = self.end  # the client left: stop what it left running
        socket_activity(runtime)

    @property
    def ended(self) -> bool:
        """Whether the session is over (its client gone, timed out or ended)."""
        return self._ended_event.is_set()

    def wait_ended(self, timeout_s: float) -> bool:
        """Wait up to ``timeout_s`` for the session to end; whether it has."""
        return self._ended_event.wait(timeout_s)

    def run(self) -> None:
        """Serve the client until it leaves, fails to log in, idles out or is ended."""
        self._thread = threading.current_thread()
        self._arm()
        try:
            if self._login():
                self._repl()
        finally:
            self.end()

    def end(self) -> None:
        """Close the session (any thread); code still running in it gets a
        ``KeyboardInterrupt``, so a runaway loop doesn't outlive its session."""
        with self._alarm_lock:
            self._ended = True
            alarm, self._alarm = self._alarm, None
        if alarm is not None:
            alarm.cancel()
        self.console.close()
        self._ended_event.set()
        repl = self._repl_session
        if repl is not None and threading.current_thread() is not self._thread:
            repl.interrupt()

    # -- login -------------------------------------------------------------------------------
    def _login(self) -> bool:
        console = self.console
        console.write(banner().split("\r\n")[0].encode() + b"\r\n")
        for _ in range(_LOGIN_TRIES):
            console.write(_OPTIONS_USER + _ASK_USER)
            user = self._read_line()
            if user is None:
                return False
            console.write(_ASK_PASSWORD + _OPTIONS_PASSWORD)
            password = self._read_line()
            if password is None:
                return False
            if self._settings.accepts(user, password):
                if not self._claim(self):
                    return False  # another client logged in first
                self._logged_in = True
                self.rearm()  # the login deadline no longer applies: the idle timeout does
                console.discard_input()  # the end of the password line, as the firmware does
                console.write(_OPTIONS_REPL + _SUCCEEDED)
                return True
            self._settings.guard.failed(self._address)
            if self._ended_event.wait(_FAILED_LOGIN_DELAY_S):  # slows down guessing
                return False
            console.write(_INVALID)
            if not self._settings.guard.allows(self._address):
                return False
        return False

    def _read_line(self) -> str | None:
        """A line the client typed (without echo), ``None`` when the connection ends."""
        line = bytearray()
        while True:
            byte = self.console.read_byte()
            if byte == EOF:
                return None
            if byte in (0x0D, 0x0A):
                if line:
                    return line.decode("utf-8", "replace")
                continue  # the rest of the previous line's end
            if byte >= 0x20 and len(line) < _LINE_MAX:
                line.append(byte)

    # -- the REPL ----------------------------------------------------------------------------
    def _repl(self) -> None:
        repl = Repl(lambda runtime: self.console)
        self._repl_session = repl
        with _routed("stdout", repl.stdout()), _routed("stdin", repl.stdin()):
            while not self._ended:
                namespace: dict[str, Any] = {"__name__": "__main__"}
                request = repl.session_on(self.console, namespace)
                if request is None:
                    return
                forward_to_main_thread(request)

    # -- idle timeout (board clock) ----------------------------------------------------------
    def _touch(self) -> None:
        self._last = self._clock.now_ns()
        socket_activity(self._runtime)

    def rearm(self) -> None:
        """Time the idle deadline from the last input with the current timeout (any thread)."""
        self._arm()

    def _arm(self) -> None:
        with self._alarm_lock:
            if self._ended:
                return
            if self._alarm is not None:
                self._alarm.cancel()
            self._alarm = self._clock.call_at_ns(self._deadline(), self._check_idle)

    def _deadline(self) -> int:
        """When the session ends unless input comes: the idle timeout after the last input,
        and before the login, the login deadline after the connection at the latest."""
        deadline = self._last + self._settings.timeout_s * 1_000_000_000
        if not self._logged_in:
            deadline = min(deadline, self._connected + _LOGIN_DEADLINE_S * 1_000_000_000)
        return deadline

    def _check_idle(self) -> None:
        if self._clock.now_ns() >= self._deadline():
            self.end()
        else:
            self._arm()


# ------------------------------------------------------------------------ program output


class _ThreadRouted:
    """``sys.stdout`` / ``sys.stdin`` while telnet sessions run: on a session's thread it is
    that session's stream, on any other thread the stream that was there before."""

    def __init__(self, fallback: Any) -> None:
        self.fallback = fallback
        self.routes: dict[int, Any] = {}

    def _target(self) -> Any:
        return self.routes.get(threading.get_ident(), self.fallback)

    def write(self, text: Any) -> int:
        return int(self._target().write(text))

    def flush(self) -> None:
        with contextlib.suppress(Exception):
            self._target().flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target(), name)

    def __repr__(self) -> str:
        return repr(self._target())


_routing_lock = threading.Lock()


@contextlib.contextmanager
def _routed(name: str, stream: Any) -> Iterator[None]:
    """Make ``sys.<name>`` (``stdout``, ``stdin``) ``stream`` on this thread for the block."""
    with _routing_lock:
        current = getattr(sys, name)
        router = current if isinstance(current, _ThreadRouted) else _ThreadRouted(current)
        setattr(sys, name, router)
        router.routes[threading.get_ident()] = stream
    try:
        yield
    finally:
        with _routing_lock:
            router.routes.pop(threading.get_ident(), None)
            if not router.routes and getattr(sys, name) is router:
                setattr(sys, name, router.fallback)


# --------------------------------------------------------------------------------------- FTP


class _FtpServer:
    """pyftpdlib on its own thread, serving the board's mount points."""

    def __init__(self, runtime: Runtime, settings: _Settings, binding: ServerBinding) -> None:
        classes = _ftp_classes()
        mounts = filesystem.current().mounts
        self._view = tempfile.mkdtemp(prefix="micropython-compat-ftp-")
        allowed = []
        for point, folder in mounts.items():
            os.symlink(folder, os.path.join(self._view, point.strip("/")))
            allowed.append(os.path.realpath(folder))
        self._updates = tempfile.mkdtemp(prefix="micropython-compat-ota-")
        flash = mounts.get(filesystem.FLASH)
        update_path = "" if flash is None else os.path.join(os.path.realpath(flash), *_UPDATE)
        fs_class = type(
            "DeviceFS",
            (classes.fs,),
            {
                "allowed": tuple(allowed),
                "update_path": update_path,
                "update_store": os.path.join(self._updates, _UPDATE[-1]),
            },
        )
        authorizer = classes.authorizer(settings, self._view)
        self._handler: Any = type(
            "DeviceFTPHandler",
            (classes.handler,),
            {
                "authorizer": authorizer,
                "abstracted_fs": fs_class,
                "timeout": settings.timeout_s,
                "on_activity": staticmethod(lambda: socket_activity(runtime)),
                "guard": settings.guard,
            },
        )
        self._ioloop = classes.ioloop()
        try:
            self._server = classes.server(
                _listen(binding.host, binding.ftp_port), self._handler, ioloop=self._ioloop
            )
        except BaseException:
            self._ioloop.close()
            shutil.rmtree(self._view, ignore_errors=True)
            shutil.rmtree(self._updates, ignore_errors=True)
            raise
        self.port: int = self._server.address[1]
        self._stopping = threading.Event()
        self._thread = threading.Thread(
            target=self._serve, name="micropython-compat FTP", daemon=True
        )
        self._thread.start()

    def set_timeout(self, seconds: int) -> None:
        self._handler.timeout = seconds

    def _serve(self) -> None:
        try:
            while not self._stopping.is_set():
                self._ioloop.loop(_POLL_S, blocking=False)
        finally:
            self._server.close_all()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not threading.current_thread():
            self._thread.join(_JOIN_S)
        shutil.rmtree(self._view, ignore_errors=True)
        shutil.rmtree(self._updates, ignore_errors=True)


class _FtpClasses:
    """The pyftpdlib classes the FTP server is built from (imported on first use)."""

    def __init__(self, fs: Any, authorizer: Any, handler: Any, server: Any, ioloop: Any) -> None:
        self.fs, self.authorizer, self.handler = fs, authorizer, handler
        self.server, self.ioloop = server, ioloop


_classes: _FtpClasses | None = None


def _ftp_classes() -> _FtpClasses:
    global _classes
    if _classes is not None:
        return _classes
    try:
        with warnings.catch_warnings():
            # pyftpdlib uses the standard library's asyncore/asynchat before Python 3.12
            warnings.simplefilter("ignore", DeprecationWarning)
            from pyftpdlib.authorizers import AuthenticationFailed, DummyAuthorizer
            from pyftpdlib.filesystems import AbstractedFS
            from pyftpdlib.handlers import FTPHandler
            from pyftpdlib.ioloop import IOLoop
            from pyftpdlib.servers import FTPServer
    except ImportError:
        raise ImportError(
            "network.Server's FTP server needs pyftpdlib: pip install 'micropython-compat[server]'"
        ) from None
    # pyftpdlib configures logging to stderr unless its logger has a handler.
    logger = logging.getLogger("pyftpdlib")
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())

    class DeviceFS(AbstractedFS):  # type: ignore[misc]
        """The device's view: the root holds the mount points, nothing else is reachable."""

        allowed: tuple[str, ...] = ()
        update_path = ""  # the host path of /flash/sys/mcuimg.bin
        update_store = ""  # where an upload to it goes instead

        def _is_update(self, path: str) -> bool:
            return bool(self.update_path) and os.path.realpath(path) == self.update_path

        def open(self, filename: str, mode: str) -> Any:
            """An upload to /flash/sys/mcuimg.bin goes to the update area, off the flash
            (as the firmware's updater takes it); it can't be read back."""
            if self._is_update(filename):
                if "r" in mode:
                    raise OSError(errno.ENOENT, "No such file or directory")
                return open(self.update_store, mode)
            return self._open_no_follow(filename, mode)

        def _open_no_follow(self, filename: str, mode: str) -> Any:
            """Open ``filename`` walking down from its mount point's folder one name at a time,
            following no symbolic link on the way or at the end (a link swapped in after
            ``validpath`` checked the path is refused, never followed): ``OSError``."""
            parts = os.path.relpath(os.path.abspath(filename), self.root).split(os.sep)
            if len(parts) < 2 or parts[0] in (os.curdir, os.pardir):
                raise OSError(errno.EPERM, "the root holds only the mount points")
            base = os.path.realpath(os.path.join(self.root, parts[0]))  # our own mount link
            flags = _OPEN_FLAGS[mode.replace("b", "")] | os.O_NOFOLLOW
            folder = os.open(base, os.O_RDONLY | os.O_DIRECTORY)
            try:
                for name in parts[1:-1]:
                    inner = os.open(
                        name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=folder
                    )
                    os.close(folder)
                    folder = inner
                fd = os.open(parts[-1], flags, 0o666, dir_fd=folder)
            finally:
                os.close(folder)
            stream = open(fd, mode)  # noqa: SIM115 - pyftpdlib closes it
            stream.raw.name = filename  # type: ignore[attr-defined]  # pyftpdlib uses the name
            return stream

        def _is_mount_point(self, path: str) -> bool:
            parent = os.path.dirname(os.path.abspath(path))
            return bool(os.path.realpath(parent) == os.path.realpath(self.root))

        def lstat(self, path: str) -> os.stat_result:
            """The mount points as the directories they are; links as links."""
            return os.stat(path) if self._is_mount_point(path) else os.lstat(path)

        def islink(self, path: str) -> bool:
            return not self._is_mount_point(path) and os.path.islink(path)

        def readlink(self, path: str) -> str:
            raise OSError(errno.EPERM, "a link's target is not shown")

        def getsize(self, path: str) -> int:
            return self.lstat(path).st_size

        def getmtime(self, path: str) -> float:
            return self.lstat(path).st_mtime

        def listdir(self, path: str) -> list[str]:
            names: list[str] = super().listdir(path)
            if self.update_path and os.path.realpath(path) == os.path.dirname(self.update_path):
                names = [name for name in names if name != _UPDATE[-1]]
            return names

        def validpath(self, path: str) -> bool:
            real = os.path.realpath(path)
            if real == os.path.realpath(self.root):
                return True
            return any(real == a or real.startswith(a + os.sep) for a in self.allowed)

        def _guard(self, path: str) -> None:
            parent = os.path.realpath(os.path.dirname(os.path.abspath(path)))
            if parent == os.path.realpath(self.root):
                raise OSError(errno.EPERM, "the root holds only the mount points")

        def remove(self, path: str) -> None:
            self._guard(path)
            super().remove(path)

        def rmdir(self, path: str) -> None:
            self._guard(path)
            super().rmdir(path)

        def rename(self, src: str, dst: str) -> None:
            self._guard(src)
            self._guard(dst)
            super().rename(src, dst)

    class DeviceAuthorizer(DummyAuthorizer):  # type: ignore[misc]
        """One user: the Server's login, read at each attempt; every permission."""

        def __init__(self, settings: _Settings, home: str) -> None:
            super().__init__()
            self._settings = settings
            self._home = home

        def validate_authentication(self, username: str, password: str, handler: Any) -> None:
            if not self._settings.accepts(username, password):
                raise AuthenticationFailed("Authentication failed.")

        def get_home_dir(self, username: str) -> str:
            return self._home

        def has_user(self, username: str) -> bool:
            return True

        def has_perm(self, username: str, perm: str, path: str | None = None) -> bool:
            return True

        def get_perms(self, username: str) -> str:
            return "elradfmwMT"

        def get_msg_login(self, username: str) -> str:
            return "Login successful."

        def get_msg_quit(self, username: str) -> str:
            return "Goodbye."

    class DeviceFTPHandler(FTPHandler):  # type: ignore[misc]
        """Passive mode only, as on the WiPy; a connection is socket activity."""

        banner = _FTP_BANNER
        auth_failed_timeout = _FAILED_LOGIN_DELAY_S  # slows down guessing (the device: none)
        on_activity: Callable[[], None] = staticmethod(lambda: None)
        guard: _LoginGuard = _LoginGuard()

        def on_connect(self) -> None:
            self.on_activity()

        def handle(self) -> None:
            if not self.guard.allows(self.remote_ip):
                self.respond("421 Too many failed logins; try again later.")
                self.close_when_done()
                return
            super().handle()

        def on_login_failed(self, username: str, password: str) -> None:
            self.guard.failed(self.remote_ip)

        def ftp_PORT(self, line: str) -> None:
            self.respond("502 Active mode is not supported; use passive mode.")

        def ftp_EPRT(self, line: str) -> None:
            self.respond("502 Active mode is not supported; use passive mode.")

        def ftp_FEAT(self, line: str) -> None:
            # pyftpdlib lists EPRT whenever it knows the command: not for a server refusing it
            known: dict[str, Any] = type(self).proto_cmds
            self.__dict__["proto_cmds"] = {k: v for k, v in known.items() if k != "EPRT"}
            try:
                super().ftp_FEAT(line)
            finally:
                del self.__dict__["proto_cmds"]

    _classes = _FtpClasses(DeviceFS, DeviceAuthorizer, DeviceFTPHandler, FTPServer, IOLoop)
    return _classes
