"""WS2812 (NeoPixel) LEDs fed from SPI MOSI, as the WiPy's ws2812 driver does.

The driver clocks SPI at about 3.2 MHz and sends each LED bit as 4 SPI bits: ``1000`` for a 0
and ``1110`` for a 1 (0.31 / 0.94 µs high of a 1.25 µs bit), 24 bits per LED in G, R, B order,
most significant bit first; zero bytes after the data are the latch (reset) time.

``WS2812(count)`` attaches to an SPI bus (``board.spi_bus(0).attach(strip)``); after each frame
``colors`` is the list of ``(r, g, b)`` of the first ``count`` LEDs (LEDs past the data keep
their colour). A nibble that is neither pattern, a bit rate outside the LEDs' tolerance, or a
frame that ends inside an LED raises ``ProtocolError``.
"""

from __future__ import annotations

from .protocol import ProtocolError
from .spi import SPIConfig

__all__ = ["WS2812"]

#: The 4-bit SPI patterns of a 0 and a 1 bit.
PATTERNS = {0b1000: 0, 0b1110: 1}
#: SPI clock rates whose 4-bit groups make a bit the LEDs accept (1.25 µs ± 600 ns).
BAUDRATE_RANGE = (2_200_000, 6_000_000)


class WS2812:
    """A strip of ``count`` WS2812 LEDs on an SPI bus's MOSI."""

    def __init__(self, count: int) -> None:
        if count < 1:
            raise ValueError("a strip has at least one LED")
        self.colors: list[tuple[int, int, int]] = [(0, 0, 0)] * count
        self.frames = 0
        self.errors: list[str] = []

    def _fail(self, message: str) -> ProtocolError:
        self.errors.append(message)
        return ProtocolError(f"WS2812: {message}")

    def transfer(self, tx: bytes, config: SPIConfig) -> bytes:
        """One SPI frame on MOSI: decode the LED bits and show them. Raises ProtocolError."""
        low, high = BAUDRATE_RANGE
        if not low <= config.baudrate <= high:
            raise self._fail(
                f"SPI at {config.baudrate} Hz makes 4-bit LED bits of "
                f"{4e9 / config.baudrate:.0f} ns; the LEDs need 1250 ± 600 ns "
                f"(SPI between {low} and {high} Hz)"
            )
        data = tx.rstrip(b"\x00")  # the latch time
        bits: list[int] = []
        for index, byte in enumerate(data):
            for shift, half in ((4, "high"), (0, "low")):
                nibble = byte >> shift & 0xF
                if nibble not in PATTERNS:
                    raise self._fail(
                        f"SPI byte {index} (0x{byte:02x}), {half} nibble {nibble:04b} is neither "
                        f"a 0 (1000) nor a 1 (1110) LED bit"
                    )
                bits.append(PATTERNS[nibble])
        if len(bits) % 24:
            raise self._fail(f"the frame has {len(bits)} LED bits, not a multiple of 24")
        for led in range(min(len(bits) // 24, len(self.colors))):
            chunk = bits[led * 24 : led * 24 + 24]
            g, r, b = (int("".join(map(str, chunk[i : i + 8])), 2) for i in (0, 8, 16))
            self.colors[led] = (r, g, b)
        self.frames += 1
        return bytes(len(tx))
