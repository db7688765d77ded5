"""Plain names under ``micropython-compat run``: the program's code gets the device modules
(``import os`` -> uos), the standard library and other packages keep CPython's."""

from __future__ import annotations

import builtins
import io
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from micropython_compat import runner


def write(folder: Path, name: str, source: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source))
    return path


def run_cli(
    *args: str, cwd: Path, pythonpath: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "MICROPYTHON_COMPAT_BOARD"}
    env["MICROPYTHON_COMPAT_BOARD"] = "sim"
    if pythonpath is not None:
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(pythonpath), env.get("PYTHONPATH", "")) if p
        )
    return subprocess.run(
        [sys.executable, "-m", "micropython_compat", "run", "--virtual-clock", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=60,
    )


def host_library(folder: Path) -> Path:
    """A third-party package outside the program's folders."""
    site = folder / "site"
    write(
        site,
        "hostlib.py",
        """\
        import os, time, json
        def report():
            return (os.__name__, hasattr(os, 'getpid'), time.__name__, json.__name__,
                    json.dumps({'a': [1, 2]}, separators=(',', ':')))
        """,
    )
    return site


def test_device_code_gets_device_modules_and_libraries_keep_cpythons(tmp_path: Path) -> None:
    program = tmp_path / "prog"
    write(
        program,
        "main_script.py",
        """\
        import os
        import time
        import json, re, binascii, errno
        from os import listdir
        import hostlib
        import mymod
        with open('/flash/f.txt', 'w') as f:
            f.write('x')
        print(os.__name__, 'f.txt' in os.listdir('/flash'), listdir is os.listdir)
        print(os.uname().machine)
        t = time.ticks_ms()
        time.sleep_ms(5)
        print(time.__name__, time.ticks_diff(t, time.ticks_ms()))
        print(json.__name__, re.__name__, binascii.__name__, errno.__name__ in ('uerrno', 'errno'))
        print(json.dumps({'a': [1, 2]}))
        print(mymod.names())
        print(hostlib.report())
        X = const(7)
        print(X)
        """,
    )
    write(
        program,
        "mymod.py",
        """\
        import os, time
        def names():
            return os.__name__, time.__name__
        """,
    )
    result = run_cli(
        "--flash",
        str(tmp_path / "flash"),
        "main_script.py",
        cwd=program,
        pythonpath=host_library(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        "uos True True",
        "WiPy with CC3200",
        "utime 5",
        "ujson ure ubinascii True",
        '{"a": [1, 2]}',
        "('uos', 'utime')",
        "('os', True, 'time', 'json', '{\"a\":[1,2]}')",
        "7",
    ]


def test_a_module_of_the_programs_own_overrides_the_device_module(tmp_path: Path) -> None:
    program = tmp_path / "prog"
    write(program, "json.py", "SOURCE = 'the program'\n")
    write(
        program,
        "p.py",
        """\
        import json
        import hostlib
        print(json.SOURCE)
        print(hostlib.report()[3])
        """,
    )
    result = run_cli("p.py", cwd=program, pythonpath=host_library(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == ["the program", "json"]


def test_modules_in_flash_lib_get_device_modules_too(tmp_path: Path) -> None:
    flash = tmp_path / "flash"
    write(flash, "lib/helper.py", "import os, time\nWHICH = (os.__name__, time.__name__)\n")
    write(
        flash,
        "main.py",
        """\
        import helper, gc, sys
        print(helper.WHICH)
        print(gc.mem_free() > 0, gc.mem_alloc() > 0)
        try:
            raise ValueError('shown')
        except ValueError as e:
            sys.print_exception(e)
        print(sys.implementation.name)
        """,
    )
    result = run_cli("--flash", str(flash), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "('uos', 'utime')"
    assert lines[1] == "True True"
    assert lines[2] == "Traceback (most recent call last):"
    assert lines[-2] == "ValueError: shown"
    assert lines[-1] == "cpython"  # sys is CPython's (with MicroPython's extras added)


def test_a_missing_u_module_falls_back_to_cpythons(tmp_path: Path) -> None:
    saved = runner.PLAIN_NAMES.copy()
    runner.PLAIN_NAMES["array"] = "uarray_does_not_exist"
    try:
        script = write(tmp_path, "p.py", "import array, os\nprint(array.__name__, os.__name__)\n")
        out = io.StringIO()
        saved_stdout, sys.stdout = sys.stdout, out
        try:
            status = runner.run(script, virtual_clock=True, notes=io.StringIO())
        finally:
            sys.stdout = saved_stdout
    finally:
        runner.PLAIN_NAMES.clear()
        runner.PLAIN_NAMES.update(saved)
    assert status == 0
    assert out.getvalue() == "array uos\n"


def test_the_import_hook_is_removed_after_the_run(tmp_path: Path, capsys: Any) -> None:
    original = builtins.__import__
    script = write(tmp_path, "p.py", "import os\nprint(os.__name__)\n")
    assert runner.run(script, virtual_clock=True, notes=io.StringIO()) == 0
    assert capsys.readouterr().out == "uos\n"
    assert builtins.__import__ is original
    import os as host_os

    assert host_os.__name__ == "os"


def test_an_error_in_the_programs_own_module_is_reported(tmp_path: Path) -> None:
    program = tmp_path / "prog"
    write(program, "time.py", "raise RuntimeError('broken time')\n")
    write(
        program,
        "p.py",
        """\
        try:
            import time
        except RuntimeError as e:
            print('caught', e)
        import time
        """,
    )
    result = run_cli("p.py", cwd=program)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == "caught broken time"
    assert result.stdout.splitlines()[-1] == "RuntimeError: broken time"
