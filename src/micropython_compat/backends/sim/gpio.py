"""Simulated pins: levels, pulls, drive, open drain, wires between pins, and a record.

Pins joined by wires form a *net*; every pin on a net reads the same level, resolved from what
drives it:

* strong drivers: push-pull outputs, open-drain outputs driving low, and a test's
  ``drive_high()``/``drive_low()``. If they disagree the net reads 0 and the fight is reported
  in ``SimGPIO.conflicts`` (and the record);
* otherwise pulls: a pull-up alone gives 1, a pull-down alone 0;
* otherwise the net floats and keeps its last level.

Every level change of a pin is recorded with its time (``SimGPIO.history``) and reported to the
pin's watcher (the front end's IRQ logic).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

from ...description import BoardDescription
from ...hal import Clock, EdgeCallback, LineConfig

__all__ = ["Conflict", "LevelChange", "SimGPIO", "SimLine", "SimPin"]


@dataclass(frozen=True)
class LevelChange:
    """Pin ``pin`` changed to ``level`` at ``time_ns`` on the board clock."""

    time_ns: int
    pin: str
    level: int


@dataclass(frozen=True)
class Conflict:
    """At ``time_ns`` the pins in ``drivers`` drove one net to different levels."""

    time_ns: int
    drivers: tuple[tuple[str, int], ...]


class SimPin:
    """The simulated pad of one board pin: its configuration and what drives it.

    Tests reach it as ``board.pin('GP2')`` and drive it like a signal from outside.
    """

    def __init__(self, gpio: SimGPIO, name: str) -> None:
        self._gpio = gpio
        self.name = name
        self.config = LineConfig()
        self.output = 0  # the output register
        self.external: int | None = None  # a test's drive_high()/drive_low()
        self.level = 0
        self.claimed = False
        self.watcher: EdgeCallback | None = None

    # -- what tests do -----------------------------------------------------------------------
    def drive_high(self) -> None:
        """Drive the pin high from outside (as a signal generator would)."""
        self._drive(1)

    def drive_low(self) -> None:
        """Drive the pin low from outside."""
        self._drive(0)

    def drive(self, level: int) -> None:
        """Drive the pin to ``level`` from outside."""
        self._drive(1 if level else 0)

    def release(self) -> None:
        """Stop driving the pin from outside (it floats, or follows its pull)."""
        self._drive(None)

    def pulse(self, level: int, width_us: int) -> None:
        """Drive ``level`` now and the opposite level ``width_us`` later (board clock)."""
        self._drive(1 if level else 0)
        clock = self._gpio.clock
        clock.call_at_ns(clock.now_ns() + width_us * 1000, lambda: self._drive(0 if level else 1))

    def _drive(self, level: int | None) -> None:
        with self._gpio.lock:
            self.external = level
        self._gpio.update(self.name)

    @property
    def driving(self) -> int | None:
        """What this pin itself drives onto its net: 0, 1, or ``None``."""
        mode = self.config.mode
        if mode == "out":
            return self.output
        if mode == "open_drain":
            return 0 if self.output == 0 else None
        return None

    @property
    def history(self) -> list[LevelChange]:
        """This pin's recorded level changes, oldest first."""
        return [c for c in self._gpio.history if c.pin == self.name]

    def __repr__(self) -> str:
        return f"<SimPin {self.name} level={self.level} mode={self.config.mode}>"


class SimLine:
    """A claimed pin, as the front end holds it (``hal.GPIOLine``)."""

    fast_fd = -1

    def __init__(self, gpio: SimGPIO, pin: SimPin) -> None:
        self._gpio = gpio
        self._pin: SimPin | None = pin

    def _alive(self) -> SimPin:
        if self._pin is None:
            raise ValueError("the line has been released")
        return self._pin

    def get(self) -> int:
        return self._alive().level

    def set(self, value: int) -> None:
        pin = self._alive()
        pin.output = 1 if value else 0
        if pin.config.mode in ("out", "open_drain"):
            self._gpio.update(pin.name)

    def reconfigure(self, config: LineConfig) -> None:
        pin = self._alive()
        with self._gpio.lock:
            pin.config = config
            if config.value is not None:
                pin.output = 1 if config.value else 0
        self._gpio.update(pin.name)

    def watch(self, callback: EdgeCallback | None) -> None:
        self._alive().watcher = callback

    def release(self) -> None:
        pin, self._pin = self._pin, None
        if pin is not None:
            with self._gpio.lock:
                pin.watcher = None
                pin.claimed = False
                pin.config = LineConfig()
            self._gpio.update(pin.name)


