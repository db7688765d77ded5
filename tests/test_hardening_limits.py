"""Limits the device has and a host doesn't: ``time_pulse_us`` timeouts beyond the ticks'
2**30 wrap, receive buffers beyond the heap, NUL bytes in paths; and a SIGTERM that leaves no
temporary folders behind."""

from __future__ import annotations

import errno
import io
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from micropython_compat import runner
from micropython_compat.backends.sim import SimBoard
from micropython_compat.description import load
from micropython_compat.testing import simulated_board

# -------------------------------------------------------------------------- time_pulse_us


def test_time_pulse_us_times_out_past_the_ticks_wrap(wipy: SimBoard) -> None:
    import machine

    wipy.clock.step_ns = 100_000_000  # each ticks read moves the virtual clock 0.1 s
    pad = wipy.pin("GP10")
    wipy.clock.call_at_ns(3000 * 10**9, pad.drive_high)  # long after the timeout
    wipy.clock.call_at_ns(3001 * 10**9, pad.drive_low)
    with pytest.raises(OSError) as failure:
        machine.time_pulse_us(machine.Pin("GP10", mode=machine.Pin.IN), 1, 2**30 + 5)
    assert failure.value.errno == errno.ETIMEDOUT
    assert 2**30 * 1000 <= wipy.clock.now_ns() < 3000 * 10**9


def test_time_pulse_us_measures_a_pulse_longer_than_the_wrap(wipy: SimBoard) -> None:
    import machine

    wipy.clock.step_ns = 100_000_000
    pad = wipy.pin("GP10")
    wipy.clock.call_at_ns(10**9, pad.drive_high)
    wipy.clock.call_at_ns(10**9 + 1500 * 10**9, pad.drive_low)  # 1500 s > 2**30 us
    width = machine.time_pulse_us(machine.Pin("GP10", mode=machine.Pin.IN), 1, 2**32)
    assert abs(width - 1500 * 10**6) <= 100_000  # within one clock step


# ------------------------------------------------------------------- buffers beyond the heap

HUGE = 10**9


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.SPI(0, mode=m.SPI.MASTER).read(HUGE),
        lambda m: m.I2C(0, mode=m.I2C.MASTER).readfrom(0x50, HUGE),
        lambda m: m.I2C(0, mode=m.I2C.MASTER).readfrom_mem(0x50, 0, HUGE),
        lambda m: m.SPI(0, mode=m.SPI.MASTER).read(64 * 1024 + 1),
    ],
)
def test_a_read_larger_than_the_heap_is_a_memory_error(wipy: SimBoard, call) -> None:
    import machine

    with pytest.raises(MemoryError, match=r"^memory allocation failed, allocating \d+ bytes$"):
        call(machine)


def test_the_board_description_sets_the_heap(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    path.write_text('extends = "wipy"\n[firmware]\nheap_size = 1048576\n')
    with simulated_board(description=load(path)) as board:
        import machine

        board.spi_bus(0).loopback()
        assert len(machine.SPI(0, mode=machine.SPI.MASTER).read(512 * 1024)) == 512 * 1024
        with pytest.raises(MemoryError, match="allocating 1048577 bytes"):
            machine.SPI(0, mode=machine.SPI.MASTER).read(1048577)


# ---------------------------------------------------------------------------- NUL in paths

NUL_PROGRAM = r"""
import os
for path in ('/flash/missing\x00.py', b'/flash/missing\x00'):
    try:
        open(path)
    except OSError as e:
        print('OSError', e.args[0])
with open('/flash/data.txt\x00.bak', 'w') as f:   # the device's C string ends at the NUL
    f.write('x')
print(sorted(os.listdir('/flash\x00/lib')), os.stat('/flash/data.txt\x00')[6])
"""


def test_a_nul_in_a_path_ends_it_as_on_the_device(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    flash = tmp_path / "flash"
    flash.mkdir()
    (flash / "main.py").write_text(NUL_PROGRAM)
    (flash / "boot.py").write_text("")
    status = runner.run(flash=flash, virtual_clock=True, notes=io.StringIO())
    out = capsys.readouterr().out
    assert (status, out.splitlines()[:2]) == (0, ["OSError 2", "OSError 2"])
    assert out.splitlines()[2].endswith("'data.txt', 'lib', 'main.py', 'sys'] 1")
    assert (flash / "data.txt").read_text() == "x"


# ------------------------------------------------------------------------------- SIGTERM


def test_sigterm_ends_a_run_without_leaving_temporary_folders(tmp_path: Path) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    script = tmp_path / "forever.py"
    script.write_text(
        textwrap.dedent(
            """\
            import time
            print('running', flush=True)
            while True:
                time.sleep(1)
            """
        )
    )
    env = {**os.environ, "TMPDIR": str(temp), "MICROPYTHON_COMPAT_BOARD": "sim"}
    with subprocess.Popen(
        [sys.executable, "-m", "micropython_compat", "run", str(script)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    ) as proc:
        assert proc.stdout is not None
        assert proc.stdout.readline() == "running\n"
        assert list(temp.iterdir()), "the sim board's /flash folder should exist while it runs"
        proc.send_signal(signal.SIGTERM)
        status = proc.wait(timeout=60)
    assert status == runner.EXIT_TERMINATED == 143
    assert list(temp.iterdir()) == []
