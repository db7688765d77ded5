"""``machine.UART`` (placeholder: being written)."""

from __future__ import annotations

__all__ = ["UART"]


class UART:
    """Not written yet."""
