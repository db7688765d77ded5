"""The Linux board: builds each peripheral from the board description's ``[linux]`` table.

Everything is opened when a front end asks for it (``i2c(0)``, ``gpio.claim('GP2', ...)``),
never when the board is made, and released at ``close()``. Host access goes through openers
the constructor takes (``chip_opener``, ``i2c_opener``, ``spi_opener``, ``uart_opener``) and
sysfs roots (``led_root``, ``iio_root``, ``pwm_root``), so tests can put fakes at the module
boundary.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Callable, TypeVar, Union

from ...clocks import RealClock
from ...description import BoardDescription, PinInfo
from ...hal import Clock, Storage
from .adc import LinuxADC
from .gpio import ChipOpener, LinuxGPIO
from .i2c import BusOpener, LinuxI2CBus
from .network import LinuxNetwork
from .pwm import OutputLine, SoftPWM, SysfsPWM
from .rtc import LinuxRTC
from .schema import LinuxConfig, parse
from .spi import DeviceOpener, LinuxSPIBus
from .uart import LinuxUART, PortOpener
from .watchdog import KernelWatchdog, ProcessWatchdog

__all__ = ["LinuxBoard", "default_data_dir"]

_T = TypeVar("_T")
_Closable = Union[LinuxI2CBus, LinuxSPIBus, LinuxUART, SysfsPWM, SoftPWM]


def default_data_dir() -> Path:
    """Where ``/flash`` and ``/sd`` live by default: ``$XDG_DATA_HOME/micropython-compat``
    (``~/.local/share/micropython-compat``)."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local/share")
    return Path(base) / "micropython-compat"


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text(errors="replace").strip("\x00 \n")
    except OSError:
        return None


def _host_facts(description: BoardDescription) -> BoardDescription:
    """Fill in ``unique_id`` (from the device tree serial number or the machine id) and
    ``freq`` (the CPU's maximum clock) where the description doesn't give them."""
    raw = dict(description.raw)
    board = dict(raw.get("board", {}))
    freq = description.freq
    if "unique_id" not in board:
        seed = _read("/proc/device-tree/serial-number") or _read("/etc/machine-id")
        if seed:
            board["unique_id"] = hashlib.sha256(seed.encode()).hexdigest()[:12]
    if "freq" not in board:
        khz = _read("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq")
        if khz and khz.isdigit():
            freq = int(khz) * 1000
            board["freq"] = freq
    raw["board"] = board
    return dataclasses.replace(description, freq=freq, raw=raw)


