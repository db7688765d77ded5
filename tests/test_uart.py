"""machine.UART on the simulated WiPy, against the 1.8.5 docs and the cc3200 firmware."""

from __future__ import annotations

import array
import ast
import errno
import os
import select
import threading
import tty
from typing import Any

import pytest

import machine
from machine import UART, Pin
from micropython_compat import release_board
from micropython_compat.testing import SimBoard, simulated_board

# The firmware's read timeout: 16 frames of 11 bits, in whole microseconds.
T_9600_NS = (11_000_000 // 9600) * 16 * 1000  # 18.32 ms
T_115200_NS = (11_000_000 // 115200) * 16 * 1000  # 1.52 ms
CHAR_9600_NS = -(-10 * 10**9 // 9600)  # one 8N1 character on the line


def elapsed(wipy: SimBoard, start: int) -> int:
    return wipy.clock.now_ns() - start


def run_example(source: str, namespace: dict[str, Any]) -> list[Any]:
    """Run a spec example statement by statement; return the value of each expression line."""
    values = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.Expr):
            values.append(eval(compile(ast.Expression(node.value), "<spec>", "eval"), namespace))
        else:
            exec(compile(ast.Module([node], []), "<spec>", "exec"), namespace)
    return values


# -- construction and ids --------------------------------------------------------------------


def test_repr_after_construction(wipy: SimBoard) -> None:
    assert repr(UART(0)) == "UART(0, baudrate=9600, bits=8, parity=None, stop=1)"
    assert repr(UART(1, 115200)) == "UART(1, baudrate=115200, bits=8, parity=None, stop=1)"
    assert (
        repr(UART(1, 1000000, bits=7, parity=UART.EVEN, stop=2))
        == "UART(1, baudrate=1000000, bits=7, parity=UART.EVEN, stop=2)"
    )
    assert (
        repr(UART(0, 300, 5, UART.ODD)) == "UART(0, baudrate=300, bits=5, parity=UART.ODD, stop=1)"
    )


def test_constants_have_the_firmware_values(wipy: SimBoard) -> None:
    assert (UART.EVEN, UART.ODD, UART.RX_ANY) == (6, 2, 1)
    assert machine.UART is UART


def test_one_object_per_id(wipy: SimBoard) -> None:
    assert UART(0) is UART(0, 115200)
    assert UART(1) is not UART(0)
    assert repr(UART(0)) == "UART(0, baudrate=9600, bits=8, parity=None, stop=1)"


def test_no_id_means_uart0(wipy: SimBoard) -> None:
    assert UART() is UART(0)
    assert UART(baudrate=115200) is UART(0)


def test_id_is_chosen_from_the_tx_pin_else_the_rx_pin(wipy: SimBoard) -> None:
    assert UART(pins=("GP3", "GP4")) is UART(1)
    assert UART(pins=(None, "GP4")) is UART(1)
    assert UART(pins=(Pin.board.GP12, None)) is UART(0)
    assert UART(pins=("GP1", "GP2")) is UART(0)  # GP1's first UART function is UART0_TX


def test_id_from_a_pin_without_the_uart_function_is_a_value_error(wipy: SimBoard) -> None:
    with pytest.raises(ValueError, match="invalid argument"):
        UART(pins=("GP5", "GP2"))  # GP5 carries no UART TX
    with pytest.raises(ValueError):
        UART(pins=(None, "GP3"))  # GP3 carries no UART RX
    with pytest.raises(ValueError):
        UART(pins=("GP99", "GP2"))
    with pytest.raises(ValueError):
        UART(pins=("GP1",))


def test_pins_none_without_an_id_is_a_type_error(wipy: SimBoard) -> None:
    with pytest.raises(TypeError):
        UART(pins=None)
    with pytest.raises(TypeError):
        UART(pins="GP1")


@pytest.mark.parametrize("bad", [2, 3, -1, 100])
def test_an_id_the_board_lacks_is_enodev(wipy: SimBoard, bad: int) -> None:
    with pytest.raises(OSError) as info:
        UART(bad, 9600)
    assert info.value.errno == errno.ENODEV == 19
    assert info.value.args == (19,)


def test_id_of_the_wrong_type_is_a_type_error(wipy: SimBoard) -> None:
    with pytest.raises(TypeError):
        UART("0")
    with pytest.raises(TypeError):
        UART(0.0)


# -- settings --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"baudrate": 0},
        {"baudrate": -9600},
        {"bits": 4},
        {"bits": 9},
        {"parity": 0},  # the constants are the TI values, not 0/1
        {"parity": 1},
        {"parity": 3},
        {"pins": ("GP1", "GP2", "GP0")},
        {"pins": ("GP1",)},
        {"pins": ("GP1", None, "GP0", None)},  # RTS without RX
        {"pins": (None, "GP2", None, "GP6")},  # CTS without TX
        {"pins": ("GP1", "GP42")},
    ],
)
def test_bad_settings_are_value_errors(wipy: SimBoard, kwargs: dict[str, Any]) -> None:
    uart = UART(0, 115200)
    with pytest.raises(ValueError, match=r"invalid argument\(s\) value"):
        uart.init(**kwargs)
    with pytest.raises(ValueError):
        UART(0, **kwargs)
    assert repr(uart) == "UART(0, baudrate=115200, bits=8, parity=None, stop=1)"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"baudrate": "9600"},
        {"baudrate": 9600.0},
        {"bits": None},
        {"parity": "even"},
        {"stop": None},
    ],
)
def test_settings_of_the_wrong_type_are_type_errors(wipy: SimBoard, kwargs: dict[str, Any]) -> None:
    with pytest.raises(TypeError):
        UART(0, **kwargs)


