"""machine.SD on the simulated WiPy."""

from __future__ import annotations

import dataclasses
import errno
from pathlib import Path

import pytest

import machine
from machine import SD, Pin
from micropython_compat.testing import SimBoard, simulated_board

_SD_PINS = {"GP10": 6, "GP11": 6, "GP15": 8}  # CLK, CMD, DAT0 and their SD alt indices


def _assert_sd_pins(wipy: SimBoard) -> None:
    for name, alt in _SD_PINS.items():
        assert repr(getattr(Pin.board, name)) == (
            f"Pin('{name}', mode=Pin.ALT, pull=Pin.PULL_UP, drive=Pin.MED_POWER, alt={alt})"
        )
        assert wipy.pin(name).config.mode == "alt"
        assert wipy.pin(name).config.alt == alt


def test_quick_reference_example_without_mount(wipy: SimBoard) -> None:
    from machine import SD

    # clock pin, cmd pin, data0 pin
    sd = SD(pins=("GP10", "GP11", "GP15"))
    _assert_sd_pins(wipy)
    # or use default ones for the expansion board
    sd2 = SD()
    assert sd2 is sd
    assert sd._root() == wipy.storage.sd


def test_class_example_without_mount(wipy: SimBoard) -> None:
    # clk cmd and dat0 pins must be passed along with
    # their respective alternate functions
    sd = machine.SD(pins=("GP10", "GP11", "GP15"))
    assert repr(sd) == "<SD>"
    _assert_sd_pins(wipy)


def test_default_pins_and_forms(wipy: SimBoard) -> None:
    sd = SD()
    _assert_sd_pins(wipy)
    assert SD(0) is sd and SD(id=0) is sd and SD(0, ["GP10", "GP11", "GP15"]) is sd
    assert SD(pins=(Pin("GP10"), Pin("GP11"), Pin("GP15"))) is sd


def test_pins_none_leaves_pins_alone(wipy: SimBoard) -> None:
    Pin("GP10", Pin.OUT)
    SD(pins=None)
    assert Pin.board.GP10.mode() == Pin.OUT


def test_init_deinit_and_root(wipy: SimBoard) -> None:
    sd = SD()
    assert wipy.storage.sd is not None
    (wipy.storage.sd / "hello.txt").write_text("hi")
    assert (sd._root() / "hello.txt").read_text() == "hi"
    assert sd.deinit() is None  # type: ignore[func-returns-value]
    with pytest.raises(OSError) as info:
        sd._root()
    assert info.value.args == (errno.EPERM,)
    assert sd.init() is None  # type: ignore[func-returns-value]
    assert sd._root() == wipy.storage.sd
    sd.deinit()
    # pins positionally, as on the device
    assert sd.init(("GP10", "GP11", "GP15")) is None  # type: ignore[func-returns-value]
    sd.deinit()
    # the id first, as the docs write it
    assert sd.init(0, pins=("GP10", "GP11", "GP15")) is None  # type: ignore[func-returns-value]
    assert sd.init(0) is None  # type: ignore[func-returns-value]
    assert sd.init(id=0, pins=None) is None  # type: ignore[func-returns-value]
    assert isinstance(sd._root(), Path)


def test_sd_directory_is_the_board_storage(tmp_path: Path) -> None:
    with simulated_board(sd=tmp_path) as wipy:
        assert SD()._root() == tmp_path.resolve() == wipy.storage.sd


def test_bad_arguments(wipy: SimBoard) -> None:
    with pytest.raises(OSError) as info:
        SD(1)
    assert info.value.args == (errno.ENODEV,)
    with pytest.raises(TypeError):
        SD("0")
    with pytest.raises(ValueError, match="wrong length"):
        SD(pins=("GP10", "GP11"))
    with pytest.raises(ValueError, match="wrong length"):
        SD(pins=("GP10", "GP11", "GP15", "GP16"))
    with pytest.raises(TypeError):
        SD(pins="GP10")
    with pytest.raises(ValueError, match="invalid argument"):
        SD(pins=("GP11", "GP10", "GP15"))  # CLK and CMD swapped
    with pytest.raises(ValueError, match="invalid argument"):
        SD(pins=("GP10", "GP11", "GP99"))
    # nothing was configured by the failed attempts
    assert Pin.board.GP10.mode() == Pin.IN
    sd = SD()
    with pytest.raises(OSError) as info:
        sd.init(1)
    assert info.value.args == (errno.ENODEV,)
    with pytest.raises(TypeError):
        sd.init(0, ("GP10", "GP11", "GP15"), 3)
    with pytest.raises(TypeError):
        sd.init(0, ("GP10", "GP11", "GP15"), pins=None)


def test_no_card_fails(wipy: SimBoard) -> None:
    wipy.storage = dataclasses.replace(wipy.storage, sd=None)
    with pytest.raises(OSError) as info:
        SD()
    assert info.value.args == (errno.EIO,)
    _assert_sd_pins(wipy)  # the pins were set up before the card was tried
