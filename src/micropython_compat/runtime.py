"""The running device: one board, its IRQ dispatcher, and the state front ends keep on it.

A ``Runtime`` lives from the moment a board is chosen until it is released (``close()``);
``machine.Pin('GP2')`` returns the same object for the whole life of a runtime, as on the device,
and a fresh runtime starts from power-on state.
"""

from __future__ import annotations

import threading
from typing import Any, Callable, TypeVar

from . import _fast
from .clocks import ticks_offset_ns
from .dispatcher import Dispatcher
from .hal import Board
from .resets import PWRON_RESET, install_signal_handler

__all__ = ["Runtime"]

T = TypeVar("T")

# machine.wake_reason() before any sleep: the device reports power-on.
PWRON_WAKE = 0


class Runtime:
    """A board in use, with the state a power cycle would clear."""

    def __init__(self, board: Board, reason: str) -> None:
        self.board = board
        self.reason = reason
        self.dispatcher = Dispatcher(synchronous=board.clock.virtual)
        self.reset_cause = PWRON_RESET
        self.wake_reason = PWRON_WAKE
        self.main_file = "main.py"
        self._state: dict[str, Any] = {}
        self._closers: list[Callable[[], None]] = []
        self._lock = threading.RLock()
        self.woken = threading.Event()
        self.wakes = 0  # how many wakes have fired
        self.closed = False
        # Who released this runtime, said to code that uses its objects afterwards
        # (a test fixture sets "at the end of test X"); "" when nobody said.
        self.released_by = ""
        _fast.set_clock(board.clock if board.clock.virtual else None)
        wrap = board.description.section("board").get("ticks_wrap_after_ms")
        wrap_ms = None if wrap is None else int(wrap)
        _fast.set_ticks_offset(ticks_offset_ns(board.clock.now_ns(), wrap_ms))
        install_signal_handler()

    def state(self, key: str, factory: Callable[[], T]) -> T:
        """Return the front-end state stored under ``key``, creating it on first use."""
        with self._lock:
            try:
                value: T = self._state[key]
            except KeyError:
                value = self._state[key] = factory()
            return value

    def wake(self, reason: int) -> None:
        """A wake source fired: record ``reason`` and end a ``machine.sleep()`` in progress.
        Fired while the program runs, it is latched (``woken`` stays set) until a sleep takes
        it: on a host the program can be slower to reach ``machine.sleep()`` than the outside
        world is to act."""
        self.wake_reason = reason
        self.wakes += 1
        self.woken.set()

    def program_sleep_until_ns(self, deadline_ns: int) -> None:
        """The program waits on the board clock (``utime.sleep*``, ``machine.idle()``). A wake
        that fires meanwhile is an interrupt serviced while awake, as on the device: it is not
        latched for a later ``machine.sleep()``."""
        wakes = self.wakes
        self.board.clock.sleep_until_ns(deadline_ns)
        if self.wakes != wakes:
            self.woken.clear()

    def on_close(self, closer: Callable[[], None]) -> None:
        """Call ``closer()`` when the runtime closes (last registered, first called)."""
        with self._lock:
            self._closers.append(closer)

    def close(self, *, keep_board: bool = False) -> None:
        """Stop every handler and thread, deinit every peripheral and release the board
        (``keep_board``: leave the board open, for a fresh runtime after a reset)."""
        with self._lock:
            if self.closed:
                return
            self.closed = True
            closers, self._closers = self._closers[::-1], []
        self.dispatcher.close()
        for closer in closers:
            closer()
        if not keep_board:
            self.board.close()
        self._state.clear()
        _fast.set_clock(None)
        _fast.set_ticks_offset(0)
