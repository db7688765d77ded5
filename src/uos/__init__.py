"""``uos``: the WiPy's file system and terminal services, as in MicroPython 1.8.5 (cc3200).

The file system has ``/`` as its root; ``/flash`` (the board's ``storage.flash`` host directory)
is always there and other drives appear where ``mount()`` puts them. The current directory is
``/flash`` at boot. Paths are confined to the host directory of their mount: ``..`` past a mount
point, absolute host paths and symbolic links that lead out raise ``OSError`` (see
``micropython_compat.filesystem``). Works under ``micropython-compat run`` and imported as a
library (then on the active board's storage).

Where the device differs from CPython's ``os`` (the device wins; each is tested):

* ``stat()`` returns a plain 10-tuple: mode ``0x4000`` (directory) or ``0x8000`` (file), zeros
  for ino/dev/nlink/uid/gid, the size, and one time in seconds since 2000-01-01 for atime,
  mtime and ctime (FAT's 2-second resolution). ``/``, ``/flash`` and mount points are
  directories of size 0 and time 0.
* ``remove()``, ``unlink()`` and ``rmdir()`` are one function (FatFs ``f_unlink``): each removes
  a file or an empty directory.
* ``rename()`` refuses to replace an existing file (``OSError(EEXIST)``) and to move between
  drives (``OSError(EXDEV)``).
* ``listdir('/')`` lists the drives; ``listdir(b'...')`` returns bytes names.
* Errors are ``OSError`` with an errno (``ENOENT``, ``EEXIST``, ...): 1.8.5 raised some of them
  with a message instead (see docs/differences.md).
"""

from __future__ import annotations

import errno
import os as _os
import select as _select
import shutil
import stat as _stat
import sys
import threading
from collections import namedtuple
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from micropython_compat import filesystem
from micropython_compat.board import current_runtime
from micropython_compat.errors import bad_argument, device_error

__all__ = [
    "chdir",
    "dupterm",
    "getcwd",
    "ilistdir",
    "listdir",
    "mkdir",
    "mkfs",
    "mount",
    "remove",
    "rename",
    "rmdir",
    "sep",
    "stat",
    "sync",
    "uname",
    "unlink",
    "unmount",
    "urandom",
]

sep = "/"

# Seconds between the Unix epoch and MicroPython's (2000-01-01).
_EPOCH_2000 = 946_684_800
_S_IFDIR = 0x4000
_S_IFREG = 0x8000
_STATE_KEY = "uos"


# ------------------------------------------------------------------------------------ uname

_UnameFields = namedtuple("_UnameFields", "sysname nodename release version machine")


class _Uname(_UnameFields):
    """The attrtuple ``uname()`` returns; it prints as MicroPython prints an attrtuple."""

    __slots__ = ()

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in zip(self._fields, self))
        return f"({fields})"


# What a WiPy running the 1.8.5 release reports (cc3200 moduos.c, version.h, mpconfigboard.h).
_UNAME = _Uname("WiPy", "WiPy", "1.2.0", "v1.8.5 on 2016-10-17", "WiPy with CC3200")


def uname() -> _Uname:
    """``(sysname, nodename, release, version, machine)`` with attribute access; ``machine``
    is ``'WiPy with CC3200'``."""
    return _UNAME


# ------------------------------------------------------------------------------ file system


def _fs() -> filesystem.FileSystem:
    return filesystem.current()


def _path(path: Any) -> str:
    """A path argument as text (str or bytes, as ``mp_obj_str_get_str`` takes)."""
    if isinstance(path, str):
        return path
    if isinstance(path, (bytes, bytearray)):
        return bytes(path).decode()
    raise TypeError(f"can't convert '{type(path).__name__}' object to str implicitly")


def chdir(path: Any) -> None:
    """Change the current directory; ``OSError(ENOENT)`` if it is not a directory."""
    _fs().chdir(_path(path))


def getcwd() -> str:
    """The current directory (``'/flash'`` at boot)."""
    return _fs().getcwd()


def listdir(dir: Any = None) -> list[Any]:
    """The names in ``dir`` (default: the current directory); ``'/'`` lists the drives.

    Names are bytes when ``dir`` is bytes. Raises ``OSError(ENOENT)`` for a missing
    directory, ``OSError(ENOTDIR)`` for a file."""
    if dir is None:
        return _fs().listdir()
    names = _fs().listdir(_path(dir))
    if isinstance(dir, bytes):
        return [name.encode() for name in names]
    return names


