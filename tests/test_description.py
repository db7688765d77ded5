"""Board descriptions: the built-in WiPy one holds the cc3200 port's pin facts, and every file
meets one declared schema (errors name the file, the key path and what was expected)."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from pathlib import Path

import pytest

from micropython_compat import _schema
from micropython_compat.backends.sim import i2c_devices
from micropython_compat.description import _read_builtin, builtin_names, load, load_builtin
from micropython_compat.errors import BoardDescriptionError


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


# ------------------------------------------------------------------ the schema every file meets

# Each malformed file, and what the error must say after the file's name: the key path and
# what was expected (issue 9 item 7: the ones that ended in raw tracebacks or were accepted).
MALFORMED = [
    ('[board]\nfreq = "fast"\n', 'board.freq: expected a CPU frequency in Hz, got "fast"'),
    ("pins.GP1 = 5\n", "pins.GP1: expected a pin table"),
    ('[sim]\nwiress = [["GP1", "GP2"]]\n', "sim.wiress: unknown key; did you mean 'wires'?"),
    ("[sim]\nspi_loopbak = [0]\n", "sim.spi_loopbak: unknown key; did you mean 'spi_loopback'?"),
    ('[boadr]\nname = "x"\n', "boadr: unknown key; did you mean 'board'?"),
    ("[pins.GP1]\nwaek = true\n", "pins.GP1.waek: unknown key; did you mean 'wake'?"),
    ("[storage]\nflash = 5\n", "storage.flash: expected a folder path, got 5"),
    ('[sim]\nclock = "fast"\n', 'sim.clock: expected "virtual" or "real", got "fast"'),
    ('[sim]\nwires = [["GP1"]]\n', "sim.wires[0]: expected a list of two or more pin names"),
    ("[sim]\nuart_cross = [[0, 1, 2]]\n", "sim.uart_cross[0]: expected a pair of UART numbers"),
    ("[sim.adc]\nx = 5\n", "sim.adc.x: the key should be a bus or channel number"),
    (
        '[[sim.i2c]]\naddr = 0x50\nmodel = "eeprom"\npage_sise = 8\n',
        "sim.i2c[0].page_sise: unknown key; did you mean 'page_size'?",
    ),
    ('[[sim.i2c]]\naddr = 200\nmodel = "eeprom"\n', "sim.i2c[0].addr: expected a 7-bit I2C"),
    ('[[sim.i2c]]\naddr = 0x50\nmodel = "toaster"\n', "sim.i2c[0].model: expected an I2C"),
    ("[[sim.i2c]]\naddr = 0x50\n", "sim.i2c[0].model: missing"),
    ('[sim.wlan]\nnetworks = [{ ssid = "a", auth = "WPA3" }]\n', "networks[0].auth: expected"),
    ('[linux]\ngpio_chp = "x"\n', "linux.gpio_chp: unknown key; did you mean 'gpio_chip'?"),
    ('[pwm]\n"1C" = { pin = "GP1" }\n', "pwm.1C: the key should be a timer channel"),
    ("[firmware]\nnative_emitter = true\n", None),
    ("[firmware]\nnative_emiter = true\n", "firmware.native_emiter: unknown key; did you mean"),
]


def _board(tmp_path: Path, body: str, name: str = "bad.toml") -> Path:
    path = tmp_path / name
    path.write_text('extends = "wipy"\n' + body, encoding="utf-8")
    return path


@pytest.mark.parametrize(("body", "message"), MALFORMED)
def test_every_malformed_file_names_file_key_and_expectation(
    tmp_path: Path, body: str, message: str | None
) -> None:
    path = _board(tmp_path, body)
    if message is None:
        load(path)
        return
    with pytest.raises(BoardDescriptionError) as caught:
        load(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)


def test_files_that_are_not_toml_text(tmp_path: Path) -> None:
    latin = tmp_path / "latin.toml"
    latin.write_bytes(b'extends = "wipy"\n[board]\nname = "caf\xe9"\n')
    with pytest.raises(BoardDescriptionError, match=r"latin.toml: is not UTF-8 text \(byte 0xe9"):
        load(latin)
    for name, text in (
        ("arrays", "a = " + "[" * 1000 + "]" * 1000 + "\n"),
        ("tables", "a = " + "{ b = " * 1000 + "1" + " }" * 1000 + "\n"),
        ("dotted", "[" + ".".join(["x"] * 1000) + "]\n"),
    ):
        path = tmp_path / f"{name}.toml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(BoardDescriptionError, match=f"{name}.toml: .*nested"):
            load(path)


def test_extends_must_name_a_file_or_a_built_in(tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    for target in ("folder", "./folder"):
        path = tmp_path / "child.toml"
        path.write_text(f'extends = "{target}"\n', encoding="utf-8")
        with pytest.raises(BoardDescriptionError, match=r"extends: .*folder is a directory"):
            load(path)
    path.write_text('extends = "wipy-tset-rig"\n', encoding="utf-8")
    with pytest.raises(BoardDescriptionError, match=r"child\.toml: extends: expected a built-in"):
        load(path)
    path.write_text("extends = 5\n", encoding="utf-8")
    with pytest.raises(BoardDescriptionError, match=r"child\.toml: extends: expected a built-in"):
        load(path)


def test_an_error_in_an_extended_file_names_that_file(tmp_path: Path) -> None:
    base = _board(tmp_path, "[sim]\nwirse = []\n", "base.toml")
    child = tmp_path / "child.toml"
    child.write_text('extends = "base.toml"\n', encoding="utf-8")
    with pytest.raises(BoardDescriptionError, match=f"^{base}: sim.wirse: unknown key"):
        load(child)


def test_storage_folders_are_made_only_where_the_user_named(tmp_path: Path) -> None:
    path = _board(tmp_path, '[storage]\nflash = "flash"\nsd = "missing/parent/sd"\n')
    desc = load(path)
    assert desc.storage_folder("flash") == tmp_path / "flash"  # relative to the board file
    assert (tmp_path / "flash").is_dir()
    with pytest.raises(BoardDescriptionError, match=r"storage.sd: .*parent folder .* not exist"):
        desc.storage_folder("sd")
    assert not (tmp_path / "missing").exists()
    assert desc.storage_folder("nothing") is None


def test_a_bad_board_file_is_one_line_from_the_runner(tmp_path: Path) -> None:
    path = _board(tmp_path, '[board]\nfreq = "fast"\n')
    (tmp_path / "x.py").write_text("pass\n")
    done = subprocess.run(
        [sys.executable, "-m", "micropython_compat", "run", "--board", str(path), "x.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "PYTHONWARNINGS": ""},
    )
    assert done.returncode == 2
    expected = 'board.freq: expected a CPU frequency in Hz, got "fast"'
    assert done.stderr == f"micropython-compat: error: {path}: {expected}\n"
    assert "Traceback" not in done.stdout


def test_every_built_in_description_meets_the_schema() -> None:
    for name in builtin_names():
        _schema.check(_read_builtin(name), name)  # raises if not


def test_the_schema_knows_every_shipped_i2c_model_and_its_options() -> None:
    device = _schema.schema()["properties"]["sim"]["properties"]["i2c"]["items"]
    assert device["properties"]["model"]["enum"] == i2c_devices.model_names()
    for branch in device["allOf"]:
        model = branch["if"]["properties"]["model"]["const"]
        allowed = set(branch["then"]["properties"]) - {"bus", "addr", "model"}
        cls = i2c_devices._MODELS[model]
        params = set(inspect.signature(cls).parameters) - {"clock"}
        assert allowed == params, model


def test_a_programs_own_json_py_does_not_break_the_check(tmp_path: Path) -> None:
    # python -m puts the current folder first on sys.path; the schema's libraries must still
    # get the standard library's json, and the program its own.
    (tmp_path / "json.py").write_text("SOURCE = 'the program'\n")
    (tmp_path / "p.py").write_text("import json\nprint(json.SOURCE)\n")
    path = _board(tmp_path, "[sim]\nclock = 'virtual'\n")
    done = subprocess.run(
        [sys.executable, "-m", "micropython_compat", "run", "--board", str(path), "p.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "the program\n", "")
    bad = _board(tmp_path, "[sim]\nclok = 'virtual'\n", "bad.toml")
    done = subprocess.run(
        [sys.executable, "-m", "micropython_compat", "run", "--board", str(bad), "p.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2 and "sim.clok: unknown key; did you mean 'clock'?" in done.stderr