def test_there_is_no_timeout_argument_at_1_8_5(wipy: SimBoard) -> None:
    with pytest.raises(TypeError):
        UART(0, 9600, timeout=1000)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        UART(0).init(9600, read_buf_len=64)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        UART(0).init(9600, 8, None, 1, ("GP1", "GP2"))  # type: ignore[call-arg, misc]


def test_any_stop_value_other_than_1_means_two(wipy: SimBoard) -> None:
    assert repr(UART(0, stop=3)).endswith("stop=2)")
    assert wipy.uart_port(0).stop == 2
    assert repr(UART(0, stop=0)).endswith("stop=2)")


def test_settings_reach_the_port(wipy: SimBoard) -> None:
    UART(1, 57600, bits=7, parity=UART.EVEN, stop=2)
    port = wipy.uart_port(1)
    assert (port.baudrate, port.bits, port.parity, port.stop) == (57600, 7, 0, 2)
    UART(1).init(4800, parity=UART.ODD)
    assert (port.baudrate, port.bits, port.parity, port.stop) == (4800, 8, 1, 1)


def test_spec_init_example_keeps_the_object(wipy: SimBoard) -> None:
    uart = UART(1, 9600)
    assert uart.init(19200, bits=8, parity=None, stop=1) is None  # type: ignore[func-returns-value]
    assert repr(uart) == "UART(1, baudrate=19200, bits=8, parity=None, stop=1)"


# -- pins ------------------------------------------------------------------------------------


def test_default_pins_are_put_in_their_uart_function(wipy: SimBoard) -> None:
    UART(1)
    assert repr(Pin.board.GP3) == (
        "Pin('GP3', mode=Pin.ALT, pull=Pin.PULL_UP, drive=Pin.LOW_POWER, alt=6)"
    )
    assert wipy.pin("GP4").config.mode == "alt"
    assert wipy.pin("GP4").config.alt == 6


def test_pins_none_leaves_the_pins_alone(wipy: SimBoard) -> None:
    Pin("GP1", mode=Pin.OUT)
    UART(0, pins=None)
    assert Pin.board.GP1.mode() == Pin.OUT
    assert wipy.pin("GP2").config.mode == "in"


def test_four_pins_with_flow_control(wipy: SimBoard) -> None:
    UART(0, pins=("GP1", "GP2", "GP0", "GP6"))
    assert wipy.pin("GP0").config.alt == 3  # UART0_RTS
    assert wipy.pin("GP6").config.alt == 6  # UART0_CTS


def test_same_pin_other_uart_uses_that_uarts_function(wipy: SimBoard) -> None:
    UART(1, pins=("GP1", "GP2"))
    assert wipy.pin("GP1").config.alt == 6  # UART1_TX on GP1


