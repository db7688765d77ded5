"""What happens when an interrupt handler raises: as on the WiPy (1.8.5 ``mp_irq_handler``),
``Uncaught exception in callback handler`` and the traceback are printed, that interrupt is
disabled for good and the program goes on, on both clocks; the dispatcher survives anything."""

from __future__ import annotations

import io
import signal
import sys
import textwrap
import threading
from pathlib import Path
from typing import Callable

import pytest

from micropython_compat import runner
from micropython_compat.backends.sim import SimBoard
from micropython_compat.dispatcher import Dispatcher

RAISERS: dict[str, Callable[[], object]] = {
    "SystemExit": sys.exit,
    "KeyboardInterrupt": lambda: (_ for _ in ()).throw(KeyboardInterrupt),
    "ZeroDivisionError": lambda: 1 // 0,
}


def _handler_that_raises(kind: str, calls: list[int]) -> Callable[[object], None]:
    raise_it = RAISERS[kind]

    def handler(pin: object) -> None:
        calls.append(1)
        raise_it()

    return handler


def _expect_report(out: str, kind: str) -> None:
    lines = out.splitlines()
    start = lines.index("Uncaught exception in callback handler")
    assert lines[start + 1] == "Traceback (most recent call last):"
    assert lines[start + 2].endswith(", in handler")  # the handler's frame comes first
    assert lines[-1].split(":")[0] == kind


@pytest.mark.parametrize("kind", sorted(RAISERS))
def test_a_raising_pin_handler_is_reported_and_disabled_on_the_virtual_clock(
    wipy: SimBoard, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    from machine import Pin

    calls: list[int] = []
    pin = Pin("GP10", mode=Pin.IN)
    irq = pin.irq(
        trigger=Pin.IRQ_RISING | Pin.IRQ_FALLING, handler=_handler_that_raises(kind, calls)
    )
    for _ in range(3):
        wipy.pin("GP10").drive_high()
        wipy.pin("GP10").drive_low()
    assert calls == [1]  # the device calls it once, then never again
    _expect_report(capsys.readouterr().out, kind)
    irq.enable()  # the handler is forgotten: enabling again calls nothing
    wipy.pin("GP10").drive_high()
    assert calls == [1]


@pytest.mark.parametrize("kind", ["SystemExit", "KeyboardInterrupt"])
def test_the_real_clock_dispatcher_survives_a_handler_that_exits(
    wipy_realtime: SimBoard, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    from machine import Pin

    calls: list[int] = []
    Pin("GP10", mode=Pin.IN).irq(trigger=Pin.IRQ_RISING, handler=_handler_that_raises(kind, calls))
    later = threading.Event()
    Pin("GP11", mode=Pin.IN).irq(trigger=Pin.IRQ_RISING, handler=lambda p: later.set())
    wipy_realtime.pin("GP10").drive_high()
    wipy_realtime.pin("GP11").drive_high()
    assert later.wait(30), "the interrupt after the one that raised never ran"
    assert calls == [1]
    _expect_report(capsys.readouterr().out, kind)
    from micropython_compat.board import current_runtime

    assert current_runtime().dispatcher.lost == 0


def test_calling_the_irq_by_hand_handles_an_exception_the_same_way(
    wipy: SimBoard, capsys: pytest.CaptureFixture[str]
) -> None:
    from machine import Pin

    calls: list[int] = []
    irq = Pin("GP10", mode=Pin.IN).irq(
        trigger=Pin.IRQ_RISING, handler=_handler_that_raises("ZeroDivisionError", calls)
    )
    irq()  # no exception reaches the caller
    irq()
    assert calls == [1]
    _expect_report(capsys.readouterr().out, "ZeroDivisionError")


def test_a_timer_handler_that_raises_stops_while_others_go_on(
    wipy: SimBoard, capsys: pytest.CaptureFixture[str]
) -> None:
    from machine import Timer

    bad: list[int] = []
    good: list[int] = []
    t1 = Timer(1, mode=Timer.PERIODIC)
    t1.channel(Timer.A, freq=100).irq(
        trigger=Timer.TIMEOUT, handler=_handler_that_raises("SystemExit", bad)
    )
    t2 = Timer(2, mode=Timer.PERIODIC)
    t2.channel(Timer.A, freq=100).irq(trigger=Timer.TIMEOUT, handler=lambda t: good.append(1))
    wipy.advance(s=1)
    assert (len(bad), len(good)) == (1, 100)
    _expect_report(capsys.readouterr().out, "SystemExit")


def test_a_real_ctrl_c_during_a_handler_still_interrupts_the_program(wipy: SimBoard) -> None:
    from machine import Pin

    calls: list[int] = []

    def handler(pin: object) -> None:
        calls.append(1)
        signal.raise_signal(signal.SIGINT)

    irq = Pin("GP10", mode=Pin.IN).irq(trigger=Pin.IRQ_RISING, handler=handler)
    with pytest.raises(KeyboardInterrupt):
        wipy.pin("GP10").drive_high()
    assert irq.handler is handler  # not the handler's fault: it stays armed
    wipy.pin("GP10").drive_low()
    with pytest.raises(KeyboardInterrupt):
        wipy.pin("GP10").drive_high()
    assert calls == [1, 1]


PROGRAM = """\
import sys
import time
from machine import Pin, Timer

ticks = []
def bad(pin):
    sys.exit(3)

def tick(t):
    ticks.append(1)

Pin('GP10', mode=Pin.IN).irq(trigger=Pin.IRQ_RISING, handler=bad)
timer = Timer(1, mode=Timer.PERIODIC)
timer.channel(Timer.A, freq=200).irq(trigger=Timer.TIMEOUT, handler=tick)
out = Pin('GP11', mode=Pin.OUT, value=0)
out.value(1)            # GP11 is wired to GP10: the handler exits
time.sleep_ms(100)
print('still running', len(ticks) >= 10)
"""


@pytest.mark.parametrize("virtual", [True, False], ids=["virtual clock", "real clock"])
def test_a_program_whose_handler_calls_sys_exit_goes_on_alike_on_both_clocks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], virtual: bool
) -> None:
    script = tmp_path / "main.py"
    script.write_text(textwrap.dedent(PROGRAM))
    board = SimBoard(clock="virtual" if virtual else "real")
    board.wire("GP10", "GP11")
    status = runner.run(script, board=board, notes=io.StringIO())
    out = capsys.readouterr().out
    assert status == 0
    assert out.splitlines()[0] == "Uncaught exception in callback handler"
    assert 'File "' + str(script) + '", line 7, in bad' in out
    assert "SystemExit: 3" in out
    assert out.endswith("still running True\n")


