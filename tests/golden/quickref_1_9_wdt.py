# Quick reference 1.9: watchdog timer (WDT).
import machine
import utime
from machine import WDT

print("reset cause", machine.reset_cause())
if machine.reset_cause() != machine.WDT_RESET:
    # enable the WDT with a timeout of 5s (1s is the minimum)
    wdt = WDT(timeout=5000)
    wdt.feed()
    print(wdt)
    utime.sleep_ms(4000)
    wdt.feed()
    utime.sleep_ms(4000)
    print("fed in time")
    utime.sleep_ms(6000)  # not fed: the watchdog resets the board
    print("not reached")
