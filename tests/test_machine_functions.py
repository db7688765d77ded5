"""The machine module's functions and constants on the simulated WiPy."""

from __future__ import annotations

import dataclasses
import errno
import threading

import pytest

import machine
import utime
from machine import Pin
from micropython_compat.board import current_runtime
from micropython_compat.description import load_builtin
from micropython_compat.errors import BoardDescriptionError
from micropython_compat.resets import DeepSleep, HardReset
from micropython_compat.testing import SimBoard, simulated_board

_MS = 1_000_000


def test_quick_reference_general_board_control(
    wipy: SimBoard, capsys: pytest.CaptureFixture[str]
) -> None:
    import machine

    help(machine)  # display all members from the machine module
    assert "unique_id" in capsys.readouterr().out
    assert machine.freq() == (80000000,)  # get the CPU frequency
    uid = machine.unique_id()  # return the 6-byte unique id of the board (the WiPy's MAC address)
    assert isinstance(uid, bytes) and len(uid) == 6
    machine.idle()  # average current decreases to (~12mA), any interrupts wake it up
    # machine.sleep() and machine.deepsleep(): see the tests below


def test_the_module_prints_as_umachine(capsys: pytest.CaptureFixture[str]) -> None:
    print(machine)
    assert capsys.readouterr().out == "<module 'umachine'>\n"
    assert machine.__name__ == "machine"  # imports and pickling still use the real name


def test_constants() -> None:
    assert (machine.IDLE, machine.SLEEP, machine.DEEPSLEEP) == (1, 2, 4)
    assert machine.PWRON_RESET == 0
    assert machine.HARD_RESET == 1
    assert machine.WDT_RESET == 2
    assert machine.DEEPSLEEP_RESET == 3
    assert machine.SOFT_RESET == 4
    assert (machine.WLAN_WAKE, machine.PIN_WAKE, machine.RTC_WAKE) == (1, 2, 3)


# ---------------------------------------------------------------------------------- resets


def test_reset_raises_hard_reset(wipy: SimBoard) -> None:
    with pytest.raises(HardReset) as info:
        machine.reset()
    assert info.value.cause == machine.HARD_RESET


def test_reset_in_an_irq_handler_reaches_the_program(wipy: SimBoard) -> None:
    Pin("GP10", Pin.IN).irq(trigger=Pin.IRQ_RISING, handler=lambda p: machine.reset())
    with pytest.raises(HardReset):
        wipy.pin("GP10").drive_high()


def test_reset_cause(wipy: SimBoard) -> None:
    assert machine.reset_cause() == machine.PWRON_RESET
    current_runtime().reset_cause = machine.WDT_RESET
    assert machine.reset_cause() == machine.WDT_RESET


def test_deepsleep_raises_deepsleep(wipy: SimBoard) -> None:
    with pytest.raises(DeepSleep) as info:
        machine.deepsleep()
    assert info.value.cause == machine.DEEPSLEEP_RESET


# ------------------------------------------------------------------------------ interrupts


def test_disable_irq_defers_pin_handlers_until_enable_irq(wipy: SimBoard) -> None:
    seen: list[int] = []
    Pin("GP10", Pin.IN).irq(trigger=Pin.IRQ_RISING, handler=lambda p: seen.append(p.value()))
    state = machine.disable_irq()
    wipy.pin("GP10").drive_high()
    assert seen == []
    assert machine.enable_irq(state) is None  # type: ignore[func-returns-value]
    assert seen == [1]
    wipy.pin("GP10").drive_low()
    wipy.pin("GP10").drive_high()
    assert seen == [1, 1]


def test_nested_disable_irq_restores_the_outer_state(wipy: SimBoard) -> None:
    seen: list[str] = []
    Pin("GP10", Pin.IN).irq(trigger=Pin.IRQ_RISING, handler=lambda p: seen.append("irq"))
    outer = machine.disable_irq()
    inner = machine.disable_irq()
    wipy.pin("GP10").drive_high()
    machine.enable_irq(inner)  # still inside the outer critical section
    assert seen == []
    machine.enable_irq(outer)
    assert seen == ["irq"]


