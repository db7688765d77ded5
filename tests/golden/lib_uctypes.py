# uctypes: layouts, bitfields in both byte orders, arrays, pointers, sizeof and memory access.
import uctypes

# A packet header, read big-endian as it comes off the wire.
HEADER = {
    "version": uctypes.BFUINT8 | 0 | 4 << uctypes.BF_POS | 4 << uctypes.BF_LEN,
    "ihl": uctypes.BFUINT8 | 0 | 0 << uctypes.BF_POS | 4 << uctypes.BF_LEN,
    "length": uctypes.UINT16 | 2,
    "flags": uctypes.BFUINT16 | 6 | 13 << uctypes.BF_POS | 3 << uctypes.BF_LEN,
    "ttl": uctypes.UINT8 | 8,
    "src": (uctypes.ARRAY | 12, uctypes.UINT8 | 4),
}
packet = bytearray(b"\x45\x00\x00\x54\x00\x00\x40\x00\x40\x01\x00\x00\xc0\xa8\x01\x02")
hdr = uctypes.struct(uctypes.addressof(packet), HEADER, uctypes.BIG_ENDIAN)
print("version", hdr.version, "ihl", hdr.ihl, "length", hdr.length)
print("flags", hdr.flags, "ttl", hdr.ttl)
print("src", ".".join(str(b) for b in hdr.src))
hdr.ttl = 63
hdr.flags = 0
print("after", packet[6], packet[8])
print("sizeof", uctypes.sizeof(hdr))

# The same bytes little-endian: the bitfield still counts from the least significant bit.
WORD = {
    "lo": uctypes.BFUINT16 | 0 | 0 << uctypes.BF_POS | 8 << uctypes.BF_LEN,
    "hi": uctypes.BFUINT16 | 0 | 8 << uctypes.BF_POS | 8 << uctypes.BF_LEN,
}
le = uctypes.struct(uctypes.addressof(packet), WORD, uctypes.LITTLE_ENDIAN)
be = uctypes.struct(uctypes.addressof(packet), WORD, uctypes.BIG_ENDIAN)
print("le", hex(le.lo), hex(le.hi), "be", hex(be.lo), hex(be.hi))

# Arrays of scalars and of structs, nested structs.
POINT = {"x": uctypes.INT16 | 0, "y": uctypes.INT16 | 2}
SHAPE = {
    "n": uctypes.UINT8 | 0,
    "origin": (2, POINT),
    "points": (uctypes.ARRAY | 6, 3, POINT),
    "weights": (uctypes.ARRAY | 18, uctypes.UINT16 | 2),
}
mem = bytearray(uctypes.sizeof(SHAPE))
shape = uctypes.struct(uctypes.addressof(mem), SHAPE, uctypes.LITTLE_ENDIAN)
shape.n = 3
shape.origin.x = -5
for i in range(3):
    shape.points[i].x = i * 10
    shape.points[i].y = -i
shape.weights[1] = 500
print("sizeof", uctypes.sizeof(SHAPE), "n", shape.n, "origin", shape.origin.x, shape.origin.y)
print("points", [(shape.points[i].x, shape.points[i].y) for i in range(3)])
print("weights", shape.weights[0], shape.weights[1])
try:
    print(shape.weights[2])
except IndexError as e:
    print("IndexError", e)
try:
    print(shape.missing)
except KeyError as e:
    print("KeyError", e.args[0])
try:
    shape.origin = 1
except TypeError as e:
    print("TypeError", e)

# NATIVE layout pads a struct to its largest scalar.
PAIR = {"a": uctypes.UINT32 | 0, "b": uctypes.UINT8 | 4}
print("native", uctypes.sizeof(PAIR))

# A pointer to a struct: the pointer holds a real address (stored little-endian, the byte order
# of the WiPy and of the hosts this runs on).
PTR_SIZE = uctypes.sizeof({"p": (uctypes.PTR | 0, uctypes.VOID)})
NODE = {"value": uctypes.UINT32 | 0, "next": (uctypes.PTR | 4, POINT)}
target = bytearray(4)
holder = bytearray(4 + PTR_SIZE)
holder[4:] = uctypes.addressof(target).to_bytes(PTR_SIZE, "little")
node = uctypes.struct(uctypes.addressof(holder), NODE, uctypes.LITTLE_ENDIAN)
uctypes.struct(uctypes.addressof(target), POINT, uctypes.LITTLE_ENDIAN).y = 77
print("deref", node.next[0].y)

# bytes_at copies, bytearray_at shares.
data = bytearray(b"micro")
addr = uctypes.addressof(data)
copy = uctypes.bytes_at(addr, 5)
shared = uctypes.bytearray_at(addr, 5)
shared[0] = ord("M")
print(copy, bytes(shared), data)
print("same address", uctypes.addressof(shared) == addr)
