"""``uerrno``: error numbers, as MicroPython 1.8.5's generic ``uerrno`` module.

**The WiPy's 1.8.5 build did not include this module** (its port configuration did not enable
``MICROPY_PY_UERRNO``; an ``OSError`` printed as ``OSError: 19`` there). It is provided with
the generic 1.8.5 contents, so code written for boards that have it, or that compares
``e.args[0]`` against names, runs here:

* the 22 constants of MicroPython's default list (no others: ``uerrno.ENOSPC`` is an
  AttributeError, unlike CPython's ``errno``), with MicroPython's own numbers, which are the
  Linux values (on any host OS, unlike CPython's ``errno``);
* ``errorcode``: a dict from each of those numbers to its name.
"""

from __future__ import annotations

__all__ = [
    "EACCES",
    "EADDRINUSE",
    "EAGAIN",
    "EALREADY",
    "EBADF",
    "ECONNABORTED",
    "ECONNREFUSED",
    "ECONNRESET",
    "EEXIST",
    "EHOSTUNREACH",
    "EINPROGRESS",
    "EINVAL",
    "EIO",
    "EISDIR",
    "ENOBUFS",
    "ENODEV",
    "ENOENT",
    "ENOMEM",
    "ENOTCONN",
    "EOPNOTSUPP",
    "EPERM",
    "ETIMEDOUT",
    "errorcode",
]

EPERM = 1
ENOENT = 2
EIO = 5
EBADF = 9
EAGAIN = 11
ENOMEM = 12
EACCES = 13
EEXIST = 17
ENODEV = 19
EISDIR = 21
EINVAL = 22
EOPNOTSUPP = 95
EADDRINUSE = 98
ECONNABORTED = 103
ECONNRESET = 104
ENOBUFS = 105
ENOTCONN = 107
ETIMEDOUT = 110
ECONNREFUSED = 111
EHOSTUNREACH = 113
EALREADY = 114
EINPROGRESS = 115

errorcode: dict[int, str] = {
    value: name for name, value in list(globals().items()) if name[:1] == "E" and name.isupper()
}
