"""Peripheral signals on the simulated pins: which function each pin carries, and where wires
take it.

A pin carries a peripheral function (``UART0_TX``, ``SPI0_MOSI``, ...) while the program has it
in an ALT mode with that function's index from the board description (the bus front ends put
their pins there). What a peripheral sends on a function reaches every other function carried
by a pin on the same net, so a jumper from the pin carrying ``UART0_TX`` to the pin carrying
``UART1_RX`` is a serial link, and one from ``SPI0_MOSI`` to ``SPI0_MISO`` an SPI loopback.
A function no pin carries goes nowhere.
"""

from __future__ import annotations

from ...description import BoardDescription
from .gpio import SimGPIO

__all__ = ["Signals"]

_ALT_MODES = ("alt", "alt_open_drain")


class Signals:
    """Answers where a peripheral's output goes on ``gpio``'s pins and wires."""

    def __init__(self, gpio: SimGPIO, description: BoardDescription) -> None:
        self._gpio = gpio
        self._names: dict[tuple[str, int], str] = {
            (pin, index): function
            for pin, info in description.pins.items()
            for function, index in info.alt
            if index >= 0
        }

    def function_of(self, pin: str) -> str | None:
        """The function pin ``pin`` carries now (``None``: a GPIO, or an index it lacks)."""
        config = self._gpio.pin(pin).config
        if config.mode not in _ALT_MODES:
            return None
        return self._names.get((pin, config.alt))

    def carriers(self, function: str) -> list[str]:
        """The pins that carry ``function`` now, in board order."""
        return [pin for pin in self._gpio.pins if self.function_of(pin) == function]

    def reached(self, function: str) -> set[str]:
        """The other functions carried on the nets of the pins that carry ``function``."""
        found: set[str] = set()
        for pin in self.carriers(function):
            for other in self._gpio.net(pin):
                name = self.function_of(other)
                if name is not None and name != function:
                    found.add(name)
        return found
