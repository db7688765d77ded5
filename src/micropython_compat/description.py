"""Board descriptions: what a board has, read from a TOML data file.

A description names the board's pins with their alternate functions, its buses and their default
pins, ADC channels, PWM outputs, and a free-form section per backend (``[sim]``, ``[linux]``)
that only that backend reads. A file may start from another with ``extends = "wipy"`` (a built-in
description) or ``extends = "path/to/other.toml"``; its own tables then replace or extend the
base's, key by key. See ``docs/board-files.md`` for the schema.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import BoardDescriptionError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on older Pythons only
    import tomli as tomllib

__all__ = ["BoardDescription", "PinInfo", "builtin_names", "load", "load_builtin"]


@dataclass(frozen=True)
class PinInfo:
    """One board pin: its name, alternate functions ``(name, index)`` and wake capability."""

    name: str
    alt: tuple[tuple[str, int], ...] = ()
    wake: bool = False
    cpu_pin: int = -1
    port: int = 0
    bit: int = 0


@dataclass(frozen=True)
class BoardDescription:
    """A parsed board description. ``raw`` keeps every table, for the backends' own sections."""

    name: str
    mcu: str
    freq: int
    pins: Mapping[str, PinInfo]
    heartbeat_pin: str | None
    adc_bits: int
    adc_channels: Mapping[int, str]
    pwm: Mapping[tuple[int, str], tuple[str, int]]
    default_pins: Mapping[tuple[str, int], tuple[str | None, ...]]
    source: str
    raw: Mapping[str, Any] = field(default_factory=dict)

    def section(self, name: str) -> Mapping[str, Any]:
        """Return the backend section ``[name]`` (empty when absent)."""
        value = self.raw.get(name, {})
        return value if isinstance(value, dict) else {}

    def bus_ids(self, kind: str) -> list[int]:
        """Return the ids of the ``kind`` buses (``'i2c'``, ``'spi'``, ``'uart'``, ``'sd'``)."""
        table = self.raw.get(kind, {})
        return sorted(int(k) for k in table) if isinstance(table, dict) else []

    def bus(self, kind: str, bus_id: int) -> Mapping[str, Any]:
        """Return the ``[kind.bus_id]`` table; ``ValueError`` if the board has no such bus."""
        table = self.raw.get(kind, {})
        if not isinstance(table, dict) or str(bus_id) not in table:
            raise ValueError(f"{self.name} has no {kind.upper()} {bus_id}")
        entry = table[str(bus_id)]
        return entry if isinstance(entry, dict) else {}


def builtin_names() -> list[str]:
    """Names of the descriptions shipped with the package (``'wipy'``, ...)."""
    folder = resources.files("micropython_compat.boards")
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def _read_builtin(name: str) -> dict[str, Any]:
    path = resources.files("micropython_compat.boards").joinpath(f"{name}.toml")
    if not path.is_file():
        raise BoardDescriptionError(
            f"no built-in board description {name!r}; built-in ones: {', '.join(builtin_names())}"
        )
    data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    return data


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _resolve(data: dict[str, Any], origin: Path | None, depth: int = 0) -> dict[str, Any]:
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if depth > 8:
        raise BoardDescriptionError("board descriptions extend each other in a loop")
    if not isinstance(parent, str):
        raise BoardDescriptionError("'extends' must be a string: a built-in name or a path")
    candidate = Path(parent)
    if origin is not None and not candidate.is_absolute():
        candidate = origin.parent / candidate
    if parent.endswith(".toml"):
        base = _read_file(candidate)
        base = _resolve(base, candidate, depth + 1)
    else:
        base = _resolve(_read_builtin(parent), None, depth + 1)
    return _merge(base, data)


def _read_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            data: dict[str, Any] = tomllib.load(fh)
            return data
    except FileNotFoundError:
        raise BoardDescriptionError(f"board description {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise BoardDescriptionError(f"board description {path} is not valid TOML: {exc}") from None


def _pin(name: str, entry: Mapping[str, Any], source: str) -> PinInfo:
    try:
        alt = tuple((str(a), int(i)) for a, i in entry.get("alt", ()))
        return PinInfo(
            name=name,
            alt=alt,
            wake=bool(entry.get("wake", False)),
            cpu_pin=int(entry.get("cpu_pin", -1)),
            port=int(entry.get("port", 0)),
            bit=int(entry.get("bit", 0)),
        )
    except (TypeError, ValueError) as exc:
        raise BoardDescriptionError(f"{source}: pin {name}: {exc}") from None


def _parse(data: Mapping[str, Any], source: str) -> BoardDescription:
    board = data.get("board", {})
    if not isinstance(board, dict) or "name" not in board:
        raise BoardDescriptionError(f"{source}: the [board] table needs a 'name'")
    pins = {name: _pin(name, entry, source) for name, entry in data.get("pins", {}).items()}
    adc = data.get("adc", {})
    adc_channels = {int(k): str(v) for k, v in adc.get("channels", {}).items()}
    for pin in adc_channels.values():
        if pin not in pins:
            raise BoardDescriptionError(f"{source}: [adc] names unknown pin {pin!r}")
    pwm: dict[tuple[int, str], tuple[str, int]] = {}
    for key, entry in data.get("pwm", {}).items():
        if len(key) < 2 or not key[:-1].isdigit() or key[-1] not in "AB":
            raise BoardDescriptionError(f"{source}: [pwm] key {key!r} is not like '0A'")
        pwm[(int(key[:-1]), key[-1])] = (str(entry["pin"]), int(entry.get("alt", -1)))
    defaults: dict[tuple[str, int], tuple[str | None, ...]] = {}
    for kind in ("uart", "i2c", "spi", "sd"):
        for bus_id, entry in data.get(kind, {}).items():
            names = tuple(entry.get("default_pins", ()))
            defaults[(kind, int(bus_id))] = names
    heartbeat = board.get("heartbeat_pin")
    return BoardDescription(
        name=str(board["name"]),
        mcu=str(board.get("mcu", "")),
        freq=int(board.get("freq", 80_000_000)),
        pins=pins,
        heartbeat_pin=str(heartbeat) if heartbeat else None,
        adc_bits=int(adc.get("bits", 12)),
        adc_channels=adc_channels,
        pwm=pwm,
        default_pins=defaults,
        source=source,
        raw=data,
    )


def load(path: str | Path) -> BoardDescription:
    """Load a description file (following ``extends``).

    Raises ``BoardDescriptionError`` naming the file and the problem.
    """
    path = Path(path)
    data = _resolve(_read_file(path), path)
    return _parse(data, str(path))


def load_builtin(name: str) -> BoardDescription:
    """Load a built-in description by name (``'wipy'``)."""
    return _parse(_resolve(_read_builtin(name), None), f"<built-in {name}>")
