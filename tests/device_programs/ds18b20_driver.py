# A DS18B20 on a bit-banged 1-Wire bus on the WiPy (MicroPython 1.8.5): open-drain pin,
# microsecond sleeps, interrupts off during each time slot.
import time

import machine
from machine import Pin


class OneWire:
    def __init__(self, name):
        self.pin = Pin(name, mode=Pin.OPEN_DRAIN, value=1)

    def reset(self):
        self.pin(0)
        time.sleep_us(480)
        state = machine.disable_irq()
        self.pin(1)
        time.sleep_us(70)
        present = self.pin() == 0
        machine.enable_irq(state)
        time.sleep_us(410)
        return present

    def write_bit(self, bit):
        state = machine.disable_irq()
        self.pin(0)
        if bit:
            time.sleep_us(6)
            self.pin(1)
            time.sleep_us(64)
        else:
            time.sleep_us(60)
            self.pin(1)
            time.sleep_us(10)
        machine.enable_irq(state)

    def read_bit(self):
        state = machine.disable_irq()
        self.pin(0)
        time.sleep_us(3)
        self.pin(1)
        time.sleep_us(9)
        bit = self.pin()
        machine.enable_irq(state)
        time.sleep_us(55)
        return bit

    def write_byte(self, value):
        for i in range(8):
            self.write_bit((value >> i) & 1)

    def read_byte(self):
        value = 0
        for i in range(8):
            value |= self.read_bit() << i
        return value


def crc8(data):
    crc = 0
    for byte in data:
        for i in range(8):
            mix = (crc ^ (byte >> i)) & 1
            crc >>= 1
            if mix:
                crc ^= 0x8C
    return crc


def read_rom(ow):
    if not ow.reset():
        raise OSError("no device")
    ow.write_byte(0x33)
    return bytes([ow.read_byte() for _ in range(8)])


def read_temperature(ow):
    """The temperature in 1/16 degC (the WiPy's firmware has no floats)."""
    if not ow.reset():
        raise OSError("no device")
    ow.write_byte(0xCC)
    ow.write_byte(0x44)
    time.sleep_ms(750)
    ow.reset()
    ow.write_byte(0xCC)
    ow.write_byte(0xBE)
    data = bytes([ow.read_byte() for _ in range(9)])
    if crc8(data[:8]) != data[8]:
        raise OSError("CRC error")
    raw = data[0] | (data[1] << 8)
    if raw & 0x8000:
        raw -= 0x10000
    return raw
