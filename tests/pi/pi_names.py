# A script written with the Raspberry Pi's own names, run on the emulated Pi by
# tests/pi/guest_pi.py under `micropython-compat run` with no board file and no
# MICROPYTHON_COMPAT_BOARD: only the built-in raspberry-pi description has these names, so it
# runs only if the board was detected from /proc/device-tree/model.
from machine import I2C, SPI, UART, Pin
from ubinascii import hexlify

led = Pin("GPIO27", mode=Pin.OUT, value=1)
print(led)
print("I2C(1) scan:", I2C(1).scan())
spi = SPI(0, SPI.MASTER, baudrate=1000000)
jedec = bytearray(4)
spi.write_readinto(b"\x9f\x00\x00\x00", jedec)
print("SPI(0) JEDEC id:", hexlify(jedec[1:]).decode())
uart = UART(0, 115200)
print("UART(0) wrote", uart.write(b"pi\r\n"), "bytes")
led.value(0)
print("GPIO27 now", led())
