# ussl without a network: the 1.8.5 constants, the spec's way of making an SSL socket, and the
# argument checks of wrap_socket. Certificates live in /flash/cert/ on the WiPy.
import socket
import ssl

print(ssl.CERT_NONE, ssl.CERT_OPTIONAL, ssl.CERT_REQUIRED, socket.IPPROTO_SEC)
print(ssl.SSLError is OSError)
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_SEC)
ss = ssl.wrap_socket(s)
print(s, ss)
ss.close()
# The spec's example calls the module itself; that runs as written.
s = socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_SEC)  # type: ignore[operator]
ss = ssl.wrap_socket(s)
print(type(ss).__name__)
ss.close()

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_SEC)
for kwargs in (
    {"cert_reqs": ssl.CERT_REQUIRED},
    {"server_side": True},
    {"server_side": True, "certfile": "/flash/cert/cert.pem"},
):
    try:
        ssl.wrap_socket(s, **kwargs)
    except ValueError as e:
        print("ValueError:", e)
try:
    ssl.wrap_socket(s, cert_reqs=ssl.CERT_REQUIRED, ca_certs="/flash/cert/ca.pem")
except OSError as e:
    print("OSError", e.args[0])
s.close()
