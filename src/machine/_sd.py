"""``machine.SD``: the SD card interface.

The card's files live in a host directory, the board's ``storage.sd`` (on the simulated board
a fresh temporary directory unless ``SimBoard(sd=DIR)`` names one). ``SD`` only enables the
interface; ``uos.mount(sd, '/sd')`` makes the files visible. The contract between the two:
``sd._root()`` returns that directory while the SD is enabled, and raises ``OSError(EPERM)``
after ``deinit()``.
"""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

from micropython_compat.board import current_runtime
from micropython_compat.errors import bad_argument, device_error

from ._pin import Pin

__all__ = ["SD"]

_MISSING: Any = object()
# The SD signals, in the order the pins are given, as their alternate functions are named.
_SIGNALS = ("CLK", "CMD", "DAT0")


class SD:
    """The SD card interface: ``SD(id=0, pins=('GP10', 'GP11', 'GP15'))``.

    ``pins`` are (clk, cmd, dat0), each switched to its SD alternate function with a pull-up;
    ``pins=None`` leaves the pins alone. There is one object per board: ``SD() is SD()``.
    Raises ``OSError(ENODEV)`` for an id other than 0, ``TypeError`` when ``pins`` is not a
    tuple or list, ``ValueError`` when it doesn't hold 3 pins that can carry those signals, and
    ``OSError(EIO)`` when the board has no card.
    """

    _id: int
    _enabled: bool

    def __new__(cls, id: Any = 0, pins: Any = _MISSING) -> SD:
        number = _check_id(id)
        runtime = current_runtime()
        return runtime.state(f"machine.SD{number}", lambda: cls._create(number))

    @classmethod
    def _create(cls, number: int) -> SD:
        self: SD = super().__new__(cls)
        self._id, self._enabled = number, False
        return self

    def __init__(self, id: Any = 0, pins: Any = _MISSING) -> None:
        self._setup(pins)

    def init(self, *args: Any, id: Any = _MISSING, pins: Any = _MISSING) -> None:
        """Enable the card: ``init(pins=...)`` as on the device, or ``init(id=0, pins=...)``
        as the docs write it (a lone positional argument that is an int is the id).
        Raises as the constructor does."""
        if len(args) > 2:
            raise TypeError("function takes at most 2 positional arguments")
        if len(args) == 2:
            if id is not _MISSING or pins is not _MISSING:
                raise TypeError("argument given twice")
            id, pins = args
        elif len(args) == 1:
            if isinstance(args[0], int) and id is _MISSING:
                id = args[0]
            elif pins is _MISSING:
                pins = args[0]
            else:
                raise TypeError("argument given twice")
        if id is not _MISSING:
            _check_id(id)
        self._setup(pins)

    def _setup(self, pins: Any) -> None:
        runtime = current_runtime()
        if pins is _MISSING:
            pins = runtime.board.description.default_pins.get(("sd", self._id), ())
        if pins is not None:
            for pin, alt in _resolve_pins(pins, self._id):
                pin.init(Pin.ALT, Pin.PULL_UP, alt=alt)
        if runtime.board.storage.sd is None:
            self._enabled = False
            raise device_error(errno.EIO)
        self._enabled = True

    def deinit(self) -> None:
        """Disable the card (its pins keep their configuration)."""
        self._enabled = False

    def _root(self) -> Path:
        """The host directory holding the card's files (for ``uos.mount``).

        Raises ``OSError(EPERM)`` when the SD is not enabled and ``OSError(EIO)`` when the
        board has no card."""
        if not self._enabled:
            raise device_error(errno.EPERM)
        root = current_runtime().board.storage.sd
        if root is None:
            raise device_error(errno.EIO)
        return root

    def __repr__(self) -> str:
        return "<SD>"


def _check_id(id: Any) -> int:
    if not isinstance(id, int):
        raise TypeError(f"can't convert {type(id).__name__} to int")
    if int(id) not in current_runtime().board.description.bus_ids("sd"):
        raise device_error(errno.ENODEV)
    return int(id)


def _resolve_pins(pins: Any, sd_id: int) -> list[tuple[Pin, int]]:
    """Each of (clk, cmd, dat0) with the index of its SD alternate function.

    Checks every pin before anything is configured."""
    if not isinstance(pins, (tuple, list)):
        raise TypeError("expected tuple/list")
    if len(pins) != len(_SIGNALS):
        raise ValueError("tuple/list has wrong length")
    resolved = []
    for pin_id, signal in zip(pins, _SIGNALS):
        pin = Pin._object(pin_id)
        wanted = f"SD{sd_id}_{signal}"
        alts = [index for name, index in pin.alt_list() if name == wanted]
        if not alts:
            raise bad_argument()
        resolved.append((pin, alts[0]))
    return resolved
