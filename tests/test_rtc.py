"""machine.RTC on the simulated WiPy."""

from __future__ import annotations

import datetime
import errno
from typing import Any

import pytest

import machine
import utime
from machine import RTC
from micropython_compat.board import current_runtime
from micropython_compat.testing import SimBoard, simulated_board

MS = 1_000_000


# -------------------------------------------------------------------------- spec examples


def test_quick_reference_example(wipy: SimBoard) -> None:
    namespace: dict[str, Any] = {"machine": machine}
    exec(
        "from machine import RTC\n"
        "\n"
        "rtc = RTC() # init with default time and date\n"
        "rtc = RTC(datetime=(2015, 8, 29, 9, 0, 0, 0, None)) # init with a specific time and "
        "date\n"
        "print(rtc.now())\n"
        "\n"
        "def alarm_handler (rtc_o):\n"
        "    pass\n"
        "    # do some non blocking operations\n"
        "    # warning printing on an irq via telnet is not\n"
        "    # possible, only via UART\n"
        "\n"
        "# create a RTC alarm that expires after 5 seconds\n"
        "rtc.alarm(time=5000, repeat=False)\n"
        "\n"
        "# enable RTC interrupts\n"
        "rtc_i = rtc.irq(trigger=RTC.ALARM0, handler=alarm_handler, wake=machine.SLEEP)\n"
        "\n"
        "# go into suspended mode waiting for the RTC alarm to expire and wake us up\n"
        "machine.sleep()\n",
        namespace,
    )
    assert namespace["rtc"].now() == (2015, 8, 29, 9, 0, 5, 0, None)
    assert machine.wake_reason() == machine.RTC_WAKE


def test_class_example(wipy: SimBoard, capsys: pytest.CaptureFixture[str]) -> None:
    exec(
        "rtc = machine.RTC()\nrtc.init((2014, 5, 1, 4, 13, 0, 0, 0))\nprint(rtc.now())\n",
        {"machine": machine},
    )
    # the cc3200 reads the fourth field as the hour
    assert capsys.readouterr().out == "(2014, 5, 1, 4, 13, 0, 0, None)\n"


# ------------------------------------------------------------------------------- the time


def test_power_on_time_and_bare_rtc_resets(wipy: SimBoard) -> None:
    assert wipy.rtc_device.datetime() == datetime.datetime(2015, 1, 1)
    rtc = RTC(datetime=(2020, 2, 29, 23, 59, 58))
    assert rtc.now() == (2020, 2, 29, 23, 59, 58, 0, None)
    wipy.advance(s=3)
    assert rtc.now() == (2020, 3, 1, 0, 0, 1, 0, None)
    assert RTC() is rtc  # the one RTC, reset to 2015-01-01 by a bare RTC()
    assert rtc.now() == (2015, 1, 1, 0, 0, 0, 0, None)


def test_rtc_singleton_and_repr(wipy: SimBoard) -> None:
    assert RTC() is RTC(0) is RTC(id=0)
    assert repr(RTC()) == "<RTC>"
    assert RTC.ALARM0 == 1


@pytest.mark.parametrize("bad", [1, -1, 200_000_000])
def test_rtc_bad_id(wipy: SimBoard, bad: int) -> None:
    with pytest.raises(OSError) as info:
        RTC(bad)
    assert info.value.errno == errno.ENODEV


def test_init_tuple_lengths_and_fields(wipy: SimBoard) -> None:
    rtc = RTC()
    rtc.init((2016, 3, 4))
    assert rtc.now() == (2016, 3, 4, 0, 0, 0, 0, None)
    rtc.init([2016, 3, 4, 5, 6])
    assert rtc.now() == (2016, 3, 4, 5, 6, 0, 0, None)
    rtc.init((2016, 3, 4, 5, 6, 7, 123_456, "tz ignored"))
    assert rtc.now() == (2016, 3, 4, 5, 6, 7, 123_000, None)  # ms resolution
    rtc.init(datetime=(2016, 13, 32, 25, 0, 0))  # out-of-range fields roll over
    assert rtc.now() == (2017, 2, 2, 1, 0, 0, 0, None)
    rtc.init()
    assert rtc.now() == (2015, 1, 1, 0, 0, 0, 0, None)


