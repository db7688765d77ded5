"""The simulated WiFi network processor: access points in range, association, DHCP, events.

The board description's ``[sim] wlan`` table says what is on the air and how long things take::

    [sim]
    wlan = { networks = [
        { ssid = "mynetwork", auth = "WPA2", key = "mynetworkkey", rssi = -55, channel = 6 },
        { ssid = "cafe", auth = "open" },
    ], connect_ms = 50, dhcp_ms = 100 }
    server = { telnet_port = 2323, ftp_port = 2121 }   # 0: any free port

``auth`` is ``"open"`` (the default), ``"WEP"``, ``"WPA"`` or ``"WPA2"``. A network may also
give ``bssid`` (hex), and the addresses its DHCP server hands out: ``ip``, ``subnet``,
``gateway``, ``dns`` (defaults ``192.168.0.100``, ``255.255.255.0``, ``192.168.0.1``,
``192.168.0.1``).

Association succeeds ``connect_ms`` after ``connect()`` (board clock) when the network is in
range and the security and key match; otherwise the link stays ``'connecting'`` (the device
keeps trying). With DHCP the address arrives ``dhcp_ms`` later; a static configuration applies
at association. Tests add and remove networks, make stations join the access point and make
socket activity with ``add_network()``, ``remove_network()``, ``station_join()``,
``station_leave()`` and ``activity()``; every one of these is a WLAN event.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ...errors import BoardDescriptionError
from ...hal import (
    SEC_OPEN,
    SEC_WEP,
    SEC_WPA2,
    AccessPoint,
    Cancellable,
    Clock,
    IPConfig,
    NetworkEventCallback,
    ServerBinding,
)

__all__ = ["SimAccessPoint", "SimNetwork"]

_AUTH = {"open": SEC_OPEN, "wep": SEC_WEP, "wpa": SEC_WPA2, "wpa2": SEC_WPA2}
_NO_ADDRESS: IPConfig = ("0.0.0.0", "0.0.0.0", "0.0.0.0", "0.0.0.0")
_MS = 1_000_000


@dataclass
class SimAccessPoint:
    """An access point in range of the simulated board."""

    ssid: str
    sec: int = SEC_OPEN
    key: str | None = None
    rssi: int = -60
    channel: int = 6
    bssid: bytes = b""
    lease: IPConfig = ("192.168.0.100", "255.255.255.0", "192.168.0.1", "192.168.0.1")

    def __post_init__(self) -> None:
        if not self.bssid:
            digest = bytearray(hashlib.sha256(self.ssid.encode()).digest()[:6])
            digest[0] = (digest[0] & 0xFC) | 0x02  # unicast, locally administered
            self.bssid = bytes(digest)

    def accepts(self, sec: int, key: str | None) -> bool:
        """Whether a station with this security and key may associate."""
        if self.sec == SEC_OPEN:
            return sec == SEC_OPEN
        return sec == self.sec and key == self.key


class SimNetwork:
    """The simulated network processor (``hal.Network``). Thread-safe."""

    boot_mode = "ap"

    def __init__(
        self,
        clock: Clock,
        config: Mapping[str, Any] | None = None,
        server: Mapping[str, Any] | None = None,
    ) -> None:
        config = dict(config or {})
        self._clock = clock
        self._lock = threading.RLock()
        try:
            self.networks: list[SimAccessPoint] = [
                _access_point(entry) for entry in config.get("networks", ())
            ]
            self.connect_ms = int(config.get("connect_ms", 50))
            self.dhcp_ms = int(config.get("dhcp_ms", 100))
            mac = config.get("mac")
            self._mac: bytes | None = _hex_mac(str(mac)) if mac is not None else None
            server = dict(server or {})
            self.binding = ServerBinding(
                host=str(server.get("host", "127.0.0.1")),
                telnet_port=int(server.get("telnet_port", 2323)),
                ftp_port=int(server.get("ftp_port", 2121)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise BoardDescriptionError(f"[sim] wlan/server: {exc}") from None
        #: The ports the servers listen on now (0 when stopped).
        self.telnet_port = 0
        self.ftp_port = 0
        self.mode = self.boot_mode
        self.connected_to: SimAccessPoint | None = None
        self.stations = 0
        self._state = "idle"
        self._static: IPConfig | None = None
        self._ap_ip: IPConfig = _NO_ADDRESS
        self._address: IPConfig = _NO_ADDRESS
        self._alarm: Cancellable | None = None
        self._callback: NetworkEventCallback | None = None
        self.events = 0

    # -- hal.Network -------------------------------------------------------------------------
    @property
    def server_binding(self) -> ServerBinding:
        return self.binding

    def servers_bound(self, telnet_port: int, ftp_port: int) -> None:
        self.telnet_port, self.ftp_port = telnet_port, ftp_port

    def mac(self) -> bytes | None:
        return self._mac

    def set_mac(self, mac: bytes) -> None:
        self._mac = bytes(mac)

    def start_ap(self, ssid: str, sec: int, key: str | None, channel: int, ip: IPConfig) -> None:
        with self._lock:
            self._drop()
            self.mode, self._ap_ip, self.stations = "ap", ip, 0
            self._state = "idle"

    def start_sta(self) -> None:
        with self._lock:
            self._drop()
            self.mode, self.stations = "sta", 0
            self._state = "idle"

    def scan(self) -> list[AccessPoint]:
        with self._lock:
            return [AccessPoint(n.ssid, n.bssid, n.sec, n.channel, n.rssi) for n in self.networks]

    def connect(self, ssid: str, sec: int, key: str | None, bssid: bytes | None) -> None:
        with self._lock:
            self._drop()
            self._state = "connecting"
            target = self._find(ssid, bssid)
            if target is None or not target.accepts(sec, key):
                return
            deadline = self._clock.now_ns() + self.connect_ms * _MS
            self._alarm = self._clock.call_at_ns(deadline, lambda: self._associated(target))

    def disconnect(self) -> None:
        with self._lock:
            was = self._state in ("associated", "connected")
            self._drop()
            self._state = "idle"
        if was:
            self._event()

    def status(self) -> str:
        with self._lock:
            if self.mode == "ap":
                return "connected" if self.stations else "idle"
            return self._state

    def ifconfig(self) -> IPConfig:
        with self._lock:
            if self.mode == "ap":
                return self._ap_ip
            if self._static is not None:
                return self._static
            return self._address

    def set_ifconfig(self, config: IPConfig | None) -> None:
        with self._lock:
            if self.mode == "ap":
                if config is not None:
                    self._ap_ip = config
                return
            self._static = config
            if self._state == "connected" and self.connected_to is not None and config is None:
                self._address = self.connected_to.lease

    def on_event(self, callback: NetworkEventCallback | None) -> None:
        self._callback = callback

    def close(self) -> None:
        with self._lock:
            self._drop()
            self._callback = None

    # -- what tests use ----------------------------------------------------------------------
    def add_network(
        self,
        ssid: str,
        *,
        auth: str = "open",
        key: str | None = None,
        rssi: int = -60,
        channel: int = 6,
    ) -> SimAccessPoint:
        """Put an access point in range (``auth``: ``'open'``, ``'WEP'``, ``'WPA'``,
        ``'WPA2'``) and return it."""
        network = _access_point(
            {"ssid": ssid, "auth": auth, "key": key, "rssi": rssi, "channel": channel}
        )
        with self._lock:
            self.networks.append(network)
        return network

    def remove_network(self, ssid: str) -> None:
        """Take ``ssid`` out of range; a station associated with it loses the link (an
        event)."""
        with self._lock:
            self.networks = [n for n in self.networks if n.ssid != ssid]
            lost = self.connected_to is not None and self.connected_to.ssid == ssid
            if lost:
                self._drop()
                self._state = "connecting"  # the device keeps trying to get back
        if lost:
            self._event()

    def station_join(self) -> None:
        """A station joins the board's access point (an event)."""
        with self._lock:
            self.stations += 1
        self._event()

    def station_leave(self) -> None:
        """A station leaves the board's access point (an event)."""
        with self._lock:
            self.stations = max(0, self.stations - 1)
        self._event()

    def activity(self) -> None:
        """Socket activity (a client reaching the board): an event."""
        self._event()

    # -- internals ---------------------------------------------------------------------------
    def _find(self, ssid: str, bssid: bytes | None) -> SimAccessPoint | None:
        for network in self.networks:
            if network.ssid == ssid and (bssid is None or bssid == network.bssid):
                return network
        return None

    def _drop(self) -> None:
        """Cancel what is under way and forget the association (lock held)."""
        alarm, self._alarm = self._alarm, None
        if alarm is not None:
            alarm.cancel()
        self.connected_to = None
        self._address = _NO_ADDRESS

    def _associated(self, network: SimAccessPoint) -> None:
        with self._lock:
            if self._state != "connecting":
                return
            self.connected_to = network
            if self._static is not None:
                self._state = "connected"
            else:
                self._state = "associated"
                deadline = self._clock.now_ns() + self.dhcp_ms * _MS
                self._alarm = self._clock.call_at_ns(deadline, lambda: self._leased(network))
        self._event()

    def _leased(self, network: SimAccessPoint) -> None:
        with self._lock:
            if self._state != "associated" or self.connected_to is not network:
                return
            self._alarm = None
            self._address = network.lease
            self._state = "connected"

    def _event(self) -> None:
        self.events += 1
        callback = self._callback
        if callback is not None:
            callback()


def _access_point(entry: Mapping[str, Any]) -> SimAccessPoint:
    auth = str(entry.get("auth", "open")).lower()
    if auth not in _AUTH:
        raise ValueError(f"auth must be open, WEP, WPA or WPA2, not {entry.get('auth')!r}")
    key = entry.get("key")
    lease = (
        str(entry.get("ip", "192.168.0.100")),
        str(entry.get("subnet", "255.255.255.0")),
        str(entry.get("gateway", "192.168.0.1")),
        str(entry.get("dns", entry.get("gateway", "192.168.0.1"))),
    )
    bssid = entry.get("bssid")
    return SimAccessPoint(
        ssid=str(entry["ssid"]),
        sec=_AUTH[auth],
        key=None if key is None else str(key),
        rssi=int(entry.get("rssi", -60)),
        channel=int(entry.get("channel", 6)),
        bssid=_hex_mac(str(bssid)) if bssid is not None else b"",
        lease=lease,
    )


def _hex_mac(text: str) -> bytes:
    value = bytes.fromhex(text.replace(":", "").replace("-", ""))
    if len(value) != 6:
        raise ValueError(f"a MAC address has 6 bytes, not {text!r}")
    return value
