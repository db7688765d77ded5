"""Toggles per second of one GPIO line through the kernel, four ways, in the same run.

Meant to run inside the real-kernel test VM on gpio-sim: ``bash tests/kernel/run.sh --bench``
(which builds the raw C loop, bench_kernel_gpio_raw.c, statically on the host and passes it as
``--raw``). On any Linux machine with a GPIO chip it runs as
``python bench/bench_kernel_gpio.py --board BOARD.toml --pin GP28 --raw ./gpio-raw-loop``.

Rows, each driving the same line with every call changing its level (1, 0, 1, 0, ...):

* ``Pin.value()``, C fast path: ``machine.Pin(pin, Pin.OUT)`` on the linux backend, in a child
  process with MICROPYTHON_COMPAT_PURE unset (one GPIO_V2_LINE_SET_VALUES ioctl per call);
* ``Pin.value()``, pure Python: the same in a child with MICROPYTHON_COMPAT_PURE=1;
* gpiod's own ``request.set_value(offset, value)`` (libgpiod v2 Python bindings);
* ``fcntl.ioctl(fd, GPIO_V2_LINE_SET_VALUES, buf)`` with preallocated buffers, for reference;
* the raw C loop: the ioctl alone, no Python;
* and two floors, timed in the C row's process right after it: the same Python loop calling
  ``abs(v)`` (what the interpreter alone costs) and calling ``os.getppid()`` (a C builtin
  making the cheapest system call), beside the raw C program's getppid loop.
  ``os.getppid()`` minus raw getppid is what a Python caller pays per system call on top of C
  (under TCG, more than the interpreter alone: the syscall disturbs the emulator's caches,
  and the interpreter has more to reload than a C loop), so raw ioctl + that is the fastest
  any Python-level ``Pin.value()`` can be here. It is printed as its own line; the targets
  are still checked against the raw loop itself.

Python rows time ``for _ in range(n): set(1); set(0)`` (the loop is part of what a program
pays; one more row has ``map()`` make the same calls, to show the call's own cost); every
figure is the best of ``--repeat`` runs of ``--calls`` calls. Targets: the C fast path within
1.2x of the raw C loop, and at least 3x faster than ``request.set_value()``. Prints a table and
PASS/FAIL lines; exits 1 when a target is missed or a row could not run.
"""

from __future__ import annotations

import argparse
import fcntl
import glob
import json
import os
import subprocess
import sys
import time
from collections import deque
from itertools import cycle, islice
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
# _IOWR(0xB4, 0x0F, struct gpio_v2_line_values { __aligned_u64 bits; __aligned_u64 mask; })
GPIO_V2_LINE_SET_VALUES = 0xC010B40F
WITHIN_RAW = 1.2
FASTER_THAN_GPIOD = 3.0


