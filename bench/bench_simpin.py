"""Nanoseconds per level change of a simulated pin, against gpiozero's MockFactory, in one run.

Run ``python bench/bench_simpin.py [--repeat N]``. Each mode (the C fast path, then the pure
twin with ``MICROPYTHON_COMPAT_PURE=1``) runs in its own subprocess, on a simulated WiPy on the
real clock, and measures in that process:

* ``recorded``: ``Pin.toggle()`` on an unwired output with history recording on (each change
  is appended to the pin's ring with its time);
* ``recorded, virtual clock``: the same on a virtual clock (the time is read from the clock
  object);
* ``watched``: recording on and a pin irq (both edges) whose handler does nothing: each change
  also queues the handler on the dispatcher (so this row includes running the handler);
* ``unobserved``: no wires, no irq, recording off;
* gpiozero 2's ``MockFactory`` pin toggled (``pin.state = not pin.state``; a MockPin records
  every state change it makes, as ``recorded`` does), in the same process.

Every figure is timeit's best of ``--repeat`` runs divided by the loop count (loop overhead
included). Targets: a recorded change at most the gpiozero figure, an unobserved one at most a
third of it, in each mode. It prints PASS/FAIL lines and exits 0 either way.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from _modes import main, measure

ROOT = Path(__file__).resolve().parent.parent

ROWS = [
    ("loop", "empty timeit loop (overhead, included below)"),
    ("recorded", "Pin.toggle(), recorded"),
    ("recorded_virtual", "Pin.toggle(), recorded, virtual clock"),
    ("watched", "Pin.toggle(), recorded, irq handler runs"),
    ("unobserved", "Pin.toggle(), unobserved"),
    ("gpiozero", "gpiozero MockPin state = not state"),
]


def sim_rows(repeat: int) -> dict[str, float]:
    from micropython_compat.testing import simulated_board

    results: dict[str, float] = {}
    for clock, key in (("real", "recorded"), ("virtual", "recorded_virtual")):
        with simulated_board(clock=clock) as board:
            from machine import Pin

            pin = Pin("GP2", mode=Pin.OUT, value=0)
            results[key] = measure("pin.toggle()", {"pin": pin}, repeat)
            if clock == "virtual":
                pin.irq(trigger=Pin.IRQ_RISING | Pin.IRQ_FALLING, handler=lambda p: None)
                results["watched"] = measure("pin.toggle()", {"pin": pin}, repeat)
                pin.irq().disable()
            board.gpio.recording = False
            if clock == "real":
                results["unobserved"] = measure("pin.toggle()", {"pin": pin}, repeat)
    return results


def gpiozero_row(repeat: int) -> float | str:
    try:
        from gpiozero.pins.mock import MockFactory  # type: ignore[import-untyped]
    except ImportError as exc:
        return f"gpiozero is not installed ({exc}); pip install -e '.[dev]' adds it"
    factory = MockFactory()
    try:
        pin = factory.pin(17)
        pin.function = "output"
        # clear_states() before each repeat: a MockPin keeps every change it made.
        return measure("pin.state = not pin.state", {"pin": pin}, repeat, "pin.clear_states()")
    finally:
        factory.close()


def child(repeat: int) -> dict[str, Any]:
    try:
        import micropython_compat  # noqa: F401
    except ImportError:  # run from a checkout that isn't installed
        sys.path.insert(0, str(ROOT / "src"))
    from micropython_compat import _fast

    results: dict[str, Any] = {"implementation": _fast.IMPLEMENTATION}
    results["loop"] = measure("pass", {}, repeat)
    results.update(sim_rows(repeat))
    results["gpiozero"] = gpiozero_row(repeat)
    return results


def cell(result: dict[str, Any], key: str) -> str:
    value = result.get(key)
    return f"{value:8.1f} ns" if isinstance(value, float) else f"{'-':>11}"


def checks(name: str, result: dict[str, Any]) -> None:
    if "error" in result:
        print(f"FAIL: {name}: the run failed: {' '.join(result['error'])}")
        return
    reference = result.get("gpiozero")
    if not isinstance(reference, float):
        print(f"FAIL: {name}: no gpiozero reference ({reference})")
        return
    recorded, unobserved = result["recorded"], result["unobserved"]
    verdict = "PASS" if recorded <= reference else "FAIL"
    print(
        f"{verdict}: {name} recorded change at most gpiozero's "
        f"({recorded:.1f} ns vs {reference:.1f} ns, {recorded / reference:.2f}x)"
    )
    verdict = "PASS" if unobserved <= reference / 3 else "FAIL"
    print(
        f"{verdict}: {name} unobserved change at most a third of gpiozero's "
        f"({unobserved:.1f} ns vs {reference:.1f} ns, {unobserved / reference:.2f}x)"
    )


def finish(c: dict[str, Any], pure: dict[str, Any], repeat: int) -> None:
    print(f"Python {sys.version.split()[0]} on {sys.platform}; ns per call, best of {repeat}\n")
    width = max(len(label) for _, label in ROWS) + 2
    print(f"{'call':<{width}}{'C fast path':>14}{'pure Python':>14}")
    for key, label in ROWS:
        print(f"{label:<{width}}{cell(c, key):>14}{cell(pure, key):>14}")
    print("(each mode's gpiozero row is measured in that mode's process)\n")
    if c.get("implementation") != "c" and "error" not in c:
        print("FAIL: the C extension is not built: the C column ran the pure twin")
    checks("C", c)
    checks("pure", pure)


if __name__ == "__main__":
    main(__doc__, __file__, child, finish)
