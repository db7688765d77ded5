"""The one place interrupt handlers run.

Pin edges, timer ticks, UART receive and RTC alarms are *posted* here from whatever thread saw
them. Handlers then run one at a time, highest priority first (ties in the order posted), never
concurrently with each other. ``disable()`` defers every handler until ``enable()``.

Two ways to run:

* synchronous (a board on a virtual clock): a handler runs on the thread that posted it, before
  ``post()`` returns, so a test that drives a pin sees the handler's effect at once;
* threaded (a real clock): handlers run on one dispatcher thread, as they would preempt the
  program on the device.

A handler that raises has its exception printed as MicroPython prints it; the program goes on.
Requests to reset (``machine.reset()``, a watchdog) are not errors: they are passed to the
program's main thread.
"""

from __future__ import annotations

import heapq
import itertools
import sys
import threading
from typing import Any, Callable

from .resets import ResetRequest, forward_to_main_thread
from .tracebacks import print_exception

__all__ = ["Dispatcher"]

_Job = tuple[int, int, Callable[[Any], object], Any]


class Dispatcher:
    """Runs interrupt handlers one at a time, by priority."""

    def __init__(self, synchronous: bool) -> None:
        self.synchronous = synchronous
        self._queue: list[_Job] = []
        self._seq = itertools.count()
        self._cond = threading.Condition(threading.RLock())
        self._running = threading.RLock()
        self._disabled = 0
        self._draining = False
        self._thread: threading.Thread | None = None
        self._closed = False
        self.handled = 0

    # -- posting -----------------------------------------------------------------------------
    def post(self, handler: Callable[[Any], object], arg: Any, priority: int = 1) -> None:
        """Queue ``handler(arg)`` to run as an interrupt of the given priority."""
        with self._cond:
            if self._closed:
                return
            heapq.heappush(self._queue, (-priority, next(self._seq), handler, arg))
            if not self.synchronous:
                self._ensure_thread()
                self._cond.notify()
                return
        self._drain()

    # -- disabling ---------------------------------------------------------------------------
    def disable(self) -> int:
        """Defer handlers (waiting for a running one to finish); return the previous state."""
        self._running.acquire()
        try:
            with self._cond:
                previous = 0 if self._disabled else 1
                self._disabled += 1
                return previous
        finally:
            self._running.release()

    def enable(self, state: int = 1) -> None:
        """Undo one ``disable()``; with ``state`` true and no other ``disable()`` left, run what
        was deferred."""
        with self._cond:
            if self._disabled and state:
                self._disabled = 0
            elif self._disabled:
                return
            if not self.synchronous:
                self._cond.notify()
                return
        self._drain()

    @property
    def enabled(self) -> bool:
        """Whether handlers may run now."""
        return not self._disabled

    # -- running -----------------------------------------------------------------------------
    def _take(self) -> _Job | None:
        with self._cond:
            if self._disabled or not self._queue or self._closed:
                return None
            return heapq.heappop(self._queue)

    def _drain(self) -> None:
        """Run queued handlers on this thread (synchronous mode)."""
        with self._running:
            if self._draining:  # a handler posted another: it runs after this one returns
                return
            self._draining = True
            try:
                while (job := self._take()) is not None:
                    self._run(job)
            finally:
                self._draining = False

    def _run(self, job: _Job) -> None:
        handler, arg = job[2], job[3]
        try:
            handler(arg)
        except ResetRequest as request:
            forward_to_main_thread(request)
        except Exception as exc:
            print_exception(exc, sys.stdout)
        finally:
            self.handled += 1

    def _ensure_thread(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._loop, name="micropython-compat irq", daemon=True
            )
            self._thread.start()

    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._closed and (self._disabled or not self._queue):
                    self._cond.wait()
                if self._closed:
                    return
            with self._running:
                job = self._take()
                if job is not None:
                    self._run(job)

    def pending(self) -> int:
        """How many handlers wait to run."""
        with self._cond:
            return len(self._queue)

    def close(self) -> None:
        """Drop what is queued and stop the dispatcher thread."""
        with self._cond:
            self._closed = True
            self._queue.clear()
            self._cond.notify_all()
            thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join()
