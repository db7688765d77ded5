"""GPIO through the kernel's character device, with libgpiod v2 (``gpiod`` from PyPI).

* Chips are found by **label** and lines by **name** (or offset on a labelled chip), never by a
  chip number: ``/dev/gpiochipN`` numbers change between kernels and boards.
* Each claimed pin is its own single-line request, so the request's fd is the pin's
  ``fast_fd``: the C fast path issues ``GPIO_V2_LINE_SET_VALUES``/``GET_VALUES`` with mask 1 on it.
* Modes IN, OUT and OPEN_DRAIN; pulls become the line's bias. Drive strengths are accepted and
  ignored: the character device has no drive-strength setting.
* ALT modes: the kernel, not a program, muxes pins (device-tree overlays). A pin whose alternate
  function the board file lists in ``[linux] muxed`` is handed back to the kernel (its GPIO
  request is released); any other ALT request raises ``ValueError`` saying what to enable.
  Pins that have a muxed function are requested lazily (only when used as GPIO), so claiming
  them never takes a bus pin away from its driver; their ``fast_fd`` is -1.
* Edge events of every watched input line are read by ONE thread per board, polling all the
  request fds, and passed to the line's callback. An output line reports the changes the
  program makes (the kernel can't watch edges on outputs).
* Lines are released by ``release()``, at board close, and at interpreter exit (``atexit``,
  which also runs after Ctrl-C).
* A busy line raises ``OSError(EBUSY)`` naming the consumer that holds it; no permission raises
  ``OSError(EACCES)`` naming the group to join or the udev rule to add.

A pin mapped to an LED (``[pins.X] led = "ACT"``) is driven through ``/sys/class/leds``.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import glob
import os
import select
import threading
import time
import warnings
import weakref
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Callable

import gpiod
from gpiod.line import Bias, Direction, Drive, Edge, Value

from ...description import BoardDescription
from ...hal import EdgeCallback, LineConfig
from ._errors import access_hint, host_error
from .schema import LinePlace, LinuxConfig

__all__ = ["ChipOpener", "LEDLine", "LinuxGPIO", "LinuxLine"]

#: Opens a chip by device path; returns an object with gpiod.Chip's methods.
ChipOpener = Callable[[str], Any]

_BIAS = {None: Bias.DISABLED, "up": Bias.PULL_UP, "down": Bias.PULL_DOWN}
_ALT_MODES = ("alt", "alt_open_drain")
_OUTPUT_MODES = ("out", "open_drain")


def _default_chip_paths() -> list[str]:
    return sorted(glob.glob("/dev/gpiochip*"), key=lambda p: (len(p), p))


class _Chip:
    """An open chip with its path and label."""

    def __init__(self, path: str, handle: Any) -> None:
        self.path = path
        self.handle = handle
        self.label = str(handle.get_info().label)


class _EdgeReader:
    """One thread per board that polls every watched line's request fd."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._watched: dict[int, LinuxLine] = {}
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        self._thread: threading.Thread | None = None
        self._closed = False

    def add(self, fd: int, line: LinuxLine) -> None:
        with self._lock:
            if self._closed:
                return
            self._watched[fd] = line
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="micropython-compat gpio events", daemon=True
                )
                self._thread.start()
        self._poke()

    def remove(self, fd: int) -> None:
        with self._lock:
            self._watched.pop(fd, None)
        self._poke()

    def _poke(self) -> None:
        with contextlib.suppress(OSError):  # closed, or full: the thread is awake anyway
            os.write(self._wake_w, b"\x01")

    def _run(self) -> None:
        while True:
            with self._lock:
                if self._closed:
                    return
                fds = list(self._watched)
            poller = select.poll()
            poller.register(self._wake_r, select.POLLIN)
            for fd in fds:
                poller.register(fd, select.POLLIN)
            for fd, event in poller.poll():
                if fd == self._wake_r:
                    with contextlib.suppress(OSError):
                        os.read(self._wake_r, 512)
                    continue
                with self._lock:
                    line = self._watched.get(fd)
                    if line is not None and event & (select.POLLNVAL | select.POLLERR):
                        del self._watched[fd]
                        line = None
                if line is not None:
                    line._deliver_events()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._watched.clear()
            thread = self._thread
        self._poke()
        if thread is not None and thread is not threading.current_thread():
            thread.join(5)
        os.close(self._wake_r)
        os.close(self._wake_w)


