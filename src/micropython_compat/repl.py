"""``micropython-compat repl``: the WiPy's MicroPython REPL, on a terminal or a serial port.

The REPL speaks the byte protocol of MicroPython 1.8.5's ``pyexec`` over a *console*: the
process's stdin/stdout (``TerminalConsole``: a terminal is put in raw mode, so control keys
arrive as bytes and the REPL echoes what is typed, as the device does) or one of the board's
UARTs (``PortConsole``; on the simulated board ``--pty`` bridges it to a host pseudo terminal
that serial tools such as ``screen``, pyserial or ``ampy`` open like a real WiPy's port).

What happens, as on the device:

* the board boots: ``boot.py`` then (in the friendly REPL) ``main.py`` run from the flash folder,
  sharing their globals with the REPL; when ``main.py`` ends or raises, the REPL starts;
* friendly REPL: banner ``MicroPython v1.8.5 on 2016-10-17; WiPy with CC3200`` and
  ``Type "help()" for more information.``, prompts ``>>> `` and ``... ``, auto-indent after a
  line ending in ``:``, results echoed with ``repr`` (and kept in ``_``), exceptions printed as
  MicroPython prints them. Keys: Ctrl-A raw REPL, Ctrl-B banner, Ctrl-C cancel the line (or
  interrupt running code with ``KeyboardInterrupt``), Ctrl-D soft reset, Ctrl-E paste mode
  (``paste mode; Ctrl-C to cancel, Ctrl-D to finish``, prompt ``=== ``; the text is run as a
  file);
* raw REPL (Ctrl-A): ``raw REPL; CTRL-B to exit``, then ``>``; code ends with Ctrl-D, the
  REPL answers ``OK``, runs it, sends its output, ``\\x04``, the exception text if it raised,
  ``\\x04`` and the next ``>``. Ctrl-D on an empty buffer is a soft reset; Ctrl-B goes back;
* soft reset (Ctrl-D, ``sys.exit()``): ``PYB: soft reboot``, every peripheral is
  deinitialised, ``machine.reset_cause()`` is ``SOFT_RESET``, boot.py (and main.py in the
  friendly REPL) run again; the REPL stays in the mode it was in. ``machine.reset()`` and the
  watchdog restart the same way with their own cause.

Output is "cooked" as on the device: ``\\n`` goes out as ``\\r\\n``. Differences from the device
(history, Tab completion, ``\\n`` taken as Enter for piped input) are in docs/differences.md.
The REPL ends at the end of its input (a closed pipe), on Ctrl-] from a terminal, or on SIGINT
(host Ctrl-C) while no code runs; every thread and descriptor it opened is released then.
"""

from __future__ import annotations

import builtins
import codeop
import contextlib
import ctypes
import errno
import io
import os
import re
import select
import signal
import socket
import sys
import termios
import threading
import time
import tty
import warnings
from typing import Any, Callable, TypeVar, Union

from . import board as _board
from .errors import device_error
from .hal import UARTPort
from .resets import DeepSleep, ResetRequest, SoftReset, Terminated, sigterm_ends_the_run
from .runner import (
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_TERMINATED,
    BoardArg,
    RunError,
    Runner,
    device_builtins,
)
from .runtime import Runtime
from .tracebacks import format_compile_error, format_exception

__all__ = [
    "PortConsole",
    "Repl",
    "SocketConsole",
    "TerminalConsole",
    "banner",
    "console_for",
    "repl",
]

STDIN_NAME = "<stdin>"
CTRL_A, CTRL_B, CTRL_C, CTRL_D, CTRL_E = 1, 2, 3, 4, 5
QUIT = 0x1D  # Ctrl-]: leave the REPL (terminal only; the device has no such key)
EOF = -1
_POLL_S = 0.05  # the longest any wait in the REPL lasts before it looks again
_JOIN_S = 2.0
_ABSORB_S = 0.5
_BACKSPACE = (0x08, 0x7F)
_BURST = 1 << 16
REPL_BAUDRATE = 115200
_COMPOUND = re.compile(r"(@|(class|def|for|if|try|while|with|async)\b)")

Key = int  # a control key (CTRL_*), or EOF
ReadResult = Union[str, Key]
_T = TypeVar("_T")


def banner() -> str:
    """The friendly REPL's banner, from what ``uos.uname()`` reports."""
    import uos

    info = uos.uname()
    return f'MicroPython {info.version}; {info.machine}\r\nType "help()" for more information.\r\n'


# --------------------------------------------------------------------------------- consoles


