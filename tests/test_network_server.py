"""network.Server: a real telnet REPL and a real FTP server on loopback, with real clients.

Every client call has a timeout; the servers listen on free ports of 127.0.0.1.
"""

from __future__ import annotations

import errno
import ftplib
import io
import os
import socket
import threading
import time
from collections.abc import Iterator

import pytest

import machine
from micropython_compat.board import current_runtime
from micropython_compat.hal import ServerBinding
from micropython_compat.testing import SimBoard, simulated_board
from network import WLAN, Server

TIMEOUT_S = 5.0


def _free_ports(board: SimBoard) -> None:
    board.network_device.binding = ServerBinding(telnet_port=0, ftp_port=0)


@pytest.fixture
def board(wipy: SimBoard) -> SimBoard:
    _free_ports(wipy)
    return wipy


class Telnet:
    """A bare telnet client on a socket: reads until a marker, with a timeout."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S)
        self.seen = b""

    def until(self, marker: bytes) -> bytes:
        while marker not in self.seen:
            data = self.sock.recv(4096)
            if not data:
                raise EOFError(self.seen)
            self.seen += data
        head, _, self.seen = self.seen.partition(marker)
        return head + marker

    def send(self, line: str) -> None:
        self.sock.sendall(line.encode() + b"\r\n")

    def closed(self) -> bool:
        """Whether the server hung up (waits for it up to the timeout)."""
        try:
            while True:
                data = self.sock.recv(4096)
                if not data:
                    return True
                self.seen += data
        except (ConnectionResetError, BrokenPipeError):
            return True

    def login(self, user: str = "micro", password: str = "python") -> bytes:
        self.until(b"Login as:")
        self.send(user)
        self.until(b"Password:")
        self.send(password)
        return self.until(b">>> ")

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def telnet(board: SimBoard) -> Iterator[Telnet]:
    Server()
    client = Telnet(board.network_device.telnet_port)
    yield client
    client.close()


def _ftp(board: SimBoard, user: str = "micro", password: str = "python") -> ftplib.FTP:
    ftp = ftplib.FTP()
    try:
        ftp.connect("127.0.0.1", board.network_device.ftp_port, timeout=TIMEOUT_S)
        ftp.login(user, password)
    except BaseException:
        ftp.close()
        raise
    return ftp


# ------------------------------------------------------------------------------ the object


def test_quick_reference(board: SimBoard) -> None:
    server = Server(login=("user", "password"), timeout=60)
    assert server.timeout() == 60
    server.timeout(300)
    assert server.timeout() == 300
    assert server.isrunning() is True
    assert Server() is server
    assert repr(server) == "<Server>"
    server.deinit()
    assert server.isrunning() is False
    assert board.network_device.telnet_port == 0


def test_defaults_and_restart(board: SimBoard) -> None:
    server = Server()
    assert server.timeout() == 300
    assert board.network_device.telnet_port > 0 and board.network_device.ftp_port > 0
    server.deinit()
    server.init(login=("a", "b"), timeout=600)
    assert server.isrunning() and server.timeout() == 600
    _ftp(board, "a", "b").quit()


def test_timeout_under_five_seconds_is_refused(board: SimBoard) -> None:
    # serverstask.c servers_set_timeout: below 5 s is a ValueError, from timeout() and init().
    server = Server(timeout=60)
    with pytest.raises(ValueError, match="invalid argument"):
        server.timeout(4)
    assert server.timeout() == 60
    with pytest.raises(ValueError, match="invalid argument"):
        server.init(timeout=1)
    assert server.timeout() == 60
    server.timeout(5)
    assert server.timeout() == 5


def test_bad_arguments(board: SimBoard) -> None:
    with pytest.raises(OSError) as info:
        Server(1)
    assert info.value.args == (errno.ENODEV,)
    with pytest.raises(ValueError):
        Server(login=("only-user",))
    with pytest.raises(TypeError):
        Server(login="micro:python")
    with pytest.raises(TypeError):
        Server(login=("micro", 5))
    with pytest.raises(TypeError):
        Server(timeout="60")
    with pytest.raises(TypeError):
        Server().timeout(None)


def test_binds_loopback_with_the_described_ports(wipy: SimBoard) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    wipy.network_device.binding = ServerBinding(telnet_port=port, ftp_port=0)
    Server()
    assert wipy.network_device.telnet_port == port
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S) as conn:
        assert conn.getpeername()[0] == "127.0.0.1"


def test_a_taken_port_raises_and_leaves_nothing_running(board: SimBoard) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        board.network_device.binding = ServerBinding(ftp_port=taken.getsockname()[1], telnet_port=0)
        with pytest.raises(OSError) as info:
            Server()
        assert info.value.errno == errno.EADDRINUSE
    assert board.network_device.telnet_port == 0


# ---------------------------------------------------------------------------------- telnet


def test_telnet_login_and_repl(telnet: Telnet) -> None:
    banner = telnet.until(b"Login as:")
    assert banner.startswith(b"MicroPython v1.8.5 on 2016-10-17; WiPy with CC3200\r\n")
    telnet.send("micro")
    telnet.until(b"Password:")
    telnet.send("python")
    greeting = telnet.until(b">>> ")
    assert b"Login succeeded!" in greeting
    telnet.send("1+1")
    assert telnet.until(b">>> ") == b"1+1\r\n2\r\n>>> "
    telnet.send("print('hello')")
    assert telnet.until(b">>> ") == b"print('hello')\r\nhello\r\n>>> "
    telnet.send("import machine; machine.freq()")
    assert b"(80000000,)" in telnet.until(b">>> ")


def test_telnet_repl_output_stays_in_the_session(telnet: Telnet, capsys) -> None:
    telnet.login()
    telnet.send("for i in range(2): print(i)")
    telnet.until(b"... ")
    telnet.send("")
    assert telnet.until(b">>> ").endswith(b"0\r\n1\r\n>>> ")
    print("host")
    assert capsys.readouterr().out == "host\n"


def test_telnet_wrong_password_is_refused_three_times(telnet: Telnet) -> None:
    for _ in range(3):
        telnet.until(b"Login as:")
        telnet.send("micro")
        telnet.until(b"Password:")
        telnet.send("wrong")
        telnet.until(b"Invalid credentials, try again.")
    assert telnet.closed()
    assert b">>>" not in telnet.seen


def test_telnet_custom_login(board: SimBoard) -> None:
    Server(login=("user", "password"))
    client = Telnet(board.network_device.telnet_port)
    try:
        client.until(b"Login as:")
        client.send("micro")
        client.until(b"Password:")
        client.send("python")
        client.until(b"Invalid credentials")
        assert b"Login succeeded!" in client.login("user", "password")
    finally:
        client.close()


def test_telnet_idle_session_times_out_on_the_board_clock(board: SimBoard, telnet: Telnet) -> None:
    telnet.login()  # the session is live and timed with the default 300 s
    Server().timeout(60)  # applies to the live session at once, as on the device
    board.advance(s=59)
    telnet.send("2+3")
    assert telnet.until(b">>> ").endswith(b"5\r\n>>> ")
    board.advance(s=59)  # 59 s since the last input: still there
    telnet.send("3+4")
    assert telnet.until(b">>> ").endswith(b"7\r\n>>> ")
    board.advance(s=61)
    assert telnet.closed()


def test_deinit_closes_the_session(board: SimBoard, telnet: Telnet) -> None:
    telnet.login()
    Server().deinit()
    assert telnet.closed()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", 1), timeout=TIMEOUT_S).close()


def test_telnet_connection_wakes_a_sleeping_board(wipy_realtime: SimBoard) -> None:
    _free_ports(wipy_realtime)
    Server()
    WLAN().irq(trigger=WLAN.ANY_EVENT, wake=machine.SLEEP)
    port = wipy_realtime.network_device.telnet_port
    runtime = current_runtime()
    safety = threading.Timer(TIMEOUT_S, lambda: runtime.wake(99))
    client = threading.Timer(0.1, lambda: socket.create_connection(("127.0.0.1", port), 2).close())
    safety.start()
    client.start()
    try:
        machine.sleep()
    finally:
        safety.cancel()
        client.join(TIMEOUT_S)
    assert machine.wake_reason() == machine.WLAN_WAKE


# ------------------------------------------------------------------------------------- FTP


def test_ftp_root_lists_the_mount_points(board: SimBoard) -> None:
    Server()
    ftp = _ftp(board)
    try:
        assert "Micro Python FTP Server" in ftp.getwelcome()
        assert sorted(ftp.nlst("/")) == ["flash", "sd"]
        listing: list[str] = []
        ftp.retrlines("LIST /", listing.append)
        assert all(line.startswith("d") and "->" not in line for line in listing)
    finally:
        ftp.quit()


def test_ftp_store_list_and_retrieve(board: SimBoard) -> None:
    Server()
    ftp = _ftp(board)
    try:
        ftp.storbinary("STOR /flash/main.py", io.BytesIO(b"print('hi')\n"))
        assert (board.storage.flash / "main.py").read_bytes() == b"print('hi')\n"
        (board.storage.flash / "boot.py").write_text("# boot\n")
        names: list[str] = []
        ftp.retrlines("LIST /flash", names.append)
        assert any(line.endswith(" boot.py") for line in names)
        assert any(line.endswith(" main.py") for line in names)
        got = io.BytesIO()
        ftp.retrbinary("RETR /flash/boot.py", got.write)
        assert got.getvalue() == b"# boot\n"
        ftp.cwd("/sd")
        ftp.storbinary("STOR log.txt", io.BytesIO(b"x"))
        assert board.storage.sd is not None
        assert (board.storage.sd / "log.txt").read_bytes() == b"x"
        ftp.mkd("/flash/lib")
        assert (board.storage.flash / "lib").is_dir()
    finally:
        ftp.quit()


def test_ftp_login_default_custom_and_wrong(board: SimBoard) -> None:
    server = Server()
    _ftp(board).quit()
    with pytest.raises(ftplib.error_perm):
        _ftp(board, "micro", "wrong")
    server.init(login=("user", "password"))
    _ftp(board, "user", "password").quit()
    with pytest.raises(ftplib.error_perm):
        _ftp(board)


def test_ftp_is_confined_to_the_mounts(board: SimBoard, tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("host")
    os.symlink(secret, board.storage.flash / "escape.txt")
    Server()
    ftp = _ftp(board)
    try:
        for path in ("/flash/../../etc/passwd", "/../" + str(secret), "/flash/escape.txt"):
            with pytest.raises(ftplib.error_perm):
                ftp.retrbinary(f"RETR {path}", io.BytesIO().write)
        ftp.cwd("/flash/../../..")
        assert ftp.pwd() == "/"
        with pytest.raises(ftplib.error_perm):
            ftp.storbinary("STOR /outside.txt", io.BytesIO(b"x"))
        with pytest.raises(ftplib.error_perm):
            ftp.delete("/flash")
        with pytest.raises(ftplib.error_perm):
            ftp.rename("/flash", "/gone")
        assert sorted(ftp.nlst("/")) == ["flash", "sd"]
    finally:
        ftp.quit()


def test_ftp_active_mode_is_refused(board: SimBoard) -> None:
    Server()
    ftp = _ftp(board)
    try:
        for command in ("PORT 127,0,0,1,4,1", "EPRT |1|127.0.0.1|1025|"):
            with pytest.raises(ftplib.error_perm, match=r"^502"):
                ftp.sendcmd(command)
        assert ftp.sendcmd("PASV").startswith("227")
    finally:
        ftp.close()


def test_ftp_timeout_follows_the_server(board: SimBoard) -> None:
    server = Server(timeout=60)
    server.timeout(120)
    assert server._ftp is not None
    assert server._ftp._handler.timeout == 120


# ------------------------------------------------------------------------------- resources


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_servers_release_threads_and_sockets() -> None:
    with simulated_board(clock="real") as board:
        _free_ports(board)
        runtime = current_runtime()
        runtime.dispatcher.post(lambda _: None, None)
        runtime.board.clock.call_at_ns(0, lambda: None)
        Server().deinit()  # first use imports pyftpdlib
        threads, fds = threading.active_count(), _fds()
        for _ in range(20):
            server = Server()
            client = Telnet(board.network_device.telnet_port)
            client.login()
            _ftp(board).quit()
            server.deinit()
            assert client.closed()
            client.close()
        assert threading.active_count() == threads
        assert _fds() == fds
        Server()  # left running: the board's release stops it
    assert not any(t.name.startswith("micropython-compat telnet") for t in threading.enumerate())
    assert not any(t.name.startswith("micropython-compat FTP") for t in threading.enumerate())


# ----------------------------------------------------------------- clients (issue 8)


def test_telnet_prompts_end_with_a_space_as_the_firmwares(telnet: Telnet) -> None:
    assert telnet.until(b"Login as: ").endswith(b"\xff\xfb\x22Login as: ")
    telnet.send("micro")
    assert telnet.until(b"Password: ") == b"Password: "


def _spin(client: Telnet) -> None:
    """Start a runaway loop in the session; return once it runs."""
    client.send("def spin():")
    client.until(b"...     ")
    client.send("print('spinning')")
    client.until(b"...     ")
    client.send("while True: pass")
    for _ in range(3):  # blank lines end the block, as at the device's REPL
        client.send("")
    client.until(b">>> ")
    client.send("spin()")
    client.until(b"spinning\r\n")


def _another_login_works(board: SimBoard) -> None:
    client = Telnet(board.network_device.telnet_port)
    try:
        client.login()
        client.send("1+2")
        assert client.until(b">>> ") == b"1+2\r\n3\r\n>>> "
    finally:
        client.close()


def test_telnet_ctrl_c_interrupts_running_code(board: SimBoard, telnet: Telnet) -> None:
    telnet.login()
    _spin(telnet)
    telnet.sock.sendall(b"\x03")
    assert telnet.until(b">>> ").endswith(b"KeyboardInterrupt\r\n>>> ")
    telnet.send("6*7")
    assert telnet.until(b">>> ") == b"6*7\r\n42\r\n>>> "
    telnet.close()
    _another_login_works(board)


def test_a_client_leaving_a_runaway_loop_never_locks_telnet_out(
    board: SimBoard, telnet: Telnet
) -> None:
    telnet.login()
    _spin(telnet)
    telnet.close()  # gone, the loop still running: the session ends and stops it
    _another_login_works(board)


def test_telnet_stdin_is_the_sessions(telnet: Telnet) -> None:
    telnet.login()
    telnet.send("import sys; b = bytearray(4)")
    telnet.until(b">>> ")
    telnet.sock.sendall(b"n = sys.stdin.readinto(b, 3); print(n, bytes(b))\r")  # no \n left
    telnet.until(b"print(n, bytes(b))\r\n")
    telnet.sock.sendall(b"hex")
    assert telnet.until(b">>> ") == b"3 b'hex\\x00'\r\n>>> "


def test_ftp_feat_does_not_offer_active_mode(board: SimBoard) -> None:
    Server()
    ftp = _ftp(board)
    try:
        features = ftp.sendcmd("FEAT")
        assert "EPSV" in features and "EPRT" not in features and "PORT" not in features
    finally:
        ftp.quit()


def test_ftp_update_image_goes_to_the_update_area_not_the_flash(board: SimBoard) -> None:
    Server()
    (board.storage.flash / "sys").mkdir(exist_ok=True)
    ftp = _ftp(board)
    try:
        ftp.storbinary("STOR /flash/sys/mcuimg.bin", io.BytesIO(b"\x00firmware" * 100))
        assert not (board.storage.flash / "sys" / "mcuimg.bin").exists()
        assert "mcuimg.bin" not in ftp.nlst("/flash/sys")
        with pytest.raises(ftplib.error_perm, match=r"^550"):
            ftp.retrbinary("RETR /flash/sys/mcuimg.bin", io.BytesIO().write)
        ftp.storbinary("STOR /flash/sys/other.bin", io.BytesIO(b"x"))
        assert ftp.nlst("/flash/sys") == ["other.bin"]
    finally:
        ftp.quit()


def test_a_login_longer_than_32_characters_is_refused_not_cut(board: SimBoard) -> None:
    server = Server(login=("u" * 32, "p" * 32))  # 32 is the most the firmware keeps
    with pytest.raises(ValueError, match="invalid argument"):
        server.init(login=("user", "p" * 33))
    with pytest.raises(ValueError, match="invalid argument"):
        server.init(login=("u" * 33, "password"))
    _ftp(board, "u" * 32, "p" * 32).quit()  # the login in force is still the last good one


def test_ftp_never_follows_a_link_even_one_that_looks_confined(board: SimBoard, tmp_path) -> None:
    flash = board.storage.flash
    (flash / "real.txt").write_text("inside")
    (flash / "sub").mkdir()
    (flash / "sub" / "f.txt").write_text("in sub")
    os.symlink(flash / "real.txt", flash / "alias.txt")  # passes the path check...
    os.symlink(flash / "sub", flash / "subalias")
    outside = tmp_path / "outside.txt"
    outside.write_text("host secret, 27 bytes long!")
    os.symlink(outside, flash / "escape.txt")
    Server()
    ftp = _ftp(board)
    try:
        for path in ("/flash/alias.txt", "/flash/subalias/f.txt", "/flash/escape.txt"):
            with pytest.raises(ftplib.error_perm, match=r"^550"):  # ...but is never followed
                ftp.retrbinary(f"RETR {path}", io.BytesIO().write)
        with pytest.raises(ftplib.error_perm, match=r"^550"):
            ftp.storbinary("STOR /flash/alias.txt", io.BytesIO(b"overwrite"))
        assert (flash / "real.txt").read_text() == "inside"
        got = io.BytesIO()
        ftp.retrbinary("RETR /flash/sub/f.txt", got.write)
        assert got.getvalue() == b"in sub"
        listing: list[str] = []
        ftp.retrlines("LIST /flash", listing.append)
        escape = next(line for line in listing if "escape.txt" in line)
        assert escape.startswith("l") and "->" not in escape and " 27 " not in escape
    finally:
        ftp.quit()


def test_uos_remove_on_a_link_removes_the_link_not_its_target(board: SimBoard, tmp_path) -> None:
    import uos

    flash = board.storage.flash
    (flash / "real.txt").write_text("inside")
    outside = tmp_path / "target.txt"
    outside.write_text("keep me")
    os.symlink(flash / "real.txt", flash / "alias.txt")
    os.symlink(outside, flash / "link.txt")
    uos.remove("/flash/alias.txt")
    assert not os.path.lexists(flash / "alias.txt")
    assert (flash / "real.txt").read_text() == "inside"
    with pytest.raises(OSError):  # a link leading out of the drive isn't touched at all
        uos.remove("/flash/link.txt")
    assert outside.read_text() == "keep me"


# ------------------------------------------------------------- safe by default (issue 9)


def test_the_default_login_is_announced_on_stderr(board: SimBoard, capsys) -> None:
    Server()
    assert "default login micro/python" in capsys.readouterr().err
    Server().deinit()
    Server(login=("me", "secret"))
    assert "default login" not in capsys.readouterr().err


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.7"])
def test_no_listening_beyond_loopback_with_the_default_login(board: SimBoard, host) -> None:
    board.network_device.binding = ServerBinding(host=host, telnet_port=0, ftp_port=0)
    with pytest.raises(OSError, match=r"login=\('user', 'password'\)") as info:
        Server()
    assert info.value.errno == errno.EACCES
    assert board.network_device.telnet_port == 0  # nothing was bound


@pytest.mark.parametrize("host", ["", "0"])
def test_an_empty_host_never_silently_means_every_interface(board: SimBoard, host) -> None:
    board.network_device.binding = ServerBinding(host=host, telnet_port=0, ftp_port=0)
    with pytest.raises(OSError, match="every interface") as info:
        Server(login=("me", "secret"))
    assert info.value.errno == errno.EINVAL


def test_a_wrong_telnet_login_is_answered_slowly_and_repeated_failures_lock_out(
    board: SimBoard,
) -> None:
    Server()
    port = board.network_device.telnet_port
    for _ in range(2):  # two connections, three wrong passwords each: 6 failures
        client = Telnet(port)
        try:
            for _ in range(3):
                client.until(b"Login as: ")
                client.send("micro")
                client.until(b"Password: ")
                start = time.monotonic()
                client.send("guess")
                client.until(b"Invalid credentials")
                assert time.monotonic() - start >= 0.5  # a lower bound only
            assert client.closed()
        finally:
            client.close()
    refused = Telnet(port)  # even with the right password: hung up at once
    try:
        assert refused.closed()
        assert b"Login as" not in refused.seen
    finally:
        refused.close()
    with pytest.raises(ftplib.error_temp, match=r"^421"):  # FTP shares the count
        _ftp(board)


def test_a_wrong_ftp_login_counts_too(board: SimBoard) -> None:
    Server()
    for _ in range(6):
        with pytest.raises(ftplib.error_perm):
            _ftp(board, "micro", "guess")
    with pytest.raises(ftplib.error_temp, match=r"^421"):
        _ftp(board)


def test_a_client_that_never_logs_in_is_hung_up_at_the_login_deadline(
    board: SimBoard, telnet: Telnet
) -> None:
    telnet.until(b"Login as: ")  # the session is up and its deadline armed
    for _ in range(2):
        board.advance(s=25)
        telnet.sock.sendall(b"m")  # typing keeps the idle timer fresh, not the login deadline
    board.advance(s=11)  # 61 s of board time since the connection
    assert telnet.closed()


def test_a_new_login_takes_over_from_a_client_that_has_not_logged_in(
    board: SimBoard, telnet: Telnet
) -> None:
    telnet.until(b"Login as: ")  # connected, never logs in
    second = Telnet(board.network_device.telnet_port)
    try:
        assert b"Login succeeded!" in second.login()
        assert telnet.closed()  # the idle client lost the slot
        second.send("'mine'")
        assert second.until(b">>> ") == b"'mine'\r\n'mine'\r\n>>> "
    finally:
        second.close()
