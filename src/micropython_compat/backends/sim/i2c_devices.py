"""Simulated I2C device models (placeholder: being written)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def device_from_description(options: Mapping[str, Any]) -> Any:
    raise ValueError(f"unknown I2C device model {options.get('model')!r}")
