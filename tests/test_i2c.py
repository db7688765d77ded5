"""machine.I2C, the simulated I2C bus and its device models."""

from __future__ import annotations

import array
import errno
from pathlib import Path

import pytest

import micropython_compat
from machine import I2C, Pin
from micropython_compat.backends.sim.i2c import I2CEvent, SimI2CBus
from micropython_compat.backends.sim.i2c_devices import (
    EEPROM,
    RegisterFile,
    device_from_description,
)
from micropython_compat.errors import BoardDescriptionError
from micropython_compat.testing import SimBoard


def _bus(wipy: SimBoard) -> SimI2CBus:
    return wipy.i2c_bus(0)


def _errno(exc: pytest.ExceptionInfo[OSError]) -> int:
    assert exc.value.args == (exc.value.errno,)
    return int(exc.value.errno)


# ------------------------------------------------------------------------------ spec examples


def test_quick_reference_example(wipy: SimBoard) -> None:
    device = RegisterFile()
    device.regs[0x10:0x12] = b"\x12\x34"
    _bus(wipy).attach(0x42, device)

    from machine import I2C

    # configure the I2C bus
    i2c = I2C(0, I2C.MASTER, baudrate=100000)
    assert i2c.scan() == [0x42]  # returns list of slave addresses
    assert i2c.writeto(0x42, "hello") == 5  # send 5 bytes to slave with address 0x42
    assert i2c.readfrom(0x42, 5) == bytes(device.regs[0x6C:0x71])  # receive 5 bytes from slave
    assert i2c.readfrom_mem(0x42, 0x10, 2) == b"\x12\x34"  # read 2 bytes, slave memory 0x10
    assert i2c.writeto_mem(0x42, 0x10, "xy") == 2  # write 2 bytes to slave memory 0x10
    assert device.regs[0x10:0x12] == b"xy"
    # "hello" went out as one write: register pointer 'h', then 'ello' stored from there.
    assert _bus(wipy).writes(0x42)[0] == b"hello"
    assert device.regs[ord("h") : ord("h") + 4] == b"ello"


def test_class_section_example(wipy: SimBoard) -> None:
    device = RegisterFile()
    device.regs[2:5] = b"DEF"
    _bus(wipy).attach(0x42, device)

    i2c = I2C(0)  # create on bus 0
    i2c = I2C(0, I2C.MASTER)  # create and init as a master
    i2c.init(I2C.MASTER, baudrate=20000)  # init as a master
    assert repr(i2c) == "I2C(0, I2C.MASTER, baudrate=50000)"  # clamped, as on the WiPy
    i2c.deinit()  # turn off the peripheral
    assert repr(i2c) == "I2C(0)"

    i2c.init(I2C.MASTER)
    assert i2c.writeto(0x42, "123") == 3  # send 3 bytes to slave with address 0x42
    # The spec's next line, ``i2c.writeto(addr=0x42, b'456')``, puts a positional argument
    # after a keyword one: a SyntaxError in MicroPython and CPython alike.
    with pytest.raises(SyntaxError):
        compile("i2c.writeto(addr=0x42, b'456')", "<spec>", "exec")
    assert i2c.writeto(addr=0x42, buf=b"456") == 3  # keyword for address

    assert i2c.scan() == [0x42]
    assert i2c.readfrom_mem(0x42, 2, 3) == b"DEF"  # read 3 bytes from memory of slave 0x42
    assert i2c.writeto_mem(0x42, 2, "abc") == 3  # write 'abc' (3 bytes) to memory of 0x42
    assert device.regs[2:5] == b"abc"


# ------------------------------------------------------------------------ construction, repr


def test_defaults_repr_and_singleton(wipy: SimBoard) -> None:
    i2c = I2C()
    assert repr(i2c) == "I2C(0, I2C.MASTER, baudrate=100000)"
    assert I2C(0) is i2c is I2C(id=0)
    assert I2C.MASTER == 0
    assert _bus(wipy).baudrate == 100000


