# ubinascii: separators, strict base64, device error messages.
import ubinascii

print(ubinascii.hexlify(b"\x01\xab\xff"))
print(ubinascii.hexlify(b"\x01\xab\xff", ":"))
print(ubinascii.hexlify(b"\x01\x02", "--"))
print(ubinascii.hexlify("ab"))
print(ubinascii.unhexlify("01abFF"))
print(ubinascii.b2a_base64(b"hello WiPy"))
print(ubinascii.a2b_base64(b"aGVsbG8gV2lQeQ=="))
for bad in [b"abc", b"zz"]:
    try:
        ubinascii.unhexlify(bad)
    except ValueError as e:
        print("ValueError:", e)
for bad in [b"aGVsbG8=\n", b"aGV!"]:
    try:
        ubinascii.a2b_base64(bad)
    except ValueError as e:
        print("ValueError:", e)
print(ubinascii.crc32(b"hello"))
