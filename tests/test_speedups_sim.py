"""The simulated pin fast path: ``LevelRing`` and ``SimPinBase`` in C and in the pure twin
agree, and ``PinBase`` drives a ``_sim`` pin alike in both."""

from __future__ import annotations

from types import ModuleType
from typing import Any, Callable

import pytest

from micropython_compat import _pyimpl, _speedups

IMPLS = [_pyimpl, _speedups]


def outcome(fn: Callable[[], Any]) -> tuple[Any, ...]:
    try:
        return ("ok", fn())
    except Exception as exc:
        return ("raised", type(exc), str(exc))


def agree(op: Callable[[ModuleType], Any]) -> tuple[Any, ...]:
    py, c = (outcome(lambda impl=impl: op(impl)) for impl in IMPLS)
    assert c == py
    return py


def contents(ring: Any) -> list[tuple[int, int]]:
    """(time, level) of each change; the orders must rise."""
    items = list(ring)
    orders = [order for _, order, _ in items]
    assert orders == sorted(orders) and len(set(orders)) == len(orders)
    return [(t, level) for t, _, level in items]


@pytest.mark.parametrize("size", [0, 1, 3, 10])
def test_rings_keep_the_newest_and_count_alike(size: int) -> None:
    def op(impl: ModuleType) -> Any:
        ring = impl.LevelRing(size)
        for i in range(7):
            ring.append(i * 10, i % 3)
        return (len(ring), ring.size, ring.total, ring.dropped, contents(ring))

    agree(op)


def test_ring_resize_clear_and_indexing_agree() -> None:
    def op(impl: ModuleType) -> Any:
        ring = impl.LevelRing(5)
        for i in range(8):
            ring.append(i, i & 1)
        ring.size = 2
        shrunk = contents(ring)
        ring.size = 4
        ring.append(100, True)
        grown = (contents(ring), ring.dropped, ring[-1][::2], ring[0][::2])
        ring.clear()
        return shrunk, grown, len(ring), ring.total

    agree(op)


@pytest.mark.parametrize(
    "op",
    [
        lambda impl: impl.LevelRing(-1),
        lambda impl: impl.LevelRing("5"),
        lambda impl: impl.LevelRing(),
        lambda impl: impl.LevelRing(2)[2],
        lambda impl: impl.LevelRing(2)[-1],
        lambda impl: impl.LevelRing(2)["a"],
        lambda impl: impl.LevelRing(2).append("t", 1),
        lambda impl: impl.LevelRing(2).append(1),
        lambda impl: setattr(impl.LevelRing(2), "size", -3),
    ],
)
def test_ring_errors_agree(op: Callable[[ModuleType], Any]) -> None:
    assert agree(op)[0] == "raised"


class Clock:
    def __init__(self) -> None:
        self.now = 1000

    def now_ns(self) -> int:
        self.now += 1
        return self.now


def sim_pin(impl: ModuleType, simple: bool, record: bool, watch: list[Any] | None) -> Any:
    pin = impl.SimPinBase()
    pin.simple = simple
    pin.clock = Clock()
    if record:
        pin.ring = impl.LevelRing(10)
    if watch is not None:
        pin.watcher = lambda level, t: watch.append((level, t))
    return pin


@pytest.mark.parametrize("simple", [False, True])
@pytest.mark.parametrize("record", [False, True])
@pytest.mark.parametrize("watched", [False, True])
def test_write_agrees(simple: bool, record: bool, watched: bool) -> None:
    def op(impl: ModuleType) -> Any:
        seen: list[Any] = []
        pin = sim_pin(impl, simple, record, seen if watched else None)
        results = [pin.write(v) for v in (1, 1, 0, "x", None)]
        ring = contents(pin.ring) if record else None
        return results, pin.level, pin.output, ring, seen

    agree(op)


def test_fresh_sim_pins_agree() -> None:
    agree(
        lambda impl: [
            getattr(impl.SimPinBase(), name)
            for name in ("level", "output", "simple", "watcher", "ring", "clock", "lock")
        ]
    )


def test_write_raises_what_the_watcher_or_the_clock_raise_alike() -> None:
    def watcher_fails(impl: ModuleType) -> Any:
        pin = sim_pin(impl, True, True, None)
        pin.watcher = lambda level, t: 1 / 0
        return pin.write(1)

    def clock_fails(impl: ModuleType) -> Any:
        pin = sim_pin(impl, True, True, None)
        pin.clock = object()
        return pin.write(1)

    assert agree(watcher_fails)[1] is ZeroDivisionError
    assert agree(clock_fails)[1] is AttributeError


class FakeLine:
    def __init__(self) -> None:
        self.calls: list[Any] = []

    def get(self) -> int:
        self.calls.append("get")
        return 0

    def set(self, value: int) -> None:
        self.calls.append(("set", value))


@pytest.mark.parametrize("simple", [False, True])
def test_pinbase_drives_its_sim_pin_alike(simple: bool) -> None:
    def op(impl: ModuleType) -> Any:
        class Pin(impl.PinBase):  # type: ignore[name-defined]
            pass

        pin = Pin()
        pin._line = FakeLine()
        pin._sim = sim_pin(impl, simple, True, None)
        steps = [pin.value(1), pin.value(1), pin.toggle(), pin(1), pin.value(), pin._out]
        steps.append(pin.value(True))
        return steps, pin._line.calls, pin._sim.output, pin._sim.level, contents(pin._sim.ring)

    agree(op)


def test_pinbase_reads_the_sim_pins_level() -> None:
    def op(impl: ModuleType) -> Any:
        class Pin(impl.PinBase):  # type: ignore[name-defined]
            pass

        pin = Pin()
        pin._line = FakeLine()
        pin._sim = impl.SimPinBase()
        pin._sim.level = 1
        return pin.value(), pin(), pin._line.calls

    assert agree(op) == ("ok", (1, 1, []))
