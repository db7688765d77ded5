"""Simulated pins: levels, pulls, drive, open drain, wires between pins, and a record.

Pins joined by wires form a *net*; every pin on a net reads the same level, resolved from what
drives it:

* strong drivers: push-pull outputs, open-drain outputs driving low, and a test's
  ``drive_high()``/``drive_low()``. If they disagree the net reads 0 and the fight is reported
  in ``SimGPIO.conflicts`` (and the record);
* otherwise pulls: a pull-up alone gives 1, a pull-down alone 0;
* otherwise the net floats and keeps its last level.

Every level change of a pin is reported to the pin's watcher (the front end's IRQ logic) and,
while ``SimGPIO.recording`` is on, recorded with its time in the pin's history: a ring of its
last ``DEFAULT_HISTORY`` changes, or as many as the board description says::

    [sim]
    history = 100000                 # changes kept per pin; older ones are dropped, and counted
    history_pins = { GP16 = 1000000 } # per pin

Recording is on for a board made in a test; ``micropython-compat run`` turns it off unless
asked (``--record``), so a program that toggles a pin for days runs in constant memory.

An unwired push-pull output that nothing else drives is *simple*: its level is its output
register, and ``machine.Pin`` writes it through ``SimPinBase.write`` (the C fast path) without
resolving a net. Every change of wiring, drive or configuration goes through ``update``, which
takes the flag away while it resolves and gives it back.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, overload

from ..._fast import LevelRing, SimPinBase
from ...clocks import RealClock
from ...description import BoardDescription
from ...errors import BoardDescriptionError
from ...hal import Clock, EdgeCallback, LineConfig

__all__ = [
    "DEFAULT_HISTORY",
    "Conflict",
    "LevelChange",
    "PinHistory",
    "SimGPIO",
    "SimLine",
    "SimPin",
]

#: Level changes kept per pin unless the board description says otherwise.
DEFAULT_HISTORY = 100_000
#: Net conflicts kept (the oldest go first).
CONFLICTS_KEPT = 10_000


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


class PinHistory(Sequence[LevelChange]):
    """A pin's recorded level changes, oldest first: a live view of its ring.

    Reads like a list (``len``, indexing, slicing, iterating, ``==`` with a list); ``dropped``
    counts the older changes no longer kept, ``size`` is how many are kept (settable: a
    smaller size keeps the newest), ``clear()`` forgets them all.
    """

    __slots__ = ("_name", "_ring")

    def __init__(self, name: str, ring: Any) -> None:
        self._name = name
        self._ring = ring

    def __len__(self) -> int:
        return len(self._ring)

    @overload
    def __getitem__(self, index: int) -> LevelChange: ...

    @overload
    def __getitem__(self, index: slice) -> list[LevelChange]: ...

    def __getitem__(self, index: int | slice) -> LevelChange | list[LevelChange]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        time_ns, _, level = self._ring[index]
        return LevelChange(time_ns, self._name, level)

    def __iter__(self) -> Iterator[LevelChange]:
        name = self._name
        return (LevelChange(time_ns, name, level) for time_ns, _, level in list(self._ring))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (PinHistory, list, tuple)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    @property
    def dropped(self) -> int:
        """How many older changes are no longer kept."""
        return int(self._ring.dropped)

    @property
    def size(self) -> int:
        """How many changes are kept."""
        return int(self._ring.size)

    @size.setter
    def size(self, size: int) -> None:
        self._ring.size = size

    def clear(self) -> None:
        """Forget every change (and the dropped count)."""
        self._ring.clear()

    def __repr__(self) -> str:
        return f"<PinHistory {self._name}: {len(self)} changes, {self.dropped} dropped>"


class SimPin(SimPinBase):
    """The simulated pad of one board pin: its configuration and what drives it.

    Tests reach it as ``board.pin('GP2')`` and drive it like a signal from outside.
    ``level``, ``output`` (the output register) and ``watcher`` live in ``SimPinBase``.
    """

    def __init__(self, gpio: SimGPIO, name: str, history: int = DEFAULT_HISTORY) -> None:
        self._gpio = gpio
        self.name = name
        self.config = LineConfig()
        self.external: int | None = None  # a test's drive_high()/drive_low()
        self.claimed = False
        self._ring = LevelRing(history)
        self.ring = self._ring
        self.clock = None if isinstance(gpio.clock, RealClock) else gpio.clock
        self.lock = gpio.lock

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
            self.simple = False
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
    def history(self) -> PinHistory:
        """This pin's recorded level changes, oldest first (see ``PinHistory``)."""
        return PinHistory(self.name, self._ring)

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

    @property
    def fast_pin(self) -> SimPin | None:
        """The pin for ``machine.Pin``'s fast path to ``write()`` directly (None: released)."""
        return self._pin

    def set(self, value: int) -> None:
        pin = self._alive()
        if not pin.write(value) and pin.config.mode in ("out", "open_drain"):
            self._gpio.update(pin.name)

    def reconfigure(self, config: LineConfig) -> None:
        pin = self._alive()
        with self._gpio.lock:
            pin.simple = False
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
                pin.simple = False
                pin.watcher = None
                pin.claimed = False
                pin.config = LineConfig()
            self._gpio.update(pin.name)


