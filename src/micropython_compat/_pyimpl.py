"""The pure-Python twin of ``_speedups``: the same functions, the same behaviour.

Ticks follow MicroPython 1.8.5: counters wrap at 2**30 (``TICKS_PERIOD``), and
``ticks_diff(old, new)`` returns ``(new - old)`` modulo the period. With no clock set they read
the host's monotonic clock; ``set_clock(clock)`` makes them read ``clock.ticks_ns()`` (a virtual
clock).

``PinBase`` is the hot part of ``machine.Pin``: ``value()``, ``__call__()`` and ``toggle()``
talk straight to the backend's line handle (``_line``), or with ``_fd >= 0`` issue the GPIO v2
ioctl on that line request themselves, skipping writes that would not change the output
register (``_out``, -1 when unknown).

On the simulated board ``_sim`` is the pin's ``SimPinBase``: a level change of an unwired
push-pull output is then ``SimPinBase.write()`` (and a ``LevelRing`` append when recording, a
watcher call when an irq watches); reads return its level. ``LevelRing`` keeps a pin's last N
level changes.

``Match`` and ``FastMatcher`` are ``ure``'s: a compiled regex's ``match``/``search`` are
FastMatchers, which hand an ASCII ``str`` straight to CPython's compiled pattern and wrap the
re.Match in a device-style ``Match``.
"""

from __future__ import annotations

import errno
import itertools
import operator
import sys
import time
from collections import deque
from collections.abc import Iterator
from typing import Any, overload

from .errors import device_error

try:
    import fcntl
except ImportError:  # not a POSIX system: no GPIO character device either
    fcntl = None  # type: ignore[assignment]

TICKS_PERIOD = 1 << 30
TICKS_MAX = TICKS_PERIOD - 1

_clock: Any | None = None


def set_clock(clock: Any | None) -> None:
    """Read ticks from ``clock.ticks_ns()``, or from the host's monotonic clock for ``None``."""
    global _clock
    _clock = clock


_offset = 0


def set_ticks_offset(offset_ns: int) -> None:
    """Add ``offset_ns`` to the clock's reading before ticks are computed."""
    global _offset
    if not isinstance(offset_ns, int):
        raise TypeError(f"offset_ns must be an int, not {type(offset_ns).__name__}")
    _offset = offset_ns


def _now_ns() -> int:
    clock = _clock
    return (time.monotonic_ns() if clock is None else int(clock.ticks_ns())) + _offset


