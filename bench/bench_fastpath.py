"""Nanoseconds per call of the hot paths: the C fast path and the pure-Python twin, side by side.

Run ``python bench/bench_fastpath.py [--repeat N]``. Each mode runs in its own subprocess (the
pure one with ``MICROPYTHON_COMPAT_PURE=1``) on a simulated WiPy on the real clock, and measures
``utime.ticks_us()``, ``Pin.value(1)`` (level unchanged: the common case of a busy loop) and
``Pin.toggle()``, beside ``time.monotonic_ns()`` in the same process. gpiozero's MockFactory pin
is measured in this process as an outside reference. Every figure is timeit's best of
``--repeat`` runs divided by the loop count, timeit's own loop overhead included (its row is
printed so it can be subtracted). The script then checks the targets and prints PASS/FAIL lines;
it exits 0 either way.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from _modes import main, measure

ROOT = Path(__file__).resolve().parent.parent
VALUE_TARGET_NS = 150.0

ROWS = [
    ("loop", "empty timeit loop (overhead, included below)"),
    ("monotonic_ns", "time.monotonic_ns()"),
    ("ticks_us", "utime.ticks_us()"),
    ("value", "Pin.value(1), sim pin, level unchanged"),
    ("toggle", "Pin.toggle(), sim pin"),
]


def child(repeat: int) -> dict[str, Any]:
    """Measure this process's implementation (what ``_fast`` picked) on a sim board."""
    try:
        import micropython_compat  # noqa: F401
    except ImportError:  # run from a checkout that isn't installed
        sys.path.insert(0, str(ROOT / "src"))
    import time

    from micropython_compat import _fast
    from micropython_compat.testing import simulated_board

    results: dict[str, Any] = {"implementation": _fast.IMPLEMENTATION}
    with simulated_board(clock="real") as board:
        import utime
        from machine import Pin

        board.gpio.recording = False  # a toggle loop would otherwise grow the pin history
        pin = Pin("GP2", mode=Pin.OUT)
        pin.value(1)
        namespace = {"time": time, "utime": utime, "pin": pin}
        results["loop"] = measure("pass", namespace, repeat)
        results["monotonic_ns"] = measure("time.monotonic_ns()", namespace, repeat)
        results["ticks_us"] = measure("utime.ticks_us()", namespace, repeat)
        results["value"] = measure("pin.value(1)", namespace, repeat)
        results["toggle"] = measure("pin.toggle()", namespace, repeat)
    return results


def gpiozero_reference(repeat: int) -> dict[str, float] | str:
    """gpiozero's MockFactory pin, driven and toggled; or why it couldn't be measured."""
    try:
        from gpiozero.pins.mock import MockFactory  # type: ignore[import-untyped]
    except ImportError as exc:
        return f"gpiozero is not installed ({exc}); pip install -e '.[dev]' adds it"
    factory = MockFactory()
    try:
        pin = factory.pin(17)
        pin.function = "output"
        pin.state = 1
        namespace = {"pin": pin}
        # clear_states() before each repeat: a MockPin records every change it makes.
        return {
            "state": measure("pin.state = 1", namespace, repeat, setup="pin.clear_states()"),
            "toggle": measure(
                "pin.state = not pin.state", namespace, repeat, setup="pin.clear_states()"
            ),
        }
    finally:
        factory.close()


def cell(result: dict[str, Any], key: str) -> str:
    value = result.get(key)
    return f"{value:8.1f} ns" if isinstance(value, float) else f"{'-':>11}"


def report(c: dict[str, Any], pure: dict[str, Any], reference: dict[str, float] | str) -> None:
    print(f"Python {sys.version.split()[0]} on {sys.platform}; ns per call, best of repeats\n")
    for name, result in (("C", c), ("pure", pure)):
        if "error" in result:
            print(f"the {name} run failed: {' '.join(result['error'])}")
    width = max(len(label) for _, label in ROWS) + 2
    print(f"{'call':<{width}}{'C fast path':>14}{'pure Python':>14}")
    for key, label in ROWS:
        print(f"{label:<{width}}{cell(c, key):>14}{cell(pure, key):>14}")
    print()
    if isinstance(reference, str):
        print(f"gpiozero reference: {reference}")
    else:
        print(f"{'gpiozero MockFactory pin.state = 1':<{width}}{reference['state']:11.1f} ns")
        print(f"{'gpiozero pin.state = not pin.state':<{width}}{reference['toggle']:11.1f} ns")
    print()


def checks(c: dict[str, Any]) -> None:
    if c.get("implementation") != "c":
        why = "the C extension is not built" if "error" not in c else "the C run failed"
        print(f"FAIL: C utime.ticks_us() no slower than time.monotonic_ns() ({why})")
        print(f"FAIL: C Pin.value(1) under {VALUE_TARGET_NS:.0f} ns ({why})")
        return
    ticks, mono, value = c["ticks_us"], c["monotonic_ns"], c["value"]
    verdict = "PASS" if ticks <= mono else "FAIL"
    print(
        f"{verdict}: C utime.ticks_us() no slower than time.monotonic_ns() "
        f"({ticks:.1f} ns vs {mono:.1f} ns)"
    )
    verdict = "PASS" if value < VALUE_TARGET_NS else "FAIL"
    print(f"{verdict}: C Pin.value(1) under {VALUE_TARGET_NS:.0f} ns ({value:.1f} ns)")


def finish(c: dict[str, Any], pure: dict[str, Any], repeat: int) -> None:
    report(c, pure, gpiozero_reference(repeat))
    checks(c)


if __name__ == "__main__":
    main(__doc__, __file__, child, finish)