def test_moving_a_role_frees_the_old_pin(wipy: SimBoard) -> None:
    UART(0)
    UART(0, pins=("GP12", "GP13"))
    assert Pin.board.GP12.mode() == Pin.ALT
    assert repr(Pin.board.GP1) == "Pin('GP1', mode=Pin.IN, pull=None, drive=Pin.MED_POWER, alt=-1)"
    assert Pin.board.GP2.mode() == Pin.IN


def test_a_pin_without_the_function_is_refused(wipy: SimBoard) -> None:
    # pybpin.c pin_find_af_index: a pin lacking the UART's function is a ValueError.
    Pin("GP5", mode=Pin.OUT)
    with pytest.raises(ValueError, match="invalid argument"):
        UART(0, pins=("GP1", "GP5"))
    with pytest.raises(ValueError, match="invalid argument"):
        UART(0, 9600, parity=UART.ODD, pins=("GP12", "GP7"))  # GP7 has UART0_TX, not RX
    assert Pin.board.GP5.mode() == Pin.OUT  # nothing was changed


# -- deinit ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda u: u.any(),
        lambda u: u.read(),
        lambda u: u.read(5),
        lambda u: u.read(0),
        lambda u: u.readall(),
        lambda u: u.readinto(bytearray(4)),
        lambda u: u.readline(),
        lambda u: u.write("abc"),
        lambda u: u.write(b""),
        lambda u: u.sendbreak(),
        lambda u: u.irq(trigger=UART.RX_ANY),
        lambda u: u.fileno(),
        lambda u: next(iter(u)),
    ],
)
def test_everything_after_deinit_is_eperm(wipy: SimBoard, call: Any) -> None:
    uart = UART(0)
    uart.deinit()
    with pytest.raises(OSError) as info:
        call(uart)
    assert info.value.errno == errno.EPERM == 1
    assert info.value.args == (1,)


def test_deinit_repr_and_reinit(wipy: SimBoard) -> None:
    uart = UART(1, 115200)
    assert uart.deinit() is None  # type: ignore[func-returns-value]
    assert repr(uart) == "UART(1)"
    uart.deinit()  # twice is fine
    uart.init(9600)
    assert repr(uart) == "UART(1, baudrate=9600, bits=8, parity=None, stop=1)"
    wipy.uart_port(1).feed(b"ok")
    assert uart.read(2) == b"ok"


def test_a_failed_first_construction_leaves_an_uninitialised_uart(wipy: SimBoard) -> None:
    with pytest.raises(ValueError):
        UART(1, bits=9)
    uart = UART.__new__(UART, 1)
    assert repr(uart) == "UART(1)"
    with pytest.raises(OSError):
        uart.any()


def test_bytes_arriving_while_off_are_lost(wipy: SimBoard) -> None:
    uart = UART(0)
    uart.deinit()
    wipy.uart_port(0).feed(b"lost")
    uart.init(9600)
    assert uart.any() == 0


def test_init_empties_the_rx_buffer(wipy: SimBoard) -> None:
    uart = UART(0)
    wipy.uart_port(0).feed(b"old")
    assert uart.any() == 3
    uart.init(9600)
    assert uart.any() == 0


def test_board_release_deinits_and_a_new_board_has_new_uarts() -> None:
    with simulated_board() as wipy:
        first = UART(0)
        port = wipy.uart_port(0)
        port.fileno()
    assert repr(first) == "UART(0)"
    with pytest.raises(ValueError):
        port.fileno()  # the board closed the port
    with simulated_board():
        assert UART(0) is not first


# -- writing ---------------------------------------------------------------------------------


def test_write_accepts_str_and_buffers(wipy: SimBoard) -> None:
    uart = UART(0)
    port = wipy.uart_port(0)
    assert uart.write("hello") == 5
    assert uart.write(b"\x00\xff") == 2
    assert uart.write(bytearray(b"ba")) == 2
    assert uart.write(memoryview(b"xyz")[1:]) == 2
    assert uart.write(array.array("H", [0x4241])) == 2
    assert uart.write("é") == 2  # UTF-8
    assert uart.write(b"") == 0
    assert port.sent() == b"hello\x00\xffbayzAB\xc3\xa9"
    assert port.take_sent() == b"hello\x00\xffbayzAB\xc3\xa9"
    assert port.take_sent() == b""
    assert port.sent() == b""


