"""``machine.Timer`` (placeholder: being written)."""

from __future__ import annotations

__all__ = ["Timer"]


class Timer:
    """Not written yet."""
