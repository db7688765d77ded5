# An SSD1306 128x64 OLED on the WiPy, over I2C or SPI. MicroPython 1.8.5 for the WiPy has no
# framebuf module: this driver keeps its own buffer (one byte per column per 8-row page).
import time

from machine import Pin


class SSD1306:
    def __init__(self, width=128, height=64):
        self.width = width
        self.height = height
        self.pages = height // 8
        self.buffer = bytearray(self.pages * width)
        for cmd in (
            0xAE,  # display off
            0x20,
            0x00,  # horizontal addressing
            0x40,  # start line 0
            0xA1,  # segment remap
            0xA8,
            height - 1,  # multiplex
            0xC8,  # COM scan down
            0xD3,
            0x00,  # offset
            0xDA,
            0x12,  # COM pins
            0xD5,
            0x80,  # clock
            0xD9,
            0xF1,  # pre-charge
            0xDB,
            0x30,  # VCOMH
            0x81,
            0xFF,  # contrast
            0xA4,  # follow RAM
            0xA6,  # not inverted
            0x8D,
            0x14,  # charge pump on
            0xAF,  # display on
        ):
            self.write_cmd(cmd)

    def pixel(self, x, y, on=1):
        index = (y // 8) * self.width + x
        if on:
            self.buffer[index] |= 1 << (y % 8)
        else:
            self.buffer[index] &= ~(1 << (y % 8)) & 0xFF

    def hline(self, x, y, length):
        for i in range(length):
            self.pixel(x + i, y)

    def rect(self, x, y, w, h):
        self.hline(x, y, w)
        self.hline(x, y + h - 1, w)
        for j in range(h):
            self.pixel(x, y + j)
            self.pixel(x + w - 1, y + j)

    def show(self):
        for cmd in (0x21, 0, self.width - 1, 0x22, 0, self.pages - 1):
            self.write_cmd(cmd)
        self.write_data(self.buffer)


class SSD1306_I2C(SSD1306):  # noqa: N801 (MicroPython's driver name)
    def __init__(self, i2c, addr=0x3C, width=128, height=64):
        self.i2c = i2c
        self.addr = addr
        self.cmd = bytearray(2)
        super().__init__(width, height)

    def write_cmd(self, cmd):
        self.cmd[0] = 0x80
        self.cmd[1] = cmd
        self.i2c.writeto(self.addr, self.cmd)

    def write_data(self, data):
        self.i2c.writeto(self.addr, b"\x40" + data)


class SSD1306_SPI(SSD1306):  # noqa: N801
    def __init__(self, spi, dc, cs, width=128, height=64):
        self.spi = spi
        self.dc = Pin(dc, mode=Pin.OUT, value=0)
        self.cs = Pin(cs, mode=Pin.OUT, value=1)
        super().__init__(width, height)

    def write_cmd(self, cmd):
        self.dc(0)
        self.cs(0)
        self.spi.write(bytearray([cmd]))
        self.cs(1)

    def write_data(self, data):
        self.dc(1)
        self.cs(0)
        self.spi.write(data)
        self.cs(1)


def draw(oled):
    oled.rect(0, 0, 128, 64)
    oled.hline(10, 20, 50)
    oled.pixel(100, 40)
    oled.show()
    time.sleep_ms(10)
