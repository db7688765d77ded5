"""The user is told which speed they have: ``--version``, ``boards``, ``-v``, and pip's install."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from micropython_compat import _fast
from micropython_compat._version import __version__
from micropython_compat.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = "C fast path loaded" if _fast.IMPLEMENTATION == "c" else "pure Python: "


def _cli(*args: str, pure: bool) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("MICROPYTHON_COMPAT_PURE", None)
    if pure:
        env["MICROPYTHON_COMPAT_PURE"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "micropython_compat", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_version_says_which_speed_is_loaded(capsys) -> None:
    try:
        main(["--version"])
    except SystemExit as exc:
        assert exc.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"micropython-compat {__version__} (")
    assert EXPECTED in out


def test_version_and_boards_say_pure_python_when_forced() -> None:
    version = _cli("--version", pure=True)
    assert version.stdout.strip() == (
        f"micropython-compat {__version__} (pure Python: MICROPYTHON_COMPAT_PURE is set)"
    )
    boards = _cli("boards", pure=True)
    assert "Speed: pure Python: MICROPYTHON_COMPAT_PURE is set\n" in boards.stdout


def test_boards_says_c_path_when_it_is_built() -> None:
    if _fast.PURE_REASON is not None and "MICROPYTHON_COMPAT_PURE" not in os.environ:
        # this install has no C extension: the line must say why
        assert "not installed" in _fast.PURE_REASON
    out = _cli("boards", pure=False).stdout
    built = any((ROOT / "src" / "micropython_compat").glob("_speedups*.so"))
    assert ("Speed: C fast path loaded\n" in out) == built


def test_verbose_says_the_speed_on_stderr_before_running(tmp_path: Path) -> None:
    script = tmp_path / "hello.py"
    script.write_text("print('hi')\n")
    result = _cli("-v", "run", "--virtual-clock", str(script), pure=True)
    assert result.returncode == 0
    assert result.stdout == "hi\n"
    assert result.stderr.splitlines()[0] == (
        "micropython-compat: pure Python: MICROPYTHON_COMPAT_PURE is set"
    )
    quiet = _cli("run", "--virtual-clock", str(script), pure=True)
    assert "pure Python" not in quiet.stderr


def _run_in_pty(argv: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run ``argv`` with a pty as its controlling terminal; its exit status and output."""
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        os.execvpe(argv[0], argv, env)
    chunks: list[bytes] = []
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), b"".join(chunks).decode(errors="replace")


def test_pip_install_without_v_shows_the_pure_python_fallback(tmp_path: Path) -> None:
    """A compiler that fails: pip (not -v) still installs, and its terminal shows one line
    saying the pure-Python twin was installed; the wheel has no C extension."""
    tree = tmp_path / "tree"  # a clean copy: no build/ left by another build to reuse
    for name in ("setup.py", "pyproject.toml", "README.md"):
        tree.mkdir(exist_ok=True)
        shutil.copy(ROOT / name, tree / name)
    shutil.copytree(
        ROOT / "src",
        tree / "src",
        ignore=shutil.ignore_patterns("*.so", "*.egg-info", "__pycache__"),
    )
    env = dict(os.environ, CC="false", PIP_NO_INPUT="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    argv = [
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "-w",
        str(tmp_path),
        str(tree),
    ]
    status, output = _run_in_pty(argv, env)
    assert status == 0, output
    assert "micropython-compat: the C fast path did not compile" in output
    assert "installed the pure-Python twin instead" in output
    (wheel,) = tmp_path.glob("micropython_compat-*.whl")
    assert not [n for n in zipfile.ZipFile(wheel).namelist() if "_speedups" in n and ".so" in n]
