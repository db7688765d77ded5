"""machine.Pin on the simulated WiPy."""

from __future__ import annotations

import pytest

import machine
from machine import Pin
from micropython_compat.testing import SimBoard


def test_quick_reference_example(wipy: SimBoard) -> None:
    # initialize GP2 in gpio mode (alt=0) and make it an output
    p_out = Pin("GP2", mode=Pin.OUT)
    p_out.value(1)
    assert wipy.pin("GP2").level == 1
    p_out.value(0)
    assert wipy.pin("GP2").level == 0
    p_out.toggle()
    assert wipy.pin("GP2").level == 1
    p_out(True)
    assert wipy.pin("GP2").level == 1

    # make GP1 an input with the pull-up enabled
    p_in = Pin("GP1", mode=Pin.IN, pull=Pin.PULL_UP)
    assert p_in() == 1
    wipy.pin("GP1").drive_low()
    assert p_in() == 0


def test_class_section_example(wipy: SimBoard) -> None:
    g = machine.Pin("GP9", mode=Pin.OUT, pull=None, drive=Pin.MED_POWER, alt=-1)
    assert repr(g) == "Pin('GP9', mode=Pin.OUT, pull=None, drive=Pin.MED_POWER, alt=-1)"

    seen: list[str] = []

    def pincb(pin: Pin) -> None:
        seen.append(pin.id())

    pin_int = Pin("GP10", mode=Pin.IN, pull=Pin.PULL_DOWN)
    pin_int.irq(trigger=Pin.IRQ_RISING, handler=pincb)
    wipy.pin("GP10").drive_high()
    assert seen == ["GP10"]
    # the callback can be triggered manually
    pin_int.irq()()
    assert seen == ["GP10", "GP10"]
    # to disable the callback
    pin_int.irq().disable()
    wipy.pin("GP10").drive_low()
    wipy.pin("GP10").drive_high()
    assert seen == ["GP10", "GP10"]


def test_pin_board_attribute() -> None:
    led = Pin(Pin.board.GP25, mode=Pin.OUT)
    assert led is Pin("GP25") is Pin.board.GP25
    assert Pin.board.GP2.alt_list() == [("UART0_RX", 3), ("UART1_RX", 6), ("ADC0_CH0", -1)]
    assert repr(Pin.board) == "<Pin.board>"
    assert "GP31" in dir(Pin.board) and "GP18" not in dir(Pin.board)
    with pytest.raises(AttributeError):
        _ = Pin.board.GP18


def test_constants_match_the_wipy() -> None:
    assert (Pin.IN, Pin.OUT, Pin.OPEN_DRAIN, Pin.ALT, Pin.ALT_OPEN_DRAIN) == (0, 1, 16, 2, 3)
    assert (Pin.PULL_UP, Pin.PULL_DOWN) == (256, 512)
    assert (Pin.LOW_POWER, Pin.MED_POWER, Pin.HIGH_POWER) == (32, 64, 96)
    assert (Pin.IRQ_FALLING, Pin.IRQ_RISING, Pin.IRQ_LOW_LEVEL, Pin.IRQ_HIGH_LEVEL) == (1, 2, 4, 8)


def test_one_object_per_pin_and_bare_constructor_reinitialises(wipy: SimBoard) -> None:
    p = Pin("GP3", Pin.OUT, Pin.PULL_UP, drive=Pin.HIGH_POWER)
    assert (p.mode(), p.pull(), p.drive()) == (Pin.OUT, Pin.PULL_UP, Pin.HIGH_POWER)
    again = Pin("GP3")
    assert again is p
    assert (p.mode(), p.pull(), p.drive()) == (Pin.IN, None, Pin.MED_POWER)


def test_getters_and_setters(wipy: SimBoard) -> None:
    p = Pin("GP4")
    assert p.id() == "GP4"
    assert p.mode(Pin.OUT) is None and p.mode() == Pin.OUT
    assert p.pull(Pin.PULL_DOWN) is None and p.pull() == Pin.PULL_DOWN
    assert p.drive(Pin.LOW_POWER) is None and p.drive() == Pin.LOW_POWER
    assert repr(p) == "Pin('GP4', mode=Pin.OUT, pull=Pin.PULL_DOWN, drive=Pin.LOW_POWER, alt=-1)"


