# Quick reference 1.14: heart beat LED (the wipy module).
import wipy

print(wipy.heartbeat())
print(wipy.heartbeat(False))  # disable the heartbeat LED
print(wipy.heartbeat())
print(wipy.heartbeat(True))  # enable the heartbeat LED
print(wipy.heartbeat())  # get the heartbeat state
