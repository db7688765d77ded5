"""uos: the WiPy's file system (confined to host folders), mounts, mkfs, dupterm, uname."""

from __future__ import annotations

import errno
import io
import os
import sys
import textwrap
import time
from pathlib import Path
from typing import Any, Callable

import pytest

import uos
from machine import SD, UART
from micropython_compat import board as board_module
from micropython_compat import runner
from micropython_compat.backends.sim import SimBoard
from micropython_compat.resets import HardReset
from micropython_compat.runner import DEFAULT_BOOT_PY, DEFAULT_MAIN_PY
from micropython_compat.testing import simulated_board


def errno_of(action: Callable[[], object]) -> int:
    with pytest.raises(OSError) as caught:
        action()
    assert type(caught.value) is OSError
    code = caught.value.args[0]
    assert isinstance(code, int)
    return code


def flash_of(board: SimBoard) -> Path:
    return Path(board.storage.flash)


def sd_of(board: SimBoard) -> Path:
    assert board.storage.sd is not None
    return Path(board.storage.sd)


# ----------------------------------------------------------------------------- uname, sep


def test_uname_names_the_wipy() -> None:
    info = uos.uname()
    assert info.sysname == "WiPy" and info.nodename == "WiPy"
    assert info.release == "1.2.0"
    assert info.version == "v1.8.5 on 2016-10-17"
    assert info.machine == "WiPy with CC3200"
    assert tuple(info) == ("WiPy", "WiPy", "1.2.0", "v1.8.5 on 2016-10-17", "WiPy with CC3200")
    assert repr(info) == (
        "(sysname='WiPy', nodename='WiPy', release='1.2.0', "
        "version='v1.8.5 on 2016-10-17', machine='WiPy with CC3200')"
    )


def test_sep_sync_and_urandom(wipy: SimBoard) -> None:
    assert uos.sep == "/"
    uos.sync()
    data = uos.urandom(32)
    assert type(data) is bytes and len(data) == 32
    assert uos.urandom(0) == b""
    assert uos.urandom(32) != data  # 2**-256 chance of a false failure
    with pytest.raises(TypeError):
        uos.urandom("4")
    with pytest.raises(ValueError):
        uos.urandom(-1)


# ------------------------------------------------------------------------ directories


def test_current_directory_starts_at_flash(wipy: SimBoard) -> None:
    assert uos.getcwd() == "/flash"
    uos.mkdir("lib2")
    uos.chdir("lib2")
    assert uos.getcwd() == "/flash/lib2"
    uos.chdir("..")
    assert uos.getcwd() == "/flash"
    uos.chdir("/")
    assert uos.getcwd() == "/"
    assert errno_of(lambda: uos.chdir("/flash/missing")) == errno.ENOENT
    assert uos.getcwd() == "/"


def test_listdir(wipy: SimBoard) -> None:
    flash = flash_of(wipy)
    (flash / "a.txt").write_text("a")
    (flash / "lib").mkdir()
    assert sorted(uos.listdir()) == ["a.txt", "lib"]
    assert sorted(uos.listdir("/flash")) == ["a.txt", "lib"]
    assert sorted(uos.listdir(b"/flash")) == [b"a.txt", b"lib"]
    assert uos.listdir("/flash/lib") == []
    assert uos.listdir("/") == ["flash", "sd"]  # the simulated card is mounted at boot
    assert errno_of(lambda: uos.listdir("/flash/nope")) == errno.ENOENT
    assert errno_of(lambda: uos.listdir("/flash/a.txt")) == errno.ENOTDIR
    assert errno_of(lambda: uos.listdir("/nowhere")) == errno.ENOENT
    with pytest.raises(TypeError):
        uos.listdir(3)


def test_mkdir(wipy: SimBoard) -> None:
    uos.mkdir("/flash/data")
    assert (flash_of(wipy) / "data").is_dir()
    assert errno_of(lambda: uos.mkdir("/flash/data")) == errno.EEXIST
    assert errno_of(lambda: uos.mkdir("/flash/x/y")) == errno.ENOENT
    assert errno_of(lambda: uos.mkdir("/flash")) == errno.EPERM
    assert errno_of(lambda: uos.mkdir("/top")) == errno.ENOENT


