# Quick reference 1.13: Telnet and FTP server (the spec's example, verbatim, then a check).
# board: network.toml
from network import Server

# init with new user, password and seconds timeout
server = Server(login=("user", "password"), timeout=60)
server.timeout(300)  # change the timeout
server.timeout()  # get the timeout
server.isrunning()  # check whether the server is running or not

print(server.timeout(), server.isrunning())
server.deinit()
print(server.isrunning())