def ilistdir(dir: Any = None) -> Iterator[tuple[Any, int, int, int]]:
    """``(name, type, inode, size)`` for each entry of ``dir`` (``type`` 0x4000 for a
    directory, 0x8000 for a file; ``inode`` 0). Not in 1.8.5: later MicroPython's, kept
    because today's tools (``mpremote fs ls``) call it; 1.8.5 code never does. Raises as
    ``listdir``."""
    base = getcwd() if dir is None else _path(dir)
    entries = []
    for name in listdir(dir):
        text = name.decode() if isinstance(name, bytes) else name
        info = stat(base.rstrip("/") + "/" + text)
        entries.append((name, info[0] & 0xF000, 0, info[6]))
    return iter(entries)


def mkdir(path: Any) -> None:
    """Create a directory; ``OSError(EEXIST)`` if the name is taken, ``OSError(ENOENT)`` if
    its parent is missing, ``OSError(EROFS)`` on a read-only drive."""
    _fs().mkdir(_path(path))


def remove(path: Any) -> None:
    """Remove a file or an empty directory (``rmdir`` and ``unlink`` are this function).

    Raises ``OSError(ENOENT)`` if missing, ``OSError(ENOTEMPTY)`` for a directory with files,
    ``OSError(EPERM)`` for a drive itself, ``OSError(EROFS)`` on a read-only drive."""
    fs = _fs()
    text = _path(path)
    if fs.is_link(text) or not fs.host_path(text).is_dir():
        fs.remove(text)  # a symbolic link goes itself, never what it points to
    else:
        fs.rmdir(text)


rmdir = remove
unlink = remove


def rename(old_path: Any, new_path: Any) -> None:
    """Rename a file or directory on one drive.

    Raises ``OSError(ENOENT)`` if ``old_path`` is missing, ``OSError(EEXIST)`` if
    ``new_path`` exists, ``OSError(EXDEV)`` across drives."""
    fs = _fs()
    old, new = _path(old_path), _path(new_path)
    if fs.mount_of(old) != fs.mount_of(new):
        raise device_error(errno.EXDEV)
    if not fs.host_path(old).exists():
        raise device_error(errno.ENOENT)
    target = fs.host_path(new)
    if target.exists() or target.is_symlink():
        raise device_error(errno.EEXIST)
    fs.rename(old, new)


