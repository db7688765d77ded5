# machine.RTC: the class example and methods.
import machine
import utime

rtc = machine.RTC()
rtc.init((2014, 5, 1, 4, 13, 0, 0, 0))
print(rtc.now())
print(rtc)

utime.sleep_ms(1500)
print(rtc.now())

rtc.alarm(time=5000)
print(rtc.alarm_left())
utime.sleep_ms(2000)
print(rtc.alarm_left())
rtc.cancel()
print(rtc.alarm_left())

rtc.deinit()
print(rtc.now())
