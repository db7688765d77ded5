"""What the bus classes share: argument conversion as MicroPython's bufhelper and
``mp_obj_get_int`` do it on the WiPy, and putting a bus's pins in their alternate function."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from micropython_compat._buffer import read_buffer as buffer_bytes
from micropython_compat.board import current_runtime
from micropython_compat.errors import bad_argument

from ._args import to_int
from ._pin import Pin

__all__ = [
    "DEFAULT_PINS",
    "alt_index",
    "assign_pins",
    "buffer_bytes",
    "buffer_to_fill",
    "bytes_to_send",
    "free_function",
    "pin_name",
    "to_int",
    "writable_buffer",
]

#: The ``pins`` default: the board description's default pins for the bus.
DEFAULT_PINS: Any = object()


def bytes_to_send(obj: Any) -> bytes:
    """What a bus sends for ``obj``: an int is one byte (its low 8 bits), anything else is
    ``buffer_bytes(obj)``. ``TypeError`` otherwise."""
    if isinstance(obj, int):
        return bytes([obj & 0xFF])
    return buffer_bytes(obj)


def writable_buffer(obj: Any) -> memoryview:
    """``obj`` as a writable byte view (bytearray, array, memoryview); ``TypeError`` for
    anything else, read-only buffers (bytes) and ``str`` included."""
    if isinstance(obj, str):
        raise TypeError("object with buffer protocol required")
    try:
        view = memoryview(obj)
    except TypeError:
        raise TypeError("object with buffer protocol required") from None
    if view.readonly:
        raise TypeError("object with buffer protocol required")
    return view.cast("B")


#: The WiPy's heap when the board description doesn't give one (``[firmware] heap_size``,
#: bytes): the nominal 64 KiB that ``gc.mem_free()`` also reports here. On the device the
#: 1.8.5 linker script gives the heap what the 240 KiB of SRAM leaves after the firmware, its
#: stack and the RTOS heap (cc3200/application.lds).
WIPY_HEAP = 64 * 1024


def heap_size() -> int:
    """The board's heap in bytes (``[firmware] heap_size``), the WiPy's by default."""
    heap = current_runtime().board.description.section("firmware").get("heap_size")
    return heap if isinstance(heap, int) and not isinstance(heap, bool) else WIPY_HEAP


def allocate(nbytes: int) -> bytearray:
    """A fresh ``nbytes`` buffer, as the device allocates one on its heap: ``MemoryError``
    ("memory allocation failed, allocating N bytes", the device's text) when it is larger than
    the board's whole heap (``heap_size()``)."""
    if nbytes > heap_size():
        raise MemoryError(f"memory allocation failed, allocating {nbytes} bytes")
    return bytearray(nbytes)


def buffer_to_fill(obj: Any) -> memoryview:
    """Where received bytes go: an int ``n`` makes a fresh ``n``-byte buffer (``ValueError``
    if negative, ``MemoryError`` beyond the heap: see ``allocate``); otherwise
    ``writable_buffer(obj)``."""
    if isinstance(obj, int):
        if obj < 0:
            raise ValueError("invalid argument(s) value")
        return memoryview(allocate(obj))
    return writable_buffer(obj)


def pin_name(pin: Any) -> str:
    """The board name of a pin given as a ``Pin`` or a name; ``ValueError`` if there's none."""
    if isinstance(pin, Pin):
        return pin.id()
    if isinstance(pin, str) and pin in current_runtime().board.description.pins:
        return pin
    raise bad_argument()


def alt_index(name: str, function: str) -> int | None:
    """The alternate-function index of ``function`` (``'UART0_TX'``) on pin ``name``, or
    ``None`` when the pin doesn't have it."""
    for alt_name, index in current_runtime().board.description.pins[name].alt:
        if alt_name == function and index >= 0:
            return index
    return None


def assign_pins(kind: str, bus_id: int, pins: Any, functions: Sequence[str]) -> None:
    """Put ``pins`` in the alternate functions ``{KIND}{id}_{function}`` with the pull-up on;
    pins that carried those functions before go back to GPIO inputs (``pins=None`` aside).

    ``pins`` is a sequence of ``len(functions)`` pin names or ``Pin`` objects, ``None`` (leave
    the pins alone) or ``DEFAULT_PINS`` (the board's defaults for the bus; a ``None`` there
    skips that function). Raises ``ValueError`` for the wrong number of pins, an unknown pin,
    or a pin without the function; no pin is changed then.
    """
    if pins is None:
        return
    if pins is DEFAULT_PINS:
        names = current_runtime().board.description.default_pins.get((kind, bus_id), ())
        chosen = [(name, f) for name, f in zip(names, functions) if name is not None]
    else:
        if isinstance(pins, (str, Pin)):
            raise bad_argument()
        try:
            given = list(pins)
        except TypeError:
            raise bad_argument() from None
        if len(given) != len(functions):
            raise bad_argument()
        chosen = list(zip(given, functions))
    claims = []
    for pin, function in chosen:
        name = pin_name(pin)
        alt = alt_index(name, f"{kind.upper()}{bus_id}_{function}")
        if alt is None:
            raise bad_argument()
        claims.append((name, alt))
    for function in functions:
        free_function(f"{kind.upper()}{bus_id}_{function}")
    for name, alt in claims:
        Pin(name, Pin.ALT, Pin.PULL_UP, alt=alt)


def free_function(function: str) -> None:
    """Put every pin that carries ``function`` (``'SPI0_MISO'``) back to a plain GPIO input,
    as the firmware's ``pin_free_af_from_pins`` does before a bus takes its pins."""
    pins: dict[str, Pin] = current_runtime().state("machine.Pin", dict)
    for name, pin in list(pins.items()):
        if pin.mode() in (Pin.ALT, Pin.ALT_OPEN_DRAIN) and pin._alt == alt_index(name, function):
            pin.init(Pin.IN)