def test_enable_irq_default_state(wipy: SimBoard) -> None:
    seen: list[str] = []
    Pin("GP10", Pin.IN).irq(trigger=Pin.IRQ_RISING, handler=lambda p: seen.append("irq"))
    machine.disable_irq()
    machine.disable_irq()
    wipy.pin("GP10").drive_high()
    machine.enable_irq()
    assert seen == ["irq"]


# ----------------------------------------------------------------------------- power modes


def test_freq_takes_no_arguments(wipy: SimBoard) -> None:
    with pytest.raises(TypeError):
        machine.freq(80000000)  # type: ignore[call-arg]


def test_idle_runs_the_next_alarm(wipy: SimBoard) -> None:
    clock = wipy.clock
    fired: list[int] = []
    start = clock.now_ns()
    clock.call_at_ns(start + 5 * _MS, lambda: fired.append(clock.now_ns()))
    machine.idle()
    assert fired == [start + 5 * _MS]
    assert clock.now_ns() == start + 5 * _MS
    machine.idle()  # nothing scheduled: returns without moving time
    assert clock.now_ns() == start + 5 * _MS


def test_idle_on_a_real_clock_returns(wipy_realtime: SimBoard) -> None:
    before = wipy_realtime.clock.now_ns()
    assert machine.idle() is None  # type: ignore[func-returns-value]
    assert wipy_realtime.clock.now_ns() >= before + _MS


def test_sleep_woken_by_a_pin_wake_source(wipy: SimBoard) -> None:
    clock = wipy.clock
    seen: list[str] = []
    pin = Pin("GP13", Pin.IN, Pin.PULL_DOWN)
    pin.irq(trigger=Pin.IRQ_RISING, wake=machine.SLEEP, handler=lambda p: seen.append(p.id()))
    start = clock.now_ns()
    clock.call_at_ns(start + 5000 * _MS, wipy.pin("GP13").drive_high)
    clock.call_at_ns(start + 9000 * _MS, lambda: seen.append("later"))
    assert machine.sleep() is None  # type: ignore[func-returns-value]
    assert clock.now_ns() == start + 5000 * _MS
    assert seen == ["GP13"]
    assert machine.wake_reason() == machine.PIN_WAKE


def test_sleep_with_nothing_configured_returns(wipy: SimBoard) -> None:
    start = wipy.clock.now_ns()
    machine.sleep()
    assert wipy.clock.now_ns() == start
    assert machine.wake_reason() == 0


def test_sleep_runs_alarms_that_are_not_wake_sources(wipy: SimBoard) -> None:
    clock = wipy.clock
    ticks: list[int] = []
    start = clock.now_ns()
    for ms in (1, 2, 3):
        clock.call_at_ns(start + ms * _MS, lambda ms=ms: ticks.append(ms))
    machine.sleep()  # no wake source and no interrupt: runs out of alarms, then returns
    assert ticks == [1, 2, 3]
    assert machine.wake_reason() == 0


def test_sleep_ended_by_another_interrupt_keeps_wake_reason(wipy: SimBoard) -> None:
    seen: list[str] = []
    Pin("GP10", Pin.IN).irq(trigger=Pin.IRQ_RISING, handler=lambda p: seen.append("irq"))
    clock = wipy.clock
    start = clock.now_ns()
    clock.call_at_ns(start + 7 * _MS, wipy.pin("GP10").drive_high)
    clock.call_at_ns(start + 20 * _MS, lambda: seen.append("later"))
    machine.sleep()
    assert seen == ["irq"]
    assert clock.now_ns() == start + 7 * _MS
    assert machine.wake_reason() == 0


def test_sleep_on_a_real_clock_woken_by_a_pin(wipy_realtime: SimBoard) -> None:
    Pin("GP4", Pin.IN).irq(trigger=Pin.IRQ_FALLING, wake=machine.SLEEP)
    wipy_realtime.pin("GP4").drive_high()
    driver = threading.Timer(0.01, wipy_realtime.pin("GP4").drive_low)
    driver.start()
    try:
        machine.sleep()
    finally:
        driver.join()
    assert machine.wake_reason() == machine.PIN_WAKE


