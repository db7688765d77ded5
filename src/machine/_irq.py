"""The ``irq`` object that ``Pin.irq()``, ``TimerChannel.irq()``, ``UART.irq()`` and ``RTC.irq()``
return, and the routing of a peripheral's interrupt to the one dispatcher.

A handler that raises (anything: ``SystemExit`` and ``KeyboardInterrupt`` too) is dealt with as
the WiPy's firmware does it (1.8.5, ``mp_irq_handler``): ``Uncaught exception in callback
handler`` and the traceback are printed, the interrupt is disabled and its handler forgotten,
and the program goes on without noticing. Only a reset request (``machine.reset()`` in the
handler) and a real Ctrl-C pass through.
"""

from __future__ import annotations

import sys
from typing import Any, Callable, Optional

from micropython_compat.board import current_runtime
from micropython_compat.resets import ResetRequest, is_host_interrupt
from micropython_compat.tracebacks import print_exception

__all__ = ["DEEPSLEEP", "IDLE", "PIN_WAKE", "RTC_WAKE", "SLEEP", "WLAN_WAKE", "Irq"]

# Power modes an interrupt may wake the board from (machine.IDLE, SLEEP, DEEPSLEEP).
IDLE = 1
SLEEP = 2
DEEPSLEEP = 4

# What machine.wake_reason() reports after a wake source ended a sleep.
WLAN_WAKE = 1
PIN_WAKE = 2
RTC_WAKE = 3

Handler = Optional[Callable[[Any], object]]


class Irq:
    """An interrupt source of a peripheral: ``irq.init()``, ``enable()``, ``disable()``,
    ``flags()`` and calling it to run the handler by hand.

    ``parent`` is what the handler receives (the pin, the timer channel, ...).
    """

    def __init__(
        self,
        parent: Any,
        handler: Handler,
        trigger: int,
        priority: int,
        wake: int,
        on_enable: Callable[[bool], None] | None = None,
    ) -> None:
        self._parent = parent
        self.handler = handler
        self.trigger = trigger
        self.priority = priority
        self.wake = wake
        self._on_enable = on_enable
        self._flags = 0
        self.enabled = True
        self._successor: Irq | None = None
        self._runtime = current_runtime()

    def init(self, *args: Any, **kwargs: Any) -> None:
        """Run the parent's ``irq()`` again with these arguments, as the firmware does
        (``pin.irq(...).init(trigger=Pin.IRQ_FALLING, handler=h)``); it raises what that
        ``irq()`` raises. This object then enables, disables and reads the flags of the new
        interrupt too (on the device those act on the peripheral); calling it still runs its
        own handler."""
        new = self._parent.irq(*args, **kwargs)
        if isinstance(new, Irq) and new is not self:
            self._successor = new

    def _current(self) -> Irq:
        """The interrupt this object controls: itself, or what ``init()`` made of it."""
        irq = self
        while irq._successor is not None:
            irq = irq._successor
        return irq

    def enable(self) -> None:
        """Let the interrupt fire."""
        irq = self._current()
        irq.enabled = True
        if irq._on_enable is not None:
            irq._on_enable(True)

    def disable(self) -> None:
        """Stop the interrupt from firing (settings are kept)."""
        irq = self._current()
        irq.enabled = False
        if irq._on_enable is not None:
            irq._on_enable(False)

    def flags(self) -> int:
        """Inside the handler, the trigger that fired; 0 elsewhere."""
        return self._current()._flags

    def __call__(self) -> None:
        """Run the handler now, as if the interrupt had fired (an exception it raises is
        handled as when it fires: see the module docstring)."""
        self._invoke(self._flags)

    def fire(self, flags: int) -> None:
        """Called by the peripheral: queue the handler on the dispatcher if enabled."""
        runtime = self._runtime
        if not self.enabled or runtime.closed:
            return
        if self.wake & (SLEEP | DEEPSLEEP):
            runtime.wake(self.wake_reason)
        if self.handler is not None:
            runtime.dispatcher.post(self._invoke, flags, self.priority)

    def _invoke(self, flags: int) -> None:
        handler = self.handler
        if handler is None:
            return
        saved, self._flags = self._flags, flags
        try:
            handler(self._parent)
        except ResetRequest:
            raise
        except BaseException as exc:
            if is_host_interrupt(exc):
                raise
            self._uncaught(exc)
        finally:
            self._flags = saved

    def _uncaught(self, exc: BaseException) -> None:
        """The handler raised ``exc``: disable this interrupt for good and say so."""
        self.handler = None
        self.disable()
        tb = exc.__traceback__
        exc = exc.with_traceback(tb.tb_next if tb is not None else None)  # from the handler on
        try:
            sys.stdout.write("Uncaught exception in callback handler\n")
            print_exception(exc, sys.stdout)
        except (OSError, ValueError):  # no stdout to tell: the irq is disabled all the same
            pass

    #: what ``machine.wake_reason()`` reports when this irq wakes the board
    wake_reason = 0

    def __repr__(self) -> str:
        return "<irq>"
