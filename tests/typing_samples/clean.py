"""A WiPy program as a user writes it: both type checkers must accept it without a complaint."""

import uos
import utime
import wipy
from machine import ADC, I2C, RTC, SPI, UART, WDT, Pin, Timer

led = Pin("GP16", mode=Pin.OUT)
button = Pin(Pin.board.GP17, mode=Pin.IN, pull=Pin.PULL_UP)
led.value(1)
level: int = led.value()
led(level ^ 1)
led.toggle()
mode: int = led.mode()
button.irq(trigger=Pin.IRQ_FALLING, handler=lambda pin: led.toggle())

tim = Timer(3, mode=Timer.PERIODIC)
channel = tim.channel(Timer.A, freq=5)
channel.irq(trigger=Timer.TIMEOUT, handler=lambda t: led.toggle())
hz: int = channel.freq()

i2c = I2C(0, I2C.MASTER, baudrate=100000)
found: list[int] = i2c.scan()
sent: int = i2c.writeto(0x42, b"\x00\x01")
i2c.writeto(0x42, "hello")
data: bytes = i2c.readfrom_mem(0x42, 0x10, 2)
buf = bytearray(4)
i2c.readfrom_into(0x42, buf)

spi = SPI(0, SPI.MASTER, baudrate=1000000, polarity=0, phase=0)
spi.write_readinto(b"abcd", buf)
uart = UART(1, 9600)
uart.write("hello")
line = uart.readline()

adc = ADC()
raw: int = adc.channel(pin="GP3").value()
rtc = RTC()
wdt = WDT(timeout=5000)
wdt.feed()

start = utime.ticks_ms()
utime.sleep_ms(100)
elapsed: int = utime.ticks_diff(start, utime.ticks_ms())
names: list[str] = uos.listdir("/flash")
beating: bool = wipy.heartbeat()
wipy.heartbeat(False)