def test_value_keyword_sets_the_latch_before_the_mode(wipy: SimBoard) -> None:
    p = Pin("GP5", mode=Pin.OUT, value=1)
    assert wipy.pin("GP5").level == 1
    assert [c.level for c in wipy.pin("GP5").history] == [1]
    assert p() == 1


@pytest.mark.parametrize(
    "kwargs",
    [
        {"mode": 99},
        {"mode": Pin.OUT, "pull": 3},
        {"mode": Pin.OUT, "drive": 7},
        {"mode": Pin.OUT, "alt": 3},
        {"mode": Pin.ALT, "alt": 4},  # GP6 has no alternate function 4
        {"mode": Pin.ALT_OPEN_DRAIN, "alt": 99},
    ],
)
def test_bad_arguments_raise_value_error(wipy: SimBoard, kwargs: dict[str, int]) -> None:
    before = repr(Pin("GP6", mode=Pin.OUT))
    with pytest.raises(ValueError, match=r"invalid argument\(s\) value"):
        Pin("GP6", **kwargs)
    assert repr(Pin.board.GP6) == before  # a refused init changes nothing


@pytest.mark.parametrize("bad_id", ["GP18", "GP32", "gp2", 2, None, b"GP2"])
def test_unknown_pins_raise_value_error(bad_id: object) -> None:
    with pytest.raises(ValueError):
        Pin(bad_id)


def test_setters_validate(wipy: SimBoard) -> None:
    p = Pin("GP7")
    for call, value in ((p.mode, 5), (p.pull, 1), (p.drive, 0)):
        with pytest.raises(ValueError):
            call(value)
    assert (p.mode(), p.pull(), p.drive()) == (Pin.IN, None, Pin.MED_POWER)


def test_alt_mode_uses_alt_list(wipy: SimBoard) -> None:
    p = Pin("GP1", mode=Pin.ALT, alt=3)
    assert p.alt_list() == [("UART0_TX", 3), ("UART1_TX", 6)]
    assert repr(p) == "Pin('GP1', mode=Pin.ALT, pull=None, drive=Pin.MED_POWER, alt=3)"
    p.init(Pin.ALT_OPEN_DRAIN)  # alt=-1 keeps the function
    assert "alt=3" in repr(p)
    assert Pin("GP8").alt_list() == []


def test_alt_modes_take_minus_one_and_zero_as_the_firmware_does(wipy: SimBoard) -> None:
    # pybpin.c: ALT modes accept alt -1..15; -1 keeps the function, 0 is the GPIO function
    # (printed as -1), other indices must be in the pin's list.
    p = Pin("GP23", Pin.ALT, Pin.PULL_UP)
    assert repr(p) == "Pin('GP23', mode=Pin.ALT, pull=Pin.PULL_UP, drive=Pin.MED_POWER, alt=-1)"
    Pin("GP23", Pin.ALT, Pin.PULL_UP, alt=0)
    assert "alt=-1" in repr(p)
    Pin("GP23", Pin.ALT_OPEN_DRAIN, Pin.PULL_UP, alt=-1)
    assert repr(p).startswith("Pin('GP23', mode=Pin.ALT_OPEN_DRAIN,")
    p.mode(Pin.ALT)  # the setter validates the mode only
    assert p.mode() == Pin.ALT
    for bad in (16, -2, 4):  # out of range, and an index GP23 doesn't have
        with pytest.raises(ValueError):
            Pin("GP23", Pin.ALT_OPEN_DRAIN, Pin.PULL_UP, alt=bad)
    for mode in (Pin.IN, Pin.OUT):  # GPIO modes take no alt but -1
        with pytest.raises(ValueError):
            Pin("GP23", mode, Pin.PULL_UP, alt=0)


