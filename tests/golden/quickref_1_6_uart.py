# Quick reference 1.6: UART (serial bus).
# board: bench.toml  (UART0 TX is wired to its RX)
from machine import UART

uart = UART(0, baudrate=9600)
print(uart.write("hello"))
print(uart.read(5))  # read up to 5 bytes
