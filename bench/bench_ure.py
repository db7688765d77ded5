"""Benchmark: ure match/search against CPython's re on patterns both support.

Run ``python bench/bench_ure.py [--repeat N]``. Each mode runs in its own subprocess: the C one
(``MICROPYTHON_COMPAT_PURE`` unset, so ``ure`` uses ``micropython_compat._speedups``) and the
pure one (``MICROPYTHON_COMPAT_PURE=1``). Each process times ``re`` and ``ure`` on the same
cases, through a compiled pattern's bound ``match``/``search`` (``f(subject)``) and through the
module functions (``f(pattern, subject)``), as plain timeit statements: timeit's best of
``--repeat`` runs divided by the loop count, its own loop overhead included. A speed ratio is
``re``'s time over ``ure``'s, both from the same process. The issue's target is ure at least
0.8x re's speed; the script prints PASS/FAIL for the C mode and exits 0 either way.
"""

from __future__ import annotations

import sys
import timeit
from pathlib import Path
from typing import Any

from _modes import main

ROOT = Path(__file__).resolve().parent.parent
TARGET = 0.8

CASES = [
    ("literal search", "search", "needle", "haystack " * 20 + "needle"),
    ("class+ match", "match", "[a-z]+[0-9]*", "abcdefghij0123456789"),
    ("alternation search", "search", "GET|POST|PUT", "x" * 30 + "PUT /index.html"),
    ("groups match", "match", "([a-z]+)=([0-9]+)", "rouge=255&vert=255"),
    ("dotstar search", "search", "rouge=(.+)&vert", "GET /?rouge=255&vert=255&bleu=255 HTTP/1.1"),
    ("no match search", "search", "zz+y", "abcdefghij" * 10),
    ("10 KB search", "search", "end[0-9]+", "lorem ipsum " * 850 + "end42"),
    ("10 KB dotstar match", "match", "(.*)=([0-9]+)$", "k" * 10000 + "=123"),
]
APIS = ("compiled", "module")


def measure(stmt: str, namespace: dict[str, Any], repeat: int) -> float:
    """Best-of-``repeat`` microseconds per execution of ``stmt``."""
    timer = timeit.Timer(stmt, globals=namespace)
    number, _ = timer.autorange()
    return min(timer.repeat(repeat=repeat, number=number)) / number * 1e6


def child(repeat: int) -> dict[str, Any]:
    """Time re and ure in this process (ure on whatever ``_fast`` picked)."""
    try:
        import micropython_compat  # noqa: F401
    except ImportError:  # run from a checkout that isn't installed
        sys.path.insert(0, str(ROOT / "src"))
    import re

    import ure
    from micropython_compat import _fast

    rows: dict[str, list[float]] = {}
    for name, op, pattern, subject in CASES:
        cre = re.compile(pattern, re.DOTALL)
        cure = ure.compile(pattern)
        # both engines must find the same thing, or the comparison is meaningless
        got_re, got_ure = getattr(cre, op)(subject), getattr(cure, op)(subject)
        assert (got_re is None) == (got_ure is None), name
        assert got_re is None or got_re.group(0) == got_ure.group(0), name
        compiled = {"re": getattr(cre, op), "ure": getattr(cure, op), "s": subject}
        module = {"re": getattr(re, op), "ure": getattr(ure, op), "p": pattern, "s": subject}
        rows[f"{name}/compiled"] = [
            measure("re(s)", compiled, repeat),
            measure("ure(s)", compiled, repeat),
        ]
        rows[f"{name}/module"] = [
            measure("re(p, s)", module, repeat),
            measure("ure(p, s)", module, repeat),
        ]
    return {"implementation": _fast.IMPLEMENTATION, "rows": rows}


def cells(result: dict[str, Any], key: str) -> str:
    """'re us  ure us  speed' for one row of one mode, or dashes."""
    row = result.get("rows", {}).get(key)
    if row is None:
        return f"{'-':>8} {'-':>8} {'-':>7}"
    t_re, t_ure = row
    return f"{t_re:8.3f} {t_ure:8.3f} {t_re / t_ure:6.2f}x"


def report(c: dict[str, Any], pure: dict[str, Any]) -> None:
    print(f"Python {sys.version.split()[0]} on {sys.platform}; us per call, best of repeats\n")
    for name, result in (("C", c), ("pure", pure)):
        if "error" in result:
            print(f"the {name} run failed: {' '.join(result['error'])}")
    print(f"{'':32} {'C mode':^25}   {'pure mode':^25}")
    head = f"{'re us':>8} {'ure us':>8} {'speed':>7}"
    print(f"{'case':22} {'api':9} {head}   {head}")
    for name, *_ in CASES:
        for api in APIS:
            key = f"{name}/{api}"
            print(f"{name:22} {api:9} {cells(c, key)}   {cells(pure, key)}")
    print()


def checks(c: dict[str, Any]) -> None:
    """PASS/FAIL per API: every C-mode case at least TARGET times re's speed."""
    if c.get("implementation") != "c":
        why = "the C extension is not built" if "error" not in c else "the C run failed"
        for api in APIS:
            print(f"FAIL: C ure {api} at least {TARGET}x re's speed ({why})")
        return
    for api in APIS:
        speeds = {
            name: c["rows"][f"{name}/{api}"][0] / c["rows"][f"{name}/{api}"][1]
            for name, *_ in CASES
        }
        slowest = min(speeds, key=lambda name: speeds[name])
        low = [f"{name} {speed:.2f}x" for name, speed in speeds.items() if speed < TARGET]
        verdict = "FAIL" if low else "PASS"
        detail = ", ".join(low) if low else f"slowest: {slowest} {speeds[slowest]:.2f}x"
        print(f"{verdict}: C ure {api} at least {TARGET}x re's speed on every case ({detail})")


def finish(c: dict[str, Any], pure: dict[str, Any], repeat: int) -> None:
    report(c, pure)
    checks(c)


if __name__ == "__main__":
    main(__doc__, __file__, child, finish)
