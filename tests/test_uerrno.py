"""uerrno: MicroPython 1.8.5's generic errno list, with MicroPython's (Linux) numbers."""

from __future__ import annotations

import errno
import sys

import uerrno
from micropython_compat.errors import device_error

NAMES = [
    "EPERM",
    "ENOENT",
    "EIO",
    "EBADF",
    "EAGAIN",
    "ENOMEM",
    "EACCES",
    "EEXIST",
    "ENODEV",
    "EISDIR",
    "EINVAL",
    "EOPNOTSUPP",
    "EADDRINUSE",
    "ECONNABORTED",
    "ECONNRESET",
    "ENOBUFS",
    "ENOTCONN",
    "ETIMEDOUT",
    "ECONNREFUSED",
    "EHOSTUNREACH",
    "EALREADY",
    "EINPROGRESS",
]


def test_exactly_the_default_list():
    present = sorted(n for n in dir(uerrno) if n.startswith("E"))
    assert present == sorted(NAMES)
    for missing in ("ENOSPC", "EBUSY", "EROFS", "EWOULDBLOCK", "ENOTDIR"):
        assert not hasattr(uerrno, missing)
        assert hasattr(errno, missing)


def test_micropython_numbers():
    assert (uerrno.EPERM, uerrno.ENOENT, uerrno.EIO, uerrno.EAGAIN) == (1, 2, 5, 11)
    assert (uerrno.ENODEV, uerrno.EINVAL, uerrno.ETIMEDOUT) == (19, 22, 110)
    assert (uerrno.EOPNOTSUPP, uerrno.EADDRINUSE, uerrno.EINPROGRESS) == (95, 98, 115)


# The Linux values, which MicroPython's internal errno numbers follow.
LINUX = dict(
    EPERM=1,
    ENOENT=2,
    EIO=5,
    EBADF=9,
    EAGAIN=11,
    ENOMEM=12,
    EACCES=13,
    EEXIST=17,
    ENODEV=19,
    EISDIR=21,
    EINVAL=22,
    EOPNOTSUPP=95,
    EADDRINUSE=98,
    ECONNABORTED=103,
    ECONNRESET=104,
    ENOBUFS=105,
    ENOTCONN=107,
    ETIMEDOUT=110,
    ECONNREFUSED=111,
    EHOSTUNREACH=113,
    EALREADY=114,
    EINPROGRESS=115,
)


def test_numbers_are_the_linux_ones_on_every_host():
    assert {name: getattr(uerrno, name) for name in NAMES} == LINUX
    if sys.platform.startswith("linux"):
        assert {name: getattr(errno, name) for name in NAMES} == LINUX


def test_errorcode_maps_numbers_to_names():
    assert len(uerrno.errorcode) == len(NAMES)
    for name in NAMES:
        assert uerrno.errorcode[getattr(uerrno, name)] == name
    assert 28 not in uerrno.errorcode


def test_device_errors_compare_with_uerrno():
    try:
        raise device_error(uerrno.ETIMEDOUT)
    except OSError as exc:
        assert exc.args[0] == uerrno.ETIMEDOUT
        assert uerrno.errorcode[exc.args[0]] == "ETIMEDOUT"
