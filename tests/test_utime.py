"""utime with MicroPython 1.8.5 semantics on the board clock."""

from __future__ import annotations

import time

import pytest

import utime
from micropython_compat.testing import SimBoard


def test_ticks_wrap_at_30_bits_and_diff_is_new_minus_old() -> None:
    assert utime.ticks_diff(10, 15) == 5
    assert utime.ticks_diff(15, 10) == (1 << 30) - 5
    assert utime.ticks_diff((1 << 30) - 2, 3) == 5
    assert 0 <= utime.ticks_us() < (1 << 30)


def test_sleep_on_virtual_clock_is_instant_and_exact(wipy: SimBoard) -> None:
    wall = time.monotonic()
    start = utime.ticks_ms()
    utime.sleep(2)
    utime.sleep_ms(500)
    utime.sleep_us(250)
    assert utime.ticks_diff(start, utime.ticks_ms()) == 2500
    assert wipy.clock.now_ns() == 2_500_250_000 + 2000  # each ticks read takes 1 us
    assert time.monotonic() - wall < 1


def test_negative_sleeps_return_at_once(wipy: SimBoard) -> None:
    before = wipy.clock.now_ns()
    utime.sleep_ms(-5)
    utime.sleep_us(-1)
    assert wipy.clock.now_ns() == before


def test_busy_wait_pattern_from_the_spec_terminates(wipy: SimBoard) -> None:
    from machine import Pin

    pin = Pin("GP2", mode=Pin.IN, pull=Pin.PULL_DOWN)
    start = utime.ticks_us()
    with pytest.raises(TimeoutError):
        while pin.value() == 0:
            if utime.ticks_diff(start, utime.ticks_us()) > 500:
                raise TimeoutError


def test_time_counts_from_2000_on_the_rtc(wipy: SimBoard) -> None:
    # the WiPy's RTC starts at 2015-01-01 00:00:00
    assert utime.localtime(utime.time())[:6] == (2015, 1, 1, 0, 0, 0)


def test_localtime_and_mktime() -> None:
    assert utime.localtime(0) == (2000, 1, 1, 0, 0, 0, 5, 1)
    assert utime.mktime((2000, 1, 1, 0, 0, 0, 5, 1)) == 0
    t = (2016, 10, 17, 12, 30, 15, 0, 291)
    assert utime.localtime(utime.mktime(t)) == t
    # fields out of range roll over, as on the device
    assert utime.mktime((2015, 13, 1, 0, 0, 0, 0, 0)) == utime.mktime((2016, 1, 1, 0, 0, 0, 0, 0))
    assert utime.mktime((2015, 1, 32, 0, 0, 0, 0, 0)) == utime.mktime((2015, 2, 1, 0, 0, 0, 0, 0))


@pytest.mark.parametrize("bad", [(2015, 1, 1), (1,) * 10, "2015"])
def test_mktime_needs_8_or_9_items(bad: object) -> None:
    with pytest.raises(TypeError):
        utime.mktime(bad)  # type: ignore[arg-type]


def test_sleep_rejects_non_numbers() -> None:
    with pytest.raises(TypeError):
        utime.sleep("1")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        utime.sleep_ms(None)


def test_names_are_those_of_the_spec() -> None:
    public = {n for n in dir(utime) if not n.startswith("_")} - {"annotations", "Any", "Sequence"}
    assert {
        "localtime",
        "mktime",
        "sleep",
        "sleep_ms",
        "sleep_us",
        "ticks_ms",
        "ticks_us",
        "ticks_cpu",
        "ticks_diff",
        "time",
    } <= public
