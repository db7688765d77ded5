# An HD44780 LCD on a PCF8574 I2C backpack, driven from a WiPy (MicroPython 1.8.5).
import time

RS = 0x01
ENABLE = 0x04
BACKLIGHT = 0x08


class I2cLcd:
    def __init__(self, i2c, addr=0x27, columns=16, rows=2, delay=True):
        self.i2c = i2c
        self.addr = addr
        self.columns = columns
        self.rows = rows
        self.delay = delay
        self.buf = bytearray(1)
        self._port(0)
        time.sleep_ms(20)  # power-on wait
        for _ in range(3):  # back to 8-bit mode, whatever state it was in
            self._nibble(0x30, 0)
            time.sleep_ms(5)
        self._nibble(0x20, 0)  # 4-bit mode
        time.sleep_ms(1)
        self.command(0x28)  # 2 lines, 5x8 font
        self.command(0x08)  # display off
        self.clear()
        self.command(0x06)  # increment, no shift
        self.command(0x0C)  # display on, no cursor

    def _port(self, value):
        self.buf[0] = value | BACKLIGHT
        self.i2c.writeto(self.addr, self.buf)

    def _nibble(self, value, mode):
        self._port((value & 0xF0) | mode | ENABLE)
        self._port((value & 0xF0) | mode)

    def command(self, value, mode=0):
        self._nibble(value, mode)
        self._nibble(value << 4, mode)
        if self.delay:
            time.sleep_us(50)

    def clear(self):
        self.command(0x01)
        if self.delay:
            time.sleep_ms(2)

    def move_to(self, column, row):
        offsets = (0x00, 0x40, 0x14, 0x54)
        self.command(0x80 | (offsets[row] + column))

    def putstr(self, text):
        for char in text:
            self.command(ord(char), RS)


def demo(i2c):
    lcd = I2cLcd(i2c)
    lcd.putstr("Hello, WiPy!")
    lcd.move_to(0, 1)
    lcd.putstr("temp 21 C")
    return lcd