@pytest.mark.parametrize(
    ("requested", "shown"), [(1, 50000), (50000, 50000), (400000, 400000), (1000000, 400000)]
)
def test_baudrate_is_clamped(wipy: SimBoard, requested: int, shown: int) -> None:
    i2c = I2C(0, baudrate=requested)
    assert repr(i2c) == f"I2C(0, I2C.MASTER, baudrate={shown})"
    assert _bus(wipy).baudrate == shown


def test_reinit_after_deinit(wipy: SimBoard) -> None:
    _bus(wipy).attach(0x42, RegisterFile())
    i2c = I2C(0)
    i2c.deinit()
    assert _bus(wipy).closed
    i2c.deinit()  # harmless twice
    again = I2C(0, baudrate=400000)
    assert again is i2c
    assert repr(again) == "I2C(0, I2C.MASTER, baudrate=400000)"
    assert again.scan() == [0x42]


def test_bad_bus_id_is_enodev(wipy: SimBoard) -> None:
    with pytest.raises(OSError) as exc:
        I2C(1, I2C.MASTER, baudrate=100000)
    assert _errno(exc) == errno.ENODEV
    with pytest.raises(OSError) as exc:
        I2C(-1)
    assert _errno(exc) == errno.ENODEV


@pytest.mark.parametrize(
    ("args", "kwargs", "error"),
    [
        ((0, 1), {}, ValueError),  # mode must be MASTER
        ((0, -1), {}, ValueError),
        ((0, "master"), {}, TypeError),
        ((0,), {"baudrate": "fast"}, TypeError),
        ((0,), {"baudrate": 1.5}, TypeError),
        (("0",), {}, TypeError),
        ((0,), {"freq": 100000}, TypeError),  # no such keyword at 1.8.5
    ],
)
def test_bad_constructor_arguments(
    wipy: SimBoard, args: tuple[object, ...], kwargs: dict[str, object], error: type
) -> None:
    with pytest.raises(error):
        I2C(*args, **kwargs)


def test_init_bad_mode(wipy: SimBoard) -> None:
    i2c = I2C()
    with pytest.raises(ValueError, match="invalid argument"):
        i2c.init(2)
    assert repr(i2c) == "I2C(0, I2C.MASTER, baudrate=100000)"


# ------------------------------------------------------------------------------------- pins


def test_default_pins_get_the_i2c_function(wipy: SimBoard) -> None:
    I2C(0)
    assert repr(Pin.board.GP13) == (
        "Pin('GP13', mode=Pin.ALT, pull=Pin.PULL_UP, drive=Pin.MED_POWER, alt=5)"
    )
    assert repr(Pin.board.GP23) == (
        "Pin('GP23', mode=Pin.ALT, pull=Pin.PULL_UP, drive=Pin.MED_POWER, alt=9)"
    )
    assert wipy.pin("GP13").config.mode == "alt"


def test_pins_none_leaves_pins_alone(wipy: SimBoard) -> None:
    I2C(0, pins=None)
    assert Pin.board.GP13.mode() == Pin.IN
    assert Pin.board.GP23.mode() == Pin.IN


def test_other_pins_by_name_and_object(wipy: SimBoard) -> None:
    I2C(0, pins=("GP11", Pin.board.GP10))
    assert (Pin.board.GP11.mode(), Pin.board.GP11.pull()) == (Pin.ALT, Pin.PULL_UP)
    assert repr(Pin.board.GP11).endswith("alt=1)")
    assert repr(Pin.board.GP10).endswith("alt=1)")
    I2C(0, pins=["GP24", "GP12"])
    assert repr(Pin.board.GP24).endswith("alt=9)")
    assert repr(Pin.board.GP12).endswith("alt=5)")


@pytest.mark.parametrize(
    "pins",
    [
        ("GP13",),  # too few
        ("GP13", "GP23", "GP14"),  # too many
        ("GP23", "GP13"),  # swapped: GP23 has no I2C0_SDA
        ("GP2", "GP23"),  # GP2 has no I2C function
        ("GP99", "GP23"),  # no such pin
        (13, 23),
        "GP13",
        5,
    ],
)
def test_bad_pins(wipy: SimBoard, pins: object) -> None:
    with pytest.raises(ValueError):
        I2C(0, pins=pins)
    # nothing was changed by the failed call
    assert Pin.board.GP13.mode() == Pin.IN