def test_a_wake_that_fires_just_before_sleep_is_latched(wipy_realtime: SimBoard) -> None:
    # The edge comes before machine.sleep() is entered (what a 10 ms timer racing the call
    # does on a loaded machine): the sleep must end at once with PIN_WAKE, not wait for ever.
    Pin("GP4", Pin.IN).irq(trigger=Pin.IRQ_FALLING, wake=machine.SLEEP)
    wipy_realtime.pin("GP4").drive_high()
    wipy_realtime.pin("GP4").drive_low()
    runtime = current_runtime()
    safety = threading.Timer(5.0, lambda: runtime.wake(99))  # bounds a hang if it is lost
    safety.start()
    try:
        machine.sleep()
    finally:
        safety.cancel()
    assert machine.wake_reason() == machine.PIN_WAKE


def test_a_level_already_present_wakes_every_sleep_at_once(wipy_realtime: SimBoard) -> None:
    # On the device a level interrupt stays asserted: each machine.sleep() with the level
    # present ends at once (1.8.5's pin_irq.py test), on the real clock too.
    wipy_realtime.wire("GP16", "GP13")
    Pin("GP16", mode=Pin.OUT, value=0)
    irq = Pin("GP13", mode=Pin.IN, pull=Pin.PULL_UP).irq(trigger=Pin.IRQ_FALLING)
    runtime = current_runtime()
    safety = threading.Timer(5.0, lambda: runtime.wake(99))  # bounds a hang if it is lost
    safety.start()
    try:
        irq.init(trigger=Pin.IRQ_LOW_LEVEL, wake=machine.SLEEP)
        for _ in range(3):
            machine.sleep()
            assert machine.wake_reason() == machine.PIN_WAKE
        Pin.board.GP16(1)
        irq.init(trigger=Pin.IRQ_HIGH_LEVEL, wake=machine.SLEEP)
        machine.sleep()
        assert machine.wake_reason() == machine.PIN_WAKE
    finally:
        safety.cancel()


def test_the_latched_wake_is_consumed_by_one_sleep(wipy: SimBoard) -> None:
    Pin("GP4", Pin.IN).irq(trigger=Pin.IRQ_FALLING, wake=machine.SLEEP)
    gp4 = wipy.pin("GP4")
    gp4.drive_high()
    gp4.drive_low()
    machine.sleep()  # ends at once: the latched edge
    gp4.drive_high()
    clock = wipy.clock
    start = clock.now_ns()
    clock.call_at_ns(start + 1_000_000_000, gp4.drive_low)
    machine.sleep()  # nothing latched any more: sleeps until the next edge
    assert clock.now_ns() - start == 1_000_000_000
    assert machine.wake_reason() == machine.PIN_WAKE


def test_a_wake_long_before_sleep_does_not_end_it(wipy: SimBoard) -> None:
    # An RTC alarm that woke nothing (it fired while the program waited in utime.sleep) is an
    # interrupt serviced while awake, as on the device: the next sleep lasts until its own
    # wake (1.8.5's rtc_irq.py test sleeps 500 ms here).
    fired: list[int] = []
    rtc = machine.RTC()
    rtc.irq(trigger=machine.RTC.ALARM0, handler=lambda r: fired.append(1), wake=machine.SLEEP)
    rtc.alarm(time=100)
    utime.sleep_ms(250)
    assert fired == [1]
    start = wipy.clock.now_ns()
    rtc.alarm(time=500)
    machine.sleep()
    assert wipy.clock.now_ns() - start == 500 * _MS
    assert fired == [1, 1] and machine.wake_reason() == machine.RTC_WAKE


def test_wake_reason_at_power_on(wipy: SimBoard) -> None:
    assert machine.wake_reason() == 0


# -------------------------------------------------------------------------- miscellaneous


def test_main_sets_the_main_script(wipy: SimBoard) -> None:
    assert current_runtime().main_file == "main.py"
    assert machine.main("other.py") is None  # type: ignore[func-returns-value]
    assert current_runtime().main_file == "other.py"
    with pytest.raises(ValueError, match="invalid argument"):
        machine.main(b"other.py")
    with pytest.raises(ValueError, match="invalid argument"):
        machine.main(None)


