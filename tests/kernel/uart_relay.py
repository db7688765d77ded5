"""Host side of the VM's UART cables: relays bytes between pairs of QEMU character devices.

run.sh starts this before QEMU. For each ``--pair NAME A B`` it listens on the Unix sockets A
and B; QEMU connects to both (A backs a 16550 in the guest, e.g. /dev/ttyS1; B backs a
virtio-serial port the guest sees as /dev/vportNpM). Every byte the guest's UART sends comes
out of the virtio port, and every byte written to the virtio port arrives on the UART's RX: a
null-modem cable whose far end the guest's tests hold, with the host in the middle recording
both directions (``--log``, one line per chunk: time, pair, direction, hex).

Writes never block the relay: each direction keeps its own queue, flushed when the socket is
writable, so a side that stops reading (a closed UART) stalls only its own direction.
Exits when QEMU has closed every connection, on SIGTERM, or after ``--timeout`` seconds.
"""

from __future__ import annotations

import argparse
import os
import select
import signal
import socket
import sys
import time
from pathlib import Path
from typing import TextIO


class Side:
    """One end of a pair: a listening socket, then the connection QEMU made to it."""

    def __init__(self, pair: str, label: str, path: str) -> None:
        self.pair = pair
        self.label = label
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        if os.path.exists(path):
            os.unlink(path)
        self.listener.bind(path)
        self.listener.listen(1)
        self.conn: socket.socket | None = None
        self.closed = False
        self.outbox = bytearray()
        self.peer: Side | None = None


def relay(sides: list[Side], log: TextIO, deadline: float) -> None:
    """Accept QEMU's connections and pump bytes until every connection is closed."""
    start = time.monotonic()
    while time.monotonic() < deadline:
        if sides and all(side.closed for side in sides):
            return
        readers: list[socket.socket] = []
        writers: list[socket.socket] = []
        owner: dict[socket.socket, Side] = {}
        for side in sides:
            if side.conn is None and not side.closed:
                readers.append(side.listener)
                owner[side.listener] = side
            elif side.conn is not None:
                readers.append(side.conn)
                owner[side.conn] = side
                if side.outbox:
                    writers.append(side.conn)
        readable, writable, _ = select.select(readers, writers, [], 1.0)
        for sock in writable:
            side = owner[sock]
            try:
                sent = sock.send(side.outbox)
            except OSError:
                sent = len(side.outbox)
            del side.outbox[:sent]
        for sock in readable:
            side = owner[sock]
            if sock is side.listener:
                side.conn, _ = side.listener.accept()
                side.conn.setblocking(False)
                continue
            try:
                data = sock.recv(65536)
            except OSError:
                data = b""
            if not data:
                sock.close()
                side.conn = None
                side.closed = True
                continue
            peer = side.peer
            assert peer is not None
            if peer.conn is not None or not peer.closed:
                peer.outbox += data
            log.write(
                f"{time.monotonic() - start:9.3f} {side.pair} {side.label}->{peer.label} "
                f"{data.hex()}\n"
            )
            log.flush()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--pair",
        nargs=3,
        action="append",
        metavar=("NAME", "UART_SOCKET", "FAR_SOCKET"),
        required=True,
        help="relay between the sockets backing a guest UART and its far-end port",
    )
    parser.add_argument("--log", required=True, help="transcript file")
    parser.add_argument("--ready", required=True, help="file created once listening")
    parser.add_argument("--timeout", type=float, default=900.0, help="give up after S seconds")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    sides: list[Side] = []
    for name, uart_path, far_path in args.pair:
        uart, far = Side(name, "uart", uart_path), Side(name, "far", far_path)
        uart.peer, far.peer = far, uart
        sides += [uart, far]
    Path(args.ready).touch()
    with open(args.log, "a", encoding="ascii") as log:
        relay(sides, log, time.monotonic() + args.timeout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
