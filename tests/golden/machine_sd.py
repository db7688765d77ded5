# machine.SD: the class example.
import os

import machine
from machine import SD

# clk cmd and dat0 pins must be passed along with
# their respective alternate functions
sd = machine.SD(pins=("GP10", "GP11", "GP15"))
os.mount(sd, "/sd")
# do normal file operations
with open("/sd/data.txt", "w") as f:
    f.write("1234")
print(os.listdir("/sd"))
sd.deinit()
sd.init()
print(sd, SD is machine.SD)
