"""``machine.WDT``: the watchdog. Once started it can't be stopped or reconfigured; unless it is
fed in time it resets the board (the program ends with ``WatchdogReset`` and is restarted with
``machine.reset_cause() == machine.WDT_RESET``)."""

from __future__ import annotations

import errno
from typing import Any

from micropython_compat.board import current_runtime
from micropython_compat.errors import bad_argument, device_error
from micropython_compat.hal import Watchdog
from micropython_compat.resets import WatchdogReset, forward_to_main_thread

from ._args import to_int

__all__ = ["WDT"]

#: The shortest timeout the WiPy accepts, in ms.
MIN_TIMEOUT_MS = 1000


def _expire() -> None:
    """The watchdog ran out: reset the running program (from whatever thread saw it)."""
    forward_to_main_thread(WatchdogReset())


class WDT:
    """``WDT(id=0, timeout=5000)``: start the watchdog with ``timeout`` ms (at least 1000).

    Raises ``OSError(ENODEV)`` for an id above 0, ``ValueError`` for a timeout under 1000 ms,
    and ``OSError(EPERM)`` if the watchdog is already running.
    """

    _device: Watchdog
    _timeout: int

    def __new__(cls, id: Any = 0, timeout: Any = 5000) -> WDT:
        if id is not None and to_int(id) > 0:
            raise device_error(errno.ENODEV)
        timeout = to_int(timeout)
        if timeout < MIN_TIMEOUT_MS:
            raise bad_argument()
        runtime = current_runtime()
        running: list[WDT] = runtime.state("machine.WDT", list)
        if running:
            raise device_error(errno.EPERM)
        self: WDT = super().__new__(cls)
        self._device = runtime.board.watchdog()
        self._timeout = timeout
        self._device.start(timeout, _expire)
        running.append(self)
        return self

    def __init__(self, id: Any = 0, timeout: Any = 5000) -> None:
        pass  # everything happens in __new__: a second WDT() must not touch the running one

    def feed(self) -> None:
        """Restart the countdown."""
        self._device.feed()

    def __repr__(self) -> str:
        return "<WDT>"
