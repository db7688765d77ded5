# board: bench.toml
# usocket and uselect on 127.0.0.1: a TCP server thread, UDP between two sockets, and one
# poll over a socket and a UART (UART0 is looped back on the bench board).
import _thread

import uselect
import usocket
from machine import UART


def bind_free(sock, first):
    # Device code has no getsockname(): take the first free port from `first` on.
    for port in range(first, first + 200):
        try:
            sock.bind(("127.0.0.1", port))
            return port
        except OSError:
            pass
    raise OSError("no free port")


srv = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM, usocket.IPPROTO_TCP)
port = bind_free(srv, 18500)
srv.listen(1)
log = []  # type: list[tuple[object, ...]]
done = _thread.allocate_lock()
done.acquire()


def serve():
    conn, addr = srv.accept()
    log.append(("peer", addr[0], type(addr[1]).__name__))
    log.append(("line", conn.readline()))
    conn.write(b"one\ntwo\n")
    log.append(("bye", conn.readline()))
    conn.sendall(b"tail of the stream")
    conn.close()
    done.release()


_thread.start_new_thread(serve, ())

s = usocket.socket()
print(s)
print(usocket.getaddrinfo("127.0.0.1", port)[0][:4])
try:
    s.connect(("localhost", port))
except ValueError as e:
    print("ValueError:", e)
s.connect(usocket.getaddrinfo("127.0.0.1", port)[0][-1])
print(s.write(b"hello\n"))
print(s.readline())

uart = UART(0, 9600)
p = uselect.poll()
p.register(s, uselect.POLLIN)
p.register(uart, uselect.POLLIN)
print([type(obj).__name__ for obj, ev in p.poll(0)])
uart.write(b"x")
print(sorted((type(obj).__name__, ev) for obj, ev in p.poll(1000)))
print(uart.read(1), s.readline())
print(p.poll(50))
print(uselect.select([s, uart], [uart], [], 0)[1] == [uart])

s.setblocking(False)
try:
    s.recv(10)
except OSError as e:
    print("OSError", e.args[0])
print(s.read(10))
s.setblocking(True)
f = s.makefile("rb")
print(f is s)
print(s.sendall(b"bye\n"))
print(f.read())
f.close()
try:
    s.recv(1)
except OSError as e:
    print("closed:", e.args[0])
done.acquire()
srv.close()
for entry in log:
    print(*entry)

a = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM)
b = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM, usocket.IPPROTO_UDP)
uport = bind_free(a, 18700)
print(b.sendto(b"ping", ("127.0.0.1", uport)))
data, addr = a.recvfrom(64)
print(data, addr[0])
a.settimeout(1)
try:
    a.recvfrom(64)
except usocket.timeout as e:
    print("timeout:", e)
a.close()
b.close()
try:
    usocket.socket(usocket.AF_INET, 3)
except OSError as e:
    print("OSError", e.args[0])