# ------------------------------------------------------------------------------------- scan


def test_scan_finds_attached_devices_in_order(wipy: SimBoard) -> None:
    bus = _bus(wipy)
    bus.attach(0x77, RegisterFile())
    bus.attach(0x08, RegisterFile())
    bus.attach(0x01, RegisterFile())
    bus.attach(0x7F, RegisterFile())
    bus.attach(0x30, RegisterFile(nack_address=True))
    bus.attach(0x00, RegisterFile())  # the general call address is not scanned
    assert I2C(0).scan() == [0x01, 0x08, 0x77, 0x7F]


def test_scan_probes_1_to_127_with_a_one_byte_read(wipy: SimBoard) -> None:
    bus = _bus(wipy)
    bus.attach(0x42, RegisterFile())
    I2C(0).scan()
    starts = [e for e in bus.log if e.kind == "start"]
    assert [e.addr for e in starts] == list(range(1, 128))
    assert all(e.read for e in starts)
    assert bus.reads(0x42) == [b"\x00"]


def test_scan_empty_bus(wipy: SimBoard) -> None:
    assert I2C(0).scan() == []


# ------------------------------------------------------------------------- reads and writes


def test_readfrom_returns_bytes(wipy: SimBoard) -> None:
    device = RegisterFile(values=b"ABCDEF")
    _bus(wipy).attach(0x42, device)
    i2c = I2C(0)
    assert i2c.readfrom(0x42, 3) == b"ABC"
    assert i2c.readfrom(addr=0x42, nbytes=2) == b"DE"  # the pointer auto-increments
    buf = bytearray(1)
    assert i2c.readfrom(0x42, buf) == b"F"  # a writable buffer works too, and is filled
    assert buf == b"F"
    assert i2c.readfrom(0x42, 0) == b""


def test_readfrom_into_returns_count(wipy: SimBoard) -> None:
    _bus(wipy).attach(0x42, RegisterFile(values=b"ABCDEFGH"))
    i2c = I2C(0)
    buf = bytearray(4)
    assert i2c.readfrom_into(0x42, buf) == 4
    assert buf == b"ABCD"
    words = array.array("H", [0, 0])
    assert i2c.readfrom_into(0x42, words) == 4
    assert words.tobytes() == b"EFGH"
    assert i2c.readfrom_into(0x42, 3) == 3  # an int reads into a scratch buffer
    assert i2c.readfrom_into(addr=0x42, buf=bytearray(0)) == 0


@pytest.mark.parametrize("buf", [b"abc", "abc", 1.5, None, [1, 2]])
def test_receive_buffers_must_be_writable(wipy: SimBoard, buf: object) -> None:
    _bus(wipy).attach(0x42, RegisterFile())
    i2c = I2C(0)
    with pytest.raises(TypeError):
        i2c.readfrom_into(0x42, buf)
    with pytest.raises(TypeError):
        i2c.readfrom(0x42, buf)
    with pytest.raises(TypeError):
        i2c.readfrom_mem_into(0x42, 0, buf)


def test_negative_sizes_are_value_errors(wipy: SimBoard) -> None:
    _bus(wipy).attach(0x42, RegisterFile())
    i2c = I2C(0)
    with pytest.raises(ValueError):
        i2c.readfrom(0x42, -1)
    with pytest.raises(ValueError):
        i2c.readfrom_mem(0x42, 0, -1)


@pytest.mark.parametrize(
    ("buf", "sent"),
    [
        ("hi", b"hi"),
        ("é", b"\xc3\xa9"),
        (b"\x01\x02\x03", b"\x01\x02\x03"),
        (bytearray(b"xyz"), b"xyz"),
        (memoryview(b"mv"), b"mv"),
        (array.array("H", [0x0201]), b"\x01\x02"),
        (0x1FF, b"\xff"),  # an int is one byte, its low 8 bits
        (b"", b""),
    ],
)
def test_writeto_sends_and_counts(wipy: SimBoard, buf: object, sent: bytes) -> None:
    _bus(wipy).attach(0x42, RegisterFile())
    assert I2C(0).writeto(0x42, buf) == len(sent)
    assert _bus(wipy).writes(0x42) == [sent]


