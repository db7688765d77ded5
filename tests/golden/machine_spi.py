# machine.SPI: the class example and methods (nothing on the bus: MISO reads 0xFF).
from machine import SPI

spi = SPI(0, mode=SPI.MASTER, baudrate=1000000, polarity=0, phase=0, firstbit=SPI.MSB)
print(spi)
print(spi.write(b"\x01\x02"))
print(spi.read(3))
print(spi.read(2, write=0x55))
buf = bytearray(4)
print(spi.readinto(buf), buf)
rbuf = bytearray(3)
print(spi.write_readinto(b"abc", rbuf), rbuf)
spi.init(SPI.MASTER, baudrate=2000000, polarity=1, phase=1, bits=16)
print(spi)
spi.deinit()
print(spi)
