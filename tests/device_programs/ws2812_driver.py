# WS2812 LEDs on the WiPy's SPI MOSI (GP16): each LED bit is 4 SPI bits at 3.2 MHz.
from machine import SPI

# two LED bits per SPI byte: 00 -> 1000 1000, 01 -> 1000 1110, 10 -> 1110 1000, 11 -> 1110 1110
PAIRS = (0x88, 0x8E, 0xE8, 0xEE)


class WS2812:
    def __init__(self, count, baudrate=3200000):
        self.count = count
        self.buf = bytearray(count * 12 + 4)  # 12 SPI bytes per LED, then the latch time
        self.spi = SPI(0, SPI.MASTER, baudrate=baudrate, polarity=0, phase=0)

    def show(self, colors):
        i = 0
        for r, g, b in colors:
            for byte in (g, r, b):
                for shift in (6, 4, 2, 0):
                    self.buf[i] = PAIRS[(byte >> shift) & 3]
                    i += 1
        self.spi.write(self.buf)
