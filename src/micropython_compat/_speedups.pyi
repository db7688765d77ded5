"""Typed interface of the C fast path; it behaves exactly like ``micropython_compat._pyimpl``."""

from collections.abc import Iterator
from typing import Any

TICKS_PERIOD: int
TICKS_MAX: int
#: Whether the build issues GPIO v2 ioctls on ``PinBase._fd`` (Linux headers with GPIO v2).
HAVE_GPIO_V2: bool

def set_ticks_offset(offset_ns: int) -> None:
    """Add ``offset_ns`` to the clock's reading before ticks are computed."""

def set_clock(clock: Any | None) -> None:
    """Read ticks from ``clock.ticks_ns()``, or from the host's monotonic clock for ``None``."""

def ticks_ms() -> int:
    """Milliseconds, wrapping at 2**30."""

def ticks_us() -> int:
    """Microseconds, wrapping at 2**30."""

def ticks_cpu() -> int:
    """The finest counter there is (ns here), wrapping at 2**30."""

def ticks_diff(old: int, new: int) -> int:
    """``new - old`` modulo 2**30 (MicroPython 1.8.5's argument order)."""

def ticks_add(ticks: int, delta: int) -> int:
    """``ticks + delta`` modulo 2**30."""

class PinBase:
    """Fast value access for ``machine.Pin``; ``_line`` is a ``hal.GPIOLine``.

    With ``_fd >= 0`` (a Linux GPIO v2 line request) ``value()``/``__call__()``/``toggle()``
    issue ``GPIO_V2_LINE_GET_VALUES``/``SET_VALUES`` on it directly (from a buffer kept in the
    object, without releasing the GIL) and raise ``device_error(errno)`` when they fail.
    """

    _line: Any
    _out: int
    _fd: int
    _sim: Any
    def __init__(self) -> None: ...
    def value(self, *args: Any) -> int | None:
        """Return the pin level, or with an argument drive it (truthiness decides)."""

    def __call__(self, *args: Any) -> int | None:
        """The same as ``value()``."""

    def toggle(self) -> None:
        """Invert the output."""

class LevelRing:
    """The last ``size`` level changes of one pin, oldest first, as ``(time_ns, order,
    level)`` tuples (``order`` ranks every change recorded in the process)."""

    size: int
    @property
    def total(self) -> int:
        """How many changes were ever appended."""

    @property
    def dropped(self) -> int:
        """How many of those are no longer kept."""

    def __init__(self, size: int) -> None: ...
    def append(self, time_ns: int, level: Any) -> None:
        """Record that the level became ``level`` (truthiness) at ``time_ns``; the oldest
        change kept goes when the ring is full."""

    def clear(self) -> None:
        """Forget every change kept (the counts too)."""

    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[tuple[int, int, int]]: ...
    def __getitem__(self, index: int) -> tuple[int, int, int]: ...

class SimPinBase:
    """The state of a simulated pin that ``machine.Pin``'s fast path may drive directly
    (``write``)."""

    level: int
    output: int
    simple: bool
    watcher: Any
    ring: Any
    clock: Any
    lock: Any
    def write(self, level: Any) -> bool:
        """Set the output register to ``level`` (truthiness). On a ``simple`` pin (an unwired
        push-pull output nothing else drives) the level follows at once: a change is appended
        to ``ring`` with ``clock.now_ns()`` (the host's monotonic clock for None) and reported
        to ``watcher(level, time_ns)``, and True is returned; otherwise False (the caller
        resolves the net). Raises what the clock, the ring or the watcher raise."""

class Match:
    """``ure``'s match object over the re.Match ``m``: only ``group(index)``, numeric; repr
    ``<match num=N>``."""

    _m: Any
    def __init__(self, m: Any) -> None: ...
    def group(self, index: Any = 0) -> Any:
        """The text of group ``index`` (0: the whole match), or None if it took no part.

        Raises TypeError("can't convert to int") for a non-int index and IndexError(index)
        when it is out of range.
        """

class FastMatcher:
    """``regex.match`` / ``regex.search`` of ``ure``.

    Called as ``(string, *ignored)`` with an exact ASCII ``str`` and at most two ignored
    arguments (and ``func`` not None): ``Match(func(string))``, or None when that is None. Any
    other call: ``fallback(*args, **kwargs)``.
    """

    _func: Any
    _fallback: Any
    def __init__(self, func: Any, fallback: Any) -> None: ...
    def __call__(self, *args: Any, **kwargs: Any) -> Any: ...
