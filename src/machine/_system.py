"""The ``machine`` module's functions (placeholder: being written)."""

from __future__ import annotations

from typing import Any

__all__ = [
    "PIN_WAKE",
    "RTC_WAKE",
    "WLAN_WAKE",
    "reset",
    "reset_cause",
    "disable_irq",
    "enable_irq",
    "freq",
    "idle",
    "sleep",
    "deepsleep",
    "wake_reason",
    "main",
    "rng",
    "unique_id",
    "time_pulse_us",
]

from ._irq import PIN_WAKE, RTC_WAKE, WLAN_WAKE


def reset(*args: Any, **kwargs: Any) -> Any:
    raise NotImplementedError


def reset_cause(*args: Any, **kwargs: Any) -> Any:
    raise NotImplementedError


def disable_irq(*args: Any, **kwargs: Any) -> Any:
    raise NotImplementedError


def enable_irq(*args: Any, **kwargs: Any) -> Any:
    raise NotImplementedError


def freq(*args: Any, **kwargs: Any) -> Any:
    raise NotImplementedError


def idle(*args: Any, **kwargs: Any) -> Any:
    raise NotImplementedError


def sleep(*args: Any, **kwargs: Any) -> Any:
    raise NotImplementedError


def deepsleep(*args: Any, **kwargs: Any) -> Any:
    raise NotImplementedError


def wake_reason(*args: Any, **kwargs: Any) -> Any:
    raise NotImplementedError


def main(*args: Any, **kwargs: Any) -> Any:
    raise NotImplementedError


def rng(*args: Any, **kwargs: Any) -> Any:
    raise NotImplementedError


def unique_id(*args: Any, **kwargs: Any) -> Any:
    raise NotImplementedError


def time_pulse_us(*args: Any, **kwargs: Any) -> Any:
    raise NotImplementedError
