"""The house rules that keep the code base easy to live in, checked."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
FRONT_ENDS = [
    *sorted((SRC / "machine").glob("*.py")),
    *sorted((SRC / "wipy").glob("*.py")),
    *sorted(SRC.glob("u*/*.py")),
    *sorted(SRC.glob("micropython/*.py")),
    *sorted((SRC / "network").glob("*.py")),
]


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
    return names


@pytest.mark.parametrize("path", FRONT_ENDS, ids=lambda p: str(p.relative_to(SRC)))
def test_front_ends_never_import_a_backend(path: Path) -> None:
    leaks = [name for name in _imports(path) if name.startswith("micropython_compat.backends")]
    assert leaks == []


def test_the_front_end_list_is_not_empty() -> None:
    assert len(FRONT_ENDS) >= 10


def test_importing_touches_no_hardware_and_chooses_no_board() -> None:
    code = (
        "import machine, utime, wipy, micropython_compat\n"
        "from micropython_compat import board\n"
        "import threading\n"
        "assert board.active_runtime() is None, 'a board was chosen at import'\n"
        "assert threading.active_count() == 1, threading.enumerate()\n"
        "print('ok')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.stdout.strip() == "ok", result.stderr


def test_boards_are_data_files() -> None:
    boards = SRC / "micropython_compat" / "boards"
    assert sorted(p.name for p in boards.iterdir() if p.suffix == ".py") == ["__init__.py"]
    assert (boards / "wipy.toml").is_file()
