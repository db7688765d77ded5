# Quick reference 1.8: I2C bus.
# board: bench.toml  (a register file at 0x42)
from machine import I2C

# configure the I2C bus
i2c = I2C(0, I2C.MASTER, baudrate=100000)
print(i2c.scan())  # returns list of slave addresses
print(i2c.writeto(0x42, "hello"))  # send 5 bytes to slave with address 0x42
print(i2c.readfrom(0x42, 5))  # receive 5 bytes from slave
print(i2c.readfrom_mem(0x42, 0x10, 2))  # read 2 bytes from slave 0x42, slave memory 0x10
print(i2c.writeto_mem(0x42, 0x10, "xy"))  # write 2 bytes to slave 0x42, slave memory 0x10
print(i2c.readfrom_mem(0x42, 0x10, 2))
try:
    i2c.readfrom(0x43, 1)  # nobody there
except OSError as e:
    print("OSError", e.args[0])
print(i2c.readfrom_mem(0x42, ord("h"), 4))  # 'hello' was register 'h' then 4 data bytes
