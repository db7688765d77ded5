# blink.py -- blink the LED on GP16 five times, then stop (in under a second).
#
# Runs unchanged on a WiPy with MicroPython 1.8.5, and on CPython with
# micropython-compat:  micropython-compat run examples/blink.py
import utime
from machine import Pin

led = Pin("GP16", mode=Pin.OUT, value=0)
print(led)

for i in range(5):
    led.toggle()
    print("blink", i + 1, "LED", led())
    utime.sleep_ms(80)
    led.toggle()
    utime.sleep_ms(80)

print("done, LED", led())
