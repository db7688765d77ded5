"""The ``[linux]`` part of a board description, read once into plain values.

Schema (every key optional)::

    [linux]
    gpio_chip = { label = "mpc-sim" }        # or a list of labels, tried in order; omitted:
                                             # every /dev/gpiochip* is searched
    muxed = ["I2C0_SDA", "I2C0_SCL"]         # alternate functions the kernel muxes (device-tree
                                             # overlays): Pin.ALT with them hands the pin over
    i2c = { "0" = "/dev/i2c-1" }             # bus id -> device path
    spi = { "0" = "/dev/spidev0.0" }
    uart = { "0" = "/dev/serial0" }
    adc = { "0" = { device = "ads1015", channel = 0, bits = 12 } }   # IIO device by name
    adc = { "1" = "/sys/bus/iio/devices/iio:device0/in_voltage1_raw" }  # or a raw file
    pwm = { "1A" = { chip = "pwmchip0", channel = 0 } }   # sysfs PWM; others are software PWM
    watchdog = "/dev/watchdog"               # opt in to the kernel watchdog (it reboots!)
    consumer = "micropython-compat"          # the consumer name lines are requested with
    discover_pins = true                     # every uniquely named line is a pin of that name
    detect = true                            # (linux-auto) use the built-in description of
                                             # this machine, with this file's tables on top

    [pins.GP16]                              # a board pin and the GPIO line it is
    line = "GPIO17"                          # a line name (searched on the chips) or an offset
    chip = "pinctrl-bcm2711"                 # optional: the label of the chip to look on
    led = "ACT"                              # or: a /sys/class/leds LED (name or list of names)

A pin without ``line`` or ``led`` is the line with the pin's own name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Union

from ...description import BoardDescription
from ...errors import BoardDescriptionError

__all__ = ["ADCSource", "LinePlace", "LinuxConfig", "PWMSource", "parse"]

LineId = Union[str, int]


@dataclass(frozen=True)
class LinePlace:
    """Where a board pin lives: a GPIO line (``line`` on a chip with one of ``chips``' labels,
    any chip when empty), or a sysfs LED (``leds``: names to try, in order)."""

    line: LineId
    chips: tuple[str, ...] = ()
    leds: tuple[str, ...] = ()


@dataclass(frozen=True)
class ADCSource:
    """An ADC channel: the sysfs file holding its raw value (``path``), or an IIO device found
    by ``device`` name and its ``channel``; ``bits`` is the converter's resolution."""

    path: str | None = None
    device: str | None = None
    channel: int = 0
    bits: int | None = None


@dataclass(frozen=True)
class PWMSource:
    """A sysfs PWM output: ``chip`` (``pwmchip0`` or a path under /sys) and its ``channel``."""

    chip: str
    channel: int


@dataclass(frozen=True)
class LinuxConfig:
    """The parsed ``[linux]`` table and pin mappings."""

    chip_labels: tuple[str, ...] = ()
    muxed: frozenset[str] = frozenset()
    pins: Mapping[str, LinePlace] = field(default_factory=dict)
    i2c: Mapping[int, str] = field(default_factory=dict)
    spi: Mapping[int, str] = field(default_factory=dict)
    uart: Mapping[int, str] = field(default_factory=dict)
    adc: Mapping[int, ADCSource] = field(default_factory=dict)
    pwm: Mapping[tuple[int, str], PWMSource] = field(default_factory=dict)
    watchdog: str | None = None
    consumer: str = "micropython-compat"
    discover_pins: bool = False

    def place(self, pin: str) -> LinePlace:
        """Where board pin ``pin`` lives (its own name on the board's chips by default)."""
        found = self.pins.get(pin)
        return found if found is not None else LinePlace(pin, self.chip_labels)