class LinuxLine:
    """One claimed GPIO line: a single-line gpiod request (``hal.GPIOLine``)."""

    def __init__(
        self, gpio: LinuxGPIO, pin: str, chip: _Chip, offset: int, line: object, lazy: bool
    ) -> None:
        self._gpio = gpio
        self.pin = pin
        self._chip = chip
        self.offset = offset
        self._line_id = line
        self._lazy = lazy
        self._lock = threading.RLock()
        self._request: Any = None
        self._config = LineConfig()
        self._latch = 0
        self._callback: EdgeCallback | None = None
        self._last_level = 0
        self._released = False
        self._soft_alt = False  # in the ALT mode that software PWM drives

    # -- hal.GPIOLine ------------------------------------------------------------------------
    @property
    def fast_fd(self) -> int:
        """The request's fd (single line, offset index 0), or -1 for a lazily requested pin."""
        if self._lazy or self._request is None:
            return -1
        return int(self._request.fd)

    def get(self) -> int:
        """The level at the pin; 0 while the pin is handed to the kernel (an ALT mode)."""
        with self._lock:
            request = self._ensure()
            if request is None:
                return 0
            return 1 if request.get_value(self.offset) == Value.ACTIVE else 0

    def set(self, value: int) -> None:
        """Set the output latch, and drive the line with it when it is an output."""
        with self._lock:
            self._latch = 1 if value else 0
            request = self._ensure()
            if request is None or self._config.mode not in _OUTPUT_MODES:
                return
            request.set_value(self.offset, Value.ACTIVE if self._latch else Value.INACTIVE)
            report = self._output_change()
        if report is not None:
            report()

    def reconfigure(self, config: LineConfig) -> None:
        """Apply ``config``. ALT modes raise ``ValueError`` unless the board file lists the
        pin's alternate function in ``[linux] muxed`` (the pin is then left to the kernel)."""
        with self._lock:
            self._alive()
            if config.mode in _ALT_MODES:
                kind = self._gpio.check_alt(self.pin, config.alt)
                self._config = config
                self._soft_alt = kind == "soft-pwm"
                if not self._soft_alt:
                    self._drop_request()
                    return
            else:
                self._soft_alt = False
            if config.value is not None:
                self._latch = 1 if config.value else 0
            self._config = config
            if self._request is None:
                self._request = self._gpio.request(self, self._settings())
            else:
                self._request.reconfigure_lines({self.offset: self._settings()})
            self._sync_watch()
            report = self._output_change()
        if report is not None:
            report()

    def watch(self, callback: EdgeCallback | None) -> None:
        """Report level changes to ``callback``: edge events for an input, the program's own
        changes for an output."""
        with self._lock:
            self._alive()
            self._callback = callback
            request = self._ensure()
            if request is not None:
                self._last_level = 1 if request.get_value(self.offset) == Value.ACTIVE else 0
                request.reconfigure_lines({self.offset: self._settings()})
            self._sync_watch()

    def release(self) -> None:
        """Give the line back to the kernel (idempotent)."""
        with self._lock:
            if self._released:
                return
            self._released = True
            self._callback = None
            self._drop_request()
        self._gpio.forget(self)

    def drive(self, level: int) -> None:
        """Put ``level`` on an output line whatever its mode (what software PWM uses).
        ``ValueError`` once released or while the pin is handed to the kernel."""
        with self._lock:
            request = self._ensure()
            if request is None:
                raise ValueError(f"pin {self.pin} is not a GPIO output now")
            request.set_value(self.offset, Value.ACTIVE if level else Value.INACTIVE)

    # -- internals ---------------------------------------------------------------------------
    def _alive(self) -> None:
        if self._released:
            raise ValueError(f"the line of pin {self.pin} has been released")

    def _ensure(self) -> Any:
        """The request, made now for a lazily requested pin used as GPIO (``None`` in ALT)."""
        self._alive()
        if self._request is None and (self._config.mode not in _ALT_MODES or self._soft_alt):
            self._request = self._gpio.request(self, self._settings())
            self._sync_watch()
        return self._request

    def _edges_wanted(self) -> bool:
        return self._callback is not None and self._config.mode == "in"

    def _settings(self) -> gpiod.LineSettings:
        config = self._config
        settings = gpiod.LineSettings(bias=_BIAS[config.pull])
        if config.mode in _OUTPUT_MODES or self._soft_alt:
            settings.direction = Direction.OUTPUT
            settings.drive = Drive.OPEN_DRAIN if config.mode == "open_drain" else Drive.PUSH_PULL
            settings.output_value = Value.ACTIVE if self._latch else Value.INACTIVE
        else:
            settings.direction = Direction.INPUT
            if self._edges_wanted():
                settings.edge_detection = Edge.BOTH
        return settings

    def _sync_watch(self) -> None:
        request = self._request
        if request is None:
            return
        if self._edges_wanted():
            self._gpio.reader().add(int(request.fd), self)
        elif self._gpio.has_reader():
            self._gpio.reader().remove(int(request.fd))

    def _output_change(self) -> Callable[[], None] | None:
        """For a watched output: the callback call reporting a level change, if there was one."""
        callback, request = self._callback, self._request
        if callback is None or request is None or self._config.mode not in _OUTPUT_MODES:
            return None
        level = 1 if request.get_value(self.offset) == Value.ACTIVE else 0
        if level == self._last_level:
            return None
        self._last_level = level
        stamp = time.monotonic_ns()
        return lambda: callback(level, stamp)

    def _deliver_events(self) -> None:
        """Read pending edge events (reader thread) and report them."""
        with self._lock:
            request, callback = self._request, self._callback
            if request is None or callback is None:
                return
            try:
                events = request.read_edge_events()
            except OSError:
                return
        for event in events:
            level = 1 if event.event_type == gpiod.EdgeEvent.Type.RISING_EDGE else 0
            callback(level, int(event.timestamp_ns))

    def _drop_request(self) -> None:
        request, self._request = self._request, None
        if request is not None:
            if self._gpio.has_reader():
                self._gpio.reader().remove(int(request.fd))
            request.release()

    def __repr__(self) -> str:
        return f"<LinuxLine {self.pin} = {self._chip.label}:{self.offset} ({self._chip.path})>"


