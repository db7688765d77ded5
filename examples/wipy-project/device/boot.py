# boot.py -- run on boot-up
import machine

CAUSES = {
    machine.PWRON_RESET: "power on",
    machine.HARD_RESET: "reset",
    machine.WDT_RESET: "watchdog",
    machine.DEEPSLEEP_RESET: "deep sleep wake",
    machine.SOFT_RESET: "soft reset",
}
print("boot:", CAUSES[machine.reset_cause()])
