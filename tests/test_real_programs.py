"""What real WiPy programs met: ticks that start at boot, a heap that moves, TLS dates on the
board's RTC, and an RTC alarm whose handler runs before ``machine.sleep()`` returns. Each test
is the device code a user would write, run with ``micropython-compat run``."""

from __future__ import annotations

import io
import sys
import textwrap
from pathlib import Path
from typing import Any

from micropython_compat import runner


def run_program(folder: Path, source: str, **options: Any) -> tuple[int, str]:
    """Run ``source`` as a script; its status and what it printed."""
    script = folder / "prog.py"
    script.write_text(textwrap.dedent(source))
    out = io.StringIO()
    saved = sys.stdout
    sys.stdout = out
    try:
        status = runner.run(script, notes=io.StringIO(), **options)
    finally:
        sys.stdout = saved
    return status, out.getvalue()


def test_an_rtc_alarms_handler_runs_before_sleep_returns(tmp_path: Path) -> None:
    # The spec's RTC example, on the real clock (the handler takes a while, as real ones do).
    for virtual in (False, True):
        status, out = run_program(
            tmp_path,
            """\
            import machine, utime
            from machine import RTC
            fired = []
            def alarm_handler(rtc_o):
                utime.sleep_ms(30)
                fired.append(machine.wake_reason())
            rtc = RTC()
            rtc.alarm(time=50, repeat=False)
            rtc_i = rtc.irq(trigger=RTC.ALARM0, handler=alarm_handler,
                            wake=machine.SLEEP | machine.IDLE)
            machine.sleep()
            print(fired == [machine.RTC_WAKE], machine.wake_reason() == machine.RTC_WAKE)
            """,
            virtual_clock=virtual,
        )
        assert (status, out) == (0, "True True\n"), virtual


def test_ticks_start_near_zero_at_boot(tmp_path: Path) -> None:
    for virtual in (False, True):
        status, out = run_program(
            tmp_path,
            """\
            import utime
            print(utime.ticks_ms() < 1000, utime.ticks_us() < 1000000)
            """,
            virtual_clock=virtual,
        )
        assert (status, out) == (0, "True True\n"), virtual


def test_a_board_option_starts_the_ticks_just_before_they_wrap(tmp_path: Path) -> None:
    board = tmp_path / "wrap.toml"
    board.write_text('extends = "wipy"\n[board]\nname = "WiPy"\nticks_wrap_after_ms = 2000\n')
    status, out = run_program(
        tmp_path,
        """\
        import utime
        t0, u0 = utime.ticks_ms(), utime.ticks_us()
        print(t0 > 2**30 - 2001, u0 > 2**30 - 2000001)
        utime.sleep_ms(3000)
        t1 = utime.ticks_ms()
        print(t1 < 1001, utime.ticks_diff(t0, t1) // 100)
        """,
        board=board,
        virtual_clock=True,
    )
    assert (status, out) == (0, "True True\nTrue 30\n")


def test_the_heap_has_the_boards_size_and_moves_with_allocation(tmp_path: Path) -> None:
    status, out = run_program(
        tmp_path,
        """\
        import gc, micropython
        gc.collect()
        free, used = gc.mem_free(), gc.mem_alloc()
        keep = [bytearray(4) for i in range(300)]
        grown = gc.mem_free()
        # (the int mem_free() returns is itself an allocation here: a block or two of slack)
        print(abs(free + used - 57344) <= 64, used < free, grown < free - 2000,
              gc.mem_alloc() > used + 2000)
        micropython.mem_info()
        del keep
        gc.collect()
        print(gc.mem_free() > grown + 2000)
        """,
        virtual_clock=True,
    )
    lines = out.splitlines()
    assert (status, lines[0], lines[-1]) == (0, "True True True True", "True")
    assert lines[2].startswith("GC: total: 57344, used: ")
