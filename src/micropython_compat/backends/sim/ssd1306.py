"""An SSD1306 OLED controller (128x64 or 128x32) on I2C or SPI, with its display RAM.

The controller takes commands (some with argument bytes: ``COMMANDS`` is the table) and
display data, which it stores in its RAM (``pages`` of 8 pixel rows, one byte per column, bit 0
on top) at the column and page the addressing mode gives, moving on after each byte.

* On I2C (``SSD1306I2C``, usually at 0x3C) every transfer starts with a control byte:
  ``0x00`` commands follow, ``0x40`` data follow, ``0x80`` one command byte then another
  control byte.
* On SPI (``SSD1306SPI(board, dc=..., cs=...)``, attached to the bus) a frame is commands while
  the D/C pin is low and data while it is high; frames with CS high are ignored.

``pixel(x, y)``, ``pixels()`` and ``save_png(path)`` (Pillow) read what the panel shows (all
dark while the display is off). As on the part, a command's argument bytes may come in later
transfers. An unknown command, a bad control byte, an invalid addressing mode or SPI in a mode
the part can't read raises ``ProtocolError``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .protocol import ProtocolError
from .spi import SPIConfig

__all__ = ["COMMANDS", "SSD1306", "SSD1306I2C", "SSD1306SPI"]

#: Command byte (or the first of a range) -> (name, number of argument bytes).
COMMANDS: dict[int, tuple[str, int]] = {
    0x81: ("contrast", 1),
    0xA4: ("follow RAM", 0),
    0xA5: ("entire display on", 0),
    0xA6: ("normal", 0),
    0xA7: ("inverse", 0),
    0xAE: ("display off", 0),
    0xAF: ("display on", 0),
    0x20: ("memory addressing mode", 1),
    0x21: ("column address", 2),
    0x22: ("page address", 2),
    0xA0: ("segment remap off", 0),
    0xA1: ("segment remap on", 0),
    0xA8: ("multiplex ratio", 1),
    0xC0: ("COM scan up", 0),
    0xC8: ("COM scan down", 0),
    0xD3: ("display offset", 1),
    0xDA: ("COM pins", 1),
    0xD5: ("clock divide", 1),
    0xD9: ("pre-charge", 1),
    0xDB: ("VCOMH level", 1),
    0x8D: ("charge pump", 1),
    0x2E: ("deactivate scroll", 0),
    0x2F: ("activate scroll", 0),
    0xE3: ("nop", 0),
}
#: Ranges of one-byte commands: first byte -> (last byte, name).
COMMAND_RANGES = {
    0x00: (0x0F, "lower column start"),
    0x10: (0x1F, "higher column start"),
    0x40: (0x7F, "display start line"),
    0xB0: (0xB7, "page start"),
}


class SSD1306:
    """The controller: ``command(byte)`` / ``data(bytes)`` as the bus fronts deliver them."""

    def __init__(self, width: int = 128, height: int = 64) -> None:
        if width != 128 or height not in (32, 64):
            raise ValueError("an SSD1306 panel is 128x64 or 128x32")
        self.width, self.height = width, height
        self.ram = [bytearray(width) for _ in range(8)]
        self.display_on = False
        self.inverse = False
        self.mode = 2  # page addressing after reset
        self.columns = (0, width - 1)
        self.pages_range = (0, height // 8 - 1)
        self.column, self.page = 0, 0
        self.errors: list[str] = []
        self._pending: list[int] = []
        self._needed = 0

    def _fail(self, message: str) -> ProtocolError:
        self.errors.append(message)
        return ProtocolError(f"SSD1306: {message}")

    def command(self, byte: int) -> None:
        """One command byte (or an argument of the command in progress)."""
        if self._needed:
            self._pending.append(byte)
            self._needed -= 1
            if not self._needed:
                self._apply(self._pending)
            return
        if byte in COMMANDS:
            _, args = COMMANDS[byte]
            self._pending, self._needed = [byte], args
            if not args:
                self._apply(self._pending)
            return
        for first, (last, _) in COMMAND_RANGES.items():
            if first <= byte <= last:
                self._apply([byte])
                return
        raise self._fail(f"0x{byte:02x} is not a command")

    def _apply(self, command: list[int]) -> None:
        op = command[0]
        if op in (0xAE, 0xAF):
            self.display_on = op == 0xAF
        elif op in (0xA6, 0xA7):
            self.inverse = op == 0xA7
        elif op == 0x20:
            if command[1] & 3 == 3:
                raise self._fail("memory addressing mode 3 is invalid")
            self.mode = command[1] & 3
        elif op == 0x21:
            self.columns = (command[1] & 0x7F, command[2] & 0x7F)
            self.column = self.columns[0]
        elif op == 0x22:
            self.pages_range = (command[1] & 7, command[2] & 7)
            self.page = self.pages_range[0]
        elif 0xB0 <= op <= 0xB7:
            self.page = op & 7
        elif op <= 0x0F:
            self.column = self.column & 0xF0 | op
        elif op <= 0x1F:
            self.column = self.column & 0x0F | (op & 0x0F) << 4

    def data(self, payload: bytes) -> None:
        """Display data: stored at the current column and page, moving on after each byte."""
        for byte in payload:
            self.ram[self.page][self.column] = byte
            self._advance()

    def _advance(self) -> None:
        first_col, last_col = self.columns
        first_page, last_page = self.pages_range
        if self.mode == 2:  # page: wrap within the page
            self.column = first_col if self.column >= last_col else self.column + 1
        elif self.mode == 0:  # horizontal
            if self.column >= last_col:
                self.column = first_col
                self.page = first_page if self.page >= last_page else self.page + 1
            else:
                self.column += 1
        elif self.page >= last_page:  # vertical
            self.page = first_page
            self.column = first_col if self.column >= last_col else self.column + 1
        else:
            self.page += 1

    # -- what tests read --------------------------------------------------------------------
    def pixel(self, x: int, y: int) -> int:
        """Whether the panel lights pixel ``(x, y)`` (0 or 1)."""
        if not self.display_on:
            return 0
        lit = self.ram[y // 8][x] >> (y % 8) & 1
        return lit ^ int(self.inverse)

    def pixels(self) -> list[str]:
        """The panel as text rows, ``#`` lit and ``.`` dark."""
        return [
            "".join("#" if self.pixel(x, y) else "." for x in range(self.width))
            for y in range(self.height)
        ]

    def save_png(self, path: str | os.PathLike[str], scale: int = 4) -> Path:
        """Save what the panel shows as a PNG (``scale`` pixels per panel pixel). Needs
        Pillow."""
        from PIL import Image

        image = Image.new("1", (self.width, self.height))
        image.putdata([self.pixel(x, y) for y in range(self.height) for x in range(self.width)])
        image = image.resize((self.width * scale, self.height * scale), Image.Resampling.NEAREST)
        target = Path(path)
        image.save(target, format="PNG")
        return target


