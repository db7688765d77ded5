"""Picks the C fast path (``_speedups``) or its pure-Python twin (``_pyimpl``).

``MICROPYTHON_COMPAT_PURE=1`` forces the twin; so does a failed compile. ``IMPLEMENTATION`` says
which one is in use (``'c'`` or ``'python'``), and ``PURE_REASON`` why the twin is (``None`` with
the C path).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from . import _pyimpl

if os.environ.get("MICROPYTHON_COMPAT_PURE", "") not in ("", "0"):
    _impl = _pyimpl
    IMPLEMENTATION = "python"
    PURE_REASON: str | None = "MICROPYTHON_COMPAT_PURE is set"
else:
    try:
        from . import _speedups as _impl  # type: ignore[no-redef]

        IMPLEMENTATION = "c"
        PURE_REASON = None
    except ImportError as exc:
        _impl = _pyimpl
        IMPLEMENTATION = "python"
        PURE_REASON = f"the C extension is not installed ({exc})"

if TYPE_CHECKING:  # one class for type checkers: the twin's, whose signatures the C one shares
    from ._pyimpl import PinBase
else:
    PinBase = _impl.PinBase
SimPinBase = _impl.SimPinBase
LevelRing = _impl.LevelRing
Match = _impl.Match
FastMatcher = _impl.FastMatcher
ticks_ms = _impl.ticks_ms
ticks_us = _impl.ticks_us
ticks_cpu = _impl.ticks_cpu
ticks_diff = _impl.ticks_diff
ticks_add = _impl.ticks_add
set_clock = _impl.set_clock
set_ticks_offset = _impl.set_ticks_offset

__all__ = [
    "IMPLEMENTATION",
    "PURE_REASON",
    "FastMatcher",
    "LevelRing",
    "Match",
    "PinBase",
    "SimPinBase",
    "set_clock",
    "set_ticks_offset",
    "ticks_add",
    "ticks_cpu",
    "ticks_diff",
    "ticks_ms",
    "ticks_us",
]
