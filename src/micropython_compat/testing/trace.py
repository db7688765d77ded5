"""Something to look at: the simulated pins' recorded levels as a VCD file, a timing diagram
picture (PNG) and a compact text diagram.

Everything here reads the board's public record (``board.pin(name).history``, a bounded ring:
changes older than its size are dropped and counted), in the board's clock (ns since the
board started). A pin's level before its first kept change is the opposite of that change's
level, or its current level if it never changed.

* ``write_vcd(board, file, pins)``: a Value Change Dump (written with pyvcd) for GTKWave,
  PulseView or Surfer; timescale 1 ns.
* ``timing_diagram(board, path, pins, start_ns, end_ns)``: a PNG (drawn with Pillow) as one
  would draw it on a whiteboard: a row per signal with its name, edges where they happened and
  a time axis in board time. ``LAYOUT`` says where things are, so tests can read it back.
* ``text_diagram(board, pins)``: a few lines of text (``_`` low, ``‾`` high, ``|`` several
  edges within one column) with a time axis; the pytest plugin puts it in a failing test's
  report for the pins given to ``wipy.trace(...)``.

pyvcd and Pillow are optional: ``pip install "micropython-compat[trace]"``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

__all__ = ["LAYOUT", "Layout", "Signal", "signals", "text_diagram", "timing_diagram", "write_vcd"]


class _Board(Protocol):
    def pin(self, name: str) -> Any: ...

    @property
    def clock(self) -> Any: ...


@dataclass(frozen=True)
class Signal:
    """One pin's levels: ``initial`` before ``changes`` (``(time_ns, level)``, in order);
    ``dropped`` older changes were no longer kept."""

    name: str
    initial: int
    changes: tuple[tuple[int, int], ...]
    dropped: int = 0

    def level_at(self, time_ns: int) -> int:
        """The level at ``time_ns`` (after every change at or before it)."""
        level = self.initial
        for when, new in self.changes:
            if when > time_ns:
                break
            level = new
        return level


def signals(board: _Board, pins: Sequence[str]) -> list[Signal]:
    """The recorded levels of ``pins``. Raises ``ValueError`` for a pin the board lacks."""
    found = []
    for name in pins:
        pin = board.pin(name)
        history = pin.history
        changes = tuple((c.time_ns, c.level) for c in history)
        initial = changes[0][1] ^ 1 if changes else int(pin.level)
        found.append(Signal(name, initial, changes, int(history.dropped)))
    return found


# -- VCD ---------------------------------------------------------------------------------------


def write_vcd(board: _Board, file: str | os.PathLike[str] | IO[str], pins: Sequence[str]) -> None:
    """Write the levels of ``pins`` as a VCD (1-bit wires in scope ``board``, 1 ns timescale)
    to ``file`` (a path or a text stream). Needs pyvcd."""
    from vcd import VCDWriter

    if isinstance(file, (str, os.PathLike)):
        with open(file, "w", encoding="ascii") as stream:
            write_vcd(board, stream, pins)
        return
    traced = signals(board, pins)
    events = sorted(
        (when, index, level) for index, s in enumerate(traced) for when, level in s.changes
    )
    with VCDWriter(file, timescale="1 ns", date="today", version="micropython-compat") as out:
        variables = [
            out.register_var("board", s.name, "wire", size=1, init=s.initial) for s in traced
        ]
        for when, index, level in events:
            out.change(variables[index], when, level)


# -- the picture -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """Where the timing diagram draws (pixels): the plot spans ``left``..``left + plot_width``
    for ``start_ns``..``end_ns``; signal ``i`` is drawn at ``high_y(i)`` when high and
    ``low_y(i)`` when low."""

    left: int = 90
    right: int = 20
    top: int = 20
    row: int = 44
    swing: int = 26
    axis: int = 40
    plot_width: int = 800

    def high_y(self, index: int) -> int:
        return self.top + index * self.row + (self.row - self.swing) // 2

    def low_y(self, index: int) -> int:
        return self.high_y(index) + self.swing

    def x(self, time_ns: int, start_ns: int, end_ns: int) -> int:
        """The column of ``time_ns``."""
        span = max(1, end_ns - start_ns)
        return self.left + round((time_ns - start_ns) * self.plot_width / span)


LAYOUT = Layout()


def _time_label(time_ns: int, span_ns: int) -> str:
    for unit, scale in (("s", 10**9), ("ms", 10**6), ("us", 10**3)):
        if span_ns >= 5 * scale:
            value = time_ns / scale
            return f"{value:g} {unit}"
    return f"{time_ns} ns"


def timing_diagram(
    board: _Board,
    path: str | os.PathLike[str],
    pins: Sequence[str],
    start_ns: int = 0,
    end_ns: int | None = None,
) -> Path:
    """Draw ``pins`` from ``start_ns`` to ``end_ns`` (default: now) of board time as a PNG at
    ``path``; return the path. Needs Pillow. Raises ``ValueError`` for an empty window."""
    from PIL import Image, ImageDraw

    end = board.clock.now_ns() if end_ns is None else end_ns
    if end <= start_ns:
        raise ValueError(f"the window {start_ns}..{end} ns is empty")
    traced = signals(board, pins)
    lay = LAYOUT
    width = lay.left + lay.plot_width + lay.right
    height = lay.top + lay.row * len(traced) + lay.axis
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    for index, signal in enumerate(traced):
        draw.text((8, lay.high_y(index) + lay.swing // 2 - 6), signal.name, fill="black")
        level = signal.level_at(start_ns)
        x = lay.left
        for when, new in signal.changes:
            if when <= start_ns or new == level:
                continue
            if when > end:
                break
            edge = lay.x(when, start_ns, end)
            y = lay.high_y(index) if level else lay.low_y(index)
            draw.line([(x, y), (edge, y)], fill="black")
            draw.line([(edge, lay.high_y(index)), (edge, lay.low_y(index))], fill="black")
            x, level = edge, new
        y = lay.high_y(index) if level else lay.low_y(index)
        draw.line([(x, y), (lay.left + lay.plot_width, y)], fill="black")
    axis_y = lay.top + lay.row * len(traced) + 6
    draw.line([(lay.left, axis_y), (lay.left + lay.plot_width, axis_y)], fill="gray")
    span = end - start_ns
    for tick in range(11):
        when = start_ns + span * tick // 10
        x = lay.x(when, start_ns, end)
        draw.line([(x, axis_y), (x, axis_y + 5)], fill="gray")
        if tick % 2 == 0:
            draw.text((x - 12, axis_y + 8), _time_label(when, span), fill="gray")
    target = Path(path)
    image.save(target, format="PNG")
    return target


# -- text --------------------------------------------------------------------------------------


def text_diagram(
    board: _Board,
    pins: Sequence[str],
    start_ns: int = 0,
    end_ns: int | None = None,
    width: int = 64,
) -> str:
    """``pins`` over ``start_ns``..``end_ns`` (default: now) as text, one column per
    ``(end - start) / width`` ns: ``_`` low, ``‾`` high, ``|`` more than one edge in the
    column; then the time axis, and the edge times of each pin (the first 8)."""
    end = board.clock.now_ns() if end_ns is None else end_ns
    end = max(end, start_ns + width)
    traced = signals(board, pins)
    label = max((len(s.name) for s in traced), default=0)
    step = (end - start_ns) / width
    lines = []
    for signal in traced:
        cells = []
        for column in range(width):
            lo, hi = start_ns + column * step, start_ns + (column + 1) * step
            inside = [c for c in signal.changes if lo < c[0] <= hi]
            if len(inside) > 1:
                cells.append("|")
            else:
                cells.append("‾" if signal.level_at(int(hi)) else "_")
        note = f"  ({signal.dropped} older changes dropped)" if signal.dropped else ""
        lines.append(f"{signal.name:>{label}} {''.join(cells)}{note}")
    left = _time_label(start_ns, end - start_ns)
    right = _time_label(end, end - start_ns)
    lines.append(f"{'':>{label}} {left}{right:>{max(1, width - len(left))}}")
    for signal in traced:
        shown = [c for c in signal.changes if start_ns <= c[0] <= end]
        edges = ", ".join(
            f"{'↑' if level else '↓'}{_time_label(when, end - start_ns)}"
            for when, level in shown[:8]
        )
        more = f", ... {len(shown) - 8} more" if len(shown) > 8 else ""
        lines.append(f"{signal.name:>{label}}: {edges or 'no edges'}{more}")
    return "\n".join(lines)