def ticks_ms() -> int:
    """Milliseconds, wrapping at 2**30."""
    return (_now_ns() // 1_000_000) & TICKS_MAX


def ticks_us() -> int:
    """Microseconds, wrapping at 2**30."""
    return (_now_ns() // 1_000) & TICKS_MAX


def ticks_cpu() -> int:
    """The finest counter there is (ns here), wrapping at 2**30."""
    return _now_ns() & TICKS_MAX


def ticks_diff(old: int, new: int) -> int:
    """``new - old`` modulo 2**30 (MicroPython 1.8.5's argument order)."""
    return (int(new) - int(old)) & TICKS_MAX


def ticks_add(ticks: int, delta: int) -> int:
    """``ticks + delta`` modulo 2**30."""
    return (int(ticks) + int(delta)) & TICKS_MAX


# GPIO_V2_LINE_{GET,SET}_VALUES = _IOWR(0xB4, 0x0E / 0x0F, struct gpio_v2_line_values), the
# struct being two u64, ``bits`` then ``mask`` (16 bytes): (3 << 30) | (16 << 16) | (0xB4 << 8) |
# nr, as <linux/gpio.h> gives them. The architectures with another _IOC layout (alpha, mips,
# powerpc, sparc: read|write = 6 << 29) encode _IOWR of 16 bytes to the same numbers.
GPIO_V2_LINE_GET_VALUES = 0xC010B40E
GPIO_V2_LINE_SET_VALUES = 0xC010B40F

# The direct path's preallocated buffers, line 0 (mask 1) of the request. SET's are never
# written by the kernel (fcntl copies them back unchanged), so every pin can share them; GET
# passes immutable bytes and reads the bytes fcntl returns, which no other thread can touch.
_DRIVE_HIGH = bytearray((1).to_bytes(8, sys.byteorder) + (1).to_bytes(8, sys.byteorder))
_DRIVE_LOW = bytearray((0).to_bytes(8, sys.byteorder) + (1).to_bytes(8, sys.byteorder))
_READ = bytes(_DRIVE_LOW)
_LOW_BYTE = 0 if sys.byteorder == "little" else 7  # where bit 0 of ``bits`` is
_ioctl = fcntl.ioctl if fcntl is not None else None


def _ioctl_failed(exc: OSError, fd: int, request: int, arg: Any) -> Any:
    """After ``exc`` from ``ioctl(fd, request, arg)``: retry after EINTR (signal handlers
    have run), else raise ``device_error(errno)``."""
    while exc.errno == errno.EINTR:
        try:
            return fcntl.ioctl(fd, request, arg)
        except OSError as again:
            exc = again
    raise device_error(exc.errno or errno.EIO) from None


# The order of every change recorded in this process: changes of several pins at one instant
# keep the order they happened in.
_level_order = itertools.count()


class LevelRing:
    """The last ``size`` level changes of one pin, oldest first, as ``(time_ns, order,
    level)`` tuples (``order`` ranks every change recorded in the process)."""

    __slots__ = ("_items", "_total")

    def __init__(self, size: int) -> None:
        self._items: deque[tuple[int, int, int]] = deque(maxlen=_ring_size(size))
        self._total = 0

    def append(self, time_ns: int, level: Any) -> None:
        """Record that the level became ``level`` (truthiness) at ``time_ns``; the oldest
        change kept goes when the ring is full."""
        self._items.append((operator.index(time_ns), next(_level_order), 1 if level else 0))
        self._total += 1

    def clear(self) -> None:
        """Forget every change kept (the counts too)."""
        self._items.clear()
        self._total = 0

    @property
    def size(self) -> int:
        """How many changes are kept (settable; shrinking keeps the newest)."""
        return self._items.maxlen or 0

    @size.setter
    def size(self, size: int) -> None:
        self._items = deque(self._items, maxlen=_ring_size(size))

    @property
    def total(self) -> int:
        """How many changes were ever appended."""
        return self._total

    @property
    def dropped(self) -> int:
        """How many of those are no longer kept."""
        return self._total - len(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[tuple[int, int, int]]:
        return iter(list(self._items))

    def __getitem__(self, index: int) -> tuple[int, int, int]:
        if not isinstance(index, int):
            raise TypeError(f"sequence index must be integer, not '{type(index).__name__}'")
        if index < 0:
            index += len(self._items)
        if not 0 <= index < len(self._items):
            raise IndexError("ring index out of range")
        return self._items[index]


def _ring_size(size: Any) -> int:
    if not isinstance(size, int):
        raise TypeError(f"size must be an int, not {type(size).__name__}")
    if size < 0:
        raise ValueError("size must be 0 or more")
    return int(size)


class SimPinBase:
    """The state of a simulated pin that ``machine.Pin``'s fast path may drive directly
    (``write``)."""

    __slots__ = ("clock", "level", "lock", "output", "ring", "simple", "watcher")

    level: int  # the level at the pin
    output: int  # the output register
    simple: bool  # an unwired push-pull output nothing else drives
    watcher: Any  # called as watcher(level, time_ns) after a change, or None
    ring: Any  # a LevelRing recording changes, or None
    clock: Any  # what has now_ns(); None: the host's monotonic clock
    lock: Any  # held while write() looks and changes, or None

    def __new__(cls, *args: Any, **kwargs: Any) -> SimPinBase:
        self = object.__new__(cls)
        self.level = 0
        self.output = 0
        self.simple = False
        self.watcher = None
        self.ring = None
        self.clock = None
        self.lock = None
        return self

    def write(self, level: Any) -> bool:
        """Set the output register to ``level`` (truthiness). On a ``simple`` pin (an unwired
        push-pull output nothing else drives) the level follows at once: a change is appended
        to ``ring`` with ``clock.now_ns()`` (the host's monotonic clock for None) and reported
        to ``watcher(level, time_ns)``, and True is returned; otherwise False (the caller
        resolves the net). Raises what the clock, the ring or the watcher raise."""
        level = 1 if level else 0
        lock = self.lock
        if lock is not None:  # acquire/release: cheaper than a with statement here
            lock.acquire()
        try:
            if not self.simple or self.level == level:
                self.output = level
                return bool(self.simple)
            ring, watcher = self.ring, self.watcher
            now = 0
            if ring is not None or watcher is not None:
                clock = self.clock
                now = time.monotonic_ns() if clock is None else operator.index(clock.now_ns())
            self.output = level
            self.level = level
            if ring is None:
                pass
            elif type(ring) is LevelRing:  # ring.append() inlined: the hot path
                ring._items.append((now, next(_level_order), level))
                ring._total += 1
            else:
                ring.append(now, level)
        finally:
            if lock is not None:
                lock.release()
        if watcher is not None:
            watcher(level, now)
        return True


class PinBase:
    """Fast value access for ``machine.Pin``; ``_line`` is a ``hal.GPIOLine``.

    With ``_fd >= 0`` (a Linux GPIO v2 line request), reads and writes are one
    ``GPIO_V2_LINE_GET_VALUES``/``SET_VALUES`` ioctl on it; a failing ioctl raises
    ``device_error(errno)``.
    """

    __slots__ = ("_fd", "_line", "_out", "_sim")

    def __init__(self) -> None:
        self._line: Any = None
        self._out = -1
        self._fd = -1
        self._sim: Any = None

    def _read(self, line: Any) -> int:
        """The level at the pin."""
        fd = self._fd
        if fd < 0:
            sim = self._sim
            return int(line.get() if sim is None else sim.level)
        try:
            data = _ioctl(fd, GPIO_V2_LINE_GET_VALUES, _READ)
        except OSError as exc:
            data = _ioctl_failed(exc, fd, GPIO_V2_LINE_GET_VALUES, _READ)
        return data[_LOW_BYTE] & 1

    def _write(self, line: Any, level: int) -> None:
        """Drive ``level`` (truthiness) and record it in ``_out``."""
        fd = self._fd
        if fd < 0:
            sim = self._sim
            if sim is not None:
                self._sim_set(sim, line, level)
                return
            line.set(level)
        else:
            buf = _DRIVE_HIGH if level else _DRIVE_LOW
            try:
                _ioctl(fd, GPIO_V2_LINE_SET_VALUES, buf)
            except OSError as exc:
                _ioctl_failed(exc, fd, GPIO_V2_LINE_SET_VALUES, buf)
        self._out = level

    @overload
    def value(self) -> int: ...
    @overload
    def value(self, x: object, /) -> None: ...
    def value(self, *args: Any) -> int | None:
        """Return the pin level, or with an argument drive it (truthiness decides)."""
        line = self._line
        if line is None:
            raise ValueError("pin is deinitialised")
        if not args:
            return self._read(line)
        if len(args) > 1:
            raise TypeError("function takes at most 1 positional argument")
        level = 1 if args[0] else 0
        if level != self._out:
            fd = self._fd
            if fd < 0:
                sim = self._sim
                if sim is not None:  # _sim_set() inlined: the hot path
                    self._out = level
                    if not sim.write(level):
                        line.set(level)
                    return None
                line.set(level)
            else:  # _write() inlined: this is the hot path
                buf = _DRIVE_HIGH if level else _DRIVE_LOW
                try:
                    _ioctl(fd, GPIO_V2_LINE_SET_VALUES, buf)
                except OSError as exc:
                    _ioctl_failed(exc, fd, GPIO_V2_LINE_SET_VALUES, buf)
            self._out = level
        return None

    __call__ = value

    def _sim_set(self, sim: Any, line: Any, level: int) -> None:
        """Drive ``level`` through the simulated pin ``sim``: ``_out = level`` first (a handler
        the change runs may write the pin again), then ``sim.write(level)``, and
        ``line.set(level)`` when that says the net needs resolving."""
        self._out = level
        if not sim.write(level):
            line.set(level)

    def toggle(self) -> None:
        """Invert the output."""
        line = self._line
        if line is None:
            raise ValueError("pin is deinitialised")
        current = self._out
        sim = self._sim
        if current >= 0 and sim is not None and self._fd < 0:  # _sim_set() inlined
            self._out = current ^ 1
            if not sim.write(current ^ 1):
                line.set(current ^ 1)
            return
        if current < 0:
            current = self._read(line)
        self._write(line, current ^ 1)


class Match:
    """``ure``'s match object over the re.Match ``m``: only ``group(index)``, numeric; repr
    ``<match num=N>``."""

    __slots__ = ("_m",)

    def __init__(self, m: Any) -> None:
        self._m = m

    def group(self, index: Any = 0) -> Any:
        """The text of group ``index`` (0: the whole match), or None if it took no part.

        Raises TypeError("can't convert to int") for a non-int index and IndexError(index)
        when it is out of range.
        """
        if not isinstance(index, int):
            raise TypeError("can't convert to int")
        if index < 0 or index >= _count(self._m):
            raise IndexError(index)
        return self._m.group(index)

    def __repr__(self) -> str:
        return f"<match num={_count(self._m)}>"


_new_object = object.__new__
_NOTHING: Any = object()  # FastMatcher called without a subject


def _count(m: Any) -> int:
    """The number of groups of re.Match ``m``, group 0 included."""
    groups = operator.index(m.re.groups)
    return groups + 1 if groups >= 0 else 0


class FastMatcher:
    """``regex.match`` / ``regex.search`` of ``ure``.

    Called as ``(string, *ignored)`` with an exact ASCII ``str`` and at most two ignored
    arguments (and ``func`` not None): ``Match(func(string))``, or None when that is None. Any
    other call: ``fallback(*args, **kwargs)``.
    """

    __slots__ = ("_fallback", "_func")

    def __init__(self, func: Any, fallback: Any) -> None:
        self._func = func
        self._fallback = fallback

    def __call__(self, string: Any = _NOTHING, /, *ignored: Any, **kwargs: Any) -> Any:
        func = self._func
        if (
            type(string) is str
            and func is not None
            and string.isascii()
            and len(ignored) <= 2
            and not kwargs
        ):
            m = func(string)
            if m is None:
                return None
            match = _new_object(Match)  # Match(m) without the __init__ call: the hot path
            match._m = m
            return match
        if string is _NOTHING:
            return self._fallback(*ignored, **kwargs)
        return self._fallback(string, *ignored, **kwargs)