@pytest.mark.parametrize(
    "value, error",
    [
        ((2015, 1), ValueError),
        ((2015, 1, 1, 0, 0, 0, 0, None, 9), ValueError),
        ((), ValueError),
        ((1999, 12, 31), ValueError),  # before the RTC's epoch
        ((2200, 1, 1), ValueError),  # past 2**32 s
        (None, TypeError),
        ("2015-01-01", TypeError),
        (20150101, TypeError),
        ((2015, "1", 1), TypeError),
    ],
)
def test_init_bad_datetime(wipy: SimBoard, value: Any, error: type) -> None:
    rtc = RTC(datetime=(2016, 1, 1))
    with pytest.raises(error):
        rtc.init(value)
    with pytest.raises(error):
        RTC(datetime=value)
    assert rtc.now()[:3] == (2016, 1, 1)


def test_now_has_millisecond_resolution(wipy: SimBoard) -> None:
    rtc = RTC()
    wipy.advance(us=1_234_567)
    assert rtc.now() == (2015, 1, 1, 0, 0, 1, 234_000, None)


def test_deinit_resets_the_time_and_it_keeps_running(wipy: SimBoard) -> None:
    rtc = RTC(datetime=(2018, 6, 1, 12))
    rtc.deinit()
    assert rtc.now() == (2015, 1, 1, 0, 0, 0, 0, None)
    wipy.advance(s=61)
    assert rtc.now() == (2015, 1, 1, 0, 1, 1, 0, None)


def test_utime_reads_the_same_clock(wipy: SimBoard) -> None:
    RTC(datetime=(2016, 1, 1, 0, 0, 10))
    assert utime.localtime()[:6] == (2016, 1, 1, 0, 0, 10)


def test_a_test_can_set_the_sim_rtc(wipy: SimBoard) -> None:
    rtc = RTC()
    wipy.rtc_device.set_datetime(datetime.datetime(2019, 7, 4, 8, 30, 15, 500_000))
    assert rtc.now() == (2019, 7, 4, 8, 30, 15, 500_000, None)
    assert wipy.rtc_device.datetime() == datetime.datetime(2019, 7, 4, 8, 30, 15, 500_000)
    assert "2019-07-04 08:30:15.500000" in repr(wipy.rtc_device)


def test_rtc_survives_a_new_runtime_only_on_the_same_board() -> None:
    with simulated_board():
        RTC(datetime=(2017, 1, 1))
    with simulated_board():
        assert RTC(datetime=(2017, 1, 1)).now()[0] == 2017


# ------------------------------------------------------------------------------ the alarm


def test_alarm_in_ms_and_alarm_left(wipy: SimBoard) -> None:
    fired: list[tuple[Any, ...]] = []
    rtc = RTC()
    rtc.irq(trigger=RTC.ALARM0, handler=lambda r: fired.append(r.now()))
    assert rtc.alarm_left() == 0  # no alarm
    rtc.alarm(time=5000)
    assert rtc.alarm_left() == 5000
    wipy.advance(ms=1250)
    assert rtc.alarm_left() == 3750 and rtc.alarm_left(0) == 3750
    wipy.advance(ms=3749)
    assert fired == []
    wipy.advance(ms=1)
    assert fired == [(2015, 1, 1, 0, 0, 5, 0, None)]
    assert rtc.alarm_left() == 0
    wipy.advance(s=20)
    assert len(fired) == 1
    assert wipy.clock.pending() == 0


def test_irq_init_reruns_the_rtcs_irq(wipy: SimBoard) -> None:
    # mpirq.c: irq.init(...) is RTC.irq(...) again, with its checks and its new handler.
    fired: list[str] = []
    rtc = RTC()
    irq = rtc.irq(trigger=RTC.ALARM0, handler=lambda r: fired.append("old"))
    irq.init(trigger=RTC.ALARM0, handler=lambda r: fired.append("new"))
    rtc.alarm(time=100)
    wipy.advance(ms=100)
    assert fired == ["new"]
    with pytest.raises(ValueError):
        irq.init(trigger=10)


def test_alarm_positional_id_and_time(wipy: SimBoard) -> None:
    fired: list[Any] = []
    rtc = RTC()
    rtc.irq(trigger=RTC.ALARM0, handler=fired.append)
    rtc.alarm(0, 100)
    wipy.advance(ms=100)
    assert fired == [rtc]


