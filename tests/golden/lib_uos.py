# uos (4.1.8): the file system, drives, mounts, uname, urandom, dupterm.
import os

from machine import SD, UART

print(os.getcwd(), os.sep)
print(os.uname())
print(os.uname().machine)
print(os.listdir("/"))
os.mkdir("/flash/data")
with open("/flash/data/log.txt", "w") as f:
    f.write("12345")
print(sorted(os.listdir("/flash")), os.listdir("data"))  # a fresh WiPy's files and folders too
st = os.stat("/flash/data/log.txt")
print(len(st), hex(st[0]), st[6])
print(os.stat("/flash"))
os.chdir("data")
print(os.getcwd())
os.rename("log.txt", "old.txt")
print(os.listdir())
try:
    os.mkdir("/flash/data")
except OSError as e:
    print("mkdir:", e.args[0])
try:
    os.stat("/flash/missing")
except OSError as e:
    print("stat:", e.args[0])
os.remove("old.txt")
os.chdir("/flash")
os.rmdir("data")
print(sorted(os.listdir("/flash")))
print(len(os.urandom(8)), type(os.urandom(1)))
os.sync()

sd = SD()
os.mount(sd, "/sd")
print(os.listdir("/"))
with open("/sd/a.txt", "w") as f:
    f.write("a")
os.unmount("/sd")
print(os.listdir("/"))
os.mkfs(sd)
os.mount(sd, "/sd")
print(os.listdir("/sd"))
try:
    os.unmount("/flash")
except OSError as e:
    print("unmount:", e.args[0])

uart = UART(0, 115200)
print(os.dupterm())
os.dupterm(uart)
print(os.dupterm() is uart)
os.dupterm(None)
print(os.dupterm())
