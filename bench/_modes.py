"""What the benchmarks share: run a measurement in a child process, with the C fast path or
with the pure-Python twin (``MICROPYTHON_COMPAT_PURE=1``), and read back its JSON result.

A benchmark script ends with ``main(__doc__, __file__, child, finish)``: with ``--child`` on its
command line it is the child and prints ``json.dumps(child(repeat))``; otherwise it runs itself
as a child in both modes and calls ``finish(c, pure, repeat)`` with the two result dicts.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import timeit
from pathlib import Path
from typing import Any, Callable

__all__ = ["both_modes", "child_main", "main", "run_mode"]


def run_mode(script: str, pure: bool, repeat: int) -> dict[str, Any]:
    """Run ``script --child --repeat N`` in a subprocess, pure or not; its result, or
    ``{"error": [last stderr line]}``."""
    env = {k: v for k, v in os.environ.items() if k != "MICROPYTHON_COMPAT_PURE"}
    if pure:
        env["MICROPYTHON_COMPAT_PURE"] = "1"
    command = [sys.executable, str(Path(script).resolve()), "--child", "--repeat", str(repeat)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1:] or ["exit " + str(done.returncode)]}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def both_modes(script: str, repeat: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """The C-mode and pure-mode results of ``script``'s child."""
    return run_mode(script, pure=False, repeat=repeat), run_mode(script, pure=True, repeat=repeat)


def child_main(child: Callable[[int], dict[str, Any]], repeat: int) -> None:
    """Be the child: print the measurement as one JSON line."""
    print(json.dumps(child(repeat)))


def main(
    doc: str | None,
    script: str,
    child: Callable[[int], dict[str, Any]],
    finish: Callable[[dict[str, Any], dict[str, Any], int], None],
) -> None:
    """A benchmark's command line: ``--repeat N`` and the hidden ``--child``."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0] if doc else None)
    parser.add_argument("--repeat", type=int, default=7, help="timeit repeats (best is kept)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_main(child, args.repeat)
        return
    c, pure = both_modes(script, args.repeat)
    finish(c, pure, args.repeat)


def measure(stmt: str, namespace: dict[str, Any], repeat: int, setup: str = "pass") -> float:
    """Best-of-``repeat`` nanoseconds per execution of ``stmt``."""
    timer = timeit.Timer(stmt, setup=setup, globals=namespace)
    number, _ = timer.autorange()
    return min(timer.repeat(repeat=repeat, number=number)) / number * 1e9
