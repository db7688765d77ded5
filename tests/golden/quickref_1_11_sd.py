# Quick reference 1.11: SD card.
import os

from machine import SD

# clock pin, cmd pin, data0 pin
sd = SD(pins=("GP10", "GP11", "GP15"))
# or use default ones for the expansion board
sd = SD()
os.mount(sd, "/sd")

with open("/sd/hello.txt", "w") as f:
    f.write("hello sd")
print(os.listdir("/sd"), sd)
with open("/sd/hello.txt") as f:
    print(f.read())