# -- the dispatcher itself ------------------------------------------------------------------


def test_a_full_queue_drops_and_counts_and_says_so_once(
    capsys: pytest.CaptureFixture[str],
) -> None:
    d = Dispatcher(synchronous=True, limit=3)
    seen: list[int] = []
    d.disable()
    accepted = [d.post(seen.append, i) for i in range(5)]
    assert accepted == [True, True, True, False, False]
    assert (d.pending(), d.lost) == (3, 2)
    err = capsys.readouterr().err
    assert err.count("interrupts are waiting") == 1
    d.enable()
    assert seen == [0, 1, 2]
    assert d.post(seen.append, 3) and seen == [0, 1, 2, 3]
    d.close()


@pytest.mark.parametrize("exc", [SystemExit, KeyboardInterrupt, GeneratorExit, MemoryError])
def test_the_dispatcher_thread_survives_any_job(
    exc: type[BaseException], capsys: pytest.CaptureFixture[str]
) -> None:
    d = Dispatcher(synchronous=False)
    done = threading.Event()

    def job(_: object) -> None:
        raise exc

    d.post(job, None)
    d.post(lambda _: done.set(), None)
    assert done.wait(30)
    assert exc.__name__ in capsys.readouterr().out
    d.close()


def test_a_job_in_synchronous_mode_cannot_end_the_poster(
    capsys: pytest.CaptureFixture[str],
) -> None:
    d = Dispatcher(synchronous=True)
    seen: list[int] = []

    def job(_: object) -> None:
        raise SystemExit(5)

    d.post(job, None)
    d.post(seen.append, 1)
    assert seen == [1]
    assert "SystemExit: 5" in capsys.readouterr().out
    d.close()
