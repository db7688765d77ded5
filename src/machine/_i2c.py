"""``machine.I2C`` (placeholder: being written)."""

from __future__ import annotations

__all__ = ["I2C"]


class I2C:
    """Not written yet."""
