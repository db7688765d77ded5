"""``machine.SD`` (placeholder: being written)."""

from __future__ import annotations

__all__ = ["SD"]


class SD:
    """Not written yet."""