@pytest.mark.parametrize("bad", [123, None, 1.5, [1, 2]])
def test_write_needs_a_buffer(wipy: SimBoard, bad: Any) -> None:
    with pytest.raises(TypeError):
        UART(0).write(bad)


def test_sendbreak_holds_two_frames_and_is_recorded(wipy: SimBoard) -> None:
    uart = UART(0, 115200)
    port = wipy.uart_port(0)
    start = wipy.clock.now_ns()
    assert uart.sendbreak() is None  # type: ignore[func-returns-value]
    assert port.breaks == [start]
    assert elapsed(wipy, start) >= 13 * 10**9 // 115200  # at least 13 bit times
    assert elapsed(wipy, start) == -(-22 * 10**9 // 115200)


def test_a_break_reads_as_nul_on_the_other_end(wipy: SimBoard) -> None:
    wipy.uart_port(0).connect(wipy.uart_port(1))
    other = UART(1)
    UART(0).sendbreak()
    assert other.read(1) == b"\x00"


# -- reading ---------------------------------------------------------------------------------


def test_any_counts_waiting_characters(wipy: SimBoard) -> None:
    uart = UART(0)
    assert uart.any() == 0
    wipy.uart_port(0).feed("abc")
    assert uart.any() == 3


def test_read_returns_what_is_there_then_waits_one_timeout(wipy: SimBoard) -> None:
    uart = UART(0)
    wipy.uart_port(0).feed(b"hello world")
    start = wipy.clock.now_ns()
    assert uart.read(5) == b"hello"
    assert elapsed(wipy, start) == 0  # all five were waiting
    start = wipy.clock.now_ns()
    assert uart.read(10) == b" world"  # fewer came: it waited one timeout for more
    assert elapsed(wipy, start) == T_9600_NS


def test_read_times_out_with_none_after_exactly_the_timeout(wipy: SimBoard) -> None:
    uart = UART(0)
    start = wipy.clock.now_ns()
    assert uart.read(5) is None
    assert elapsed(wipy, start) == T_9600_NS
    uart.init(115200)
    start = wipy.clock.now_ns()
    assert uart.read(1) is None
    assert elapsed(wipy, start) == T_115200_NS


def test_read_zero_is_empty_bytes(wipy: SimBoard) -> None:
    uart = UART(0)
    start = wipy.clock.now_ns()
    assert uart.read(0) == b""
    assert elapsed(wipy, start) == 0


def test_read_without_size_reads_all(wipy: SimBoard) -> None:
    uart = UART(0)
    wipy.uart_port(0).feed(b"x" * 300)
    assert uart.read() == b"x" * 255  # the rest did not fit the RX buffer
    wipy.uart_port(0).feed(b"abc")
    assert uart.read(-1) == b"abc"
    assert uart.read() is None


def test_read_size_of_wrong_type(wipy: SimBoard) -> None:
    with pytest.raises(TypeError):
        UART(0).read(None)
    with pytest.raises(TypeError):
        UART(0).read("5")


def test_paced_bytes_are_gathered_until_a_gap(wipy: SimBoard) -> None:
    uart = UART(0)
    port = wipy.uart_port(0)
    port.feed(b"hello", paced=True)
    start = wipy.clock.now_ns()
    assert uart.read(5) == b"hello"
    assert elapsed(wipy, start) == 5 * CHAR_9600_NS  # returned when the fifth arrived
    port.feed(b"abc", paced=True)
    start = wipy.clock.now_ns()
    assert uart.read(10) == b"abc"
    assert elapsed(wipy, start) == 3 * CHAR_9600_NS + T_9600_NS


def test_readall_waits_for_silence(wipy: SimBoard) -> None:
    uart = UART(0)
    start = wipy.clock.now_ns()
    assert uart.readall() is None
    assert elapsed(wipy, start) == T_9600_NS
    wipy.uart_port(0).feed(b"data")
    start = wipy.clock.now_ns()
    assert uart.readall() == b"data"
    # the chunk read waits one timeout for more, the next one a timeout for its first byte
    assert elapsed(wipy, start) == 2 * T_9600_NS


def test_readinto(wipy: SimBoard) -> None:
    uart = UART(0)
    port = wipy.uart_port(0)
    buf = bytearray(8)
    port.feed(b"0123456789")
    assert uart.readinto(buf) == 8
    assert buf == b"01234567"
    assert uart.readinto(buf, 1) == 1
    assert buf == b"81234567"
    assert uart.readinto(buf, 100) == 1  # at most len(buf), and only what came
    assert buf == b"91234567"
    start = wipy.clock.now_ns()
    assert uart.readinto(buf) is None
    assert elapsed(wipy, start) == T_9600_NS
    port.feed(b"ab")
    view = memoryview(buf)[4:]
    assert uart.readinto(view) == 2
    assert buf == b"9123ab67"
    assert uart.readinto(buf, 0) == 0


@pytest.mark.parametrize("bad", [b"immutable", "str", 5, None])
def test_readinto_needs_a_writable_buffer(wipy: SimBoard, bad: Any) -> None:
    with pytest.raises(TypeError):
        UART(0).readinto(bad)


def test_readinto_array(wipy: SimBoard) -> None:
    uart = UART(0)
    wipy.uart_port(0).feed(b"\x01\x02\x03\x04")
    arr = array.array("H", [0, 0])
    assert uart.readinto(arr) == 4
    assert arr.tobytes() == b"\x01\x02\x03\x04"


def test_readline(wipy: SimBoard) -> None:
    uart = UART(0)
    port = wipy.uart_port(0)
    port.feed(b"first\nsecond\npart")
    assert uart.readline() == b"first\n"
    assert uart.readline() == b"second\n"
    start = wipy.clock.now_ns()
    assert uart.readline() == b"part"  # what came before the line went silent
    assert elapsed(wipy, start) == T_9600_NS
    start = wipy.clock.now_ns()
    assert uart.readline() is None
    assert elapsed(wipy, start) == T_9600_NS
    port.feed(b"abcdef\n")
    assert uart.readline(3) == b"abc"
    with pytest.raises(TypeError):
        uart.readline(None)


def test_iterating_yields_lines_until_silence(wipy: SimBoard) -> None:
    uart = UART(0)
    wipy.uart_port(0).feed(b"a\nb\nc")
    assert list(uart) == [b"a\n", b"b\n", b"c"]


def test_rx_buffer_holds_255_and_drops_the_rest(wipy: SimBoard) -> None:
    uart = UART(0)
    port = wipy.uart_port(0)
    port.feed(bytes(range(256)) + b"more")
    assert uart.any() == 255
    assert port.dropped == 5
    assert uart.read(300) == bytes(range(255))


# -- irq -------------------------------------------------------------------------------------


class Recorder:
    def __init__(self, wipy: SimBoard, uart: UART, read: bool = False) -> None:
        self.wipy = wipy
        self.uart = uart
        self.read = read
        self.calls: list[tuple[int, Any, int, Any]] = []

    def __call__(self, arg: Any) -> None:
        waiting = arg.any()
        data = arg.read(waiting) if self.read else None
        flags = self.irq.flags()
        self.calls.append((self.wipy.clock.now_ns(), arg, waiting, (flags, data)))

    def install(self, **kwargs: Any) -> Any:
        self.irq = self.uart.irq(trigger=UART.RX_ANY, handler=self, **kwargs)
        return self.irq


def test_irq_returns_an_irq_object(wipy: SimBoard) -> None:
    uart = UART(0)
    irq = uart.irq(trigger=UART.RX_ANY, priority=3, handler=lambda u: None, wake=machine.IDLE)
    assert repr(irq) == "<irq>"
    assert irq.flags() == 0
    assert uart.irq(UART.RX_ANY, 7, None) is not irq  # a new one each time
    assert uart.irq() is not None  # trigger defaults to RX_ANY


def test_irq_init_reruns_the_uarts_irq(wipy: SimBoard) -> None:
    # mpirq.c: irq.init(...) is UART.irq(...) again; handler=None leaves the irq handlerless.
    uart = UART(0)
    wipy.uart_port(0).loopback()
    calls: list[int] = []
    irq = uart.irq(trigger=UART.RX_ANY, handler=lambda u: calls.append(irq.flags()))
    irq.init(trigger=UART.RX_ANY, handler=None)
    uart.write(b"123")
    wipy.advance(ms=5)
    assert uart.any() == 3 and calls == []
    irq.init(trigger=UART.RX_ANY, handler=lambda u: calls.append(irq.flags()))
    uart.write(b"4")
    wipy.advance(ms=5)
    assert calls == [UART.RX_ANY]
    with pytest.raises(ValueError):
        irq.init(trigger=100)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"trigger": 0},
        {"trigger": 16},
        {"trigger": -1},
        {"priority": 0},
        {"priority": 8},
        {"wake": machine.SLEEP},
        {"wake": machine.DEEPSLEEP},
    ],
)
def test_irq_bad_arguments(wipy: SimBoard, kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="invalid argument"):
        UART(0).irq(**kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [{"trigger": None}, {"trigger": "rx"}, {"priority": 1.0}, {"wake": "idle"}, {"handler": 5}],
)
def test_irq_wrong_types(wipy: SimBoard, kwargs: dict[str, Any]) -> None:
    with pytest.raises(TypeError):
        UART(0).irq(**kwargs)


