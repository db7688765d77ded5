"""machine.SPI and the simulated SPI bus."""

from __future__ import annotations

import array
import errno

import pytest

import micropython_compat
from machine import SPI, Pin
from micropython_compat.backends.sim.spi import SimSPIBus, SPIConfig, SPITransfer
from micropython_compat.testing import SimBoard


def _bus(wipy: SimBoard) -> SimSPIBus:
    return wipy.spi_bus(0)


def _errno(exc: pytest.ExceptionInfo[OSError]) -> int:
    assert exc.value.args == (exc.value.errno,)
    return int(exc.value.errno)


class Echo:
    """A device that answers each frame with the previous frame's bytes (a shift register)."""

    def __init__(self) -> None:
        self.previous = b""
        self.configs: list[SPIConfig] = []

    def transfer(self, tx: bytes, config: SPIConfig) -> bytes:
        self.configs.append(config)
        reply = (self.previous + b"\x00" * len(tx))[: len(tx)]
        self.previous = tx
        return reply


# ------------------------------------------------------------------------------ spec examples


def test_quick_reference_example(wipy: SimBoard) -> None:
    device = Echo()
    _bus(wipy).attach(device)

    from machine import SPI

    # configure the SPI master @ 2MHz
    spi = SPI(0, SPI.MASTER, baudrate=200000, polarity=0, phase=0)
    assert spi.write("hello") == 5
    assert spi.read(5) == b"hello"  # receive 5 bytes on the bus

    rbuf = bytearray(5)
    assert spi.write_readinto("hello", rbuf) == 5  # send a receive 5 bytes
    assert rbuf == b"\x00" * 5  # what the device had shifted in during read()
    assert _bus(wipy).sent() == b"hello" + b"\x00" * 5 + b"hello"
    assert device.configs[0] == SPIConfig(200000, 0, 0, 8, True)


def test_class_section_example(wipy: SimBoard) -> None:
    spi = SPI(0, mode=SPI.MASTER, baudrate=1000000, polarity=0, phase=0, firstbit=SPI.MSB)
    assert repr(spi) == (
        "SPI(0, SPI.MASTER, baudrate=1000000, bits=8, polarity=0, phase=0, firstbit=SPI.MSB)"
    )
    spi.init(SPI.MASTER, baudrate=2000000, polarity=1, phase=1, bits=16)
    assert repr(spi) == (
        "SPI(0, SPI.MASTER, baudrate=2000000, bits=16, polarity=1, phase=1, firstbit=SPI.MSB)"
    )
    spi.deinit()
    assert repr(spi) == "SPI(0)"


# ------------------------------------------------------------------------ construction, repr


def test_defaults_repr_and_singleton(wipy: SimBoard) -> None:
    spi = SPI()
    assert repr(spi) == (
        "SPI(0, SPI.MASTER, baudrate=1000000, bits=8, polarity=0, phase=0, firstbit=SPI.MSB)"
    )
    assert SPI(0) is spi
    assert (SPI.MASTER, SPI.MSB) == (0, 0)
    assert _bus(wipy).config == SPIConfig(1000000, 0, 0, 8, True)


def test_settings_reach_the_bus(wipy: SimBoard) -> None:
    SPI(0, SPI.MASTER, baudrate=5000000, polarity=1, phase=0, bits=32)
    config = _bus(wipy).config
    assert config == SPIConfig(5000000, 1, 0, 32, True)
    assert config.mode == 2


def test_reinit_after_deinit(wipy: SimBoard) -> None:
    spi = SPI(0)
    spi.deinit()
    assert _bus(wipy).closed
    spi.deinit()
    spi.init(baudrate=123)
    assert repr(spi).startswith("SPI(0, SPI.MASTER, baudrate=123,")
    assert spi.write(b"x") == 1


def test_bad_bus_id_is_enodev(wipy: SimBoard) -> None:
    for bus_id in (1, -1):
        with pytest.raises(OSError) as exc:
            SPI(bus_id)
        assert _errno(exc) == errno.ENODEV


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"mode": 1}, ValueError),
        ({"mode": 4}, ValueError),
        ({"bits": 7}, ValueError),
        ({"bits": 24}, ValueError),
        ({"bits": 0}, ValueError),
        ({"polarity": 2}, ValueError),
        ({"polarity": -1}, ValueError),
        ({"phase": 2}, ValueError),
        ({"phase": -1}, ValueError),
        ({"firstbit": 1}, ValueError),
        ({"baudrate": 0}, ValueError),
        ({"baudrate": -5}, ValueError),
        ({"baudrate": 1e6}, TypeError),
        ({"bits": "8"}, TypeError),
        ({"polarity": None}, TypeError),
        ({"mode": "master"}, TypeError),
        ({"nss": 1}, TypeError),
    ],
)
def test_bad_settings(wipy: SimBoard, kwargs: dict[str, object], error: type) -> None:
    with pytest.raises(error):
        SPI(0, **kwargs)
    spi = SPI(0)
    with pytest.raises(error):
        spi.init(**kwargs)
    # a failed init leaves the bus as it was
    assert repr(spi).startswith("SPI(0, SPI.MASTER, baudrate=1000000, bits=8,")


