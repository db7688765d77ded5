"""The device's file system: ``/flash`` and ``/sd`` paths mapped onto host directories.

Device code names files the WiPy's way: absolute paths under a mount point (``/flash/main.py``,
``/sd/log.txt``), or paths relative to the device's current directory (``/flash`` at boot).
A ``FileSystem`` turns those into host paths inside the mounted directories and refuses
anything that would leave them: ``..`` past a mount point, absolute host paths such as
``/etc/passwd``, and symbolic links that point outside (all raise ``OSError``).

``current()`` is the file system of the running device (one per boot: the current directory
and the mounts start afresh after a reset, the files don't). ``uos`` uses it directly.

``patched(is_device_code)`` is what the runner wraps a program in: ``open`` and the ``os``
functions ``listdir``, ``mkdir``, ``remove``, ``unlink``, ``rename``, ``stat``, ``rmdir``,
``chdir`` and ``getcwd`` take device paths when called from device code (``is_device_code``
says which source files are), and behave as usual for every other caller, so the library and
the standard library keep working on host paths. Errors are ``OSError`` with MicroPython's
errno and no host path in the message (``[Errno 2] ENOENT``).
"""

from __future__ import annotations

import builtins
import errno
import os
import posixpath
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable

from . import devicefile
from .board import current_runtime
from .errors import device_error

__all__ = ["FLASH", "SD", "FileSystem", "as_text", "current", "device_open", "patched"]

FLASH = "/flash"
SD = "/sd"

_STATE_KEY = "micropython_compat.filesystem"