def test_remove_rmdir_and_unlink_are_one_function(wipy: SimBoard) -> None:
    # FatFs f_unlink removes a file or an empty directory, whichever name it is called by.
    assert uos.remove is uos.rmdir is uos.unlink
    flash = flash_of(wipy)
    (flash / "f.txt").write_text("x")
    (flash / "empty").mkdir()
    (flash / "full").mkdir()
    (flash / "full" / "g").write_text("y")
    uos.rmdir("f.txt")
    uos.remove("empty")
    assert sorted(p.name for p in flash.iterdir()) == ["full"]
    assert errno_of(lambda: uos.remove("full")) == errno.ENOTEMPTY
    assert errno_of(lambda: uos.unlink("missing")) == errno.ENOENT
    assert errno_of(lambda: uos.remove("/flash")) == errno.EPERM
    uos.unlink("/flash/full/g")
    assert not (flash / "full" / "g").exists()


def test_rename(wipy: SimBoard) -> None:
    flash = flash_of(wipy)
    (flash / "a.txt").write_text("a")
    (flash / "b.txt").write_text("b")
    uos.rename("a.txt", "c.txt")
    assert (flash / "c.txt").read_text() == "a" and not (flash / "a.txt").exists()
    # CPython's os.rename replaces the target; FatFs refuses.
    assert errno_of(lambda: uos.rename("c.txt", "b.txt")) == errno.EEXIST
    assert (flash / "b.txt").read_text() == "b"
    assert errno_of(lambda: uos.rename("nope", "d.txt")) == errno.ENOENT
    assert errno_of(lambda: uos.rename("c.txt", "/sd/c.txt")) == errno.EXDEV
    assert errno_of(lambda: uos.rename("/flash", "/flash2")) == errno.ENOENT
    uos.mkdir("sub")
    uos.rename("/flash/c.txt", "/flash/sub/c.txt")
    assert (flash / "sub" / "c.txt").read_text() == "a"


def test_current_directory_follows_a_rename(wipy: SimBoard) -> None:
    # FatFs keeps the current directory by directory, so it follows a rename.
    uos.mkdir("/flash/d")
    uos.mkdir("/flash/d/inner")
    uos.mkdir("/flash/dd")
    uos.chdir("/flash/d/inner")
    uos.rename("/flash/dd", "/flash/ee")  # a name that merely starts the same: no effect
    assert uos.getcwd() == "/flash/d/inner"
    uos.rename("/flash/d", "/flash/e")
    assert uos.getcwd() == "/flash/e/inner"
    assert uos.listdir() == []
    uos.chdir("..")
    uos.rename("inner", "moved")
    assert uos.getcwd() == "/flash/e"
    assert uos.listdir() == ["moved"]