class LinuxBoard:
    """A Linux board (``hal.Board``) described by ``description``."""

    def __init__(
        self,
        description: BoardDescription,
        *,
        clock: str | Clock | None = None,
        flash: str | Path | None = None,
        sd: str | Path | None = None,
        chip_opener: ChipOpener | None = None,
        chip_paths: Callable[[], Iterable[str]] | None = None,
        i2c_opener: BusOpener | None = None,
        spi_opener: DeviceOpener | None = None,
        uart_opener: PortOpener | None = None,
        led_root: str | Path = "/sys/class/leds",
        iio_root: str | Path = "/sys/bus/iio/devices",
        pwm_root: str | Path = "/sys/class/pwm",
    ) -> None:
        self.description = _host_facts(description)
        self.config: LinuxConfig = parse(self.description)
        self.clock: Clock = _make_clock(clock)
        self.gpio = LinuxGPIO(
            self.description,
            self.config,
            chip_opener=chip_opener,
            chip_paths=chip_paths,
            led_root=led_root,
        )
        if self.config.discover_pins:
            self._discover_pins()
        data = default_data_dir()
        named = self.description.storage_folder
        self.storage = Storage(
            flash=_folder(flash if flash is not None else named("flash") or data / "flash"),
            sd=_folder(sd if sd is not None else named("sd") or data / "sd"),
        )
        self._openers: dict[str, Any] = {"i2c": i2c_opener, "spi": spi_opener, "uart": uart_opener}
        self._iio_root, self._pwm_root = iio_root, pwm_root
        self._lock = threading.Lock()
        self._open: list[_Closable] = []
        self._adc: LinuxADC | None = None
        self._rtc: LinuxRTC | None = None
        self._watchdog: ProcessWatchdog | KernelWatchdog | None = None
        self._pwm: dict[tuple[int, str], SysfsPWM | SoftPWM] = {}
        self._network: LinuxNetwork | None = None
        self._closed = False

    # -- hal.Board ---------------------------------------------------------------------------
    def i2c(self, bus_id: int) -> LinuxI2CBus:
        """Open I2C bus ``bus_id`` (``ValueError`` if the board file maps no device to it)."""
        path = _lookup(self.config.i2c, bus_id, "I2C", "i2c")
        return self._keep(LinuxI2CBus(path, opener=self._openers["i2c"]))

    def spi(self, bus_id: int) -> LinuxSPIBus:
        """Open SPI bus ``bus_id`` (``ValueError`` if the board file maps no device to it)."""
        path = _lookup(self.config.spi, bus_id, "SPI", "spi")
        return self._keep(LinuxSPIBus(path, opener=self._openers["spi"]))

    def uart(self, port_id: int) -> LinuxUART:
        """Open UART ``port_id`` (``ValueError`` if the board file maps no device to it)."""
        path = _lookup(self.config.uart, port_id, "UART", "uart")
        return self._keep(LinuxUART(path, opener=self._openers["uart"]))

    def adc(self) -> LinuxADC:
        """The ADC (channels are opened when read)."""
        if self._adc is None:
            self._adc = LinuxADC(
                self.description.adc_bits, self.config.adc, iio_root=self._iio_root
            )
        return self._adc

    def pwm(self, timer_id: int, channel: str) -> SysfsPWM | SoftPWM:
        """The PWM output of a timer channel: sysfs where the board file maps one, software
        PWM on the channel's pin otherwise; ``ValueError`` when the channel has no pin."""
        key = (int(timer_id), channel)
        with self._lock:
            existing = self._pwm.get(key)
            if existing is not None:
                return existing
        source = self.config.pwm.get(key)
        output: SysfsPWM | SoftPWM
        if source is not None:
            output = SysfsPWM(source.chip, source.channel, root=self._pwm_root)
        else:
            entry = self.description.pwm.get(key)
            if entry is None:
                raise ValueError(f"timer {timer_id} channel {channel} has no output pin")
            output = self._soft_pwm(entry[0])
        with self._lock:
            self._pwm[key] = output
        return self._keep(output)

    def rtc(self) -> LinuxRTC:
        """The RTC: the system clock plus this board's offset."""
        if self._rtc is None:
            self._rtc = LinuxRTC()
        return self._rtc

    def watchdog(self) -> ProcessWatchdog | KernelWatchdog:
        """The in-process watchdog, or the kernel's when the board file names its device."""
        if self._watchdog is None:
            path = self.config.watchdog
            self._watchdog = KernelWatchdog(path) if path else ProcessWatchdog(self.clock)
        return self._watchdog

    def network(self) -> LinuxNetwork:
        """The host's network interface, read-only (see backends/linux/network.py)."""
        if self._network is None:
            linux = self.description.section("linux")
            self._network = LinuxNetwork(linux.get("wlan"), linux.get("server"))
        return self._network

    def close(self) -> None:
        """Release every line, bus, port, thread and descriptor (idempotent)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            opened, self._open = self._open, []
            self._pwm.clear()
        for item in reversed(opened):
            item.close()
        if self._watchdog is not None:
            self._watchdog.close()
        self.gpio.close()
        self.clock.close()

    # -- internals ---------------------------------------------------------------------------
    def _discover_pins(self) -> None:
        pins = dict(self.description.pins)
        for name in self.gpio.line_names():
            pins.setdefault(name, PinInfo(name))
        self.description = dataclasses.replace(self.description, pins=pins)
        self.gpio.description = self.description

    def _keep(self, item: _T) -> _T:
        with self._lock:
            self._open.append(item)  # type: ignore[arg-type]
        return item

    def _soft_pwm(self, pin: str) -> SoftPWM:
        claimed: list[bool] = []

        def line_for() -> OutputLine:
            line, here = self.gpio.output_line(pin)
            claimed.append(here)
            return line

        def done(line: OutputLine) -> None:
            if claimed and claimed[-1]:
                line.release()  # type: ignore[attr-defined]

        return SoftPWM(line_for, done)

    def __repr__(self) -> str:
        return f"<LinuxBoard {self.description.name} ({self.description.source})>"


def _lookup(table: dict[int, str] | Any, key: int, kind: str, section: str) -> str:
    try:
        return str(table[int(key)])
    except (KeyError, ValueError, TypeError):
        raise ValueError(
            f"the board has no {kind} {key!r}: map it in the board file "
            f'([linux] {section} = {{ "{key}" = "/dev/..." }})'
        ) from None


def _folder(path: str | Path) -> Path:
    folder = Path(path).expanduser().resolve()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _make_clock(spec: str | Clock | None) -> Clock:
    if spec is None or spec == "real":
        return RealClock()
    if isinstance(spec, str):
        if spec == "virtual":
            raise ValueError(
                "the linux board runs on the real clock only; a virtual clock needs the "
                "simulated board: use_board('sim', clock='virtual')"
            )
        raise ValueError(f"clock must be 'real', not {spec!r}")
    return spec
