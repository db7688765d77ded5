"""The hardware seam: the primitives every backend implements.

Front ends (``machine``, ``utime``, ``wipy``, ...) parse and check arguments, build reprs and
raise MicroPython's errors once; a backend only supplies the small operations below. A front end
never asks which board it is on, and adding a board never means editing a front end.

Conventions for every primitive:

* Bus and device failures raise ``OSError`` whose ``errno`` is what the WiPy reports
  (``micropython_compat.errors.device_error``); a backend translates host errors into these.
* Callbacks handed to a backend (pin edges, UART receive, clock alarms, watchdog expiry) may be
  called from any thread; the front end routes them to the IRQ dispatcher.
* ``close()``/``release()`` are idempotent and release every thread and file descriptor.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Protocol, Union

if TYPE_CHECKING:
    from .description import BoardDescription

__all__ = [
    "ADCBlock",
    "AccessPoint",
    "Board",
    "Cancellable",
    "Clock",
    "GPIOController",
    "GPIOLine",
    "I2CBus",
    "I2CRead",
    "I2CWrite",
    "IPConfig",
    "LineConfig",
    "Network",
    "PWMChannel",
    "RTCDevice",
    "SPIBus",
    "ServerBinding",
    "Storage",
    "UARTPort",
    "Watchdog",
]

# --------------------------------------------------------------------------------------- GPIO

#: Line modes, spelled as the front end's modes are (lower case).
MODES = ("in", "out", "open_drain", "alt", "alt_open_drain")
#: Pull resistor settings; ``None`` is no pull.
PULLS = (None, "up", "down")
#: Drive strengths.
DRIVES = ("low", "med", "high")


@dataclass(frozen=True)
class LineConfig:
    """How a GPIO line is configured.

    ``value`` is the level to drive when the mode is an output (``None``: keep the current one).
    ``alt`` is the alternate function index for the ALT modes, -1 for plain GPIO.
    """

    mode: str = "in"
    pull: str | None = None
    drive: str = "med"
    alt: int = -1
    value: int | None = None


#: Called as ``callback(level, timestamp_ns)`` after every change of the line's input level.
EdgeCallback = Callable[[int, int], None]


class GPIOLine(Protocol):
    """One claimed line.

    ``fast_fd`` is a file descriptor on which the C fast path may issue
    ``GPIO_V2_LINE_SET_VALUES``/``GET_VALUES`` directly, or -1 when there is none.
    """

    @property
    def fast_fd(self) -> int:
        """The line request's fd for the C fast path, or -1."""

    def get(self) -> int:
        """Return the level at the pin (0 or 1), whatever the mode."""

    def set(self, value: int) -> None:
        """Drive the line to ``value`` (0/1); an open-drain line releases on 1."""

    def reconfigure(self, config: LineConfig) -> None:
        """Apply a new configuration; raises ``ValueError`` if the board can't do it."""

    def watch(self, callback: EdgeCallback | None) -> None:
        """Report every input level change to ``callback`` (``None`` stops reporting)."""

    def release(self) -> None:
        """Give the line back; the handle is dead afterwards."""


class GPIOController(Protocol):
    """The board's GPIO lines, by board pin name (``'GP2'``)."""

    def claim(self, name: str, config: LineConfig) -> GPIOLine:
        """Claim a line and configure it.

        Raises ``ValueError`` for a name the board doesn't have and ``OSError`` (with a message
        that names the holder or the fix) when the host refuses.
        """


# ---------------------------------------------------------------------------------------- I2C


@dataclass(frozen=True)
class I2CWrite:
    """Send ``data`` to the addressed device."""

    data: bytes


@dataclass(frozen=True)
class I2CRead:
    """Receive ``len(buf)`` bytes into ``buf``."""

    buf: bytearray | memoryview


I2CMessage = Union[I2CWrite, I2CRead]


class I2CBus(Protocol):
    """An I2C master."""

    def configure(self, baudrate: int) -> None:
        """Set the SCL clock rate (a host that can't change it ignores the request)."""

    def transfer(self, addr: int, messages: Sequence[I2CMessage], stop: bool = True) -> None:
        """Run one transaction: a (repeated) start before each message, a stop at the end
        when ``stop`` is true. A zero-length write is an address probe.

        Raises ``OSError`` with the WiPy's errno when the device does not acknowledge.
        """

    def close(self) -> None:
        """Release the bus."""


# ---------------------------------------------------------------------------------------- SPI


