"""Which board is active, and how it was chosen.

Order: ``use_board(...)`` > the environment variable ``MICROPYTHON_COMPAT_BOARD`` (``sim``,
``linux``, a built-in description's name, or the path of a board description file) >
automatic: ``linux`` where ``/dev/gpiochip*`` exists, else ``sim``. Choosing ``sim`` on a
machine that has GPIO chips without being asked to warns (``BoardChoiceWarning``). A board
that can't load raises ``BoardUnavailable`` naming the cause and the fix; it never falls back
to another board.

Backends are found by name: ``sim`` and ``linux`` are built in, and packages may add more through
the ``micropython_compat.backends`` entry point group (``name = "module:factory"``). A factory is
called as ``factory(description, **options)`` and returns a ``hal.Board``.
"""

from __future__ import annotations

import glob
import importlib
import os
import sys
import threading
import warnings
from pathlib import Path
from typing import Any, Callable, Union

from . import description as _description
from .errors import BoardUnavailable
from .hal import Board
from .runtime import PWRON_WAKE, Runtime

__all__ = [
    "ENV_VAR",
    "BoardChoiceWarning",
    "current_board",
    "backend_names",
    "backend_of",
    "current_runtime",
    "planned_choice",
    "release_board",
    "reset_board",
    "use_board",
]

ENV_VAR = "MICROPYTHON_COMPAT_BOARD"

_BUILTIN_BACKENDS = {
    "sim": "micropython_compat.backends.sim:create_board",
    "linux": "micropython_compat.backends.linux:create_board",
}
# The description a backend uses when only its name is given.
_DEFAULT_DESCRIPTION = {"sim": "wipy", "linux": "linux-auto"}


class BoardChoiceWarning(UserWarning):
    """The simulated board was chosen implicitly on a machine that has real GPIO."""


_lock = threading.RLock()
_active: Runtime | None = None

BoardSpec = Union[str, "os.PathLike[str]", Board, None]


def _plugin_backends() -> dict[str, str]:
    """Backends that installed packages add: name -> ``"module:factory"``."""
    from importlib.metadata import entry_points

    if sys.version_info >= (3, 10):
        found = entry_points(group="micropython_compat.backends")
    else:  # pragma: no cover
        found = entry_points().get("micropython_compat.backends", [])
    return {ep.name: ep.value for ep in found}


def backend_names() -> list[str]:
    """The names of every backend: built-in ones first, then those packages add."""
    plugins = sorted(name for name in _plugin_backends() if name not in _BUILTIN_BACKENDS)
    return [*_BUILTIN_BACKENDS, *plugins]


def _factory(backend: str) -> Callable[..., Board]:
    target = _BUILTIN_BACKENDS.get(backend)
    if target is None:
        target = _plugin_backends().get(backend)
        if target is None:
            known = ", ".join(sorted(_BUILTIN_BACKENDS))
            raise BoardUnavailable(f"unknown board backend {backend!r} (known: {known})")
    module_name, _, attr = target.partition(":")
    module = importlib.import_module(module_name)
    factory: Callable[..., Board] = getattr(module, attr)
    return factory


def _is_backend_name(spec: str) -> bool:
    if spec in _BUILTIN_BACKENDS:
        return True
    if spec in _description.builtin_names():
        return False
    return not spec.endswith(".toml") and os.sep not in spec


def _description_of(spec: str) -> _description.BoardDescription:
    """A built-in description by name (``wipy-test-rig``), else a description file."""
    if spec in _description.builtin_names():
        return _description.load_builtin(spec)
    return _description.load(Path(spec))


def backend_of(spec: str) -> str:
    """The backend that ``spec`` (a backend name, a built-in description's name or a
    description file path) loads with.

    Raises ``BoardDescriptionError`` for a description file that can't be read.
    """
    if _is_backend_name(spec):
        return spec
    return str(_description_of(spec).raw.get("board", {}).get("backend", "sim"))


