"""``network.WLAN``: the WiPy's WiFi network processor, as a station or an access point."""

from __future__ import annotations

import errno
from collections import namedtuple
from typing import Any, Callable

from machine._args import check_handler, to_int
from machine._irq import SLEEP, WLAN_WAKE, Irq
from machine._system import add_sleep_hook, unique_id
from micropython_compat.board import current_runtime
from micropython_compat.errors import bad_argument, device_error
from micropython_compat.hal import SEC_OPEN, SEC_WEP, SEC_WPA2, IPConfig, Network
from micropython_compat.runtime import Runtime

__all__ = ["WLAN", "socket_activity"]

_MISSING: Any = object()
_STATE_KEY = "network.WLAN"
_LISTENERS_KEY = "network.activity"
_SSID_MAX = 32
_MAX_NETWORKS = 20
_SCAN_NS = 1_050_000_000  # the firmware waits this long for a scan to complete
_POLL_NS = 2_000_000  # how often connect() looks at the link while it waits
_QUERY_NS = 1_000_000  # a status query to the network processor, on a virtual clock
_AP_IP: IPConfig = ("192.168.1.1", "255.255.255.0", "192.168.1.1", "192.168.1.1")
_AP_SSID, _AP_KEY, _AP_CHANNEL = "wipy-wlan", "www.wipy.io", 5

_ScanFields = namedtuple("_ScanFields", ["ssid", "bssid", "sec", "channel", "rssi"])