class SimGPIO:
    """All simulated pins of a board, their wiring and their record (``hal.GPIOController``)."""

    def __init__(self, description: BoardDescription, clock: Clock) -> None:
        self.clock = clock
        self.lock = threading.RLock()
        self.pins: dict[str, SimPin] = {name: SimPin(self, name) for name in description.pins}
        self._nets: dict[str, set[str]] = {name: {name} for name in self.pins}
        self.history: list[LevelChange] = []
        self.conflicts: list[Conflict] = []
        self.recording = True

    def pin(self, name: str) -> SimPin:
        """The simulated pad of pin ``name``; ``ValueError`` if the board has no such pin."""
        try:
            return self.pins[name]
        except KeyError:
            raise ValueError(f"the board has no pin {name!r}") from None

    def claim(self, name: str, config: LineConfig) -> SimLine:
        pin = self.pin(name)
        with self.lock:
            pin.claimed = True
        line = SimLine(self, pin)
        line.reconfigure(config)
        return line

    def wire(self, *names: str) -> None:
        """Connect pins with a wire: they then share one net and one level."""
        pins = [self.pin(n).name for n in names]
        with self.lock:
            merged: set[str] = set()
            for name in pins:
                merged |= self._nets[name]
            for name in merged:
                self._nets[name] = merged
        self.update(pins[0])

    def unwire(self, name: str) -> None:
        """Disconnect pin ``name`` from every wire."""
        self.pin(name)
        with self.lock:
            net = self._nets[name]
            net.discard(name)
            self._nets[name] = {name}
            rest = next(iter(net), None)
        self.update(name)
        if rest is not None:
            self.update(rest)

    def net(self, name: str) -> set[str]:
        """The names of the pins wired to ``name`` (itself included)."""
        with self.lock:
            return set(self._nets[self.pin(name).name])

    def _resolve(self, net: Iterable[SimPin], previous: int) -> tuple[int, Conflict | None]:
        strong: list[tuple[str, int]] = []
        pulls: set[str] = set()
        for pin in net:
            if pin.external is not None:
                strong.append((f"{pin.name} (external)", pin.external))
            driving = pin.driving
            if driving is not None:
                strong.append((pin.name, driving))
            if pin.config.pull is not None and pin.config.mode != "out":
                pulls.add(pin.config.pull)
        levels = {level for _, level in strong}
        if len(levels) > 1:
            return 0, Conflict(self.clock.now_ns(), tuple(sorted(strong)))
        if levels:
            return levels.pop(), None
        if pulls == {"up"}:
            return 1, None
        if pulls == {"down"}:
            return 0, None
        return previous, None

    def update(self, name: str) -> None:
        """Re-resolve the net of pin ``name``; record and report every change."""
        changed: list[SimPin] = []
        with self.lock:
            net = [self.pins[n] for n in sorted(self._nets[name])]
            level, conflict = self._resolve(net, net[0].level)
            if conflict is not None and (
                not self.conflicts or self.conflicts[-1].drivers != conflict.drivers
            ):
                self.conflicts.append(conflict)
            now = self.clock.now_ns()
            for pin in net:
                if pin.level != level:
                    pin.level = level
                    changed.append(pin)
                    if self.recording:
                        self.history.append(LevelChange(now, pin.name, level))
        for pin in changed:
            watcher = pin.watcher
            if watcher is not None:
                watcher(level, now)

    def close(self) -> None:
        """Forget every watcher."""
        with self.lock:
            for pin in self.pins.values():
                pin.watcher = None
                pin.claimed = False
