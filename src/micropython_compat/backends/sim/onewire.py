"""A 1-Wire bus on a simulated pin, and a DS18B20 temperature sensor answering a bit-banged
driver on the board clock.

The sensor sits on a spare board pin wired to the program's bus pin (``via``): it watches the
net's level through that pin's line and pulls the net low through it (open drain, with the
pull-up the bus needs), so it sees exactly what a part on the wire would. It decodes the
master's low pulses by their length on the board clock (``TIMING``, from the datasheet):

* at least 480 us: a reset; the sensor answers with a presence pulse (low from 30 to 150 us
  after the master releases the line);
* under 15 us: a write-1 slot, or a read slot when the sensor is sending (a 0 is sent by
  holding the line low for 30 us from the master's falling edge);
* 60 to 120 us: a write-0 slot.

Commands: ROM ``0x33`` read ROM, ``0x55`` match ROM, ``0xCC`` skip ROM; function ``0x44``
convert T (750 ms at 12 bits; read slots return 0 while converting), ``0xBE`` read scratchpad
(9 bytes, Dallas CRC-8 last). ``temperature`` (degrees C) is what a conversion measures; the
scratchpad holds 85 C until the first one. A low pulse of another length, a write slot too
long, or an unknown command raises ``ProtocolError``.
"""

from __future__ import annotations

from typing import Any

from ...hal import LineConfig
from .protocol import ProtocolError

__all__ = ["DS18B20", "TIMING", "crc8"]

#: Pulse limits in ns (datasheet): reset minimum, write-1 maximum, write-0 range, the
#: presence pulse's start and end after the reset, how long a sent 0 holds the line, and
#: a 12-bit conversion.
TIMING = {
    "reset_min": 480_000,
    "write1_max": 15_000,
    "write0_min": 60_000,
    "write0_max": 120_000,
    "presence_start": 30_000,
    "presence_end": 150_000,
    "send0_hold": 30_000,
    "convert": 750_000_000,
}
POWER_ON_CELSIUS = 85


def crc8(data: bytes) -> int:
    """The Dallas/Maxim CRC-8 (x^8 + x^5 + x^4 + 1, reflected) of ``data``."""
    crc = 0
    for byte in data:
        for bit in range(8):
            mix = (crc ^ byte >> bit) & 1
            crc >>= 1
            if mix:
                crc ^= 0x8C
    return crc


class DS18B20:
    """A DS18B20 on the 1-Wire bus of pin ``pin``, attached through the spare pin ``via``
    (wired to it here). ``serial`` is the 48-bit serial number of its ROM code."""

    FAMILY = 0x28

    def __init__(self, board: Any, pin: str, via: str, serial: int = 0x0000_0123_4567) -> None:
        self.clock = board.clock
        board.wire(pin, via)
        self._line = board.gpio.claim(via, LineConfig(mode="open_drain", pull="up", value=1))
        body = bytes([self.FAMILY]) + serial.to_bytes(6, "little")
        self.rom = body + bytes([crc8(body)])
        self.temperature: float = 25.0
        self._raw = POWER_ON_CELSIUS * 16
        self.errors: list[str] = []
        self._fell_at: int | None = None
        self._driving = False
        self._state = "idle"  # idle, rom, function, match, send
        self._bits: list[int] = []
        self._out: list[int] = []
        self._converting_until = 0
        self._read_slot = False
        self._after_send = "idle"
        self._match = bytearray()
        self._line.watch(self._edge)

    def _fail(self, message: str) -> ProtocolError:
        self.errors.append(message)
        self._state = "idle"
        return ProtocolError(f"DS18B20: {message}")

    # -- what the line does ------------------------------------------------------------------
    def _pull(self, low: bool) -> None:
        if low:
            self._driving = True
            self._line.set(0)
        else:
            self._line.set(1)  # its rising edge comes back while _driving: not the master's
            self._driving = False

    def _edge(self, level: int, time_ns: int) -> None:
        if self._driving:
            if level:
                self._fell_at = None
            return
        if not level:
            if self._fell_at is None:
                self._fell_at = time_ns
                self._read_slot = self._state == "send" or self.busy()
                if self._state == "send":
                    self._send_bit(time_ns)
                elif self.busy():
                    self._hold_low(time_ns)  # converting: read slots return 0
            return
        fell, self._fell_at = self._fell_at, None
        if fell is None:
            return
        width = time_ns - fell
        if width >= TIMING["reset_min"]:
            self._reset(time_ns)
        elif self._read_slot:
            return
        elif width <= TIMING["write1_max"]:
            self._receive(1)
        elif TIMING["write0_min"] <= width <= TIMING["write0_max"]:
            self._receive(0)
        else:
            raise self._fail(
                f"a low pulse of {width / 1000:.0f} us is neither a write-1 (<= 15 us), a "
                f"write-0 (60-120 us) nor a reset (>= 480 us)"
            )

    def _hold_low(self, time_ns: int) -> None:
        self._pull(True)
        self.clock.call_at_ns(time_ns + TIMING["send0_hold"], lambda: self._pull(False))

    def _reset(self, time_ns: int) -> None:
        self._state, self._bits, self._out = "rom", [], []
        self._converting_until = 0
        self.clock.call_at_ns(time_ns + TIMING["presence_start"], lambda: self._pull(True))
        self.clock.call_at_ns(time_ns + TIMING["presence_end"], lambda: self._pull(False))

    def _send_bit(self, time_ns: int) -> None:
        bit = self._out.pop(0)
        if not self._out:
            self._state, self._after_send = self._after_send, "idle"
        if not bit:
            self._hold_low(time_ns)

    def _send(self, data: bytes, then: str = "idle") -> None:
        self._out = [byte >> i & 1 for byte in data for i in range(8)]
        self._state, self._after_send = "send", then

    # -- bytes and commands ------------------------------------------------------------------
    def _receive(self, bit: int) -> None:
        if self._state == "idle":
            return  # not addressed: ignore the slots
        self._bits.append(bit)
        if len(self._bits) < 8:
            return
        byte = sum(b << i for i, b in enumerate(self._bits))
        self._bits = []
        self._command(byte)

    def _command(self, byte: int) -> None:
        if self._state == "rom":
            if byte == 0xCC:
                self._state = "function"
            elif byte == 0x33:
                self._send(self.rom, then="function")
            elif byte == 0x55:
                self._state, self._match = "match", bytearray()
            else:
                raise self._fail(f"0x{byte:02x} is not a ROM command (0x33, 0x55, 0xCC)")
        elif self._state == "match":
            self._match.append(byte)
            if len(self._match) == 8:
                self._state = "function" if bytes(self._match) == self.rom else "idle"
        elif byte == 0x44:
            self._raw = round(self.temperature * 16) & 0xFFFF
            self._converting_until = self.clock.now_ns() + TIMING["convert"]
            self._state = "idle"
        elif byte == 0xBE:
            scratch = self._raw.to_bytes(2, "little") + bytes([0x4B, 0x46, 0x7F, 0xFF, 0x0C, 0x10])
            self._send(scratch + bytes([crc8(scratch)]))
        else:
            raise self._fail(f"0x{byte:02x} is not a function command (0x44, 0xBE)")

    def busy(self) -> bool:
        """Whether a conversion is running (read slots then return 0)."""
        return bool(self.clock.now_ns() < self._converting_until)
