"""Run QEMU, show its console and keep a copy, and stop it when the guest can't stop itself.

    python3 vm_console.py LOG TIMEOUT_S -- QEMU_COMMAND...

The console (QEMU's stdout) goes to this stdout and to LOG as it comes. QEMU is stopped
(SIGTERM, then SIGKILL) after TIMEOUT_S seconds, and a few seconds after a kernel panic: the
emulated Pi restarts only through its watchdog's driver, so a panic before that module loads
would otherwise hang until the timeout. Exits with QEMU's status, 124 on the timeout, 125 on a
panic.
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time

PANIC = b"Kernel panic - not syncing"
PANIC_GRACE_S = 3.0


def main(argv: list[str]) -> int:
    log_path, timeout_s, command = argv[0], float(argv[1]), argv[3:]
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    deadline = time.monotonic() + timeout_s
    verdict: int | None = None
    tail = b""
    with open(log_path, "wb") as log:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                verdict = 124 if verdict is None else verdict
                break
            ready, _, _ = select.select([fd], [], [], min(left, 1.0))
            if not ready:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            os.write(sys.stdout.fileno(), chunk)
            log.write(chunk)
            log.flush()
            if verdict is None and PANIC in tail + chunk:
                verdict = 125
                deadline = min(deadline, time.monotonic() + PANIC_GRACE_S)
            tail = (tail + chunk)[-len(PANIC) :]
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
    rc = proc.wait()
    if verdict is not None:
        why = "timed out" if verdict == 124 else "kernel panic"
        print(f"\nvm_console.py: stopped QEMU ({why})", file=sys.stderr)
        return verdict
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
