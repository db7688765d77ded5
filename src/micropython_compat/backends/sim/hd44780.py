"""An HD44780 character LCD behind a PCF8574 I2C backpack (the common "I2C LCD" module).

The PCF8574 is an 8-bit port: each byte written to it sets P0..P7, wired on the usual backpack
as ``PINS`` says (RS, RW, E, backlight, D4..D7). The HD44780 takes a nibble on the falling edge
of E: after power-up it is in 8-bit mode, where each nibble is a whole instruction (its low
four bits 0), until a function set with DL=0 puts it in 4-bit mode, where two nibbles, high
first, make a byte. ``screen()`` is the text on the display (the character ROM's ASCII range;
other codes show as ``CHARSET_UNKNOWN``), ``render(path)`` draws it as a PNG (Pillow).

Protocol errors (``ProtocolError``): an instruction before the controller's execution time of
a clear or home has passed (on the board clock: ``EXECUTION_NS``), reading (RW=1, not
modelled) and data writes before the display was set up by a function set.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ...hal import Clock
from .protocol import ProtocolError

__all__ = ["HD44780"]

#: The backpack's wiring: PCF8574 port bit of each LCD signal (D4..D7 on P4..P7).
PINS = {"RS": 0, "RW": 1, "E": 2, "BACKLIGHT": 3, "D4": 4}
#: DDRAM address of the first character of each line (the same for 16x2 and 20x4 modules).
LINE_STARTS = (0x00, 0x40, 0x14, 0x54)
#: How long an instruction keeps the controller busy (datasheet, at 270 kHz). The others' 37 us
#: is shorter than the I2C writes that carry the next nibbles (the simulated bus takes no board
#: time), so only clear and home are checked.
EXECUTION_NS = {"clear": 1_520_000, "home": 1_520_000, "other": 0}
CHARSET_UNKNOWN = "?"


class HD44780:
    """A ``columns`` x ``rows`` HD44780 LCD on a PCF8574 backpack: attach it to an I2C bus
    (usually at 0x27 or 0x3F). ``clock`` (the board's) enables the timing checks."""

    def __init__(self, columns: int = 16, rows: int = 2, clock: Clock | None = None) -> None:
        self.columns, self.rows = columns, rows
        self.clock = clock
        self.ddram = bytearray(b" " * 0x80)
        self.address = 0
        self.increment = True
        self.display_on = False
        self.cursor = False
        self.backlight = False
        self.four_bit = False
        self.configured = False
        self.port = 0xFF
        self.errors: list[str] = []
        self._high: int | None = None
        self._busy_until = 0
        self._busy_with = ""

    # -- the I2C device protocol (PCF8574) --------------------------------------------------
    def start(self, read: bool) -> bool:
        return True

    def write(self, byte: int) -> bool:
        falling = self.port >> PINS["E"] & 1 and not byte >> PINS["E"] & 1
        self.port = byte
        self.backlight = bool(byte >> PINS["BACKLIGHT"] & 1)
        if falling:
            self._nibble(byte >> PINS["D4"] & 0xF, bool(byte >> PINS["RS"] & 1))
        return True

    def read(self, n: int) -> bytes:
        return bytes([self.port]) * n

    def stop(self) -> None:
        return None

    # -- the controller ---------------------------------------------------------------------
    def _fail(self, message: str) -> ProtocolError:
        self.errors.append(message)
        return ProtocolError(f"HD44780: {message}")

    def _nibble(self, nibble: int, rs: bool) -> None:
        if self.port >> PINS["RW"] & 1:
            raise self._fail("RW is high: reads (busy flag, RAM) are not modelled")
        if not self.four_bit:
            self._execute(nibble << 4, rs)
        elif self._high is None:
            self._high = nibble
        else:
            value, self._high = self._high << 4 | nibble, None
            self._execute(value, rs)

    def _check_time(self, what: str) -> None:
        if self.clock is None:
            return
        now = self.clock.now_ns()
        if now < self._busy_until:
            left = (self._busy_until - now) / 1000
            raise self._fail(
                f"{what} sent {left:.0f} us too early: the controller is still executing "
                f"{self._busy_with}"
            )

    def _busy(self, kind: str, what: str) -> None:
        if self.clock is not None:
            self._busy_until = self.clock.now_ns() + EXECUTION_NS[kind]
            self._busy_with = what

    def _execute(self, value: int, rs: bool) -> None:
        what = f"data 0x{value:02x}" if rs else f"instruction 0x{value:02x}"
        self._check_time(what)
        if rs:
            if not self.configured:
                raise self._fail(f"{what} written before a function set configured the display")
            self.ddram[self.address] = value
            self._move()
            self._busy("other", what)
            return
        if value & 0x80:
            self.address = value & 0x7F
        elif value & 0x40:
            pass  # CGRAM address: custom characters are not modelled
        elif value & 0x20:  # function set
            if self.four_bit:
                self.configured = True
            elif not value & 0x10:
                self.four_bit = True  # DL=0: the driver then sends it again in 4-bit mode
        elif value & 0x10:
            pass  # cursor/display shift
        elif value & 0x08:
            self.display_on, self.cursor = bool(value & 0x04), bool(value & 0x02)
        elif value & 0x04:
            self.increment = bool(value & 0x02)
        elif value & 0x02:
            self.address = 0
            self._busy("home", "return home (0x02)")
            return
        elif value == 0x01:
            self.ddram[:] = b" " * 0x80
            self.address, self.increment = 0, True
            self._busy("clear", "clear display (0x01)")
            return
        # 0x00 sets no instruction bit: the controller does nothing (the PCF8574's outputs start
        # high, so the first byte a driver writes drops E and latches one)
        self._busy("other", what)

    def _move(self) -> None:
        self.address = (self.address + (1 if self.increment else -1)) % 0x80

    # -- what tests read --------------------------------------------------------------------
    def line(self, row: int) -> str:
        """The text of display line ``row`` (0-based)."""
        start = LINE_STARTS[row]
        raw = self.ddram[start : start + self.columns]
        return "".join(chr(c) if 0x20 <= c < 0x7E else CHARSET_UNKNOWN for c in raw)

    def screen(self) -> list[str]:
        """Every line of the display (what it shows when on)."""
        return [self.line(row) for row in range(self.rows)]

    def render(self, path: str | os.PathLike[str]) -> Path:
        """Draw the display as a PNG at ``path`` (blank when off). Needs Pillow."""
        from PIL import Image, ImageDraw

        cell_w, cell_h, margin = 12, 20, 10
        size = (self.columns * cell_w + 2 * margin, self.rows * cell_h + 2 * margin)
        background: Any = (150, 200, 60) if self.backlight else (70, 90, 40)
        image = Image.new("RGB", size, background)
        draw = ImageDraw.Draw(image)
        if self.display_on:
            for row, text in enumerate(self.screen()):
                for column, char in enumerate(text):
                    xy = (margin + column * cell_w + 1, margin + row * cell_h + 3)
                    draw.text(xy, char, fill=(20, 30, 20))
        target = Path(path)
        image.save(target, format="PNG")
        return target
