"""How a device model says the program broke the device's protocol."""

from __future__ import annotations

__all__ = ["ProtocolError"]


class ProtocolError(AssertionError):
    """The program did something the real part would not accept (a bad command, a timing
    violation). An ``AssertionError``, so pytest reports it as the test's failure; models also
    keep each one in their ``errors`` list."""
