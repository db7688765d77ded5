"""machine.Timer and TimerChannel on the simulated WiPy."""

from __future__ import annotations

import errno
import threading
import time
from typing import Any

import pytest

import machine
import utime
from machine import Pin, Timer
from micropython_compat import release_board
from micropython_compat.board import current_runtime
from micropython_compat.testing import SimBoard, simulated_board

MS = 1_000_000


def counter() -> tuple[list[int], Any]:
    """A list of the board times at which the returned handler ran."""
    times: list[int] = []

    def handler(channel: Any) -> None:
        times.append(current_runtime().board.clock.now_ns())

    return times, handler


# -------------------------------------------------------------------------- spec examples


def test_quick_reference_timers_example(wipy: SimBoard) -> None:
    namespace: dict[str, Any] = {}
    exec(
        "from machine import Timer\n"
        "from machine import Pin\n"
        "tim = Timer(0, mode=Timer.PERIODIC)\n"
        "tim_a = tim.channel(Timer.A, freq=1000)\n"
        "tim_a.freq(5) # 5 Hz\n"
        "\n"
        "p_out = Pin('GP2', mode=Pin.OUT)\n"
        "tim_a.irq(trigger=Timer.TIMEOUT, handler=lambda t: p_out.toggle())\n",
        namespace,
    )
    assert namespace["tim_a"].freq() == 5
    wipy.advance(s=1)  # five toggles at 5 Hz
    levels = [change.level for change in wipy.pin("GP2").history]
    assert levels[-5:] == [1, 0, 1, 0, 1]
    assert wipy.pin("GP2").level == 1


def test_quick_reference_pwm_example(wipy: SimBoard) -> None:
    namespace: dict[str, Any] = {}
    exec(
        "from machine import Timer\n"
        "\n"
        "# timer 1 in PWM mode and width must be 16 bits\n"
        "tim = Timer(1, mode=Timer.PWM, width=16)\n"
        "\n"
        "# enable channel A @1KHz with a 50.55% duty cycle\n"
        "tim_a = tim.channel(Timer.A, freq=1000, duty_cycle=5055)\n",
        namespace,
    )
    out = wipy.pwm_output(1, "A")
    assert out.running and out.freq == 1000.0 and out.duty == 5055 and not out.inverted
    assert out.pin == "GP25"
    assert wipy.pin("GP25").config.mode == "alt" and wipy.pin("GP25").config.alt == 9
    start = out.current.phase_ns
    assert out.level_at(start) == 1
    assert out.level_at(start + 505_499) == 1
    assert out.level_at(start + 505_500) == 0
    assert out.level_at(start + 1_000_000) == 1


def test_class_example_toggle_led(wipy: SimBoard) -> None:
    exec(
        "from machine import Timer\n"
        "from machine import Pin\n"
        "led = Pin('GP16', mode=Pin.OUT)           # enable GP16 as output to drive the LED\n"
        "tim = Timer(3)                             # create a timer object using timer 3\n"
        "tim.init(mode=Timer.PERIODIC)              # initialize it in periodic mode\n"
        "tim_ch = tim.channel(Timer.A, freq=5)      # configure channel A at a frequency of 5Hz\n"
        "tim_ch.irq(handler=lambda t:led.toggle(), trigger=Timer.TIMEOUT) # toggle a LED on "
        "every cycle\n",
        {},
    )
    wipy.advance(s=2)
    assert len(wipy.pin("GP16").history) == 10


def test_class_example_named_callback(wipy: SimBoard) -> None:
    namespace: dict[str, Any] = {}
    exec(
        "from machine import Timer\n"
        "from machine import Pin\n"
        "tim = Timer(1, mode=Timer.PERIODIC, width=32)\n"
        "tim_a = tim.channel(Timer.A | Timer.B, freq=1) # 1 Hz frequency requires a 32 bit "
        "timer\n"
        "\n"
        "led = Pin('GP16', mode=Pin.OUT) # enable GP16 as output to drive the LED\n"
        "\n"
        "def tick(timer): # we will receive the timer object when being called\n"
        "    global led\n"
        "    led.toggle() # toggle the LED\n"
        "\n"
        "tim_a.irq(handler=tick, trigger=Timer.TIMEOUT) # create the interrupt\n",
        namespace,
    )
    wipy.advance(s=3)
    assert [c.level for c in wipy.pin("GP16").history] == [1, 0, 1]
    assert repr(namespace["tim_a"]) == "timer.channel(Timer.AB, freq=1)"


