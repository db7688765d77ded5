# Quick reference 1.4: PWM (pulse width modulation).
from machine import Timer

# timer 1 in PWM mode and width must be 16 bits
tim = Timer(1, mode=Timer.PWM, width=16)

# enable channel A @1KHz with a 50.55% duty cycle
tim_a = tim.channel(Timer.A, freq=1000, duty_cycle=5055)

print(tim)
print(tim_a.freq(), tim_a.duty_cycle())