def test_irq_fires_after_one_idle_frame(wipy: SimBoard) -> None:
    uart = UART(0)
    rec = Recorder(wipy, uart)
    rec.install()
    start = wipy.clock.now_ns()
    wipy.uart_port(0).feed(b"abc")
    assert rec.calls == []
    wipy.clock.advance_ns(CHAR_9600_NS - 1)
    assert rec.calls == []
    wipy.clock.advance_ns(1)
    assert len(rec.calls) == 1
    when, arg, waiting, (flags, _) = rec.calls[0]
    assert (when - start, arg, waiting, flags) == (CHAR_9600_NS, uart, 3, UART.RX_ANY)
    assert rec.irq.flags() == 0  # outside the handler
    wipy.advance(ms=100)
    assert len(rec.calls) == 1


def test_irq_fires_every_eight_characters(wipy: SimBoard) -> None:
    uart = UART(0)
    rec = Recorder(wipy, uart)
    rec.install()
    wipy.uart_port(0).feed(b"x" * 8)
    assert [c[2] for c in rec.calls] == [8]
    wipy.advance(ms=10)
    assert len(rec.calls) == 1  # nothing new since: no idle call
    wipy.uart_port(0).feed(b"y" * 20)
    assert len(rec.calls) == 3
    wipy.advance(ms=10)
    assert len(rec.calls) == 4  # the last 4 after the line went idle


