"""The simulated pins' history: a bounded ring per pin with a dropped count, readable as a
list; on in tests, off under ``micropython-compat run`` unless ``--record``."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
import tracemalloc
from pathlib import Path

import pytest

from micropython_compat import runner
from micropython_compat.backends.sim import SimBoard
from micropython_compat.backends.sim.gpio import DEFAULT_HISTORY, LevelChange
from micropython_compat.description import load
from micropython_compat.errors import BoardDescriptionError
from micropython_compat.testing import simulated_board

ROOT = Path(__file__).resolve().parent.parent


def board_file(tmp_path: Path, sim: str) -> Path:
    path = tmp_path / "board.toml"
    path.write_text(f'extends = "wipy"\n[sim]\nclock = "virtual"\n{textwrap.dedent(sim)}')
    return path


def toggle(n: int, name: str = "GP16") -> None:
    from machine import Pin

    pin = Pin(name, mode=Pin.OUT, value=0)
    for _ in range(n):
        pin.toggle()


def test_the_default_ring_keeps_the_newest_changes_and_counts_the_rest(wipy: SimBoard) -> None:
    history = wipy.pin("GP16").history
    assert history.size == DEFAULT_HISTORY == 100_000
    history.size = 10
    toggle(25)
    assert (len(history), history.dropped) == (10, 15)
    assert [c.level for c in history] == [0, 1] * 5  # the last of 25 toggles left it at 1
    assert history[-1] == LevelChange(history[-1].time_ns, "GP16", 1)
    assert wipy.gpio.dropped == 15


def test_sizes_come_from_the_board_description_per_board_and_per_pin(tmp_path: Path) -> None:
    desc = load(board_file(tmp_path, "history = 4\nhistory_pins = { GP17 = 2 }\n"))
    with simulated_board(description=desc) as board:
        toggle(6, "GP16")
        toggle(6, "GP17")
        assert (len(board.pin("GP16").history), board.pin("GP16").history.dropped) == (4, 2)
        assert (len(board.pin("GP17").history), board.pin("GP17").history.dropped) == (2, 4)


@pytest.mark.parametrize(
    "sim, message",
    [
        ("history = -1\n", "sim.history: expected a number of level changes each pin keeps"),
        ('history = "lots"\n', "sim.history: expected a number of level changes each pin keeps"),
        ("history_pins = { GP99 = 5 }\n", "the board has no pin 'GP99'"),
        ("history_pins = 5\n", "sim.history_pins: expected a table of pin name = number"),
        ("history_pins = { GP16 = -2 }\n", "sim.history_pins.GP16: expected a number of level"),
    ],
)
def test_bad_sizes_are_board_description_errors(tmp_path: Path, sim: str, message: str) -> None:
    with pytest.raises(BoardDescriptionError, match=message.replace("[", r"\[")):
        SimBoard(load(board_file(tmp_path, sim)))


def test_history_reads_like_a_list(wipy: SimBoard) -> None:
    from machine import Pin

    pin = Pin("GP16", mode=Pin.OUT, value=0)
    for level in (1, 0, 1):
        pin.value(level)
        wipy.advance(us=10)
    history = wipy.pin("GP16").history
    expected = [LevelChange(0, "GP16", 1), LevelChange(10_000, "GP16", 0)]
    expected.append(LevelChange(20_000, "GP16", 1))
    assert history == expected and list(history) == expected
    assert history[1:] == expected[1:] and history[-1] == expected[-1]
    assert history[::-1] == expected[::-1]
    with pytest.raises(IndexError):
        history[3]
    history.clear()
    assert (len(history), history.dropped, history == []) == (0, 0, True)


def test_the_board_history_keeps_the_order_across_pins_at_one_instant(wipy: SimBoard) -> None:
    from machine import Pin

    a = Pin("GP16", mode=Pin.OUT, value=0)
    b = Pin("GP17", mode=Pin.OUT, value=0)
    a.value(1)
    b.value(1)
    a.value(0)  # all at one virtual instant
    assert [(c.pin, c.level) for c in wipy.gpio.history] == [
        ("GP16", 1),
        ("GP17", 1),
        ("GP16", 0),
    ]


def test_recording_off_records_nothing(wipy: SimBoard) -> None:
    wipy.gpio.recording = False
    toggle(10)
    assert len(wipy.pin("GP16").history) == 0
    wipy.gpio.recording = True
    toggle(2)
    assert len(wipy.pin("GP16").history) == 2
    with simulated_board(record=False) as board:
        toggle(3)
        assert not board.gpio.recording and len(board.pin("GP16").history) == 0


@pytest.mark.parametrize("recording", [True, False])
def test_memory_is_flat_however_long_a_pin_toggles(wipy: SimBoard, recording: bool) -> None:
    wipy.pin("GP16").history.size = 1000
    wipy.gpio.recording = recording
    tracemalloc.start()
    try:
        toggle(2000)  # the ring is full from here on, its entries all traced
        before = tracemalloc.get_traced_memory()[0]
        toggle(30_000)
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 16_384
    assert len(wipy.pin("GP16").history) == (1000 if recording else 0)


def test_the_fast_path_keeps_wires_drives_and_irqs_right(wipy: SimBoard) -> None:
    from machine import Pin

    out = Pin("GP16", mode=Pin.OUT, value=0)
    seen: list[int] = []
    out.irq(trigger=Pin.IRQ_RISING | Pin.IRQ_FALLING, handler=lambda p: seen.append(p.value()))
    out.value(1)
    wipy.advance(us=5)
    out.value(0)
    assert seen == [1, 0]
    assert [(c.time_ns, c.level) for c in wipy.pin("GP16").history] == [(0, 1), (5000, 0)]
    wipy.wire("GP16", "GP17")  # no longer alone on its net: GP17 follows
    out.value(1)
    assert wipy.pin("GP17").level == 1 and seen == [1, 0, 1]
    wipy.gpio.unwire("GP16")
    wipy.pin("GP16").drive_low()  # a fight: the net reads 0
    out.value(1)
    assert out.value() == 0 and wipy.gpio.conflicts
    wipy.pin("GP16").release()
    assert out.value() == 1


PROGRAM = """\
from machine import Pin
from micropython_compat import current_board
p = Pin('GP16', mode=Pin.OUT, value=0)
for _ in range(7):
    p.toggle()
print(len(current_board().pin('GP16').history))
"""


@pytest.mark.parametrize("record, count", [(False, "0"), (True, "7")])
def test_the_runner_records_only_when_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], record: bool, count: str
) -> None:
    script = tmp_path / "main.py"
    script.write_text(PROGRAM)
    status = runner.run(script, virtual_clock=True, record=record, notes=io.StringIO())
    assert (status, capsys.readouterr().out) == (0, count + "\n")


def test_cli_record_option(tmp_path: Path) -> None:
    script = tmp_path / "main.py"
    script.write_text(PROGRAM)
    env = {**os.environ, "MICROPYTHON_COMPAT_BOARD": "sim"}
    outputs = []
    for extra in ([], ["--record"]):
        done = subprocess.run(
            [sys.executable, "-m", "micropython_compat", "run", *extra, str(script)],
            capture_output=True,
            text=True,
            check=False,
            env=env,
            timeout=120,
        )
        outputs.append((done.returncode, done.stdout))
    assert outputs == [(0, "0\n"), (0, "7\n")]


def test_record_needs_the_simulated_board(tmp_path: Path) -> None:
    script = tmp_path / "main.py"
    script.write_text("pass\n")
    with pytest.raises(runner.RunError, match="--record needs the simulated board"):
        runner.run(script, board="linux", record=True, notes=io.StringIO())
