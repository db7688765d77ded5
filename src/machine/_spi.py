"""``machine.SPI`` (placeholder: being written)."""

from __future__ import annotations

__all__ = ["SPI"]


class SPI:
    """Not written yet."""
