# A driver for the TMP102 I2C temperature sensor (12-bit, 0.0625 degC per step).
# The WiPy's firmware has no floats: temperatures are in hundredths of a degree.

TEMPERATURE = 0x00


class TMP102:
    def __init__(self, i2c, addr=0x48):
        self.i2c = i2c
        self.addr = addr

    def centi_celsius(self):
        data = self.i2c.readfrom_mem(self.addr, TEMPERATURE, 2)
        raw = (data[0] << 4) | (data[1] >> 4)
        if raw & 0x800:  # negative: two's complement
            raw -= 0x1000
        return raw * 625 // 100
