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
