"""Soak: memory over 10 M simulated pin toggles under ``micropython-compat run``, and the
interrupts lost after a handler raised. Both figures must be flat / zero.

Run ``python bench/bench_soak.py [--toggles N] [--edges N]``. Each mode (the C fast path, then
the pure twin with ``MICROPYTHON_COMPAT_PURE=1``) runs in its own subprocess, which runs a WiPy
program with ``micropython_compat.runner.run`` on the simulated board on the real clock, as
``micropython-compat run`` does (pin history recording off, since ``--record`` is not given):

1. a pin irq whose handler calls ``sys.exit()`` fires once (the device prints ``Uncaught
   exception in callback handler`` and disables that irq);
2. another pin's irq then gets ``--edges`` edges, paced 50 us apart; the handler counts them.
   Lost = edges - counted, plus what the dispatcher dropped (``Dispatcher.lost``);
3. the process's resident set size (``/proc/self/statm``, after a ``gc.collect()``) is read
   before ``--toggles`` toggles of an output pin, after the first tenth of them and at the end,
   along with the history length the sim pin kept.

Then the same program runs again with ``record=True`` (``--record``): the pin's history ring
fills during the first tenth (100,000 changes) and memory must stay flat from there.

It prints the figures and PASS/FAIL lines (growth under 2 MiB; nothing lost), and exits 0
either way. It is a soak, not a speed test: the time it took is printed for scale.
"""

from __future__ import annotations

import argparse
import builtins
import gc
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GROWTH_LIMIT = 2 * 1024 * 1024

PROGRAM = """\
import sys
import utime
from machine import Pin

def bad(pin):
    sys.exit(1)

counted = [0]
def count(pin):
    counted[0] += 1

trap = Pin('GP10', mode=Pin.OUT, value=0)
trap.irq(trigger=Pin.IRQ_RISING, handler=bad)
trap.value(1)                      # the handler raises: its irq is disabled, the program goes on

edge = Pin('GP11', mode=Pin.OUT, value=0)
edge.irq(trigger=Pin.IRQ_RISING | Pin.IRQ_FALLING, handler=count)
for _ in range(EDGES):
    edge.toggle()
    utime.sleep_us(50)
_bench_settle()
_bench_note('counted', counted[0])

out = Pin('GP16', mode=Pin.OUT, value=0)
_bench_note('rss_before', _bench_rss())
start = utime.ticks_ms()
for _ in range(TOGGLES // 10):
    out.toggle()
_bench_note('rss_mid', _bench_rss())
for _ in range(TOGGLES - TOGGLES // 10):
    out.toggle()
_bench_note('toggle_ms', utime.ticks_diff(start, utime.ticks_ms()))
_bench_note('rss_after', _bench_rss())
"""


def _rss() -> int:
    gc.collect()
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def child(toggles: int, edges: int, record: bool) -> dict[str, Any]:
    try:
        import micropython_compat  # noqa: F401
    except ImportError:  # run from a checkout that isn't installed
        sys.path.insert(0, str(ROOT / "src"))
    from micropython_compat import _fast, runner
    from micropython_compat.board import current_board, current_runtime

    notes: dict[str, Any] = {"implementation": _fast.IMPLEMENTATION}

    def settle() -> None:  # wait until the dispatcher has run what is queued
        dispatcher = current_runtime().dispatcher
        deadline = time.monotonic() + 60
        while dispatcher.pending() and time.monotonic() < deadline:
            time.sleep(0.01)
        notes["dispatcher_lost"] = dispatcher.lost

    def note(key: str, value: Any) -> None:
        notes[key] = value
        if key == "rss_after":
            notes["history_kept"] = len(current_board().pin("GP16").history)

    hooks = {"_bench_rss": _rss, "_bench_note": note, "_bench_settle": settle}
    for name, hook in hooks.items():
        setattr(builtins, name, hook)
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "main.py"
        script.write_text(PROGRAM.replace("EDGES", str(edges)).replace("TOGGLES", str(toggles)))
        out = io.StringIO()
        saved, sys.stdout = sys.stdout, out
        try:
            started = time.monotonic()
            notes["status"] = runner.run(script, board="sim", notes=io.StringIO(), record=record)
            notes["seconds"] = time.monotonic() - started
        finally:
            sys.stdout = saved
    notes["reported"] = out.getvalue().startswith("Uncaught exception in callback handler")
    notes["edges"] = edges
    notes["toggles"] = toggles
    notes["record"] = record
    return notes


def run_mode(pure: bool, toggles: int, edges: int, record: bool) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "MICROPYTHON_COMPAT_PURE"}
    if pure:
        env["MICROPYTHON_COMPAT_PURE"] = "1"
    command = [sys.executable, __file__, "--child", "--toggles", str(toggles)]
    command += ["--edges", str(edges)] + (["--record"] if record else [])
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1:] or [f"exit {done.returncode}"]}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def report(name: str, r: dict[str, Any]) -> None:
    if "error" in r:
        print(f"FAIL: {name}: the run failed: {' '.join(r['error'])}")
        return
    mib = 1024 * 1024
    growth = r["rss_after"] - (r["rss_mid"] if r["record"] else r["rss_before"])
    lost = r["edges"] - r["counted"] + r["dispatcher_lost"]
    print(
        f"{name} ({r['implementation']}): RSS {r['rss_before'] / mib:.1f} MiB before, "
        f"{r['rss_mid'] / mib:.1f} MiB after {r['toggles'] // 10:,} toggles, "
        f"{r['rss_after'] / mib:.1f} MiB after {r['toggles']:,} "
        f"({r['toggle_ms'] / 1000:.1f} s); history kept: {r['history_kept']:,}; "
        f"handler exit reported: {r['reported']}; irqs after it: {r['counted']:,} of "
        f"{r['edges']:,} ran, dispatcher dropped {r['dispatcher_lost']}; exit status {r['status']}"
    )
    since = "the ring filled" if r["record"] else "the start"
    verdict = "PASS" if growth < GROWTH_LIMIT else "FAIL"
    print(f"{verdict}: {name} memory flat since {since} ({growth / mib:+.2f} MiB)")
    verdict = "PASS" if lost == 0 and r["reported"] and r["status"] == 0 else "FAIL"
    print(f"{verdict}: {name} no irq lost after a handler raised ({lost} lost)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--toggles", type=int, default=10_000_000)
    parser.add_argument("--edges", type=int, default=20_000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--record", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.toggles, args.edges, args.record)))
        return
    print(f"Python {sys.version.split()[0]} on {sys.platform}\n")
    for record in (False, True):
        for name, pure in (("C", False), ("pure", True)):
            label = f"{name}, {'--record' if record else 'no --record'}"
            report(label, run_mode(pure, args.toggles, args.edges, record))


if __name__ == "__main__":
    main()
