"""GPIO through the seam and machine.Pin: levels, open drain, pulls, edge IRQs, busy lines."""

from __future__ import annotations

import errno

import pytest

from machine import Pin

from .conftest import Bench


@pytest.mark.parametrize("level", [0, 1, 0])
def test_an_output_drives_the_pin(bench: Bench, level: int) -> None:
    pin = Pin(bench.output_pin, Pin.OUT, value=1 - level)
    assert bench.level(bench.output_pin) == 1 - level
    pin.value(level)
    assert bench.level(bench.output_pin) == level
    assert pin.value() == level


def test_toggle_and_call_drive_the_pin(bench: Bench) -> None:
    pin = Pin(bench.output_pin, Pin.OUT, value=0)
    pin.toggle()
    assert bench.level(bench.output_pin) == 1
    pin(0)
    assert bench.level(bench.output_pin) == 0


def test_an_input_reads_what_the_bench_drives(bench: Bench) -> None:
    pin = Pin(bench.input_pin, Pin.IN)
    for level in (1, 0, 1):
        bench.drive(bench.input_pin, level)
        assert pin.value() == level
        assert pin() == level


def test_pulls_set_the_level_of_an_undriven_input(bench: Bench) -> None:
    bench.drive(bench.input_pin, None)
    pin = Pin(bench.input_pin, Pin.IN, Pin.PULL_UP)
    assert pin.value() == 1
    pin.pull(Pin.PULL_DOWN)
    assert pin.value() == 0
    pin.pull(Pin.PULL_UP)
    assert pin.value() == 1


def test_open_drain_pulls_low_and_releases_high(bench: Bench) -> None:
    name = bench.output_pin
    bench.drive(name, None)
    pin = Pin(name, Pin.OPEN_DRAIN, value=0)
    assert bench.level(name) == 0
    assert pin.value() == 0
    pin.value(1)  # released: the line follows what else is on it
    bench.drive(name, 1)
    assert pin.value() == 1
    assert bench.level(name) == 1
    bench.drive(name, 0)
    assert pin.value() == 0


def test_an_output_keeps_its_latch_across_mode_changes(bench: Bench) -> None:
    pin = Pin(bench.output_pin, Pin.OUT, value=1)
    pin.mode(Pin.IN)
    pin.mode(Pin.OUT)
    assert bench.level(bench.output_pin) == 1


@pytest.mark.parametrize(
    ("trigger", "expected"),
    [
        (Pin.IRQ_RISING, [Pin.IRQ_RISING, Pin.IRQ_RISING]),
        (Pin.IRQ_FALLING, [Pin.IRQ_FALLING, Pin.IRQ_FALLING]),
        (
            Pin.IRQ_RISING | Pin.IRQ_FALLING,
            [Pin.IRQ_RISING, Pin.IRQ_FALLING, Pin.IRQ_RISING, Pin.IRQ_FALLING],
        ),
    ],
)
def test_edge_irqs_see_each_edge(bench: Bench, trigger: int, expected: list[int]) -> None:
    name = bench.irq_pin
    bench.drive(name, 0)
    pin = Pin(name, Pin.IN)
    flags: list[int] = []
    pin.irq(trigger=trigger, handler=lambda p: flags.append(p.irq().flags()))
    for level in (1, 0, 1, 0):
        bench.drive(name, level)
        bench.settle()
    assert flags == expected


def test_a_disabled_irq_stays_quiet_until_enabled(bench: Bench) -> None:
    name = bench.irq_pin
    bench.drive(name, 0)
    pin = Pin(name, Pin.IN)
    calls: list[int] = []
    irq = pin.irq(trigger=Pin.IRQ_RISING, handler=lambda p: calls.append(p.value()))
    irq.disable()
    bench.drive(name, 1)
    bench.settle()
    bench.drive(name, 0)
    bench.settle()
    assert calls == []
    irq.enable()
    bench.drive(name, 1)
    bench.settle()
    assert calls == [1]


def test_a_line_held_elsewhere_names_its_holder(bench: Bench) -> None:
    with bench.hold_elsewhere(bench.output_pin, "other-app") as held:
        if held:
            with pytest.raises(OSError) as info:
                Pin(bench.output_pin, Pin.OUT)
            assert info.value.errno == errno.EBUSY
            assert "other-app" in str(info.value)
            assert bench.output_pin in str(info.value)
        else:  # the simulated pad has no other users: the one Pin object gets it
            assert Pin(bench.output_pin, Pin.OUT) is Pin(bench.output_pin)
            assert bench.claimed(bench.output_pin)
