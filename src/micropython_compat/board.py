"""Which board is active, and how it was chosen.

Order: ``use_board(...)`` > the environment variable ``MICROPYTHON_COMPAT_BOARD`` (``sim``,
``linux``, or the path of a board description file) > automatic: ``linux`` where
``/dev/gpiochip*`` exists, else ``sim``. Choosing ``sim`` on a machine that has GPIO chips
without being asked to warns (``BoardChoiceWarning``). A board that can't load raises
``BoardUnavailable`` naming the cause and the fix; it never falls back to another board.

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
from .runtime import Runtime

__all__ = [
    "ENV_VAR",
    "BoardChoiceWarning",
    "current_board",
    "current_runtime",
    "release_board",
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


def _factory(backend: str) -> Callable[..., Board]:
    target = _BUILTIN_BACKENDS.get(backend)
    if target is None:
        if sys.version_info >= (3, 10):
            from importlib.metadata import entry_points

            found = [
                ep.value
                for ep in entry_points(group="micropython_compat.backends")
                if ep.name == backend
            ]
        else:  # pragma: no cover
            from importlib.metadata import entry_points

            found = [
                ep.value
                for ep in entry_points().get("micropython_compat.backends", [])
                if ep.name == backend
            ]
        if not found:
            known = ", ".join(sorted(_BUILTIN_BACKENDS))
            raise BoardUnavailable(f"unknown board backend {backend!r} (known: {known})")
        target = found[0]
    module_name, _, attr = target.partition(":")
    module = importlib.import_module(module_name)
    factory: Callable[..., Board] = getattr(module, attr)
    return factory


def _load(spec: str, **options: Any) -> Board:
    """Build a board from ``sim``, ``linux``, a backend name or a description file path."""
    if spec in _BUILTIN_BACKENDS or (not spec.endswith(".toml") and os.sep not in spec):
        desc_name = _DEFAULT_DESCRIPTION.get(spec, "wipy")
        desc = None if spec == "linux" else _description.load_builtin(desc_name)
        return _factory(spec)(desc, **options)
    path = Path(spec)
    desc = _description.load(path)
    backend = str(desc.raw.get("board", {}).get("backend", "sim"))
    return _factory(backend)(desc, **options)


def _has_gpio_chips() -> bool:
    return bool(glob.glob("/dev/gpiochip*"))


def _choose(spec: BoardSpec, options: dict[str, Any]) -> tuple[Board, str]:
    if spec is not None and not isinstance(spec, (str, os.PathLike)):
        return spec, "given to use_board()"
    if spec is not None:
        return _load(os.fspath(spec), **options), f"use_board({os.fspath(spec)!r})"
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return _load(env, **options), f"{ENV_VAR}={env}"
    if _has_gpio_chips():
        return _load("linux", **options), "found /dev/gpiochip*"
    return _load("sim", **options), "no /dev/gpiochip* here: the simulated WiPy"


def use_board(spec: BoardSpec = None, **options: Any) -> Board:
    """Make a board the active one and return it, releasing the previous board.

    ``spec`` is ``'sim'``, ``'linux'``, a description file path, a ready ``hal.Board``, or
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


def release_board() -> None:
    """Deinit every peripheral and release the active board (idempotent)."""
    global _active
    with _lock:
        runtime, _active = _active, None
    if runtime is not None:
        runtime.close()