class SPIBus(Protocol):
    """An SPI master."""

    def configure(
        self, baudrate: int, polarity: int, phase: int, bits: int, firstbit_msb: bool
    ) -> None:
        """Set the bus parameters for the following transfers."""

    def transfer(self, tx: bytes) -> bytes:
        """Clock out ``tx`` and return the ``len(tx)`` bytes clocked in at the same time."""

    def close(self) -> None:
        """Release the bus."""


# --------------------------------------------------------------------------------------- UART

#: Called with no arguments when bytes have arrived.
ReceiveCallback = Callable[[], None]


class UARTPort(Protocol):
    """A UART."""

    def configure(self, baudrate: int, bits: int, parity: int | None, stop: int) -> None:
        """Set the line parameters; ``parity`` is ``None``, 0 (even) or 1 (odd)."""

    def read(self, n: int, timeout_s: float) -> bytes:
        """Return up to ``n`` bytes, waiting at most ``timeout_s`` for the first one."""

    def write(self, data: bytes) -> int:
        """Send ``data``; return the number of bytes accepted."""

    def waiting(self) -> int:
        """Return how many received bytes can be read without waiting."""

    def send_break(self) -> None:
        """Hold the TX line low for at least 13 bit times."""

    def fileno(self) -> int:
        """A descriptor that polls readable when bytes are waiting (for ``select``/``poll``)."""

    def on_receive(self, callback: ReceiveCallback | None) -> None:
        """Call ``callback`` whenever bytes arrive (``None`` stops it)."""

    def close(self) -> None:
        """Release the port."""


# ---------------------------------------------------------------------------------- ADC & PWM


class ADCBlock(Protocol):
    """The analog-to-digital converter."""

    @property
    def bits(self) -> int:
        """The resolution of a reading."""

    def read(self, channel: int) -> int:
        """Return the raw reading of ``channel`` (0 .. 2**bits - 1)."""


class PWMChannel(Protocol):
    """One PWM output."""

    def set(self, period_ns: int, duty_ns: int, inverted: bool) -> None:
        """Start or update the output: ``duty_ns`` of every ``period_ns`` is active."""

    def stop(self) -> None:
        """Stop the output (idle level)."""


# ------------------------------------------------------------------------------------- Clock


class Cancellable(Protocol):
    """A scheduled call."""

    def cancel(self) -> None:
        """Don't make the call (harmless once it has been made)."""


class Clock(Protocol):
    """Time as the board sees it: monotonic nanoseconds, sleeping and alarms.

    ``virtual`` is true for a clock that tests advance: sleeping moves it forward at once and
    runs what falls due, in order, on the sleeping thread.
    """

    @property
    def virtual(self) -> bool:
        """Whether tests move this clock (sleeping jumps instead of waiting)."""

    def now_ns(self) -> int:
        """Monotonic time in ns from an arbitrary origin."""

    def ticks_ns(self) -> int:
        """The time a program reading ``ticks_*`` sees; a virtual clock moves on a little with
        each read, so busy-waiting programs see time pass."""

    def sleep_until_ns(self, deadline_ns: int) -> None:
        """Return once ``now_ns() >= deadline_ns``."""

    def call_at_ns(self, deadline_ns: int, callback: Callable[[], None]) -> Cancellable:
        """Call ``callback()`` once at ``deadline_ns`` (from any thread)."""

    def close(self) -> None:
        """Cancel every alarm and stop any thread."""


# ---------------------------------------------------------------------------- RTC, WDT, files


class RTCDevice(Protocol):
    """A settable wall clock, in ns since 2000-01-01 00:00:00."""

    def read_ns(self) -> int:
        """Return the current time."""

    def write_ns(self, t: int) -> None:
        """Set the current time."""


class Watchdog(Protocol):
    """A watchdog that calls ``on_expire`` unless fed in time. It can't be stopped."""

    def start(self, timeout_ms: int, on_expire: Callable[[], None]) -> None:
        """Arm the watchdog."""

    def feed(self) -> None:
        """Restart the countdown."""


@dataclass(frozen=True)
class Storage:
    """Where the device's file systems live on the host."""

    flash: Path
    sd: Path | None = None


# ------------------------------------------------------------------------------------ Network

#: An IPv4 configuration: ``(ip, subnet_mask, gateway, dns_server)``, dotted quads.
IPConfig = tuple[str, str, str, str]

#: Security codes, as the WiPy numbers them: open, WEP, WPA/WPA2.
SEC_OPEN, SEC_WEP, SEC_WPA2 = 0, 1, 2

