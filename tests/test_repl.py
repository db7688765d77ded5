"""The REPL (``micropython-compat repl``): driven through pipes, a real pty and ``ampy``."""

from __future__ import annotations

import os
import re
import select
import shutil
import signal
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from micropython_compat import repl as repl_module
from micropython_compat.cli import main as cli_main
from micropython_compat.repl import Repl, TerminalConsole, console_for

BANNER = (
    b'MicroPython v1.8.5 on 2016-10-17; WiPy with CC3200\r\nType "help()" for more information.\r\n'
)
RAW_BANNER = b"raw REPL; CTRL-B to exit\r\n>"
TIMEOUT = 20.0
AMPY = Path(sys.executable).with_name("ampy")


class Device:
    """The far end of a REPL: write bytes, read until an expected ending (bounded)."""

    def __init__(self, read_fd: int, write_fd: int) -> None:
        self.read_fd, self.write_fd = read_fd, write_fd
        self.seen = b""

    def send(self, data: bytes) -> None:
        os.write(self.write_fd, data)

    def expect(self, ending: bytes, timeout: float = TIMEOUT) -> bytes:
        """Everything up to and including ``ending`` (fails after ``timeout``)."""
        deadline = time.monotonic() + timeout
        while ending not in self.seen:
            left = deadline - time.monotonic()
            assert left > 0, f"timed out waiting for {ending!r}; got {self.seen!r}"
            ready, _, _ = select.select([self.read_fd], [], [], min(left, 0.2))
            if ready:
                chunk = os.read(self.read_fd, 4096)
                assert chunk, f"REPL output ended before {ending!r}; got {self.seen!r}"
                self.seen += chunk
        end = self.seen.index(ending) + len(ending)
        taken, self.seen = self.seen[:end], self.seen[end:]
        return taken

    def talk(self, data: bytes, ending: bytes) -> bytes:
        self.send(data)
        return self.expect(ending)


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "micropython_compat", "repl", *args]