class LEDLine:
    """A pin that is an LED in ``/sys/class/leds`` (the Raspberry Pi's ACT LED). Output only:
    its trigger is set to ``none`` while claimed and restored at release. An LED that isn't
    there or can't be written (it needs root or a udev rule) gives a ``RuntimeWarning`` saying
    how to fix it, and the pin keeps its level without showing it: the heartbeat must not stop
    a program from starting."""

    fast_fd = -1

    def __init__(self, pin: str, folder: Path | None, missing: str = "") -> None:
        self.pin = pin
        self._folder = folder
        self._callback: EdgeCallback | None = None
        self._level = 0
        self._released = False
        self._trigger = "none"
        self._max = 1
        if folder is None:
            self._detach(missing)
            return
        try:
            text = (folder / "trigger").read_text()
            self._trigger = next((w[1:-1] for w in text.split() if w.startswith("[")), "none")
            (folder / "trigger").write_text("none")
            self._max = int((folder / "max_brightness").read_text().strip() or "1")
        except OSError as exc:
            self._detach(str(_led_error(exc, folder)))

    def _detach(self, why: str) -> None:
        """The LED can't be driven: keep the level in memory and say so once."""
        self._folder = None
        warnings.warn(f"pin {self.pin} (an LED) shows nothing: {why}", RuntimeWarning, stacklevel=4)

    @property
    def level(self) -> int:
        """What the LED shows (0 or 1)."""
        return self._level

    def get(self) -> int:
        return self._level

    def set(self, value: int) -> None:
        level = 1 if value else 0
        folder = self._folder
        if folder is not None:
            try:
                (folder / "brightness").write_text(str(self._max if level else 0))
            except OSError as exc:
                raise _led_error(exc, folder) from None
        changed, self._level = level != self._level, level
        callback = self._callback
        if changed and callback is not None:
            callback(level, time.monotonic_ns())

    def drive(self, level: int) -> None:
        """Light (1) or darken (0) the LED."""
        self.set(level)

    def reconfigure(self, config: LineConfig) -> None:
        """Outputs only make sense; an input just reads back what the LED shows. ALT modes
        raise ``ValueError``."""
        if config.mode in _ALT_MODES:
            raise ValueError(f"pin {self.pin} is an LED: it has no alternate functions")
        if config.mode in _OUTPUT_MODES and config.value is not None:
            self.set(config.value)

    def watch(self, callback: EdgeCallback | None) -> None:
        self._callback = callback

    def release(self) -> None:
        if self._released:
            return
        self._released = True
        self._callback = None
        if self._folder is not None:
            with contextlib.suppress(OSError):
                (self._folder / "trigger").write_text(self._trigger)


