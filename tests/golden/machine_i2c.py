# machine.I2C: the class examples.
# board: bench.toml  (a register file at 0x42)
from machine import I2C

i2c = I2C(0)  # create on bus 0
i2c = I2C(0, I2C.MASTER)  # create and init as a master
i2c.init(I2C.MASTER, baudrate=20000)  # init as a master
# (the WiPy clamps the baudrate to 50000..400000)
print(i2c)
i2c.deinit()  # turn off the peripheral
print(i2c)

i2c.init(I2C.MASTER)
print(i2c.writeto(0x42, "123"))  # send 3 bytes to slave with address 0x42
# The spec's next line, i2c.writeto(addr=0x42, b'456'), is a SyntaxError in any Python
# (a positional argument after a keyword one); the keyword form that was meant:
print(i2c.writeto(addr=0x42, buf=b"456"))  # keyword for address

print(i2c.scan())  # scan for slaves on the bus, returning
# a list of valid addresses
print(i2c.readfrom_mem(0x42, 2, 3))  # read 3 bytes from memory of slave 0x42,
# starting at address 2 in the slave
print(i2c.writeto_mem(0x42, 2, "abc"))  # write 'abc' (3 bytes) to memory of slave 0x42
# starting at address 2 in the slave, timeout after 1 second
print(i2c.readfrom_mem(0x42, 2, 3))

buf = bytearray(2)
print(i2c.readfrom_mem_into(0x42, 3, buf), buf)
print(i2c.readfrom_into(0x42, buf), buf)
print(i2c.writeto(0x42, b"\x02", stop=False), i2c.readfrom(0x42, 3))
