"""The one place interrupt handlers run.

Pin edges, timer ticks, UART receive and RTC alarms are *posted* here from whatever thread saw
them. Handlers then run one at a time, highest priority first (ties in the order posted), never
concurrently with each other. ``disable()`` defers every handler until ``enable()``.

Two ways to run:

* synchronous (a board on a virtual clock): a handler runs on the thread that posted it, before
  ``post()`` returns, so a test that drives a pin sees the handler's effect at once;
* threaded (a real clock): handlers run on one dispatcher thread, as they would preempt the
  program on the device.

Both behave alike whatever a job raises, and the dispatcher survives it:

* a reset request (``machine.reset()``, a watchdog) is not an error: it is passed to the
  program's main thread, where it ends the program;
* a Ctrl-C that lands while a handler runs on the main thread (synchronous mode) goes on
  interrupting the program;
* anything else (``SystemExit`` and ``KeyboardInterrupt`` raised by the job included) is
  printed as MicroPython prints it, and the next job runs. (``machine``'s irq objects catch
  their handlers' exceptions themselves, as the device does, before it gets here.)

The queue is bounded (``limit`` jobs waiting): a job posted to a full queue is dropped and
counted in ``lost``, and the first loss is reported on stderr once. That happens when
handlers can't keep up with their interrupts (or stay disabled too long); the device loses
interrupts then too.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import sys
import threading
from typing import Any, Callable

from .resets import ResetRequest, forward_to_main_thread, is_host_interrupt
from .tracebacks import print_exception

__all__ = ["DEFAULT_LIMIT", "Dispatcher"]

#: How many jobs may wait before new ones are dropped (and counted in ``Dispatcher.lost``).
DEFAULT_LIMIT = 10_000

_Job = tuple[int, int, Callable[[Any], object], Any]


class Dispatcher:
    """Runs interrupt handlers one at a time, by priority; at most ``limit`` wait."""

    def __init__(self, synchronous: bool, limit: int = DEFAULT_LIMIT) -> None:
        if limit < 1:
            raise ValueError("limit must be 1 or more")
        self.synchronous = synchronous
        self.limit = limit
        self._queue: list[_Job] = []
        self._seq = itertools.count()
        self._cond = threading.Condition(threading.RLock())
        self._running = threading.RLock()
        self._disabled = 0
        self._draining = False
        self._thread: threading.Thread | None = None
        self._closed = False
        #: how many jobs have run (raising or not)
        self.handled = 0
        #: how many jobs were dropped because the queue was full
        self.lost = 0

    # -- posting -----------------------------------------------------------------------------
    def post(self, handler: Callable[[Any], object], arg: Any, priority: int = 1) -> bool:
        """Queue ``handler(arg)`` to run as an interrupt of the given priority.

        Returns false when the job is dropped: the dispatcher is closed, or ``limit`` jobs
        already wait (then ``lost`` counts it). In synchronous mode the job (and what it
        posts) has run before this returns, unless interrupts are disabled; a reset request
        it made, or a Ctrl-C, propagates from here.
        """
        with self._cond:
            if self._closed:
                return False
            if len(self._queue) >= self.limit:
                self._lose()
                return False
            heapq.heappush(self._queue, (-priority, next(self._seq), handler, arg))
            if not self.synchronous:
                self._ensure_thread()
                self._cond.notify()
                return True
        self._drain()
        return True

    def _lose(self) -> None:
        self.lost += 1
        if self.lost == 1:
            try:
                sys.stderr.write(
                    f"micropython-compat: {self.limit} interrupts are waiting for their "
                    "handlers: more are dropped while the queue is full (counted in the "
                    "dispatcher's 'lost')\n"
                )
                sys.stderr.flush()
            except (OSError, ValueError):  # no stderr to tell: the count is still kept
                pass

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
        """Run one job; only a reset request (on the main thread) or a Ctrl-C leaves here."""
        handler, arg = job[2], job[3]
        try:
            handler(arg)
        except ResetRequest as request:
            forward_to_main_thread(request)
        except BaseException as exc:
            if is_host_interrupt(exc):
                raise
            _report(exc)
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
                    try:
                        self._run(job)
                    except BaseException as exc:  # off the main thread: nothing may stop us
                        _report(exc)
            with self._cond:
                self._cond.notify_all()  # for wait_idle()

    def wait_idle(self) -> None:
        """Wait until every handler queued so far (and what they queue) has run. Returns at
        once in synchronous mode (they have run already), on the dispatcher's own thread,
        while handlers are disabled, and once the dispatcher is closed."""
        if self.synchronous or threading.current_thread() is self._thread:
            return
        while True:
            with self._cond:
                while self._queue and not (self._closed or self._disabled):
                    self._cond.wait()
            with self._running, self._cond:  # the handler taken last has returned
                if not self._queue or self._closed or self._disabled:
                    return

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


def _report(exc: BaseException) -> None:
    """Print ``exc`` as MicroPython does; a broken stdout can't stop the dispatcher."""
    with contextlib.suppress(Exception):  # stdout closed or broken: nothing left to tell
        print_exception(exc, sys.stdout)