class _Console:
    """Bytes in (gathered by one reader thread) and out. Subclasses supply ``_wait_input``,
    ``_read_input``, ``_send`` and ``_release``."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._buffer = bytearray()
        self._eof = False
        self._closed = False
        self._wake_r, self._wake_w = os.pipe()
        #: Called (reader thread) when Ctrl-C arrives; true if it was taken as an interrupt.
        self.on_interrupt: Callable[[], bool] | None = None
        self.quit_key: int | None = None
        #: Called (reader thread) when the input ends.
        self.on_eof: Callable[[], None] | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(
            target=self._reader, name="micropython-compat REPL input", daemon=True
        )
        self._thread.start()

    # -- reader thread -----------------------------------------------------------------------
    def _input_fd(self) -> int:
        raise NotImplementedError

    def _read_input(self) -> bytes | None:
        """Bytes that are waiting (``b''`` none after all, ``None`` at end of input)."""
        raise NotImplementedError

    def _reader(self) -> None:
        while not self._closed:
            try:
                ready, _, _ = select.select([self._input_fd(), self._wake_r], [], [], _POLL_S)
            except (OSError, ValueError):
                ready, data = [], None
                self._finish()
                return
            if self._wake_r in ready:
                return
            if not ready:
                continue
            try:
                data = self._read_input()
            except (OSError, ValueError):
                data = None
            if data is None:
                self._finish()
                return
            self._deliver(data)

    def _finish(self) -> None:
        with self._cond:
            self._eof = True
            self._cond.notify_all()
        if self.on_eof is not None:
            self.on_eof()

    def _deliver(self, data: bytes) -> None:
        if CTRL_C in data and self.on_interrupt is not None:
            index = data.index(CTRL_C)
            if self.on_interrupt():
                data = data[:index] + data[index + 1 :]
        if self.quit_key is not None and self.quit_key in data and self.on_interrupt is not None:
            self.on_interrupt()  # stop running code; the key stays, to end the REPL after it
        if data:
            with self._cond:
                self._buffer += data
                self._cond.notify_all()

    # -- REPL side ---------------------------------------------------------------------------
    def read_byte(self) -> int:
        """The next input byte, waiting for it; ``EOF`` when the input has ended."""
        with self._cond:
            while not self._buffer:
                if self._eof or self._closed:
                    return EOF
                self._cond.wait(_POLL_S)
            byte = self._buffer[0]
            del self._buffer[0]
        if byte == self.quit_key:
            return EOF
        return byte

    def discard_input(self) -> None:
        """Drop what has arrived and not been read yet."""
        with self._cond:
            self._buffer.clear()

    def read_some(self, limit: int) -> bytes:
        """Between 1 and ``limit`` input bytes, waiting for the first; ``b''`` when the input
        has ended (or the quit key comes first)."""
        with self._cond:
            while not self._buffer:
                if self._eof or self._closed:
                    return b""
                self._cond.wait(_POLL_S)
            data = bytes(self._buffer[:limit])
            if self.quit_key is not None and self.quit_key in data:
                data = data[: data.index(self.quit_key)]
            del self._buffer[: len(data)]
        return data

    def write(self, data: bytes) -> None:
        """Send ``data`` as it is."""
        if data and not self._closed:
            self._send(data)

    def _send(self, data: bytes) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Stop the reader thread and release what the console opened. Idempotent."""
        with self._cond:
            if self._closed:
                return
            self._closed = True
            self._cond.notify_all()
        with contextlib.suppress(OSError):
            os.write(self._wake_w, b"x")
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(_JOIN_S)
        self._release()
        for fd in (self._wake_r, self._wake_w):
            with contextlib.suppress(OSError):
                os.close(fd)

    def _release(self) -> None:
        """Put back what the console changed (terminal modes, bridges)."""


