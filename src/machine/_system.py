"""The ``machine`` module's functions (placeholder: being written)."""

from __future__ import annotations

__all__: list[str] = []
