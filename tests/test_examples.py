"""The sample project in examples/wipy-project runs as a user runs it: its own pytest, in a
fresh venv where this library was installed with pip (not the test run's environment)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ROOT / "examples" / "wipy-project"


def test_the_sample_project_passes_in_a_fresh_venv(tmp_path: Path) -> None:
    venv.create(tmp_path / "venv", with_pip=True)
    python = tmp_path / "venv" / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "MICROPYTHON"))}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    source = tmp_path / "source"  # a clean copy: no build/ or egg-info of the working tree
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(".venv", "build", "*.egg-info", "__pycache__", ".git*"),
    )
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", str(source), "pytest"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    project = tmp_path / "project"
    shutil.copytree(PROJECT, project)
    result = subprocess.run(
        [str(python), "-m", "pytest", "-p", "no:cacheprovider"],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed" in result.stdout
    # the library came from the venv, not from this checkout
    where = subprocess.run(
        [str(python), "-c", "import machine; print(machine.__file__)"],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert where.stdout.startswith(str(tmp_path / "venv")), where.stdout
    assert sys.prefix != str(tmp_path / "venv")
