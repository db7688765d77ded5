# Quick reference 1.3: timers.
import utime
from machine import Pin, Timer

tim = Timer(0, mode=Timer.PERIODIC)
tim_a = tim.channel(Timer.A, freq=1000)
tim_a.freq(5)  # 5 Hz

p_out = Pin("GP2", mode=Pin.OUT)
tim_a.irq(trigger=Timer.TIMEOUT, handler=lambda t: p_out.toggle())

# Proof: 5 Hz for one second toggles the pin five times.
print(tim, tim_a.freq())
level = p_out()
changes = 0
start = utime.ticks_ms()
while utime.ticks_diff(start, utime.ticks_ms()) < 1000:
    utime.sleep_ms(10)
    if p_out() != level:
        level = p_out()
        changes += 1
print("toggles in 1 s:", changes)