def test_stat_is_the_devices_ten_tuple(wipy: SimBoard) -> None:
    flash = flash_of(wipy)
    (flash / "f.bin").write_bytes(b"12345")
    (flash / "d").mkdir()
    mtime = 1_000_000_001 + 946_684_800  # an odd number of seconds after 2000-01-01
    os.utime(flash / "f.bin", (mtime, mtime))
    st = uos.stat("/flash/f.bin")
    assert type(st) is tuple and len(st) == 10
    assert st == (0x8000, 0, 0, 0, 0, 0, 5, 1_000_000_000, 1_000_000_000, 1_000_000_000)
    st_dir = uos.stat("d")
    assert st_dir[0] == 0x4000 and st_dir[6] == 0
    for drive in ("/", "/flash", "/flash/", "/sd"):
        assert uos.stat(drive) == (0x4000, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    assert errno_of(lambda: uos.stat("/flash/missing")) == errno.ENOENT
    assert errno_of(lambda: uos.stat("/nowhere")) == errno.ENOENT


def test_stat_time_counts_from_2000(wipy: SimBoard) -> None:
    (flash_of(wipy) / "now.txt").write_text("x")
    seconds = uos.stat("/flash/now.txt")[8]
    expected = int(time.time()) - 946_684_800
    assert expected - 5 <= seconds <= expected + 5
    assert seconds % 2 == 0


# ---------------------------------------------------------------------- path confinement

HOSTILE = [
    "../outside.txt",
    "/flash/../outside.txt",
    "/flash/../../../../outside.txt",
    "/flash/sub/../../outside.txt",
    "/outside.txt",
    "//outside.txt",
    "/flash/escape/outside.txt",
    "/flash/escape",
    "/flash/leak.txt",
]


@pytest.fixture
def hostile_board(tmp_path: Path) -> Any:
    flash, outside = tmp_path / "flash", tmp_path / "outside"
    (flash / "sub").mkdir(parents=True)
    outside.mkdir()
    (outside / "outside.txt").write_text("secret")
    (flash / "escape").symlink_to(outside)
    (flash / "leak.txt").symlink_to(outside / "outside.txt")
    with simulated_board(flash=flash, sd=tmp_path / "sd"):
        yield tmp_path


@pytest.mark.parametrize("path", [*HOSTILE, str(Path("/etc/passwd")), "/etc"])
def test_hostile_paths_never_leave_the_drive(hostile_board: Path, path: str) -> None:
    outside = hostile_board / "outside"
    attempts: list[Callable[[], object]] = [
        lambda: uos.stat(path),
        lambda: uos.listdir(path),
        lambda: uos.remove(path),
        lambda: uos.mkdir(path + "/d"),
        lambda: uos.rename(path, "/flash/stolen.txt"),
        lambda: uos.rename("/flash/sub", path + "/moved"),
        lambda: uos.chdir(path),
    ]
    for attempt in attempts:
        with pytest.raises(OSError) as caught:
            attempt()
        assert caught.value.args[0] in (errno.ENOENT, errno.EACCES, errno.EPERM, errno.EXDEV)
    assert sorted(p.name for p in outside.iterdir()) == ["outside.txt"]
    assert (outside / "outside.txt").read_text() == "secret"
    assert sorted(p.name for p in hostile_board.iterdir()) == ["flash", "outside", "sd"]
    assert uos.getcwd() == "/flash"


def test_mkfs_does_not_follow_links_out(hostile_board: Path) -> None:
    uos.mkfs("/flash")
    assert list((hostile_board / "flash").iterdir()) == []
    assert (hostile_board / "outside" / "outside.txt").read_text() == "secret"


# ------------------------------------------------------------------------------ mounts


def test_mount_takes_over_the_card_mounted_at_boot(wipy: SimBoard) -> None:
    (sd_of(wipy) / "old.txt").write_text("old")
    sd = SD()
    uos.mount(sd, "/sd")
    assert uos.listdir("/") == ["flash", "sd"]
    assert uos.listdir("/sd") == ["old.txt"]
    assert errno_of(lambda: uos.mount(sd, "/sd2")) == errno.EPERM  # mounted already
    uos.unmount("/sd")
    assert uos.listdir("/") == ["flash"]
    assert errno_of(lambda: uos.listdir("/sd")) == errno.ENOENT


def test_mount_elsewhere_moves_the_card(wipy: SimBoard) -> None:
    sd = SD()
    uos.mount(sd, "/card//")  # trailing slashes are dropped, as on the device
    assert uos.listdir("/") == ["flash", "card"]
    with open(os.path.join(sd_of(wipy), "x"), "w") as f:
        f.write("x")
    assert uos.listdir("/card") == ["x"]
    assert uos.stat("/card") == (0x4000, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    with pytest.raises(ValueError):
        uos.unmount("/card/")  # not the path as it was mounted
    uos.unmount("/card")
    assert uos.listdir("/") == ["flash"]


@pytest.mark.parametrize("point", ["", "/", "sd", "/a/b", "//", "x/"])
def test_mount_point_must_be_one_name_below_root(wipy: SimBoard, point: str) -> None:
    assert errno_of(lambda: uos.mount(SD(), point)) == errno.EINVAL


def test_mount_errors(wipy: SimBoard) -> None:
    sd = SD()
    assert errno_of(lambda: uos.mount(sd, "/flash")) == errno.EPERM
    uos.mount(sd, "/sd")
    assert errno_of(lambda: uos.mount(sd, "/sd")) == errno.EPERM
    uos.unmount("/sd")
    sd.deinit()
    assert errno_of(lambda: uos.mount(sd, "/sd")) == errno.EPERM
    with pytest.raises(AttributeError):
        uos.mount(object(), "/x")
    with pytest.raises(TypeError):
        uos.mount(sd, 5)

    class BlockDevice:
        def readblocks(self, n: int, buf: bytearray) -> None:
            pass

        def count(self) -> int:
            return 16

    # Only the SD card maps to a host folder; a FAT image on another block device can't mount.
    assert errno_of(lambda: uos.mount(BlockDevice(), "/bd")) == errno.ENODEV


def test_unmount_errors(wipy: SimBoard) -> None:
    assert errno_of(lambda: uos.unmount("/flash")) == errno.EPERM
    assert errno_of(lambda: uos.unmount("/flash/")) == errno.EPERM
    with pytest.raises(ValueError, match="invalid argument"):
        uos.unmount("/nothing")
    with pytest.raises(ValueError):
        uos.unmount("sd")  # not as it was mounted
    uos.mount(SD(), "/sd")
    uos.chdir("/sd")
    uos.unmount("/sd")
    assert uos.getcwd() == "/"
    with pytest.raises(ValueError):
        uos.unmount("/sd")


def test_readonly_mount(wipy: SimBoard) -> None:
    (sd_of(wipy) / "r.txt").write_text("read me")
    uos.mount(SD(), "/sd", readonly=True)
    from micropython_compat import filesystem

    fs = filesystem.current()
    with fs.open("/sd/r.txt") as f:
        assert f.read() == "read me"
    assert errno_of(lambda: fs.open("/sd/r.txt", "w")) == errno.EROFS
    assert errno_of(lambda: fs.open("/sd/new.txt", "a")) == errno.EROFS
    assert errno_of(lambda: uos.mkdir("/sd/d")) == errno.EROFS
    assert errno_of(lambda: uos.remove("/sd/r.txt")) == errno.EROFS
    assert errno_of(lambda: uos.mkfs("/sd")) == errno.EROFS
    assert sorted(p.name for p in sd_of(wipy).iterdir()) == ["r.txt"]


# -------------------------------------------------------------------------------- mkfs


def test_mkfs_flash_wipes_it(wipy: SimBoard) -> None:
    flash = flash_of(wipy)
    (flash / "lib" / "deep").mkdir(parents=True)
    (flash / "lib" / "deep" / "m.py").write_text("x = 1")
    (flash / "main.py").write_text("print(1)")
    (sd_of(wipy) / "keep.txt").write_text("sd")
    uos.mkfs("/flash")
    assert list(flash.iterdir()) == []
    assert uos.listdir("/flash") == []
    assert (sd_of(wipy) / "keep.txt").read_text() == "sd"  # not the SD card


def test_mkfs_arguments(wipy: SimBoard) -> None:
    assert errno_of(lambda: uos.mkfs("flash")) == errno.EINVAL
    assert errno_of(lambda: uos.mkfs("/nowhere")) == errno.EIO
    assert errno_of(lambda: uos.mkfs("/")) == errno.EIO
    with pytest.raises(AttributeError):
        uos.mkfs(42)


def test_mkfs_of_an_sd_object_or_a_mounted_path(wipy: SimBoard) -> None:
    card = sd_of(wipy)
    (card / "a").write_text("a")
    sd = SD()
    uos.mkfs(sd)  # not mounted by the program: formatted directly
    assert list(card.iterdir()) == []
    uos.mount(sd, "/sd")
    assert errno_of(lambda: uos.mkfs(sd)) == errno.EPERM  # mounted: use its path
    (card / "b").mkdir()
    uos.mkfs("/sd")
    assert list(card.iterdir()) == []


def test_mkfs_defaults_come_back_at_the_next_boot(tmp_path: Path, capsys: Any) -> None:
    flash = tmp_path / "flash"
    flash.mkdir()
    (flash / "main.py").write_text(
        "import os, machine\n"
        "with open('/flash/data.txt', 'w') as f:\n"
        "    f.write('x')\n"
        "print(sorted(os.listdir('/flash')))\n"
        "os.mkfs('/flash')\n"
        "print(os.listdir('/flash'))\n"
        "machine.reset()\n"
    )
    status = runner.run(flash=flash, virtual_clock=True, notes=io.StringIO())
    assert status == 0
    assert capsys.readouterr().out == (
        "['boot.py', 'cert', 'data.txt', 'lib', 'main.py', 'sys']\n[]\n"
    )
    assert sorted(p.name for p in flash.iterdir()) == [
        "boot.py",
        "cert",
        "lib",
        "main.py",
        "sys",
    ]
    assert (flash / "main.py").read_bytes() == DEFAULT_MAIN_PY.encode()
    assert (flash / "boot.py").read_bytes() == DEFAULT_BOOT_PY.encode()


# ------------------------------------------------------------------------------ dupterm


class FakeStream:
    """A stream with read/write, as dupterm accepts."""

    def __init__(self, incoming: bytes = b"") -> None:
        self.writes: list[str] = []
        self.incoming = bytearray(incoming)

    @property
    def written(self) -> bytes:
        return "".join(self.writes).encode()

    def write(self, data: str) -> int:
        assert isinstance(data, str)  # the firmware hands a stream that isn't a UART str
        self.writes.append(data)
        return len(data)

    def read(self, n: int) -> bytes | None:
        if not self.incoming:
            return None
        data = bytes(self.incoming[:n])
        del self.incoming[:n]
        return data


def test_dupterm_duplicates_output_onto_a_stream(wipy: SimBoard, capsys: Any) -> None:
    stream = FakeStream()
    assert uos.dupterm() is None
    assert uos.dupterm(stream) is None  # 1.8.5 returns None, not the previous stream
    assert uos.dupterm() is stream
    print("hello")
    print("a", "b", sep="\n")
    sys.stdout.write("raw")
    assert uos.dupterm(None) is None
    print("after")
    assert bytes(stream.written) == b"hello\r\na\r\nb\r\nraw"
    assert capsys.readouterr().out == "hello\na\nb\nrawafter\n"
    assert uos.dupterm() is None


def test_dupterm_hands_a_stream_str_pieces_as_the_firmware_does(wipy: SimBoard) -> None:
    stream = FakeStream()
    uos.dupterm(stream)
    try:
        print("hi")
        sys.stdout.write("a\nb")
    finally:
        uos.dupterm(None)
    # each run up to a newline (an empty one too), then "\r\n" (cc3200_hal.c, cooked output)
    assert stream.writes == ["hi", "", "\r\n", "a", "\r\n", "b"]


def test_dupterm_replaces_the_stream_and_restores_stdout(wipy: SimBoard) -> None:
    console = sys.stdout
    first, second = FakeStream(), FakeStream()
    uos.dupterm(first)
    print("one")
    uos.dupterm(second)
    print("two")
    uos.dupterm(None)
    assert sys.stdout is console
    assert bytes(first.written) == b"one\r\n"
    assert bytes(second.written) == b"two\r\n"


def test_dupterm_on_a_uart_loopback(wipy: SimBoard, capsys: Any) -> None:
    port = wipy.uart_port(0)
    port.loopback()
    uart = UART(0, 115200)
    uos.dupterm(uart)
    try:
        print("over the wire")
        assert port.take_sent() == b"over the wire\r\n"
        # the loopback fed the output back in: it is the next input line
        assert sys.stdin.readline() == "over the wire\n"
        port.disconnect()
        port.feed(b"typed\r")
        assert input("> ") == "typed"
        assert port.take_sent() == b"> "
    finally:
        uos.dupterm(None)
    assert "over the wire" in capsys.readouterr().out


def test_dupterm_input_from_a_fake_stream(wipy: SimBoard, monkeypatch: Any) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("console line\n"))
    stream = FakeStream(b"first\r\nsecond\rpart")
    uos.dupterm(stream)
    try:
        assert sys.stdin.readline() == "first\n"
        assert sys.stdin.readline() == "second\n"
        assert sys.stdin.read(2) == "pa"
        assert sys.stdin.read() == "rt"
        assert sys.stdin.readline() == "console line\n"  # nothing more from the stream
    finally:
        uos.dupterm(None)
    assert isinstance(sys.stdin, io.StringIO)


def test_dupterm_needs_read_and_write(wipy: SimBoard) -> None:
    console = sys.stdout

    class WriteOnly:
        def write(self, data: bytes) -> int:
            return len(data)

    with pytest.raises(AttributeError):
        uos.dupterm(WriteOnly())
    with pytest.raises(AttributeError):
        uos.dupterm(42)
    assert uos.dupterm() is None
    assert sys.stdout is console


def test_a_reset_stops_dupterm(wipy: SimBoard) -> None:
    console = sys.stdout
    stream = FakeStream()
    uos.dupterm(stream)
    board_module.reset_board(HardReset.cause)
    print("after reset")
    assert uos.dupterm() is None
    assert sys.stdout is console
    assert bytes(stream.written) == b""


def test_dupterm_under_the_runner(tmp_path: Path, capsys: Any) -> None:
    board = SimBoard(clock="virtual", flash=tmp_path / "flash")
    script = tmp_path / "prog.py"
    script.write_text(
        textwrap.dedent(
            """\
            import os
            from machine import UART
            uart = UART(1, 9600)
            os.dupterm(uart)
            print('to both')
            os.dupterm(None)
            print('console only')
            """
        )
    )
    status = runner.run(script, board=board, notes=io.StringIO())
    assert status == 0
    assert capsys.readouterr().out == "to both\nconsole only\n"
    assert board.uart_port(1).sent() == b"to both\r\n"


# ----------------------------------------------------------------- as a library, too


def test_uos_works_on_the_active_boards_storage(tmp_path: Path) -> None:
    flash = tmp_path / "myflash"
    board_module.use_board("sim", clock="virtual", flash=flash)
    try:
        (flash / "hello.txt").write_text("hi")
        assert uos.listdir("/flash") == ["hello.txt"]
        assert uos.stat("/flash/hello.txt")[6] == 2
        assert uos.getcwd() == "/flash"
    finally:
        board_module.release_board()


def test_mkfs_refuses_a_drive_mapped_onto_the_home_folder(tmp_path: Path, monkeypatch: Any) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "precious.txt").write_text("keep")
    monkeypatch.setenv("HOME", str(home))
    with simulated_board(flash=home):
        assert errno_of(lambda: uos.mkfs("/flash")) == errno.EPERM
    assert (home / "precious.txt").read_text() == "keep"
