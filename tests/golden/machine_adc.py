# machine.ADC: the class usage and the ADC.channel examples.
# board: bench.toml  (GP3 reads 2048)
import machine

adc = machine.ADC()  # create an ADC object
apin = adc.channel(pin="GP3")  # create an analog pin on GP3
val = apin()  # read an analog value
print(val, apin.value())

# all of these are equivalent and enable ADC channel 1 on GP3
apin = adc.channel(1)
print(apin)
apin = adc.channel(pin="GP3")
print(apin)
apin = adc.channel(id=1, pin="GP3")
print(apin, apin is adc.channel(1))

apin.deinit()
print(apin)
apin.init()
adc.deinit()
print(adc)
adc.init()
print(adc)
