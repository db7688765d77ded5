# ure: MicroPython 1.8.5's regex subset and its device-specific behaviour.
import ure

r = ure.compile("([a-z]+)=([0-9]+)")
m = r.match("rouge=255&vert=128")
print(m)
print(m.group(0), m.group(1), m.group(2))
print(ure.search("vert=(\\d+)", "rouge=255&vert=128").group(1))
print(ure.match("a.c", "a\nc") is not None)
print(ure.search("a$", "a\n"))
print(ure.match("a{2}", "a{2}").group(0))
print(ure.match("(x)?y", "y").group(1))
print(ure.compile(",").split("a,b,,c"))
print(ure.compile(",").split("a,b,c", 1))
print(ure.compile("x*").split("axb"))
print(ure.compile("^a").split("aab"))
for bad in ["*", "a**", "(?P<n>a)", "(a", "[a-]", "a\\"]:
    try:
        ure.compile(bad)
    except ValueError as e:
        print("ValueError:", e)
try:
    ure.compile("(,)").split("a,b")
except NotImplementedError as e:
    print("NotImplementedError:", e)
try:
    m.group(3)
except IndexError as e:
    print("IndexError:", e)
try:
    m.group("name")
except TypeError:
    print("TypeError")
print(ure.DEBUG)