@pytest.mark.parametrize("buf", [1.5, None, [1, 2], object()])
def test_writeto_rejects_non_buffers(wipy: SimBoard, buf: object) -> None:
    _bus(wipy).attach(0x42, RegisterFile())
    i2c = I2C(0)
    with pytest.raises(TypeError):
        i2c.writeto(0x42, buf)
    with pytest.raises(TypeError):
        i2c.writeto_mem(0x42, 0, buf)


@pytest.mark.parametrize("addr", ["0x42", 66.0, None])
def test_address_must_be_an_int(wipy: SimBoard, addr: object) -> None:
    i2c = I2C(0)
    with pytest.raises(TypeError):
        i2c.writeto(addr, b"x")
    with pytest.raises(TypeError):
        i2c.readfrom(addr, 1)


def test_address_keeps_its_low_7_bits(wipy: SimBoard) -> None:
    _bus(wipy).attach(0x42, RegisterFile())
    assert I2C(0).writeto(0xC2, b"\x00") == 1  # the cc3200 addresses 0x42
    assert _bus(wipy).writes(0x42) == [b"\x00"]


def test_writeto_stop_false_holds_the_bus(wipy: SimBoard) -> None:
    device = RegisterFile(values=b"\x00\x11\x22\x33")
    bus = _bus(wipy)
    bus.attach(0x42, device)
    i2c = I2C(0)
    assert i2c.writeto(0x42, b"\x02", stop=False) == 1
    assert bus.log[-1] == I2CEvent("write", 0x42, data=b"\x02")
    assert i2c.readfrom(0x42, 2) == b"\x22\x33"
    kinds = [(e.kind, e.repeated) for e in bus.log]
    assert kinds == [
        ("start", False),
        ("write", False),
        ("start", True),  # a repeated start, no stop in between
        ("read", False),
        ("stop", False),
    ]


def test_missing_device_is_eio(wipy: SimBoard) -> None:
    i2c = I2C(0)
    calls = [
        lambda: i2c.readfrom(0x42, 1),
        lambda: i2c.readfrom_into(0x42, bytearray(1)),
        lambda: i2c.writeto(0x42, b"x"),
        lambda: i2c.writeto(0x42, b""),  # an address probe
        lambda: i2c.readfrom_mem(0x42, 0, 1),
        lambda: i2c.readfrom_mem_into(0x42, 0, bytearray(1)),
        lambda: i2c.writeto_mem(0x42, 0, b"x"),
    ]
    for call in calls:
        with pytest.raises(OSError) as exc:
            call()
        assert _errno(exc) == errno.EIO
        assert str(exc.value) == "[Errno 5] EIO"


def test_data_nack_is_eio(wipy: SimBoard) -> None:
    device = RegisterFile(nack_after=2)
    bus = _bus(wipy)
    bus.attach(0x42, device)
    i2c = I2C(0)
    assert i2c.writeto(0x42, b"\x00\x01") == 2
    with pytest.raises(OSError) as exc:
        i2c.writeto(0x42, b"\x00\x01\x02\x03")
    assert _errno(exc) == errno.EIO
    assert bus.log[-2:] == [
        I2CEvent("write", 0x42, data=b"\x00\x01\x02", ack=False),
        I2CEvent("stop", 0x42),
    ]
    assert device.regs[0:2] == b"\x01\x00"  # the NACKed byte was not stored


def test_operations_after_deinit_are_eperm(wipy: SimBoard) -> None:
    _bus(wipy).attach(0x42, RegisterFile())
    i2c = I2C(0)
    i2c.deinit()
    calls = [
        i2c.scan,
        lambda: i2c.readfrom(0x42, 1),
        lambda: i2c.readfrom_into(0x42, bytearray(1)),
        lambda: i2c.writeto(0x42, b"x"),
        lambda: i2c.readfrom_mem(0x42, 0, 1),
        lambda: i2c.readfrom_mem_into(0x42, 0, bytearray(1)),
        lambda: i2c.writeto_mem(0x42, 0, b"x"),
    ]
    for call in calls:
        with pytest.raises(OSError) as exc:
            call()
        assert _errno(exc) == errno.EPERM
    assert _bus(wipy).log == []


