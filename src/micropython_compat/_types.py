"""Type aliases the device modules' signatures share (for users' type checkers; no runtime use).

The firmware takes any object with the buffer protocol where it sends bytes, and a ``str``
(its UTF-8 bytes) too, as the WiPy documentation's own examples do (``i2c.writeto(0x42,
'hello')``); it fills only writable buffers.
"""

from __future__ import annotations

import array
from typing import Any, Union

__all__ = ["Buffer", "SendBuffer", "WritableBuffer"]

#: A readable buffer: what the device reads bytes from.
Buffer = Union[bytes, bytearray, memoryview, "array.array[Any]"]
#: What a bus or stream sends: a buffer or a ``str``.
SendBuffer = Union[str, bytes, bytearray, memoryview, "array.array[Any]"]
#: A buffer the device writes received bytes into.
WritableBuffer = Union[bytearray, memoryview, "array.array[Any]"]