def _load(spec: str, **options: Any) -> Board:
    """Build a board from ``sim``, ``linux``, a backend name, a built-in description's name
    or a description file path."""
    if _is_backend_name(spec):
        desc_name = _DEFAULT_DESCRIPTION.get(spec, "wipy")
        desc = None if spec == "linux" else _description.load_builtin(desc_name)
        return _factory(spec)(desc, **options)
    desc = _description_of(spec)
    backend = str(desc.raw.get("board", {}).get("backend", "sim"))
    return _factory(backend)(desc, **options)


def _has_gpio_chips() -> bool:
    return bool(glob.glob("/dev/gpiochip*"))


def _linux_description() -> str:
    """Which built-in description the linux backend will use here, and why."""
    from .backends.linux import detect_description

    name = detect_description()
    if name == "raspberry-pi":
        return "the raspberry-pi description (/proc/device-tree/model names a Raspberry Pi)"
    return f"the {name} description"


def planned_choice(spec: str | os.PathLike[str] | None = None) -> tuple[str, str]:
    """What ``use_board(spec)`` would load, and why, without loading it: ``(spec, reason)``,
    the spec being ``'sim'``, ``'linux'``, another backend name or a description file path."""
    if spec is not None:
        return os.fspath(spec), f"use_board({os.fspath(spec)!r})"
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return env, f"{ENV_VAR}={env}"
    if _has_gpio_chips():
        return "linux", f"found /dev/gpiochip*: {_linux_description()}"
    return "sim", "no /dev/gpiochip* here: the simulated WiPy"


def _choose(spec: BoardSpec, options: dict[str, Any]) -> tuple[Board, str]:
    if spec is not None and not isinstance(spec, (str, os.PathLike)):
        return spec, "given to use_board()"
    name, reason = planned_choice(spec)
    return _load(name, **options), reason


def use_board(spec: BoardSpec = None, **options: Any) -> Board:
    """Make a board the active one and return it, releasing the previous board.

    ``spec`` is ``'sim'``, ``'linux'``, a built-in description's name (``'wipy-test-rig'``),
    a description file path, a ready ``hal.Board``, or
    ``None`` to choose as described in this module's docstring. ``options`` go to the
    backend (the sim board takes ``clock='virtual'|'real'`` and ``flash=DIR``).
    Raises ``BoardUnavailable`` or ``BoardDescriptionError``.
    """
    global _active
    with _lock:
        release_board()
        board, reason = _choose(spec, options)
        _active = Runtime(board, reason)
        return board


def current_runtime() -> Runtime:
    """The active runtime, choosing a board on first use (see ``use_board``)."""
    global _active
    with _lock:
        if _active is None or _active.closed:
            board, reason = _choose(None, {})
            _active = Runtime(board, reason)
            _warn_if_implicit_sim(board, reason)
        return _active


def _warn_if_implicit_sim(board: Board, reason: str) -> None:
    env = os.environ.get(ENV_VAR, "").strip()
    if env or not _has_gpio_chips():
        return
    if type(board).__module__.startswith("micropython_compat.backends.sim"):
        warnings.warn(
            f"using the simulated WiPy although this machine has GPIO chips ({reason}); "
            f"set {ENV_VAR}=linux or call micropython_compat.use_board('linux')",
            BoardChoiceWarning,
            stacklevel=3,
        )


def current_board() -> Board:
    """The active board (chosen on first use)."""
    return current_runtime().board


def active_runtime() -> Runtime | None:
    """The active runtime, or ``None`` when no board has been chosen yet."""
    return _active


def reset_board(reset_cause: int, wake_reason: int = PWRON_WAKE) -> Runtime:
    """Reset the active board as the device resets: stop every handler and deinit every
    peripheral (the runtime closes), but keep the board itself, with its clock, storage and
    RTC, and start a fresh runtime on it reporting ``reset_cause`` and ``wake_reason``.

    Raises ``RuntimeError`` when no board is active.
    """
    global _active
    with _lock:
        old = _active
        if old is None or old.closed:
            raise RuntimeError("no active board to reset")
        old.close(keep_board=True)
        _active = Runtime(old.board, old.reason)
        _active.reset_cause = reset_cause
        _active.wake_reason = wake_reason
        return _active


def release_board() -> None:
    """Deinit every peripheral and release the active board (idempotent)."""
    global _active
    with _lock:
        runtime, _active = _active, None
    if runtime is not None:
        runtime.close()
