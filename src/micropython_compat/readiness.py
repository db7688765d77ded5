"""A file descriptor that polls readable exactly while something is waiting.

Backends whose data doesn't arrive on a descriptor of their own (a simulated UART, a UART read
by a thread) hand this to ``select``/``poll``: ``fileno()`` is a pipe's read end, and
``set(True)``/``set(False)`` make it readable or not. Not thread-safe on its own: callers hold
their lock around ``set``.
"""

from __future__ import annotations

import os

__all__ = ["ReadinessPipe"]


class ReadinessPipe:
    """A pipe that is readable while ``set(True)`` holds. The pipe is made on first use."""

    def __init__(self) -> None:
        self._fds: tuple[int, int] | None = None
        self._ready = False
        self._flagged = False

    def fileno(self, ready: bool) -> int:
        """The read end (made now if needed, readable iff ``ready``)."""
        if self._fds is None:
            read_end, write_end = os.pipe()
            os.set_blocking(read_end, False)
            os.set_blocking(write_end, False)
            self._fds = (read_end, write_end)
            self._flagged = False
        self.set(ready)
        return self._fds[0]

    def set(self, ready: bool) -> None:
        """Make the read end readable (``True``) or not; free until ``fileno()`` was asked."""
        if self._fds is None:
            return
        if ready and not self._flagged:
            os.write(self._fds[1], b"\x01")
            self._flagged = True
        elif not ready and self._flagged:
            os.read(self._fds[0], 64)
            self._flagged = False

    def close(self) -> None:
        """Close both ends (idempotent)."""
        fds, self._fds = self._fds, None
        if fds is not None:
            os.close(fds[0])
            os.close(fds[1])