class ScanResult(_ScanFields):
    """One network ``scan()`` found: ``(ssid, bssid, sec, channel, rssi)`` with attributes of
    those names; printed as MicroPython prints such a tuple."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "(" + ", ".join(f"{k}={v!r}" for k, v in zip(self._fields, self)) + ")"


def socket_activity(runtime: Runtime) -> None:
    """A client reached one of the board's servers: a WLAN event (it wakes a sleeping board
    whose WLAN irq has ``wake=machine.SLEEP``)."""
    listeners: list[Callable[[], None]] = runtime.state(_LISTENERS_KEY, list)
    for listener in list(listeners):
        listener()


class WLAN:
    """The WiFi network processor: ``WLAN(mode=WLAN.STA)``.

    There is one ``WLAN`` object per board: with no arguments besides ``id`` the constructor
    returns it unchanged; with any other argument it (re)initialises it (see ``init``). The
    board starts as an access point (``'wipy-wlan-XXXX'``, WPA2 key ``'www.wipy.io'``,
    ``192.168.1.1``). Bad arguments raise ``ValueError`` (``TypeError`` for the wrong type);
    an ``id`` other than 0 raises ``OSError(ENODEV)``; station-only operations in access-point
    mode raise ``OSError(EPERM)``.
    """

    STA = 0
    AP = 2
    WEP = SEC_WEP
    WPA = SEC_WPA2
    WPA2 = SEC_WPA2
    INT_ANT = 0
    EXT_ANT = 1
    ANY_EVENT = 1

    _net: Network
    _runtime: Runtime
    _mode: int
    _ssid: str
    _sec: int
    _key: str | None
    _channel: int
    _antenna: int
    _irq: Irq | None
    _sleeping: bool

    def __new__(cls, *args: Any, **kwargs: Any) -> WLAN:
        runtime = current_runtime()
        return runtime.state(_STATE_KEY, lambda: cls._boot(runtime))

    @classmethod
    def _boot(cls, runtime: Runtime) -> WLAN:
        """The network processor at power-on: an access point (on the WiPy)."""
        self: WLAN = super().__new__(cls)
        self._runtime = runtime
        self._net = runtime.board.network()
        self._ssid = _AP_SSID + "-" + self._mac()[4:6].hex()
        self._sec, self._key, self._channel = SEC_WPA2, _AP_KEY, _AP_CHANNEL
        self._antenna = WLAN.INT_ANT
        self._irq = None
        self._sleeping = False
        if self._net.boot_mode == "ap":
            self._mode = WLAN.AP
            self._net.start_ap(self._ssid, self._sec, self._key, self._channel, _AP_IP)
        else:
            self._mode = WLAN.STA
        self._net.on_event(self._on_event)
        listeners: list[Callable[[], None]] = runtime.state(_LISTENERS_KEY, list)
        listeners.append(self._on_event)
        add_sleep_hook(self._on_sleep)
        runtime.on_close(lambda: self._net.on_event(None))
        return self

    def __init__(self, id: Any = 0, *args: Any, **kwargs: Any) -> None:
        if not args and not kwargs:
            return  # the existing instance, as it is
        if to_int(id) != 0:
            raise device_error(errno.ENODEV)
        self.init(*args, **kwargs)

    # -- configuration -----------------------------------------------------------------------
    def init(
        self,
        mode: Any = STA,
        *,
        ssid: Any = _MISSING,
        auth: Any = None,
        channel: Any = 1,
        antenna: Any = INT_ANT,
    ) -> None:
        """Configure the network processor (this drops any connection).

        ``mode`` is ``WLAN.STA`` or ``WLAN.AP``; ``ssid`` (at most 32 characters; omitted:
        keep the current one), ``auth`` (``None`` for an open network, or ``(sec, key)``),
        ``channel`` (1-11) apply to the access point; ``antenna`` is ``WLAN.INT_ANT`` or
        ``WLAN.EXT_ANT``. Raises ``ValueError`` for anything else, ``TypeError`` for an
        ``ssid`` that is not a string (``None`` included, as in the firmware)."""
        mode = _check_mode(mode)
        if ssid is not _MISSING:
            ssid = _check_ssid(ssid)
        sec, key = _check_auth(auth)
        channel = _check_channel(channel)
        antenna = _check_antenna(antenna)
        self._antenna = antenna
        self._mode = mode
        if mode == WLAN.AP:
            if ssid is not _MISSING:
                self._ssid = ssid
            self._sec, self._key, self._channel = sec, key, channel
        self._restart()

    def _restart(self) -> None:
        if self._mode == WLAN.AP:
            self._net.start_ap(self._ssid, self._sec, self._key, self._channel, _AP_IP)
        else:
            self._net.start_sta()

    def mode(self, mode: Any = _MISSING) -> int | None:
        """Get the mode (``WLAN.STA``/``WLAN.AP``), or set it (``ValueError`` otherwise)."""
        if mode is _MISSING:
            return self._mode
        self._mode = _check_mode(mode)
        self._restart()
        return None

    def ssid(self, ssid: Any = _MISSING) -> str | None:
        """Get or set the access point's SSID (``ValueError`` if longer than 32)."""
        if ssid is _MISSING:
            return self._ssid
        self._ssid = _check_ssid(ssid)
        self._restart()
        return None

    def auth(self, auth: Any = _MISSING) -> tuple[int, str] | None:
        """Get or set the access point's security: ``None`` (open) or ``(sec, key)``."""
        if auth is _MISSING:
            if self._sec == SEC_OPEN:
                return None
            return (self._sec, self._key or "")
        self._sec, self._key = _check_auth(auth)
        self._restart()
        return None

    def channel(self, channel: Any = _MISSING) -> int | None:
        """Get or set the access point's channel (1-11, else ``ValueError``)."""
        if channel is _MISSING:
            return self._channel
        self._channel = _check_channel(channel)
        self._restart()
        return None

    def antenna(self, antenna: Any = _MISSING) -> int | None:
        """Get or set the antenna (``WLAN.INT_ANT``/``WLAN.EXT_ANT``, else ``ValueError``)."""
        if antenna is _MISSING:
            return self._antenna
        self._antenna = _check_antenna(antenna)
        return None

    def mac(self, mac: Any = _MISSING) -> bytes | None:
        """Get or set the 6-byte MAC address (``ValueError`` for another length,
        ``TypeError`` for an object without the buffer protocol)."""
        if mac is _MISSING:
            return self._mac()
        try:
            value = bytes(memoryview(mac))
        except TypeError:
            raise TypeError(
                f"object with buffer protocol required, not {type(mac).__name__}"
            ) from None
        if len(value) != 6:
            raise bad_argument()
        self._net.set_mac(value)
        self._restart()
        return None

    def _mac(self) -> bytes:
        own = self._net.mac()
        return own if own is not None else unique_id()

    # -- station -----------------------------------------------------------------------------
    def scan(self) -> list[ScanResult]:
        """Scan for networks (takes about a second): a list of ``(ssid, bssid, sec, channel,
        rssi)`` named tuples; ``channel`` is always ``None``, as on the WiPy. Raises
        ``OSError(EPERM)`` in access-point mode."""
        self._station_only()
        clock = self._runtime.board.clock
        clock.sleep_until_ns(clock.now_ns() + _SCAN_NS)
        found: list[ScanResult] = []
        seen: set[bytes] = set()
        for ap in self._net.scan():
            if ap.bssid in seen:
                continue
            seen.add(ap.bssid)
            found.append(ScanResult(ap.ssid, ap.bssid, min(ap.sec, SEC_WPA2), None, ap.rssi))
            if len(found) == _MAX_NETWORKS:
                break
        return found

    def connect(
        self, ssid: Any, auth: Any = None, *, bssid: Any = None, timeout: Any = None
    ) -> None:
        """Connect to ``ssid``; return once associated (the IP address may come later: see
        ``isconnected()``).

        ``auth`` is ``None`` (open) or ``(sec, key)``; ``bssid`` picks one access point (6
        bytes); ``timeout`` is in milliseconds (``None``: wait as long as it takes; 0: don't
        wait). Raises ``OSError(EPERM)`` in access-point mode, ``OSError(EIO)`` when the
        timeout expires, ``ValueError`` for bad arguments. Without a timeout, on a virtual
        clock with nothing left scheduled that could change the outcome, it raises
        ``OSError(EIO)`` instead of waiting for ever."""
        self._station_only()
        name = _check_ssid(ssid)
        sec, key = _check_auth(auth)
        target = None if bssid is None else _check_bssid(bssid)
        limit = -1 if timeout is None else to_int(timeout)
        self._net.connect(name, sec, key, target)
        clock = self._runtime.board.clock
        start = clock.now_ns()
        while limit and self._net.status() in ("idle", "connecting"):
            if limit > 0 and clock.now_ns() - start > limit * 1_000_000:
                raise device_error(errno.EIO)
            if clock.virtual and limit < 0 and not _alarm_pending(clock):
                raise device_error(errno.EIO)
            clock.sleep_until_ns(clock.now_ns() + _POLL_NS)

    def disconnect(self) -> None:
        """Leave the access point (or stop trying to reach it)."""
        self._net.disconnect()

    def isconnected(self) -> bool:
        """Station: associated and with an IP address. Access point: a station has joined."""
        clock = self._runtime.board.clock
        if clock.virtual:  # a busy-wait loop on this call sees time pass, as on the device
            clock.sleep_until_ns(clock.now_ns() + _QUERY_NS)
        return self._net.status() == "connected"

    def ifconfig(self, id: Any = 0, config: Any = _MISSING) -> tuple[str, str, str, str] | None:
        """Get ``(ip, subnet_mask, gateway, dns)``, or set a static configuration (a 4-tuple
        of dotted quads) or DHCP (``'dhcp'``). Raises ``OSError(ENODEV)`` for an ``id`` other
        than 0, ``ValueError`` for a malformed configuration, ``TypeError`` for one that is
        neither a tuple nor a string."""
        if to_int(id) != 0:
            raise device_error(errno.ENODEV)
        if config is _MISSING:
            return tuple(self._net.ifconfig())  # type: ignore[return-value]
        if isinstance(config, tuple):
            if len(config) != 4:
                raise bad_argument("tuple has wrong length")
            ip, mask, gateway, dns = (_check_ipv4(part) for part in config)
            self._net.set_ifconfig((ip, mask, gateway, dns))
            return None
        if not isinstance(config, str):
            raise TypeError(f"can't convert '{type(config).__name__}' object to str implicitly")
        if config != "dhcp":
            raise bad_argument()
        if self._mode != WLAN.AP:
            self._net.set_ifconfig(None)
        return None

    # -- interrupts --------------------------------------------------------------------------
    def irq(
        self, *, trigger: Any = None, priority: Any = 1, handler: Any = None, wake: Any = None
    ) -> Irq:
        """Call ``handler(wlan)`` when a WLAN event (a connection, its loss, socket activity)
        happens during ``machine.sleep()``, and wake the board; return the irq object.
        ``trigger`` must be ``WLAN.ANY_EVENT`` and ``wake`` ``machine.SLEEP`` (else
        ``ValueError``; ``TypeError`` when missing)."""
        if to_int(trigger) != WLAN.ANY_EVENT:
            raise bad_argument()
        priority = to_int(priority)
        if to_int(wake) != SLEEP:
            raise bad_argument()
        check_handler(handler)
        irq = Irq(self, handler, WLAN.ANY_EVENT, max(1, min(priority, 7)), SLEEP)
        irq.wake_reason = WLAN_WAKE
        self._irq = irq
        return irq

    def _on_sleep(self, sleeping: bool) -> None:
        self._sleeping = sleeping

    def _on_event(self) -> None:
        irq = self._irq
        if irq is not None and self._sleeping:
            irq.fire(WLAN.ANY_EVENT)

    # -- helpers -----------------------------------------------------------------------------
    def _station_only(self) -> None:
        if self._mode == WLAN.AP:
            raise device_error(errno.EPERM)

    def __repr__(self) -> str:
        return "<WLAN>"