def test_write_arguments_are_checked_before_the_deinit_state(wipy: SimBoard) -> None:
    i2c = I2C(0)
    i2c.deinit()
    with pytest.raises(TypeError):
        i2c.writeto(0x42, 1.5)
    with pytest.raises(OSError):
        i2c.readfrom(0x42, 1.5)  # the read methods check the state first, as on the WiPy


def test_no_primitive_operations(wipy: SimBoard) -> None:
    i2c = I2C(0)
    for name in ("start", "stop", "readinto", "write"):
        assert not hasattr(i2c, name)
        with pytest.raises(AttributeError):
            getattr(i2c, name)


# --------------------------------------------------------------------------- memory methods


def test_mem_methods_8bit(wipy: SimBoard) -> None:
    device = RegisterFile()
    bus = _bus(wipy)
    bus.attach(0x42, device)
    i2c = I2C(0)
    assert i2c.writeto_mem(0x42, 0x20, b"\x01\x02\x03") == 3
    assert bus.writes(0x42) == [b"\x20\x01\x02\x03"]  # one write: address then data
    assert i2c.readfrom_mem(0x42, 0x21, 2) == b"\x02\x03"
    buf = bytearray(3)
    assert i2c.readfrom_mem_into(0x42, 0x20, buf) == 3
    assert buf == b"\x01\x02\x03"
    assert i2c.writeto_mem(addr=0x42, memaddr=0x30, buf=0x1AB, addrsize=8) == 1
    assert device.regs[0x30] == 0xAB
    # readfrom_mem: address write, repeated start, read, stop
    bus.clear_log()
    i2c.readfrom_mem(0x42, 0x30, 1)
    assert bus.log == [
        I2CEvent("start", 0x42, read=False),
        I2CEvent("write", 0x42, data=b"\x30"),
        I2CEvent("start", 0x42, read=True, repeated=True),
        I2CEvent("read", 0x42, read=True, data=b"\xab"),
        I2CEvent("stop", 0x42),
    ]


def test_mem_methods_16bit_send_msb_first(wipy: SimBoard) -> None:
    device = RegisterFile(size=0x10000, addrsize=16)
    bus = _bus(wipy)
    bus.attach(0x50, device)
    i2c = I2C(0)
    assert i2c.writeto_mem(0x50, 0x1234, b"AB", addrsize=16) == 2
    assert bus.writes(0x50) == [b"\x12\x34AB"]
    assert device.regs[0x1234:0x1236] == b"AB"
    assert i2c.readfrom_mem(0x50, 0x1235, 1, addrsize=16) == b"B"
    buf = bytearray(2)
    assert i2c.readfrom_mem_into(0x50, 0x1234, buf, addrsize=16) == 2
    assert buf == b"AB"


def test_memaddr_is_truncated_to_addrsize(wipy: SimBoard) -> None:
    bus = _bus(wipy)
    bus.attach(0x42, RegisterFile())
    i2c = I2C(0)
    i2c.writeto_mem(0x42, 0x1FF, b"x")
    i2c.writeto_mem(0x42, -1, b"y")
    i2c.writeto_mem(0x42, 0x123456, b"z", addrsize=24)
    assert bus.writes(0x42) == [b"\xffx", b"\xffy", b"\x12\x34\x56z"]


@pytest.mark.parametrize(
    ("addrsize", "error"), [(0, ValueError), (12, ValueError), (64, ValueError), ("16", TypeError)]
)
def test_bad_addrsize(wipy: SimBoard, addrsize: object, error: type) -> None:
    _bus(wipy).attach(0x42, RegisterFile())
    i2c = I2C(0)
    with pytest.raises(error):
        i2c.readfrom_mem(0x42, 0, 1, addrsize=addrsize)
    with pytest.raises(error):
        i2c.readfrom_mem_into(0x42, 0, bytearray(1), addrsize=addrsize)
    with pytest.raises(error):
        i2c.writeto_mem(0x42, 0, b"x", addrsize=addrsize)
    assert _bus(wipy).log == []


