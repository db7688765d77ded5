"""micropython-compat: MicroPython 1.8.5 (WiPy) code, unchanged, on CPython.

Importing this package touches no hardware. The board is chosen when device code first needs
it, or explicitly:

    import micropython_compat
    micropython_compat.use_board("sim")        # the simulated WiPy
    micropython_compat.use_board("linux")      # real pins and buses (the linux backend)
    micropython_compat.use_board("myboard.toml")

``install()`` adds what MicroPython code expects to CPython's own ``time``, ``gc`` and ``sys``.
"""

from ._install import install
from ._version import __version__
from .board import BoardChoiceWarning, current_board, release_board, use_board
from .errors import BoardDescriptionError, BoardUnavailable, MicroPythonCompatError

__all__ = [
    "BoardChoiceWarning",
    "BoardDescriptionError",
    "BoardUnavailable",
    "MicroPythonCompatError",
    "__version__",
    "current_board",
    "install",
    "release_board",
    "use_board",
]
