"""mypy --strict and ruff are part of the suite: a type or lint error fails the tests."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def _pinned(tool: str) -> str:
    """The exact version of ``tool`` the ``test`` extra pins (a release of a checker can't
    turn the suite red: every Python runs the same checker)."""
    text = (ROOT / "pyproject.toml").read_text()
    match = re.search(rf'"{tool}==([^"]+)"', text)
    assert match, f"{tool} is not pinned with == in pyproject.toml"
    return match.group(1)


@pytest.mark.parametrize("tool", ["mypy", "ruff"])
def test_the_checkers_are_the_pinned_versions(tool: str) -> None:
    assert metadata.version(tool) == _pinned(tool)


def test_mypy_strict_is_clean() -> None:
    result = _run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_lint_is_clean() -> None:
    result = _run("ruff", "check", "src", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean() -> None:
    result = _run("ruff", "format", "--check", "src", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr
