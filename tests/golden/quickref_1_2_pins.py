# Quick reference 1.2: pins and GPIO.
from machine import Pin

# initialize GP2 in gpio mode (alt=0) and make it an output
p_out = Pin("GP2", mode=Pin.OUT)
p_out.value(1)
print(p_out.value())
p_out.value(0)
print(p_out.value())
p_out.toggle()
print(p_out())
p_out(True)
print(p_out(), p_out)

# make GP1 an input with the pull-up enabled
p_in = Pin("GP1", mode=Pin.IN, pull=Pin.PULL_UP)
print(p_in())  # get value, 0 or 1
print(p_in)