def test_open_drain_needs_a_pull_up_to_go_high(wipy: SimBoard) -> None:
    p = Pin("GP11", mode=Pin.OPEN_DRAIN)
    p(1)
    assert p() == 0  # released, floating at its last level
    p.pull(Pin.PULL_UP)
    assert p() == 1
    p(0)
    assert p() == 0 and wipy.pin("GP11").level == 0


def test_wired_pins_and_conflicts(wipy: SimBoard) -> None:
    wipy.wire("GP12", "GP13")
    out = Pin("GP12", mode=Pin.OUT, value=1)
    inp = Pin("GP13", mode=Pin.IN)
    assert inp() == 1
    out(0)
    assert inp() == 0
    assert not wipy.gpio.conflicts
    Pin("GP13", mode=Pin.OUT, value=1)  # two outputs fight
    assert wipy.gpio.conflicts
    assert {name for name, _ in wipy.gpio.conflicts[-1].drivers} == {"GP12", "GP13"}


def test_history_records_changes_with_time(wipy: SimBoard) -> None:
    p = Pin("GP14", mode=Pin.OUT, value=0)
    import utime

    for _ in range(3):
        utime.sleep_ms(10)
        p.toggle()
    history = wipy.pin("GP14").history
    assert [(c.time_ns, c.level) for c in history] == [
        (10_000_000, 1),
        (20_000_000, 0),
        (30_000_000, 1),
    ]


def test_irq_edges_levels_and_flags(wipy: SimBoard) -> None:
    p = Pin("GP15", mode=Pin.IN)
    seen: list[int] = []
    irq = p.irq(
        trigger=Pin.IRQ_FALLING | Pin.IRQ_RISING, handler=lambda pin: seen.append(irq.flags())
    )
    src = wipy.pin("GP15")
    src.drive_high()
    src.drive_low()
    assert seen == [Pin.IRQ_RISING, Pin.IRQ_FALLING]
    assert irq.flags() == 0  # only meaningful inside the handler

    seen.clear()
    irq = p.irq(trigger=Pin.IRQ_HIGH_LEVEL, handler=lambda pin: seen.append(irq.flags()))
    assert seen == []
    src.drive_high()
    assert seen == [Pin.IRQ_HIGH_LEVEL]
    irq.disable()
    src.drive_low()
    src.drive_high()
    assert seen == [Pin.IRQ_HIGH_LEVEL]
    irq.enable()  # the level is present when re-enabled: it fires
    assert seen == [Pin.IRQ_HIGH_LEVEL, Pin.IRQ_HIGH_LEVEL]


def test_irq_init_reruns_the_pins_irq(wipy: SimBoard) -> None:
    # mpirq.c: irq.init(...) calls the parent's irq() with the same arguments; the object the
    # program holds keeps enabling, disabling and reading the flags of the pin's interrupt.
    seen: list[int] = []
    p = Pin("GP15", mode=Pin.IN)
    src = wipy.pin("GP15")
    irq = p.irq(trigger=Pin.IRQ_RISING, handler=lambda pin: seen.append(irq.flags()))
    irq.disable()
    irq.init(trigger=Pin.IRQ_FALLING, handler=lambda pin: seen.append(irq.flags()))
    src.drive_high()
    src.drive_low()
    assert seen == [Pin.IRQ_FALLING]  # the new trigger, enabled again by init()
    irq.disable()
    src.drive_high()
    src.drive_low()
    assert seen == [Pin.IRQ_FALLING]
    irq.enable()
    src.drive_high()
    src.drive_low()
    assert seen == [Pin.IRQ_FALLING, Pin.IRQ_FALLING]
    with pytest.raises(ValueError):
        irq.init(trigger=123456)
    with pytest.raises(ValueError):
        irq.init(trigger=Pin.IRQ_LOW_LEVEL, wake=1789456)