def _strings(value: Any, what: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise BoardDescriptionError(f"{what} must be a string or a list of strings")


def _paths(table: Any, what: str) -> dict[int, str]:
    if not isinstance(table, dict):
        raise BoardDescriptionError(f"[linux] {what} must be a table of id = path")
    try:
        return {int(k): str(v) for k, v in table.items()}
    except ValueError:
        raise BoardDescriptionError(f"[linux] {what}: ids must be integers") from None


def _adc(table: Any) -> dict[int, ADCSource]:
    if not isinstance(table, dict):
        raise BoardDescriptionError("[linux] adc must be a table of channel = source")
    out: dict[int, ADCSource] = {}
    for key, value in table.items():
        if isinstance(value, str):
            out[int(key)] = ADCSource(path=value)
        elif isinstance(value, dict) and ("device" in value or "path" in value):
            bits: Any = value.get("bits")
            out[int(key)] = ADCSource(
                path=str(value["path"]) if "path" in value else None,
                device=str(value["device"]) if "device" in value else None,
                channel=int(str(value.get("channel", key))),
                bits=int(bits) if bits is not None else None,
            )
        else:
            raise BoardDescriptionError(
                f"[linux] adc.{key} must be a path or {{ device = NAME, channel = N }}"
            )
    return out


def _pwm(table: Any) -> dict[tuple[int, str], PWMSource]:
    if not isinstance(table, dict):
        raise BoardDescriptionError("[linux] pwm must be a table like '1A' = { chip, channel }")
    out: dict[tuple[int, str], PWMSource] = {}
    for key, value in table.items():
        if len(key) < 2 or not key[:-1].isdigit() or key[-1] not in "AB":
            raise BoardDescriptionError(f"[linux] pwm key {key!r} is not like '1A'")
        if not isinstance(value, dict) or "chip" not in value:
            raise BoardDescriptionError(f"[linux] pwm.{key} needs a 'chip' (like 'pwmchip0')")
        out[(int(key[:-1]), key[-1])] = PWMSource(str(value["chip"]), int(value.get("channel", 0)))
    return out


def _pin_places(pins: Any, labels: tuple[str, ...]) -> dict[str, LinePlace]:
    out: dict[str, LinePlace] = {}
    if not isinstance(pins, dict):
        return out
    for name, entry in pins.items():
        if not isinstance(entry, dict):
            continue
        if "led" in entry:
            out[name] = LinePlace(name, (), _strings(entry["led"], f"[pins.{name}] led"))
        elif "line" in entry or "chip" in entry:
            line = entry.get("line", name)
            if not isinstance(line, (str, int)) or isinstance(line, bool):
                raise BoardDescriptionError(f"[pins.{name}] line must be a name or an offset")
            chips = _strings(entry["chip"], f"[pins.{name}] chip") if "chip" in entry else labels
            out[name] = LinePlace(line, chips)
    return out


def parse(description: BoardDescription) -> LinuxConfig:
    """Read ``description``'s ``[linux]`` table and pin mappings.

    Raises ``BoardDescriptionError`` naming the file and the key for a malformed entry.
    """
    section = description.section("linux")
    try:
        chip = section.get("gpio_chip", {})
        if isinstance(chip, dict):
            labels = _strings(chip["label"], "gpio_chip.label") if "label" in chip else ()
        else:
            labels = _strings(chip, "gpio_chip")
        watchdog = section.get("watchdog")
        return LinuxConfig(
            chip_labels=labels,
            muxed=frozenset(_strings(section.get("muxed", []), "muxed")),
            pins=_pin_places(description.raw.get("pins", {}), labels),
            i2c=_paths(section.get("i2c", {}), "i2c"),
            spi=_paths(section.get("spi", {}), "spi"),
            uart=_paths(section.get("uart", {}), "uart"),
            adc=_adc(section.get("adc", {})),
            pwm=_pwm(section.get("pwm", {})),
            watchdog=str(watchdog) if watchdog else None,
            consumer=str(section.get("consumer", "micropython-compat")),
            discover_pins=bool(section.get("discover_pins", False)),
        )
    except BoardDescriptionError as exc:
        raise BoardDescriptionError(f"{description.source}: {exc}") from None
    except (TypeError, ValueError, KeyError) as exc:
        raise BoardDescriptionError(f"{description.source}: [linux]: {exc}") from None
