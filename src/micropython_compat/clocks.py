"""The two clocks a board can own: the host's monotonic clock, and a virtual clock for tests.

Both implement ``hal.Clock``. Every sleep, tick, timer, alarm and timeout goes through the
board's clock, so the same program runs in real time on hardware and instantly, in a
repeatable order, on a virtual clock.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from typing import Callable

__all__ = ["TICKS_SPAN_NS", "RealClock", "VirtualClock", "ticks_offset_ns"]

# ticks_ms()'s period in ns (2**30 ms): a whole number of ticks_us() and ticks_cpu() periods too.
TICKS_SPAN_NS = (1 << 30) * 1_000_000


def ticks_offset_ns(now_ns: int, wrap_after_ms: int | None) -> int:
    """What to add to a clock reading ``now_ns`` now for ``utime.ticks_*`` to start at 0, as on a
    device at boot; with ``wrap_after_ms``, to start that many ms before they all wrap at
    2**30 (a board option that brings wrap bugs out in a test).

    Raises ``ValueError`` for a ``wrap_after_ms`` that is negative or not below 2**30."""
    start = 0
    if wrap_after_ms is not None:
        if not 0 <= wrap_after_ms < (1 << 30):
            raise ValueError("ticks_wrap_after_ms must be 0 .. 2**30 - 1")
        start = TICKS_SPAN_NS - wrap_after_ms * 1_000_000
    return start - now_ns


class _Alarm:
    """A scheduled call; ``cancel()`` stops it."""

    __slots__ = ("callback", "cancelled", "deadline")

    def __init__(self, deadline: int, callback: Callable[[], None]) -> None:
        self.deadline = deadline
        self.callback: Callable[[], None] | None = callback
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True
        self.callback = None


_Entry = tuple[int, int, _Alarm]


class _AlarmQueue:
    """Alarms in deadline order; ties keep the order they were scheduled in."""

    def __init__(self) -> None:
        self._heap: list[_Entry] = []
        self._seq = itertools.count()

    def push(self, alarm: _Alarm) -> None:
        heapq.heappush(self._heap, (alarm.deadline, next(self._seq), alarm))

    def next_deadline(self) -> int | None:
        while self._heap and self._heap[0][2].cancelled:
            heapq.heappop(self._heap)
        return self._heap[0][0] if self._heap else None

    def pop_due(self, now: int) -> _Alarm | None:
        deadline = self.next_deadline()
        if deadline is None or deadline > now:
            return None
        return heapq.heappop(self._heap)[2]

    def clear(self) -> None:
        for _, _, alarm in self._heap:
            alarm.cancel()
        self._heap.clear()

    def __len__(self) -> int:
        return sum(1 for _, _, a in self._heap if not a.cancelled)


class RealClock:
    """The host's monotonic clock. Alarms run on one background thread, started on demand."""

    virtual = False

    def __init__(self) -> None:
        self._queue = _AlarmQueue()
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False

    def now_ns(self) -> int:
        """Monotonic time in ns."""
        return time.monotonic_ns()

    def ticks_ns(self) -> int:
        """The time a program reading ``ticks_*`` sees (the same as ``now_ns`` here)."""
        return time.monotonic_ns()

    def sleep_until_ns(self, deadline_ns: int) -> None:
        """Sleep until the deadline (Ctrl-C interrupts it)."""
        while True:
            remaining = deadline_ns - time.monotonic_ns()
            if remaining <= 0:
                return
            time.sleep(remaining / 1e9)

    def call_at_ns(self, deadline_ns: int, callback: Callable[[], None]) -> _Alarm:
        """Call ``callback()`` on the alarm thread at ``deadline_ns``."""
        alarm = _Alarm(deadline_ns, callback)
        with self._cond:
            if self._closed:
                raise RuntimeError("the clock is closed")
            self._queue.push(alarm)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="micropython-compat clock", daemon=True
                )
                self._thread.start()
            self._cond.notify()
        return alarm

    def _run(self) -> None:
        while True:
            with self._cond:
                alarm = None
                while not self._closed:
                    now = time.monotonic_ns()
                    alarm = self._queue.pop_due(now)
                    if alarm is not None:
                        break
                    deadline = self._queue.next_deadline()
                    timeout = None if deadline is None else (deadline - now) / 1e9
                    self._cond.wait(timeout)
                if self._closed:
                    return
            callback = alarm.callback if alarm is not None else None
            if callback is not None:
                callback()

    def close(self) -> None:
        """Cancel every alarm and stop the alarm thread."""
        with self._cond:
            self._closed = True
            self._queue.clear()
            self._cond.notify()
            thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join()


class VirtualClock:
    """A clock that only moves when told to, or when the program sleeps.

    Sleeping jumps to the deadline at once, calling every alarm that falls due on the way, in
    deadline order, with ``now_ns()`` reading that alarm's deadline while it runs. Each read
    through ``ticks_ns()`` (what ``utime.ticks_*`` use) moves the clock on by ``step_ns`` so a
    program that busy-waits on ``ticks_us()`` sees time pass.
    """

    virtual = True

    def __init__(self, start_ns: int = 0, step_ns: int = 1000) -> None:
        self._now = start_ns
        self.step_ns = step_ns
        self._queue = _AlarmQueue()
        self._lock = threading.RLock()

    def now_ns(self) -> int:
        """The current virtual time."""
        return self._now

    def ticks_ns(self) -> int:
        """Move on by ``step_ns`` (running what falls due) and return the time."""
        if self.step_ns:
            self.advance_to_ns(self._now + self.step_ns)
        return self._now

    def advance_ns(self, delta_ns: int) -> None:
        """Move the clock forward by ``delta_ns``, running due alarms in order."""
        self.advance_to_ns(self._now + delta_ns)

    def advance_to_ns(self, target_ns: int) -> None:
        """Move the clock forward to ``target_ns``, running due alarms in order."""
        while True:
            with self._lock:
                alarm = self._queue.pop_due(target_ns)
                if alarm is None:
                    self._now = max(self._now, target_ns)
                    return
                self._now = max(self._now, alarm.deadline)
            callback = alarm.callback
            if callback is not None:
                callback()

    def sleep_until_ns(self, deadline_ns: int) -> None:
        """Jump to the deadline (a sleep takes no real time)."""
        self.advance_to_ns(deadline_ns)

    def call_at_ns(self, deadline_ns: int, callback: Callable[[], None]) -> _Alarm:
        """Call ``callback()`` when the clock reaches ``deadline_ns``."""
        alarm = _Alarm(deadline_ns, callback)
        with self._lock:
            self._queue.push(alarm)
        return alarm

    def pending(self) -> int:
        """How many alarms are scheduled."""
        with self._lock:
            return len(self._queue)

    def next_deadline_ns(self) -> int | None:
        """When the next alarm falls due, or ``None``."""
        with self._lock:
            return self._queue.next_deadline()

    def close(self) -> None:
        """Cancel every alarm."""
        with self._lock:
            self._queue.clear()
