"""Running the program's own files on a test's board: ``wipy.run()`` and ``wipy.load()``.

Each call runs the device code fresh (its modules imported again, nothing cached from an
earlier call or another test) with the runner's device environment (plain module names such as
``import time`` giving ``utime``, ``/flash`` paths, ``const``) for that code only, and only for
the call: CPython's own modules are never patched (``micropython_compat.install()`` is not
used), so a test's result does not depend on which other tests ran in the process.
"""

from __future__ import annotations

import os
import types
from pathlib import Path

from ..board import active_runtime
from ..clocks import VirtualClock
from ..runner import RunError, Runner

__all__ = ["TimeUp", "load_file", "run_program"]


class TimeUp(BaseException):
    """``run(for_ms=...)``: the board time given to the program is over (caught by ``run``)."""


def _script(path: str | os.PathLike[str], flash: Path) -> Path:
    """A relative ``path`` names a file in the flash folder when one is there, else a file
    relative to the current directory. Raises ``RunError`` if there is no such file."""
    given = Path(path)
    for candidate in (flash / given, given) if not given.is_absolute() else (given,):
        if candidate.is_file():
            return candidate.resolve()
    raise RunError(f"can't open file '{path}': no such file (nor in the flash folder {flash})")


def _flash() -> Path:
    runtime = active_runtime()
    if runtime is None or runtime.closed:
        raise RunError("no board is active")
    return runtime.board.storage.flash


def run_program(
    script: str | os.PathLike[str] | None = None,
    *,
    for_ms: float | None = None,
    max_resets: int = 100,
) -> int:
    """Run ``script``, or with ``None`` the boot sequence (``boot.py``, then ``main.py``) from
    the flash folder, on the active board, as ``micropython-compat run`` does (resets and deep
    sleep restart it; uncaught exceptions are printed as the device prints them); return the
    exit status (0: it ended, 1: an uncaught exception, ``sys.exit`` code).

    ``for_ms`` (virtual clock only) stops the program after that much board time, even in a
    ``while True`` loop that sleeps; the status is then 0 and its timers keep running.
    Raises ``RunError`` (no such file, no board), ``TypeError`` for ``for_ms`` on a real clock.
    """
    flash = _flash()
    runner = Runner(None if script is None else _script(script, flash), max_resets=max_resets)
    with runner.on_active_board() as runtime:
        alarm = None
        if for_ms is not None:
            clock = runtime.board.clock
            if not isinstance(clock, VirtualClock):
                raise TypeError("run(for_ms=...) needs a board on a virtual clock")
            alarm = clock.call_at_ns(clock.now_ns() + int(for_ms * 1e6), _time_up)
        try:
            return runner.boot(runtime)
        except TimeUp:
            return 0
        finally:
            if alarm is not None:
                alarm.cancel()


def _time_up() -> None:
    raise TimeUp


def load_file(path: str | os.PathLike[str]) -> types.ModuleType:
    """Run the program's file ``path`` (see ``run_program`` for how it is found) as a fresh
    module on the active board and return it; its folder is the program's (its imports find
    the modules beside it, fresh too). Raises what the code raises, ``RunError`` for a missing
    file."""
    script = _script(path, _flash())
    runner = Runner(script)
    with runner.on_active_board():
        return runner.load_module(script, script.stem)
