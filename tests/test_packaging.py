"""The wheel carries every module the README promises, and the C extension is optional."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_contains_every_top_level_module_and_package(tmp_path: Path) -> None:
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
        text=True,
    )
    # What pip shows a user who installs the project: no deprecation notices from the build.
    assert "Deprecat" not in build.stdout + build.stderr, build.stdout + build.stderr
    (wheel,) = tmp_path.glob("micropython_compat-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    assert "License-Expression: MIT" in zipfile.ZipFile(wheel).read(metadata).decode()
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert not list((ROOT / "src").glob("*.py")), "a device module must be a typed package"
    device_packages = {p.parent.name for p in (ROOT / "src").glob("*/py.typed")}
    assert {"utime", "machine", "network", "wipy", "micropython"} <= device_packages
    for package in device_packages:  # their types reach users' type checkers (PEP 561)
        assert {f"{package}/__init__.py", f"{package}/py.typed"} <= names
    assert "micropython_compat/backends/sim/__init__.py" in names
    assert "micropython_compat/boards/wipy.toml" in names
    assert "micropython_compat/py.typed" in names
    assert "micropython_compat/_speedups.pyi" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "micropython-compat = micropython_compat.cli:main" in text
    assert "micropython_compat = micropython_compat.testing.plugin" in text
