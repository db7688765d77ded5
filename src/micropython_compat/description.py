"""Board descriptions: what a board has, read from a TOML data file.

A description names the board's pins with their alternate functions, its buses and their default
pins, ADC channels, PWM outputs, and a free-form section per backend (``[sim]``, ``[linux]``)
that only that backend reads. A file may start from another with ``extends = "wipy"`` (a built-in
description) or ``extends = "path/to/other.toml"``; its own tables then replace or extend the
base's, key by key. See ``docs/board-files.md`` for the tables.

Every file, built-in ones included, is checked against one declared schema
(``boards/schema.json``, JSON Schema 2020-12, checked with the ``jsonschema`` library) before
anything reads it: a malformed file raises ``BoardDescriptionError`` naming the file, the key
path and what was expected (an unknown key with the nearest known one).
"""

from __future__ import annotations

import copy
import functools
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from . import _schema
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

    def storage_folder(self, key: str) -> Path | None:
        """The host folder ``[storage] key`` (``'flash'``, ``'sd'``) names, made if missing
        (never its parents); ``None`` when the description names none.

        Raises ``BoardDescriptionError`` when the folder's parent doesn't exist or the path
        is not a folder.
        """
        value = self.section("storage").get(key)
        if value is None:
            return None
        folder = Path(str(value)).expanduser()
        where = f"{self.source}: storage.{key}"
        if not folder.parent.is_dir():
            raise BoardDescriptionError(
                f"{where}: {folder} can't be made: its parent folder {folder.parent} does not "
                "exist (only the named folder itself is ever created)"
            )
        try:
            folder.mkdir(exist_ok=True)
        except OSError as exc:
            raise BoardDescriptionError(f"{where}: {folder}: {exc.strerror}") from None
        if not folder.is_dir():
            raise BoardDescriptionError(f"{where}: {folder} is not a folder")
        return folder.resolve()

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
    return copy.deepcopy(_checked_builtin(name))


@functools.cache
def _checked_builtin(name: str) -> dict[str, Any]:
    """A built-in description's tables, read once (callers get a copy). They meet the schema:
    the test suite checks every built-in file, so loading one costs no schema check."""
    path = resources.files("micropython_compat.boards").joinpath(f"{name}.toml")
    if not path.is_file():
        raise BoardDescriptionError(
            f"no built-in board description {name!r}; built-in ones: {', '.join(builtin_names())}"
        )
    return _checked(path.read_bytes(), f"<built-in {name}>", None, check=False)


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _resolve(
    data: dict[str, Any], origin: Path | None, source: str, depth: int = 0
) -> dict[str, Any]:
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if depth > 8:
        raise BoardDescriptionError(f"{source}: extends: descriptions extend each other in a loop")
    candidate = Path(parent)
    if origin is not None and not candidate.is_absolute():
        candidate = origin.parent / candidate
    if parent.endswith(".toml") or "/" in parent or candidate.is_dir():
        data_of_base = _read_file(candidate, f"{source}: extends")
        base = _resolve(data_of_base, candidate, str(candidate), depth + 1)
    else:
        if parent not in builtin_names():
            raise BoardDescriptionError(
                f"{source}: extends: expected a built-in description's name "
                f"({', '.join(builtin_names())}) or a path to a .toml file, got {parent!r}"
            )
        base = _resolve(_read_builtin(parent), None, f"<built-in {parent}>", depth + 1)
    return _merge(base, data)


def _read_file(path: Path, where: str | None = None) -> dict[str, Any]:
    """Read and check one description file; ``where`` says who named it (an ``extends``)."""
    named = f"{where}: " if where else ""
    if path.is_dir():
        raise BoardDescriptionError(f"{named}{path} is a directory, not a board description file")
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise BoardDescriptionError(f"{named}board description {path} does not exist") from None
    except OSError as exc:
        raise BoardDescriptionError(f"{named}board description {path}: {exc.strerror}") from None
    return _checked(raw, str(path), path)


def _checked(raw: bytes, source: str, path: Path | None, *, check: bool = True) -> dict[str, Any]:
    """Parse TOML bytes and (``check``) check them against the schema; storage paths
    relative to the file become absolute (relative to its folder)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BoardDescriptionError(
            f"{source}: is not UTF-8 text (byte {raw[exc.start]:#04x} at offset {exc.start})"
        ) from None
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BoardDescriptionError(f"{source}: is not valid TOML: {exc}") from None
    except RecursionError:
        raise BoardDescriptionError(f"{source}: is nested too deeply to read") from None
    if check:
        _schema.check(data, source)
    storage = data.get("storage")
    if path is not None and isinstance(storage, dict):
        for key, value in storage.items():
            folder = Path(value).expanduser()
            if not folder.is_absolute():
                storage[key] = str(path.parent / folder)
    return data


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
    if "name" not in board:
        raise BoardDescriptionError(
            f"{source}: board.name: missing (a description, or one it extends, names the board)"
        )
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
    data = _resolve(_read_file(path), path, str(path))
    return _parse(data, str(path))


def load_builtin(name: str) -> BoardDescription:
    """Load a built-in description by name (``'wipy'``)."""
    source = f"<built-in {name}>"
    return _parse(_resolve(_read_builtin(name), None, source), source)
