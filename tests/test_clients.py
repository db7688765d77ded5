"""The MicroPython tools people already use, run for real against ``micropython-compat repl
--pty``: mpremote, ampy and rshell (installed by the ``test`` extra).

Every byte must arrive: transfers are compared byte for byte. The clients pace themselves
(mpremote and ampy sleep 10 ms after each command they send, as they do with a real board), so
mpremote's 256 KiB copy takes about a minute; the deadlines only bound a hang.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import uos
from micropython_compat.testing import simulated_board

BIN = Path(sys.executable).parent
MPREMOTE, AMPY, RSHELL = (str(BIN / name) for name in ("mpremote", "ampy", "rshell"))
DEADLINE_S = 600.0
PAYLOAD = bytes(range(256)) * 1024  # 256 KiB: every byte value, CR, LF, Ctrl-C and Ctrl-D too
BANNER = b'Type "help()" for more information.\r\n'


@dataclass
class Served:
    """A running ``micropython-compat repl --pty``: its link, flash folder and process."""

    port: str
    flash: Path
    proc: subprocess.Popen[bytes]


def _start(tmp_path: Path, *options: str, main: str = "") -> Served:
    flash = tmp_path / "flash"
    flash.mkdir(exist_ok=True)
    (flash / "boot.py").write_text("")
    (flash / "main.py").write_text(main)
    link = tmp_path / "wipy"
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "micropython_compat", "repl"),
            *("--pty", "--pty-link", str(link), "--flash", str(flash), *options),
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert proc.stderr is not None
    ready, _, _ = select.select([proc.stderr], [], [], DEADLINE_S)
    assert ready, "no pty announced"
    line = proc.stderr.readline().decode()
    assert line.startswith("micropython-compat: REPL on UART0: /dev/"), line
    assert line.rstrip().endswith(f"(link: {link})")
    assert os.path.realpath(link) == line.split(": ")[2].split()[0]
    return Served(str(link), flash, proc)


def _stop(served: Served) -> None:
    proc = served.proc
    try:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)  # it serves until Ctrl-C
            assert proc.wait(DEADLINE_S) == 130
        assert not os.path.lexists(served.port), "the link outlived the REPL"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(DEADLINE_S)
        assert proc.stderr is not None
        proc.stderr.close()


@pytest.fixture
def fast_board(tmp_path: Path) -> Iterator[Served]:
    """The REPL on a 3 Mbaud line: big transfers are bounded by the clients, not the line."""
    served = _start(tmp_path, "--baudrate", "3000000")
    yield served
    _stop(served)


@pytest.fixture
def board(tmp_path: Path) -> Iterator[Served]:
    """The REPL at the WiPy's own 115200 baud."""
    served = _start(tmp_path)
    yield served
    _stop(served)


def _tool(*command: str, cwd: Path) -> str:
    result = subprocess.run(command, capture_output=True, timeout=DEADLINE_S, cwd=cwd, check=False)
    assert result.returncode == 0, (result.stdout + result.stderr).decode(errors="replace")
    return result.stdout.decode(errors="replace")


def _host(tmp_path: Path) -> Path:
    work = tmp_path / "host"
    work.mkdir(exist_ok=True)
    return work


class Terminal:
    """A terminal program's end of the pty: send bytes, read until an expected ending."""

    def __init__(self, path: str) -> None:
        self.fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
        self.seen = b""

    def talk(self, data: bytes, ending: bytes) -> bytes:
        os.write(self.fd, data)
        deadline = time.monotonic() + DEADLINE_S
        while ending not in self.seen:
            assert time.monotonic() < deadline, f"no {ending!r} in {self.seen!r}"
            if select.select([self.fd], [], [], 1.0)[0]:
                self.seen += os.read(self.fd, 4096)
        end = self.seen.index(ending) + len(ending)
        taken, self.seen = self.seen[:end], self.seen[end:]
        return taken

    def close(self) -> None:
        os.close(self.fd)


# ------------------------------------------------------------------------------ mpremote


def test_mpremote_run_gets_all_2000_lines_at_115200(board: Served, tmp_path: Path) -> None:
    work = _host(tmp_path)
    (work / "lines.py").write_text("for i in range(2000):\n    print('line', i, 'of 2000')\n")
    out = _tool(MPREMOTE, "connect", board.port, "run", "lines.py", cwd=work)
    assert out.replace("\r\n", "\n").splitlines() == [f"line {i} of 2000" for i in range(2000)]


