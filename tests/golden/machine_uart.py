# machine.UART: the class examples.
# board: bench.toml  (UART1 TX is wired to its RX)
from machine import UART

uart = UART(1, 9600)  # init with given baudrate
uart.init(9600, bits=8, parity=None, stop=1)  # init with given parameters
print(uart)

print(uart.write("abc"))  # write the 3 characters
print(uart.any())  # returns the number of characters available for reading
print(uart.read(10))  # read 10 characters, returns a bytes object

uart.write("line one\nline two\n")
print(uart.readline())  # read a line
buf = bytearray(4)
print(uart.readinto(buf), buf)  # read and store into the given buffer
print(uart.readall())  # read all available characters
print(uart.read(1))

uart.init(115200, bits=7, parity=UART.EVEN, stop=2)
print(uart)
uart.deinit()
print(uart)