def test_irq_with_paced_characters(wipy: SimBoard) -> None:
    uart = UART(0)
    rec = Recorder(wipy, uart, read=True)
    rec.install()
    start = wipy.clock.now_ns()
    wipy.uart_port(0).feed(b"0123456789", paced=True)
    wipy.advance(ms=50)
    assert [(c[0] - start, c[3][1]) for c in rec.calls] == [
        (8 * CHAR_9600_NS, b"01234567"),
        (11 * CHAR_9600_NS, b"89"),  # 2 waiting, then one silent frame
    ]


def test_irq_not_called_when_the_program_took_the_characters(wipy: SimBoard) -> None:
    uart = UART(0)
    rec = Recorder(wipy, uart)
    rec.install()
    wipy.uart_port(0).feed(b"abc")
    assert uart.read(3) == b"abc"
    wipy.advance(ms=10)
    assert rec.calls == []


def test_irq_disable_and_enable(wipy: SimBoard) -> None:
    uart = UART(0)
    rec = Recorder(wipy, uart)
    irq = rec.install()
    irq.disable()
    wipy.uart_port(0).feed(b"x" * 10)
    wipy.advance(ms=10)
    assert rec.calls == []
    irq.enable()
    wipy.uart_port(0).feed(b"z")
    wipy.advance(ms=10)
    assert len(rec.calls) == 1
    irq()  # calling the irq runs the handler
    assert len(rec.calls) == 2


def test_a_new_irq_replaces_the_old_and_init_drops_it(wipy: SimBoard) -> None:
    uart = UART(0)
    first = Recorder(wipy, uart)
    first.install()
    second = Recorder(wipy, uart)
    second.install()
    wipy.uart_port(0).feed(b"x" * 8)
    assert (len(first.calls), len(second.calls)) == (0, 1)
    uart.init(9600)
    wipy.uart_port(0).feed(b"x" * 8)
    wipy.advance(ms=10)
    assert len(second.calls) == 1