def test_rng_is_24_bit(wipy: SimBoard) -> None:
    values = {machine.rng() for _ in range(200)}
    assert all(isinstance(v, int) and 0 < v < 2**24 for v in values)
    assert len(values) > 1


def test_unique_id_is_stable_per_board() -> None:
    with simulated_board():
        first = machine.unique_id()
        assert machine.unique_id() == first
    with simulated_board():
        assert machine.unique_id() == first
    assert len(first) == 6
    assert first[0] & 0x03 == 0x02  # a unicast, locally administered MAC address


def test_unique_id_from_the_description() -> None:
    desc = load_builtin("wipy")
    for text in ("d4:36:39:01:02:03", "D43639010203"):
        raw = {**desc.raw, "board": {**desc.raw["board"], "unique_id": text}}
        with simulated_board(description=dataclasses.replace(desc, raw=raw)):
            assert machine.unique_id() == b"\xd4\x36\x39\x01\x02\x03"
    for bad in ("d4:36:39", "not hex"):
        raw = {**desc.raw, "board": {**desc.raw["board"], "unique_id": bad}}
        with (
            simulated_board(description=dataclasses.replace(desc, raw=raw)),
            pytest.raises(BoardDescriptionError),
        ):
            machine.unique_id()


def test_unique_id_differs_between_board_names() -> None:
    desc = load_builtin("wipy")
    with simulated_board():
        wipy_id = machine.unique_id()
    raw = {**desc.raw, "board": {**desc.raw["board"], "name": "Other"}}
    with simulated_board(description=dataclasses.replace(desc, name="Other", raw=raw)):
        assert machine.unique_id() != wipy_id


# ---------------------------------------------------------------------------- time_pulse_us


def test_time_pulse_us_pulse_already_started(wipy: SimBoard) -> None:
    pin = Pin("GP5", Pin.IN)
    wipy.pin("GP5").pulse(1, 250)
    assert machine.time_pulse_us(pin, 1) == 250


def test_time_pulse_us_waits_for_the_pulse(wipy: SimBoard) -> None:
    pin = Pin("GP5", Pin.IN)
    clock = wipy.clock
    clock.call_at_ns(clock.now_ns() + 3 * _MS, lambda: wipy.pin("GP5").pulse(1, 1500))
    assert machine.time_pulse_us(pin, 1) == 1500


def test_time_pulse_us_low_pulse_by_pin_name(wipy: SimBoard) -> None:
    Pin("GP5", Pin.IN)
    wipy.pin("GP5").drive_high()
    clock = wipy.clock
    clock.call_at_ns(clock.now_ns() + 100_000, lambda: wipy.pin("GP5").pulse(0, 40))
    assert machine.time_pulse_us("GP5", 0, 1000) == 40


def test_time_pulse_us_times_out_waiting_for_the_level(wipy: SimBoard) -> None:
    pin = Pin("GP5", Pin.IN, Pin.PULL_DOWN)
    start = wipy.clock.now_ns()
    with pytest.raises(OSError) as info:
        machine.time_pulse_us(pin, 1, 500)
    assert info.value.args == (errno.ETIMEDOUT,) == (110,)
    assert 500_000 <= wipy.clock.now_ns() - start <= 510_000


def test_time_pulse_us_times_out_during_the_pulse(wipy: SimBoard) -> None:
    pin = Pin("GP5", Pin.IN, Pin.PULL_UP)
    with pytest.raises(OSError) as info:
        machine.time_pulse_us(pin, 1, 300)
    assert info.value.args == (errno.ETIMEDOUT,)


def test_time_pulse_us_default_timeout_is_one_second(wipy: SimBoard) -> None:
    pin = Pin("GP5", Pin.IN, Pin.PULL_DOWN)
    start = wipy.clock.now_ns()
    with pytest.raises(OSError):
        machine.time_pulse_us(pin, 1)
    assert 1000 * _MS <= wipy.clock.now_ns() - start <= 1001 * _MS


def test_time_pulse_us_bad_arguments(wipy: SimBoard) -> None:
    with pytest.raises(ValueError, match="invalid argument"):
        machine.time_pulse_us("GP99", 1)
    with pytest.raises(TypeError):
        machine.time_pulse_us("GP5", 1, "100")
