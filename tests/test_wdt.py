"""machine.WDT on the simulated WiPy."""

from __future__ import annotations

import errno
from typing import Any

import pytest

import machine
import utime
from machine import WDT
from micropython_compat.resets import WDT_RESET, WatchdogReset
from micropython_compat.testing import SimBoard, simulated_board


def test_quick_reference_example(wipy: SimBoard) -> None:
    namespace: dict[str, Any] = {}
    exec(
        "from machine import WDT\n"
        "\n"
        "# enable the WDT with a timeout of 5s (1s is the minimum)\n"
        "wdt = WDT(timeout=5000)\n"
        "wdt.feed()\n",
        namespace,
    )
    dog = wipy.watchdog_device
    assert dog.armed and dog.timeout_ms == 5000 and dog.feeds == 1 and not dog.expired


def test_class_example(wipy: SimBoard) -> None:
    exec(
        "from machine import WDT\n"
        "wdt = WDT(timeout=2000) # enable it with a timeout of 2s\n"
        "wdt.feed()\n",
        {},
    )
    assert wipy.watchdog_device.timeout_ms == 2000


def test_defaults_and_repr(wipy: SimBoard) -> None:
    wdt = WDT()
    assert repr(wdt) == "<WDT>"
    assert wipy.watchdog_device.timeout_ms == 5000
    assert wipy.watchdog_device.time_left_ms() == 5000


@pytest.mark.parametrize("ident", [0, None, -1])
def test_accepted_ids(wipy: SimBoard, ident: Any) -> None:
    assert repr(WDT(ident, 1000)) == "<WDT>"


@pytest.mark.parametrize("ident", [1, 2])
def test_bad_id(wipy: SimBoard, ident: int) -> None:
    with pytest.raises(OSError) as info:
        WDT(id=ident)
    assert info.value.errno == errno.ENODEV
    assert not wipy.watchdog_device.armed


@pytest.mark.parametrize("timeout", [999, 0, -5000])
def test_timeout_below_one_second(wipy: SimBoard, timeout: int) -> None:
    with pytest.raises(ValueError):
        WDT(timeout=timeout)
    assert not wipy.watchdog_device.armed


def test_timeout_must_be_an_int(wipy: SimBoard) -> None:
    with pytest.raises(TypeError):
        WDT(timeout="5000")


def test_a_second_wdt_is_refused_and_the_first_keeps_running(wipy: SimBoard) -> None:
    wdt = WDT(timeout=3000)
    with pytest.raises(OSError) as info:
        WDT(timeout=10_000)
    assert info.value.errno == errno.EPERM
    assert wipy.watchdog_device.timeout_ms == 3000
    wdt.feed()


def test_feeding_keeps_the_program_alive(wipy: SimBoard) -> None:
    wdt = WDT(timeout=1000)
    for _ in range(20):
        utime.sleep_ms(900)
        wdt.feed()
    assert wipy.watchdog_device.armed and not wipy.watchdog_device.expired
    assert wipy.watchdog_device.feeds == 20
    utime.sleep_ms(400)
    assert wipy.watchdog_device.time_left_ms() == 600


def test_expiry_resets_the_program_from_a_sleep(wipy: SimBoard) -> None:
    wdt = WDT(timeout=2000)
    utime.sleep_ms(1500)
    wdt.feed()
    utime.sleep_ms(1999)
    with pytest.raises(WatchdogReset) as info:
        utime.sleep(5)
    assert info.value.cause == WDT_RESET == machine.WDT_RESET
    dog = wipy.watchdog_device
    assert dog.expired and not dog.armed and dog.time_left_ms() is None
    assert wipy.clock.now_ns() == 3_500_000_000  # it fired exactly 2 s after the last feed


def test_expiry_is_not_an_exception_device_code_can_swallow(wipy: SimBoard) -> None:
    WDT(timeout=1000)
    with pytest.raises(WatchdogReset):
        try:
            utime.sleep(2)
        except Exception:  # what device code might write
            pytest.fail("a watchdog reset must not be an Exception")


def test_expiry_on_the_real_clock_interrupts_the_main_thread(wipy_realtime: SimBoard) -> None:
    WDT(timeout=1000)
    start = wipy_realtime.clock.now_ns()
    with pytest.raises(WatchdogReset):
        utime.sleep(60)
    assert wipy_realtime.watchdog_device.expired
    # the reset cut the sleep short instead of waiting for it to end
    assert wipy_realtime.clock.now_ns() - start < 30 * 10**9


def test_release_disarms_the_watchdog() -> None:
    with simulated_board() as board:
        WDT(timeout=1000)
        assert board.clock.pending() == 1
    assert not board.watchdog_device.armed
    assert board.clock.pending() == 0


def test_sim_watchdog_refuses_a_bad_timeout(wipy: SimBoard) -> None:
    with pytest.raises(ValueError):
        wipy.watchdog_device.start(0, lambda: None)
    wipy.watchdog_device.feed()  # not armed: nothing happens
    assert wipy.watchdog_device.feeds == 0
    assert "idle" in repr(wipy.watchdog_device)
