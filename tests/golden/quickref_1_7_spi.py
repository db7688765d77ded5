# Quick reference 1.7: SPI bus (nothing on the bus: MISO reads 0xFF).
from machine import SPI

# configure the SPI master @ 2MHz
spi = SPI(0, SPI.MASTER, baudrate=200000, polarity=0, phase=0)
print(spi.write("hello"))
print(spi.read(5))  # receive 5 bytes on the bus

rbuf = bytearray(5)
print(spi.write_readinto("hello", rbuf))  # send a receive 5 bytes
print(rbuf)
