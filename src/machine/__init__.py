"""``machine``: the WiPy's hardware, on the active board (see ``micropython_compat``).

Importing this module touches no hardware; objects claim their pins and buses when created.
It prints as the device's module does: ``<module 'umachine'>``.
"""

import sys
import types

from micropython_compat.resets import (
    DEEPSLEEP_RESET,
    HARD_RESET,
    PWRON_RESET,
    SOFT_RESET,
    WDT_RESET,
)

from ._adc import ADC
from ._i2c import I2C
from ._irq import DEEPSLEEP, IDLE, SLEEP
from ._pin import Pin
from ._rtc import RTC
from ._sd import SD
from ._spi import SPI
from ._system import (
    PIN_WAKE,
    RTC_WAKE,
    WLAN_WAKE,
    deepsleep,
    disable_irq,
    enable_irq,
    freq,
    idle,
    main,
    reset,
    reset_cause,
    rng,
    sleep,
    time_pulse_us,
    unique_id,
    wake_reason,
)
from ._timer import Timer
from ._uart import UART
from ._wdt import WDT

__all__ = [
    "ADC",
    "DEEPSLEEP",
    "DEEPSLEEP_RESET",
    "HARD_RESET",
    "I2C",
    "IDLE",
    "PWRON_RESET",
    "RTC",
    "SD",
    "SLEEP",
    "SOFT_RESET",
    "SPI",
    "UART",
    "WDT",
    "WDT_RESET",
    "Pin",
    "Timer",
    "PIN_WAKE",
    "RTC_WAKE",
    "WLAN_WAKE",
    "deepsleep",
    "disable_irq",
    "enable_irq",
    "freq",
    "idle",
    "main",
    "reset",
    "reset_cause",
    "rng",
    "sleep",
    "time_pulse_us",
    "unique_id",
    "wake_reason",
]


class _MachineModule(types.ModuleType):
    """The module's type: only its repr differs, the firmware's name for the module."""

    def __repr__(self) -> str:
        return "<module 'umachine'>"


sys.modules[__name__].__class__ = _MachineModule
