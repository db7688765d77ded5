"""Exceptions printed the way MicroPython prints them (``sys.print_exception``)."""

from __future__ import annotations

import sys
import traceback
from typing import IO

__all__ = ["format_exception", "print_exception"]


def format_exception(exc: BaseException) -> str:
    """Return MicroPython's text for ``exc``: the traceback lines, then ``Type: message``."""
    lines = ["Traceback (most recent call last):\n"]
    for frame in traceback.extract_tb(exc.__traceback__):
        lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}\n')
    message = str(exc)
    name = type(exc).__name__
    lines.append(f"{name}: {message}\n" if message else f"{name}\n")
    return "".join(lines)


def print_exception(exc: BaseException, file: IO[str] | None = None) -> None:
    """Print ``exc`` with its traceback to ``file`` (default: ``sys.stdout``, as on the device)."""
    out = file if file is not None else sys.stdout
    out.write(format_exception(exc))
    flush = getattr(out, "flush", None)
    if flush is not None:
        flush()
