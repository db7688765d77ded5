"""Something to look at: VCD, a timing diagram picture and a text diagram of the pins, each
read back and checked against the board's record."""

from __future__ import annotations

import textwrap
from pathlib import Path

from PIL import Image
from vcd.reader import TokenKind, tokenize

from micropython_compat.testing import WiPyUnderTest
from micropython_compat.testing.trace import LAYOUT, signals

from .test_testing_devicecode import user_pytest

BLINK = """\
    from machine import Pin, Timer
    led = Pin("GP16", mode=Pin.OUT, value=0)
    tim = Timer(1, mode=Timer.PERIODIC)
    tim.channel(Timer.A, freq=10).irq(trigger=Timer.TIMEOUT, handler=lambda t: led.toggle())
"""


def _blink(wipy: WiPyUnderTest, tmp_path: Path) -> None:
    script = tmp_path / "blink.py"
    script.write_text(textwrap.dedent(BLINK))
    assert wipy.run(script) == 0
    wipy.advance(ms=430)
    wipy.pin("GP17").pulse(1, 50_000)  # 50 ms high at 430 ms
    wipy.advance(ms=270)


def _changes(wipy: WiPyUnderTest, name: str) -> list[tuple[int, int]]:
    return [(c.time_ns, c.level) for c in wipy.pin(name).history]


def test_vcd_has_every_recorded_change(wipy, tmp_path) -> None:
    _blink(wipy, tmp_path)
    path = wipy.vcd(tmp_path / "board.vcd", ["GP16", "GP17"])
    ids: dict[str, str] = {}
    seen: dict[str, list[tuple[int, int]]] = {"GP16": [], "GP17": []}
    now = 0
    with open(path, "rb") as stream:
        for token in tokenize(stream):
            if token.kind is TokenKind.VAR:
                ids[token.var.id_code] = token.var.reference
            elif token.kind is TokenKind.CHANGE_TIME:
                now = token.time_change
            elif token.kind is TokenKind.CHANGE_SCALAR and now > 0:
                seen[ids[token.scalar_change.id_code]].append((now, int(token.scalar_change.value)))
    assert seen["GP16"] == _changes(wipy, "GP16")
    assert seen["GP17"] == _changes(wipy, "GP17") == [(430_000_000, 1), (480_000_000, 0)]
    assert len(seen["GP16"]) == 7  # a toggle every 100 ms


def _edges_in_row(image: Image.Image, index: int) -> tuple[list[int], list[int]]:
    """Columns where row ``index`` has its vertical edges, and its level in each column."""
    high, low = LAYOUT.high_y(index), LAYOUT.low_y(index)
    middle = (high + low) // 2
    edges, levels = [], []
    for x in range(LAYOUT.left, LAYOUT.left + LAYOUT.plot_width + 1):
        dark = [sum(image.getpixel((x, y))) < 200 for y in (high, middle, low)]  # type: ignore[arg-type]
        if dark[1]:
            edges.append(x)
        levels.append(1 if dark[0] and not dark[2] else 0 if dark[2] and not dark[0] else -1)
    return edges, levels


def test_the_picture_has_the_edges_where_the_history_says(wipy, tmp_path) -> None:
    _blink(wipy, tmp_path)
    start, end = 150_000_000, 650_000_000
    path = wipy.timing_diagram(tmp_path / "board.png", ["GP16", "GP17"], start_ms=150, end_ms=650)
    image = Image.open(path).convert("RGB")
    for index, signal in enumerate(signals(wipy, ["GP16", "GP17"])):
        edges, levels = _edges_in_row(image, index)
        expected = [LAYOUT.x(t, start, end) for t, _ in signal.changes if start < t <= end]
        assert edges == expected, signal.name
        for column, level in enumerate(levels):
            x = LAYOUT.left + column
            if x in edges:
                continue
            time_ns = start + (x - LAYOUT.left) * (end - start) // LAYOUT.plot_width
            assert level == signal.level_at(time_ns), (signal.name, x)
        name_area = image.crop((0, LAYOUT.high_y(index), LAYOUT.left - 4, LAYOUT.low_y(index)))
        darkest = name_area.convert("L").getextrema()[0]
        assert isinstance(darkest, int) and darkest < 100, "the signal's name is drawn"
    assert len(expected) == 2  # GP17's pulse is in the window


def test_text_diagram_shows_levels_and_edge_times(wipy, tmp_path) -> None:
    _blink(wipy, tmp_path)
    wipy.trace("GP16")
    text = wipy.text_diagram()
    row, axis, edges = text.splitlines()
    assert row.startswith("GP16 ")
    cells = row[5:]
    assert len(cells) == 64
    assert cells[:9] == "_________" and cells[10:18] == "‾‾‾‾‾‾‾‾"
    assert axis.split() == ["0", "ms", "700", "ms"]
    assert edges == "GP16: ↑100 ms, ↓200 ms, ↑300 ms, ↓400 ms, ↑500 ms, ↓600 ms, ↑700 ms"


FAILING = """\
    from machine import Pin

    def test_pulse(wipy):
        wipy.trace("GP16", "GP17")
        led = Pin("GP16", mode=Pin.OUT, value=0)
        wipy.advance(ms=10)
        led.value(1)
        wipy.advance(ms=20)
        led.value(0)
        wipy.advance(ms=10)
        assert len(wipy.pin("GP16").history) == 3
"""


def test_a_failing_test_report_shows_the_traced_pins(tmp_path) -> None:
    (tmp_path / "test_pulse.py").write_text(textwrap.dedent(FAILING))
    out = user_pytest(tmp_path)
    assert "1 failed" in out
    assert "wipy trace (board time)" in out
    gp16 = next(line for line in out.splitlines() if line.startswith("GP16 "))
    # a column shows the level at its end: 0.625 ms columns, the edge at 10 ms ends column 15
    assert gp16 == "GP16 " + "_" * 15 + "‾" * 32 + "_" * 17
    assert "GP16: ↑10 ms, ↓30 ms" in out
    assert "GP17: no edges" in out
