"""Choosing the board: explicit > environment > detection; failures name the cause."""

from __future__ import annotations

from pathlib import Path

import pytest

import micropython_compat
from micropython_compat import board as board_module
from micropython_compat.backends.sim import SimBoard
from micropython_compat.errors import BoardDescriptionError, BoardUnavailable


def test_default_is_the_simulated_wipy_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(board_module.ENV_VAR, raising=False)
    runtime = board_module.current_runtime()
    assert isinstance(runtime.board, SimBoard)
    assert runtime.board.description.name == "WiPy"
    assert "no /dev/gpiochip" in runtime.reason


def test_environment_variable_chooses(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    desc = tmp_path / "bench.toml"
    desc.write_text('extends = "wipy"\n[board]\nname = "Bench WiPy"\n[sim]\nclock = "virtual"\n')
    monkeypatch.setenv(board_module.ENV_VAR, str(desc))
    runtime = board_module.current_runtime()
    assert runtime.board.description.name == "Bench WiPy"
    assert runtime.board.clock.virtual
    assert runtime.reason == f"{board_module.ENV_VAR}={desc}"


def test_explicit_choice_beats_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(board_module.ENV_VAR, "linux")
    board = micropython_compat.use_board("sim", clock="virtual")
    assert micropython_compat.current_board() is board


def test_linux_board_that_cannot_load_says_why_and_never_falls_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(board_module.ENV_VAR, "linux")
    with pytest.raises(BoardUnavailable, match="MICROPYTHON_COMPAT_BOARD=sim"):
        board_module.current_runtime()
    assert board_module.active_runtime() is None


def test_implicit_sim_on_a_machine_with_gpio_chips_warns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(board_module.ENV_VAR, raising=False)
    monkeypatch.setattr(board_module, "_has_gpio_chips", lambda: True)
    monkeypatch.setitem(
        board_module._BUILTIN_BACKENDS, "linux", "micropython_compat.backends.sim:create_board"
    )
    with pytest.warns(board_module.BoardChoiceWarning, match="GPIO chips"):
        board_module.current_runtime()


def test_unknown_backend_is_named(tmp_path: Path) -> None:
    desc = tmp_path / "odd.toml"
    desc.write_text('[board]\nname = "Odd"\nbackend = "telepathy"\n')
    with pytest.raises(BoardUnavailable, match="telepathy"):
        micropython_compat.use_board(str(desc))


def test_use_board_releases_the_previous_board() -> None:
    first = micropython_compat.use_board("sim", clock="virtual")
    import machine

    machine.Pin("GP2", mode=machine.Pin.OUT)
    assert first.gpio.pins["GP2"].claimed
    micropython_compat.use_board("sim", clock="virtual")
    assert not first.gpio.pins["GP2"].claimed


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[board\n", "not valid TOML"),
        ("[pins.GP0]\n", "board.name: missing"),
        ('[board]\nname="x"\n[adc]\nchannels = { "0" = "GP99" }\n', "unknown pin 'GP99'"),
        ('[board]\nname="x"\n[pwm]\n"9C" = { pin = "GP1" }\n', "pwm.9C: the key should be"),
        ('extends = "nonesuch"\n', "extends: expected a built-in description's name"),
        ('extends = "wipy"\n[sim]\nclock = "sundial"\n', 'sim.clock: expected "virtual" or'),
        ('extends = "wipy"\n[sim]\nwires = [["GP1", "GP99"]]\n', "GP99"),
    ],
)
def test_bad_description_files_name_the_problem(tmp_path: Path, text: str, message: str) -> None:
    desc = tmp_path / "bad.toml"
    desc.write_text(text)
    with pytest.raises(BoardDescriptionError, match=message):
        micropython_compat.use_board(str(desc))


def test_missing_description_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(BoardDescriptionError, match="does not exist"):
        micropython_compat.use_board(str(tmp_path / "absent.toml"))


def test_description_wires_are_applied(tmp_path: Path) -> None:
    desc = tmp_path / "wired.toml"
    desc.write_text('extends = "wipy"\n[sim]\nclock = "virtual"\nwires = [["GP1", "GP2"]]\n')
    micropython_compat.use_board(str(desc))
    import machine

    machine.Pin("GP1", mode=machine.Pin.OUT, value=1)
    assert machine.Pin("GP2", mode=machine.Pin.IN)() == 1
