# machine.Timer and TimerChannel: the class examples.
import utime


def count_toggles(pin, ms):
    """How often ``pin`` changes level in the next ``ms`` milliseconds."""
    level, changes = pin(), 0
    for _ in range(ms // 10):
        utime.sleep_ms(10)
        if pin() != level:
            level, changes = pin(), changes + 1
    return changes


# Example usage to toggle an LED at a fixed frequency:
from machine import Pin, Timer  # noqa: E402

led = Pin("GP16", mode=Pin.OUT)  # enable GP16 as output to drive the LED
tim = Timer(3)  # create a timer object using timer 3
tim.init(mode=Timer.PERIODIC)  # initialize it in periodic mode
tim_ch = tim.channel(Timer.A, freq=5)  # configure channel A at a frequency of 5Hz
tim_ch.irq(handler=lambda t: led.toggle(), trigger=Timer.TIMEOUT)  # toggle a LED on every cycle
print(tim, "toggles in 1 s:", count_toggles(led, 1000))
tim.deinit()
print("after deinit:", count_toggles(led, 1000))

# Example using named function for the callback:
from machine import Pin, Timer  # noqa: E402

tim = Timer(1, mode=Timer.PERIODIC, width=32)
tim_a = tim.channel(Timer.A | Timer.B, freq=1)  # 1 Hz frequency requires a 32 bit timer

led = Pin("GP16", mode=Pin.OUT)  # enable GP16 as output to drive the LED


def tick(timer):  # we will receive the timer object when being called
    global led  # noqa: PLW0602
    led.toggle()  # toggle the LED


tim_a.irq(handler=tick, trigger=Timer.TIMEOUT)  # create the interrupt
print(tim, "toggles in 3 s:", count_toggles(led, 3000))
tim.deinit()

# Further examples:
from machine import Timer  # noqa: E402

tim1 = Timer(1, mode=Timer.ONE_SHOT)  # initialize it in one shot mode
tim2 = Timer(2, mode=Timer.PWM)  # initialize it in PWM mode
tim1_ch = tim1.channel(Timer.A, freq=10, polarity=Timer.POSITIVE)  # start the event counter
tim2_ch = tim2.channel(Timer.B, freq=10000, duty_cycle=5000)  # start the PWM on channel B
print(tim1, tim2, tim2_ch.freq(), tim2_ch.duty_cycle())
tim2_ch.freq(20)  # set the frequency (can also get ...
tim2_ch.duty_cycle(3010)  # set the duty cycle to 30.1% (can ...
print(tim2_ch.freq(), tim2_ch.duty_cycle())
tim2_ch.duty_cycle(3020, Timer.NEGATIVE)  # set the duty cycle to 30.2% and ...
print(tim2_ch.duty_cycle())
try:
    tim2_ch.period(2000000)  # change the period to 2 seconds
except ValueError as e:  # a 16-bit PWM timer can't count 2 s at 80 MHz (nor on the WiPy)
    print("period(2000000): ValueError:", e)
tim2_ch.period(200000)
print(tim2_ch.period(), tim2_ch.freq())

fired = []
tim1_ch.irq(handler=lambda t: fired.append(utime.ticks_ms()), trigger=Timer.TIMEOUT)
utime.sleep_ms(500)
print("one shot fired", len(fired), "time")
