"""The wipy module: the heartbeat LED."""

from __future__ import annotations

import pytest

import machine
import wipy as wipy_module
from machine import Pin
from micropython_compat.testing import LevelChange, SimBoard

_MS = 1_000_000


def _led(board: SimBoard, since_ns: int = 0) -> list[tuple[int, int]]:
    """(time since ``since_ns`` in ms, level) of every GP25 change after ``since_ns``."""
    return [
        ((c.time_ns - since_ns) // _MS, c.level)
        for c in board.pin("GP25").history
        if c.time_ns >= since_ns
    ]


@pytest.mark.usefixtures("wipy")
def test_quick_reference_example() -> None:
    import wipy

    assert wipy.heartbeat(False) is None  # disable the heartbeat LED
    assert wipy.heartbeat() is False
    assert wipy.heartbeat(True) is None  # enable the heartbeat LED
    assert wipy.heartbeat() is True  # get the heartbeat state


def test_enabled_at_boot_without_adding_alarms(wipy: SimBoard) -> None:
    assert wipy_module.heartbeat() is True
    assert wipy.clock.pending() == 0
    assert not wipy.pin("GP25").claimed
    wipy.advance(s=10)
    assert _led(wipy) == []


def test_flashes_every_4_seconds(wipy: SimBoard) -> None:
    start = wipy.clock.now_ns()
    wipy_module.heartbeat(True)
    assert wipy.pin("GP25").claimed
    assert wipy.pin("GP25").config.mode == "out"
    wipy.advance(ms=12_100)
    assert _led(wipy, start) == [
        (3920, 1),
        (4000, 0),
        (7920, 1),
        (8000, 0),
        (11_920, 1),
        (12_000, 0),
    ]


def test_disabling_switches_the_led_off_and_releases_it(wipy: SimBoard) -> None:
    start = wipy.clock.now_ns()
    wipy_module.heartbeat(True)
    wipy.advance(ms=3950)  # in the middle of a flash
    assert wipy.pin("GP25").level == 1
    wipy_module.heartbeat(False)
    assert wipy.pin("GP25").level == 0
    assert not wipy.pin("GP25").claimed
    assert wipy.clock.pending() == 0
    wipy.advance(s=10)
    assert _led(wipy, start) == [(3920, 1), (3950, 0)]


def test_truthiness_and_argument_count(wipy: SimBoard) -> None:
    wipy_module.heartbeat(0)
    assert wipy_module.heartbeat() is False
    wipy_module.heartbeat("yes")
    assert wipy_module.heartbeat() is True
    with pytest.raises(TypeError):
        wipy_module.heartbeat(True, False)


def test_enabling_again_restarts_the_cycle(wipy: SimBoard) -> None:
    start = wipy.clock.now_ns()
    wipy_module.heartbeat(True)
    wipy.advance(ms=2000)
    wipy_module.heartbeat(True)
    assert wipy.clock.pending() == 1
    wipy.advance(ms=6000)
    assert _led(wipy, start) == [(5920, 1), (6000, 0)]


def test_pin_after_disabling_the_heartbeat(wipy: SimBoard) -> None:
    wipy_module.heartbeat(True)
    wipy_module.heartbeat(False)
    led = Pin("GP25", Pin.OUT)
    led.value(1)
    wipy.advance(s=10)
    assert wipy.pin("GP25").level == 1
    assert [c.level for c in wipy.pin("GP25").history] == [1]


def test_pin_while_the_heartbeat_is_on_is_shared(wipy: SimBoard) -> None:
    start = wipy.clock.now_ns()
    wipy_module.heartbeat(True)
    led = Pin("GP25", Pin.OUT)
    led.value(1)
    wipy.advance(ms=4000)  # the flash writes the same LED: on, then off
    assert wipy.pin("GP25").level == 0
    assert _led(wipy, start) == [(0, 1), (4000, 0)]
    wipy_module.heartbeat(False)
    # the program's pin keeps its configuration
    assert wipy.pin("GP25").config.mode == "out"
    assert led.mode() == Pin.OUT
    led.value(1)
    assert wipy.pin("GP25").level == 1


def test_heartbeat_pauses_during_sleep(wipy: SimBoard) -> None:
    clock = wipy.clock
    start = clock.now_ns()
    wipy_module.heartbeat(True)
    Pin("GP2", Pin.IN).irq(trigger=Pin.IRQ_RISING, wake=machine.SLEEP)
    clock.call_at_ns(start + 10_000 * _MS, wipy.pin("GP2").drive_high)
    machine.sleep()
    assert clock.now_ns() == start + 10_000 * _MS
    assert machine.wake_reason() == machine.PIN_WAKE
    assert _led(wipy, start) == []
    wipy.advance(ms=4000)  # resumes after the wake
    assert _led(wipy, start) == [(13_920, 1), (14_000, 0)]


def test_start_if_enabled_for_the_runner(wipy: SimBoard) -> None:
    wipy_module.heartbeat(False)
    wipy_module._start_if_enabled()
    assert wipy.clock.pending() == 0
    wipy_module.heartbeat(True)
    wipy_module._start_if_enabled()  # already running: nothing changes
    assert wipy.clock.pending() == 1


def test_start_if_enabled_at_boot(wipy: SimBoard) -> None:
    wipy_module._start_if_enabled()
    wipy.advance(ms=4000)
    assert [c.level for c in wipy.pin("GP25").history] == [1, 0]


def test_board_release_stops_it(wipy: SimBoard) -> None:
    from micropython_compat import release_board

    wipy_module.heartbeat(True)
    release_board()
    assert not wipy.pin("GP25").claimed
    assert wipy.clock.pending() == 0


def test_real_clock_on_and_off(wipy_realtime: SimBoard) -> None:
    wipy_module.heartbeat(True)
    assert wipy_realtime.pin("GP25").claimed
    wipy_module.heartbeat(False)
    assert not wipy_realtime.pin("GP25").claimed
    assert all(isinstance(c, LevelChange) for c in wipy_realtime.pin("GP25").history)
