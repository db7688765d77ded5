"""``install()``: give CPython's ``time``, ``gc`` and ``sys`` what MicroPython code calls.

Additive only: a name CPython already has is never replaced.
"""

from __future__ import annotations

import gc
import sys
import time
from types import ModuleType
from typing import Any, Callable

from .tracebacks import print_exception

__all__ = ["flavoured_module", "install"]

# The heap MicroPython reports: ``[firmware] heap_size`` of the board description (this
# size when it says nothing). CPython has no fixed heap, so the figures are a model: what a
# freshly booted board has in use, plus 16 bytes (one MicroPython GC block) per memory block
# CPython has allocated since the board booted, so they move as the program allocates and
# frees (a large buffer counts as one block).
_DEFAULT_HEAP_SIZE = 64 * 1024
_BOOT_USED = 3 * 1024
_BLOCK = 16
_STATE_KEY = "gc.heap"


class _Heap:
    """The heap model of one boot: its size, and CPython's block count at boot."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.blocks_at_boot = sys.getallocatedblocks()

    def used(self) -> int:
        grown = (sys.getallocatedblocks() - self.blocks_at_boot) * _BLOCK
        return max(_BLOCK, min(self.size, _BOOT_USED + grown))


_unboarded: _Heap | None = None


def _heap() -> _Heap:
    from .board import active_runtime

    runtime = active_runtime()
    if runtime is None or runtime.closed:
        global _unboarded
        if _unboarded is None:
            _unboarded = _Heap(_DEFAULT_HEAP_SIZE)
        return _unboarded
    firmware = runtime.board.description.section("firmware")
    size = int(firmware.get("heap_size", _DEFAULT_HEAP_SIZE))
    return runtime.state(_STATE_KEY, lambda: _Heap(size))


def _mem_alloc() -> int:
    """Bytes of the board's heap in use (see above)."""
    return _heap().used()


def _mem_free() -> int:
    """Bytes of the board's heap still free."""
    heap = _heap()
    return heap.size - heap.used()


_threshold: int | None = None


def _gc_threshold(amount: int | None = None) -> int | None:
    """Get (-1 when unset) or set the allocation threshold, as ``gc.threshold`` does."""
    global _threshold
    if amount is None:
        return -1 if _threshold is None else _threshold
    _threshold = int(amount)
    return None


def _additions() -> dict[ModuleType, dict[str, Callable[..., Any]]]:
    import utime

    return {
        time: {
            name: getattr(utime, name)
            for name in (
                "sleep_ms",
                "sleep_us",
                "ticks_ms",
                "ticks_us",
                "ticks_cpu",
                "ticks_diff",
                "ticks_add",
            )
        },
        gc: {"mem_free": _mem_free, "mem_alloc": _mem_alloc, "threshold": _gc_threshold},
        sys: {"print_exception": print_exception},
    }


def install() -> None:
    """Add MicroPython's extra functions to ``time``, ``gc`` and ``sys`` (never replacing one)."""
    for module, names in _additions().items():
        for name, function in names.items():
            if not hasattr(module, name):
                setattr(module, name, function)


class _Flavoured(ModuleType):
    """A stand-in for a CPython module: MicroPython's additions as its own attributes; every
    other attribute is read from, written to and deleted on the real module (so
    ``sys.stdout = ...`` in the program's code still redirects CPython's output)."""

    def __init__(self, real: ModuleType, additions: dict[str, Callable[..., Any]]) -> None:
        super().__init__(real.__name__, real.__doc__)
        vars(self).update(additions)
        vars(self)["_real_module"] = real

    def __getattr__(self, attribute: str) -> Any:
        return getattr(vars(self)["_real_module"], attribute)

    def __setattr__(self, attribute: str, value: Any) -> None:
        setattr(vars(self)["_real_module"], attribute, value)

    def __delattr__(self, attribute: str) -> None:
        delattr(vars(self)["_real_module"], attribute)


def flavoured_module(name: str) -> ModuleType | None:
    """For the program's own code only: CPython's ``gc`` or ``sys`` with MicroPython's additions
    (``gc.mem_free``, ``sys.print_exception``, ...) as a separate module object standing in for
    the real one (see ``_Flavoured``), so CPython's module never gains them. ``None`` for any
    other name."""
    if name not in ("gc", "sys"):
        return None
    real = sys.modules[name]
    additions = next(names for module, names in _additions().items() if module is real)
    return _Flavoured(real, additions)
