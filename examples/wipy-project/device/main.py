# main.py -- blink while measuring three times, then deep sleep for 10 s and start again
import machine
import time
from machine import I2C, RTC, Pin, Timer

from tmp102 import TMP102

led = Pin("GP16", mode=Pin.OUT, value=0)
blinker = Timer(1, mode=Timer.PERIODIC)
blinker.channel(Timer.A, freq=10).irq(trigger=Timer.TIMEOUT, handler=lambda t: led.toggle())

sensor = TMP102(I2C(0, I2C.MASTER, baudrate=100000))
for _ in range(3):
    t = sensor.centi_celsius()
    print("temperature: %d.%02d C" % (t // 100, t % 100))
    time.sleep(1)

blinker.deinit()
led.value(0)
rtc = RTC()
rtc.irq(trigger=RTC.ALARM0, wake=machine.DEEPSLEEP)
rtc.alarm(time=10000)
print("sleeping")
machine.deepsleep()
