"""machine.ADC / ADCChannel and the simulated ADC."""

from __future__ import annotations

import dataclasses
import errno

import pytest

import machine
from machine import ADC, Pin
from micropython_compat.description import load_builtin
from micropython_compat.testing import SimBoard, simulated_board


def test_quick_reference_example(wipy: SimBoard) -> None:
    wipy.adc_block.set(1, 1234)
    from machine import ADC

    adc = ADC()
    apin = adc.channel(pin="GP3")
    assert apin() == 1234  # read value, 0-4095


def test_class_usage_example(wipy: SimBoard) -> None:
    wipy.adc_block.set(1, 321)
    adc = machine.ADC()  # create an ADC object
    apin = adc.channel(pin="GP3")  # create an analog pin on GP3
    val = apin()  # read an analog value
    assert val == 321


def test_channel_examples_are_equivalent(wipy: SimBoard) -> None:
    adc = ADC()
    # all of these are equivalent and enable ADC channel 1 on GP3
    apin = adc.channel(1)
    assert adc.channel(pin="GP3") is apin
    assert adc.channel(id=1, pin="GP3") is apin
    assert adc.channel(1, pin=Pin("GP3")) is apin
    assert repr(apin) == "ADCChannel(1, pin=GP3)"


@pytest.mark.parametrize(("channel", "pin"), [(0, "GP2"), (1, "GP3"), (2, "GP4"), (3, "GP5")])
def test_channel_pins(wipy: SimBoard, channel: int, pin: str) -> None:
    wipy.adc_block.set(channel, 100 + channel)
    ch = ADC().channel(channel)
    assert repr(ch) == f"ADCChannel({channel}, pin={pin})"
    assert ch.value() == 100 + channel
    assert ADC().channel(pin=pin) is ch


def test_adc_is_a_singleton_with_reprs(wipy: SimBoard) -> None:
    adc = ADC()
    assert ADC(0) is adc and ADC(id=0, bits=12) is adc
    assert repr(adc) == "ADC(0, bits=12)"
    assert adc.deinit() is None  # type: ignore[func-returns-value]
    assert repr(adc) == "ADC(0)"
    assert adc.init() is None  # type: ignore[func-returns-value]
    assert repr(adc) == "ADC(0, bits=12)"
    adc.deinit()
    ADC()  # the constructor enables it again
    assert repr(adc) == "ADC(0, bits=12)"


def test_bad_adc_arguments(wipy: SimBoard) -> None:
    with pytest.raises(OSError) as info:
        ADC(1)
    assert info.value.args == (errno.ENODEV,)
    with pytest.raises(ValueError, match="invalid argument"):
        ADC(bits=10)
    with pytest.raises(ValueError, match="invalid argument"):
        ADC().init(bits=8)
    with pytest.raises(TypeError):
        ADC("0")


def test_bad_channel_arguments(wipy: SimBoard) -> None:
    adc = ADC()
    with pytest.raises(ValueError, match=r"^resource not available$"):
        adc.channel(4)
    with pytest.raises(ValueError, match=r"^resource not available$"):
        adc.channel(-1)  # read as unsigned on the device
    with pytest.raises(ValueError, match="invalid argument"):
        adc.channel(0, pin="GP3")  # GP3 is channel 1
    with pytest.raises(ValueError, match="invalid argument"):
        adc.channel(pin="GP6")  # no ADC function
    with pytest.raises(ValueError, match="invalid argument"):
        adc.channel(pin="GP99")
    with pytest.raises(ValueError, match="invalid argument"):
        adc.channel()  # neither id nor pin
    with pytest.raises(TypeError):
        adc.channel("1")
    with pytest.raises(TypeError):
        adc.channel(None, pin="GP3")
    with pytest.raises(TypeError):
        adc.channel(1, "GP3")  # pin is keyword-only


def test_channel_on_disabled_adc_is_not_possible(wipy: SimBoard) -> None:
    adc = ADC()
    adc.deinit()
    with pytest.raises(OSError) as info:
        adc.channel(1)
    assert info.value.args == (errno.EPERM,)


def test_channel_switches_pin_to_analog(wipy: SimBoard) -> None:
    p = Pin("GP4", Pin.OUT, pull=Pin.PULL_UP, drive=Pin.HIGH_POWER, value=1)
    assert wipy.pin("GP4").level == 1
    ADC().channel(2)
    # the device's Pin repr shows its analog mode this way
    assert repr(p) == "Pin('GP4', mode=Pin.OPEN_DRAIN, pull=None, drive=Pin.LOW_POWER, alt=-1)"
    sim = wipy.pin("GP4")
    assert sim.config.mode == "in" and sim.config.pull is None and sim.driving is None


def test_channel_init_deinit_and_reads(wipy: SimBoard) -> None:
    adc = ADC()
    ch = adc.channel(0)
    wipy.adc_block.set(0, 77)
    assert ch.deinit() is None  # type: ignore[func-returns-value]
    assert repr(ch) == "ADCChannel(0)"
    with pytest.raises(OSError) as info:
        ch()
    assert info.value.args == (errno.EPERM,)
    assert ch.init() is None  # type: ignore[func-returns-value]
    assert ch.value() == 77 and ch() == 77
    assert repr(ch) == "ADCChannel(0, pin=GP2)"


def test_adc_deinit_disables_channels(wipy: SimBoard) -> None:
    adc = ADC()
    ch = adc.channel(3)
    adc.deinit()
    assert repr(ch) == "ADCChannel(3)"
    with pytest.raises(OSError) as info:
        ch.value()
    assert info.value.args == (errno.EPERM,)
    with pytest.raises(OSError) as info:
        ch.init()
    assert info.value.args == (errno.EPERM,)
    adc.init()
    assert repr(ch) == "ADCChannel(3)"  # channels stay off until enabled again
    ch.init()
    assert ch.value() == 0


def test_channel_objects_cannot_be_made_directly(wipy: SimBoard) -> None:
    ch = ADC().channel(1)
    with pytest.raises(TypeError):
        type(ch)(1)


# ------------------------------------------------------------------------- the simulated ADC


def test_sim_default_clamping_and_voltage(wipy: SimBoard) -> None:
    block = wipy.adc_block
    ch = ADC().channel(1)
    assert block.default == 0 and ch() == 0  # nothing set
    block.set(1, 5000)
    assert ch() == 4095
    block.set(1, -3)
    assert ch() == 0
    block.set_voltage(1, 1.4)
    assert ch() == 4095
    block.set_voltage(1, 0.7)
    assert ch() == 2048
    block.set_voltage(1, 2.0)  # above the input range
    assert ch() == 4095
    block.set_voltage(1, 0)
    assert ch() == 0
    block.set(1, 10)
    block.clear(1)
    assert ch() == 0
    block.default = 99
    assert ch() == 99
    assert block.reads[-1] == (1, 99)
    with pytest.raises(TypeError):
        block.set(1, "12")


def test_sim_value_as_a_function_of_time(wipy: SimBoard) -> None:
    wipy.adc_block.set(0, lambda t_ns: t_ns // 1_000_000)
    ch = ADC().channel(0)
    start = ch()
    wipy.advance(ms=100)
    assert ch() == start + 100
    wipy.advance(s=10)
    assert ch() == 4095  # clamped


def test_board_description_adc_values() -> None:
    desc = load_builtin("wipy")
    raw = {**desc.raw, "sim": {"adc": {"2": 3000}}}
    with simulated_board(description=dataclasses.replace(desc, raw=raw)):
        assert ADC().channel(2)() == 3000
