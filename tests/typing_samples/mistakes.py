"""A WiPy program with planted mistakes: each line marked MISTAKE must be reported by both
type checkers, and no other line."""

import uos
import utime
import wipy
from machine import I2C, SPI, Pin, Timer

led = Pin("GP16", mode=Pin.OUT)
button = Pin("GP17", mode=Pin.IN, pull=Pin.PULL_UP)
i2c = I2C(0, I2C.MASTER, baudrate=100000)
spi = SPI(0, SPI.MASTER, baudrate=1000000, polarity=0, phase=0)
tim = Timer(3, mode=Timer.PERIODIC)
start = utime.ticks_ms()

led.init(Pin.OUTPUT)  # MISTAKE: no such constant
led.nonexistent()  # MISTAKE: no such method
text: str = led.value()  # MISTAKE: value() is an int
got: int = led.value(1)  # MISTAKE: value(x) returns None
i2c.writeto(0x50, 5)  # MISTAKE: a buffer, not an int
Pin("GP17", mode=Pin.IN, pul=Pin.PULL_UP)  # MISTAKE: no keyword 'pul'
utime.sleep_ms("100")  # MISTAKE: milliseconds are an int
utime.ticks_diff(start)  # MISTAKE: two ticks
uos.listdirr("/flash")  # MISTAKE: no such function
tim.channel(Timer.A, freq="5")  # MISTAKE: freq is an int
spi.readinto(b"1234")  # MISTAKE: bytes can't be filled
on: bool = wipy.heartbeat(False)  # MISTAKE: setting returns None