def _end(proc: subprocess.Popen[bytes]) -> None:
    """End a REPL as a service manager would: SIGTERM, which it must obey at once (releasing
    the board, so its temporary folders go); killed, and the test failed, if it doesn't."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(TIMEOUT)
        raise AssertionError("the REPL ignored SIGTERM") from None


@pytest.fixture
def piped() -> Iterator[tuple[subprocess.Popen[bytes], Device]]:
    procs: list[subprocess.Popen[bytes]] = []

    def start(*args: str) -> tuple[subprocess.Popen[bytes], Device]:
        proc = subprocess.Popen(
            _command(*args), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        procs.append(proc)
        assert proc.stdin is not None and proc.stdout is not None
        return proc, Device(proc.stdout.fileno(), proc.stdin.fileno())

    yield start  # type: ignore[misc]
    for proc in procs:
        _end(proc)
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def _flash(tmp_path: Path, boot: str = "", main: str = "") -> Path:
    flash = tmp_path / "flash"
    flash.mkdir()
    (flash / "boot.py").write_text(boot)
    (flash / "main.py").write_text(main)
    return flash


# ------------------------------------------------------------------------- friendly REPL


def test_banner_prompt_echo_and_results(piped) -> None:
    _, dev = piped("--virtual-clock")
    assert dev.expect(b">>> ") == BANNER + b">>> "
    assert dev.talk(b"1+1\r", b">>> ") == b"1+1\r\n2\r\n>>> "
    assert dev.talk(b"x = 'a'\r", b">>> ") == b"x = 'a'\r\n>>> "
    assert dev.talk(b"x\r", b">>> ") == b"x\r\n'a'\r\n>>> "
    assert dev.talk(b"None\r", b">>> ") == b"None\r\n>>> "
    # the last result is kept in _, as the spec shows
    assert dev.talk(b"6*7\r", b">>> ").endswith(b"42\r\n>>> ")
    assert dev.talk(b"_ + 1\r", b">>> ") == b"_ + 1\r\n43\r\n>>> "
    # \n (piped input) is Enter too, and \r\n counts once
    assert dev.talk(b"print('hi')\r\n", b">>> ") == b"print('hi')\r\nhi\r\n>>> "
    # an empty line gives a new prompt; Ctrl-C cancels a line being typed
    assert dev.talk(b"\r", b">>> ") == b"\r\n>>> "
    assert dev.talk(b"abc\x03", b">>> ") == b"abc\r\n>>> "
    # backspace
    assert dev.talk(b"12\x7f3\r", b">>> ").endswith(b"13\r\n>>> ")


def test_exceptions_and_syntax_errors_print_like_micropython(piped) -> None:
    _, dev = piped("--virtual-clock")
    dev.expect(b">>> ")
    assert dev.talk(b"undefined_name\r", b">>> ") == (
        b"undefined_name\r\n"
        b"Traceback (most recent call last):\r\n"
        b'  File "<stdin>", line 1, in <module>\r\n'
        b"NameError: name 'undefined_name' is not defined\r\n>>> "
    )
    assert dev.talk(b"1 +* 2\r", b">>> ") == (
        b"1 +* 2\r\n"
        b"Traceback (most recent call last):\r\n"
        b'  File "<stdin>", line 1\r\n'
        b"SyntaxError: invalid syntax\r\n>>> "
    )


def test_multiline_block_with_auto_indent(piped) -> None:
    _, dev = piped("--virtual-clock")
    dev.expect(b">>> ")
    # after a line ending in ':' the next line is pre-indented (and echoed so)
    assert dev.talk(b"for i in range(3):\r", b"...     ") == b"for i in range(3):\r\n...     "
    assert dev.talk(b"if i > 0:\r", b"...         ") == b"if i > 0:\r\n...         "
    assert dev.talk(b"print(i)\r", b"...         ") == b"print(i)\r\n...         "
    # backspace over the indent removes one level; an empty line ends the block
    dev.send(b"\x7f\x7f\r")
    out = dev.expect(b">>> ")
    assert out.endswith(b"\r\n1\r\n2\r\n>>> ")
    # "RETURN twice, then a third press" on auto-indented blank lines also ends it
    dev.send(b"def f():\rreturn 5\r\r\r\r")
    out = dev.expect(b">>> ")
    assert out.count(b"... ") == 4
    assert dev.talk(b"f()\r", b">>> ") == b"f()\r\n5\r\n>>> "
    # an open bracket continues without indent
    assert dev.talk(b"(1 +\r", b"... ") == b"(1 +\r\n... "
    assert dev.talk(b"2)\r", b">>> ") == b"2)\r\n3\r\n>>> "
    # Ctrl-C in a continuation cancels the whole statement
    assert dev.talk(b"while True:\r\x03", b">>> ") == b"while True:\r\n...     \r\n>>> "


def test_paste_mode(piped) -> None:
    _, dev = piped("--virtual-clock")
    dev.expect(b">>> ")
    assert dev.talk(b"\x05", b"=== ") == (
        b"\r\npaste mode; Ctrl-C to cancel, Ctrl-D to finish\r\n=== "
    )
    dev.send(b"def foo():\r    print('paste')\r\r    print('second')\rfoo()\r")
    dev.expect(b"foo()\r\n=== ")
    # blank lines are kept, nothing is auto-indented, the text runs as a file
    assert dev.talk(b"\x04", b">>> ") == b"\r\npaste\r\nsecond\r\n>>> "
    # Ctrl-C cancels paste mode
    dev.talk(b"\x05", b"=== ")
    assert dev.talk(b"print('no')\x03", b">>> ") == b"print('no')\r\n>>> "


def test_ctrl_c_interrupts_running_code(piped) -> None:
    _, dev = piped()  # real clock: the loop really runs
    dev.expect(b">>> ")
    # the loop says when it runs, so the Ctrl-C can't come before it has started
    dev.talk(b"\x05", b"=== ")
    dev.talk(b"def spin():\r    print('started')\r    while True:\r        pass\r", b"=== ")
    dev.talk(b"\x04", b">>> ")
    dev.send(b"spin()\r")
    dev.expect(b"started\r\n")
    # the interrupt lands inside spin: on the `while` or `pass` line, or still on the print
    # line if it comes while print() returns after writing
    assert re.fullmatch(
        rb'Traceback \(most recent call last\):\r\n  File "<stdin>", line 1, in <module>\r\n'
        rb'  File "<stdin>", line [234], in spin\r\nKeyboardInterrupt\r\n>>> ',
        dev.talk(b"\x03", b">>> "),
    )
    # a blocking sleep is cut short too
    dev.talk(b"import time\r", b">>> ")
    dev.send(b"print('sleeping'); time.sleep(1000)\r")
    dev.expect(b"sleeping\r\n")
    assert dev.talk(b"\x03", b">>> ").endswith(b"KeyboardInterrupt\r\n>>> ")
    assert dev.talk(b"print('alive')\r", b">>> ").endswith(b"alive\r\n>>> ")


def test_input_reads_an_echoed_line(piped) -> None:
    _, dev = piped("--virtual-clock")
    dev.expect(b">>> ")
    dev.talk(b"input('name? ')\r", b"\r\nname? ")
    assert dev.talk(b"wipy\r", b">>> ") == b"wipy\r\n'wipy'\r\n>>> "


def test_stdin_is_the_firmwares_fileio(piped) -> None:
    _, dev = piped("--virtual-clock")
    dev.expect(b">>> ")
    dev.talk(b"import sys\r", b">>> ")
    assert dev.talk(b"sys.stdin\r", b">>> ") == b"sys.stdin\r\n<io.FileIO 0>\r\n>>> "
    assert dev.talk(b"hasattr(sys.stdin, 'buffer')\r", b">>> ").endswith(b"False\r\n>>> ")
    dev.talk(b"b = bytearray(6)\r", b">>> ")
    # readinto(buf, n) waits for exactly n bytes, unechoed, CR read as LF (as the firmware)
    dev.talk(b"sys.stdin.readinto(b, 5)\r", b"readinto(b, 5)\r\n")
    assert dev.talk(b"ab\rcd", b">>> ") == b"5\r\n>>> "
    assert dev.talk(b"b\r", b">>> ") == b"b\r\nbytearray(b'ab\\ncd\\x00')\r\n>>> "
    dev.talk(b"sys.stdin.read(3)\r", b"read(3)\r\n")
    assert dev.talk(b"xyz", b">>> ") == b"'xyz'\r\n>>> "
    out = dev.talk(b"sys.stdin.write('no')\r", b">>> ")
    assert out.endswith(b"OSError: [Errno 1] EPERM\r\n>>> ")


# -------------------------------------------------------------------------------- raw REPL


def test_raw_repl_protocol_byte_for_byte(piped) -> None:
    _, dev = piped("--virtual-clock")
    dev.expect(b">>> ")
    assert dev.talk(b"\x01", RAW_BANNER) == b"\r\n" + RAW_BANNER
    # OK, stdout, \x04, (no error) \x04, then the next prompt; nothing is echoed
    assert dev.talk(b"print(1)\nprint('two')\x04", b">") == b"OK1\r\ntwo\r\n\x04\x04>"
    # an exception: its text between the two \x04s
    assert dev.talk(b"print('a')\nraise ValueError(3)\x04", b"\x04>") == (
        b"OKa\r\n\x04Traceback (most recent call last):\r\n"
        b'  File "<stdin>", line 2, in <module>\r\n'
        b"ValueError: 3\r\n\x04>"
    )
    assert dev.talk(b"def (\x04", b"\x04>") == (
        b"OK\x04Traceback (most recent call last):\r\n"
        b'  File "<stdin>", line 1\r\nSyntaxError: invalid syntax\r\n\x04>'
    )
    # globals persist between runs; expressions are not echoed (file mode)
    assert dev.talk(b"y = 5\x04", b">") == b"OK\x04\x04>"
    assert dev.talk(b"y\x04", b">") == b"OK\x04\x04>"
    assert dev.talk(b"print(y)\x04", b">") == b"OK5\r\n\x04\x04>"
    # Ctrl-C clears the buffer; Ctrl-A starts the raw REPL again
    assert dev.talk(b"print('lost')\x03print(7)\x04", b">") == b"OK7\r\n\x04\x04>"
    assert dev.talk(b"junk\x01", RAW_BANNER) == RAW_BANNER
    # Ctrl-B: back to the friendly REPL and its banner
    assert dev.talk(b"\x02", b">>> ") == b"\r\n" + BANNER + b">>> "


def test_raw_repl_soft_reset_skips_main(piped, tmp_path: Path) -> None:
    flash = _flash(tmp_path, boot="print('boot ran')\n", main="print('main ran')\n")
    _, dev = piped("--virtual-clock", "--flash", str(flash))
    assert dev.expect(b">>> ") == b"boot ran\r\nmain ran\r\n" + BANNER + b">>> "
    dev.talk(b"\x01", RAW_BANNER)
    dev.talk(b"z = 1\x04", b">")
    # Ctrl-D on an empty buffer: OK, soft reboot, boot.py only, raw REPL again
    assert dev.talk(b"\x04", RAW_BANNER) == (b"OK\r\nPYB: soft reboot\r\nboot ran\r\n" + RAW_BANNER)
    assert dev.talk(b"import machine\nprint(machine.reset_cause() == machine.SOFT_RESET)\x04", b">")
    assert dev.talk(b"print('z' in globals())\x04", b">") == b"OKFalse\r\n\x04\x04>"


# ------------------------------------------------------------------------------ soft reset


def test_ctrl_d_soft_reset_reruns_boot_and_main(piped, tmp_path: Path) -> None:
    flash = _flash(
        tmp_path,
        boot="print('boot ran')\n",
        main="import machine\nprint('main ran', machine.reset_cause())\ncounter = 1\n",
    )
    _, dev = piped("--virtual-clock", "--flash", str(flash))
    assert dev.expect(b">>> ") == b"boot ran\r\nmain ran 0\r\n" + BANNER + b">>> "
    # the REPL shares main.py's globals
    assert dev.talk(b"counter\r", b">>> ") == b"counter\r\n1\r\n>>> "
    dev.talk(b"counter = 2\r", b">>> ")
    assert dev.talk(b"\x04", b">>> ") == (
        b"\r\nPYB: soft reboot\r\nboot ran\r\nmain ran 4\r\n" + BANNER + b">>> "
    )
    assert dev.talk(b"counter\r", b">>> ") == b"counter\r\n1\r\n>>> "
    # sys.exit() at the prompt is a soft reset too, as on the device
    dev.talk(b"import sys\r", b">>> ")
    out = dev.talk(b"sys.exit()\r", b">>> ")
    assert out.endswith(b"PYB: soft reboot\r\nboot ran\r\nmain ran 4\r\n" + BANNER + b">>> ")


def test_main_py_raising_drops_into_the_repl(piped, tmp_path: Path) -> None:
    flash = _flash(tmp_path, main="x = 3\nraise OSError(5)\n")
    _, dev = piped("--virtual-clock", "--flash", str(flash))
    assert dev.expect(b">>> ") == (
        b"Traceback (most recent call last):\r\n"
        b'  File "main.py", line 2, in <module>\r\n'
        b"OSError: 5\r\n" + BANNER + b">>> "
    )
    assert dev.talk(b"x\r", b">>> ") == b"x\r\n3\r\n>>> "


def test_device_modules_and_flash_paths_at_the_prompt(piped, tmp_path: Path) -> None:
    flash = _flash(tmp_path)
    (flash / "data.txt").write_text("on flash")
    _, dev = piped("--virtual-clock", "--flash", str(flash))
    dev.expect(b">>> ")
    assert dev.talk(b"import os\r", b">>> ") == b"import os\r\n>>> "
    assert dev.talk(b"os.__name__\r", b">>> ") == b"os.__name__\r\n'uos'\r\n>>> "
    assert dev.talk(b"os.getcwd()\r", b">>> ") == b"os.getcwd()\r\n'/flash'\r\n>>> "
    assert dev.talk(b"open('/flash/data.txt').read()\r", b">>> ").endswith(b"'on flash'\r\n>>> ")
    assert dev.talk(b"const(3)\r", b">>> ").endswith(b"\r\n3\r\n>>> ")


def test_end_of_input_ends_the_repl(piped) -> None:
    proc, dev = piped("--virtual-clock")
    dev.expect(b">>> ")
    proc.stdin.close()
    assert proc.wait(TIMEOUT) == 0


# ------------------------------------------------------------------------------- real pty


def test_terminal_on_a_real_pty_raw_mode_and_quit(tmp_path: Path) -> None:
    master, slave = os.openpty()
    before = termios.tcgetattr(slave)
    proc = subprocess.Popen(
        _command("--virtual-clock"), stdin=slave, stdout=slave, stderr=subprocess.PIPE
    )
    try:
        dev = Device(master, master)
        assert dev.expect(b">>> ") == BANNER + b">>> "
        # the terminal is raw: each key is echoed once, by the REPL, and Enter is \r
        assert dev.talk(b"2**10\r", b">>> ") == b"2**10\r\n1024\r\n>>> "
        assert dev.talk(b"\x05", b"=== ").endswith(b"=== ")
        assert dev.talk(b"print('p')\r\x04", b">>> ") == b"print('p')\r\n=== \r\np\r\n>>> "
        dev.send(b"\x1d")  # Ctrl-] leaves
        assert proc.wait(TIMEOUT) == 0
        assert dev.expect(b"\r\n") == b"\r\n"  # the shell's prompt gets a line of its own
        assert termios.tcgetattr(slave) == before  # the terminal's modes are back
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(TIMEOUT)
        assert proc.stderr is not None
        proc.stderr.close()
        os.close(master)
        os.close(slave)


@pytest.fixture
def terminal() -> Iterator[Any]:
    """Run ``micropython-compat repl ARGS`` on a real pty (stdin, stdout and stderr alike, as
    in a terminal window): yields ``start(*args) -> (process, Device)``."""
    opened: list[tuple[subprocess.Popen[bytes], int, int]] = []

    def start(*args: str) -> tuple[subprocess.Popen[bytes], Device]:
        master, slave = os.openpty()
        proc = subprocess.Popen(_command(*args), stdin=slave, stdout=slave, stderr=slave)
        opened.append((proc, master, slave))
        return proc, Device(master, master)

    yield start
    for proc, master, slave in opened:
        _end(proc)
        os.close(master)
        os.close(slave)


def test_sigterm_ends_the_repl_and_its_temporary_folders_go(tmp_path: Path) -> None:
    # the board's /flash and /sd live in temporary folders when none is named; a REPL ended
    # with SIGTERM (a test's teardown, systemd, kill) must remove them, as `run` does
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    proc = subprocess.Popen(
        _command(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "TMPDIR": str(tmp)},
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        Device(proc.stdout.fileno(), proc.stdin.fileno()).expect(b">>> ")
        assert list(tmp.iterdir())  # the board's folders exist while it runs
        proc.terminate()
        assert proc.wait(TIMEOUT) == 143
        assert list(tmp.iterdir()) == []
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(TIMEOUT)
        proc.stdin.close()
        proc.stdout.close()


def test_terminal_ctrl_c_interrupts_a_runaway_main_py(terminal, tmp_path: Path) -> None:
    flash = _flash(tmp_path, main="print('main running')\nwhile True:\n    pass\n")
    proc, dev = terminal("--flash", str(flash))
    dev.expect(b"main running\r\n")  # the keyboard is read while main.py runs
    assert re.fullmatch(
        rb'Traceback \(most recent call last\):\r\n  File "main.py", line [1-3], in <module>\r\n'
        rb"KeyboardInterrupt\r\n" + re.escape(BANNER) + rb">>> ",
        dev.talk(b"\x03", b">>> "),
    )
    assert dev.talk(b"6*7\r", b">>> ") == b"6*7\r\n42\r\n>>> "
    dev.send(b"\x1d")
    assert proc.wait(TIMEOUT) == 0


def test_terminal_ctrl_c_ends_a_deep_sleep_with_no_wake_source(terminal, tmp_path) -> None:
    flash = _flash(tmp_path, main="import machine\nmachine.deepsleep()\n")
    proc, dev = terminal("--flash", str(flash))
    # the runner's note on stderr, written while the terminal is raw, still starts each line
    # at its left edge (\r\n, not a staircase)
    dev.expect(b"waiting for a wake source (Ctrl-C ends the run)\r\n")
    dev.send(b"\x03")
    assert proc.wait(TIMEOUT) == 130


@pytest.fixture
def served_pty(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """``micropython-compat repl --pty`` on a flash folder: (pty path, flash folder)."""
    flash = _flash(tmp_path, boot="print('boot ran')\n", main="")
    proc = subprocess.Popen(
        _command("--pty", "--flash", str(flash)),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert proc.stderr is not None
    try:
        ready, _, _ = select.select([proc.stderr], [], [], TIMEOUT)
        assert ready, "no pty path announced"
        line = proc.stderr.readline().decode()
        assert line.startswith("micropython-compat: REPL on UART0: /dev/")
        yield line.rsplit(": ", 1)[1].strip(), flash
        proc.send_signal(signal.SIGINT)  # serves until Ctrl-C
        assert proc.wait(TIMEOUT) == 130
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(TIMEOUT)
        proc.stderr.close()


def test_pty_serves_the_repl_on_uart0(served_pty: tuple[str, Path]) -> None:
    path, _ = served_pty
    fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
    try:
        dev = Device(fd, fd)
        # a terminal connecting late: Ctrl-C gives a fresh prompt
        dev.talk(b"\x03print('sync')\r", b"sync\r\n>>> ")
        assert dev.talk(b"import machine\r", b">>> ") == b"import machine\r\n>>> "
        assert dev.talk(b"3*3\r", b">>> ") == b"3*3\r\n9\r\n>>> "
        assert dev.talk(b"\x04", b">>> ") == (
            b"\r\nPYB: soft reboot\r\nboot ran\r\n" + BANNER + b">>> "
        )
    finally:
        os.close(fd)


def _ampy(path: str, *args: str, cwd: Path) -> str:
    result = subprocess.run(
        [str(AMPY), "--port", path, *args],
        capture_output=True,
        timeout=60,
        cwd=cwd,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout.decode().replace("\r\n", "\n")


def test_ampy_run_put_get_ls(served_pty: tuple[str, Path], tmp_path: Path) -> None:
    path, flash = served_pty
    work = tmp_path / "host"
    work.mkdir()
    (work / "script.py").write_text(
        "import os\nprint('hello from the wipy')\nprint(sorted(os.listdir('/flash')))\n"
    )
    out = _ampy(path, "run", "script.py", cwd=work)
    assert out == "hello from the wipy\n['boot.py', 'cert', 'lib', 'main.py', 'sys']\n"

    payload = bytes(range(256)) * 3 + b"end"
    (work / "blob.bin").write_bytes(payload)
    _ampy(path, "put", "blob.bin", cwd=work)
    assert (flash / "blob.bin").read_bytes() == payload
    _ampy(path, "put", "blob.bin", "/flash/lib/copy.bin", cwd=work)
    assert (flash / "lib" / "copy.bin").read_bytes() == payload

    (flash / "note.txt").write_bytes(b"written on the host\n")
    assert _ampy(path, "get", "note.txt", cwd=work) == "written on the host\n\n"  # + print's
    _ampy(path, "get", "/flash/blob.bin", "back.bin", cwd=work)
    assert (work / "back.bin").read_bytes() == payload

    listing = _ampy(path, "ls", "/flash", cwd=work).split()
    assert "/flash/blob.bin" in listing and "/flash/note.txt" in listing
    assert _ampy(path, "ls", "-l", "/flash/lib", cwd=work).strip() == (
        f"/flash/lib/copy.bin - {len(payload)} bytes"
    )
    _ampy(path, "mkdir", "/flash/newdir", cwd=work)
    assert (flash / "newdir").is_dir()
    _ampy(path, "rm", "/flash/note.txt", cwd=work)
    assert not (flash / "note.txt").exists()


# ------------------------------------------------------------------ in process: clean-up


def _open_fds() -> set[int]:
    return {int(name) for name in os.listdir("/proc/self/fd")}


def test_in_process_session_releases_threads_and_fds() -> None:
    in_r, in_w = os.pipe()
    out_r, out_w = os.pipe()
    threads_before = set(threading.enumerate())
    fds_before = _open_fds()
    saved = (sys.stdout, sys.stdin)
    output = bytearray()

    def drain() -> None:
        while chunk := os.read(out_r, 4096):
            output.extend(chunk)

    reader = threading.Thread(target=drain)
    reader.start()
    os.write(in_w, b"print(6*7)\r\x01print('raw')\x04\x02\x04x=1\r")
    os.close(in_w)
    status = Repl(lambda runtime: TerminalConsole(in_r, out_w), board="sim").serve()
    os.close(out_w)
    reader.join(TIMEOUT)
    os.close(in_r)
    os.close(out_r)
    assert status == 0
    assert b"42\r\n" in output and b"OKraw\r\n\x04\x04>" in output
    assert b"PYB: soft reboot\r\n" in output
    assert (sys.stdout, sys.stdin) == saved
    assert not hasattr(__builtins__, "const") or "const" not in dir(__builtins__)
    leftover = [t for t in threading.enumerate() if t not in threads_before and t.is_alive()]
    assert leftover == []
    assert _open_fds() - fds_before == set()


def test_in_process_pty_session_ends_on_sigint_and_releases_everything() -> None:
    threads_before = set(threading.enumerate())
    fds_before = _open_fds()
    paths: list[str] = []
    make = console_for(pty=True)

    def console(runtime):  # type: ignore[no-untyped-def]
        made = make(runtime)
        paths.append(made.pty_path)
        return made

    results: list[bytes] = []

    def client() -> None:
        deadline = time.monotonic() + TIMEOUT
        while not paths and time.monotonic() < deadline:
            time.sleep(0.01)
        fd = os.open(paths[0], os.O_RDWR | os.O_NOCTTY)
        try:
            dev = Device(fd, fd)
            dev.talk(b"\x03print('sync')\r", b"sync\r\n>>> ")
            results.append(dev.talk(b"7*6\r", b">>> "))
        finally:
            os.close(fd)
            signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)

    thread = threading.Thread(target=client)
    thread.start()
    status = Repl(console, board="sim").serve()
    thread.join(TIMEOUT)
    assert status == 130
    assert results == [b"7*6\r\n42\r\n>>> "]
    leftover = [t for t in threading.enumerate() if t not in threads_before and t.is_alive()]
    assert leftover == []
    assert _open_fds() - fds_before == set()


# ---------------------------------------------------------------------- command line


def test_cli_rejects_a_missing_uart(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["repl", "--board", "sim", "--uart", "7"]) == 2
    assert "no UART 7" in capsys.readouterr().err


def test_cli_pty_link_never_replaces_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    taken = tmp_path / "taken"
    taken.write_text("mine")
    assert cli_main(["repl", "--board", "sim", "--pty", "--pty-link", str(taken)]) == 2
    assert "is not a symbolic link" in capsys.readouterr().err
    assert taken.read_text() == "mine"
    with pytest.raises(SystemExit) as info:
        cli_main(["repl", "--pty-link", str(taken)])  # needs --pty
    assert info.value.code == 2


def test_cli_uart_and_pty_exclude_each_other() -> None:
    with pytest.raises(SystemExit) as info:
        cli_main(["repl", "--uart", "0", "--pty"])
    assert info.value.code == 2


def test_helpers_for_continuation_and_indent() -> None:
    assert repl_module._needs_more("if x:")
    assert repl_module._needs_more("if x:\n    y")
    assert not repl_module._needs_more("if x:\n    y\n")
    assert repl_module._needs_more("s = '''abc")
    assert repl_module._needs_more("f(1,")
    assert not repl_module._needs_more("f(1)")
    assert not repl_module._needs_more("   ")
    assert repl_module._auto_indent("if x:\n") == "    "
    assert repl_module._auto_indent("if x:\n    if y:\n") == "        "
    assert repl_module._auto_indent("if x:\n    y\n    \n") == "    "
    assert repl_module._auto_indent("if x:\n    y\n    \n    \n") == ""
    assert shutil.which(str(AMPY)) is not None
