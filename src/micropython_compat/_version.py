"""The package version, and which speed of it is installed."""

from __future__ import annotations

__version__ = "0.1.0"


def build_description() -> str:
    """What ``--version`` and ``boards`` say about the fast path: ``'C fast path loaded'`` or
    ``'pure Python: <why>'``."""
    from . import _fast

    if _fast.IMPLEMENTATION == "c":
        return "C fast path loaded"
    return f"pure Python: {_fast.PURE_REASON}"