def _alarm_pending(clock: Any) -> bool:
    next_deadline: Callable[[], int | None] | None = getattr(clock, "next_deadline_ns", None)
    return next_deadline is None or next_deadline() is not None


def _check_mode(mode: Any) -> int:
    value = to_int(mode)
    if value not in (WLAN.STA, WLAN.AP):
        raise bad_argument()
    return value


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("latin-1")
    raise TypeError(f"can't convert '{type(value).__name__}' object to str implicitly")


def _check_ssid(ssid: Any) -> str:
    text = _text(ssid)
    if len(text.encode("utf-8")) > _SSID_MAX:
        raise bad_argument()
    return text


def _check_auth(auth: Any) -> tuple[int, str | None]:
    if auth is None:
        return SEC_OPEN, None
    if not isinstance(auth, (tuple, list)):
        raise TypeError(f"object '{type(auth).__name__}' is not a tuple or list")
    if len(auth) != 2:
        raise bad_argument("tuple/list has wrong length")
    sec = to_int(auth[0])
    key = _text(auth[1])
    if sec not in (SEC_WEP, SEC_WPA2):
        raise bad_argument()
    if sec == SEC_WEP and any(c not in "0123456789abcdefABCDEF" for c in key):
        raise bad_argument()
    return sec, key


def _check_channel(channel: Any) -> int:
    value = to_int(channel)
    if not 1 <= value <= 11:
        raise bad_argument()
    return value


def _check_antenna(antenna: Any) -> int:
    value = to_int(antenna)
    if value not in (WLAN.INT_ANT, WLAN.EXT_ANT):
        raise bad_argument()
    return value


def _check_bssid(bssid: Any) -> bytes:
    value = bssid.encode("latin-1") if isinstance(bssid, str) else bytes(memoryview(bssid))
    if len(value) != 6:
        raise bad_argument()
    return value


def _check_ipv4(address: Any) -> str:
    text = _text(address)
    parts = text.split(".")
    if len(parts) != 4 or not all(p.isdigit() and int(p) <= 255 for p in parts):
        raise bad_argument("invalid arguments")
    return ".".join(str(int(p)) for p in parts)