def test_bad_memaddr_type(wipy: SimBoard) -> None:
    i2c = I2C(0)
    with pytest.raises(TypeError):
        i2c.readfrom_mem(0x42, "0", 1)
    with pytest.raises(TypeError):
        i2c.writeto_mem(0x42, None, b"x")


# ------------------------------------------------------------------------------ EEPROM model


def test_eeprom_page_write_wraps_inside_the_page(wipy: SimBoard) -> None:
    eeprom = EEPROM(part="24C02")  # 256 bytes, 8-byte pages
    _bus(wipy).attach(0x50, eeprom)
    i2c = I2C(0)
    assert eeprom.memory == b"\xff" * 256
    assert i2c.writeto_mem(0x50, 6, b"ABCDEFGHIJ") == 10
    # bytes 6, 7 then wrap to 0..7 of the same page: I and J overwrite 6 and 7
    assert eeprom.memory[0:8] == b"CDEFGHIJ"
    assert eeprom.memory[8] == 0xFF
    assert i2c.readfrom_mem(0x50, 0, 9) == b"CDEFGHIJ\xff"


def test_eeprom_sequential_read_crosses_pages_and_wraps(wipy: SimBoard) -> None:
    eeprom = EEPROM(256)
    eeprom.memory[:] = bytes(range(256))
    _bus(wipy).attach(0x50, eeprom)
    i2c = I2C(0)
    assert i2c.readfrom_mem(0x50, 0xFE, 4) == b"\xfe\xff\x00\x01"
    assert i2c.readfrom(0x50, 2) == b"\x02\x03"  # current-address read continues


def test_eeprom_write_needs_a_stop(wipy: SimBoard) -> None:
    eeprom = EEPROM(256)
    _bus(wipy).attach(0x50, eeprom)
    i2c = I2C(0)
    i2c.writeto(0x50, b"\x10abc", stop=False)
    assert eeprom.memory[0x10] == 0xFF  # not programmed yet
    i2c.readfrom(0x50, 1)  # a repeated start aborts the write
    assert eeprom.memory[0x10:0x13] == b"\xff\xff\xff"
    i2c.writeto(0x50, b"\x10abc")
    assert eeprom.memory[0x10:0x13] == b"abc"


def test_eeprom_16bit_addressing(wipy: SimBoard) -> None:
    eeprom = EEPROM(part="24C32")  # 4 KiB, 32-byte pages, 16-bit word addresses
    assert (eeprom.size, eeprom.page_size, eeprom.addrsize) == (4096, 32, 16)
    _bus(wipy).attach(0x50, eeprom)
    i2c = I2C(0)
    assert i2c.writeto_mem(0x50, 0x0A81, b"hello", addrsize=16) == 5
    assert eeprom.memory[0x0A81:0x0A86] == b"hello"
    assert i2c.readfrom_mem(0x50, 0x0A81, 5, addrsize=16) == b"hello"
    # a page write at the end of a 32-byte page wraps to its start
    i2c.writeto_mem(0x50, 0x3E, b"wxyz", addrsize=16)
    assert eeprom.memory[0x3E:0x40] == b"wx"
    assert eeprom.memory[0x20:0x22] == b"yz"


def test_small_eeprom_answers_on_one_address_per_block(wipy: SimBoard) -> None:
    eeprom = EEPROM(part="24C04")  # 512 bytes: two 256-byte blocks at 0x50 and 0x51
    _bus(wipy).attach(0x50, eeprom)
    i2c = I2C(0)
    assert i2c.scan() == [0x50, 0x51]
    i2c.writeto_mem(0x51, 0x05, b"B")
    i2c.writeto_mem(0x50, 0x05, b"A")
    assert eeprom.memory[0x005] == ord("A")
    assert eeprom.memory[0x105] == ord("B")
    assert i2c.readfrom_mem(0x51, 0x05, 1) == b"B"


