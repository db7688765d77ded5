# Quick reference 1.10: real time clock (RTC).
import machine
from machine import RTC

rtc = RTC()  # init with default time and date
print(rtc.now())
rtc = RTC(datetime=(2015, 8, 29, 9, 0, 0, 0, None))  # init with a specific time and date
print(rtc.now())


def alarm_handler(rtc_o):
    print("alarm", rtc_o)
    # do some non blocking operations
    # warning printing on an irq via telnet is not
    # possible, only via UART


# create a RTC alarm that expires after 5 seconds
rtc.alarm(time=5000, repeat=False)

# enable RTC interrupts
rtc_i = rtc.irq(trigger=RTC.ALARM0, handler=alarm_handler, wake=machine.SLEEP)

# go into suspended mode waiting for the RTC alarm to expire and wake us up
machine.sleep()

print(rtc.now()[:6], machine.wake_reason() == machine.RTC_WAKE, rtc_i)