class FileSystem:
    """Mount points (``'/flash'``, ``'/sd'``) onto host directories, and a current directory.

    Every method takes device paths. Paths that lead outside every mount raise
    ``OSError(ENOENT)``; paths that resolve (through a symbolic link) outside their mount raise
    ``OSError(EACCES)``; changing the root or a mount point itself raises ``OSError(EPERM)``.
    """

    def __init__(self, mounts: dict[str, Path] | None = None, cwd: str = FLASH) -> None:
        self._mounts: dict[str, Path] = {}
        self._readonly: set[str] = set()
        # Mounts the board made at boot (the SD card): ``uos.mount`` of that card takes it over.
        self.auto_mounts: set[str] = set()
        for point, folder in (mounts or {}).items():
            self.mount(folder, point)
        self._cwd = "/"
        if cwd in self._mounts or self._is_dir(cwd):
            self._cwd = self.abspath(cwd)

    @classmethod
    def for_board(cls, flash: Path, sd: Path | None = None) -> FileSystem:
        """``/flash`` on ``flash`` and, when given, ``/sd`` on ``sd``; current directory
        ``/flash``."""
        mounts = {FLASH: flash}
        if sd is not None:
            mounts[SD] = sd
        fs = cls(mounts)
        if sd is not None:
            fs.auto_mounts.add(SD)
        return fs

    # -- mounts ------------------------------------------------------------------------------
    @property
    def mounts(self) -> dict[str, Path]:
        """The mount points and the host directories behind them (a copy)."""
        return dict(self._mounts)

    def mount(self, folder: str | os.PathLike[str], point: str, *, readonly: bool = False) -> None:
        """Mount host directory ``folder`` at ``point`` (``'/sd'``): one level below ``/``;
        ``readonly``: every change below it raises ``OSError(EROFS)``.

        Raises ``OSError(EPERM)`` if ``point`` is taken or not a top-level name, and
        ``OSError(ENOENT)`` if ``folder`` is not a directory.
        """
        point = posixpath.normpath("/" + str(point).lstrip("/"))
        if point == "/" or "/" in point[1:] or point in self._mounts:
            raise device_error(errno.EPERM)
        host = Path(folder)
        if not host.is_dir():
            raise device_error(errno.ENOENT)
        self._mounts[point] = Path(os.path.realpath(host))
        if readonly:
            self._readonly.add(point)

    def umount(self, point: str) -> None:
        """Remove the mount at ``point``; ``OSError(EINVAL)`` if nothing is mounted there."""
        point = self.abspath(point)
        if point not in self._mounts:
            raise device_error(errno.EINVAL)
        del self._mounts[point]
        self._readonly.discard(point)
        self.auto_mounts.discard(point)
        if self._cwd == point or self._cwd.startswith(point + "/"):
            self._cwd = "/"

    # -- paths -------------------------------------------------------------------------------
    def abspath(self, path: Any) -> str:
        """The normalised absolute device path of ``path`` (relative to the current dir)."""
        text = _as_text(path)
        joined = text if text.startswith("/") else posixpath.join(self._cwd, text)
        # normpath keeps a leading '//'; '..' at the root stays at the root, as on FatFs.
        return "/" + posixpath.normpath(joined).lstrip("/")

    def _split(self, path: Any) -> tuple[str, str, str]:
        """``(device path, mount point, rest below it)``; ``OSError(ENOENT)`` outside mounts."""
        full = self.abspath(path)
        for point in self._mounts:
            if full == point or full.startswith(point + "/"):
                return full, point, full[len(point) :].lstrip("/")
        raise device_error(errno.ENOENT)

    def mount_of(self, path: Any) -> str:
        """The mount point holding device path ``path``; ``OSError(ENOENT)`` outside mounts."""
        return self._split(path)[1]

    def is_readonly(self, point: str) -> bool:
        """Whether the mount at ``point`` was mounted read-only."""
        return point in self._readonly

    def host_path(self, path: Any) -> Path:
        """The host path behind device path ``path``, confined to its mount.

        Raises ``OSError(ENOENT)`` outside every mount, ``OSError(EACCES)`` if a symbolic link
        leads out of the mount.
        """
        _, point, rest = self._split(path)
        root = self._mounts[point]
        candidate = os.path.realpath(os.path.join(root, rest)) if rest else str(root)
        if candidate != str(root) and not candidate.startswith(str(root) + os.sep):
            raise device_error(errno.EACCES)
        return Path(candidate)

    def device_path(self, host: str | os.PathLike[str]) -> str | None:
        """The device path of host file ``host`` (``None`` if no mount holds it)."""
        real = os.path.realpath(host)
        for point, root in self._mounts.items():
            if real == str(root):
                return point
            if real.startswith(str(root) + os.sep):
                return point + "/" + os.path.relpath(real, root).replace(os.sep, "/")
        return None

    def _is_dir(self, path: str) -> bool:
        try:
            full = self.abspath(path)
            return full == "/" or self.host_path(full).is_dir()
        except OSError:
            return False

    def _changeable(self, path: Any) -> Path:
        """The host path of a file or directory that may be created, removed or renamed."""
        full, point, rest = self._split(path)
        if not rest:  # the mount point itself
            raise device_error(errno.EPERM)
        if point in self._readonly:
            raise device_error(errno.EROFS)
        return self.host_path(full)

    # -- the uos operations ------------------------------------------------------------------
    def open(self, path: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        """``open()`` a device path (same arguments as the builtin); writing below a read-only
        mount raises ``OSError(EROFS)``."""
        if any(flag in str(mode) for flag in "wax+"):
            host = self._changeable(path)
        else:
            host = self.host_path(path)
        return _host_call(builtins_open, host, mode, *args, **kwargs)

    def open_device(self, path: Any, mode: Any = "r", *, encoding: Any = None) -> Any:
        """Open a device path as the device does: a ``devicefile.TextIOWrapper`` or, with
        ``'b'`` in ``mode``, a ``devicefile.FileIO`` (``encoding`` is ignored, as there).

        Raises ``OSError`` with the device's errno (``ENOENT``, ``EEXIST`` for ``'x'``,
        ``EROFS`` below a read-only mount) and TypeError for a mode that is not a str."""
        del encoding
        writable = devicefile.parse_mode(mode)[2]
        host = self._changeable(path) if writable else self.host_path(path)
        return _host_call(devicefile.open_file, host, mode)

    def listdir(self, path: Any = None) -> list[str]:
        """Names in a directory (default: the current one), in the host directory's own
        order (the device lists in directory order, unsorted), as ``os.listdir``."""
        full = self.abspath("." if path is None else path)
        if full == "/":
            return [point[1:] for point in self._mounts]
        names: list[str] = _host_call(_os["listdir"], self.host_path(full))
        return names

    def mkdir(self, path: Any) -> None:
        """Create a directory; ``OSError(EEXIST)`` if it exists."""
        _host_call(_os["mkdir"], self._changeable(path))

    def _entry(self, path: Any) -> Path:
        """The host path of the directory entry ``path`` names, its last name not followed
        (a symbolic link is itself); the checks of ``_changeable`` (a link leading out of the
        mount is refused with ``EACCES`` all the same)."""
        full = self.abspath(path)
        self._changeable(full)
        parent, _, name = full.rpartition("/")
        return self.host_path(parent) / name

    def is_link(self, path: Any) -> bool:
        """Whether ``path`` names a symbolic link (on the host: the device has none)."""
        try:
            return self._entry(path).is_symlink()
        except OSError:
            return False

    def remove(self, path: Any) -> None:
        """Remove a file; a symbolic link is removed itself, never what it points to."""
        _host_call(_os["remove"], self._entry(path))

    def rmdir(self, path: Any) -> None:
        """Remove an empty directory."""
        _host_call(_os["rmdir"], self._changeable(path))

    def rename(self, old: Any, new: Any) -> None:
        """Rename a file or directory (both paths in mounted directories). A current directory
        in what was renamed follows it, as FatFs keeps it by directory, not by path."""
        _host_call(_os["rename"], self._changeable(old), self._changeable(new))
        before, after = self.abspath(old), self.abspath(new)
        if self._cwd == before or self._cwd.startswith(before + "/"):
            self._cwd = after + self._cwd[len(before) :]

    def stat(self, path: Any) -> os.stat_result:
        """``os.stat`` of a device path (``/`` reads as the ``/flash`` directory)."""
        full = self.abspath(path)
        if full == "/":
            if FLASH in self._mounts:
                full = FLASH
            else:
                raise device_error(errno.ENOENT)
        result: os.stat_result = _host_call(_os["stat"], self.host_path(full))
        return result

    def chdir(self, path: Any) -> None:
        """Change the current directory; ``OSError(ENOENT)`` if it is not a directory."""
        full = self.abspath(path)
        if not self._is_dir(full):
            raise device_error(errno.ENOENT)
        self._cwd = full

    def getcwd(self) -> str:
        """The current device directory (``'/flash'`` at boot)."""
        return self._cwd


def current() -> FileSystem:
    """The running device's file system (created at first use after each boot)."""
    runtime = current_runtime()
    storage = runtime.board.storage
    return runtime.state(_STATE_KEY, lambda: FileSystem.for_board(storage.flash, storage.sd))


# ------------------------------------------------------------------------------ host side

builtins_open = builtins.open
_OS_NAMES = ("listdir", "mkdir", "remove", "unlink", "rename", "stat", "rmdir", "chdir", "getcwd")
_os: dict[str, Callable[..., Any]] = {name: getattr(os, name) for name in _OS_NAMES}


def as_text(path: Any) -> str:
    """A path argument as text (``str``, ``bytes`` or path-like); ``TypeError`` otherwise."""
    return _as_text(path)


def device_open(file: Any, mode: Any = "r", *, encoding: Any = None) -> Any:
    """The program's ``open(file, mode='r', *, encoding=None)``: the device's file object
    for a device path on ``current()`` (see ``FileSystem.open_device``)."""
    return current().open_device(file, mode, encoding=encoding)


def _as_text(path: Any) -> str:
    """A device path as text. The firmware hands paths to FatFs as C strings, so a NUL ends
    the path there (``'/flash/a\\0b'`` names ``/flash/a``; a missing file is then the
    device's ``OSError``, never CPython's ``ValueError: embedded null byte``)."""
    if isinstance(path, bytes):
        return _as_text(os.fsdecode(path))
    if isinstance(path, str):
        return path.partition("\0")[0]
    if isinstance(path, os.PathLike):
        return _as_text(os.fspath(path))
    raise TypeError(f"can't convert '{type(path).__name__}' object to str implicitly")


def _host_call(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call a host file function; its ``OSError`` becomes MicroPython's (errno, no path)."""
    try:
        return function(*args, **kwargs)
    except OSError as exc:
        raise device_error(exc.errno or errno.EIO) from None


_DEVICE_OPS: dict[str, Callable[..., Any]] = {
    "listdir": lambda fs, *a: fs.listdir(*a),
    "mkdir": lambda fs, path, *a, **k: fs.mkdir(path),
    "remove": lambda fs, path, **k: fs.remove(path),
    "unlink": lambda fs, path, **k: fs.remove(path),
    "rename": lambda fs, old, new, **k: fs.rename(old, new),
    "stat": lambda fs, path, **k: fs.stat(path),
    "rmdir": lambda fs, path, **k: fs.rmdir(path),
    "chdir": lambda fs, path: fs.chdir(path),
    "getcwd": lambda fs: fs.getcwd(),
}


def _routed(
    name: str, host: Callable[..., Any], is_device_code: Callable[[str], bool]
) -> Callable[..., Any]:
    device = _DEVICE_OPS[name]

    def function(*args: Any, **kwargs: Any) -> Any:
        caller = sys._getframe(1).f_code.co_filename
        if is_device_code(caller) and not (args and isinstance(args[0], int)):
            return device(current(), *args, **kwargs)
        return host(*args, **kwargs)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = host.__doc__
    return function


def _routed_open(is_device_code: Callable[[str], bool]) -> Callable[..., Any]:
    def open(file: Any, *args: Any, **kwargs: Any) -> Any:
        caller = sys._getframe(1).f_code.co_filename
        if is_device_code(caller) and not isinstance(file, int):
            return current().open(file, *args, **kwargs)
        return builtins_open(file, *args, **kwargs)

    open.__doc__ = builtins_open.__doc__
    return open


@contextmanager
def patched(is_device_code: Callable[[str], bool]) -> Iterator[None]:
    """Route ``open`` and the ``os`` file functions to ``current()`` for device code.

    ``is_device_code(filename)`` is asked with the source file name of each caller. Everything
    is restored when the block ends.
    """
    saved_open = builtins.open
    saved_os = {name: getattr(os, name) for name in _OS_NAMES}
    builtins.open = _routed_open(is_device_code)
    for name in _OS_NAMES:
        setattr(os, name, _routed(name, _os[name], is_device_code))
    try:
        yield
    finally:
        builtins.open = saved_open
        for name, function in saved_os.items():
            setattr(os, name, function)
