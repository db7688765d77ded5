"""``micropython``: access to MicroPython internals, as far as they mean something on CPython.

* ``const(x)`` returns ``x`` (MicroPython substitutes the value at compile time; the result is
  the same). Under ``micropython-compat run`` the program always gets this module, even with
  Adafruit Blinka's ``micropython.py`` installed; Blinka's defines ``const`` the same way.
* ``@micropython.bytecode``, ``native``, ``viper`` and ``asm_thumb`` are the compiler's, not
  this module's: under ``micropython-compat run`` they need no import, and ``native``/``viper``/
  ``asm_thumb`` are a ``SyntaxError`` on a board whose firmware has no native emitter (the
  WiPy), as on the device (``micropython_compat.devicecode``). For code imported as a library
  they are attributes here that return the function unchanged (Viper's ``ptr8`` and friends
  are not provided). ``dir(micropython)`` lists the device's names only.
* ``alloc_emergency_exception_buf(size)`` checks ``size`` and does nothing else (CPython can
  always build an exception).
* ``mem_info([verbose])`` and ``qstr_info([verbose])`` print summaries in the device's format
  over the heap that ``gc.mem_free``/``gc.mem_alloc`` report, of the board description's size
  (the WiPy's 1.8.5 build left both out; the documentation describes them).
* ``opt_level([level])`` keeps the level (0-3) but CPython's optimisation can't change at run
  time. ``heap_lock()``/``heap_unlock()`` keep a counter; allocation is never refused.
"""

from __future__ import annotations

import sys
from typing import Any, Callable, TypeVar

from micropython_compat import _install

__all__ = [
    "alloc_emergency_exception_buf",
    "asm_thumb",
    "bytecode",
    "const",
    "heap_lock",
    "heap_unlock",
    "mem_info",
    "native",
    "opt_level",
    "qstr_info",
    "viper",
]

F = TypeVar("F", bound=Callable[..., Any])

# What dir(micropython) shows on the device: the module's functions, not the compiler's
# decorators (which are no attributes there) nor this file's imports.
_DEVICE_NAMES = (
    "__name__",
    "alloc_emergency_exception_buf",
    "const",
    "heap_lock",
    "heap_unlock",
    "mem_info",
    "opt_level",
    "qstr_info",
)


def __dir__() -> list[str]:
    return [name for name in _DEVICE_NAMES if name in globals()]


# Where the WiPy's heap starts in RAM, for the layout that mem_info(1) prints.
_HEAP_START = 0x20004000
_BLOCK = 16  # bytes per heap block
_LINE_BLOCKS = 64  # blocks per line of the layout (1 KiB)
_STACK_SIZE = 8192

_opt_level = 0
_heap_locks = 0


def const(expr: Any) -> Any:
    """Declare a constant: returns ``expr``."""
    return expr


def bytecode(function: F) -> F:
    """The bytecode emitter's decorator (the default): returns ``function`` unchanged."""
    return function


def native(function: F) -> F:
    """The native code emitter's decorator: returns ``function`` unchanged."""
    return function


def viper(function: F) -> F:
    """The Viper code emitter's decorator: returns ``function`` unchanged."""
    return function


def asm_thumb(function: F) -> F:
    """The inline assembler's decorator: returns ``function`` unchanged (its body, written in
    Thumb assembler, is not run as such)."""
    return function


def _int_arg(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"can't convert {type(value).__name__} to int")
    return int(value)


def alloc_emergency_exception_buf(size: Any) -> None:
    """Reserve ``size`` bytes for exceptions raised in interrupt handlers (nothing to do here).

    Raises ``TypeError`` when ``size`` is not an int."""
    _int_arg(size)


def opt_level(level: Any = None) -> int | None:
    """Get (no argument) or set the optimisation level; setting returns ``None``.

    Raises ``TypeError`` for a level that is not an int."""
    global _opt_level
    if level is None:
        return _opt_level
    _opt_level = _int_arg(level)
    return None


def heap_lock() -> None:
    """Lock the heap (counted; CPython keeps allocating)."""
    global _heap_locks
    _heap_locks += 1


def heap_unlock() -> None:
    """Undo one ``heap_lock()``."""
    global _heap_locks
    _heap_locks = max(0, _heap_locks - 1)


def mem_info(verbose: Any = None) -> None:
    """Print the stack and heap use as the device does; with ``verbose``, also the heap
    layout (one character per 16-byte block: ``h`` in use, ``.`` free)."""
    heap = _install._heap()
    used = heap.used()
    total = heap.size
    free = total - used
    stack = min(_STACK_SIZE, 64 * len(_frames()))
    print(f"stack: {stack} out of {_STACK_SIZE}")
    print(f"GC: total: {total}, used: {used}, free: {free}")
    blocks = used // _BLOCK
    print(
        f" No. of 1-blocks: {blocks // 2}, 2-blocks: {blocks // 8}, "
        f"max blk sz: {min(blocks, 64)}, max free sz: {free // _BLOCK}"
    )
    if verbose is not None and verbose is not False:
        _print_layout(total // _BLOCK, blocks)


def _frames() -> list[Any]:
    frames, frame = [], sys._getframe()
    while frame is not None:
        frames.append(frame)
        frame = frame.f_back  # type: ignore[assignment]
    return frames


def _print_layout(total_blocks: int, used_blocks: int) -> None:
    print(f"GC memory layout; from {_HEAP_START:x}:")
    free_lines = 0
    lines = (total_blocks + _LINE_BLOCKS - 1) // _LINE_BLOCKS
    for line in range(lines):
        start = line * _LINE_BLOCKS
        cells = "".join(
            "h" if block < used_blocks else "."
            for block in range(start, min(start + _LINE_BLOCKS, total_blocks))
        )
        if cells.strip(".") == "" and line != lines - 1:
            free_lines += 1
            continue
        if free_lines:
            print(f"       ({free_lines} lines all free)")
            free_lines = 0
        print(f"{start * _BLOCK:05x}: {cells}")


def _program_names() -> list[str]:
    """Names defined by the program's modules (those loaded from the board's drives)."""
    try:
        from micropython_compat import filesystem

        fs = filesystem.current()
    except Exception:  # no board: nothing of the program's is loaded
        return []
    names: set[str] = set()
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and fs.device_path(path) is not None:
            names.update(name for name in vars(module) if not name.startswith("__"))
    return sorted(names)


def qstr_info(verbose: Any = None) -> None:
    """Print the interned-string (qstr) pool summary as the device does; with ``verbose``,
    also a ``Q(name)`` line per name the program's modules define."""
    names = _program_names()
    data = sum(len(name) + 1 for name in names)
    print(
        f"qstr pool: n_pool=1, n_qstr={len(names)}, n_str_data_bytes={data}, "
        f"n_total_bytes={data + 4 * len(names) + 32}"
    )
    if verbose is not None and verbose is not False:
        for name in names:
            print(f"Q({name})")
