"""The Linux backend: real pins and buses through the kernel's interfaces.

``create_board(description, **options)`` builds a ``LinuxBoard``. With no description
(``use_board('linux')`` or automatic detection of ``/dev/gpiochip*``) it picks the built-in
``raspberry-pi`` description when ``/proc/device-tree/model`` names a Raspberry Pi, else
``linux-generic``. Options: ``flash=DIR``/``sd=DIR`` (host folders for ``/flash`` and ``/sd``,
default ``~/.local/share/micropython-compat/{flash,sd}``, created on demand) and ``clock='real'``
(the only clock this board has).

Needs ``pip install micropython-compat[linux]`` (gpiod, smbus2, spidev, pyserial).
"""

from __future__ import annotations

import glob
import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ... import description as _description
from ...description import BoardDescription, load_builtin
from ...errors import BoardUnavailable

if TYPE_CHECKING:
    from .board import LinuxBoard

__all__ = ["create_board", "detect_description"]

_MODEL_FILE = "/proc/device-tree/model"
_REQUIRED = ("gpiod", "smbus2")


def detect_description(model_file: str | Path = _MODEL_FILE) -> str:
    """The built-in description for this machine: ``raspberry-pi`` or ``linux-generic``."""
    try:
        model = Path(model_file).read_text(errors="replace")
    except OSError:
        model = ""
    return "raspberry-pi" if "Raspberry Pi" in model else "linux-generic"


def _check_dependencies() -> None:
    for name in _REQUIRED:
        try:
            importlib.import_module(name)
        except ImportError:
            raise BoardUnavailable(
                f"the linux board needs the Python package {name!r}, which is not installed: "
                "pip install micropython-compat[linux]"
            ) from None


def create_board(description: BoardDescription | None, **options: Any) -> LinuxBoard:
    """Backend entry point (see the module docstring). Raises ``BoardUnavailable`` when the
    Linux packages are missing or the machine has no GPIO chip, ``ValueError`` for
    ``clock='virtual'``."""
    _check_dependencies()
    if "chip_paths" not in options and not glob.glob("/dev/gpiochip*"):
        raise BoardUnavailable(
            "the linux board backend is not available on this machine: it has no GPIO "
            "character devices (/dev/gpiochip*: the kernel needs CONFIG_GPIO_CDEV and a GPIO "
            "driver); without GPIO use the simulated WiPy (MICROPYTHON_COMPAT_BOARD=sim)"
        )
    from .board import LinuxBoard

    if description is None or description.section("linux").get("detect"):
        description = _detected(description)
    return LinuxBoard(description, **options)


def _detected(description: BoardDescription | None) -> BoardDescription:
    """This machine's built-in description, with ``description``'s own tables on top (a file
    that extends ``linux-auto``)."""
    base = load_builtin(detect_description())
    if description is None or description.source == "<built-in linux-auto>":
        return base
    over = {k: v for k, v in description.raw.items() if k != "board"}
    over["linux"] = {k: v for k, v in description.section("linux").items() if k != "detect"}
    board = dict(description.raw.get("board", {}))
    if board.get("name") == "Linux (detected)":
        del board["name"]
    over["board"] = board
    return _description._parse(_description._merge(dict(base.raw), over), description.source)
