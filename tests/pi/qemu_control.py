"""Wire up the emulated Pi over QMP before it runs, then let it run.

    python3 qemu_control.py QMP_SOCKET [--temperature MILLI_C]

run.sh starts QEMU stopped (``-S``) with a QMP socket. This connects (waiting up to 30 s for
the socket), then:

* links GPIO8's output to the SPI flash's chip select: QEMU's raspi3b drives no SPI chip
  select itself, and the guest's spi-bcm2835 drives CS0 as a GPIO (``cs-gpios``, active low),
  as on a real Pi, so the flash sees its select exactly when the kernel asserts it;
* sets the TMP105 sensor's temperature (default 23.5 C), which the example program reads;
* resumes the machine (``cont``).

Exits 0 once the machine runs, 1 naming the command QEMU refused or the socket that never
appeared.
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import time
from typing import Any

GPIO = "/machine/soc/peripherals/gpio"
FLASH_CS = "/machine/peripheral/flash0/ssi-gpio-cs[0]"
SENSOR = "/machine/peripheral/temp0"


class QMP:
    """A minimal QMP client: one command at a time, events skipped."""

    def __init__(self, path: str, wait_s: float = 30.0) -> None:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise SystemExit(f"qemu_control.py: no QMP socket at {path}") from None
                time.sleep(0.05)
        self.sock.settimeout(wait_s)
        self.file = self.sock.makefile("rb")
        self._reply()  # the greeting
        self.command("qmp_capabilities")

    def _reply(self) -> dict[str, Any]:
        while True:
            line = self.file.readline()
            if not line:
                raise SystemExit("qemu_control.py: QEMU closed the QMP socket")
            message: dict[str, Any] = json.loads(line)
            if "event" not in message:
                return message

    def command(self, name: str, **arguments: Any) -> Any:
        """Run ``name`` and return its result; exit naming it on an error."""
        request: dict[str, Any] = {"execute": name}
        if arguments:
            request["arguments"] = arguments
        self.sock.sendall(json.dumps(request).encode() + b"\n")
        reply = self._reply()
        if "error" in reply:
            raise SystemExit(f"qemu_control.py: {name} {arguments}: {reply['error']}")
        return reply.get("return")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("socket")
    parser.add_argument("--temperature", type=int, default=23500, help="milli-degrees C")
    args = parser.parse_args()
    qmp = QMP(args.socket)
    qmp.command("qom-set", path=GPIO, property="unnamed-gpio-out[8]", value=FLASH_CS)
    qmp.command("qom-set", path=SENSOR, property="temperature", value=args.temperature)
    qmp.command("cont")
    return 0


if __name__ == "__main__":
    sys.exit(main())