def test_class_further_examples(wipy: SimBoard) -> None:
    namespace: dict[str, Any] = {}
    exec(
        "from machine import Timer\n"
        "tim1 = Timer(1, mode=Timer.ONE_SHOT) # initialize it in one shot mode\n"
        "tim2 = Timer(2, mode=Timer.PWM) # initialize it in PWM mode\n"
        "tim1_ch = tim1.channel(Timer.A, freq=10, polarity=Timer.POSITIVE) # start the event "
        "counter with a ...\n"
        "tim2_ch = tim2.channel(Timer.B, freq=10000, duty_cycle=5000) # start the PWM on "
        "channel B with ...\n"
        "tim2_ch.freq(20) # set the frequency (can also get ...\n"
        "tim2_ch.duty_cycle(3010) # set the duty cycle to 30.1% (can ...\n"
        "tim2_ch.duty_cycle(3020, Timer.NEGATIVE) # set the duty cycle to 30.2% and ...\n",
        namespace,
    )
    out = wipy.pwm_output(2, "B")
    assert out.pin == "GP9" and wipy.pin("GP9").config.alt == 3
    assert (out.freq, out.duty, out.inverted) == (20.0, 3020, True)
    tim2_ch = namespace["tim2_ch"]
    # The docs' last line asks a 16-bit PWM channel for a 2 s period. The WiPy can't: 16 bits
    # plus the 8-bit prescaler reach 2**24 counts of 80 MHz (209 ms), so it raises ValueError,
    # and so does the emulation; the channel keeps running as it was.
    with pytest.raises(ValueError):
        exec("tim2_ch.period(2000000) # change the period to 2 seconds\n", namespace)
    assert tim2_ch.freq() == 20 and out.freq == 20.0


# -------------------------------------------------------------------------------- Timer


def test_constants() -> None:
    assert (Timer.A, Timer.B) == (0xFF, 0xFF00)
    assert (Timer.ONE_SHOT, Timer.PERIODIC, Timer.PWM) == (49, 50, 10)
    assert (Timer.POSITIVE, Timer.NEGATIVE) == (1, 2)
    assert (Timer.TIMEOUT, Timer.MATCH) == (1, 2)


def test_timer_ids_and_singletons(wipy: SimBoard) -> None:
    assert Timer(0) is Timer(0)
    assert Timer(3) is not Timer(2)
    for bad in (-1, 4, 100):
        with pytest.raises(OSError) as info:
            Timer(bad)
        assert info.value.errno == errno.ENODEV
    with pytest.raises(TypeError):
        Timer("0")


def test_timer_repr_and_init(wipy: SimBoard) -> None:
    tim = Timer(1)
    assert repr(tim) == "Timer(1, mode=Timer.PWM)"  # never initialised: the WiPy prints PWM
    tim.init(Timer.PERIODIC)
    assert repr(tim) == "Timer(1, mode=Timer.PERIODIC)"
    tim.init(mode=Timer.ONE_SHOT, width=32)
    assert repr(tim) == "Timer(1, mode=Timer.ONE_SHOT)"
    Timer(1, Timer.PWM)
    assert repr(tim) == "Timer(1, mode=Timer.PWM)"
    assert repr(Timer(1)) == "Timer(1, mode=Timer.PWM)"  # Timer(id) alone keeps the settings


def test_timer_repr_after_deinit_keeps_the_last_mode(wipy: SimBoard) -> None:
    # pybtimer.c: deinit() stops the timer but leaves its config, which repr prints.
    for mode, name in ((Timer.ONE_SHOT, "ONE_SHOT"), (Timer.PERIODIC, "PERIODIC")):
        tim = Timer(0, mode=mode)
        tim.deinit()
        assert repr(tim) == f"Timer(0, mode=Timer.{name})"
        with pytest.raises(OSError):
            tim.channel(Timer.A, freq=5)  # still off


