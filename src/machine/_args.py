"""Argument checks every ``machine`` class shares, with MicroPython's errors."""

from __future__ import annotations

from typing import Any

from micropython_compat.errors import bad_argument

__all__ = ["check_handler", "check_priority", "to_int"]


def to_int(value: Any) -> int:
    """``value`` as an int (``bool`` counts, as in MicroPython); ``TypeError`` otherwise."""
    if isinstance(value, int):
        return int(value)
    raise TypeError(f"can't convert {type(value).__name__} to int")


def check_priority(priority: Any) -> int:
    """Return ``priority`` if it is 1..7; else raise ``ValueError``."""
    if not isinstance(priority, int) or isinstance(priority, bool) or not 1 <= priority <= 7:
        raise bad_argument()
    return priority


def check_handler(handler: Any) -> None:
    """An interrupt handler is ``None`` or callable; else ``TypeError``."""
    if handler is not None and not callable(handler):
        raise TypeError("handler must be callable")
