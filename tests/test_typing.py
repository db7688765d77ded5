"""Users' type checkers see the device API: mypy --strict and pyright, run as a user runs them
(on their own file, against the installed package), accept a correct WiPy program and report
every mistake planted in another (tests/typing_samples)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

SAMPLES = Path(__file__).resolve().parent / "typing_samples"
BIN = Path(sys.executable).parent
FILES = ("clean.py", "mistakes.py")


def _marked_lines(path: Path) -> set[int]:
    lines = path.read_text().splitlines()
    return {number for number, line in enumerate(lines, 1) if "# MISTAKE" in line}


def _mypy(workdir: Path) -> dict[str, set[int]]:
    """The lines mypy --strict reports errors on, per sample file."""
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *FILES],
        cwd=workdir,  # no project config: what a user's fresh project has
        capture_output=True,
        text=True,
        check=False,
    )
    assert "missing library stubs or py.typed" not in result.stdout, result.stdout
    found: dict[str, set[int]] = {name: set() for name in FILES}
    for name, line in re.findall(r"^(\w+\.py):(\d+): error:", result.stdout, re.M):
        found[name].add(int(line))
    return found


def _pyright(workdir: Path) -> dict[str, set[int]]:
    """The lines pyright reports errors on, per sample file."""
    pyright = shutil.which("pyright", path=str(BIN))
    assert pyright is not None, "pyright is in the test extra: pip install -e '.[test]'"
    result = subprocess.run(
        [pyright, "--outputjson", "--pythonpath", sys.executable, *FILES],
        cwd=workdir,
        capture_output=True,
        text=True,
        check=False,
    )
    found: dict[str, set[int]] = {name: set() for name in FILES}
    for diagnostic in json.loads(result.stdout)["generalDiagnostics"]:
        if diagnostic["severity"] == "error":
            name = Path(diagnostic["file"]).name
            found[name].add(diagnostic["range"]["start"]["line"] + 1)
    return found


@pytest.fixture(scope="module", params=[_mypy, _pyright], ids=["mypy", "pyright"])
def reported(request, tmp_path_factory) -> dict[str, set[int]]:
    workdir = tmp_path_factory.mktemp("typing")
    for name in FILES:
        shutil.copy(SAMPLES / name, workdir / name)
    checker: Callable[[Path], dict[str, set[int]]] = request.param
    return checker(workdir)


def test_a_correct_program_passes(reported) -> None:
    assert reported["clean.py"] == set()


def test_every_planted_mistake_is_reported(reported) -> None:
    expected = _marked_lines(SAMPLES / "mistakes.py")
    assert len(expected) == 12
    assert reported["mistakes.py"] == expected