def test_bad_id_type(wipy: SimBoard) -> None:
    with pytest.raises(TypeError):
        SPI("0")


# ------------------------------------------------------------------------------------- pins


def test_default_pins_get_the_spi_function(wipy: SimBoard) -> None:
    SPI(0)
    for name in ("GP14", "GP16", "GP30"):
        assert repr(getattr(Pin.board, name)) == (
            f"Pin('{name}', mode=Pin.ALT, pull=Pin.PULL_UP, drive=Pin.MED_POWER, alt=7)"
        )


def test_pins_none_and_other_pins(wipy: SimBoard) -> None:
    SPI(0, pins=None)
    assert Pin.board.GP14.mode() == Pin.IN
    SPI(0, pins=("GP31", Pin.board.GP16, "GP15"))
    assert (Pin.board.GP31.mode(), Pin.board.GP15.mode()) == (Pin.ALT, Pin.ALT)
    assert repr(Pin.board.GP15).endswith("alt=7)")
    assert Pin.board.GP14.mode() == Pin.IN


@pytest.mark.parametrize(
    "pins",
    [
        ("GP14", "GP16"),
        ("GP14", "GP16", "GP30", "GP17"),
        ("GP16", "GP14", "GP30"),  # swapped
        ("GP2", "GP16", "GP30"),  # no SPI function
        ("GP14", "GP16", "nope"),
        "GP14",
        3,
    ],
)
def test_bad_pins(wipy: SimBoard, pins: object) -> None:
    with pytest.raises(ValueError):
        SPI(0, pins=pins)
    assert Pin.board.GP14.mode() == Pin.IN


# -------------------------------------------------------------------------------- transfers


@pytest.mark.parametrize(
    ("buf", "sent"),
    [
        ("hello", b"hello"),
        (b"\x01\x02", b"\x01\x02"),
        (bytearray(b"ab"), b"ab"),
        (0x1A5, b"\xa5"),
        (array.array("B", [1, 2, 3]), b"\x01\x02\x03"),
        (b"", b""),
    ],
)
def test_write_returns_the_count(wipy: SimBoard, buf: object, sent: bytes) -> None:
    spi = SPI(0)
    assert spi.write(buf) == len(sent)
    assert _bus(wipy).log == [SPITransfer(sent, b"\xff" * len(sent), _bus(wipy).config)]


@pytest.mark.parametrize("buf", [1.5, None, [1, 2]])
def test_write_rejects_non_buffers(wipy: SimBoard, buf: object) -> None:
    spi = SPI(0)
    with pytest.raises(TypeError):
        spi.write(buf)
    with pytest.raises(TypeError):
        spi.write_readinto(buf, bytearray(2))


def test_floating_miso_reads_ff(wipy: SimBoard) -> None:
    spi = SPI(0)
    assert spi.read(3) == b"\xff\xff\xff"
    buf = bytearray(2)
    assert spi.readinto(buf) == 2
    assert buf == b"\xff\xff"


def test_read_sends_the_write_value(wipy: SimBoard) -> None:
    bus = _bus(wipy)
    bus.loopback()
    spi = SPI(0)
    assert spi.read(2) == b"\x00\x00"
    assert spi.read(2, write=0xA5) == b"\xa5\xa5"
    assert spi.read(1, write=0x1FF) == b"\xff"  # the low 8 bits
    assert spi.read(nbytes=1, write=7) == b"\x07"
    assert bus.sent() == b"\x00\x00\xa5\xa5\xff\x07"


def test_settings_after_the_mode_and_write_are_keyword_only(wipy: SimBoard) -> None:
    _bus(wipy).loopback()
    for call in (
        lambda: SPI(0, SPI.MASTER, 1000000),
        lambda: SPI(0).init(SPI.MASTER, 2000000),
        lambda: SPI(0).read(1, 0xFF),
        lambda: SPI(0).readinto(bytearray(1), 0xFF),
    ):
        with pytest.raises(TypeError, match="argument num/types mismatch"):
            call()
    assert SPI(0).read(1, write=0xFF) == b"\xff"


