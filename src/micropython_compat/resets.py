"""Requests that end the running program: resets and deep sleep.

They are ``BaseException`` subclasses, so device code's ``except Exception`` can't swallow them,
and the runner turns each into a restart with the matching ``machine.reset_cause()``.
A request made off the main thread (in an IRQ handler, by a watchdog thread) is delivered to
the main thread as a signal, which also cuts a sleep short.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any, Callable, Optional, Union

__all__ = [
    "DeepSleep",
    "HardReset",
    "ResetRequest",
    "SoftReset",
    "Terminated",
    "WatchdogReset",
    "forward_to_main_thread",
    "install_signal_handler",
    "is_host_interrupt",
    "sigterm_ends_the_run",
]

# The reset causes, as machine.reset_cause() reports them on the WiPy.
PWRON_RESET = 0
HARD_RESET = 1
WDT_RESET = 2
DEEPSLEEP_RESET = 3
SOFT_RESET = 4


class ResetRequest(BaseException):
    """End the program and start it again; ``cause`` is the next ``reset_cause()``."""

    cause = HARD_RESET


class HardReset(ResetRequest):
    """``machine.reset()``: like pressing the RESET button."""

    cause = HARD_RESET


class WatchdogReset(ResetRequest):
    """The watchdog expired."""

    cause = WDT_RESET


class SoftReset(ResetRequest):
    """``sys.exit()`` or Ctrl-D: a soft reset."""

    cause = SOFT_RESET


class DeepSleep(ResetRequest):
    """``machine.deepsleep()``: stop, then start again when a wake source fires."""

    cause = DEEPSLEEP_RESET


_pending: ResetRequest | None = None
_lock = threading.Lock()
_Handler = Union[Callable[[int, Optional[FrameType]], Any], int, None]
_previous: _Handler = None


def forward_to_main_thread(request: ResetRequest) -> None:
    """Raise ``request`` in the main thread: here if this is it, else through SIGINT."""
    global _pending
    if threading.current_thread() is threading.main_thread():
        raise request
    with _lock:
        _pending = request
    main = threading.main_thread().ident
    if signal.getsignal(signal.SIGINT) is _on_sigint and main is not None:
        # a real signal: it also cuts short a sleep or a blocking read in the main thread
        signal.pthread_kill(main, signal.SIGINT)
    else:
        import _thread

        _thread.interrupt_main()


def _on_sigint(signum: int, frame: FrameType | None) -> None:
    global _pending
    with _lock:
        request, _pending = _pending, None
    if request is not None:
        raise request
    try:
        if callable(_previous):
            _previous(signum, frame)
            return
        raise KeyboardInterrupt
    except KeyboardInterrupt as interrupt:
        setattr(interrupt, _HOST_MARK, True)
        raise


_HOST_MARK = "_micropython_compat_sigint"


def is_host_interrupt(exc: BaseException) -> bool:
    """Whether ``exc`` comes from the host, not from the program: the ``KeyboardInterrupt`` of
    a real SIGINT (Ctrl-C) that arrived through this module's handler, or ``Terminated``."""
    if isinstance(exc, Terminated):
        return True
    return isinstance(exc, KeyboardInterrupt) and getattr(exc, _HOST_MARK, False) is True


class Terminated(BaseException):
    """The host asked the run to end (SIGTERM): unwind, releasing the board."""


@contextmanager
def sigterm_ends_the_run() -> Iterator[None]:
    """While in the block, SIGTERM raises ``Terminated`` in the main thread instead of ending
    the process on the spot, so ``finally`` blocks run and the board's temporary folders go
    (a second SIGTERM while unwinding is ignored). Does nothing off the main thread or when
    SIGTERM already has a handler other than the default."""
    main = threading.current_thread() is threading.main_thread()
    if not main or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield
        return
    fired = False

    def on_sigterm(signum: int, frame: FrameType | None) -> None:
        nonlocal fired
        if not fired:
            fired = True
            raise Terminated

    signal.signal(signal.SIGTERM, on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def install_signal_handler() -> bool:
    """Let other threads deliver reset requests to the main thread.

    Chains to the SIGINT handler in place (Ctrl-C still works). Returns false, doing nothing,
    when called off the main thread.
    """
    global _previous
    if threading.current_thread() is not threading.main_thread():
        return False
    current = signal.getsignal(signal.SIGINT)
    if current is _on_sigint:
        return True
    _previous = current if current is not signal.default_int_handler else None
    signal.signal(signal.SIGINT, _on_sigint)
    return True