@pytest.mark.parametrize(
    "args, kwargs",
    [
        ((0,), {}),
        ((51,), {}),
        ((Timer.PERIODIC,), {"width": 8}),
        ((Timer.PERIODIC,), {"width": 64}),
        ((Timer.PWM,), {"width": 32}),
    ],
)
def test_timer_init_bad_arguments(wipy: SimBoard, args: tuple[int], kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        Timer(0).init(*args, **kwargs)


def test_timer_init_needs_an_int_mode(wipy: SimBoard) -> None:
    with pytest.raises(TypeError):
        Timer(0).init()
    with pytest.raises(TypeError):
        Timer(0).init("PERIODIC")
    with pytest.raises(TypeError):
        Timer(0).init(Timer.PERIODIC, 16)  # width is keyword-only


def test_channel_needs_an_initialised_timer(wipy: SimBoard) -> None:
    with pytest.raises(OSError) as info:
        Timer(2).channel(Timer.A, freq=10)
    assert info.value.errno == errno.EPERM
    tim = Timer(2, mode=Timer.PERIODIC)
    tim.channel(Timer.A, freq=10)
    tim.deinit()
    with pytest.raises(OSError) as info:
        tim.channel(Timer.A, freq=10)
    assert info.value.errno == errno.EPERM


# ------------------------------------------------------------------------------ channels


def test_channel_ids_and_widths(wipy: SimBoard) -> None:
    tim16 = Timer(0, mode=Timer.PERIODIC)
    for bad in (0, 1, 0xFF00FF, 0x1FF):
        with pytest.raises(ValueError):
            tim16.channel(bad, freq=100)
    with pytest.raises(ValueError):
        tim16.channel(Timer.A | Timer.B, freq=100)  # 32-bit channel on a 16-bit timer
    tim32 = Timer(1, mode=Timer.PERIODIC, width=32)
    ch = tim32.channel(Timer.A | Timer.B, freq=1)
    assert ch is not None
    # The WiPy accepts A or B on a 32-bit timer; it then counts with 16-bit limits.
    assert tim32.channel(Timer.A, freq=100) is not None
    with pytest.raises(ValueError):
        tim32.channel(Timer.B, freq=1)


def test_channel_query_returns_the_previous_channel(wipy: SimBoard) -> None:
    tim = Timer(0, mode=Timer.PERIODIC)
    assert tim.channel(Timer.A) is None
    ch_a = tim.channel(Timer.A, freq=100)
    assert tim.channel(Timer.A) is ch_a
    assert tim.channel(Timer.B) is None
    ch_b = tim.channel(Timer.B, period=500)
    assert tim.channel(Timer.B) is ch_b and tim.channel(Timer.A) is ch_a
    again = tim.channel(Timer.A, freq=200)
    assert again is not ch_a and tim.channel(Timer.A) is again
    tim32 = Timer(1, mode=Timer.PERIODIC, width=32)
    ch = tim32.channel(Timer.A | Timer.B, freq=1)
    # as on the WiPy, a 32-bit channel is found by asking for A or B, not A | B
    assert tim32.channel(Timer.A) is ch and tim32.channel(Timer.B) is ch
    assert tim32.channel(Timer.A | Timer.B) is None


def test_channel_init_clears_channels(wipy: SimBoard) -> None:
    tim = Timer(0, mode=Timer.PERIODIC)
    tim.channel(Timer.A, freq=100)
    tim.init(Timer.ONE_SHOT)
    assert tim.channel(Timer.A) is None


@pytest.mark.parametrize(
    "kwargs",
    [
        {"freq": 100, "period": 100},
        {"freq": 0},
        {"period": 0},
        {"freq": -1},
        {"period": -5},
        {"polarity": Timer.POSITIVE},
        {"duty_cycle": 5000},
        {"freq": 4},  # 20_000_000 counts: more than a 16-bit timer and its prescaler hold
        {"period": 209_716},
        {"freq": 40_000_001},  # faster than the 80 MHz source can divide
    ],
)
def test_channel_bad_arguments(wipy: SimBoard, kwargs: dict[str, int]) -> None:
    tim = Timer(0, mode=Timer.PERIODIC)
    with pytest.raises(ValueError):
        tim.channel(Timer.A, **kwargs)
    assert tim.channel(Timer.A) is None  # nothing was made


def test_channel_hardware_limits_that_work(wipy: SimBoard) -> None:
    tim = Timer(0, mode=Timer.PERIODIC)
    assert tim.channel(Timer.A, freq=5) is not None
    assert tim.channel(Timer.A, period=209_715) is not None
    assert tim.channel(Timer.A, freq=40_000_000) is not None
    tim32 = Timer(1, mode=Timer.ONE_SHOT, width=32)
    assert tim32.channel(Timer.A | Timer.B, period=50_000_000) is not None  # 50 s
    with pytest.raises(ValueError):
        tim32.channel(Timer.A | Timer.B, period=60_000_000)  # more than 2**32 counts


def test_channel_argument_types(wipy: SimBoard) -> None:
    tim = Timer(0, mode=Timer.PERIODIC)
    with pytest.raises(TypeError):
        tim.channel(Timer.A, freq="1000")
    with pytest.raises(TypeError):
        tim.channel("A", freq=1000)
    with pytest.raises(TypeError):
        tim.channel(Timer.A, 1000)  # freq is keyword-only


def test_pwm_polarity_both_is_rejected_only_in_pwm(wipy: SimBoard) -> None:
    both = Timer.POSITIVE | Timer.NEGATIVE
    with pytest.raises(ValueError):
        Timer(2, mode=Timer.PWM).channel(Timer.B, freq=100, polarity=both)
    assert Timer(0, mode=Timer.PERIODIC).channel(Timer.A, freq=100, polarity=both) is not None


def test_freq_and_period_getters_and_setters(wipy: SimBoard) -> None:
    tim = Timer(0, mode=Timer.PERIODIC)
    ch = tim.channel(Timer.A, freq=1000)
    assert (ch.freq(), ch.period()) == (1000, 0)  # the one not given reads 0, as on the WiPy
    assert ch.freq(250) is None
    assert (ch.freq(), ch.period()) == (250, 4000)
    assert ch.period(300) is None
    assert (ch.freq(), ch.period()) == (3333, 300)
    ch2 = tim.channel(Timer.B, period=20_000)
    assert (ch2.freq(), ch2.period()) == (0, 20_000)
    for bad in (0, -3):
        with pytest.raises(ValueError):
            ch.freq(bad)
        with pytest.raises(ValueError):
            ch.period(bad)
    with pytest.raises(ValueError):
        ch.freq(4)  # beyond the 16-bit limit: refused, the channel keeps its settings
    assert (ch.freq(), ch.period()) == (3333, 300)
    with pytest.raises(TypeError):
        ch.freq("10")


def test_duty_cycle_clamps_and_sets_polarity(wipy: SimBoard) -> None:
    ch = Timer(3, mode=Timer.PWM).channel(Timer.A, freq=100, duty_cycle=20_000)
    assert ch.duty_cycle() == 10_000
    assert ch.duty_cycle(-5) is None and ch.duty_cycle() == 0
    out = wipy.pwm_output(3, "A")
    assert out.duty == 0 and not out.inverted
    ch.duty_cycle(2500, Timer.NEGATIVE)
    assert (out.duty, out.inverted) == (2500, True)
    assert "polarity=Timer.NEGATIVE, duty_cycle=25.00" in repr(ch)
    ch.duty_cycle(7500)  # polarity stays
    assert (out.duty, out.inverted) == (7500, True)
    with pytest.raises(TypeError):
        ch.duty_cycle(None)


def test_channel_reprs(wipy: SimBoard) -> None:
    tim = Timer(0, mode=Timer.PERIODIC)
    assert repr(tim.channel(Timer.A, freq=1000)) == "timer.channel(Timer.A, freq=1000)"
    assert repr(tim.channel(Timer.B, period=500)) == "timer.channel(Timer.B, freq=0)"
    pwm = Timer(1, mode=Timer.PWM).channel(Timer.A, freq=1000, duty_cycle=5055)
    assert repr(pwm) == (
        "timer.channel(Timer.A, freq=1000, polarity=Timer.POSITIVE, duty_cycle=50.55)"
    )
    neg = Timer(3, mode=Timer.PWM).channel(Timer.B, freq=50, polarity=Timer.NEGATIVE, duty_cycle=7)
    assert repr(neg) == "timer.channel(Timer.B, freq=50, polarity=Timer.NEGATIVE, duty_cycle=0.07)"
    odd = Timer(2, mode=Timer.PWM).channel(Timer.A, freq=50, polarity=5)
    assert repr(odd) == "timer.channel(Timer.A, freq=50, polarity=Timer.BOTH, duty_cycle=0.00)"


# --------------------------------------------------------------------------- interrupts


def test_periodic_1khz_fires_2000_times_in_2s_without_drift(wipy: SimBoard) -> None:
    times, handler = counter()
    tim = Timer(0, mode=Timer.PERIODIC)
    ch = tim.channel(Timer.A, freq=1000)
    start = wipy.clock.now_ns()
    ch.irq(trigger=Timer.TIMEOUT, handler=handler)
    utime.sleep(2)
    assert len(times) == 2000
    assert times == [start + (n + 1) * MS for n in range(2000)]


def test_periodic_with_a_fractional_period_keeps_absolute_deadlines(wipy: SimBoard) -> None:
    times, handler = counter()
    ch = Timer(1, mode=Timer.PERIODIC).channel(Timer.B, freq=7)  # 11_428_571 counts
    start = wipy.clock.now_ns()
    ch.irq(trigger=Timer.TIMEOUT, handler=handler)
    wipy.advance(s=10)
    counts = 80_000_000 // 7
    assert times == [start + n * counts * 25 // 2 for n in range(1, 71)]


def test_irq_attached_later_keeps_the_channel_phase(wipy: SimBoard) -> None:
    times, handler = counter()
    ch = Timer(0, mode=Timer.PERIODIC).channel(Timer.A, freq=100)
    start = wipy.clock.now_ns()
    wipy.advance(ms=35)
    ch.irq(trigger=Timer.TIMEOUT, handler=handler)
    wipy.advance(ms=30)
    assert times == [start + 40 * MS, start + 50 * MS, start + 60 * MS]


def test_one_shot_fires_once(wipy: SimBoard) -> None:
    times, handler = counter()
    ch = Timer(1, mode=Timer.ONE_SHOT).channel(Timer.A, freq=10)
    start = wipy.clock.now_ns()
    ch.irq(trigger=Timer.TIMEOUT, handler=handler)
    wipy.advance(s=5)
    assert times == [start + 100 * MS]
    assert wipy.clock.pending() == 0
    ch.freq(20)  # reprogramming starts it again
    wipy.advance(s=1)
    assert times == [start + 100 * MS, start + 5050 * MS]


def test_one_shot_that_expired_before_the_irq_never_fires(wipy: SimBoard) -> None:
    times, handler = counter()
    ch = Timer(1, mode=Timer.ONE_SHOT, width=32).channel(Timer.A | Timer.B, period=1000)
    wipy.advance(ms=5)
    ch.irq(trigger=Timer.TIMEOUT, handler=handler)
    wipy.advance(s=1)
    assert times == []


def test_irq_disable_enable_and_manual_call(wipy: SimBoard) -> None:
    times, handler = counter()
    ch = Timer(0, mode=Timer.PERIODIC).channel(Timer.A, freq=1000)
    start = wipy.clock.now_ns()
    irq = ch.irq(trigger=Timer.TIMEOUT, handler=handler, priority=3)
    assert repr(irq) == "<irq>"
    wipy.advance(ms=3)
    assert irq.disable() is None
    wipy.advance(ms=10)
    assert len(times) == 3
    assert wipy.clock.pending() == 0
    irq.enable()
    wipy.advance(ms=2)
    assert times[3:] == [start + 14 * MS, start + 15 * MS]
    irq()  # runs the handler by hand
    assert len(times) == 6


def test_irq_flags_read_0_as_on_the_wipy(wipy: SimBoard) -> None:
    seen: list[int] = []
    ch = Timer(0, mode=Timer.PERIODIC).channel(Timer.A, freq=100)
    irq = ch.irq(trigger=Timer.TIMEOUT, handler=lambda t: seen.append(irq.flags()))
    wipy.advance(ms=10)
    assert seen == [0]


def test_handler_receives_the_channel(wipy: SimBoard) -> None:
    got: list[Any] = []
    ch = Timer(0, mode=Timer.PERIODIC).channel(Timer.B, freq=100)
    ch.irq(trigger=Timer.TIMEOUT, handler=got.append)
    wipy.advance(ms=10)
    assert got == [ch]


def test_new_irq_replaces_the_old_one(wipy: SimBoard) -> None:
    first: list[Any] = []
    second: list[Any] = []
    ch = Timer(0, mode=Timer.PERIODIC).channel(Timer.A, freq=100)
    old = ch.irq(trigger=Timer.TIMEOUT, handler=first.append)
    wipy.advance(ms=10)
    ch.irq(trigger=Timer.TIMEOUT, handler=second.append)
    old.enable()  # the replaced irq object no longer drives anything
    wipy.advance(ms=20)
    assert (len(first), len(second)) == (1, 2)


def test_irq_without_handler_schedules_but_does_nothing(wipy: SimBoard) -> None:
    ch = Timer(0, mode=Timer.PERIODIC).channel(Timer.A, freq=100)
    irq = ch.irq(trigger=Timer.TIMEOUT)
    wipy.advance(ms=50)
    irq()  # no handler: nothing happens
    assert irq.flags() == 0


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"trigger": Timer.TIMEOUT, "priority": 0}, ValueError),
        ({"trigger": Timer.TIMEOUT, "priority": 8}, ValueError),
        ({"trigger": Timer.TIMEOUT, "wake": machine.SLEEP}, ValueError),
        ({"trigger": Timer.TIMEOUT, "wake": machine.DEEPSLEEP}, ValueError),
        ({"trigger": Timer.MATCH}, ValueError),
        ({"trigger": 7}, ValueError),
        ({}, TypeError),
        ({"trigger": None}, TypeError),
        ({"trigger": Timer.TIMEOUT, "handler": 5}, TypeError),
    ],
)
def test_irq_bad_arguments(wipy: SimBoard, kwargs: dict[str, Any], error: type) -> None:
    ch = Timer(0, mode=Timer.PERIODIC).channel(Timer.A, freq=100)
    with pytest.raises(error):
        ch.irq(**kwargs)


