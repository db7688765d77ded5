# ustruct, uio, ucollections, uerrno, uhashlib, uheapq, uzlib: the device's semantics.
import ubinascii
import ucollections
import uerrno
import uhashlib
import uheapq
import uio
import ustruct
import uzlib

# ustruct: truncation, lenient unpack, device sizes, unsupported codes
print(ustruct.pack("<HB", 0x1234, 300))
print(ustruct.unpack("<H", b"\x01\x02\x03"))
print(ustruct.unpack_from(">H", b"\x00\x01\x02", 1))
print(ustruct.calcsize("bi"), ustruct.calcsize("<q"), ustruct.calcsize("l"))
buf = bytearray(4)
ustruct.pack_into("<H", buf, 2, 0xBEEF)
print(buf)
for fmt in ("x", "=I", "b b"):
    try:
        ustruct.calcsize(fmt)
    except ValueError as e:
        print("ValueError:", e)
try:
    ustruct.unpack("<I", b"\x01")
except ValueError as e:
    print("ValueError:", e)

# uio: byte positions in a StringIO, str and bytes mixed, no tell()
s = uio.StringIO()
print(s.write("héllo\n"), s.write(b"world"))
s.seek(0)
print(repr(s.readline()), repr(s.read(3)))
print(repr(s.getvalue()))
b = uio.BytesIO(b"abc")
b.seek(5)
b.write("d")
print(b.getvalue(), hasattr(b, "tell"))
b.close()
try:
    b.read()
except ValueError as e:
    print("ValueError:", e)

# ucollections
Point = ucollections.namedtuple("Point", "x y")
p = Point(1, y=2)
print(p, p.x + p.y, p == (1, 2))
try:
    p.x = 5
except AttributeError as e:
    print("AttributeError:", e)
try:
    Point(1)
except TypeError as e:
    print("TypeError:", e)
print(ucollections.namedtuple("Pair", "a,b")(7))
d = ucollections.OrderedDict()
d["z"] = 1
d["a"] = 2
print(d, list(d.keys()))

# uerrno
print(uerrno.EIO, uerrno.ETIMEDOUT, uerrno.errorcode[uerrno.ENODEV])

# uhashlib: sha1/sha256, digest twice, no hexdigest
h = uhashlib.sha1(b"hello")
print(ubinascii.hexlify(h.digest()))
print(h.digest() == h.digest(), hasattr(h, "hexdigest"))
h2 = uhashlib.sha256("abcd", 8)
h2.update("efgh")
print(ubinascii.hexlify(h2.digest()))
try:
    h2.update("more")
except OSError as e:
    print("OSError:", e.args[0])

# uheapq
heap = [5]
for v in (2, 8, 1):
    uheapq.heappush(heap, v)
print(heap)
print(uheapq.heappop(heap))
print(heap)
try:
    uheapq.heappush((1,), 2)
except TypeError as e:
    print("TypeError:", e)

# uzlib
data = b"x\x9c\xcbH\xcd\xc9\xc9W(\xcf,\xa8\x04\x00\x15\xa5\x03\xfe"
print(uzlib.decompress(data))
try:
    uzlib.decompress(b"not zlib")
except ValueError as e:
    print("ValueError:", e)
