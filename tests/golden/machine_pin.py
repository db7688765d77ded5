# machine.Pin: the class examples.
import machine
from machine import Pin

g = machine.Pin("GP9", mode=Pin.OUT, pull=None, drive=Pin.MED_POWER, alt=-1)
print(g)


def pincb(pin):
    print(pin.id())


pin_int = Pin("GP10", mode=Pin.IN, pull=Pin.PULL_DOWN)
pin_int.irq(trigger=Pin.IRQ_RISING, handler=pincb)
# the callback can be triggered manually
pin_int.irq()
pin_int.irq()()  # (calling the irq object runs the handler)
# to disable the callback
pin_int.irq().disable()

print(Pin.board.GP25)
led = Pin(Pin.board.GP25, mode=Pin.OUT)
print(Pin.board.GP2.alt_list())
print(led, led is Pin.board.GP25)
print(g.id(), g.mode() == Pin.OUT, g.pull(), g.drive() == Pin.MED_POWER)