class SSD1306I2C(SSD1306):
    """An SSD1306 module on I2C: attach it with ``board.i2c_bus(0).attach(0x3C, oled)``."""

    def __init__(self, width: int = 128, height: int = 64) -> None:
        super().__init__(width, height)
        self._state = "control"  # what the next byte is: control, command, commands, data

    def start(self, read: bool) -> bool:
        self._state = "control"
        return not read  # the I2C interface is write-only (no status read on most modules)

    def write(self, byte: int) -> bool:
        state = self._state
        if state == "control":
            if byte & 0x3F:
                raise self._fail(f"control byte 0x{byte:02x} is not 0x00, 0x40, 0x80 or 0xC0")
            continuation, data = byte & 0x80, byte & 0x40
            self._state = (
                ("datum" if data else "command")
                if continuation
                else ("data" if data else "commands")
            )
        elif state == "data":
            self.data(bytes([byte]))
        elif state == "datum":
            self.data(bytes([byte]))
            self._state = "control"
        elif state == "commands":
            self.command(byte)
        else:  # one command byte, then another control byte
            self.command(byte)
            self._state = "control"
        return True

    def read(self, n: int) -> bytes:
        return bytes(n)

    def stop(self) -> None:
        return None


class SSD1306SPI(SSD1306):
    """An SSD1306 module on SPI: ``dc`` and ``cs`` name the board pins wired to its D/C and CS
    inputs; attach it with ``board.spi_bus(0).attach(oled)``."""

    def __init__(self, board: Any, dc: str, cs: str, width: int = 128, height: int = 64) -> None:
        super().__init__(width, height)
        self._dc, self._cs = board.pin(dc), board.pin(cs)

    def transfer(self, tx: bytes, config: SPIConfig) -> bytes:
        if self._cs.level:
            return b""  # not selected: MISO floats
        if config.polarity or config.phase:
            raise self._fail(f"SPI mode {config.mode}: the SSD1306 reads in mode 0 (or 3)")
        if self._dc.level:
            self.data(tx)
        else:
            for byte in tx:
                self.command(byte)
        return b""
