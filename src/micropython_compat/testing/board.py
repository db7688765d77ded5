"""The board a test gets: a simulated WiPy that also runs the program's files."""

from __future__ import annotations

import os
import shutil
import types
from pathlib import Path
from typing import Any

from ..backends.sim import SimBoard
from .devicecode import load_file, run_program

__all__ = ["WiPyUnderTest"]


class WiPyUnderTest(SimBoard):
    """A ``SimBoard`` (everything it drives and reads) that runs device code: ``run()`` the
    boot sequence or a script, ``load()`` a module. ``flash_from`` is a folder copied to a
    fresh ``/flash`` (the source folder is never written to)."""

    def __init__(self, *args: Any, flash_from: str | os.PathLike[str] | None = None, **kw: Any):
        super().__init__(*args, **kw)
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