def test_repeating_alarm_keeps_absolute_times(wipy: SimBoard) -> None:
    times: list[int] = []
    rtc = RTC()
    start = wipy.clock.now_ns()
    rtc.irq(trigger=RTC.ALARM0, handler=lambda r: times.append(wipy.clock.now_ns()))
    rtc.alarm(time=250, repeat=True)
    utime.sleep(10)
    assert times == [start + k * 250 * MS for k in range(1, 41)]
    assert rtc.alarm_left() == 250
    rtc.cancel()
    assert rtc.alarm_left() == 0
    wipy.advance(s=1)
    assert len(times) == 40
    assert wipy.clock.pending() == 0


def test_repeat_of_zero_ms_falls_back_to_the_10ms_minimum(wipy: SimBoard) -> None:
    times: list[int] = []
    rtc = RTC()
    start = wipy.clock.now_ns()
    rtc.irq(trigger=RTC.ALARM0, handler=lambda r: times.append(wipy.clock.now_ns() - start))
    rtc.alarm(time=0, repeat=True)
    wipy.advance(ms=30)
    assert times == [0, 10 * MS, 20 * MS, 30 * MS]


def test_alarm_at_a_datetime(wipy: SimBoard) -> None:
    fired: list[tuple[Any, ...]] = []
    rtc = RTC(datetime=(2016, 1, 1, 12, 0, 0))
    rtc.irq(trigger=RTC.ALARM0, handler=lambda r: fired.append(r.now()))
    rtc.alarm(time=(2016, 1, 1, 12, 1, 30))
    assert rtc.alarm_left() == 90_000
    wipy.advance(s=90)
    assert fired == [(2016, 1, 1, 12, 1, 30, 0, None)]


def test_alarm_in_the_past_never_fires(wipy: SimBoard) -> None:
    fired: list[Any] = []
    rtc = RTC(datetime=(2016, 1, 1, 12, 0, 0))
    rtc.irq(trigger=RTC.ALARM0, handler=fired.append)
    rtc.alarm(time=(2016, 1, 1, 11, 0, 0))
    assert rtc.alarm_left() == 0
    wipy.advance(s=7200)
    assert fired == []


def test_alarm_follows_the_rtc_when_the_time_is_set(wipy: SimBoard) -> None:
    fired: list[tuple[Any, ...]] = []
    rtc = RTC(datetime=(2016, 1, 1, 12, 0, 0))
    rtc.irq(trigger=RTC.ALARM0, handler=lambda r: fired.append(r.now()))
    rtc.alarm(time=(2016, 1, 1, 12, 0, 10))
    rtc.init((2016, 1, 1, 11, 59, 0))  # one minute back: the match is 70 s away now
    assert rtc.alarm_left() == 70_000
    wipy.advance(s=69)
    assert fired == []
    wipy.advance(s=1)
    assert fired == [(2016, 1, 1, 12, 0, 10, 0, None)]
    rtc.alarm(time=5000)
    rtc.init((2016, 1, 2))  # set past the match: it is missed
    wipy.advance(s=10)
    assert len(fired) == 1


def test_a_test_setting_the_sim_rtc_back_delays_the_alarm(wipy: SimBoard) -> None:
    fired: list[Any] = []
    rtc = RTC()
    rtc.irq(trigger=RTC.ALARM0, handler=fired.append)
    rtc.alarm(time=1000)
    wipy.rtc_device.write_ns(wipy.rtc_device.read_ns() - 500 * MS)
    wipy.advance(ms=1000)
    assert fired == []
    wipy.advance(ms=500)
    assert fired == [rtc]


def test_cancel_and_alarm_cancel(wipy: SimBoard) -> None:
    fired: list[Any] = []
    rtc = RTC()
    rtc.irq(trigger=RTC.ALARM0, handler=fired.append)
    rtc.alarm(time=100)
    rtc.cancel()
    rtc.alarm(time=200, repeat=True)
    rtc.alarm_cancel(0)
    wipy.advance(s=1)
    assert fired == []
    assert wipy.clock.pending() == 0