def test_eeprom_write_cycle_nacks_until_done(wipy: SimBoard) -> None:
    eeprom = EEPROM(part="24C32", write_cycle_ms=5, clock=wipy.clock)
    _bus(wipy).attach(0x50, eeprom)
    i2c = I2C(0)
    i2c.writeto_mem(0x50, 0, b"x", addrsize=16)
    with pytest.raises(OSError) as exc:  # acknowledge polling: busy
        i2c.writeto(0x50, b"")
    assert _errno(exc) == errno.EIO
    wipy.advance(ms=4)
    assert 0x50 not in i2c.scan()
    wipy.advance(ms=1)
    assert i2c.writeto(0x50, b"") == 0
    assert i2c.readfrom_mem(0x50, 0, 1, addrsize=16) == b"x"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"size": 300},
        {"part": "24C99"},
        {"part": "24C02", "size": 512},
        {"size": 256, "page_size": 3},
        {"size": 256, "page_size": 512},
        {"size": 256, "addrsize": 12},
        {"size": 256, "write_cycle_ms": -1},
        {"size": 256, "nack_after": -1},
    ],
)
def test_eeprom_bad_options(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        EEPROM(**kwargs)  # type: ignore[arg-type]


def test_eeprom_part_names_and_defaults() -> None:
    assert EEPROM().size == 256
    assert EEPROM(part="24c512").page_size == 128
    assert EEPROM(2048).addrsize == 8
    assert EEPROM(2048).address_span == 8
    assert EEPROM(4096, addrsize=8).address_span == 16
    assert EEPROM(8192).addrsize == 16
    assert EEPROM(256, fill=0).memory == bytes(256)


# ---------------------------------------------------------------------------- register model


def test_register_file_read_only_and_wrap(wipy: SimBoard) -> None:
    device = RegisterFile(size=4, read_only=[1], values={"0x02": 0x22, 3: 0x33})
    assert device.regs == b"\x00\x00\x22\x33"
    _bus(wipy).attach(0x42, device)
    i2c = I2C(0)
    assert i2c.writeto_mem(0x42, 0, b"\xaa\xbb\xcc") == 3  # acknowledged, register 1 kept
    assert device.regs == b"\xaa\x00\xcc\x33"
    assert i2c.readfrom_mem(0x42, 3, 3) == b"\x33\xaa\x00"  # wraps at the end
    assert i2c.writeto_mem(0x42, 6, b"\x66") == 1  # register addresses wrap too
    assert device.regs[2] == 0x66


def test_register_file_bad_options() -> None:
    with pytest.raises(ValueError):
        RegisterFile(addrsize=12)
    with pytest.raises(ValueError):
        RegisterFile(size=257)
    with pytest.raises(ValueError):
        RegisterFile(size=0)


# ------------------------------------------------------------------------------ the sim bus


def test_sim_bus_attach_and_detach(wipy: SimBoard) -> None:
    bus = _bus(wipy)
    device = RegisterFile()
    bus.attach(0x42, device)
    with pytest.raises(ValueError):
        bus.attach(0x42, RegisterFile())  # taken
    with pytest.raises(ValueError):
        bus.attach(128, RegisterFile())
    with pytest.raises(ValueError):
        bus.attach(0x7F, EEPROM(part="24C04"))  # its second address would be 0x80
    with pytest.raises(ValueError):
        bus.attach(0x10, object())  # type: ignore[arg-type]
    assert I2C(0).scan() == [0x42]
    assert bus.detach(0x42) is device
    assert I2C(0).scan() == []
    with pytest.raises(KeyError):
        bus.detach(0x42)
    eeprom = EEPROM(part="24C08")
    bus.attach(0x54, eeprom)
    assert bus.detach(0x55) is eeprom
    assert bus.devices == {}


def test_sim_bus_nack_addresses(wipy: SimBoard) -> None:
    bus = _bus(wipy)
    bus.attach(0x42, RegisterFile())
    bus.nack_addresses.add(0x42)
    with pytest.raises(OSError) as exc:
        I2C(0).readfrom(0x42, 1)
    assert _errno(exc) == errno.EIO
    assert bus.log[-2:] == [I2CEvent("start", 0x42, read=True, ack=False), I2CEvent("stop", 0x42)]
    bus.nack_addresses.clear()
    assert I2C(0).readfrom(0x42, 1) == b"\x00"


def test_held_transfer_to_another_device_ends_the_first(wipy: SimBoard) -> None:
    bus = _bus(wipy)
    first, second = EEPROM(256), RegisterFile()
    bus.attach(0x50, first)
    bus.attach(0x42, second)
    i2c = I2C(0)
    i2c.writeto(0x50, b"\x00Q", stop=False)
    i2c.writeto(0x42, b"\x00R")
    # the start to 0x42 ended 0x50's transaction (its page write is programmed)
    assert first.memory[0] == ord("Q")
    assert second.regs[0] == ord("R")
    assert [e.addr for e in bus.log if e.kind == "stop"] == [0x50, 0x42]


def test_model_reply_of_wrong_length_is_an_error(wipy: SimBoard) -> None:
    class Short(RegisterFile):
        def read(self, n: int) -> bytes:
            return b""

    _bus(wipy).attach(0x42, Short())
    with pytest.raises(ValueError):
        I2C(0).readfrom(0x42, 2)


def test_release_closes_the_bus(wipy: SimBoard) -> None:
    I2C(0)
    assert not _bus(wipy).closed
    micropython_compat.release_board()
    assert _bus(wipy).closed


# -------------------------------------------------------------------------- descriptions


def test_device_from_description() -> None:
    eeprom = device_from_description({"model": "eeprom", "part": "24C64"})
    assert isinstance(eeprom, EEPROM) and eeprom.size == 8192
    regs = device_from_description({"model": "registers", "size": 16, "values": [1, 2]})
    assert isinstance(regs, RegisterFile) and regs.regs[:3] == b"\x01\x02\x00"
    with pytest.raises(ValueError, match="unknown I2C device model"):
        device_from_description({"model": "thermometer"})
    with pytest.raises(ValueError, match="unknown I2C device model"):
        device_from_description({})
    with pytest.raises(ValueError):
        device_from_description({"model": "eeprom", "colour": "red"})


def _board_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "bench.toml"
    path.write_text('extends = "wipy"\n\n' + body, encoding="utf-8")
    return path


def test_board_description_with_i2c_devices(tmp_path: Path) -> None:
    path = _board_file(
        tmp_path,
        """
[[sim.i2c]]
bus = 0
addr = 0x50
model = "eeprom"
size = 4096

[[sim.i2c]]
addr = 0x42
model = "registers"
read_only = [0]
values = { "0" = 0x5A, "0x10" = 0x12 }
""",
    )
    board = micropython_compat.use_board(path, clock="virtual")
    assert isinstance(board, SimBoard)
    i2c = I2C(0, I2C.MASTER, baudrate=100000)
    assert i2c.scan() == [0x42, 0x50]
    assert i2c.readfrom_mem(0x42, 0, 1) == b"\x5a"
    assert i2c.readfrom_mem(0x42, 0x10, 1) == b"\x12"
    assert i2c.writeto_mem(0x50, 0x0FFF, b"end", addrsize=16) == 3
    assert i2c.readfrom_mem(0x50, 0x0FFF, 1, addrsize=16) == b"e"
    eeprom = board.i2c_bus(0).devices[0x50]
    assert isinstance(eeprom, EEPROM) and eeprom.page_size == 32


def test_board_description_with_unknown_model(tmp_path: Path) -> None:
    path = _board_file(tmp_path, '[[sim.i2c]]\naddr = 0x40\nmodel = "toaster"\n')
    with pytest.raises(BoardDescriptionError, match="toaster"):
        micropython_compat.use_board(path, clock="virtual")


def test_board_description_eeprom_write_cycle_uses_the_board_clock(tmp_path: Path) -> None:
    path = _board_file(
        tmp_path,
        '[[sim.i2c]]\naddr = 0x57\nmodel = "eeprom"\npart = "24C256"\nwrite_cycle_ms = 5\n',
    )
    board = micropython_compat.use_board(path, clock="virtual")
    assert isinstance(board, SimBoard)
    i2c = I2C(0)
    i2c.writeto_mem(0x57, 0x7FFF, b"z", addrsize=16)
    assert i2c.scan() == []  # busy programming: NACKs its address
    board.advance(ms=5)
    assert i2c.scan() == [0x57]
    assert i2c.readfrom_mem(0x57, 0x7FFF, 1, addrsize=16) == b"z"
