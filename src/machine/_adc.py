"""``machine.ADC`` (placeholder: being written)."""

from __future__ import annotations

__all__ = ["ADC"]


class ADC:
    """Not written yet."""