def test_read_into_a_buffer_argument(wipy: SimBoard) -> None:
    _bus(wipy).loopback()
    spi = SPI(0)
    buf = bytearray(3)
    assert spi.read(buf, write=0x42) == b"BBB"
    assert buf == b"BBB"


def test_readinto_returns_the_count(wipy: SimBoard) -> None:
    _bus(wipy).loopback()
    spi = SPI(0)
    buf = bytearray(4)
    assert spi.readinto(buf, write=0x33) == 4
    assert buf == b"3333"
    assert spi.readinto(buf=bytearray(1), write=1) == 1
    assert spi.readinto(5) == 5  # an int reads into a scratch buffer
    assert spi.readinto(bytearray(0)) == 0


@pytest.mark.parametrize("buf", [b"ab", "ab", 1.5, None])
def test_receive_buffers_must_be_writable(wipy: SimBoard, buf: object) -> None:
    spi = SPI(0)
    with pytest.raises(TypeError):
        spi.readinto(buf)
    with pytest.raises(TypeError):
        spi.read(buf)


def test_read_rejects_negative_sizes_and_bad_write(wipy: SimBoard) -> None:
    spi = SPI(0)
    with pytest.raises(ValueError):
        spi.read(-1)
    with pytest.raises(TypeError):
        spi.read(1, write="x")


def test_write_readinto(wipy: SimBoard) -> None:
    device = Echo()
    _bus(wipy).attach(device)
    spi = SPI(0)
    rbuf = bytearray(3)
    assert spi.write_readinto(b"abc", rbuf) == 3
    assert spi.write_readinto(write_buf=b"def", read_buf=rbuf) == 3
    assert rbuf == b"abc"
    same = bytearray(b"xyz")
    assert spi.write_readinto(same, same) == 3  # the same writable object twice
    assert same == b"def"
    one = bytearray(1)
    assert spi.write_readinto(0x31, one) == 1  # an int sends one byte
    assert one == b"x"


def test_write_readinto_bad_arguments(wipy: SimBoard) -> None:
    spi = SPI(0)
    with pytest.raises(ValueError):
        spi.write_readinto(b"abc", bytearray(2))  # lengths differ
    with pytest.raises(TypeError):
        spi.write_readinto(b"ab", b"cd")  # read buffer is read-only
    with pytest.raises(TypeError):
        spi.write_readinto(b"a", 1)
    same = b"ab"
    with pytest.raises(TypeError):
        spi.write_readinto(same, same)
    assert _bus(wipy).log == []


def test_transfers_after_deinit_are_eperm(wipy: SimBoard) -> None:
    spi = SPI(0)
    spi.deinit()
    calls = [
        lambda: spi.write(b"x"),
        lambda: spi.read(1),
        lambda: spi.readinto(bytearray(1)),
        lambda: spi.write_readinto(b"x", bytearray(1)),
    ]
    for call in calls:
        with pytest.raises(OSError) as exc:
            call()
        assert _errno(exc) == errno.EPERM
    with pytest.raises(TypeError):  # buffers are checked first, as on the WiPy
        spi.write(1.5)
    assert _bus(wipy).log == []


# --------------------------------------------------------------------------- 16/32-bit words


def test_16bit_words_go_out_msb_first(wipy: SimBoard) -> None:
    bus = _bus(wipy)
    spi = SPI(0, bits=16)
    assert spi.write(b"\x34\x12\x78\x56") == 4
    assert bus.log[-1].tx == b"\x12\x34\x56\x78"  # each little-endian word, MSB first
    words = array.array("H", [0xABCD])
    spi.write(words)
    assert bus.log[-1].tx == b"\xab\xcd"


