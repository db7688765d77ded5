"""The simulated board: builds every simulated peripheral from a board description.

The description's ``[sim]`` table adds what a bench would have: wires between pins, UART
loopbacks and cross-connections, devices on the buses, ADC inputs, and which clock to run on::

    [sim]
    clock = "virtual"            # or "real" (the default)
    wires = [["GP1", "GP2"]]     # also carry UART and SPI data between the pins' functions
    uart_loopback = [1]          # UART1's TX feeds its own RX, whatever its pins
    uart_cross = [[0, 1]]        # UART0 and UART1 joined TX->RX both ways, whatever their pins
    spi_loopback = [0]           # SPI0's MOSI feeds its MISO, whatever its pins
    adc = { "1" = 2048 }         # channel -> fixed raw reading
    [[sim.i2c]]                  # a device on I2C bus 0
    bus = 0
    addr = 0x50
    model = "eeprom"             # "registers", "eeprom", "mpu9150": backends/sim/i2c_devices.py
    size = 4096

``wlan`` (access points in range) and ``server`` (telnet/FTP ports) are described in
backends/sim/network.py.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any, TypeVar

from ...clocks import RealClock, VirtualClock
from ...description import BoardDescription, load_builtin
from ...errors import BoardDescriptionError
from ...hal import Clock, Storage
from .adc import SimADC
from .gpio import SimGPIO, SimPin
from .i2c import SimI2CBus
from .i2c_devices import device_from_description
from .network import SimNetwork
from .pwm import SimPWM
from .rtc import SimRTC
from .signals import Signals
from .spi import SimSPIBus
from .uart import SimUART
from .watchdog import SimWatchdog

__all__ = ["SimBoard", "create_board"]

_T = TypeVar("_T")


class SimBoard:
    """A simulated WiPy (or any described board). Implements ``hal.Board``.

    Tests drive it through ``pin()``, ``wire()``, ``i2c_bus()``, ``spi_bus()``, ``uart_port()``,
    ``adc_block``, ``pwm_output()``, ``watchdog_device``, ``network_device`` and ``clock``.
    ``record=False`` starts it with pin history recording off (``gpio.recording``).
    """

    def __init__(
        self,
        description: BoardDescription | None = None,
        *,
        clock: str | Clock | None = None,
        flash: str | Path | None = None,
        sd: str | Path | None = None,
        record: bool = True,
    ) -> None:
        self.description = description if description is not None else load_builtin("wipy")
        sim = dict(self.description.section("sim"))
        self.clock = _make_clock(clock if clock is not None else sim.get("clock", "real"))
        self.gpio = SimGPIO(self.description, self.clock)
        self.gpio.recording = record
        self._tempdirs: list[Path] = []
        named = self.description.storage_folder
        self.storage = Storage(
            flash=self._dir(flash if flash is not None else named("flash")),
            sd=self._dir(sd if sd is not None else named("sd")),
        )
        self.signals = Signals(self.gpio, self.description)
        self._i2c: dict[int, SimI2CBus] = {i: SimI2CBus(i) for i in self.description.bus_ids("i2c")}
        self._spi: dict[int, SimSPIBus] = {
            i: SimSPIBus(i, wired_loop=self._spi_wired_loop)
            for i in self.description.bus_ids("spi")
        }
        self._uart: dict[int, SimUART] = {
            i: SimUART(i, self.clock, route=self._uart_receivers)
            for i in self.description.bus_ids("uart")
        }
        self.adc_block = SimADC(self.description.adc_bits, self.clock)
        self._pwm: dict[tuple[int, str], SimPWM] = {}
        self.rtc_device = SimRTC(self.clock)
        self.watchdog_device = SimWatchdog(self.clock)
        self.network_device = SimNetwork(self.clock, sim.get("wlan"), sim.get("server"))
        self._apply_sim_section(sim)

    # -- construction helpers ----------------------------------------------------------------
    def _dir(self, path: str | Path | None) -> Path:
        if path is not None:
            folder = Path(path).expanduser().resolve()
            folder.mkdir(parents=True, exist_ok=True)
            return folder
        folder = Path(tempfile.mkdtemp(prefix="micropython-compat-"))
        self._tempdirs.append(folder)
        return folder

    def _apply_sim_section(self, sim: dict[str, Any]) -> None:
        src = self.description.source
        try:
            for pins in sim.get("wires", ()):
                self.wire(*pins)
            for port in sim.get("uart_loopback", ()):
                self.uart_port(int(port)).loopback()
            for bus in sim.get("spi_loopback", ()):
                self.spi_bus(int(bus)).loopback()
            for a, b in sim.get("uart_cross", ()):
                self.uart_port(int(a)).connect(self.uart_port(int(b)))
            for channel, value in sim.get("adc", {}).items():
                self.adc_block.set(int(channel), int(value))
            for entry in sim.get("i2c", ()):
                options = {k: v for k, v in entry.items() if k not in ("bus", "addr")}
                self.i2c_bus(int(entry.get("bus", 0))).attach(
                    int(entry["addr"]), device_from_description(options, self.clock)
                )
        except (KeyError, TypeError, ValueError) as exc:
            raise BoardDescriptionError(f"{src}: [sim]: {exc}") from None

    # -- signals over wires ------------------------------------------------------------------
    def _uart_receivers(self, port_id: int) -> list[SimUART]:
        """The UARTs whose RX pin the wires join to UART ``port_id``'s TX pin."""
        reached = self.signals.reached(f"UART{port_id}_TX")
        return [port for i, port in self._uart.items() if f"UART{i}_RX" in reached]

    def _spi_wired_loop(self, bus_id: int) -> bool:
        """Whether a wire joins SPI ``bus_id``'s MOSI pin to its MISO pin."""
        return f"SPI{bus_id}_MISO" in self.signals.reached(f"SPI{bus_id}_MOSI")

    # -- hal.Board ---------------------------------------------------------------------------
    def i2c(self, bus_id: int) -> SimI2CBus:
        return self.i2c_bus(bus_id)

    def spi(self, bus_id: int) -> SimSPIBus:
        return self.spi_bus(bus_id)

    def uart(self, port_id: int) -> SimUART:
        return self.uart_port(port_id)

    def adc(self) -> SimADC:
        return self.adc_block

    def pwm(self, timer_id: int, channel: str) -> SimPWM:
        return self.pwm_output(timer_id, channel)

    def rtc(self) -> SimRTC:
        return self.rtc_device

    def watchdog(self) -> SimWatchdog:
        return self.watchdog_device

    def network(self) -> SimNetwork:
        return self.network_device

    def close(self) -> None:
        self.network_device.close()
        self.watchdog_device.close()
        for uart in self._uart.values():
            uart.shutdown()
        self.gpio.close()
        self.clock.close()
        for folder in self._tempdirs:
            shutil.rmtree(folder, ignore_errors=True)
        self._tempdirs.clear()

    # -- what tests use ----------------------------------------------------------------------
    def pin(self, name: str) -> SimPin:
        """The simulated pad of pin ``name`` (drive it, read its level and history)."""
        return self.gpio.pin(name)

    def wire(self, *names: str) -> None:
        """Connect pins with a wire."""
        self.gpio.wire(*names)

    def i2c_bus(self, bus_id: int) -> SimI2CBus:
        """The simulated I2C bus ``bus_id`` (attach devices to it)."""
        return _lookup(self._i2c, bus_id, "I2C")

    def spi_bus(self, bus_id: int) -> SimSPIBus:
        """The simulated SPI bus ``bus_id`` (attach a device or loop it back)."""
        return _lookup(self._spi, bus_id, "SPI")

    def uart_port(self, port_id: int) -> SimUART:
        """The simulated UART ``port_id`` (feed it, read what it sent, connect it)."""
        return _lookup(self._uart, port_id, "UART")

    def pwm_output(self, timer_id: int, channel: str) -> SimPWM:
        """The PWM output of timer ``timer_id`` channel ``'A'``/``'B'`` (read freq and duty)."""
        key = (int(timer_id), channel)
        if key not in self._pwm:
            pin = self.description.pwm.get(key)
            self._pwm[key] = SimPWM(timer_id, channel, self.clock, pin[0] if pin else None)
        return self._pwm[key]

    def advance(self, *, s: float = 0, ms: float = 0, us: float = 0) -> None:
        """Move a virtual clock forward, running every timer and IRQ that falls due."""
        if not isinstance(self.clock, VirtualClock):
            raise TypeError("advance() needs a board on a virtual clock")
        self.clock.advance_ns(int(s * 1e9 + ms * 1e6 + us * 1e3))


def _lookup(table: dict[int, _T], key: int, kind: str) -> _T:
    try:
        return table[int(key)]
    except (KeyError, ValueError, TypeError):
        raise ValueError(f"the board has no {kind} {key!r}") from None


def _make_clock(spec: str | Clock) -> Clock:
    if not isinstance(spec, str):
        return spec
    if spec == "virtual":
        return VirtualClock()
    if spec == "real":
        return RealClock()
    raise BoardDescriptionError(f"clock must be 'virtual' or 'real', not {spec!r}")


def create_board(description: BoardDescription | None, **options: Any) -> SimBoard:
    """Backend entry point: a simulated board from ``description`` (the WiPy by default)."""
    return SimBoard(description, **options)