def test_irq_handler_error_is_printed_and_not_fatal(
    wipy: SimBoard, capsys: pytest.CaptureFixture[str]
) -> None:
    p = Pin("GP16", mode=Pin.IN)

    def broken(pin: Pin) -> None:
        raise RuntimeError("boom")

    p.irq(trigger=Pin.IRQ_RISING, handler=broken)
    wipy.pin("GP16").drive_high()
    out = capsys.readouterr().out
    assert out.startswith("Uncaught exception in callback handler\nTraceback (most recent call")
    assert out.endswith("RuntimeError: boom\n")
    assert p() == 1


@pytest.mark.parametrize(
    "kwargs",
    [
        {"trigger": Pin.IRQ_RISING | Pin.IRQ_HIGH_LEVEL},
        {"trigger": 16},
        {"trigger": Pin.IRQ_RISING, "priority": 0},
        {"trigger": Pin.IRQ_RISING, "priority": 8},
        {"trigger": Pin.IRQ_RISING, "wake": 8},
        {"trigger": Pin.IRQ_RISING, "wake": machine.SLEEP},  # GP3 can't wake the board
    ],
)
def test_irq_bad_arguments(wipy: SimBoard, kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        Pin("GP3", mode=Pin.IN).irq(**kwargs)


def test_irq_without_trigger_on_fresh_pin_is_a_type_error(wipy: SimBoard) -> None:
    with pytest.raises(TypeError):
        Pin("GP22", mode=Pin.IN).irq()


def test_wake_capable_pins(wipy: SimBoard) -> None:
    for name in ("GP2", "GP4", "GP11", "GP13", "GP17", "GP24"):
        Pin(name, mode=Pin.IN).irq(trigger=Pin.IRQ_RISING, wake=machine.SLEEP)
    with pytest.raises(ValueError):  # both edges can't wake from sleep
        Pin("GP2").irq(trigger=Pin.IRQ_RISING | Pin.IRQ_FALLING, wake=machine.SLEEP)


def test_priorities_order_pending_handlers(wipy: SimBoard) -> None:
    order: list[str] = []
    low = Pin("GP22", mode=Pin.IN)
    high = Pin("GP23", mode=Pin.IN)
    low.irq(trigger=Pin.IRQ_RISING, priority=1, handler=lambda p: order.append(p.id()))
    high.irq(trigger=Pin.IRQ_RISING, priority=7, handler=lambda p: order.append(p.id()))
    state = machine.disable_irq()
    wipy.pin("GP22").drive_high()
    wipy.pin("GP23").drive_high()
    assert order == []
    machine.enable_irq(state)
    assert order == ["GP23", "GP22"]


def test_pins_are_released_with_the_board() -> None:
    from micropython_compat import release_board, use_board

    board = use_board("sim", clock="virtual")
    assert isinstance(board, SimBoard)
    p = Pin("GP2", mode=Pin.OUT)
    release_board()
    assert board.gpio.pins["GP2"].claimed is False
    with pytest.raises(ValueError):
        p.value(1)


def test_fast_path_fd_is_used_only_for_unwatched_outputs() -> None:
    from micropython_compat import use_board
    from micropython_compat.backends.sim.gpio import SimLine

    class LineWithFd(SimLine):
        fast_fd = 99  # what a linux line request would offer the C fast path

    board = SimBoard(clock="virtual")
    original_claim = board.gpio.claim

    def claim(name: str, config: object) -> SimLine:
        line = original_claim(name, config)  # type: ignore[arg-type]
        line.__class__ = LineWithFd
        return line

    board.gpio.claim = claim  # type: ignore[method-assign]
    use_board(board)
    p = Pin("GP8", mode=Pin.IN)
    assert p._fd == -1  # writing an input only sets its latch
    p.mode(Pin.OUT)
    assert p._fd == 99
    p.mode(Pin.OPEN_DRAIN)
    assert p._fd == 99
    irq = p.irq(trigger=Pin.IRQ_RISING, handler=lambda _: None)
    assert p._fd == -1  # a watched output reports its own edges through the line
    irq.disable()
    assert p._fd == 99
    with pytest.raises(ValueError):
        p.init(Pin.ALT, alt=7)  # GP8 has no alternate functions
    assert p._fd == 99
