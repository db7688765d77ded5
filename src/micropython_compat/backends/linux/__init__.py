"""The Linux backend: real pins and buses through the kernel's interfaces.

Not written yet (a later issue); choosing it says so instead of falling back to the simulator.
"""

from __future__ import annotations

from typing import Any

from ...errors import BoardUnavailable


def create_board(description: Any, **options: Any) -> Any:
    """Backend entry point. Raises ``BoardUnavailable`` until the backend exists."""
    raise BoardUnavailable(
        "the linux board backend is not available in this version of micropython-compat; "
        "use the simulated WiPy (MICROPYTHON_COMPAT_BOARD=sim)"
    )