def test_irq_not_called_while_the_program_reads_as_characters_come(wipy: SimBoard) -> None:
    uart = UART(0)
    rec = Recorder(wipy, uart)
    rec.install()
    wipy.uart_port(0).feed(b"0123456789", paced=True)
    assert uart.read(10) == b"0123456789"
    wipy.advance(ms=10)
    assert rec.calls == []


def test_handler_takes_the_characters_before_the_program(wipy: SimBoard) -> None:
    uart = UART(0)
    rec = Recorder(wipy, uart, read=True)
    rec.install()
    wipy.uart_port(0).feed(b"x" * 8)
    assert rec.calls[0][3][1] == b"x" * 8
    assert uart.read(8) is None


def test_irq_on_a_deinitialised_uart_stops(wipy: SimBoard) -> None:
    uart = UART(0)
    rec = Recorder(wipy, uart)
    rec.install()
    wipy.uart_port(0).feed(b"abc")
    uart.deinit()
    wipy.advance(ms=10)
    wipy.uart_port(0).feed(b"x" * 8)
    assert rec.calls == []


# -- wiring ----------------------------------------------------------------------------------


def test_loopback(wipy: SimBoard) -> None:
    wipy.uart_port(1).loopback()
    uart = UART(1, 115200)
    assert uart.write(b"ping") == 4
    assert uart.read(4) == b"ping"
    assert wipy.uart_port(1).sent() == b"ping"


def test_cross_connect(wipy: SimBoard) -> None:
    wipy.uart_port(0).connect(wipy.uart_port(1))
    u0, u1 = UART(0), UART(1)
    u0.write("to one")
    u1.write("to zero")
    assert u1.read(6) == b"to one"
    assert u0.read(7) == b"to zero"
    wipy.uart_port(0).disconnect()
    u0.write("gone")
    assert u1.any() == 0


def test_loopback_from_the_board_description(tmp_path: Any) -> None:
    path = tmp_path / "bench.toml"
    path.write_text('extends = "wipy"\n[sim]\nclock = "virtual"\nuart_loopback = [0]\n')
    from micropython_compat import use_board

    use_board(str(path))
    try:
        uart = UART(0)
        uart.write("echo")
        assert uart.read(4) == b"echo"
    finally:
        release_board()


# -- select and the pty bridge ---------------------------------------------------------------


def test_select_on_fileno(wipy: SimBoard) -> None:
    uart = UART(0)
    fd = uart.fileno()
    assert fd == wipy.uart_port(0).fileno()
    assert select.select([fd], [], [], 0)[0] == []
    wipy.uart_port(0).feed(b"ab")
    assert select.select([fd], [], [], 0)[0] == [fd]
    assert uart.read(1) == b"a"
    assert select.select([fd], [], [], 0)[0] == [fd]
    assert uart.read(1) == b"b"
    assert select.select([fd], [], [], 0)[0] == []
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    assert poller.poll(0) == []
    wipy.uart_port(0).feed(b"c")
    assert poller.poll(0) == [(fd, select.POLLIN)]


def test_select_on_a_class_with_fileno(wipy: SimBoard) -> None:
    uart = UART(0)
    wipy.uart_port(0).feed(b"x")
    assert select.select([uart], [], [], 0)[0] == [uart]


def _read_fd(fd: int, count: int) -> bytes:
    data = b""
    while len(data) < count:
        ready, _, _ = select.select([fd], [], [], 10)
        assert ready, "nothing came from the pty"
        data += os.read(fd, count - len(data))
    return data


def test_pty_bridge_both_ways(wipy_realtime: SimBoard) -> None:
    port = wipy_realtime.uart_port(0)
    path = port.bridge_pty()
    assert path.startswith("/dev/")
    uart = UART(0, 115200)
    terminal = os.open(path, os.O_RDWR | os.O_NOCTTY)
    try:
        tty.setraw(terminal)
        assert uart.write(b"hello\r\n") == 7
        assert _read_fd(terminal, 7) == b"hello\r\n"
        os.write(terminal, b"typed\n")
        assert select.select([uart.fileno()], [], [], 10)[0], "nothing arrived from the pty"
        assert uart.readline() == b"typed\n"
    finally:
        os.close(terminal)