def best_ns_per_call(body: Callable[[int], None], calls: int, repeat: int) -> float:
    """Best of ``repeat`` timings of ``body(calls // 2)`` (two calls per iteration), per call."""
    pairs = max(1, calls // 2)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter_ns()
        body(pairs)
        best = min(best, (time.perf_counter_ns() - start) / (2 * pairs))
    return best


def pin_child(board: str, pin: str, calls: int, repeat: int) -> dict[str, Any]:
    """Time ``Pin.value(v)`` in this process (whichever implementation _fast picked)."""
    try:
        import micropython_compat
    except ImportError:  # run from a checkout that isn't installed
        sys.path.insert(0, str(ROOT / "src"))
        import micropython_compat
    from micropython_compat import _fast

    micropython_compat.use_board(board)
    from machine import Pin

    p = Pin(pin, mode=Pin.OUT, value=0)
    setter = p.value

    def body(pairs: int) -> None:
        for _ in range(pairs):
            setter(1)
            setter(0)

    def from_c(pairs: int) -> None:  # map() makes the calls: no Python-level loop per call
        deque(map(setter, islice(cycle((1, 0)), 2 * pairs)), maxlen=0)

    result = {
        "implementation": _fast.IMPLEMENTATION,
        "direct_fd": int(getattr(p, "_fd", -1)) >= 0,
        "ns": best_ns_per_call(body, calls, repeat),
        "ns_from_c": best_ns_per_call(from_c, calls, repeat),
        "floors": interpreter_floors(calls, repeat),  # in the same process, just after
    }
    micropython_compat.release_board()
    return result


def run_pin_child(args: argparse.Namespace, pure: bool) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "MICROPYTHON_COMPAT_PURE"}
    if pure:
        env["MICROPYTHON_COMPAT_PURE"] = "1"
    command = [sys.executable, str(Path(__file__).resolve()), "--child", "--board", args.board]
    command += ["--pin", args.pin, "--calls", str(args.calls), "--repeat", str(args.repeat)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or [f"exit {done.returncode}"]
        return {"error": lines[-1]}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def find_line(label: str, name: str) -> tuple[str, int]:
    """(chip path, offset) of the line called ``name`` on the chip labelled ``label``."""
    import gpiod

    for path in sorted(glob.glob("/dev/gpiochip*")):
        with gpiod.Chip(path) as chip:
            if chip.get_info().label == label:
                return path, int(chip.line_offset_from_id(name))
    raise SystemExit(f"no GPIO chip labelled {label!r} with a line {name!r}")


def gpiod_rows(chip_path: str, offset: int, calls: int, repeat: int) -> dict[str, float]:
    """request.set_value() and a preallocated fcntl.ioctl on the same request."""
    import gpiod
    from gpiod.line import Direction, Value

    config: dict[Any, Any] = {offset: gpiod.LineSettings(direction=Direction.OUTPUT)}
    with gpiod.request_lines(chip_path, consumer="bench", config=config) as request:
        set_value, on, off = request.set_value, Value.ACTIVE, Value.INACTIVE

        def with_gpiod(pairs: int) -> None:
            for _ in range(pairs):
                set_value(offset, on)
                set_value(offset, off)

        fd, ioctl = request.fd, fcntl.ioctl
        # struct gpio_v2_line_values: bits then mask, two little-endian u64 (line index 0).
        one = bytearray(b"\x01" + bytes(7) + b"\x01" + bytes(7))
        zero = bytearray(bytes(8) + b"\x01" + bytes(7))

        def with_ioctl(pairs: int) -> None:
            for _ in range(pairs):
                ioctl(fd, GPIO_V2_LINE_SET_VALUES, one)
                ioctl(fd, GPIO_V2_LINE_SET_VALUES, zero)

        return {
            "gpiod": best_ns_per_call(with_gpiod, calls, repeat),
            "ioctl": best_ns_per_call(with_ioctl, calls, repeat),
        }


def interpreter_floors(calls: int, repeat: int) -> dict[str, float]:
    """The same Python loop calling a C builtin that makes no system call (``abs``), and one
    that makes the cheapest one (``os.getppid``)."""
    no_syscall, syscall = abs, os.getppid

    def with_abs(pairs: int) -> None:
        for _ in range(pairs):
            no_syscall(1)
            no_syscall(0)

    def with_getppid(pairs: int) -> None:
        for _ in range(pairs):
            syscall()
            syscall()

    return {
        "abs": best_ns_per_call(with_abs, calls, repeat),
        "getppid": best_ns_per_call(with_getppid, calls, repeat),
    }


def raw_rows(raw: str, chip_path: str, offset: int, calls: int, repeat: int) -> dict[str, Any]:
    """ns per call of the raw C loops (``ioctl``, ``getppid``), or why they could not run
    (``error``)."""
    if not raw or not os.access(raw, os.X_OK):
        return {"error": f"no raw loop binary ({raw or 'pass --raw'})"}
    command = [raw, chip_path, str(offset), str(calls), str(repeat)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"error": done.stderr.strip() or f"exit {done.returncode}"}
    figures = {k: float(v) for k, v in (line.split() for line in done.stdout.splitlines())}
    return {
        "ioctl": figures["ns_per_call"],
        "getppid": figures.get("getppid_ns_per_call", "not measured by this raw loop binary"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--board",
        default=os.environ.get("MICROPYTHON_COMPAT_BOARD", ""),
        help="board description (default: $MICROPYTHON_COMPAT_BOARD)",
    )
    parser.add_argument("--pin", default="GP28", help="board pin to toggle (default GP28)")
    parser.add_argument("--chip-label", default="mpc-sim", help="label of the pin's chip")
    parser.add_argument("--line", default="", help="line name of the pin (default: the pin's)")
    parser.add_argument("--raw", default="", help="the compiled bench_kernel_gpio_raw.c")
    parser.add_argument("--calls", type=int, default=20000, help="calls per timed run")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs (best is kept)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(pin_child(args.board, args.pin, args.calls, args.repeat)))
        return 0
    if not args.board:
        parser.error("no board description: pass --board or set MICROPYTHON_COMPAT_BOARD")

    chip_path, offset = find_line(args.chip_label, args.line or args.pin)
    c = run_pin_child(args, pure=False)
    pure = run_pin_child(args, pure=True)
    ref = gpiod_rows(chip_path, offset, args.calls, args.repeat)
    raws = raw_rows(args.raw, chip_path, offset, args.calls, args.repeat)
    raw: float | str = raws.get("ioctl", raws.get("error", ""))
    floors: dict[str, float] = c.get("floors") or interpreter_floors(args.calls, args.repeat)

    print(
        f"Python {sys.version.split()[0]}, {os.uname().release}; line {args.pin} "
        f"({chip_path} offset {offset}); best of {args.repeat} x {args.calls} calls\n"
    )
    rows: list[tuple[str, Any]] = [
        ("Pin.value(v), C fast path", c.get("ns", c.get("error"))),
        ("(the same, called by map(): no Python loop)", c.get("ns_from_c", c.get("error"))),
        (
            "Pin.value(v), pure Python (MICROPYTHON_COMPAT_PURE=1)",
            pure.get("ns", pure.get("error")),
        ),
        ("gpiod request.set_value(offset, v)", ref["gpiod"]),
        ("fcntl.ioctl(fd, SET_VALUES, preallocated)", ref["ioctl"]),
        ("raw C ioctl loop", raw),
        ("(Python loop calling abs(v): no syscall)", floors["abs"]),
        ("(Python loop calling os.getppid(): one syscall)", floors["getppid"]),
        ("(raw C getppid loop)", raws.get("getppid", raws.get("error", ""))),
    ]
    raw_ns = raw if isinstance(raw, float) else None
    width = max(len(label) for label, _ in rows) + 2
    print(f"{'call':<{width}}{'ns/call':>11}{'calls/s':>12}{'x raw C':>9}")
    for label, value in rows:
        if isinstance(value, float):
            ratio = f"{value / raw_ns:8.2f}x" if raw_ns else f"{'-':>9}"
            print(f"{label:<{width}}{value:11.0f}{1e9 / value:12.0f}{ratio}")
        else:
            print(f"{label:<{width}}  could not run: {value}")
    print()
    if c.get("implementation") == "c" and not c.get("direct_fd"):
        print("note: the C run's Pin has no direct fd (_fd < 0): it went through the backend\n")

    ok = True
    c_ns = c.get("ns")
    c_is_c = c.get("implementation") == "c"
    if not (isinstance(c_ns, float) and c_is_c and raw_ns):
        why = c.get("error") or ("the C extension is not loaded" if not c_is_c else raw)
        print(f"FAIL: C Pin.value() within {WITHIN_RAW}x of the raw C ioctl loop ({why})")
        print(f"FAIL: C Pin.value() at least {FASTER_THAN_GPIOD:.0f}x faster than gpiod ({why})")
        return 1
    raw_getppid = raws.get("getppid")
    if isinstance(raw_getppid, float):
        penalty = floors["getppid"] - raw_getppid
        floor_ns = raw_ns + penalty
        print(
            f"floor: a Python caller pays {penalty:.0f} ns per system call on top of C here "
            f"(os.getppid() {floors['getppid']:.0f} ns vs raw {raw_getppid:.0f} ns), so no "
            f"Python-level Pin.value() can beat {floor_ns:.0f} ns ({floor_ns / raw_ns:.2f}x raw); "
            f"the C fast path is {c_ns / floor_ns:.2f}x that floor"
        )
    within = c_ns / raw_ns
    verdict = "PASS" if within <= WITHIN_RAW else "FAIL"
    ok &= verdict == "PASS"
    print(
        f"{verdict}: C Pin.value() within {WITHIN_RAW}x of the raw C ioctl loop "
        f"({c_ns:.0f} ns vs {raw_ns:.0f} ns: {within:.2f}x)"
    )
    faster = ref["gpiod"] / c_ns
    verdict = "PASS" if faster >= FASTER_THAN_GPIOD else "FAIL"
    ok &= verdict == "PASS"
    print(
        f"{verdict}: C Pin.value() at least {FASTER_THAN_GPIOD:.0f}x faster than gpiod's "
        f"request.set_value() ({c_ns:.0f} ns vs {ref['gpiod']:.0f} ns: {faster:.2f}x)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
