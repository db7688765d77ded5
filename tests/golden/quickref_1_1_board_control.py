# Quick reference 1.1: general board control (including sleep modes).
import io
import sys

import machine

_stdout, sys.stdout = sys.stdout, io.StringIO()  # help() text differs from the device's
help(machine)  # display all members from the machine module
sys.stdout = _stdout

print(machine.freq())  # get the CPU frequency
uid = machine.unique_id()  # return the 6-byte unique id of the board (the WiPy's MAC address)
print(type(uid).__name__, len(uid))

machine.idle()  # average current decreases to (~12mA), any interrupts wake it up
machine.sleep()  # everything except for WLAN is powered down (~950uA avg. current)
# wakes from Pin, RTC or WLAN
print(machine.reset_cause(), machine.wake_reason())
if machine.reset_cause() != machine.DEEPSLEEP_RESET:
    print("deep sleep, with no wake source: the board sleeps on")
    machine.deepsleep()  # deepest sleep mode, MCU starts from reset. Wakes from Pin and RTC.
    print("not reached")
