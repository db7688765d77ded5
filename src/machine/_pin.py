"""``machine.Pin``: GPIO pins, their alternate functions and their interrupts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Union, overload

from micropython_compat._fast import PinBase
from micropython_compat.board import current_runtime
from micropython_compat.description import PinInfo
from micropython_compat.errors import bad_argument
from micropython_compat.hal import GPIOLine, LineConfig

from ._args import check_handler, check_priority
from ._irq import DEEPSLEEP, IDLE, PIN_WAKE, SLEEP, Irq

__all__ = ["Pin"]

_MISSING: Any = object()

#: What names a pin: its board name (``'GP2'``) or the ``Pin`` itself.
PinId = Union[str, "Pin"]

#: The highest alternate-function index the cc3200's pin mux has.
_MAX_ALT = 15


class _Board:
    """``Pin.board``: every pin of the active board, as attributes (``Pin.board.GP25``)."""

    def __getattr__(self, name: str) -> Pin:
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in current_runtime().board.description.pins:
            raise AttributeError(f"type object 'board' has no attribute '{name}'")
        return Pin._object(name)

    def __dir__(self) -> list[str]:
        return sorted(current_runtime().board.description.pins, key=_pin_order)

    def __repr__(self) -> str:
        return "<Pin.board>"


class _ReleasedLine:
    """The line of a pin whose board was released: every use raises ``ValueError`` naming
    the pin and who released the board (``Runtime.released_by``)."""

    fast_fd = -1

    def __init__(self, pin: str, released_by: str) -> None:
        when = f" {released_by}" if released_by else ""
        self._message = f"Pin('{pin}') is dead: the board it belonged to was released{when}"

    def _dead(self, *args: object) -> Any:
        raise ValueError(self._message)

    get = set = reconfigure = watch = _dead

    def release(self) -> None:
        """Nothing left to release."""


def _pin_order(name: str) -> tuple[str, int]:
    digits = name.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ_")
    return (name[: len(name) - len(digits)], int(digits) if digits.isdigit() else -1)


class Pin(PinBase):
    """A GPIO pin, by board name: ``Pin('GP2', mode=Pin.OUT)``.

    There is one ``Pin`` object per board pin: ``Pin('GP2') is Pin('GP2')``. Creating it with
    arguments (re)initialises the pin. Bad arguments raise ``ValueError``.
    """

    IN = 0
    OUT = 1
    OPEN_DRAIN = 0x10
    ALT = 2
    ALT_OPEN_DRAIN = 3
    PULL_UP = 0x100
    PULL_DOWN = 0x200
    LOW_POWER = 0x20
    MED_POWER = 0x40
    HIGH_POWER = 0x60
    IRQ_FALLING = 1
    IRQ_RISING = 2
    IRQ_LOW_LEVEL = 4
    IRQ_HIGH_LEVEL = 8

    board = _Board()

    _MODES = {
        IN: "in",
        OUT: "out",
        OPEN_DRAIN: "open_drain",
        ALT: "alt",
        ALT_OPEN_DRAIN: "alt_open_drain",
    }
    _PULLS = {None: None, PULL_UP: "up", PULL_DOWN: "down"}
    _DRIVES = {LOW_POWER: "low", MED_POWER: "med", HIGH_POWER: "high"}

    _info: PinInfo
    _mode: int
    _pull: int | None
    _drive: int
    _alt: int
    _irq: Irq | None
    _level_armed: bool
    _sleep_hooked: bool

    if TYPE_CHECKING:  # the signature users' type checkers see (the documented one)

        def __new__(
            cls,
            id: PinId,
            mode: int = IN,
            pull: int | None = None,
            *,
            value: object = _MISSING,
            drive: int = MED_POWER,
            alt: int = -1,
        ) -> Pin:
            return cls._object(id)

    else:

        def __new__(cls, id, *args, **kwargs):
            return cls._object(id)

    @classmethod
    def _object(cls, id: Any) -> Pin:
        """The board's one object for pin ``id`` (a name or a Pin), without configuring it."""
        if isinstance(id, Pin):
            return id
        runtime = current_runtime()
        if not isinstance(id, str) or id not in runtime.board.description.pins:
            raise bad_argument()
        pins: dict[str, Pin] = runtime.state("machine.Pin", dict)
        existing = pins.get(id)
        if existing is not None:
            return existing
        self: Pin = super().__new__(cls)
        PinBase.__init__(self)
        self._info = runtime.board.description.pins[id]
        self._mode, self._pull, self._drive, self._alt = Pin.IN, None, Pin.MED_POWER, -1
        self._irq = None
        self._sleep_hooked = False
        self._level_armed = True
        line = runtime.board.gpio.claim(id, LineConfig())
        self._line = line
        pins[id] = self
        runtime.on_close(lambda: self._release(runtime.released_by))
        return self

    # As on the WiPy, creating a Pin always (re)initialises it: omitted settings take their
    # defaults. Pin.board.GPx gives the object without touching its settings.
    if TYPE_CHECKING:

        def __init__(
            self,
            id: PinId,
            mode: int = IN,
            pull: int | None = None,
            *,
            value: object = _MISSING,
            drive: int = MED_POWER,
            alt: int = -1,
        ) -> None:
            self.init(mode, pull, value=value, drive=drive, alt=alt)

    else:

        def __init__(self, id, *args, **kwargs):
            self.init(*args, **kwargs)

    def __reduce__(self) -> Any:  # pins are singletons of the running board
        raise TypeError("Pin objects can't be pickled")

    # -- configuration -----------------------------------------------------------------------
    def init(
        self,
        mode: int = IN,
        pull: int | None = None,
        *,
        value: object = _MISSING,
        drive: int = MED_POWER,
        alt: int = -1,
    ) -> None:
        """Configure the pin; omitted settings take their defaults. ``value`` sets the output
        latch first. Raises ``ValueError`` for a mode, pull or drive the pin doesn't support,
        or a bad ``alt``: the GPIO modes take only -1; the ALT modes take -1 (keep the current
        function), an index from ``alt_list()``, or 0 (on the WiPy the GPIO function itself,
        shown as -1), as the firmware does."""
        if mode not in Pin._MODES or pull not in Pin._PULLS or drive not in Pin._DRIVES:
            raise bad_argument()
        if not isinstance(alt, int) or isinstance(alt, bool):
            raise bad_argument()
        if mode in (Pin.ALT, Pin.ALT_OPEN_DRAIN):
            if not -1 <= alt <= _MAX_ALT:
                raise bad_argument()
            listed = {index for _, index in self._info.alt if index >= 0}
            if alt == -1:
                alt = self._alt
            elif alt == 0 and 0 not in listed:
                alt = -1  # the cc3200's function 0 is the GPIO itself
            elif alt not in listed:
                raise bad_argument()
        elif alt != -1:
            raise bad_argument()
        if value is not _MISSING:
            self._out = 1 if value else 0
        self._configure(mode, pull, drive, alt)

    def _configure(self, mode: int, pull: int | None, drive: int, alt: int) -> None:
        self._mode, self._pull, self._drive, self._alt = mode, pull, drive, alt
        config = LineConfig(
            mode=Pin._MODES[mode],
            pull=Pin._PULLS[pull],
            drive=Pin._DRIVES[drive],
            alt=alt,
            value=self._out if self._out >= 0 else None,
        )
        self._alive().reconfigure(config)
        self._choose_fast_path()

    def _choose_fast_path(self) -> None:
        """Let the C fast path drive the line's fd directly only where that is all a write
        does: a GPIO output with no interrupt watching it. (An input's write just sets the
        latch, and a watched output reports its own edges: the line handle does both.) A
        simulated line offers its pin instead (``fast_pin``), which decides for itself."""
        line = self._line
        self._sim = getattr(line, "fast_pin", None)
        irq = self._irq
        direct = (
            line is not None
            and self._mode in (Pin.OUT, Pin.OPEN_DRAIN)
            and (irq is None or not irq.enabled)
        )
        self._fd = line.fast_fd if direct and line is not None else -1

    def _alive(self) -> GPIOLine:
        line: GPIOLine | None = self._line
        if line is None:
            raise ValueError("the board this pin belonged to has been released")
        if isinstance(line, _ReleasedLine):
            line.get()  # raises, saying why
        return line

    def id(self) -> str:
        """The pin's name, e.g. ``'GP2'``."""
        return self._info.name

    @overload
    def mode(self) -> int: ...
    @overload
    def mode(self, mode: int) -> None: ...
    def mode(self, mode: Any = _MISSING) -> int | None:
        """Get the mode, or set it (``ValueError`` if invalid)."""
        if mode is _MISSING:
            return self._mode
        if mode not in Pin._MODES:
            raise bad_argument()
        self._configure(mode, self._pull, self._drive, self._alt)
        return None

    @overload
    def pull(self) -> int | None: ...
    @overload
    def pull(self, pull: int | None) -> None: ...
    def pull(self, pull: Any = _MISSING) -> int | None:
        """Get the pull (``None``, ``PULL_UP``, ``PULL_DOWN``), or set it."""
        if pull is _MISSING:
            return self._pull
        if pull not in Pin._PULLS:
            raise bad_argument()
        self._configure(self._mode, pull, self._drive, self._alt)
        return None

    @overload
    def drive(self) -> int: ...
    @overload
    def drive(self, drive: int) -> None: ...
    def drive(self, drive: Any = _MISSING) -> int | None:
        """Get the drive strength, or set it."""
        if drive is _MISSING:
            return self._drive
        if drive not in Pin._DRIVES:
            raise bad_argument()
        self._configure(self._mode, self._pull, drive, self._alt)
        return None

    def alt_list(self) -> list[tuple[str, int]]:
        """The pin's alternate functions as ``(name, index)`` tuples."""
        return [(name, index) for name, index in self._info.alt]

    # -- interrupts --------------------------------------------------------------------------
    def irq(
        self,
        *,
        trigger: int = _MISSING,
        priority: int = 1,
        handler: Callable[[Pin], object] | None = None,
        wake: int | None = None,
    ) -> Irq:
        """Create (or with no arguments, return) the pin's interrupt.

        ``trigger`` ORs ``IRQ_FALLING``, ``IRQ_RISING``, ``IRQ_LOW_LEVEL``, ``IRQ_HIGH_LEVEL``;
        ``wake`` ORs ``machine.IDLE``/``SLEEP``/``DEEPSLEEP`` (the last two only on pins that
        can wake the board). Raises ``ValueError`` for anything else.
        """
        if trigger is _MISSING and handler is None and wake is None and priority == 1:
            if self._irq is not None:
                return self._irq
            raise TypeError("irq() needs a trigger")
        check_priority(priority)
        both = Pin.IRQ_FALLING | Pin.IRQ_RISING
        valid = (Pin.IRQ_FALLING, Pin.IRQ_RISING, Pin.IRQ_LOW_LEVEL, Pin.IRQ_HIGH_LEVEL, both)
        if trigger is _MISSING:
            trigger = both
        if isinstance(trigger, bool) or not isinstance(trigger, int):
            raise TypeError("trigger must be an int")
        if trigger not in valid:
            raise bad_argument()
        if wake is None:
            wake = IDLE
        if not isinstance(wake, int) or not wake or wake & ~(IDLE | SLEEP | DEEPSLEEP):
            raise bad_argument()
        if wake & (SLEEP | DEEPSLEEP) and (not self._info.wake or trigger == both):
            raise bad_argument()
        check_handler(handler)
        irq = Irq(self, handler, trigger, priority, wake, self._arm)
        irq.wake_reason = PIN_WAKE
        self._irq = irq
        if wake & SLEEP and not self._sleep_hooked:
            from ._system import add_sleep_hook  # _system imports this module

            add_sleep_hook(self._entering_sleep)
            self._sleep_hooked = True
        self._arm(True)
        return irq

    def _entering_sleep(self, sleeping: bool) -> None:
        """A level interrupt that wakes from sleep and whose level is present as
        ``machine.sleep()`` starts wakes the board at once: on the device it stays asserted."""
        irq, line = self._irq, self._line
        if sleeping and irq is not None and irq.enabled and irq.wake & SLEEP and line is not None:
            self._check_level(irq, line.get())

    def _arm(self, enabled: bool) -> None:
        line = self._alive()
        irq = self._irq
        self._choose_fast_path()
        if not enabled or irq is None:
            line.watch(None)
            return
        line.watch(self._on_edge)
        self._level_armed = True
        level = line.get()
        self._check_level(irq, level)

    def _check_level(self, irq: Irq, level: int) -> None:
        wanted = (irq.trigger & Pin.IRQ_HIGH_LEVEL and level) or (
            irq.trigger & Pin.IRQ_LOW_LEVEL and not level
        )
        if wanted:
            irq.fire(Pin.IRQ_HIGH_LEVEL if level else Pin.IRQ_LOW_LEVEL)

    def _on_edge(self, level: int, timestamp_ns: int) -> None:
        irq = self._irq
        if irq is None:
            return
        edge = Pin.IRQ_RISING if level else Pin.IRQ_FALLING
        if irq.trigger & edge:
            irq.fire(edge)
        self._check_level(irq, level)

    # -- life cycle --------------------------------------------------------------------------
    def _release(self, released_by: str = "") -> None:
        line = self._line
        # A pin used after its board is gone says why it is dead (both speeds call the line).
        self._line = _ReleasedLine(self._info.name, released_by)
        self._fd, self._out, self._sim = -1, -1, None
        if line is not None and not isinstance(line, _ReleasedLine):
            line.release()

    def __repr__(self) -> str:
        mode = {
            v: k
            for k, v in Pin.__dict__.items()
            if k in ("IN", "OUT", "OPEN_DRAIN", "ALT", "ALT_OPEN_DRAIN")
        }[self._mode]
        pull = {None: "None", Pin.PULL_UP: "Pin.PULL_UP", Pin.PULL_DOWN: "Pin.PULL_DOWN"}
        drive = {
            Pin.LOW_POWER: "LOW_POWER",
            Pin.MED_POWER: "MED_POWER",
            Pin.HIGH_POWER: "HIGH_POWER",
        }[self._drive]
        return (
            f"Pin('{self._info.name}', mode=Pin.{mode}, pull={pull[self._pull]}, "
            f"drive=Pin.{drive}, alt={self._alt})"
        )
