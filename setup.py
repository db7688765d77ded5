"""Build glue for what pyproject.toml can't say; all metadata lives there.

* The device modules (``utime``, ``ure``, ``machine``, ...) are packages, each with a
  ``py.typed`` marker (PEP 561 has no marker for a single-file top-level module), so
  ``[tool.setuptools.packages.find]`` ships them with their types; nothing to list here.
* The C extension is optional: if it fails to compile, the pure-Python twin
  (``micropython_compat._pyimpl``) serves every call and the install still succeeds, and says so
  in one line. pip hides a build's own output unless the build fails or runs with ``-v``, so
  that line goes to the terminal (``/dev/tty``) when there is one, as well as to stderr (pip's
  ``-v`` log).
"""

from __future__ import annotations

import sys
from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

FALLBACK_NOTE = (
    "micropython-compat: the C fast path did not compile ({error}); installed the pure-Python "
    "twin instead (same behaviour, slower). `micropython-compat --version` says which is in use."
)


def _tell(line: str) -> None:
    """Show ``line`` to the person running pip: on stderr, and on the terminal if there is one."""
    print(line, file=sys.stderr, flush=True)
    try:
        with open("/dev/tty", "w") as tty:
            tty.write(line + "\n")
    except OSError:
        pass  # no controlling terminal (CI): the stderr copy is in pip's -v log


class OptionalBuildExt(build_ext):
    """``build_ext`` that says when the optional C extension falls back to pure Python."""

    def build_extension(self, ext: Extension) -> None:
        try:
            super().build_extension(ext)
        except Exception as exc:
            if getattr(ext, "optional", False):
                lines = str(exc).strip().splitlines() or [type(exc).__name__]
                _tell(FALLBACK_NOTE.format(error=lines[-1]))
            raise


setup(
    ext_modules=[
        Extension(
            "micropython_compat._speedups",
            sources=["src/micropython_compat/_speedups.c"],
            optional=True,
        )
    ],
    cmdclass={"build_ext": OptionalBuildExt},
)