class TerminalConsole(_Console):
    """The REPL on file descriptors (default: this process's stdin and stdout). A terminal
    is put in raw mode (and restored at ``close()``); Ctrl-] then ends the REPL."""

    def __init__(self, in_fd: int | None = None, out_fd: int | None = None) -> None:
        super().__init__()
        self._in = sys.stdin.fileno() if in_fd is None else in_fd
        self._out = sys.stdout.fileno() if out_fd is None else out_fd
        self._saved_mode: list[Any] | None = None
        self._saved_stderr: Any = None
        if os.isatty(self._in):
            self._saved_mode = termios.tcgetattr(self._in)
            tty.setraw(self._in)
            self.quit_key = QUIT
            if _same_terminal(self._in, sys.stderr):
                # a raw terminal doesn't turn \n into \r\n: host messages would staircase
                self._saved_stderr, sys.stderr = sys.stderr, _CookedText(sys.stderr)
        self.start()

    def _input_fd(self) -> int:
        return self._in

    def _read_input(self) -> bytes | None:
        try:
            data = os.read(self._in, 4096)
        except BlockingIOError:
            return b""
        return data or None

    def _send(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            try:
                written = os.write(self._out, view)
            except BlockingIOError:
                select.select([], [self._out], [], _POLL_S)
                continue
            except OSError:  # the reader went away: nothing more can be shown
                return
            view = view[written:]

    def _release(self) -> None:
        if self._saved_mode is not None:
            self._send(b"\r\n")  # the shell's prompt starts on a line of its own
            with contextlib.suppress(termios.error, OSError):
                termios.tcsetattr(self._in, termios.TCSADRAIN, self._saved_mode)
            self._saved_mode = None
        if self._saved_stderr is not None:
            if isinstance(sys.stderr, _CookedText):
                sys.stderr = self._saved_stderr
            self._saved_stderr = None


def _same_terminal(fd: int, stream: Any) -> bool:
    """Whether ``stream`` writes to the terminal ``fd`` is."""
    try:
        other = stream.fileno()
        return os.isatty(other) and os.fstat(other).st_rdev == os.fstat(fd).st_rdev
    except (AttributeError, OSError, ValueError):
        return False


class _CookedText:
    """A text stream whose ``\\n`` goes out as ``\\r\\n`` (for a terminal in raw mode)."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(text.replace("\r\n", "\n").replace("\n", "\r\n"))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class PortConsole(_Console):
    """The REPL on a board UART (``hal.UARTPort``), set to ``baudrate`` (default 115200, as
    the WiPy's REPL UART) 8N1. ``pty=True`` (simulated board) bridges the port to a host
    pseudo terminal: its path is ``pty_path``; ``link`` names a symbolic link to make to it
    (replacing an older link there; removed at ``close()``). Raises ``ValueError`` if the
    port can't be bridged or the link can't be made."""

    def __init__(
        self,
        port: UARTPort,
        *,
        pty: bool = False,
        baudrate: int = REPL_BAUDRATE,
        link: str | os.PathLike[str] | None = None,
    ) -> None:
        super().__init__()
        self.port = port
        self.pty_path: str | None = None
        self._link: str | None = None
        # A host pty hands over whole bursts at once, where a real line paces them at the baud
        # rate while the firmware drains them: a simulated port's RX ring must hold a burst.
        self._saved_ring = getattr(port, "rx_buffer_size", None)
        if isinstance(self._saved_ring, int):
            port.rx_buffer_size = max(self._saved_ring, _BURST)  # type: ignore[attr-defined]
        try:
            port.configure(baudrate, 8, None, 1)
            if pty:
                bridge = getattr(port, "bridge_pty", None)
                if bridge is None:
                    raise ValueError("--pty needs the simulated board's UART")
                self.pty_path = bridge()
                if link is not None:
                    self._link = _make_link(os.fspath(link), self.pty_path)
        except BaseException:
            super().close()
            raise
        self.start()

    def _input_fd(self) -> int:
        return self.port.fileno()

    def _read_input(self) -> bytes | None:
        count = self.port.waiting()
        return self.port.read(count, 0) if count else b""

    def _send(self, data: bytes) -> None:
        self.port.write(data)

    def _release(self) -> None:
        if isinstance(self._saved_ring, int):
            self.port.rx_buffer_size = self._saved_ring  # type: ignore[attr-defined]
        link, self._link = self._link, None
        if link is not None:
            with contextlib.suppress(OSError):
                if os.readlink(link) == self.pty_path:
                    os.unlink(link)


def _make_link(link: str, target: str) -> str:
    """Point the symbolic link ``link`` at ``target`` (an older link there is replaced);
    ``ValueError`` if something else is in the way or it can't be made."""
    if os.path.lexists(link) and not os.path.islink(link):
        raise ValueError(f"{link} exists and is not a symbolic link")
    temporary = f"{link}.{os.getpid()}.tmp"
    try:
        os.symlink(target, temporary)
        os.replace(temporary, link)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise ValueError(f"can't make the link {link}: {exc.strerror}") from None
    return link


class SocketConsole(_Console):
    """The REPL on a connected TCP socket (a telnet session). Telnet commands (``IAC ...``)
    are taken out of the input (``IAC IAC`` is a 255 byte); ``on_input`` is called (reader
    thread) whenever bytes arrive. ``close()`` closes the socket."""

    _IAC, _SB, _SE = 255, 250, 240

    def __init__(self, sock: socket.socket, on_input: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.sock = sock
        self.on_input = on_input
        self._command = 0  # bytes of a telnet command still to skip; -1: inside IAC SB
        self.start()

    def _input_fd(self) -> int:
        return self.sock.fileno()

    def _read_input(self) -> bytes | None:
        try:
            data = self.sock.recv(4096)
        except BlockingIOError:
            return b""
        if not data:
            return None
        if self.on_input is not None:
            self.on_input()
        return self._strip(data)

    def _strip(self, data: bytes) -> bytes:
        kept = bytearray()
        for byte in data:
            if self._command == -1:  # subnegotiation: skip up to IAC SE
                self._command = -2 if byte == self._IAC else -1
            elif self._command == -2:
                self._command = 0 if byte == self._SE else -1
            elif self._command == 1:  # IAC seen
                if byte == self._IAC:
                    kept.append(byte)
                    self._command = 0
                elif byte == self._SB:
                    self._command = -1
                else:
                    self._command = 3 if 251 <= byte <= 254 else 0
            elif self._command == 3:  # the option of WILL/WONT/DO/DONT
                self._command = 0
            elif byte == self._IAC:
                self._command = 1
            else:
                kept.append(byte)
        return bytes(kept)

    def _send(self, data: bytes) -> None:
        with contextlib.suppress(OSError):
            self.sock.sendall(data)

    def _release(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()


# -------------------------------------------------------------------------- stdin / stdout


class _ConsoleOut(io.TextIOBase):
    """``sys.stdout`` in the REPL: text (or bytes, as MicroPython's ``sys.stdout.write``
    takes) goes to the console with ``\\n`` sent as ``\\r\\n``."""

    def __init__(self, repl: Repl) -> None:
        super().__init__()
        self._repl = repl

    encoding = "utf-8"

    def writable(self) -> bool:
        return True

    def write(self, text: Any) -> int:
        data = bytes(text) if isinstance(text, (bytes, bytearray, memoryview)) else None
        if data is None:
            data = str(text).encode("utf-8", "replace")
        self._repl.emit(data.replace(b"\n", b"\r\n"), program=True)
        return len(text)


class _ConsoleIn(io.TextIOBase):
    """``sys.stdin`` in the REPL, as the firmware's ``<io.FileIO 0>``: ``read(n)`` and
    ``readinto(buf[, n])`` wait for exactly ``n`` bytes from the console (less only when the
    input ends), with ``\\r`` read as ``\\n`` as the firmware does; no echo. ``readline()``
    reads an echoed, editable line (so ``input()`` works; the firmware's ``readline`` does not
    echo), ``readlines()`` and iteration build on it, ``write()`` raises ``OSError(EPERM)``,
    ``close()`` and ``with`` do nothing."""

    def __init__(self, repl: Repl) -> None:
        super().__init__()
        self._repl = repl

    encoding = "utf-8"

    def __repr__(self) -> str:
        return "<io.FileIO 0>"

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        """Nothing to close (as on the device)."""

    def __exit__(self, *args: object) -> None:
        return None

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        result = self._repl.read_line("")
        if isinstance(result, str):
            return result + "\n"
        if result == CTRL_C:
            raise KeyboardInterrupt
        return ""

    def _take(self, count: int) -> bytes:
        data = bytearray()
        console = self._repl.console
        while len(data) < count:
            chunk = console.read_some(count - len(data))
            if not chunk:
                break
            data += chunk
        return bytes(data).replace(b"\r", b"\n")

    def read(self, size: int | None = -1) -> str:
        if size is None or size < 0:
            return self.readline()
        return self._take(size).decode("latin-1")

    def readinto(self, buffer: Any, size: int | None = None) -> int:
        """Fill ``buffer`` (or its first ``size`` bytes) from the console; the byte count."""
        view = memoryview(buffer).cast("B")
        count = len(view) if size is None else max(0, min(int(size), len(view)))
        data = self._take(count)
        view[: len(data)] = data
        return len(data)

    def readall(self) -> str:
        return self.read()

    def write(self, text: Any) -> int:
        raise device_error(errno.EPERM)


def _device_help(*args: Any) -> None:
    """``help()``: what the device prints, briefly; ``help(obj)``: the object's members."""
    if not args:
        print(
            "Welcome to MicroPython on the WiPy (micropython-compat)!\n\n"
            "Control keys: CTRL-A raw REPL, CTRL-B friendly REPL, CTRL-C interrupt,\n"
            "CTRL-D soft reset, CTRL-E paste mode.\n\n"
            "For the modules, try help(machine) after import machine."
        )
        return
    obj = args[0]
    print(f"object {obj!r} is of type {type(obj).__name__}")
    for name in dir(obj):
        if not name.startswith("_"):
            print(f"  {name} -- {getattr(obj, name, None)!r}")


# ---------------------------------------------------------------------------------- the REPL

FRIENDLY = "friendly"
RAW = "raw"


class Repl:
    """One REPL session on ``console`` (made by ``make_console(runtime)`` once the board is
    up), around a ``Runner`` for the boot sequence, resets and the program's environment.

    ``serve()`` runs it and returns the exit status: 0 at the end of input, 130 on SIGINT
    with no code running, 1 after ``max_resets`` resets in a row without any input.
    """

    def __init__(
        self,
        make_console: Callable[[Runtime], _Console],
        *,
        board: BoardArg = None,
        flash: str | os.PathLike[str] | None = None,
        sd: str | os.PathLike[str] | None = None,
        virtual_clock: bool = False,
        max_resets: int = 100,
        notes: Any = None,
    ) -> None:
        self._make_console = make_console
        self.runner = Runner(
            board=board,
            flash=flash,
            sd=sd,
            virtual_clock=virtual_clock,
            max_resets=max_resets,
            notes=notes,
        )
        self.runner.add_device_name(STDIN_NAME)
        self.mode = FRIENDLY
        self._console: _Console | None = None
        self._exec_lock = threading.Lock()
        self._executing = False
        self._exec_thread: int | None = None
        self._interrupt_sent = False
        self._after_cr = False
        self._resets_in_a_row = 0

    def stdout(self) -> io.TextIOBase:
        """A ``sys.stdout`` for code this REPL runs: text goes to its console, cooked."""
        return _ConsoleOut(self)

    def stdin(self) -> io.TextIOBase:
        """A ``sys.stdin`` for code this REPL runs: the firmware's ``<io.FileIO 0>`` on its
        console (see ``_ConsoleIn``)."""
        return _ConsoleIn(self)

    @property
    def console(self) -> _Console:
        if self._console is None:
            raise RuntimeError("the REPL is not running")
        return self._console

    # -- output ------------------------------------------------------------------------------
    def emit(self, data: bytes, *, program: bool = False) -> None:
        """Send ``data`` to the console (and to a ``uos.dupterm`` stream on another port: the
        program's own output reaches that stream through ``uos``)."""
        console = self.console
        stream = _dupterm_stream()
        same_port = stream is not None and getattr(stream, "_port", None) is getattr(
            console, "port", False
        )
        if not (program and same_port):
            console.write(data)
        if stream is not None and not program and not same_port:
            with contextlib.suppress(Exception):
                stream.write(data)

    def _out(self, text: str) -> None:
        self.emit(text.encode("utf-8", "replace"))

    # -- input -------------------------------------------------------------------------------
    def _read_byte(self) -> int:
        byte = self.console.read_byte()
        if byte == EOF:
            return byte
        self._resets_in_a_row = 0
        return byte

    def read_line(self, prompt: str, indent: str = "") -> ReadResult:
        """Show ``prompt`` (and ``indent``, pre-typed), read one edited line with echo.

        Returns the line (without its end), or a control key: ``CTRL_A``..``CTRL_E`` typed
        on an empty line (Ctrl-D also when only the indent is there), ``CTRL_C`` anywhere,
        ``EOF`` at the end of input.
        """
        self._out(prompt + indent)
        line = indent
        escape = 0
        while True:
            byte = self._read_byte()
            if byte == EOF:
                return EOF
            after_cr, self._after_cr = self._after_cr, byte == 0x0D
            if escape == 1:  # an escape sequence (arrow keys: ESC [ A) is swallowed
                escape = 2 if byte in (0x5B, 0x4F) else 0
                continue
            if escape == 2:
                escape = 0 if 0x40 <= byte <= 0x7E else 2
                continue
            if byte == 0x1B:
                escape = 1
            elif byte in (0x0D, 0x0A):
                if byte == 0x0A and after_cr:
                    continue  # the \n of a \r\n
                self._out("\r\n")
                return line
            elif byte == CTRL_C:
                return CTRL_C
            elif CTRL_A <= byte <= CTRL_E and (
                not line or (byte == CTRL_D and not line.strip(" "))
            ):
                return byte
            elif byte in _BACKSPACE:
                if line:
                    count = 4 if len(line) >= 4 and not line.strip(" ") else 1
                    line = line[:-count]
                    self._out("\b" * count + " " * count + "\b" * count)
            elif byte >= 0x20:
                char = chr(byte)
                line += char
                self._out(char)

    # -- running code ------------------------------------------------------------------------
    def _take_interrupt(self) -> bool:
        """Reader thread: Ctrl-C arrived. While code runs it raises ``KeyboardInterrupt`` in
        the thread running it (true); otherwise it stays input (false)."""
        return self.interrupt()

    def interrupt(self) -> bool:
        """Raise ``KeyboardInterrupt`` in the code this REPL is running (any thread); false
        when no code runs. In the main thread it comes as a real SIGINT, which also cuts a
        blocking sleep short; in another thread (a telnet session) as an asynchronous
        exception, taken at the code's next Python instruction."""
        with self._exec_lock:
            if not self._executing:
                return False
            self._interrupt_sent = True
            main = threading.main_thread().ident
            if main is not None and self._exec_thread == main:
                signal.pthread_kill(main, signal.SIGINT)
            else:
                _set_async_exception(self._exec_thread, KeyboardInterrupt)
            return True

    def _execute(self, source: str, mode: str, namespace: dict[str, Any]) -> ResetRequest | None:
        """Compile and run ``source`` (``'single'``: echo results; ``'exec'``: as a file);
        print what it raises. Returns the reset it asked for (``sys.exit()`` is a soft
        reset), else ``None``."""
        source = source.replace("\r\n", "\n").replace("\r", "\n")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                code = self.runner.compile(source, STDIN_NAME, mode)
        except (SyntaxError, ValueError, OverflowError) as exc:
            self._report(_syntax_error_text(exc))
            return None
        error: BaseException | None = None
        request: ResetRequest | None = None
        saved_hook = sys.displayhook
        sys.displayhook = _displayhook
        try:
            self._interruptible(exec, code, namespace)
        except SystemExit:
            request = SoftReset()
        except ResetRequest as exc:
            request = exc
        except KeyboardInterrupt as exc:
            error = exc
        except Exception as exc:
            error = exc
        finally:
            sys.displayhook = saved_hook
        self._report(None if error is None else format_exception(self.runner._own_frames(error)))
        return request

    def _report(self, error_text: str | None) -> None:
        """End a run: the exception's text if any; in the raw REPL framed by ``\\x04``s."""
        if self.mode == RAW:
            self._out("\x04")
        if error_text:
            self._out(error_text.replace("\r\n", "\n").replace("\n", "\r\n"))
        if self.mode == RAW:
            self._out("\x04")

    # -- the two REPLs -----------------------------------------------------------------------
    def _friendly(self, namespace: dict[str, Any]) -> ResetRequest | str | None:
        """Run the friendly REPL: returns a reset, ``RAW`` (Ctrl-A) or ``None`` (EOF)."""
        self._out(banner())
        while True:
            result = self.read_line(">>> ")
            if result == EOF:
                return None
            if result == CTRL_A:
                self._out("\r\n")
                return RAW
            if result == CTRL_B:
                self._out("\r\n" + banner())
                continue
            if result in (CTRL_C,):
                self._out("\r\n")
                continue
            if result == CTRL_D:
                self._out("\r\n")
                return SoftReset()
            if result == CTRL_E:
                source = self._paste()
                if source is None:
                    continue
                if source == EOF:
                    return None
                mode = "exec"
            else:
                assert isinstance(result, str)
                if not result:
                    continue
                more = self._continue(result)
                if more is None:
                    continue
                if more == EOF:
                    return None
                source, mode = more, "single"
            assert isinstance(source, str)
            request = self._execute(source, mode, namespace)
            if request is not None:
                return request

    def _continue(self, source: str) -> str | int | None:
        """Read ``... `` lines while ``source`` is incomplete; ``None`` if Ctrl-C cancelled,
        ``EOF`` at the end of input."""
        while _needs_more(source):
            source += "\n"
            line = self.read_line("... ", _auto_indent(source))
            if line == EOF:
                return EOF
            if line == CTRL_C:
                self._out("\r\n")
                return None
            if line == CTRL_D:
                break
            if isinstance(line, str):
                source += line
        return source

    def _paste(self) -> str | int | None:
        """Paste mode: text up to Ctrl-D (``None`` after Ctrl-C, ``EOF`` at end of input)."""
        self._out("\r\npaste mode; Ctrl-C to cancel, Ctrl-D to finish\r\n=== ")
        text = bytearray()
        after_cr = False
        while True:
            byte = self._read_byte()
            if byte == EOF:
                return EOF
            if byte == CTRL_C:
                self._out("\r\n")
                return None
            if byte == CTRL_D:
                self._out("\r\n")
                return text.decode("utf-8", "replace")
            text.append(byte)
            if byte == 0x0D or (byte == 0x0A and not after_cr):
                self._out("\r\n=== ")
            elif byte != 0x0A:
                self.emit(bytes([byte]))
            after_cr = byte == 0x0D

    def _raw(self, namespace: dict[str, Any]) -> ResetRequest | str | None:
        """Run the raw REPL: returns a reset, ``FRIENDLY`` (Ctrl-B) or ``None`` (EOF)."""
        self._out("raw REPL; CTRL-B to exit\r\n")
        while True:
            self._out(">")
            buffer = bytearray()
            while True:
                byte = self._read_byte()
                if byte == EOF:
                    return None
                if byte == CTRL_A:
                    self._out("raw REPL; CTRL-B to exit\r\n>")
                    buffer.clear()
                elif byte == CTRL_B:
                    self._out("\r\n")
                    return FRIENDLY
                elif byte == CTRL_C:
                    buffer.clear()
                elif byte == CTRL_D:
                    break
                else:
                    buffer.append(byte)
            self._out("OK")
            if not buffer:
                self._out("\r\n")
                return SoftReset()
            request = self._execute(buffer.decode("utf-8", "replace"), "exec", namespace)
            if request is not None:
                return request

    # -- the session -------------------------------------------------------------------------
    def serve(self) -> int:
        """Boot, run the REPL until its input ends; return the exit status.

        Raises ``RunError``, ``BoardUnavailable`` or ``BoardDescriptionError`` when the board
        (or the console) can't start.
        """
        with sigterm_ends_the_run():
            return self._serve()

    def _serve(self) -> int:
        runner = self.runner
        saved = (sys.stdout, sys.stdin, builtins.help)
        try:
            runtime = runner._start()
            with contextlib.suppress(Exception):
                sys.stdout.flush()
            self._console = self._make_console(runtime)
            self._console.on_interrupt = self._take_interrupt
            sys.stdout = self.stdout()
            sys.stdin = self.stdin()
            setattr(builtins, "help", _device_help)  # noqa: B010 - mypy types help as _Helper
            with runner._environment(runtime):
                return self._session(runtime)
        except KeyboardInterrupt:
            return EXIT_INTERRUPTED
        except Terminated:  # SIGTERM: unwind, so the board's temporary folders go
            return EXIT_TERMINATED
        finally:
            sys.stdout, sys.stdin, builtins.help = saved
            if self._console is not None:
                self._console.close()
            _board.release_board()

    def _session(self, runtime: Runtime) -> int:
        while True:
            namespace = self.runner.device_namespace()
            outcome: Any = self._boot(namespace)
            while not isinstance(outcome, ResetRequest):
                try:
                    outcome = self._repl_once(namespace)
                except ResetRequest as request:  # from another thread (watchdog, irq)
                    outcome = request
                except KeyboardInterrupt:
                    if self._consume_late_interrupt():
                        continue
                    raise
                if outcome is None:
                    return EXIT_OK
            if isinstance(outcome, DeepSleep) and not self._interruptible(self._sleep, runtime):
                return EXIT_OK
            self._resets_in_a_row += 1
            if self._resets_in_a_row > self.runner.max_resets:
                self.runner._note(f"stopped after {self.runner.max_resets} resets in a row")
                return EXIT_ERROR
            runtime = self.runner._restart(runtime, outcome)
            if not isinstance(outcome, SoftReset):
                # The board really restarted: it boots as from power-on, into the friendly
                # REPL (main.py, banner), whichever mode the REPL was in before.
                self.mode = FRIENDLY
                self.console.discard_input()

    def _boot(self, namespace: dict[str, Any]) -> ResetRequest | None:
        """Boot (boot.py, and main.py in the friendly REPL). The console's Ctrl-C interrupts
        it as it interrupts code typed at the prompt: the ``KeyboardInterrupt`` is printed and
        the REPL starts, as on the device."""
        try:
            outcome: ResetRequest | None = self._interruptible(
                runner_boot, self.runner, namespace, self.mode == FRIENDLY
            )
        except KeyboardInterrupt as exc:
            self._out(format_exception(self.runner._own_frames(exc)).replace("\n", "\r\n"))
            return None
        return outcome

    def _interruptible(self, call: Callable[..., _T], *args: Any) -> _T:
        """``call(*args)`` with the console's Ctrl-C raising ``KeyboardInterrupt`` in it
        (see ``interrupt``). A Ctrl-C that comes as the call ends is dropped."""
        with self._exec_lock:
            self._executing, self._interrupt_sent = True, False
            self._exec_thread = threading.get_ident()
        late = False
        try:
            try:
                result = call(*args)
            finally:
                with self._exec_lock:
                    self._executing = False
                    late, self._interrupt_sent = self._interrupt_sent, False
                    if late and self._exec_thread != threading.main_thread().ident:
                        _set_async_exception(self._exec_thread, None)  # not taken: cancel it
                        late = False
        except KeyboardInterrupt:
            # it may land in the finally above, before the flags were put back
            with self._exec_lock:
                self._executing = self._interrupt_sent = False
            raise
        if late:  # the call ended before the SIGINT was taken: take it here
            _absorb_interrupt()
        return result

    def session_on(self, console: _Console, namespace: dict[str, Any]) -> ResetRequest | None:
        """Run the REPL on ``console`` in this thread, on the board already running (a telnet
        session), until its input ends (``None``) or the code asks for a reset (returned, for
        the caller to pass on). Ctrl-C there cancels the line or interrupts running code."""
        self._console = console
        if "__builtins__" not in namespace:  # the program's builtins, when a run is on
            namespace["__builtins__"] = device_builtins() or builtins
        console.on_interrupt = self._take_interrupt
        return self._repl_once(namespace)

    def _repl_once(self, namespace: dict[str, Any]) -> ResetRequest | None:
        """Run the REPL in its current mode until it resets (returned) or input ends."""
        while True:
            result = self._raw(namespace) if self.mode == RAW else self._friendly(namespace)
            if result is None or isinstance(result, ResetRequest):
                return result
            self.mode = result

    def _consume_late_interrupt(self) -> bool:
        """Whether a ``KeyboardInterrupt`` outside running code came from a Ctrl-C byte."""
        with self._exec_lock:
            late, self._interrupt_sent = self._interrupt_sent, False
        return late

    def _sleep(self, runtime: Runtime) -> bool:
        """Deep sleep from the REPL: wait for a wake source; false if none can wake it."""
        if self.runner._sleep_until_woken(runtime):
            return True
        self.runner._note("deep sleep with no wake source left: the board sleeps on")
        return False


def runner_boot(runner: Runner, namespace: dict[str, Any], run_main: bool) -> Any:
    """Boot (boot.py, and main.py when ``run_main``); a reset request, else ``None``."""
    outcome = runner._boot(namespace, run_main=run_main)
    return outcome if isinstance(outcome, ResetRequest) else None


# ---------------------------------------------------------------------------------- helpers


def _dupterm_stream() -> Any:
    uos = sys.modules.get("uos")
    return None if uos is None else uos.dupterm()


def _displayhook(value: Any) -> None:
    """What the REPL prints for an expression statement: its ``repr``; kept in ``_``."""
    if value is None:
        return
    targets = [builtins, device_builtins() or builtins]
    for target in targets:
        target._ = None  # type: ignore[attr-defined]
    sys.stdout.write(repr(value) + "\n")
    for target in targets:
        target._ = value  # type: ignore[attr-defined]


def _set_async_exception(thread_id: int | None, exc_type: type[BaseException] | None) -> None:
    """Raise ``exc_type`` in thread ``thread_id`` at its next Python instruction (``None``:
    cancel one not yet taken)."""
    if thread_id is None:
        return
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exc_type) if exc_type else None
    )


def _absorb_interrupt() -> None:
    """A Ctrl-C sent as the code ended: take its ``KeyboardInterrupt`` here (bounded)."""
    deadline = time.monotonic() + _ABSORB_S
    with contextlib.suppress(KeyboardInterrupt):
        while time.monotonic() < deadline:
            time.sleep(0.005)


def _needs_more(source: str) -> bool:
    """Whether the friendly REPL reads another ``... `` line: an unfinished bracket, string
    or backslash line (as ``codeop`` finds), or a compound statement whose last line isn't
    empty (as MicroPython decides)."""
    if not source.strip():
        return False
    if _COMPOUND.match(source) and not source.endswith("\n"):
        return True
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return codeop.compile_command(source, STDIN_NAME, "single") is None
    except (SyntaxError, ValueError, OverflowError):
        return False


def _auto_indent(source: str) -> str:
    """The indent MicroPython types for the next line of ``source`` (which ends in ``\\n``):
    the previous line's, one level more after a ``:``; none after two blank lines."""
    lines = source[:-1].split("\n")
    previous = lines[-1]
    if len(lines) > 1 and not previous.strip(" ") and not lines[-2].strip(" "):
        return ""
    level = (len(previous) - len(previous.lstrip(" "))) // 4
    if previous.endswith(":"):
        level += 1
    return "    " * level


def _syntax_error_text(exc: BaseException) -> str:
    """How MicroPython reports a compile error of REPL input (``\\r\\n`` line ends)."""
    return format_compile_error(exc, STDIN_NAME).replace("\n", "\r\n")


def console_for(
    uart: int | None = None,
    *,
    pty: bool = False,
    baudrate: int = REPL_BAUDRATE,
    link: str | os.PathLike[str] | None = None,
) -> Callable[[Runtime], _Console]:
    """What makes the REPL's console: stdin/stdout (``uart`` ``None`` and no ``pty``), or
    board UART ``uart`` (default 0) at ``baudrate``, bridged to a host pty with ``pty`` (its
    path is printed on stderr: ``micropython-compat: REPL on UART0: /dev/pts/N``; ``link``:
    a symbolic link to it is made there, and the line says so)."""
    if uart is None and not pty:
        return lambda runtime: TerminalConsole()
    port_id = 0 if uart is None else uart

    def make(runtime: Runtime) -> _Console:
        if port_id not in runtime.board.description.bus_ids("uart"):
            raise RunError(f"the board has no UART {port_id}")
        try:
            console = PortConsole(
                runtime.board.uart(port_id), pty=pty, baudrate=baudrate, link=link
            )
        except ValueError as exc:
            raise RunError(str(exc)) from None
        if console.pty_path is not None:
            where = console.pty_path if link is None else f"{console.pty_path} (link: {link})"
            print(f"micropython-compat: REPL on UART{port_id}: {where}", file=sys.stderr)
            sys.stderr.flush()
        return console

    return make


def repl(
    *,
    uart: int | None = None,
    pty: bool = False,
    baudrate: int = REPL_BAUDRATE,
    pty_link: str | os.PathLike[str] | None = None,
    board: BoardArg = None,
    flash: str | os.PathLike[str] | None = None,
    sd: str | os.PathLike[str] | None = None,
    virtual_clock: bool = False,
    max_resets: int = 100,
) -> int:
    """Serve the REPL (see the module docstring) and return its exit status.

    ``baudrate`` is the UART's line rate (``uart``/``pty`` only); ``pty_link`` makes a
    symbolic link to the pty (``pty`` only). Raises ``RunError``, ``BoardUnavailable``,
    ``BoardDescriptionError`` when the board can't start or the console can't be made
    (``RunError``: no such UART, ``pty`` on a board without a simulated UART, a link that
    can't be made).
    """
    return Repl(
        console_for(uart, pty=pty, baudrate=baudrate, link=pty_link),
        board=board,
        flash=flash,
        sd=sd,
        virtual_clock=virtual_clock,
        max_resets=max_resets,
    ).serve()