def test_irq_wake_idle_is_accepted(wipy: SimBoard) -> None:
    ch = Timer(0, mode=Timer.PERIODIC).channel(Timer.A, freq=100)
    assert ch.irq(trigger=Timer.TIMEOUT, wake=machine.IDLE) is not None


def test_pwm_irq_needs_match(wipy: SimBoard) -> None:
    ch = Timer(1, mode=Timer.PWM).channel(Timer.A, freq=100)
    with pytest.raises(ValueError):
        ch.irq(trigger=Timer.TIMEOUT)


def test_priorities_order_deferred_handlers(wipy: SimBoard) -> None:
    order: list[str] = []
    low = Timer(0, mode=Timer.PERIODIC).channel(Timer.A, freq=100)
    high = Timer(1, mode=Timer.PERIODIC).channel(Timer.A, freq=100)
    low.irq(trigger=Timer.TIMEOUT, handler=lambda t: order.append("low"), priority=1)
    high.irq(trigger=Timer.TIMEOUT, handler=lambda t: order.append("high"), priority=6)
    state = machine.disable_irq()
    wipy.advance(ms=10)
    assert order == []
    machine.enable_irq(state)
    assert order == ["high", "low"]


def test_exception_in_handler_is_printed_and_its_irq_disabled_as_on_the_device(
    wipy: SimBoard, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[int] = []

    def bad(t: Any) -> None:
        calls.append(1)
        raise RuntimeError("boom")

    Timer(0, mode=Timer.PERIODIC).channel(Timer.A, freq=100).irq(trigger=Timer.TIMEOUT, handler=bad)
    wipy.advance(ms=30)
    assert len(calls) == 1  # 1.8.5's mp_irq_handler disables an irq whose handler raised
    out = capsys.readouterr().out
    assert out.startswith("Uncaught exception in callback handler\nTraceback")
    assert "RuntimeError: boom" in out


# ---------------------------------------------------------------------------------- PWM


def test_pwm_output_follows_the_channel(wipy: SimBoard) -> None:
    ch = Timer(3, mode=Timer.PWM).channel(Timer.B, freq=10_000, duty_cycle=2500)
    out = wipy.pwm_output(3, "B")
    assert (out.period_ns, out.duty_ns, out.freq, out.duty) == (100_000, 25_000, 10_000.0, 2500)
    assert out.pin == "GP11" and wipy.pin("GP11").config.alt == 3
    assert Pin.board.GP11.mode() == Pin.ALT
    phase = out.current.phase_ns
    ch.duty_cycle(5000)  # same period: the phase goes on
    assert out.current.phase_ns == phase and out.duty == 5000
    wipy.advance(ms=3)
    ch.freq(1000)  # a new period starts now
    assert out.current.phase_ns == wipy.clock.now_ns()
    assert (out.period_ns, out.duty) == (1_000_000, 5000)
    t = out.current.phase_ns
    assert [out.level_at(t + k * 250_000) for k in range(5)] == [1, 1, 0, 0, 1]
    ch.period(3)  # 240 counts: 3 µs
    assert out.period_ns == 3000 and out.freq == pytest.approx(333_333.3, rel=1e-6)


def test_pwm_fractional_frequency(wipy: SimBoard) -> None:
    Timer(0, mode=Timer.PWM).channel(Timer.A, freq=7, duty_cycle=5000)
    out = wipy.pwm_output(0, "A")
    assert out.period_ns == (80_000_000 // 7) * 25 // 2
    assert out.freq == pytest.approx(7.0, rel=1e-6)


def test_pwm_negative_polarity_inverts_the_output(wipy: SimBoard) -> None:
    Timer(1, mode=Timer.PWM).channel(Timer.A, freq=1000, polarity=Timer.NEGATIVE, duty_cycle=1000)
    out = wipy.pwm_output(1, "A")
    t = out.current.phase_ns
    assert out.inverted
    assert [out.level_at(t + k * 50_000) for k in (0, 1, 2, 3, 10)] == [0, 0, 1, 1, 1]


def test_pwm_duty_limits(wipy: SimBoard) -> None:
    ch = Timer(1, mode=Timer.PWM).channel(Timer.A, freq=1000, duty_cycle=0)
    out = wipy.pwm_output(1, "A")
    t = out.current.phase_ns
    assert {out.level_at(t + k * 100_000) for k in range(20)} == {0}
    ch.duty_cycle(10_000)
    assert {out.level_at(t + k * 100_000) for k in range(20)} == {1}


def test_pwm_channel_without_a_pin_still_runs(wipy: SimBoard) -> None:
    times, handler = counter()
    ch = Timer(2, mode=Timer.PWM).channel(Timer.A, freq=100, duty_cycle=5000)
    out = wipy.pwm_output(2, "A")
    assert out.pin is None and out.running
    ch.irq(trigger=Timer.MATCH, handler=handler)
    wipy.advance(ms=20)
    assert len(times) == 2


def test_pwm_match_irq_fires_once_per_period_at_the_duty_point(wipy: SimBoard) -> None:
    times, handler = counter()
    ch = Timer(1, mode=Timer.PWM).channel(Timer.A, freq=1000, duty_cycle=2500)
    start = wipy.clock.now_ns()
    irq = ch.irq(trigger=Timer.MATCH, handler=handler)
    wipy.advance(ms=5)
    assert times == [start + k * MS + 250_000 for k in range(5)]
    ch.duty_cycle(7500)
    wipy.advance(ms=2)
    assert times[5:] == [start + 5 * MS + 750_000, start + 6 * MS + 750_000]
    irq.disable()
    wipy.advance(ms=5)
    assert len(times) == 7


def test_deinit_stops_pwm_interrupts_and_channels(wipy: SimBoard) -> None:
    times, handler = counter()
    tim = Timer(1, mode=Timer.PWM)
    ch = tim.channel(Timer.A, freq=1000, duty_cycle=5000)
    ch.irq(trigger=Timer.MATCH, handler=handler)
    wipy.advance(ms=2)
    tim.deinit()
    out = wipy.pwm_output(1, "A")
    assert not out.running and out.level == 0
    assert wipy.clock.pending() == 0
    wipy.advance(ms=10)
    assert len(times) == 2
    assert repr(tim) == "Timer(1, mode=Timer.PWM)"
    # the stopped channel still reads its settings, but can't be reprogrammed
    assert ch.freq() == 1000 and ch.duty_cycle() == 5000
    for call in (lambda: ch.freq(10), lambda: ch.period(10), lambda: ch.duty_cycle(10)):
        with pytest.raises(OSError) as info:
            call()
        assert info.value.errno == errno.EPERM
    with pytest.raises(OSError):
        ch.irq(trigger=Timer.MATCH)


def test_replaced_channel_stops(wipy: SimBoard) -> None:
    first: list[Any] = []
    tim = Timer(0, mode=Timer.PERIODIC)
    old = tim.channel(Timer.A, freq=100)
    old.irq(trigger=Timer.TIMEOUT, handler=first.append)
    tim.channel(Timer.A, freq=50)
    wipy.advance(ms=100)
    assert first == []
    with pytest.raises(OSError):
        old.freq(10)


def test_release_deinits_every_timer() -> None:
    with simulated_board() as board:
        Timer(1, mode=Timer.PWM).channel(Timer.A, freq=1000, duty_cycle=5000)
        Timer(0, mode=Timer.PERIODIC).channel(Timer.A, freq=1000).irq(
            trigger=Timer.TIMEOUT, handler=lambda t: None
        )
        out = board.pwm_output(1, "A")
        assert out.running and board.clock.pending() == 1
    assert not out.running
    assert board.clock.pending() == 0


def test_a_new_board_starts_with_fresh_timers(wipy: SimBoard) -> None:
    Timer(0, mode=Timer.PERIODIC)
    release_board()
    with simulated_board():
        assert repr(Timer(0)) == "Timer(0, mode=Timer.PWM)"


def test_10000_create_deinit_cycles_leave_nothing_behind(wipy: SimBoard) -> None:
    threads = threading.active_count()
    for i in range(10_000):
        tim = Timer(i % 4, mode=Timer.PERIODIC if i % 2 else Timer.PWM)
        ch = tim.channel(Timer.A, freq=1000, duty_cycle=5000)
        ch.irq(trigger=Timer.TIMEOUT if i % 2 else Timer.MATCH, handler=lambda t: None)
        tim.deinit()
    assert wipy.clock.pending() == 0
    assert threading.active_count() == threads
    assert not any(wipy.pwm_output(t, "A").running for t in range(4))


# ---------------------------------------------------------------------------- real clock


class _StarvedClock:
    """A real (not virtual) clock whose time the test sets, and whose alarms it runs."""

    virtual = False

    def __init__(self) -> None:
        self.now = 0
        self.alarms: list[tuple[int, Any]] = []

    def now_ns(self) -> int:
        return self.now

    def call_at_ns(self, deadline_ns: int, callback: Any) -> Any:
        self.alarms.append((deadline_ns, callback))
        return threading.Timer(0, lambda: None)  # anything with cancel()

    def run_due(self) -> None:
        while self.alarms and self.alarms[0][0] <= self.now:
            _, callback = self.alarms.pop(0)
            callback()


def test_a_starved_alarm_thread_delivers_every_missed_period() -> None:
    # the host descheduled the process for 200 ms: the 200 periods that passed are all
    # delivered (late), none dropped
    from machine._timer import _Ticker

    clock = _StarvedClock()
    fired: list[int] = []
    ticker = _Ticker(clock, lambda: fired.append(clock.now))  # type: ignore[arg-type]
    ticker.start(0, 1_000_000, 1, 1, None)
    clock.now = 200_000_000
    clock.run_due()
    assert len(fired) == 200
    assert clock.alarms[0][0] == 201_000_000


def test_1khz_timer_on_the_real_clock_is_accurate(wipy_realtime: SimBoard) -> None:
    """An accuracy check, not a speed test: one interrupt per millisecond that really passed
    while the handler was attached (± 1 %). The reference is the measured window, not the
    nominal 2 s: a loaded machine may oversleep ``utime.sleep(2)``, and every period it
    overslept must be delivered too."""
    count = [0]

    def tick(t: Any) -> None:
        count[0] += 1

    tim = Timer(0, mode=Timer.PERIODIC)
    ch = tim.channel(Timer.A, freq=1000)
    attached_ns = time.monotonic_ns()
    ch.irq(trigger=Timer.TIMEOUT, handler=tick)
    utime.sleep(2)
    stopped_ns = time.monotonic_ns()
    tim.deinit()
    periods = (stopped_ns - attached_ns) // 1_000_000
    runtime = current_runtime()
    deadline = time.monotonic() + 5
    while runtime.dispatcher.pending() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert periods >= 2000
    assert abs(count[0] - periods) <= periods // 100, (count[0], periods)


def test_timers_stop_while_the_board_sleeps(wipy) -> None:
    import machine
    from machine import RTC, Timer

    ticks = []
    tim = Timer(0, mode=Timer.PERIODIC)
    tim.channel(Timer.A, freq=100).irq(trigger=Timer.TIMEOUT, handler=lambda t: ticks.append(1))
    pwm = Timer(1, mode=Timer.PWM).channel(Timer.A, freq=1000, duty_cycle=5000)
    wipy.advance(ms=100)
    assert len(ticks) == 10
    rtc = RTC()
    rtc.alarm(time=1000)
    outputs_during_sleep = []
    rtc.irq(
        trigger=RTC.ALARM0,
        handler=lambda r: outputs_during_sleep.append(wipy.pwm_output(1, "A").running),
        wake=machine.SLEEP,
    )
    machine.sleep()  # the RTC alarm wakes it after 1 s; no timer ticks meanwhile
    assert machine.wake_reason() == machine.RTC_WAKE
    assert len(ticks) == 10
    assert outputs_during_sleep == [False]
    assert wipy.pwm_output(1, "A").running  # PWM back on after waking
    wipy.advance(ms=100)
    assert len(ticks) == 20
    assert pwm.freq() == 1000


def test_deepsleep_stops_the_timers_for_good(wipy) -> None:
    import machine
    from machine import Timer
    from micropython_compat.resets import DeepSleep

    ticks = []
    Timer(2, mode=Timer.PERIODIC).channel(Timer.A, freq=1000).irq(
        trigger=Timer.TIMEOUT, handler=lambda t: ticks.append(1)
    )
    wipy.advance(ms=5)
    with pytest.raises(DeepSleep):
        machine.deepsleep()
    wipy.advance(s=1)
    assert len(ticks) == 5
    assert wipy.clock.pending() == 0
