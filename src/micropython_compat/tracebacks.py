"""Exceptions printed the way MicroPython prints them (``sys.print_exception``)."""

from __future__ import annotations

import sys
import traceback
from typing import IO

from .devicecode import DeviceSyntaxError

__all__ = ["format_compile_error", "format_exception", "print_exception"]


def format_exception(exc: BaseException) -> str:
    """Return MicroPython's text for ``exc``: the traceback lines, then ``Type: message``."""
    lines = ["Traceback (most recent call last):\n"]
    for frame in traceback.extract_tb(exc.__traceback__):
        lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}\n')
    message = str(exc)
    name = type(exc).__name__
    lines.append(f"{name}: {message}\n" if message else f"{name}\n")
    return "".join(lines)


def format_compile_error(exc: BaseException, filename: str) -> str:
    """MicroPython's text for a compile error of ``filename``: ``SyntaxError: invalid syntax``
    (or the device's own message: ``devicecode.DeviceSyntaxError``), ``IndentationError``
    with CPython's reason, other errors (a NUL byte) by their type and message."""
    line = getattr(exc, "lineno", None) or 1
    if isinstance(exc, IndentationError):
        message = (exc.msg or "").split(" after ")[0]
        name = "IndentationError"
    elif isinstance(exc, SyntaxError):
        own = isinstance(exc, DeviceSyntaxError)
        message, name = (exc.msg if own else "invalid syntax"), "SyntaxError"
    else:
        message, name = str(exc), type(exc).__name__
    return (
        f'Traceback (most recent call last):\n  File "{filename}", line {line}\n{name}: {message}\n'
    )


def print_exception(exc: BaseException, file: IO[str] | None = None) -> None:
    """Print ``exc`` with its traceback to ``file`` (default: ``sys.stdout``, as on the device)."""
    out = file if file is not None else sys.stdout
    out.write(format_exception(exc))
    flush = getattr(out, "flush", None)
    if flush is not None:
        flush()
