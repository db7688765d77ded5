"""Public helpers for testing MicroPython code on the simulated WiPy.

    from micropython_compat.testing import simulated_board

    with simulated_board(flash_from="device") as wipy:   # a fresh sim board, virtual clock
        wipy.wire("GP1", "GP2")
        wipy.run(for_ms=500)                 # boot.py then main.py, 500 ms of board time
        blinky = wipy.load("app/blinky.py")  # a module of the program, imported afresh
        wipy.advance(ms=500)                 # timers and IRQs due in 500 ms run, in order
        assert wipy.pin("GP2").history[-1].level == 1

The pytest plugin (installed with the package) offers the same as the ``wipy`` fixture.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..backends.sim import SimBoard
from ..backends.sim.gpio import Conflict, LevelChange, SimPin
from ..backends.sim.hd44780 import HD44780
from ..backends.sim.i2c import I2CDevice, I2CEvent, SimI2CBus
from ..backends.sim.i2c_devices import EEPROM, I2CTarget, RegisterFile
from ..backends.sim.onewire import DS18B20
from ..backends.sim.protocol import ProtocolError
from ..backends.sim.spi import SimSPIBus, SPIConfig, SPIDevice, SPITransfer
from ..backends.sim.ssd1306 import SSD1306I2C, SSD1306SPI
from ..backends.sim.uart import SimUART
from ..backends.sim.ws2812 import WS2812
from ..board import active_runtime, release_board, use_board
from ..clocks import RealClock, VirtualClock
from ..runner import RunError
from .board import WiPyUnderTest

__all__ = [
    "DS18B20",
    "EEPROM",
    "HD44780",
    "ProtocolError",
    "SSD1306I2C",
    "SSD1306SPI",
    "WS2812",
    "Conflict",
    "I2CDevice",
    "I2CEvent",
    "I2CTarget",
    "LevelChange",
    "RealClock",
    "RegisterFile",
    "SPIConfig",
    "SPIDevice",
    "SPITransfer",
    "SimBoard",
    "SimI2CBus",
    "SimPin",
    "SimSPIBus",
    "SimUART",
    "RunError",
    "VirtualClock",
    "WiPyUnderTest",
    "simulated_board",
]


@contextmanager
def simulated_board(
    *, clock: str = "virtual", released_by: str = "", **options: Any
) -> Iterator[WiPyUnderTest]:
    """Make a fresh simulated WiPy the active board for the ``with`` block, then release it
    (every pin, bus, thread and timer). ``options`` go to ``WiPyUnderTest`` (``flash_from=``,
    ``flash=``, ``sd=``, ``description=``). ``released_by`` is what a ``Pin`` used after the
    block says about its death ("at the end of test X")."""
    board = WiPyUnderTest(clock=clock, **options)
    use_board(board)
    try:
        yield board
    finally:
        runtime = active_runtime()
        if runtime is not None and runtime.board is board:
            runtime.released_by = released_by
        release_board()
