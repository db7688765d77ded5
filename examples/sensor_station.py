# sensor_station.py -- a WiPy program: blink the LED on GP16, read a TMP105 (LM75-style)
# temperature sensor at 0x48 on I2C, report each reading over UART1 and print what comes back.
#
# Runs unchanged on a WiPy with MicroPython 1.8.5 (no floats there: tenths of a degree in
# integers), on a Raspberry Pi with the mapping in wipy-on-pi.toml:
#   MICROPYTHON_COMPAT_BOARD=examples/wipy-on-pi.toml micropython-compat run examples/sensor_station.py
# and on the simulated WiPy, with a sensor and a UART loopback from sensor_station-sim.toml:
#   MICROPYTHON_COMPAT_BOARD=examples/sensor_station-sim.toml micropython-compat run examples/sensor_station.py
import utime
from machine import I2C, UART, Pin

SENSOR = 0x48
READINGS = 3

led = Pin('GP16', mode=Pin.OUT, value=0)
i2c = I2C(0, I2C.MASTER, baudrate=100000)
uart = UART(1, baudrate=115200)
print('I2C devices:', i2c.scan())


def tenths_celsius():
    raw = i2c.readfrom_mem(SENSOR, 0, 2)  # temperature register, most significant byte first
    value = (raw[0] << 4) | (raw[1] >> 4)  # 12 bits, two's complement, 1/16 degree
    if value & 0x800:
        value -= 0x1000
    return value * 10 // 16


def read_reply(timeout_ms):
    start = utime.ticks_ms()
    line = b''
    while utime.ticks_diff(start, utime.ticks_ms()) < timeout_ms:
        if uart.any():
            line += uart.read(uart.any())
            if line.endswith(b'\n'):
                return line.strip()
        utime.sleep_ms(10)
    return None


for n in range(READINGS):
    led.toggle()
    t = tenths_celsius()
    text = '%s%d.%d' % ('-' if t < 0 else '', abs(t) // 10, abs(t) % 10)
    print('LED', led(), 'temperature', text, 'C')
    uart.write('T=' + text + '\r\n')
    print('reply:', read_reply(2000))
    utime.sleep_ms(100)

led.value(0)
print('done, LED', led())