def test_mpremote_fs_cp_256_kib_both_ways(fast_board: Served, tmp_path: Path) -> None:
    work = _host(tmp_path)
    (work / "blob.bin").write_bytes(PAYLOAD)
    _tool(MPREMOTE, "connect", fast_board.port, "fs", "cp", "blob.bin", ":blob.bin", cwd=work)
    assert (fast_board.flash / "blob.bin").read_bytes() == PAYLOAD
    (fast_board.flash / "other.bin").write_bytes(PAYLOAD[::-1])
    _tool(MPREMOTE, "connect", fast_board.port, "fs", "cp", ":other.bin", "back.bin", cwd=work)
    assert (work / "back.bin").read_bytes() == PAYLOAD[::-1]


# ---------------------------------------------------------------------------------- ampy


def test_ampy_put_and_get_256_kib(fast_board: Served, tmp_path: Path) -> None:
    # ampy sends one command per 32 bytes with a 10 ms pause each and gathers output a byte at
    # a time, so this takes a minute or more (on a real board too); 32 KiB used to fail.
    work = _host(tmp_path)
    (work / "blob.bin").write_bytes(PAYLOAD)
    _tool(AMPY, "--port", fast_board.port, "put", "blob.bin", "/flash/blob.bin", cwd=work)
    assert (fast_board.flash / "blob.bin").read_bytes() == PAYLOAD
    (fast_board.flash / "other.bin").write_bytes(PAYLOAD[::-1])
    _tool(AMPY, "--port", fast_board.port, "get", "/flash/other.bin", "back.bin", cwd=work)
    assert (work / "back.bin").read_bytes() == PAYLOAD[::-1]


def _wait_for_file(path: Path, content: str) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not (path.exists() and path.read_text() == content):
        assert time.monotonic() < deadline, f"{path} never read {content!r}"
        time.sleep(0.01)


def test_ampy_hard_reset_boots_into_the_friendly_repl(tmp_path: Path) -> None:
    main = (
        "import machine\n"
        "with open('/flash/cause.txt', 'w') as f:\n"
        "    f.write(str(machine.reset_cause()))\n"
    )
    served = _start(tmp_path, main=main)
    try:
        _wait_for_file(served.flash / "cause.txt", "0")  # power-on boot
        (served.flash / "cause.txt").unlink()
        _tool(AMPY, "--port", served.port, "reset", "--hard", cwd=_host(tmp_path))
        _wait_for_file(served.flash / "cause.txt", "1")  # main.py ran again, after HARD_RESET
        terminal = Terminal(served.port)
        try:
            # the friendly REPL (it echoes; the raw one wouldn't) answers a normal exchange
            out = terminal.talk(b"print('after', 6*7)\r", b"after 42\r\n>>> ")
            assert out.endswith(b"print('after', 6*7)\r\nafter 42\r\n>>> ")
        finally:
            terminal.close()
    finally:
        _stop(served)


# -------------------------------------------------------------------------------- rshell


def test_rshell_cp_both_ways(fast_board: Served, tmp_path: Path) -> None:
    work = _host(tmp_path)
    payload = PAYLOAD[: 64 * 1024]
    (work / "up.bin").write_bytes(payload)
    rshell = (RSHELL, "--port", fast_board.port, "--quiet", "--ascii")
    _tool(*rshell, "cp", "up.bin", "/flash/up.bin", cwd=work)
    assert (fast_board.flash / "up.bin").read_bytes() == payload
    (fast_board.flash / "down.bin").write_bytes(payload[::-1])
    _tool(*rshell, "cp", "/flash/down.bin", "down.bin", cwd=work)
    assert (work / "down.bin").read_bytes() == payload[::-1]


def test_mpremote_fs_ls_through_the_newer_ilistdir(board: Served, tmp_path: Path) -> None:
    (board.flash / "data.bin").write_bytes(b"x" * 1234)
    out = _tool(MPREMOTE, "connect", board.port, "fs", "ls", "/flash", cwd=_host(tmp_path))
    lines = [line.split() for line in out.splitlines()[1:]]
    assert ["1234", "data.bin"] in lines and ["0", "lib/"] in lines


def test_ilistdir_entries_match_listdir_and_stat(tmp_path: Path) -> None:
    with simulated_board(flash=tmp_path):
        (tmp_path / "f.txt").write_bytes(b"abc")
        (tmp_path / "d").mkdir()
        assert sorted(uos.ilistdir("/flash")) == [("d", 0x4000, 0, 0), ("f.txt", 0x8000, 0, 3)]
        assert sorted(uos.ilistdir(b"/flash"))[1] == (b"f.txt", 0x8000, 0, 3)
        assert sorted(name for name, *_ in uos.ilistdir()) == sorted(uos.listdir())
        with pytest.raises(OSError):
            uos.ilistdir("/flash/missing")
