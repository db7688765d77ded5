"""Simulated PWM outputs (``hal.PWMChannel``): what a timer in PWM mode puts out.

Tests read the current setting and the waveform::

    out = wipy.pwm_output(1, 'A')         # timer 1 channel A (drives GP25 on the WiPy)
    out.running, out.freq, out.duty       # True, 1000.0, 5055 (duty in 1/100 %, as the WiPy)
    out.period_ns, out.duty_ns, out.inverted
    out.level_at(t_ns)                    # 0/1: the output at board time t_ns

The waveform is computed, not simulated edge by edge: each ``set()``/``stop()`` starts a new
segment at the board time it happened, and ``level_at`` looks the time up in those segments.
A period starts with the active part (``duty_ns`` long), then the rest is inactive; ``inverted``
swaps the levels. A stopped output sits at 0. Changing only the duty or the polarity keeps the
phase of a running output; changing the period restarts it at once.

The level is not copied onto the simulated pin (``wipy.pin('GP25')``): that would take an edge
per half period on the board clock; use ``level_at`` instead.
"""

from __future__ import annotations

import bisect
import threading
from dataclasses import dataclass

from ...hal import Clock

__all__ = ["PWMSegment", "SimPWM"]

#: How many settings ``SimPWM.segments`` remembers (the oldest are dropped).
MAX_SEGMENTS = 10_000


@dataclass(frozen=True)
class PWMSegment:
    """From ``start_ns`` on (board time), the output ran with these settings (or was stopped)."""

    start_ns: int
    running: bool
    period_ns: int = 0
    duty_ns: int = 0
    inverted: bool = False
    phase_ns: int = 0  # board time at which a period began

    def level_at(self, t_ns: int) -> int:
        """The output level at ``t_ns`` (at or after ``start_ns``)."""
        if not self.running or self.period_ns <= 0:
            return 0
        active = (t_ns - self.phase_ns) % self.period_ns < self.duty_ns
        return int(active != self.inverted)


class SimPWM:
    """One simulated PWM output of timer ``timer_id`` channel ``channel`` ('A'/'B').

    ``pin`` names the board pin it drives, or ``None`` for a channel without an output pin.
    """

    def __init__(self, timer_id: int, channel: str, clock: Clock, pin: str | None) -> None:
        self.timer_id = timer_id
        self.channel = channel
        self.pin = pin
        self.clock = clock
        self._lock = threading.Lock()
        self.segments: list[PWMSegment] = [PWMSegment(start_ns=clock.now_ns(), running=False)]
        self._starts: list[int] = [self.segments[0].start_ns]

    # -- hal.PWMChannel ----------------------------------------------------------------------
    def set(self, period_ns: int, duty_ns: int, inverted: bool) -> None:
        """Start or update the output; ``duty_ns`` is clamped to ``0 .. period_ns``.

        Raises ``ValueError`` for a period that isn't positive.
        """
        if period_ns <= 0:
            raise ValueError("a PWM period must be positive")
        duty_ns = min(max(0, duty_ns), period_ns)
        now = self.clock.now_ns()
        with self._lock:
            last = self.segments[-1]
            keep_phase = last.running and last.period_ns == period_ns
            phase = last.phase_ns if keep_phase else now
            self._append(PWMSegment(now, True, period_ns, duty_ns, bool(inverted), phase))

    def stop(self) -> None:
        """Stop the output: it sits at 0 from now on."""
        with self._lock:
            if self.segments[-1].running:
                self._append(PWMSegment(self.clock.now_ns(), False))

    def _append(self, segment: PWMSegment) -> None:
        if self.segments[-1].start_ns == segment.start_ns:  # superseded at the same instant
            self.segments.pop()
            self._starts.pop()
        self.segments.append(segment)
        self._starts.append(segment.start_ns)
        if len(self.segments) > MAX_SEGMENTS:
            del self.segments[0]
            del self._starts[0]

    # -- what tests read ---------------------------------------------------------------------
    @property
    def current(self) -> PWMSegment:
        """The setting in force now."""
        return self.segments[-1]

    @property
    def running(self) -> bool:
        """Whether the output is running."""
        return self.current.running

    @property
    def period_ns(self) -> int:
        """The period in ns (0 when stopped)."""
        return self.current.period_ns

    @property
    def duty_ns(self) -> int:
        """How long each period is active, in ns (0 when stopped)."""
        return self.current.duty_ns

    @property
    def inverted(self) -> bool:
        """Whether the output is inverted (``Timer.NEGATIVE``)."""
        return self.current.inverted

    @property
    def freq(self) -> float:
        """The frequency in Hz (0.0 when stopped); may be fractional."""
        period = self.current.period_ns
        return 1e9 / period if self.current.running and period else 0.0

    @property
    def duty(self) -> int:
        """The duty cycle as the WiPy counts it, 0..10000 (1/100 %), rounded; 0 when stopped."""
        segment = self.current
        if not segment.running:
            return 0
        return round(segment.duty_ns * 10000 / segment.period_ns)

    @property
    def level(self) -> int:
        """The output level now."""
        return self.level_at(self.clock.now_ns())

    def level_at(self, t_ns: int) -> int:
        """The output level at board time ``t_ns`` (0 before the output was first set)."""
        with self._lock:
            index = bisect.bisect_right(self._starts, t_ns) - 1
            if index < 0:
                return 0
            segment = self.segments[index]
        return segment.level_at(t_ns)

    def __repr__(self) -> str:
        if not self.running:
            return f"<SimPWM {self.timer_id}{self.channel} stopped>"
        return (
            f"<SimPWM {self.timer_id}{self.channel} freq={self.freq:g} duty={self.duty}"
            f"{' inverted' if self.inverted else ''}>"
        )