def _led_error(exc: OSError, folder: Path) -> OSError:
    code = exc.errno or errno.EIO
    if code in (errno.EACCES, errno.EPERM):
        return host_error(
            code,
            f"no permission to drive the LED {folder}: run as root, or let a group write it "
            'with a udev rule: SUBSYSTEM=="leds", ACTION=="add", '
            'RUN+="/bin/chgrp -R gpio /sys%p", RUN+="/bin/chmod -R g+w /sys%p"',
        )
    return host_error(code, f"can't drive the LED {folder}: {exc.strerror or exc}")


class LinuxGPIO:
    """The board's GPIO lines (``hal.GPIOController``).

    ``chip_opener(path)`` opens a chip (``gpiod.Chip`` by default) and ``chip_paths()`` lists
    the chip devices (``/dev/gpiochip*``); ``led_root`` is where LEDs live. Tests replace them.
    """

    def __init__(
        self,
        description: BoardDescription,
        config: LinuxConfig,
        *,
        chip_opener: ChipOpener | None = None,
        chip_paths: Callable[[], Iterable[str]] | None = None,
        led_root: str | Path = "/sys/class/leds",
    ) -> None:
        self.description = description
        self._config = config
        self._open_chip: ChipOpener = chip_opener if chip_opener is not None else gpiod.Chip
        self._chip_paths = chip_paths if chip_paths is not None else _default_chip_paths
        self._led_root = Path(led_root)
        self._lock = threading.RLock()
        self._chips: list[_Chip] | None = None
        self._lines: list[LinuxLine | LEDLine] = []
        self._reader: _EdgeReader | None = None
        self._closed = False
        ref = weakref.ref(self)
        self._atexit: Callable[[], None] = lambda: _close_if_alive(ref)
        atexit.register(self._atexit)

    # -- hal.GPIOController ------------------------------------------------------------------
    def claim(self, name: str, config: LineConfig) -> LinuxLine | LEDLine:
        """Claim board pin ``name``'s line and configure it.

        Raises ``ValueError`` for a pin the board doesn't have or a line no chip has,
        ``OSError(EBUSY)`` naming the consumer when someone holds the line, ``OSError(EACCES)``
        naming the group to join when the chip can't be opened.
        """
        if name not in self.description.pins:
            raise ValueError(f"the board has no pin {name!r}")
        place = self._config.place(name)
        handle: LinuxLine | LEDLine
        if place.leds:
            handle = self._led(name, place)
            handle.reconfigure(config)
        else:
            chip, offset = self._find(name, place)
            lazy = self._has_muxed_function(name)
            handle = LinuxLine(self, name, chip, offset, place.line, lazy)
            if not lazy:
                handle._config = config if config.mode not in _ALT_MODES else LineConfig()
                if config.value is not None:
                    handle._latch = 1 if config.value else 0
                handle._request = self.request(handle, handle._settings())
            with self._lock:
                self._lines.append(handle)
            if lazy and config == LineConfig():
                return handle  # requested when used as GPIO (never for its bus function)
            try:
                handle.reconfigure(config)
            except BaseException:
                handle.release()
                raise
            return handle
        with self._lock:
            self._lines.append(handle)
        return handle

    # -- what lines use ----------------------------------------------------------------------
    def request(self, line: LinuxLine, settings: gpiod.LineSettings) -> Any:
        """Request ``line`` alone with ``settings``; host errors become messages that say
        what to do."""
        chip = line._chip
        try:
            return chip.handle.request_lines(
                {line.offset: settings},
                consumer=f"{self._config.consumer}:{line.pin}"[:31],
                output_values={line.offset: settings.output_value},
            )
        except OSError as exc:
            raise self._request_error(exc, line) from None

    def check_alt(self, pin: str, alt: int) -> str:
        """What alternate function ``alt`` of ``pin`` is on this board: ``'kernel'`` (muxed by
        the kernel, as the board file says: the pin is handed over) or ``'soft-pwm'`` (a timer
        output that software PWM drives on the line). ``ValueError`` saying what to enable for
        anything else."""
        function = next((f for f, i in self.description.pins[pin].alt if i == alt), None)
        if function is not None and function in self._config.muxed:
            return "kernel"
        for key, (pwm_pin, pwm_alt) in self.description.pwm.items():
            if pwm_pin == pin and pwm_alt == alt:
                return "kernel" if key in self._config.pwm else "soft-pwm"
        label = function or f"alt {alt}"
        raise ValueError(
            f"pin {pin}: the alternate function {label} can't be selected from a program on "
            "Linux: the kernel muxes pins (enable the device-tree overlay for it, e.g. "
            'dtparam=i2c_arm=on, then list it in the board file: [linux] muxed = ["'
            f'{label}"])'
        )

    def output_line(self, pin: str) -> tuple[LinuxLine | LEDLine, bool]:
        """The line of ``pin`` to drive: the one this board already holds, or a new output
        line. Returns ``(line, claimed_here)``."""
        with self._lock:
            for line in self._lines:
                if line.pin == pin:
                    return line, False
        return self.claim(pin, LineConfig(mode="out", value=0)), True

    def reader(self) -> _EdgeReader:
        """The board's edge-event thread (made on first use)."""
        with self._lock:
            if self._reader is None:
                self._reader = _EdgeReader()
            return self._reader

    def has_reader(self) -> bool:
        """Whether the edge-event thread has been made."""
        return self._reader is not None

    def forget(self, line: LinuxLine | LEDLine) -> None:
        """A line was released."""
        with self._lock:
            if line in self._lines:
                self._lines.remove(line)

    def close(self) -> None:
        """Release every line, stop the event thread, close the chips (idempotent)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            lines, self._lines = list(self._lines), []
            reader, self._reader = self._reader, None
            chips, self._chips = self._chips or [], None
        for line in lines:
            line.release()
        if reader is not None:
            reader.close()
        for chip in chips:
            chip.handle.close()
        atexit.unregister(self._atexit)

    # -- finding lines -----------------------------------------------------------------------
    def _opened_chips(self) -> list[_Chip]:
        with self._lock:
            if self._chips is None:
                chips = []
                for path in self._chip_paths():
                    try:
                        chips.append(_Chip(path, self._open_chip(path)))
                    except OSError as exc:
                        for chip in chips:
                            chip.handle.close()
                        raise self._open_error(exc, path) from None
                self._chips = chips
            return self._chips

    def _find(self, pin: str, place: LinePlace) -> tuple[_Chip, int]:
        chips = self._opened_chips()
        if place.chips:
            order = {label: i for i, label in enumerate(place.chips)}
            candidates = sorted(
                (c for c in chips if c.label in order), key=lambda c: order[c.label]
            )
        else:
            candidates = list(chips)
        for chip in candidates:
            offset = _offset_on(chip, place.line)
            if offset is not None:
                return chip, offset
        where = (
            f"chips labelled {', '.join(repr(c) for c in place.chips)}"
            if place.chips
            else "any GPIO chip"
        )
        present = ", ".join(f"{c.label!r} ({c.path})" for c in chips) or "none"
        raise ValueError(
            f"pin {pin}: no line {place.line!r} on {where} (chips here: {present}); map the pin "
            f'in the board description: [pins.{pin}] line = "<line name>" (gpioinfo lists names)'
        )

    def line_names(self) -> list[str]:
        """The names of the lines of the board's chips that no other line shares."""
        seen: dict[str, int] = {}
        for chip in self._opened_chips():
            if self._config.chip_labels and chip.label not in self._config.chip_labels:
                continue
            for offset in range(int(chip.handle.get_info().num_lines)):
                name = str(chip.handle.get_line_info(offset).name or "")
                if name:
                    seen[name] = seen.get(name, 0) + 1
        return [name for name, count in seen.items() if count == 1]

    def _has_muxed_function(self, pin: str) -> bool:
        for _, index in self.description.pins[pin].alt:
            try:
                if self.check_alt(pin, index) == "kernel":
                    return True
            except ValueError:
                continue
        return False

    def _led(self, pin: str, place: LinePlace) -> LEDLine:
        for name in place.leds:
            folder = self._led_root / name
            if folder.is_dir():
                return LEDLine(pin, folder)
        return LEDLine(pin, None, f"no LED named {' or '.join(place.leds)} in {self._led_root}")

    # -- errors ------------------------------------------------------------------------------
    def _open_error(self, exc: OSError, path: str) -> OSError:
        code = exc.errno or errno.EIO
        if code in (errno.EACCES, errno.EPERM):
            return host_error(code, access_hint(path, "gpio", "gpio"))
        return host_error(code, f"can't open the GPIO chip {path}: {exc.strerror or exc}")

    def _request_error(self, exc: OSError, line: LinuxLine) -> OSError:
        code = exc.errno or errno.EIO
        chip = line._chip
        where = f"GPIO line {line._line_id!r} (offset {line.offset} of chip {chip.label!r})"
        if code == errno.EBUSY:
            consumer = _consumer(chip, line.offset)
            if consumer.startswith(f"{self._config.consumer}:"):
                holder = f"this program's pin {consumer.partition(':')[2]}"
                fix = "release that pin first (deinit, or turn the heartbeat off)"
            else:
                holder = repr(consumer) if consumer else "another program or a kernel driver"
                fix = (
                    "stop the program or driver holding it (gpioinfo shows the holder), or map "
                    f"pin {line.pin} to another line in the board description"
                )
            return host_error(code, f"{where} for pin {line.pin} is in use by {holder}: {fix}")
        if code in (errno.EACCES, errno.EPERM):
            return host_error(code, access_hint(chip.path, "gpio", "gpio"))
        return host_error(code, f"can't request {where} for pin {line.pin}: {exc.strerror or exc}")


def _offset_on(chip: _Chip, line: object) -> int | None:
    """The offset of ``line`` (a name or an offset) on ``chip``, or ``None``."""
    try:
        if isinstance(line, int):
            if 0 <= line < int(chip.handle.get_info().num_lines):
                return line
            return None
        return int(chip.handle.line_offset_from_id(str(line)))
    except (OSError, ValueError):
        return None


def _consumer(chip: _Chip, offset: int) -> str:
    try:
        return str(chip.handle.get_line_info(offset).consumer or "")
    except OSError:
        return ""


def _close_if_alive(ref: weakref.ReferenceType[LinuxGPIO]) -> None:
    gpio: LinuxGPIO | None = ref()
    if gpio is not None:
        gpio.close()
