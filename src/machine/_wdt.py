"""``machine.WDT`` (placeholder: being written)."""

from __future__ import annotations

__all__ = ["WDT"]


class WDT:
    """Not written yet."""