def test_16bit_reads_and_write_value(wipy: SimBoard) -> None:
    bus = _bus(wipy)
    bus.attach(lambda tx, config: bytes([0x12, 0x34]) * (len(tx) // 2))
    spi = SPI(0, bits=16)
    assert spi.read(4, write=0xBEEF) == b"\x34\x12\x34\x12"
    assert bus.log[-1].tx == b"\xbe\xef\xbe\xef"
    buf = array.array("H", [0, 0])
    assert spi.readinto(buf) == 4
    assert list(buf) == [0x1234, 0x1234]


def test_32bit_words(wipy: SimBoard) -> None:
    bus = _bus(wipy)
    bus.loopback()
    spi = SPI(0, bits=32)
    assert spi.read(4, write=0x11223344) == b"\x44\x33\x22\x11"
    assert bus.log[-1].tx == b"\x11\x22\x33\x44"
    rbuf = bytearray(8)
    assert spi.write_readinto(b"\x01\x02\x03\x04\x05\x06\x07\x08", rbuf) == 8
    assert rbuf == b"\x01\x02\x03\x04\x05\x06\x07\x08"  # loopback gives back memory order
    assert bus.log[-1].tx == b"\x04\x03\x02\x01\x08\x07\x06\x05"


def test_partial_words_are_padded_and_trimmed(wipy: SimBoard) -> None:
    bus = _bus(wipy)
    bus.loopback()
    spi = SPI(0, bits=16)
    assert spi.write(b"\x01\x02\x03") == 3
    assert bus.log[-1].tx == b"\x02\x01\x00\x03"  # the last word padded with a zero byte
    rbuf = bytearray(3)
    assert spi.write_readinto(b"abc", rbuf) == 3
    assert rbuf == b"abc"
    assert spi.read(1, write=0x4142) == b"\x42"


# ------------------------------------------------------------------------------ the sim bus


def test_sim_bus_devices(wipy: SimBoard) -> None:
    bus = _bus(wipy)
    spi = SPI(0, baudrate=400000, polarity=1, phase=1)
    seen: list[tuple[bytes, SPIConfig]] = []

    def short_device(tx: bytes, config: SPIConfig) -> bytes:
        seen.append((tx, config))
        return b"\x01"

    bus.attach(short_device)
    assert spi.read(3) == b"\x01\xff\xff"  # MISO undriven after the device's reply
    assert seen == [(b"\x00\x00\x00", SPIConfig(400000, 1, 1, 8, True))]
    assert seen[0][1].mode == 3
    bus.loopback()
    assert spi.read(1, write=9) == b"\x09"
    bus.attach(Echo())  # attaching ends the loopback
    assert spi.read(1) == b"\x00"
    bus.detach()
    assert spi.read(1) == b"\xff"
    with pytest.raises(ValueError):
        bus.attach(42)  # type: ignore[arg-type]
    bus.clear_log()
    assert bus.log == []


def test_sim_bus_checks_words_and_bits() -> None:
    bus = SimSPIBus(0)
    with pytest.raises(ValueError):
        bus.configure(1000, 0, 0, 12, True)
    bus.configure(1000, 0, 0, 16, True)
    with pytest.raises(ValueError):
        bus.transfer(b"\x01")
    assert bus.transfer(b"") == b""
    assert bus.log[-1] == SPITransfer(b"", b"", bus.config)


def test_sim_bus_lsb_first_reverses_bits_per_word() -> None:
    bus = SimSPIBus(0)
    bus.loopback()
    bus.configure(1000, 0, 0, 8, False)
    assert bus.transfer(b"\x01\x80") == b"\x01\x80"
    assert bus.log[-1].tx == b"\x80\x01"
    bus.configure(1000, 0, 0, 16, False)
    bus.transfer(b"\x01\x00")  # the word 0x0001, LSB first: the first bit on the wire is 1
    assert bus.log[-1].tx == b"\x80\x00"


def test_release_closes_the_bus(wipy: SimBoard) -> None:
    SPI(0)
    assert not _bus(wipy).closed
    micropython_compat.release_board()
    assert _bus(wipy).closed


def test_board_file_spi_loopback_and_wired_loop(tmp_path) -> None:
    path = tmp_path / "bench.toml"
    path.write_text('extends = "wipy"\n[sim]\nspi_loopback = [0]\n', encoding="utf-8")
    micropython_compat.use_board(path, clock="virtual")
    assert SPI(0, SPI.MASTER, pins=("GP14", "GP16", "GP15")).read(2, write=0x33) == b"33"
    path.write_text('extends = "wipy"\n[sim]\nwires = [["GP16", "GP30"]]\n', encoding="utf-8")
    micropython_compat.use_board(path, clock="virtual")
    spi = SPI(0, SPI.MASTER)  # default pins: MOSI GP16, MISO GP30, wired together
    assert spi.read(2, write=0x33) == b"33"
    spi.init(pins=("GP14", "GP16", "GP15"))  # MISO moved off the wire
    assert spi.read(2, write=0x33) == b"\xff\xff"
    micropython_compat.release_board()
