"""Throughput of a simulated UART's pty bridge against its configured baud rate.

A program on a simulated WiPy (real clock) writes about 2 s of line time to UART 1 bridged to
a host pty (``SimUART.bridge_pty()``, what ``micropython-compat repl --pty`` uses); a reader
thread on the pty's terminal side takes everything. The figure is the line rate achieved:
bytes x bits per frame / baud rate, divided by the time from the first ``write()`` to the last
byte read. Target: 95-100 % of the line rate at 115200 and 1,000,000 baud, never above 100 %
(the line is paced, so more would be a bug). Each mode (C fast path, pure twin) runs in its
own process, best of ``--repeat`` runs; the script prints PASS/FAIL and exits 0 either way.

    python bench/bench_bridge.py [--repeat N]
"""

from __future__ import annotations

import os
import select
import threading
import time
import tty
from typing import Any

from _modes import main

BAUDS = (115200, 1_000_000)
LINE_SECONDS = 2.0
LOW, HIGH = 0.95, 1.0


def _measure(baud: int) -> float:
    """One run: the achieved fraction of the line rate at ``baud`` (8N1: 10 bits a frame)."""
    from machine import UART
    from micropython_compat.testing import simulated_board

    size = int(LINE_SECONDS * baud / 10)
    payload = bytes(range(256)) * (size // 256 + 1)
    payload = payload[:size]
    with simulated_board(clock="real") as board:
        path = board.uart_port(1).bridge_pty()
        uart = UART(1, baud)
        fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(fd)
        received = bytearray()
        done = threading.Event()

        def read() -> None:
            while len(received) < size:
                if select.select([fd], [], [], 30)[0]:
                    received.extend(os.read(fd, 65536))
                else:
                    break
            done.set()

        reader = threading.Thread(target=read)
        reader.start()
        start = time.monotonic()
        for offset in range(0, size, 4096):  # as a program's writes come: a few KiB at a time
            uart.write(payload[offset : offset + 4096])
        done.wait(60)
        elapsed = time.monotonic() - start
        reader.join(60)
        os.close(fd)
    if bytes(received) != payload:
        raise SystemExit(f"bytes lost or changed at {baud} baud: {len(received)} of {size}")
    return (size * 10 / baud) / elapsed


def child(repeat: int) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for baud in BAUDS:
        runs = [_measure(baud) for _ in range(max(1, min(repeat, 3)))]
        results[str(baud)] = {"best": max(runs), "worst": min(runs)}
    return results


def finish(c: dict[str, Any], pure: dict[str, Any], repeat: int) -> None:
    print(f"{'baud':>10} {'mode':>5} {'best':>8} {'worst':>8}   (fraction of the line rate)")
    for name, result in (("C", c), ("pure", pure)):
        if "error" in result:
            print(f"{name}: error: {result['error']}")
            continue
        for baud in BAUDS:
            row = result[str(baud)]
            print(f"{baud:>10} {name:>5} {row['best']:>8.4f} {row['worst']:>8.4f}")
            verdict = "PASS" if row["best"] >= LOW and row["worst"] <= HIGH else "FAIL"
            print(f"{verdict}: {name} at {baud} baud, {LOW:.0%}-{HIGH:.0%} of the line rate")


if __name__ == "__main__":
    main(__doc__, __file__, child, finish)