def test_deinit_and_bare_rtc_cancel_the_alarm(wipy: SimBoard) -> None:
    fired: list[Any] = []
    rtc = RTC()
    rtc.irq(trigger=RTC.ALARM0, handler=fired.append)
    rtc.alarm(time=100)
    rtc.deinit()
    rtc.alarm(time=100)
    RTC()
    wipy.advance(s=1)
    assert fired == []


def test_alarm_bad_arguments(wipy: SimBoard) -> None:
    rtc = RTC()
    with pytest.raises(ValueError):
        rtc.alarm(time=(2015, 1, 1, 0, 0, 5), repeat=True)
    with pytest.raises(TypeError):
        rtc.alarm()
    with pytest.raises(TypeError):
        rtc.alarm(time="5000")
    with pytest.raises(TypeError):
        rtc.alarm(time=[2015, 1, 2])  # a datetime must be a tuple here
    with pytest.raises(ValueError):
        rtc.alarm(time=(2015, 1))
    for call in (
        lambda: rtc.alarm(1, 5000),
        lambda: rtc.alarm_left(1),
        lambda: rtc.cancel(2),
        lambda: rtc.alarm_cancel(1),
    ):
        with pytest.raises(OSError) as info:
            call()
        assert info.value.errno == errno.ENODEV


def test_alarm_without_irq_does_nothing_visible(wipy: SimBoard) -> None:
    rtc = RTC()
    rtc.alarm(time=100)
    wipy.advance(ms=200)
    assert rtc.alarm_left() == 0
    # an irq created afterwards doesn't see the past alarm
    fired: list[Any] = []
    rtc.irq(trigger=RTC.ALARM0, handler=fired.append)
    wipy.advance(s=1)
    assert fired == []


# -------------------------------------------------------------------------- the interrupt


def test_irq_disable_enable_and_flags(wipy: SimBoard) -> None:
    flags: list[int] = []
    rtc = RTC()
    irq = rtc.irq(trigger=RTC.ALARM0, handler=lambda r: flags.append(irq.flags()))
    assert repr(irq) == "<irq>"
    rtc.alarm(time=10, repeat=True)
    wipy.advance(ms=20)
    irq.disable()
    wipy.advance(ms=50)  # the repeating alarm goes on; the handler doesn't run
    assert flags == [RTC.ALARM0, RTC.ALARM0]
    irq.enable()
    wipy.advance(ms=10)
    assert len(flags) == 3
    irq()
    assert len(flags) == 4 and flags[-1] == 0


def test_irq_default_trigger_and_ignored_priority(wipy: SimBoard) -> None:
    rtc = RTC()
    assert rtc.irq(handler=lambda r: None, priority=99) is not None


def test_sleep_wake_records_the_rtc_as_wake_reason(wipy: SimBoard) -> None:
    rtc = RTC()
    rtc.irq(trigger=RTC.ALARM0, wake=machine.SLEEP | machine.IDLE)
    rtc.alarm(time=100)
    runtime = current_runtime()
    assert not runtime.woken.is_set()
    wipy.advance(ms=100)
    assert runtime.woken.is_set() and runtime.wake_reason == machine.RTC_WAKE


def test_idle_wake_does_not_wake_a_sleep(wipy: SimBoard) -> None:
    rtc = RTC()
    rtc.irq(trigger=RTC.ALARM0)
    rtc.alarm(time=100)
    wipy.advance(ms=100)
    assert not current_runtime().woken.is_set()


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"trigger": 2}, ValueError),
        ({"trigger": 0}, ValueError),
        ({"wake": 8}, ValueError),
        ({"wake": -1}, ValueError),
        ({"handler": "not callable"}, TypeError),
        ({"trigger": None}, TypeError),
        ({"wake": "SLEEP"}, TypeError),
    ],
)
def test_irq_bad_arguments(wipy: SimBoard, kwargs: dict[str, Any], error: type) -> None:
    with pytest.raises(error):
        RTC().irq(**kwargs)


def test_release_cancels_the_alarm() -> None:
    with simulated_board() as board:
        rtc = RTC()
        rtc.irq(trigger=RTC.ALARM0, handler=lambda r: None)
        rtc.alarm(time=1000, repeat=True)
        assert board.clock.pending() == 1
    assert board.clock.pending() == 0
