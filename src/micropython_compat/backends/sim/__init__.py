"""The simulated WiPy: pins, wires, buses, device models and a virtual clock, scriptable from
tests and from board description files."""

from .board import SimBoard, create_board

__all__ = ["SimBoard", "create_board"]
