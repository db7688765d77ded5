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

__all__ = ["install"]

# What MicroPython reports for the heap; CPython has no fixed heap, so these are nominal.
_HEAP_SIZE = 64 * 1024


def _mem_alloc() -> int:
    """Bytes of the nominal heap in use (grows with the number of tracked objects)."""
    return min(_HEAP_SIZE - 1024, len(gc.get_objects()) * 16)


def _mem_free() -> int:
    """Bytes of the nominal heap still free."""
    return _HEAP_SIZE - _mem_alloc()


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
