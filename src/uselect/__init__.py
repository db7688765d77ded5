"""``uselect``: wait for sockets, UARTs and other streams, as MicroPython 1.8.5 does.

* ``poll()`` returns a poll object: ``register(obj, eventmask=POLLIN | POLLOUT)`` (registering
  again replaces the mask), ``unregister(obj)`` (nothing happens if ``obj`` isn't registered),
  ``modify(obj, eventmask)`` (``OSError(ENOENT)`` if it isn't) and ``poll(timeout_ms=-1)``,
  which returns a list of ``(obj, event)`` tuples holding the registered objects themselves,
  in registration order; ``[]`` when the timeout runs out. A negative timeout (or ``None``)
  waits for ever, ``0`` does not wait.
* ``select(rlist, wlist, xlist[, timeout])`` with the timeout in seconds (``None``: for
  ever) returns three lists of the objects that are ready.
* ``POLLIN`` 1, ``POLLOUT`` 4, ``POLLERR`` 8, ``POLLHUP`` 16 (MicroPython's stream values).
* Anything with a ``fileno()`` can be polled: ``usocket`` sockets (bytes that TLS has already
  decrypted count as readable), ``machine.UART`` (readable while characters wait; always
  writable, as the firmware reports), files, pipes. Other objects raise
  ``OSError('stream operation not supported')`` at ``register``; a closed socket or a
  de-initialised UART raises ``OSError`` when polled.

Where this differs from the WiPy (also in docs/differences.md): ``POLLERR`` and ``POLLHUP`` are
reported whenever the host reports them, requested or not (the WiPy's sockets report them only
when asked), and ``select``'s ``xlist`` only holds objects that were passed in it.

Time: the wait runs on the board's clock. On the real clock it is a host ``poll``. On a
virtual clock a wait takes no real time: the clock moves on alarm by alarm (timers, UART
characters on their way and interrupt handlers run as they fall due) up to the timeout, and
the descriptors are checked without waiting after each step; so a socket whose data is still
on its way in real time reads as not ready. A wait for ever on a virtual clock with no alarm
left waits in real time for the descriptors (another thread may feed them).
"""

from __future__ import annotations

import errno as _errno
import select as _select
from typing import Any

from micropython_compat.board import current_runtime
from micropython_compat.errors import device_error
from usocket import _int

__all__ = ["POLLERR", "POLLHUP", "POLLIN", "POLLOUT", "poll", "select"]

POLLIN = 0x0001
POLLOUT = 0x0004
POLLERR = 0x0008
POLLHUP = 0x0010

_RW = POLLIN | POLLOUT
#: Host poll flags that mean the descriptor is not open.
_NVAL = getattr(_select, "POLLNVAL", 0x20)
#: How long one real-time slice of an endless wait on a virtual clock lasts (ms).
_SLICE_MS = 50


def _check_stream(obj: Any) -> None:
    if not callable(getattr(obj, "fileno", None)):
        raise OSError("stream operation not supported")


def _always_writable(obj: Any) -> bool:
    """A UART's TX FIFO takes characters at once: the firmware always reports it writable."""
    from machine import UART

    return isinstance(obj, UART)


class _Entry:
    __slots__ = ("mask", "obj")

    def __init__(self, obj: Any, mask: int) -> None:
        self.obj = obj
        self.mask = mask


def _ready_now(entries: list[_Entry], wait_ms: int) -> list[tuple[Any, int]]:
    """One host poll of every entry (waiting at most ``wait_ms``, -1 for ever): the entries
    that are ready and their events."""
    instant: dict[int, int] = {}
    by_fd: dict[int, int] = {}
    fds: list[int] = []
    for index, entry in enumerate(entries):
        fd = entry.obj.fileno()
        if not isinstance(fd, int) or fd < 0:
            raise device_error(_errno.EBADF)
        fds.append(fd)
        extra = 0
        if entry.mask & POLLOUT and _always_writable(entry.obj):
            extra |= POLLOUT
        buffered = getattr(entry.obj, "_buffered", None)
        if entry.mask & POLLIN and buffered is not None and buffered():
            extra |= POLLIN
        if extra:
            instant[index] = extra
        host_mask = entry.mask & _RW & ~extra
        by_fd[fd] = by_fd.get(fd, 0) | host_mask
    poller = _select.poll()
    for fd, mask in by_fd.items():
        poller.register(fd, mask)
    events = dict(poller.poll(0 if instant else wait_ms))
    ready: list[tuple[Any, int]] = []
    for index, entry in enumerate(entries):
        happened = events.get(fds[index], 0)
        if happened & _NVAL:
            raise device_error(_errno.EBADF)
        flags = (happened & entry.mask & _RW) | (happened & (POLLERR | POLLHUP))
        flags |= instant.get(index, 0)
        if flags:
            ready.append((entry.obj, flags))
    return ready


