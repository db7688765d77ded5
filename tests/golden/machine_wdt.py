# machine.WDT: the class example; an unfed watchdog resets the board.
import machine
import utime
from machine import WDT

print("reset cause", machine.reset_cause())
if machine.reset_cause() == machine.WDT_RESET:
    print("restarted by the watchdog")
else:
    wdt = WDT(timeout=2000)  # enable it with a timeout of 2s
    wdt.feed()
    try:
        WDT(timeout=3000)
    except OSError as e:
        print("already running: OSError", e.args[0])
    for _ in range(5):
        utime.sleep_ms(1500)
        wdt.feed()
    print("fed for 7.5 s")
    utime.sleep_ms(2500)
    print("not reached")
