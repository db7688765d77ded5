"""Simulated SPI buses (placeholder: being written)."""

from __future__ import annotations


class SimSPIBus:
    def __init__(self, bus_id: int) -> None:
        self.bus_id = bus_id

    def configure(
        self, baudrate: int, polarity: int, phase: int, bits: int, firstbit_msb: bool
    ) -> None:
        pass

    def transfer(self, tx: bytes) -> bytes:
        return bytes(len(tx))

    def close(self) -> None:
        pass
