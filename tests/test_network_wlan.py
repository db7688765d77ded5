"""network.WLAN on the simulated WiPy (virtual clock), and the Linux backend's read-only WLAN."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

import machine
from micropython_compat.backends.linux.network import LinuxNetwork
from micropython_compat.testing import SimBoard
from network import WLAN

KEY = "mynetworkkey"
STATIC = ("192.168.0.107", "255.255.255.0", "192.168.0.1", "8.8.8.8")


@pytest.fixture
def home(wipy: SimBoard) -> SimBoard:
    wipy.network_device.add_network("mynetwork", auth="WPA2", key=KEY, rssi=-52, channel=6)
    wipy.network_device.add_network("cafe", auth="open", rssi=-80)
    return wipy


def test_constants_are_the_wipy_values() -> None:
    assert (WLAN.STA, WLAN.AP) == (0, 2)
    assert (WLAN.WEP, WLAN.WPA, WLAN.WPA2) == (1, 2, 2)
    assert (WLAN.INT_ANT, WLAN.EXT_ANT, WLAN.ANY_EVENT) == (0, 1, 1)


def test_boots_as_the_default_access_point(wipy: SimBoard) -> None:
    wlan = WLAN()
    mac = machine.unique_id()
    assert wlan.mode() == WLAN.AP
    assert wlan.ssid() == "wipy-wlan-" + mac[4:6].hex()
    assert wlan.auth() == (WLAN.WPA2, "www.wipy.io")
    assert wlan.channel() == 5
    assert wlan.antenna() == WLAN.INT_ANT
    assert wlan.mac() == mac
    assert wlan.ifconfig() == ("192.168.1.1", "255.255.255.0", "192.168.1.1", "192.168.1.1")
    assert wipy.network_device.mode == "ap"
    assert repr(wlan) == "<WLAN>"


def test_constructor_without_arguments_returns_the_instance_unchanged(home: SimBoard) -> None:
    wlan = WLAN(mode=WLAN.STA)
    assert WLAN() is wlan
    assert WLAN(0) is wlan
    assert wlan.mode() == WLAN.STA
    assert WLAN(mode=WLAN.AP) is wlan
    assert wlan.mode() == WLAN.AP


def test_quick_reference_flow(home: SimBoard) -> None:
    wlan = WLAN(mode=WLAN.STA)
    wlan.ifconfig(config=STATIC)
    nets = wlan.scan()
    assert [n.ssid for n in nets] == ["mynetwork", "cafe"]
    first = nets[0]
    assert (first.sec, first.channel, first.rssi) == (WLAN.WPA2, None, -52)
    assert len(first.bssid) == 6 and first[0] == "mynetwork"
    assert repr(first).startswith("(ssid='mynetwork', bssid=b")
    wlan.connect(ssid="mynetwork", auth=(WLAN.WPA2, KEY))
    while not wlan.isconnected():
        pass
    assert wlan.ifconfig() == STATIC
    assert home.network_device.connected_to is not None
    assert home.network_device.connected_to.ssid == "mynetwork"


def test_dhcp_address_arrives_after_association(home: SimBoard) -> None:
    wlan = WLAN(mode=WLAN.STA)
    start = home.clock.now_ns()
    wlan.connect("mynetwork", auth=(WLAN.WPA2, KEY), timeout=5000)
    assert home.network_device.status() == "associated"
    assert wlan.ifconfig() == ("0.0.0.0",) * 4
    polls = 0
    while not wlan.isconnected():
        polls += 1
    assert polls > 0
    assert wlan.ifconfig() == ("192.168.0.100", "255.255.255.0", "192.168.0.1", "192.168.0.1")
    assert home.clock.now_ns() - start >= 150_000_000  # 50 ms to associate, 100 ms for DHCP


def test_scan_takes_the_firmware_scan_time(home: SimBoard) -> None:
    wlan = WLAN(mode=WLAN.STA)
    start = home.clock.now_ns()
    wlan.scan()
    assert home.clock.now_ns() - start == 1_050_000_000


def test_wrong_key_times_out_with_eio(home: SimBoard) -> None:
    wlan = WLAN(mode=WLAN.STA)
    start = home.clock.now_ns()
    with pytest.raises(OSError) as info:
        wlan.connect("mynetwork", auth=(WLAN.WPA2, "wrong"), timeout=3000)
    assert info.value.args == (errno.EIO,)
    assert 3_000_000_000 <= home.clock.now_ns() - start < 3_100_000_000
    assert not wlan.isconnected()


def test_wrong_key_without_timeout_ends_when_nothing_can_change(home: SimBoard) -> None:
    wlan = WLAN(mode=WLAN.STA)
    with pytest.raises(OSError) as info:
        wlan.connect("mynetwork", auth=(WLAN.WPA2, "wrong"))
    assert info.value.args == (errno.EIO,)


def test_unknown_network_and_open_network(home: SimBoard) -> None:
    wlan = WLAN(mode=WLAN.STA)
    with pytest.raises(OSError):
        wlan.connect("nowhere", timeout=100)
    with pytest.raises(OSError):
        wlan.connect("cafe", auth=(WLAN.WPA2, "x"), timeout=100)  # open network, WPA2 asked
    wlan.connect("cafe")
    while not wlan.isconnected():
        pass
    wlan.disconnect()
    assert not wlan.isconnected()


def test_timeout_zero_returns_at_once(home: SimBoard) -> None:
    wlan = WLAN(mode=WLAN.STA)
    wlan.connect("mynetwork", auth=(WLAN.WPA2, KEY), timeout=0)
    assert home.network_device.status() == "connecting"
    home.advance(ms=200)
    assert wlan.isconnected()


def test_bssid_picks_the_access_point(home: SimBoard) -> None:
    wlan = WLAN(mode=WLAN.STA)
    bssid = wlan.scan()[0].bssid
    with pytest.raises(OSError):
        wlan.connect("mynetwork", auth=(WLAN.WPA2, KEY), bssid=b"\x00" * 6, timeout=100)
    wlan.connect("mynetwork", auth=(WLAN.WPA2, KEY), bssid=bssid, timeout=1000)
    assert home.network_device.connected_to is not None


def test_station_only_operations_in_ap_mode_raise_eperm(home: SimBoard) -> None:
    wlan = WLAN()
    for call in (wlan.scan, lambda: wlan.connect("mynetwork", auth=(WLAN.WPA2, KEY))):
        with pytest.raises(OSError) as info:
            call()
        assert info.value.args == (errno.EPERM,)


def test_ap_mode_isconnected_when_a_station_joins(wipy: SimBoard) -> None:
    wlan = WLAN(
        mode=WLAN.AP, ssid="bench", auth=(WLAN.WEP, "ABC1DE45BF"), channel=7, antenna=WLAN.EXT_ANT
    )
    assert (wlan.ssid(), wlan.auth(), wlan.channel(), wlan.antenna()) == (
        "bench",
        (WLAN.WEP, "ABC1DE45BF"),
        7,
        WLAN.EXT_ANT,
    )
    assert not wlan.isconnected()
    wipy.network_device.station_join()
    assert wlan.isconnected()
    wipy.network_device.station_leave()
    assert not wlan.isconnected()


def test_ap_settings_can_be_changed_one_by_one(wipy: SimBoard) -> None:
    wlan = WLAN()
    wlan.ssid("other")
    wlan.auth(None)
    wlan.channel(11)
    wlan.antenna(WLAN.EXT_ANT)
    wlan.mac(b"\x01\x02\x03\x04\x05\x06")
    assert (wlan.ssid(), wlan.auth(), wlan.channel(), wlan.antenna()) == (
        "other",
        None,
        11,
        WLAN.EXT_ANT,
    )
    assert wlan.mac() == b"\x01\x02\x03\x04\x05\x06"
    wlan.init(WLAN.AP)  # no ssid given: kept; no auth: open; channel back to 1
    assert (wlan.ssid(), wlan.auth(), wlan.channel()) == ("other", None, 1)
    wlan.mode(WLAN.STA)
    assert wlan.mode() == WLAN.STA and wipy.network_device.mode == "sta"


def test_ifconfig_dhcp_and_static(home: SimBoard) -> None:
    wlan = WLAN(mode=WLAN.STA)
    wlan.ifconfig(config=STATIC)
    assert wlan.ifconfig() == STATIC
    wlan.ifconfig(config="dhcp")
    assert wlan.ifconfig() == ("0.0.0.0",) * 4
    wlan.ifconfig(0, ("10.0.0.2", "255.0.0.0", "10.0.0.1", "10.0.0.1"))
    assert wlan.ifconfig() == ("10.0.0.2", "255.0.0.0", "10.0.0.1", "10.0.0.1")


def test_irq_wakes_the_board_from_sleep(home: SimBoard) -> None:
    wlan = WLAN(mode=WLAN.STA)
    calls: list[object] = []
    irq = wlan.irq(trigger=WLAN.ANY_EVENT, wake=machine.SLEEP, handler=calls.append)
    assert repr(irq) == "<irq>"
    home.clock.call_at_ns(home.clock.now_ns() + 2_000_000_000, home.network_device.activity)
    machine.sleep()
    assert machine.wake_reason() == machine.WLAN_WAKE
    assert calls == [wlan]


def test_irq_fires_only_during_sleep(home: SimBoard) -> None:
    wlan = WLAN(mode=WLAN.STA)
    calls: list[object] = []
    wlan.irq(trigger=WLAN.ANY_EVENT, wake=machine.SLEEP, handler=calls.append)
    wlan.connect("mynetwork", auth=(WLAN.WPA2, KEY))  # an event while awake
    home.network_device.activity()
    assert calls == []
    assert machine.wake_reason() == 0


def test_losing_the_network_is_an_event_that_wakes(home: SimBoard) -> None:
    wlan = WLAN(mode=WLAN.STA)
    wlan.connect("mynetwork", auth=(WLAN.WPA2, KEY))
    while not wlan.isconnected():
        pass
    wlan.irq(trigger=WLAN.ANY_EVENT, wake=machine.SLEEP)
    home.clock.call_at_ns(
        home.clock.now_ns() + 1_000_000, lambda: home.network_device.remove_network("mynetwork")
    )
    machine.sleep()
    assert machine.wake_reason() == machine.WLAN_WAKE
    assert not wlan.isconnected()


@pytest.mark.parametrize(
    "call",
    [
        lambda w: w.init(1),
        lambda w: w.init(WLAN.AP, ssid="x" * 33),
        lambda w: w.init(WLAN.AP, auth=(0, "key")),
        lambda w: w.init(WLAN.AP, auth=(WLAN.WEP, "not hex")),
        lambda w: w.init(WLAN.AP, auth=(WLAN.WPA2,)),
        lambda w: w.init(WLAN.AP, channel=0),
        lambda w: w.init(WLAN.AP, channel=12),
        lambda w: w.init(WLAN.STA, antenna=2),
        lambda w: w.mode(3),
        lambda w: w.ssid("y" * 33),
        lambda w: w.auth((3, "k")),
        lambda w: w.channel(12),
        lambda w: w.antenna(-1),
        lambda w: w.mac(b"12345"),
        lambda w: w.ifconfig(config="static"),
        lambda w: w.ifconfig(config=("1.2.3", "255.255.255.0", "1.2.3.1", "8.8.8.8")),
        lambda w: w.ifconfig(config=("1.2.3.4", "255.255.255.0", "1.2.3.1")),
        lambda w: w.ifconfig(config=("1.2.3.256", "255.255.255.0", "1.2.3.1", "8.8.8.8")),
        lambda w: w.irq(trigger=2, wake=machine.SLEEP),
        lambda w: w.irq(trigger=WLAN.ANY_EVENT, wake=machine.IDLE),
    ],
)
def test_bad_arguments_raise_value_error(wipy: SimBoard, call) -> None:
    with pytest.raises(ValueError):
        call(WLAN())


def test_station_bad_arguments_raise_value_error(home: SimBoard) -> None:
    wlan = WLAN(mode=WLAN.STA)
    with pytest.raises(ValueError):
        wlan.connect("z" * 33)
    with pytest.raises(ValueError):
        wlan.connect("mynetwork", auth=(WLAN.WPA2, KEY), bssid=b"\x01\x02")


@pytest.mark.parametrize(
    "call",
    [
        lambda w: w.init("sta"),
        lambda w: w.init(WLAN.AP, ssid=5),
        lambda w: w.init(mode=WLAN.AP, ssid=None),  # modwlan.c: None is no string either
        lambda w: WLAN(mode=WLAN.AP, ssid=None),
        lambda w: w.init(WLAN.AP, auth="open"),
        lambda w: w.mac(5),
        lambda w: w.ifconfig(config=["1.2.3.4", "255.0.0.0", "1.2.3.1", "8.8.8.8"]),
        lambda w: w.irq(wake=machine.SLEEP),
        lambda w: w.irq(trigger=WLAN.ANY_EVENT, wake=machine.SLEEP, handler=5),
    ],
)
def test_wrong_types_raise_type_error(wipy: SimBoard, call) -> None:
    with pytest.raises(TypeError):
        call(WLAN())


def test_an_id_other_than_zero_raises_enodev(wipy: SimBoard) -> None:
    with pytest.raises(OSError) as info:
        WLAN(1, mode=WLAN.STA)
    assert info.value.args == (errno.ENODEV,)
    with pytest.raises(OSError) as info:
        WLAN().ifconfig(1)
    assert info.value.args == (errno.ENODEV,)


def test_sim_description_tables(tmp_path: Path) -> None:
    from micropython_compat.description import load
    from micropython_compat.errors import BoardDescriptionError

    good = tmp_path / "good.toml"
    good.write_text(
        'extends = "wipy"\n[sim]\nwlan = { networks = [ { ssid = "a", auth = "WPA", key = "k",'
        ' ip = "10.1.1.5" } ], connect_ms = 10, dhcp_ms = 20 }\n'
        "server = { telnet_port = 0, ftp_port = 0 }\n"
    )
    board = SimBoard(load(good), clock="virtual")
    try:
        net = board.network_device
        assert (net.connect_ms, net.dhcp_ms) == (10, 20)
        assert net.networks[0].lease[0] == "10.1.1.5"
        assert (net.server_binding.telnet_port, net.server_binding.ftp_port) == (0, 0)
    finally:
        board.close()
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'extends = "wipy"\n[sim]\nwlan = { networks = [ { ssid = "a", auth = "x" } ] }\n'
    )
    with pytest.raises(BoardDescriptionError):
        SimBoard(load(bad), clock="virtual")


# ------------------------------------------------------------------------------ Linux backend


def test_linux_network_reports_the_host_interface() -> None:
    net = LinuxNetwork({"interface": "lo"})
    assert net.boot_mode == "sta"
    ip, mask, _, _ = net.ifconfig()
    assert (ip, mask) == ("127.0.0.1", "255.0.0.0")
    assert net.status() == "connected"


def test_linux_network_reads_gateway_and_dns(tmp_path: Path) -> None:
    route = tmp_path / "route"
    route.write_text("Iface\tDestination\tGateway\tFlags\nlo\t00000000\t0101A8C0\t0003\n")
    resolv = tmp_path / "resolv.conf"
    resolv.write_text("# comment\nnameserver 9.9.9.9\n")
    net = LinuxNetwork(proc_route=route, resolv_conf=resolv, net_root=tmp_path)
    assert net.interface == "lo"
    assert net.ifconfig() == ("127.0.0.1", "255.0.0.0", "192.168.1.1", "9.9.9.9")


def test_linux_network_without_an_interface_has_no_address(tmp_path: Path) -> None:
    net = LinuxNetwork({"interface": "nosuch0"}, net_root=tmp_path)
    assert net.ifconfig() == ("0.0.0.0",) * 4
    assert net.status() == "idle"
    assert net.mac() is None


@pytest.mark.parametrize(
    "call",
    [
        lambda n: n.scan(),
        lambda n: n.connect("x", 2, "k", None),
        lambda n: n.disconnect(),
        lambda n: n.start_ap("x", 2, "k", 1, ("192.168.1.1",) * 4),
        lambda n: n.set_ifconfig(None),
        lambda n: n.set_mac(b"\x00" * 6),
    ],
)
def test_linux_network_refuses_to_drive_the_host(call) -> None:
    with pytest.raises(OSError) as info:
        call(LinuxNetwork({"interface": "lo"}))
    assert info.value.errno == errno.EPERM
    assert "nmcli" in str(info.value)
