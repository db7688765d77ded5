"""Tests of the WiPy program in ../device, run on the simulated WiPy of micropython-compat."""

import time

import pytest
from machine import I2C
from micropython_compat.testing import RegisterFile

SENSOR = 0x48


@pytest.fixture
def sensor(wipy):
    """A TMP102 on I2C bus 0: its temperature register reads 25.0 C."""
    device = RegisterFile(values={0: 0x19, 1: 0x00})
    wipy.i2c_bus(0).attach(SENSOR, device)
    return device


def test_the_driver_reads_positive_and_negative_temperatures(wipy, sensor):
    tmp102 = wipy.load("lib/tmp102.py")  # the program's module, imported afresh
    driver = tmp102.TMP102(I2C(0))
    assert driver.centi_celsius() == 2500
    sensor.regs[0:2] = bytes([0xE7, 0x00])  # -25.0 C
    assert driver.centi_celsius() == -2500


def test_main_blinks_measures_and_deep_sleeps(wipy, sensor, capsys):
    assert wipy.run(for_ms=20_000) == 0  # 20 s of board time, instantly
    assert capsys.readouterr().out.splitlines() == [
        "boot: power on",
        "temperature: 25.00 C",
        "temperature: 25.00 C",
        "temperature: 25.00 C",
        "sleeping",
        "boot: deep sleep wake",  # the RTC alarm woke it 10 s later
        "temperature: 25.00 C",
        "temperature: 25.00 C",
        "temperature: 25.00 C",
        "sleeping",
    ]
    rises = [c.time_ns for c in wipy.pin("GP16").history if c.level == 1]
    assert rises[:3] == [100_000_000, 300_000_000, 500_000_000]  # 5 Hz while measuring


def test_the_sensor_is_read_as_the_datasheet_says(wipy, sensor):
    wipy.run(for_ms=3_000)
    assert wipy.i2c_bus(0).writes(SENSOR)[:1] == [b"\x00"]  # register pointer: temperature
    assert wipy.i2c_bus(0).reads(SENSOR)[:1] == [b"\x19\x00"]


def test_cpython_modules_are_left_alone(wipy):
    wipy.run(for_ms=1_000)  # main.py's `import time` got utime, for main.py only
    assert not hasattr(time, "sleep_ms")
