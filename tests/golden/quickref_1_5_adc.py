# Quick reference 1.5: ADC (analog to digital conversion).
# board: bench.toml  (GP3 reads 2048)
from machine import ADC

adc = ADC()
apin = adc.channel(pin="GP3")
print(apin())  # read value, 0-4095
print(adc, apin)
