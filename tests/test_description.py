"""The built-in WiPy description holds the cc3200 port's pin facts."""

from __future__ import annotations

from micropython_compat.description import builtin_names, load_builtin


def test_wipy_pins_are_the_25_of_pin_board() -> None:
    wipy = load_builtin("wipy")
    expected = [f"GP{n}" for n in [*range(18), 22, 23, 24, 25, 28, 30, 31]]
    assert sorted(wipy.pins, key=lambda n: int(n[2:])) == expected


def test_wipy_facts() -> None:
    wipy = load_builtin("wipy")
    assert (wipy.name, wipy.mcu, wipy.freq, wipy.heartbeat_pin) == (
        "WiPy",
        "CC3200",
        80_000_000,
        "GP25",
    )
    assert wipy.adc_channels == {0: "GP2", 1: "GP3", 2: "GP4", 3: "GP5"}
    assert wipy.pwm[(1, "A")] == ("GP25", 9)
    assert wipy.default_pins[("uart", 0)] == ("GP1", "GP2")
    assert wipy.default_pins[("sd", 0)] == ("GP10", "GP11", "GP15")
    assert {n for n, p in wipy.pins.items() if p.wake} == {
        "GP2",
        "GP4",
        "GP11",
        "GP13",
        "GP17",
        "GP24",
    }
    assert wipy.bus_ids("uart") == [0, 1]
    assert "wipy" in builtin_names()
