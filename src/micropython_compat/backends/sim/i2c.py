"""Simulated I2C buses (placeholder: being written)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...errors import device_error
from ...hal import I2CMessage


class SimI2CBus:
    def __init__(self, bus_id: int) -> None:
        self.bus_id = bus_id
        self.devices: dict[int, Any] = {}

    def attach(self, addr: int, device: Any) -> None:
        self.devices[addr] = device

    def configure(self, baudrate: int) -> None:
        self.baudrate = baudrate

    def transfer(self, addr: int, messages: Sequence[I2CMessage], stop: bool = True) -> None:
        raise device_error(5)

    def close(self) -> None:
        pass
