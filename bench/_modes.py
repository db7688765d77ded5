"""What the benchmarks share: run a measurement in a child process, with the C fast path or
with the pure-Python twin (``MICROPYTHON_COMPAT_PURE=1``), and read back its JSON result.

A benchmark script calls ``both_modes(__file__, child, repeat)`` from ``main()``: it returns
``(c, pure)`` result dicts. With ``--child`` on its command line the script is the child: it
prints ``json.dumps(child(repeat))`` (``child_main`` does that).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

__all__ = ["both_modes", "child_main", "run_mode"]


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
