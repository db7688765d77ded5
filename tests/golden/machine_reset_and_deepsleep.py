# machine.reset(), machine.deepsleep() and the reset causes, across restarts.
import machine
import utime
from machine import RTC

cause = machine.reset_cause()
print("boot: cause", cause, "wake", machine.wake_reason())
if cause == machine.PWRON_RESET:
    machine.reset()
elif cause == machine.HARD_RESET:
    rtc = RTC(datetime=(2016, 10, 17, 12, 0, 0))
    rtc.alarm(time=60000)
    rtc.irq(trigger=RTC.ALARM0, wake=machine.DEEPSLEEP)
    print("deep sleep for a minute")
    machine.deepsleep()
else:
    print(cause == machine.DEEPSLEEP_RESET, machine.wake_reason() == machine.RTC_WAKE)
    print(utime.localtime()[:6])
