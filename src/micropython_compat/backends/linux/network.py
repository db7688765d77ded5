"""The host's network interface as the WiPy's WLAN, read-only.

micropython-compat doesn't reconfigure the host's WiFi (that would cut the machine off, and
it needs privileges): the interface is a station that is already set up. ``ifconfig()`` and
``isconnected()`` report the host interface's IPv4 address, netmask, default gateway and first
DNS server; ``mac()`` its MAC address. Scanning, connecting, disconnecting, access-point mode,
setting addresses or the MAC raise ``OSError(EPERM)`` with a message that says to configure
WiFi with the operating system (``nmcli``). Board file::

    [linux]
    wlan = { interface = "wlan0" }          # default: the interface of the default route
    server = { host = "127.0.0.1", telnet_port = 2323, ftp_port = 2121 }
"""

from __future__ import annotations

import errno
import fcntl
import os
import socket
import struct
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ...hal import AccessPoint, IPConfig, NetworkEventCallback, ServerBinding

__all__ = ["LinuxNetwork"]

_SIOCGIFADDR = 0x8915
_SIOCGIFNETMASK = 0x891B
_NO_ADDRESS: IPConfig = ("0.0.0.0", "0.0.0.0", "0.0.0.0", "0.0.0.0")


def _refused(what: str) -> OSError:
    return OSError(
        errno.EPERM,
        f"micropython-compat does not {what} on Linux: configure WiFi with the operating system"
        " (for example: nmcli device wifi connect SSID password KEY)",
    )


class LinuxNetwork:
    """The host interface (``hal.Network``), read-only."""

    boot_mode = "sta"

    def __init__(
        self,
        wlan: Mapping[str, Any] | None = None,
        server: Mapping[str, Any] | None = None,
        *,
        net_root: str | Path = "/sys/class/net",
        proc_route: str | Path = "/proc/net/route",
        resolv_conf: str | Path = "/etc/resolv.conf",
    ) -> None:
        wlan = dict(wlan or {})
        server = dict(server or {})
        self._net_root = Path(net_root)
        self._route = Path(proc_route)
        self._resolv = Path(resolv_conf)
        configured = wlan.get("interface")
        self.interface: str | None = str(configured) if configured else self._default_interface()
        self.binding = ServerBinding(
            host=str(server.get("host", "127.0.0.1")),
            telnet_port=int(server.get("telnet_port", 2323)),
            ftp_port=int(server.get("ftp_port", 2121)),
        )
        self.telnet_port = self.ftp_port = 0

    # -- hal.Network -------------------------------------------------------------------------
    @property
    def server_binding(self) -> ServerBinding:
        return self.binding

    def servers_bound(self, telnet_port: int, ftp_port: int) -> None:
        self.telnet_port, self.ftp_port = telnet_port, ftp_port

    def mac(self) -> bytes | None:
        if self.interface is None:
            return None
        try:
            text = (self._net_root / self.interface / "address").read_text().strip()
            value = bytes.fromhex(text.replace(":", ""))
        except (OSError, ValueError):
            return None
        return value if len(value) == 6 else None

    def set_mac(self, mac: bytes) -> None:
        raise _refused("change the MAC address")

    def start_ap(self, ssid: str, sec: int, key: str | None, channel: int, ip: IPConfig) -> None:
        raise _refused("start an access point")

    def start_sta(self) -> None:
        """The host interface is a station already."""

    def scan(self) -> list[AccessPoint]:
        raise _refused("scan for networks")

    def connect(self, ssid: str, sec: int, key: str | None, bssid: bytes | None) -> None:
        raise _refused("connect to networks")

    def disconnect(self) -> None:
        raise _refused("disconnect the host")

    def status(self) -> str:
        return "connected" if self.ifconfig()[0] != "0.0.0.0" else "idle"

    def ifconfig(self) -> IPConfig:
        if self.interface is None:
            return _NO_ADDRESS
        address = _interface_ipv4(self.interface, _SIOCGIFADDR)
        if address is None:
            return _NO_ADDRESS
        mask = _interface_ipv4(self.interface, _SIOCGIFNETMASK) or "0.0.0.0"
        return (address, mask, self._gateway() or "0.0.0.0", self._dns() or "0.0.0.0")

    def set_ifconfig(self, config: IPConfig | None) -> None:
        raise _refused("change the host's addresses")

    def on_event(self, callback: NetworkEventCallback | None) -> None:
        """The host's link changes are not reported."""

    def close(self) -> None:
        """Nothing is held."""

    # -- host facts --------------------------------------------------------------------------
    def _routes(self) -> list[list[str]]:
        try:
            lines = self._route.read_text().splitlines()[1:]
        except OSError:
            return []
        return [line.split() for line in lines if len(line.split()) >= 3]

    def _default_interface(self) -> str | None:
        for fields in self._routes():
            if fields[1] == "00000000":
                return fields[0]
        try:
            names = sorted(os.listdir(self._net_root))
        except OSError:
            return None
        return next((n for n in names if n != "lo"), None)

    def _gateway(self) -> str | None:
        for fields in self._routes():
            if fields[0] == self.interface and fields[1] == "00000000":
                return socket.inet_ntoa(struct.pack("<I", int(fields[2], 16)))
        return None

    def _dns(self) -> str | None:
        try:
            lines = self._resolv.read_text().splitlines()
        except OSError:
            return None
        for line in lines:
            parts = line.split()
            if len(parts) >= 2 and parts[0] == "nameserver" and "." in parts[1]:
                return parts[1]
        return None


def _interface_ipv4(interface: str, request: int) -> str | None:
    """An IPv4 address of ``interface`` from an ioctl, ``None`` if it has none."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            packed = fcntl.ioctl(
                sock.fileno(), request, struct.pack("256s", interface.encode()[:15])
            )
        except OSError:
            return None
    return socket.inet_ntoa(packed[20:24])