#: Network link states ``Network.status()`` reports.
LINK_STATES = ("idle", "connecting", "associated", "connected")


@dataclass(frozen=True)
class AccessPoint:
    """A network a scan found; ``sec`` is ``SEC_OPEN``, ``SEC_WEP`` or ``SEC_WPA2``."""

    ssid: str
    bssid: bytes
    sec: int
    channel: int
    rssi: int


@dataclass(frozen=True)
class ServerBinding:
    """Where the telnet and FTP servers listen (port 0: any free port)."""

    host: str = "127.0.0.1"
    telnet_port: int = 2323
    ftp_port: int = 2121


#: Called with no arguments after every WLAN event (association, its loss, a station joining
#: or leaving the access point, socket activity).
NetworkEventCallback = Callable[[], None]


class Network(Protocol):
    """The WiFi network processor, as a station (``'sta'``) or an access point (``'ap'``).

    ``status()`` is ``'idle'``, ``'connecting'`` (association under way), ``'associated'``
    (no IP address yet) or ``'connected'`` (associated, with an address; as an access point:
    a station has joined). A backend that can't drive the host's WiFi raises ``OSError`` from
    the operations it can't do, with a message naming the host tool to use instead.
    """

    @property
    def boot_mode(self) -> str:
        """The role at power-on: ``'ap'`` (the WiPy) or ``'sta'``."""

    @property
    def server_binding(self) -> ServerBinding:
        """Where the telnet and FTP servers are to listen."""

    def servers_bound(self, telnet_port: int, ftp_port: int) -> None:
        """The servers now listen on these ports (0, 0: they stopped)."""

    def mac(self) -> bytes | None:
        """The interface's MAC address; ``None``: the board's unique id is its MAC."""

    def set_mac(self, mac: bytes) -> None:
        """Use ``mac`` (6 bytes) from now on."""

    def start_ap(self, ssid: str, sec: int, key: str | None, channel: int, ip: IPConfig) -> None:
        """Become an access point (dropping any association), reachable at ``ip``."""

    def start_sta(self) -> None:
        """Become a station, not associated."""

    def scan(self) -> list[AccessPoint]:
        """The access points in range (station mode)."""

    def connect(self, ssid: str, sec: int, key: str | None, bssid: bytes | None) -> None:
        """Start associating with ``ssid``; ``status()`` follows the progress. An unknown
        network or a wrong key leaves it ``'connecting'``, as the device keeps trying."""

    def disconnect(self) -> None:
        """Drop the association (or stop trying)."""

    def status(self) -> str:
        """The link state (see the class docstring)."""

    def ifconfig(self) -> IPConfig:
        """The current IPv4 configuration (all ``'0.0.0.0'`` without an address)."""

    def set_ifconfig(self, config: IPConfig | None) -> None:
        """Use a static configuration, or DHCP (``None``)."""

    def on_event(self, callback: NetworkEventCallback | None) -> None:
        """Call ``callback`` after every WLAN event (``None`` stops it)."""

    def close(self) -> None:
        """Stop every alarm and thread."""


# ------------------------------------------------------------------------------------- Board


class Board(Protocol):
    """A board: what it has (``description``) and the primitives to drive it.

    Every factory creates and claims the resource when called, never before, and raises
    ``ValueError`` for an id the board doesn't have.
    """

    @property
    def description(self) -> BoardDescription:
        """What the board has."""

    @property
    def clock(self) -> Clock:
        """The board's clock."""

    @property
    def gpio(self) -> GPIOController:
        """The board's GPIO lines."""

    @property
    def storage(self) -> Storage:
        """Where the board's file systems live on the host."""

    def i2c(self, bus_id: int) -> I2CBus:
        """Open I2C bus ``bus_id``."""

    def spi(self, bus_id: int) -> SPIBus:
        """Open SPI bus ``bus_id``."""

    def uart(self, port_id: int) -> UARTPort:
        """Open UART ``port_id``."""

    def adc(self) -> ADCBlock:
        """Open the ADC."""

    def pwm(self, timer_id: int, channel: str) -> PWMChannel:
        """Open the PWM output of timer ``timer_id`` channel ``'A'``/``'B'``."""

    def rtc(self) -> RTCDevice:
        """Open the real time clock."""

    def watchdog(self) -> Watchdog:
        """Open the watchdog."""

    def network(self) -> Network:
        """The WiFi network processor (one per board)."""

    def close(self) -> None:
        """Release everything the board holds: lines, buses, threads, descriptors."""