def stat(path: Any) -> tuple[int, ...]:
    """The device's 10-tuple ``(mode, ino, dev, nlink, uid, gid, size, atime, mtime, ctime)``.

    Raises ``OSError(ENOENT)`` for a missing path."""
    fs = _fs()
    full = fs.abspath(_path(path))
    if full == "/" or full in fs.mounts:
        return (_S_IFDIR, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    result = fs.stat(full)
    is_dir = _stat.S_ISDIR(result.st_mode)
    seconds = (int(result.st_mtime) - _EPOCH_2000) // 2 * 2
    size = 0 if is_dir else result.st_size
    return (_S_IFDIR if is_dir else _S_IFREG, 0, 0, 0, 0, 0, size, seconds, seconds, seconds)


def sync() -> None:
    """Write everything buffered out to the drives (the host's files are always written)."""


def urandom(n: Any) -> bytes:
    """``n`` random bytes from the host's random source (the device's hardware RNG).

    Raises ``TypeError`` for a non-integer, ``ValueError`` for a negative ``n``."""
    if not isinstance(n, int):
        raise TypeError(f"can't convert {type(n).__name__} to int")
    return _os.urandom(n)


# ------------------------------------------------------------------------------------ mounts


class _State:
    """What ``mount()`` has mounted on this boot: mount point -> device object."""

    def __init__(self) -> None:
        self.mounted: dict[str, Any] = {}


def _state() -> _State:
    return current_runtime().state(_STATE_KEY, _State)


def _device_root(device: Any) -> Path:
    """The host directory behind a mountable device (``machine.SD``).

    Raises ``AttributeError`` for an object that is not a block device (no ``readblocks`` /
    ``count``), ``OSError(ENODEV)`` for a block device other than the SD card (only cards can
    be mounted here), and what ``SD._root()`` raises (``OSError(EPERM)`` after ``deinit()``)."""
    root = getattr(device, "_root", None)
    if callable(root):
        folder: Path = root()
        return folder
    for method in ("readblocks", "count"):
        if not hasattr(device, method):
            raise AttributeError(f"'{type(device).__name__}' object has no attribute '{method}'")
    raise device_error(errno.ENODEV)


def _same_folder(a: Path, b: Path) -> bool:
    return _os.path.realpath(a) == _os.path.realpath(b)


def mount(block_device: Any, mount_point: Any, *, readonly: bool = False) -> None:
    """Mount ``block_device`` (a ``machine.SD``) at ``mount_point`` (``'/sd'``).

    ``readonly=True``: writes below it raise ``OSError(EROFS)``. The card the board mounted
    at boot is taken over (moved to ``mount_point``). Raises ``OSError(EINVAL)`` for a mount
    point that is not ``/name``, ``OSError(EPERM)`` when the point is taken or the device is
    already mounted, and what ``_device_root`` raises."""
    point = _path(mount_point).rstrip("/")
    if len(point) < 2 or not point.startswith("/") or "/" in point[1:]:
        raise device_error(errno.EINVAL)
    state, fs = _state(), _fs()
    if any(device is block_device for device in state.mounted.values()):
        raise device_error(errno.EPERM)
    root = _device_root(block_device)
    for auto in list(fs.auto_mounts):
        if auto == point or _same_folder(fs.mounts[auto], root):
            fs.umount(auto)
    if point in fs.mounts:
        raise device_error(errno.EPERM)
    fs.mount(root, point, readonly=bool(readonly))
    state.mounted[point] = block_device


def unmount(path: Any) -> None:
    """Unmount the drive mounted at ``path`` (exactly as it was mounted: ``'/sd'``).

    Raises ``OSError(EPERM)`` for ``/flash`` and ``ValueError`` when nothing is mounted
    there."""
    text = _path(path)
    if text.rstrip("/") == filesystem.FLASH:
        raise device_error(errno.EPERM)
    fs = _fs()
    if text not in fs.mounts:
        raise bad_argument()
    fs.umount(text)
    _state().mounted.pop(text, None)


def mkfs(block_device: Any) -> None:
    """Format a drive: ``'/flash'``, a mounted drive's path, or an unmounted ``machine.SD``.

    Every file and folder in it is deleted. ``/flash`` gets its default ``boot.py`` and
    ``main.py`` (and ``sys``, ``lib``, ``cert``) back at the next boot, as on the device.
    Raises ``OSError(EINVAL)`` for a relative path, ``OSError(EIO)`` for a path on no drive,
    ``OSError(EROFS)`` for a read-only mount, ``OSError(EPERM)`` for an SD that is mounted."""
    fs = _fs()
    if isinstance(block_device, (str, bytes)):
        text = _path(block_device)
        if not text.startswith("/"):
            raise device_error(errno.EINVAL)
        try:
            point = fs.mount_of(text)
        except OSError:
            raise device_error(errno.EIO) from None
        if fs.is_readonly(point):
            raise device_error(errno.EROFS)
        root = fs.host_path(point)
    else:
        if any(device is block_device for device in _state().mounted.values()):
            raise device_error(errno.EPERM)
        root = _device_root(block_device)
    _wipe(Path(root))


def _wipe(root: Path) -> None:
    """Delete everything inside ``root`` (never following a symbolic link out of it)."""
    real = Path(_os.path.realpath(root))
    if real == Path(real.anchor) or real == Path.home().resolve():
        raise device_error(errno.EPERM)  # a drive mapped onto / or $HOME is never wiped
    try:
        for entry in _os.scandir(real):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                _os.unlink(entry.path)
    except OSError as exc:
        raise device_error(exc.errno or errno.EIO) from None


# ----------------------------------------------------------------------------------- dupterm

_dup_lock = threading.RLock()
_dup_stream: Any = None
_dup_runtime: Any = None
_saved_stdout: Any = None
_saved_stdin: Any = None


def dupterm(stream_object: Any = ...) -> Any:
    """Duplicate the terminal on ``stream_object`` (a ``machine.UART`` or any object with
    ``read`` and ``write``): everything printed is also written to it, ``\\n`` sent as
    ``\\r\\n`` in a write of its own (bytes to a UART, ``str`` to any other object, as the
    firmware hands them), and what it sends can be read from ``sys.stdin``
    (``input()``). ``dupterm(None)`` stops it; a reset stops it too.

    Returns ``None`` when setting; ``dupterm()`` returns the stream in use (or ``None``).
    Raises ``AttributeError`` for an object without ``read`` or ``write``."""
    global _dup_stream, _dup_runtime
    if stream_object is ...:
        return _dup_stream
    with _dup_lock:
        if stream_object is None:
            _stop_dupterm()
            return None
        for method in ("read", "write"):
            if not callable(getattr(stream_object, method, None)):
                raise AttributeError(
                    f"'{type(stream_object).__name__}' object has no attribute '{method}'"
                )
        runtime = current_runtime()
        if _dup_runtime is not runtime:
            runtime.on_close(_stop_dupterm)
            _dup_runtime = runtime
        _dup_stream = stream_object
        _start_tee()
    return None


def _start_tee() -> None:
    global _saved_stdout, _saved_stdin
    if not isinstance(sys.stdout, _TeeOut):
        _saved_stdout = sys.stdout
        sys.stdout = _TeeOut(sys.stdout)
    if not isinstance(sys.stdin, _TeeIn):
        _saved_stdin = sys.stdin
        sys.stdin = _TeeIn(sys.stdin)


def _stop_dupterm() -> None:
    """Stop duplicating; put back ``sys.stdout``/``sys.stdin`` if nobody replaced them since."""
    global _dup_stream, _dup_runtime, _saved_stdout, _saved_stdin
    with _dup_lock:
        _dup_stream = _dup_runtime = None
        if isinstance(sys.stdout, _TeeOut) and _saved_stdout is not None:
            sys.stdout = _saved_stdout
        if isinstance(sys.stdin, _TeeIn) and _saved_stdin is not None:
            sys.stdin = _saved_stdin
        _saved_stdout = _saved_stdin = None


class _TeeOut:
    """``sys.stdout`` while dupterm is on: writes go to the console and the stream."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def write(self, text: str) -> int:
        count: int = self._inner.write(text)
        stream = _dup_stream
        if stream is not None and text:
            _send_cooked(stream, text)
        return count

    def flush(self) -> None:
        self._inner.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def _send_cooked(stream: Any, text: str) -> None:
    """Send printed ``text`` to ``stream`` as the firmware does: each run of characters up to a
    ``\n`` in one write (an empty one too), then ``\r\n`` in a write of its own; a
    ``machine.UART`` gets the bytes, any other stream ``str`` objects."""
    from machine import UART

    as_bytes = isinstance(stream, UART)
    pieces = text.split("\n")
    for index, piece in enumerate(pieces):
        last = index == len(pieces) - 1
        if not last or piece:
            stream.write(piece.encode() if as_bytes else piece)
        if not last:
            stream.write(b"\r\n" if as_bytes else "\r\n")


class _TeeIn:
    """``sys.stdin`` while dupterm is on: lines come from the stream when it has sent any,
    otherwise from the console. ``\\r`` (the Enter key of a terminal) ends a line."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self._buffer = ""
        self._after_cr = False

    def _pull(self) -> None:
        """Move what the stream has sent so far into the buffer (never waits for more)."""
        stream = _dup_stream
        if stream is None:
            return
        while True:
            waiting = getattr(stream, "any", None)
            if callable(waiting):
                count = waiting()
                chunk = stream.read(count) if count else None
            else:
                chunk = stream.read(1)
            if not chunk:
                return
            text = chunk if isinstance(chunk, str) else bytes(chunk).decode(errors="replace")
            if self._after_cr and text.startswith("\n"):
                text = text[1:]  # the \n of a \r\n split over two reads
            self._after_cr = text.endswith("\r")
            self._buffer += text.replace("\r\n", "\n").replace("\r", "\n")

    def readline(self, size: int = -1) -> str:
        self._pull()
        if "\n" in self._buffer or (self._buffer and not _console_has_input(self._inner)):
            end = self._buffer.find("\n") + 1 or len(self._buffer)
            if 0 <= size < end:
                end = size
            line, self._buffer = self._buffer[:end], self._buffer[end:]
            return line
        console: str = self._inner.readline(size)
        return console

    def read(self, size: int = -1) -> str:
        self._pull()
        if self._buffer:
            end = len(self._buffer) if size is None or size < 0 else size
            text, self._buffer = self._buffer[:end], self._buffer[end:]
            return text
        data: str = self._inner.read(size)
        return data

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def _console_has_input(console: Any) -> bool:
    """Whether the console could give a line now (true when it can't be polled)."""
    try:
        ready, _, _ = _select.select([console], [], [], 0)
        return bool(ready)
    except (OSError, ValueError, TypeError, AttributeError):
        return True