def test_pty_bridge_feeds_the_irq(wipy_realtime: SimBoard) -> None:
    port = wipy_realtime.uart_port(1)
    path = port.bridge_pty()
    uart = UART(1, 115200)
    got = threading.Event()
    seen: list[bytes] = []

    def handler(u: Any) -> None:
        seen.append(u.read(u.any()))
        got.set()

    uart.irq(trigger=UART.RX_ANY, handler=handler)
    terminal = os.open(path, os.O_RDWR | os.O_NOCTTY)
    try:
        os.write(terminal, b"k")
        assert got.wait(10)
        assert seen[0] == b"k"
    finally:
        os.close(terminal)


def test_real_clock_read_timeout_returns_none(wipy_realtime: SimBoard) -> None:
    uart = UART(0, 115200)
    assert uart.read(1) is None


# -- resources -------------------------------------------------------------------------------


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_a_thousand_create_deinit_cycles_leak_nothing(wipy: SimBoard) -> None:
    UART(0).fileno()
    UART(1).fileno()
    fds, threads = _fds(), threading.active_count()
    for i in range(1000):
        uart = UART(i % 2, 9600 + i, pins=None if i % 3 else ("GP1", "GP2"))
        uart.irq(handler=lambda u: None)
        wipy.uart_port(i % 2).feed(b"x")
        uart.fileno()
        uart.deinit()
    assert (_fds(), threading.active_count()) == (fds, threads)


def test_boards_with_bridges_and_pipes_release_everything() -> None:
    fds, threads = _fds(), threading.active_count()
    for _ in range(20):
        with simulated_board(clock="real") as wipy:
            wipy.uart_port(0).bridge_pty()
            wipy.uart_port(1).bridge_pty()
            wipy.uart_port(0).connect(wipy.uart_port(1))
            UART(0).fileno()
            UART(1).irq(handler=lambda u: None)
            UART(0).write("x")
    assert (_fds(), threading.active_count()) == (fds, threads)


# -- the spec's examples, verbatim -------------------------------------------------------------

QUICKREF = """\
from machine import UART

uart = UART(0, baudrate=9600)
uart.write('hello')
uart.read(5) # read up to 5 bytes
"""

CLASS_INIT = """\
from machine import UART

uart = UART(1, 9600) # init with given baudrate
uart.init(9600, bits=8, parity=None, stop=1) # init with given parameters
"""

CLASS_STREAM = """\
uart.read(10)          # read 10 characters, returns a bytes object
uart.readall()        # read all available characters
uart.readline()       # read a line
uart.readinto(buf)    # read and store into the given buffer
uart.write('abc')     # write the 3 characters
"""

CLASS_ANY = """\
uart.any()             # returns the number of characters available for reading
"""


def test_quick_reference_example(wipy: SimBoard) -> None:
    wipy.uart_port(0).loopback()
    assert run_example(QUICKREF, {}) == [5, b"hello"]


def test_class_examples(wipy: SimBoard) -> None:
    namespace: dict[str, Any] = {}
    assert run_example(CLASS_INIT, namespace) == [None]
    uart = namespace["uart"]
    assert repr(uart) == "UART(1, baudrate=9600, bits=8, parity=None, stop=1)"
    port = wipy.uart_port(1)
    port.feed(b"0123456789 and the rest\n")
    namespace["buf"] = bytearray(4)
    assert run_example(CLASS_ANY, namespace) == [24]
    values = run_example(CLASS_STREAM, namespace)
    assert values == [b"0123456789", b" and the rest\n", None, None, 3]
    # Line by line, with something to read before each one.
    namespace["buf"] = bytearray(4)
    lines = CLASS_STREAM.splitlines()
    fed = [b"abcdefghijkl", b"", b"a line\nnext", b"wxyz"]
    results = []
    for line, data in zip(lines, fed):
        port.feed(data)
        results.append(run_example(line, namespace)[0])
    assert results == [b"abcdefghij", b"kl", b"a line\n", 4]
    assert namespace["buf"] == b"next"
    assert run_example(lines[4], namespace) == [3]
    assert port.sent() == b"abcabc"
