"""install(): additive MicroPython extras on CPython's time, gc and sys."""

from __future__ import annotations

import subprocess
import sys


def test_install_adds_without_replacing() -> None:
    code = (
        "import time, gc, sys\n"
        "orig_sleep, orig_collect = time.sleep, gc.collect\n"
        "import micropython_compat\n"
        "micropython_compat.install()\n"
        "assert time.sleep is orig_sleep and gc.collect is orig_collect\n"
        "micropython_compat.use_board('sim', clock='virtual')\n"
        "t = time.ticks_ms(); time.sleep_ms(250)\n"
        "print(time.ticks_diff(t, time.ticks_ms()))\n"
        "print(0 < gc.mem_free() and 0 < gc.mem_alloc(), gc.threshold())\n"
        "try:\n"
        "    1 // 0\n"
        "except ZeroDivisionError as e:\n"
        "    sys.print_exception(e)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    lines = result.stdout.splitlines()
    assert lines[0] == "250"
    assert lines[1] == "True -1"
    assert lines[2] == "Traceback (most recent call last):"
    assert lines[-1] == "ZeroDivisionError: integer division or modulo by zero"
