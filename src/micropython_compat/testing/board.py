"""The board a test gets: a simulated WiPy that also runs the program's files."""

from __future__ import annotations

import os
import shutil
import types
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..backends.sim import SimBoard
from . import trace as _trace
from .devicecode import load_file, run_program

__all__ = ["WiPyUnderTest"]


class WiPyUnderTest(SimBoard):
    """A ``SimBoard`` (everything it drives and reads) that runs device code: ``run()`` the
    boot sequence or a script, ``load()`` a module. ``flash_from`` is a folder copied to a
    fresh ``/flash`` (the source folder is never written to)."""

    def __init__(self, *args: Any, flash_from: str | os.PathLike[str] | None = None, **kw: Any):
        super().__init__(*args, **kw)
        self.traced: list[str] = []
        if flash_from is not None:
            source = Path(flash_from)
            if not source.is_dir():
                raise ValueError(f"flash folder {source} is not a folder")
            shutil.copytree(source, self.storage.flash, dirs_exist_ok=True)

    def run(
        self,
        script: str | os.PathLike[str] | None = None,
        *,
        for_ms: float | None = None,
        max_resets: int = 100,
    ) -> int:
        """Run ``script``, or the boot sequence (``boot.py``, ``main.py``) with ``None``, on
        this board; return the exit status. See ``testing.devicecode.run_program``."""
        return run_program(script, for_ms=for_ms, max_resets=max_resets)

    def load(self, path: str | os.PathLike[str]) -> types.ModuleType:
        """Run the file ``path`` as a fresh module on this board and return it. See
        ``testing.devicecode.load_file``."""
        return load_file(path)

    # -- something to look at (testing.trace) -----------------------------------------------
    def trace(self, *pins: str) -> None:
        """Show these pins in a failing test's report (a text timing diagram), and use them
        by default in ``vcd()``, ``timing_diagram()`` and ``text_diagram()``. Raises
        ``ValueError`` for a pin the board lacks."""
        for name in pins:
            self.pin(name)
            if name not in self.traced:
                self.traced.append(name)

    def _pins(self, pins: Sequence[str] | None) -> list[str]:
        if pins is not None:
            return list(pins)
        if self.traced:
            return list(self.traced)
        return [name for name in self.gpio.pins if len(self.pin(name).history)]

    def vcd(self, path: str | os.PathLike[str], pins: Sequence[str] | None = None) -> Path:
        """Write the pins' levels (default: the traced pins, else every pin that changed) as
        a VCD file at ``path``; return the path. Needs pyvcd."""
        _trace.write_vcd(self, path, self._pins(pins))
        return Path(path)

    def timing_diagram(
        self,
        path: str | os.PathLike[str],
        pins: Sequence[str] | None = None,
        *,
        start_ms: float = 0,
        end_ms: float | None = None,
    ) -> Path:
        """Draw the pins (as ``vcd()`` chooses them) over ``start_ms``..``end_ms`` of board
        time (default: until now) as a PNG at ``path``; return the path. Needs Pillow."""
        end = None if end_ms is None else int(end_ms * 1e6)
        return _trace.timing_diagram(self, path, self._pins(pins), int(start_ms * 1e6), end)

    def text_diagram(self, pins: Sequence[str] | None = None) -> str:
        """The pins (as ``vcd()`` chooses them) as a text timing diagram from 0 to now."""
        return _trace.text_diagram(self, self._pins(pins))
