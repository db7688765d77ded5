"""The golden tier: every MicroPython-style script in tests/golden runs under
``micropython-compat run --virtual-clock`` and must print exactly its ``.exp`` file.

A script's header comments configure it:

* ``# board: FILE`` runs it on that board description (from tests/golden);
* ``# xfail: REASON`` marks it as expected to fail until REASON is resolved (strict: a pass
  fails the suite, so the mark is removed when the feature lands).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent / "golden"
SCRIPTS = sorted(GOLDEN.glob("*.py"))
_HEADER = re.compile(r"^#\s*(board|xfail):\s*(\S.*?)\s*$")


def _header(script: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in script.read_text().splitlines():
        if not line.startswith("#"):
            break
        match = _HEADER.match(line)
        if match:
            found[match.group(1)] = match.group(2)
    return found


def _param(script: Path) -> object:
    reason = _header(script).get("xfail")
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(script, id=script.stem, marks=marks)


def test_every_script_has_its_expected_output() -> None:
    assert len(SCRIPTS) >= 20
    missing = [s.name for s in SCRIPTS if not s.with_suffix(".exp").is_file()]
    assert missing == []
    orphans = [e.name for e in GOLDEN.glob("*.exp") if not e.with_suffix(".py").is_file()]
    assert orphans == []


@pytest.mark.parametrize("script", [_param(s) for s in SCRIPTS])
def test_golden(script: Path) -> None:
    args = ["run", "--virtual-clock"]
    board = _header(script).get("board")
    if board is not None:
        args += ["--board", board.split()[0]]
    env = {k: v for k, v in os.environ.items() if k != "MICROPYTHON_COMPAT_BOARD"}
    env["MICROPYTHON_COMPAT_BOARD"] = "sim"
    result = subprocess.run(
        [sys.executable, "-m", "micropython_compat", *args, script.name],
        cwd=GOLDEN,
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=120,
    )
    expected = script.with_suffix(".exp").read_text()
    assert result.stdout == expected, result.stderr
    assert result.returncode == 0, result.stderr
