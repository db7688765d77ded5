"""Tests run the program's own files: ``wipy.run()`` and ``wipy.load()``, fresh every call,
with the device's plain names for that code only; dead pins say who released their board."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from micropython_compat.testing import RunError, WiPyUnderTest, simulated_board


def user_pytest(folder: Path) -> str:
    """Run pytest in ``folder`` as a user would (a fresh process using the installed plugin,
    none of this run's pytest settings); its output."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider"],
        cwd=folder,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    return result.stdout


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


BLINKY = """\
    import time
    from machine import Pin

    print("blinky loaded")
    led = Pin("GP16", mode=Pin.OUT, value=0)

    def blink(times):
        for _ in range(times):
            led.toggle()
            time.sleep_ms(100)
"""


def test_load_runs_device_code_with_plain_names(wipy: WiPyUnderTest, tmp_path, capsys) -> None:
    write(tmp_path, "app/blinky.py", BLINKY)
    blinky = wipy.load(tmp_path / "app/blinky.py")
    start = wipy.clock.now_ns()
    blinky.blink(3)
    assert [c.level for c in wipy.pin("GP16").history[-3:]] == [1, 0, 1]
    assert wipy.clock.now_ns() - start == 300_000_000
    assert capsys.readouterr().out == "blinky loaded\n"


def test_load_is_fresh_every_call_and_so_are_its_imports(wipy, tmp_path, capsys) -> None:
    write(tmp_path, "app/helper.py", "print('helper imported')\nCOUNT = [0]\n")
    write(tmp_path, "app/counter.py", "import helper\nhelper.COUNT[0] += 1\nn = helper.COUNT[0]\n")
    first = wipy.load(tmp_path / "app/counter.py")
    second = wipy.load(tmp_path / "app/counter.py")
    assert first is not second
    assert (first.n, second.n) == (1, 1)
    assert capsys.readouterr().out == "helper imported\nhelper imported\n"
    assert "counter" not in sys.modules and "helper" not in sys.modules


def test_device_code_gets_gc_and_sys_with_micropythons_additions(wipy, tmp_path, capsys) -> None:
    write(
        tmp_path,
        "mem.py",
        """\
        import gc
        import sys
        free = gc.mem_free()
        gc.collect()
        try:
            raise ValueError("shown")
        except ValueError as e:
            sys.print_exception(e)
        """,
    )
    mem = wipy.load(tmp_path / "mem.py")
    assert isinstance(mem.free, int) and mem.free > 0
    assert capsys.readouterr().out.endswith("ValueError: shown\n")
    assert mem.sys is not sys and mem.sys.modules is sys.modules  # the rest is CPython's


def test_load_raises_what_the_code_raises(wipy, tmp_path) -> None:
    write(tmp_path, "bad.py", "import time\ntime.sleep_ms(1)\nraise OSError(5)\n")
    with pytest.raises(OSError):
        wipy.load(tmp_path / "bad.py")
    with pytest.raises(RunError, match="no such file"):
        wipy.load(tmp_path / "missing.py")


def test_run_boots_from_the_flash_folder_through_resets(tmp_path, capsys) -> None:
    flash = tmp_path / "device"
    write(flash, "boot.py", "print('boot')\n")
    write(
        flash,
        "main.py",
        """\
        import machine, os
        causes = {machine.PWRON_RESET: "power on", machine.HARD_RESET: "hard reset"}
        print("main after", causes[machine.reset_cause()])
        try:
            with open("/flash/count") as f:
                n = int(f.read())
        except OSError:
            n = 0
        with open("/flash/count", "w") as f:
            f.write(str(n + 1))
        if n < 2:
            machine.reset()
        print("files", sorted(os.listdir("/flash")))
        """,
    )
    with simulated_board(flash_from=flash) as wipy:
        assert wipy.run() == 0
        assert (wipy.storage.flash / "count").read_text() == "3"
    out = capsys.readouterr().out
    assert out.count("boot\n") == 3
    assert "main after power on\nboot\nmain after hard reset\n" in out
    assert "files ['boot.py', 'cert', 'count', 'lib', 'main.py', 'sys']" in out
    assert not (flash / "count").exists()  # the source folder is copied, never written


def test_run_for_a_while_stops_a_forever_loop(wipy, tmp_path) -> None:
    write(
        tmp_path,
        "forever.py",
        """\
        import time
        from machine import Pin
        led = Pin("GP16", mode=Pin.OUT)
        while True:
            led.toggle()
            time.sleep_ms(100)
        """,
    )
    assert wipy.run(tmp_path / "forever.py", for_ms=1000) == 0
    assert len(wipy.pin("GP16").history) == 10
    assert wipy.clock.now_ns() == 1_000_000_000


def test_an_uncaught_exception_is_printed_as_the_device_does(wipy, tmp_path, capsys) -> None:
    write(tmp_path, "crash.py", "x = 1\nx.nope()\n")
    assert wipy.run(tmp_path / "crash.py") == 1
    out = capsys.readouterr().out
    assert out.startswith("Traceback (most recent call last):\n")
    assert "AttributeError" in out


def test_a_pin_used_after_its_board_was_released_says_who_released_it() -> None:
    with simulated_board(released_by="at the end of test t::one"):
        from machine import Pin

        led = Pin("GP16", mode=Pin.OUT)
    for use in (lambda: led.value(1), led.value, led.toggle, lambda: led.init(Pin.IN)):
        with pytest.raises(ValueError) as caught:
            use()
        assert str(caught.value) == (
            "Pin('GP16') is dead: the board it belonged to was released at the end of test t::one"
        )


PROJECT_TEST = """\
    import time

    from machine import Pin

    LED = {}

    def test_one(wipy):
        LED["pin"] = Pin("GP16", mode=Pin.OUT)
        blinky = wipy.load("app/blinky.py")
        blinky.blink(2)
        assert len(wipy.pin("GP16").history) == 2

    def test_cpython_time_is_untouched(wipy):
        import gc, sys
        mem = wipy.load("app/mem.py")
        assert mem.free > 0
        assert not hasattr(time, "sleep_ms")
        assert not hasattr(gc, "mem_free") and not hasattr(sys, "print_exception")

    def test_two_uses_a_dead_pin(wipy):
        LED["pin"].value(1)

    @__import__("pytest").mark.wipy(flash="other")
    def test_marker_flash(wipy, capsys):
        assert wipy.run() == 0
        assert capsys.readouterr().out == "other main\\n"

    def test_ini_flash(wipy, capsys):
        assert wipy.run() == 0
        assert capsys.readouterr().out == "device main\\n"
"""


def test_in_a_users_pytest_run(tmp_path: Path) -> None:
    """Run by pytest as a user runs it: the flash folder from the ini file and a marker, CPython's
    time untouched, and a dead pin's error naming the test whose end released it."""
    write(tmp_path, "pytest.ini", "[pytest]\nwipy_flash = device\n")
    write(tmp_path, "device/main.py", "print('device main')\n")
    write(tmp_path, "device/app/blinky.py", BLINKY)
    write(
        tmp_path, "device/app/mem.py", "import gc, time\ntime.sleep_ms(1)\nfree = gc.mem_free()\n"
    )
    write(tmp_path, "other/main.py", "print('other main')\n")
    write(tmp_path, "test_project.py", PROJECT_TEST)
    out = user_pytest(tmp_path)
    assert "1 failed, 4 passed" in out, out
    assert (
        "ValueError: Pin('GP16') is dead: the board it belonged to was released at the end of "
        "test test_project.py::test_one"
    ) in out