def _wait(entries: list[_Entry], timeout_ms: int) -> list[tuple[Any, int]]:
    """Poll ``entries`` until one is ready or ``timeout_ms`` (-1: never) passes on the board
    clock."""
    clock = current_runtime().board.clock
    if not clock.virtual:
        return _ready_now(entries, timeout_ms)
    next_alarm = getattr(clock, "next_deadline_ns", lambda: None)
    deadline = None if timeout_ms < 0 else clock.now_ns() + timeout_ms * 1_000_000
    while True:
        ready = _ready_now(entries, 0)
        if ready or timeout_ms == 0:
            return ready
        now = clock.now_ns()
        upcoming: int | None = next_alarm()
        if deadline is not None and now >= deadline:
            return []
        if upcoming is None and deadline is None:
            ready = _ready_now(entries, _SLICE_MS)
            if ready:
                return ready
            continue
        if upcoming is None or (deadline is not None and upcoming > deadline):
            target = deadline
        else:
            target = upcoming
        assert target is not None
        clock.sleep_until_ns(max(target, now))


class _Poll:
    """What ``poll()`` returns."""

    def __init__(self) -> None:
        self._entries: dict[int, _Entry] = {}

    def register(self, obj: Any, eventmask: Any = POLLIN | POLLOUT) -> None:
        """Watch ``obj`` for ``eventmask``; again for the same object replaces the mask.
        Raises ``TypeError`` for a non-int mask, ``OSError`` for an object without
        ``fileno()``."""
        mask = _int(eventmask)
        entry = self._entries.get(id(obj))
        if entry is None:
            _check_stream(obj)
            self._entries[id(obj)] = _Entry(obj, mask)
        else:
            entry.mask = mask

    def unregister(self, obj: Any) -> None:
        """Stop watching ``obj`` (nothing happens if it isn't watched)."""
        self._entries.pop(id(obj), None)

    def modify(self, obj: Any, eventmask: Any) -> None:
        """Change the mask of a watched object; ``OSError(ENOENT)`` if it isn't watched,
        ``TypeError`` for a non-int mask."""
        entry = self._entries.get(id(obj))
        if entry is None:
            raise device_error(_errno.ENOENT)
        entry.mask = _int(eventmask)

    def poll(self, timeout: Any = -1) -> list[tuple[Any, int]]:
        """Wait up to ``timeout`` ms (negative or ``None``: for ever) for a watched object to
        be ready: a list of ``(obj, event)``, ``[]`` on timeout. ``TypeError`` for a
        non-int timeout."""
        wait = -1 if timeout is None else _int(timeout)
        return _wait(list(self._entries.values()), max(-1, wait))

    def __repr__(self) -> str:
        return "<poll>"


def poll() -> _Poll:
    """A new poll object."""
    return _Poll()


def _objects(value: Any) -> list[Any]:
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"object '{type(value).__name__}' is not a tuple or list")
    return list(value)


def select(
    rlist: Any, wlist: Any, xlist: Any, timeout: Any = None
) -> tuple[list[Any], list[Any], list[Any]]:
    """Wait up to ``timeout`` seconds (``None`` or negative: for ever) for an object in
    ``rlist`` to be readable, in ``wlist`` writable or in ``xlist`` in error; return the three
    lists of ready objects. Raises ``TypeError`` for lists that aren't lists or tuples or a
    timeout that isn't a number, ``OSError`` for an object without ``fileno()``."""
    groups = (_objects(rlist), _objects(wlist), _objects(xlist))
    if timeout is None:
        wait_ms = -1
    elif isinstance(timeout, (int, float)):
        wait_ms = -1 if timeout < 0 else int(timeout * 1000)
    else:
        raise TypeError(f"can't convert {type(timeout).__name__} to float")
    entries: dict[int, _Entry] = {}
    for group, mask in zip(groups, (POLLIN, POLLOUT, POLLERR | POLLHUP)):
        for obj in group:
            entry = entries.get(id(obj))
            if entry is None:
                _check_stream(obj)
                entries[id(obj)] = _Entry(obj, mask)
            else:
                entry.mask |= mask
    in_xlist = {id(obj) for obj in groups[2]}
    result: tuple[list[Any], list[Any], list[Any]] = ([], [], [])
    for obj, flags in _wait(list(entries.values()), wait_ms):
        if flags & POLLIN:
            result[0].append(obj)
        if flags & POLLOUT:
            result[1].append(obj)
        if flags & (POLLERR | POLLHUP) and id(obj) in in_xlist:
            result[2].append(obj)
    return result
