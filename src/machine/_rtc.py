"""``machine.RTC`` (placeholder: being written)."""

from __future__ import annotations

__all__ = ["RTC"]


class RTC:
    """Not written yet."""