class SimGPIO:
    """All simulated pins of a board, their wiring and their record (``hal.GPIOController``)."""

    def __init__(self, description: BoardDescription, clock: Clock) -> None:
        self.clock = clock
        self.lock = threading.RLock()
        default, sizes = _history_sizes(description)
        self.pins: dict[str, SimPin] = {
            name: SimPin(self, name, sizes.get(name, default)) for name in description.pins
        }
        self._nets: dict[str, set[str]] = {name: {name} for name in self.pins}
        self.conflicts: deque[Conflict] = deque(maxlen=CONFLICTS_KEPT)
        self._recording = True

    @property
    def recording(self) -> bool:
        """Whether level changes are recorded in the pins' histories (settable)."""
        return self._recording

    @recording.setter
    def recording(self, on: bool) -> None:
        with self.lock:
            self._recording = bool(on)
            for pin in self.pins.values():
                pin.ring = pin._ring if on else None

    @property
    def history(self) -> list[LevelChange]:
        """Every pin's recorded level changes, in the order they happened."""
        with self.lock:
            entries = [
                (order, time_ns, pin.name, level)
                for pin in self.pins.values()
                for time_ns, order, level in list(pin._ring)
            ]
        entries.sort()
        return [LevelChange(time_ns, name, level) for _, time_ns, name, level in entries]

    @property
    def dropped(self) -> int:
        """How many recorded changes the pins' histories no longer keep."""
        return sum(int(pin._ring.dropped) for pin in self.pins.values())

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
            for pin in net:
                pin.simple = False
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
                    ring = pin.ring
                    if ring is not None:
                        ring.append(now, level)
            if len(net) == 1:
                only = net[0]
                only.simple = only.config.mode == "out" and only.external is None
        for pin in changed:
            watcher = pin.watcher
            if watcher is not None:
                watcher(level, now)

    def close(self) -> None:
        """Forget every watcher."""
        with self.lock:
            for pin in self.pins.values():
                pin.simple = False
                pin.watcher = None
                pin.claimed = False


def _history_sizes(description: BoardDescription) -> tuple[int, dict[str, int]]:
    """``[sim] history`` and ``history_pins`` of ``description``: the default ring size and
    the sizes of named pins. Raises ``BoardDescriptionError`` for a size that isn't an int
    >= 0 or a pin the board doesn't have."""
    sim = description.section("sim")
    where = f"{description.source}: [sim]"
    default = _size(sim.get("history", DEFAULT_HISTORY), f"{where} history")
    per_pin = sim.get("history_pins", {})
    if not isinstance(per_pin, Mapping):
        raise BoardDescriptionError(f"{where} history_pins must be a table of pin = size")
    sizes: dict[str, int] = {}
    for name, size in per_pin.items():
        if name not in description.pins:
            raise BoardDescriptionError(f"{where} history_pins: the board has no pin {name!r}")
        sizes[name] = _size(size, f"{where} history_pins.{name}")
    return default, sizes


def _size(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise BoardDescriptionError(f"{where} must be an int >= 0 (changes kept), not {value!r}")
    return int(value)
