"""The C fast path (``_speedups``) and its pure-Python twin (``_pyimpl``) agree (PEP 399).

Every check runs the same call on both modules and compares the outcome: the value returned, or
the exception's type and message. These tests need the extension built (``pip install -e .``);
they run the same way whichever implementation ``_fast`` picked.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import json
import os
import re
import subprocess
import sys
import time
import weakref
from collections.abc import Iterator
from types import ModuleType
from typing import Any, Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from micropython_compat import _fast, _pyimpl, _speedups
from micropython_compat.clocks import VirtualClock

IMPLS = [_pyimpl, _speedups]
MASK = (1 << 30) - 1

Outcome = tuple[Any, ...]


def outcome(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Outcome:
    """What a call did: ``('ok', result)`` or ``('raised', type, message)``."""
    try:
        return ("ok", fn(*args, **kwargs))
    except Exception as exc:
        return ("raised", type(exc), str(exc))


def both(name: str, *args: Any, **kwargs: Any) -> Outcome:
    """Call ``name`` on both modules; assert they agree and return the outcome."""
    py = outcome(getattr(_pyimpl, name), *args, **kwargs)
    c = outcome(getattr(_speedups, name), *args, **kwargs)
    assert c == py, (name, args, kwargs)
    return py


@pytest.fixture(autouse=True)
def _host_clock() -> Iterator[None]:
    """Leave both modules reading the host clock, as a released board does."""
    yield
    _pyimpl.set_clock(None)
    _speedups.set_clock(None)


# -- ticks_diff / ticks_add --------------------------------------------------------------------

EDGES: list[Any] = [
    0,
    1,
    -1,
    MASK,
    MASK + 1,
    MASK + 2,
    -MASK,
    -(MASK + 1),
    1 << 31,
    (1 << 63) - 1,
    1 << 63,
    -(1 << 63),
    -(1 << 63) - 1,
    (1 << 64) + 5,
    1 << 100,
    -(1 << 100) - 3,
    True,
    False,
    3.7,
    -3.7,
    1e300,
    "12",
    "-7",
]
BAD: list[Any] = [None, "x", "1.5", float("inf"), float("nan"), object(), [], 2j]


@pytest.mark.parametrize("name", ["ticks_diff", "ticks_add"])
def test_two_argument_functions_agree_on_edges(name: str) -> None:
    for a in EDGES:
        for b in EDGES:
            kind, value = both(name, a, b)
            assert kind == "ok"
            assert 0 <= value <= MASK


@pytest.mark.parametrize("name", ["ticks_diff", "ticks_add"])
def test_two_argument_functions_raise_alike_for_bad_values(name: str) -> None:
    for bad in BAD:
        assert both(name, bad, 1)[0] == "raised"
        assert both(name, 1, bad)[0] == "raised"
        # Both bad: the error names the one converted first (``new`` for ticks_diff).
        assert both(name, bad, "y")[0] == "raised"


def test_ticks_diff_known_values() -> None:
    assert both("ticks_diff", 5, 3) == ("ok", (1 << 30) - 2)  # negative differences wrap
    assert both("ticks_diff", MASK, 2) == ("ok", 3)  # across the wrap
    assert both("ticks_diff", 0, MASK) == ("ok", MASK)
    assert both("ticks_add", MASK, 2) == ("ok", 1)
    assert both("ticks_add", 5, -6) == ("ok", MASK)


@given(st.integers(), st.integers())
def test_ticks_diff_and_add_agree_on_any_ints(a: int, b: int) -> None:
    assert _speedups.ticks_diff(a, b) == _pyimpl.ticks_diff(a, b) == (b - a) & MASK
    assert _speedups.ticks_add(a, b) == _pyimpl.ticks_add(a, b) == (a + b) & MASK


class IntLike:
    """Converts with ``int()`` but is no int (checks ``int()`` is what both use)."""

    def __init__(self, value: int) -> None:
        self.value = value

    def __int__(self) -> int:
        return self.value


def test_int_conversion_is_int() -> None:
    assert both("ticks_diff", IntLike(1), IntLike(10)) == ("ok", 9)
    assert both("ticks_add", IntLike(-1), 0) == ("ok", MASK)


@pytest.mark.parametrize(
    ("name", "args", "kwargs"),
    [
        ("ticks_diff", (), {}),
        ("ticks_diff", (1,), {}),
        ("ticks_diff", (1, 2, 3), {}),
        ("ticks_diff", (), {"old": 1, "new": 9}),
        ("ticks_diff", (1,), {"new": 9}),
        ("ticks_diff", (1,), {"old": 9}),
        ("ticks_diff", (1, 2), {"x": 9}),
        ("ticks_diff", (1, 2, 3), {"x": 9}),
        ("ticks_diff", (), {"new": 9}),
        ("ticks_add", (), {"delta": 2, "ticks": 1}),
        ("ticks_add", (1,), {}),
        ("ticks_add", (1, 2, 3), {"ticks": 0}),
        ("ticks_ms", (1,), {}),
        ("ticks_us", (), {"x": 1}),
        ("ticks_cpu", (1, 2), {}),
        ("set_clock", (), {}),
        ("set_clock", (None, None), {}),
        ("set_clock", (), {"clock": None}),
        ("set_clock", (), {"clocks": None}),
        ("set_clock", (), {"Clock": None}),
        ("set_clock", (), {"lock": None}),
        ("ticks_diff", (), {"olde": 1, "new": 2}),
        ("ticks_diff", (), {"OLD": 1, "new": 2}),
        ("ticks_diff", (1,), {"neww": 2}),
        ("ticks_add", (), {"tick": 1, "delta": 2}),
        ("ticks_add", (1,), {"dleta": 2}),
        ("ticks_add", (1,), {"d" * 41: 2}),
        ("ticks_add", (1,), {"délta": 2}),
    ],
)
def test_calls_bind_alike(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    both(name, *args, **kwargs)


NAMES = ["old", "new", "clock", "ticks", "delta", "self"]


@st.composite
def keywords(draw: st.DrawFn) -> str:
    """Any text, or a parameter name with a few characters cut, inserted or re-cased."""
    if draw(st.booleans()):
        return draw(st.text(min_size=1, max_size=12))
    name = draw(st.sampled_from(NAMES))
    at = draw(st.integers(0, len(name)))
    cut = draw(st.integers(0, 2))
    insert = draw(st.text(alphabet="aeloscdnwkELOS_1é", max_size=3))
    keyword = name[:at] + insert + name[at + cut :]
    if draw(st.booleans()):
        keyword = keyword.swapcase()
    return keyword or "x"


# too_slow: the first draw of st.text() in a fresh checkout builds Hypothesis's Unicode tables
@settings(suppress_health_check=[HealthCheck.too_slow])
@given(keywords())
def test_any_unexpected_keyword_is_reported_alike(keyword: str) -> None:
    if keyword not in ("old", "new", "clock", "ticks", "delta"):
        both("set_clock", **{keyword: None})
        both("ticks_diff", 1, **{keyword: 2})
        both("ticks_add", ticks=1, **{keyword: 2})
    if keyword != "self":
        run(pins(), lambda p: p.toggle(**{keyword: 1}))
        run(pins(), lambda p: p.value(**{keyword: 1}))


def test_constants_match() -> None:
    assert _speedups.TICKS_PERIOD == _pyimpl.TICKS_PERIOD == 1 << 30
    assert _speedups.TICKS_MAX == _pyimpl.TICKS_MAX == MASK


# -- ticks_ms / ticks_us / ticks_cpu -----------------------------------------------------------


class FixedClock:
    """A clock whose ``ticks_ns()`` returns one value (or raises it, if it is an exception)."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def ticks_ns(self) -> Any:
        if isinstance(self.value, Exception):
            raise self.value
        return self.value


CLOCK_VALUES: list[Any] = [
    0,
    999,
    1000,
    999_999,
    1_000_000,
    MASK,
    MASK + 1,
    (MASK + 1) * 1000 - 1,
    (MASK + 1) * 1_000_000 + 7,
    -1,
    -999,
    -1000,
    -1001,
    -1_000_001,
    (1 << 63) - 1,
    -(1 << 63),
    1 << 64,
    -(1 << 70) - 12345,
    1.5e9,
    -2.5,
    True,
    "123456789",
    IntLike(5_000_000),
    None,
    "soon",
    float("nan"),
    RuntimeError("clock broke"),
]


@pytest.mark.parametrize("name", ["ticks_ms", "ticks_us", "ticks_cpu"])
def test_ticks_agree_on_clock_values(name: str) -> None:
    for value in CLOCK_VALUES:
        _pyimpl.set_clock(FixedClock(value))
        _speedups.set_clock(FixedClock(value))
        kind, *rest = both(name)
        if kind == "ok":
            assert 0 <= rest[0] <= MASK


def test_ticks_known_values() -> None:
    for impl in IMPLS:
        impl.set_clock(FixedClock(-1))
        assert (impl.ticks_ms(), impl.ticks_us(), impl.ticks_cpu()) == (MASK, MASK, MASK)
        impl.set_clock(FixedClock(3 * 1_000_000 + 999))
        assert (impl.ticks_ms(), impl.ticks_us(), impl.ticks_cpu()) == (3, 3000, 3_000_999)


def test_a_clock_without_ticks_ns_raises_alike() -> None:
    for impl in IMPLS:
        impl.set_clock(object())
    kind, exc_type, _ = both("ticks_us")
    assert (kind, exc_type) == ("raised", AttributeError)


def test_virtual_clock_drives_both_alike_across_the_wrap() -> None:
    start = (1 << 30) * 1000 - 5000  # 5 us before ticks_us() wraps
    clocks = [VirtualClock(start_ns=start, step_ns=1000) for _ in IMPLS]
    for impl, clock in zip(IMPLS, clocks):
        impl.set_clock(clock)
    readings = [[impl.ticks_us() for _ in range(10)] for impl in IMPLS]
    assert readings[0] == readings[1]
    assert readings[0][0] == MASK - 3
    assert readings[0][5] == 1  # wrapped
    for impl in IMPLS:
        assert impl.ticks_diff(readings[0][0], readings[0][9]) == 9
    assert clocks[0].now_ns() == clocks[1].now_ns() == start + 10_000
    for impl, clock in zip(IMPLS, clocks):
        clock.advance_ns(2_000_000)
        assert impl.ticks_ms() == ((start + 10_000 + 2_000_000 + 1000) // 1_000_000) & MASK


@pytest.mark.parametrize(("name", "divisor"), [("ticks_ms", 10**6), ("ticks_us", 10**3)])
def test_host_clock_is_monotonic_ns(name: str, divisor: int) -> None:
    # With no clock set both read time.monotonic_ns()'s clock: a reading falls between two
    # reads of it taken around the call.
    for impl in IMPLS:
        before = time.monotonic_ns() // divisor
        reading = getattr(impl, name)()
        after = time.monotonic_ns() // divisor
        assert _pyimpl.ticks_diff(before, reading) <= after - before


def test_ticks_cpu_reads_the_host_clock() -> None:
    for impl in IMPLS:
        before = time.monotonic_ns()
        reading = impl.ticks_cpu()
        after = time.monotonic_ns()
        assert _pyimpl.ticks_diff(before, reading) <= after - before


def test_set_clock_none_goes_back_to_the_host_clock() -> None:
    for impl in IMPLS:
        impl.set_clock(FixedClock(0))
        assert impl.ticks_cpu() == 0
        impl.set_clock(None)
        before = time.monotonic_ns()
        assert _pyimpl.ticks_diff(before, impl.ticks_cpu()) <= time.monotonic_ns() - before


# -- PinBase -----------------------------------------------------------------------------------


class FakeLine:
    """A ``hal.GPIOLine`` stand-in that records every call."""

    def __init__(self, level: Any = 0, fail: BaseException | None = None) -> None:
        self.level = level
        self.fail = fail
        self.calls: list[tuple[str, Any]] = []

    def get(self) -> Any:
        self.calls.append(("get", None))
        return self.level

    def set(self, value: int) -> None:
        self.calls.append(("set", value))
        if self.fail is not None:
            raise self.fail
        self.level = value


def pins(level: Any = 0, fail: BaseException | None = None) -> list[Any]:
    """One fresh pin per implementation, subclassed as ``machine.Pin`` does, on a fake line."""
    made = []
    for impl in IMPLS:

        class Pin(impl.PinBase):  # type: ignore[name-defined]
            pass

        pin = Pin()
        pin._line = FakeLine(level, fail)
        made.append(pin)
    return made


def run(pin_list: list[Any], op: Callable[[Any], Any]) -> Outcome:
    """Apply ``op`` to each pin; assert the outcomes, the line calls and ``_out`` agree."""
    results = [outcome(op, pin) for pin in pin_list]
    assert results[1] == results[0]
    assert pin_list[1]._line.calls == pin_list[0]._line.calls
    assert pin_list[1]._out == pin_list[0]._out
    return results[0]


def test_fresh_pin_state() -> None:
    for impl in IMPLS:
        pin = impl.PinBase()
        assert (pin._line, pin._out, pin._fd) == (None, -1, -1)


def test_a_repeated_value_does_not_call_set() -> None:
    ps = pins()
    for _ in range(3):
        assert run(ps, lambda p: p.value(1)) == ("ok", None)
    assert ps[0]._line.calls == [("set", 1)]
    assert ps[0]._out == 1
    run(ps, lambda p: p.value(0))
    run(ps, lambda p: p.value(0))
    assert ps[1]._line.calls == [("set", 1), ("set", 0)]


def test_value_reads_the_line_every_time() -> None:
    ps = pins(level=1)
    assert run(ps, lambda p: p.value()) == ("ok", 1)
    assert run(ps, lambda p: p.value()) == ("ok", 1)
    assert ps[1]._line.calls == [("get", None), ("get", None)]


@pytest.mark.parametrize("level", [True, 0, 1, "1", IntLike(1), 2**70, None, "high"])
def test_value_read_converts_with_int(level: Any) -> None:
    run(pins(level=level), lambda p: p.value())


@pytest.mark.parametrize("arg", [0, 1, 7, -1, 0.0, 0.5, "", "x", [], [0], None, True, False])
def test_value_write_uses_truthiness(arg: Any) -> None:
    ps = pins()
    run(ps, lambda p: p.value(arg))
    assert ps[1]._line.calls == [("set", 1 if arg else 0)]


def test_call_is_value() -> None:
    ps = pins(level=1)
    assert run(ps, lambda p: p()) == ("ok", 1)
    run(ps, lambda p: p(1))
    run(ps, lambda p: p(1))
    assert ps[1]._line.calls == [("get", None), ("set", 1)]


def test_call_follows_a_reassigned_dunder_call() -> None:
    # The C type gives Python subclasses vectorcall (Python < 3.12 would not inherit it): a
    # __call__ assigned on the class later must still win, and deleting it restores value().
    for impl in IMPLS:

        class Pin(impl.PinBase):  # type: ignore[name-defined]
            pass

        pin = Pin()
        pin._line = FakeLine(level=1)
        assert pin() == 1
        Pin.__call__ = lambda self, *args: ("patched", args)  # type: ignore[method-assign]
        assert pin(1, 2) == ("patched", (1, 2))
        del Pin.__call__
        assert pin() == 1
        pin(0)
        assert pin._line.calls == [("get", None), ("get", None), ("set", 0)]

        class Own(impl.PinBase):  # type: ignore[name-defined]
            def __call__(self, *args: Any) -> Any:
                return "own"

        assert Own()(1) == "own"


class Undecidable:
    def __bool__(self) -> bool:
        raise ArithmeticError("no truth here")


def test_value_errors_agree() -> None:
    ps = pins()
    assert run(ps, lambda p: p.value(1, 2))[:2] == ("raised", TypeError)
    assert run(ps, lambda p: p(1, 2))[:2] == ("raised", TypeError)
    assert run(ps, lambda p: p.value(Undecidable()))[:2] == ("raised", ArithmeticError)
    assert run(ps, lambda p: p.value(value=1))[:2] == ("raised", TypeError)
    assert run(ps, lambda p: p.value(1, self=1))[:2] == ("raised", TypeError)
    assert run(ps, lambda p: p(x=1))[:2] == ("raised", TypeError)
    assert run(ps, lambda p: p.value(slef=1))[:2] == ("raised", TypeError)
    assert run(ps, lambda p: p(SELF=1))[:2] == ("raised", TypeError)
    assert ps[0]._line.calls == []
    assert ps[0]._out == -1


def test_a_failed_set_leaves_the_output_register_unknown() -> None:
    ps = pins(fail=OSError(5))
    assert run(ps, lambda p: p.value(1))[:2] == ("raised", OSError)
    assert run(ps, lambda p: p.toggle())[:2] == ("raised", OSError)
    assert ps[0]._out == -1
    assert ps[0]._line.calls == [("set", 1), ("get", None), ("set", 1)]


def test_toggle_reads_only_when_the_output_is_unknown() -> None:
    ps = pins(level=1)
    run(ps, lambda p: p.toggle())
    assert ps[0]._line.calls == [("get", None), ("set", 0)]
    run(ps, lambda p: p.toggle())
    run(ps, lambda p: p.toggle())
    assert ps[1]._line.calls == [("get", None), ("set", 0), ("set", 1), ("set", 0)]
    assert ps[1]._out == 0


def test_toggle_after_value() -> None:
    ps = pins()
    run(ps, lambda p: p.value(1))
    run(ps, lambda p: p.toggle())
    run(ps, lambda p: p.value(0))  # already 0: skipped
    assert ps[0]._line.calls == [("set", 1), ("set", 0)]


def test_toggle_errors_agree() -> None:
    ps = pins()
    assert run(ps, lambda p: p.toggle(1))[:2] == ("raised", TypeError)
    assert run(ps, lambda p: p.toggle(x=1))[:2] == ("raised", TypeError)
    assert run(ps, lambda p: p.toggle(self=1))[:2] == ("raised", TypeError)
    assert run(ps, lambda p: p.toggle(sel=1))[:2] == ("raised", TypeError)
    run(pins(level="high"), lambda p: p.toggle())  # int("high") fails alike


def test_a_deinitialised_pin_raises_value_error() -> None:
    ps = pins()
    for pin in ps:
        pin._line = None
    for op in (lambda p: p.value(), lambda p: p.value(1), lambda p: p(1, 2), lambda p: p.toggle()):
        assert run_without_line(ps, op) == ("raised", ValueError, "pin is deinitialised")


def run_without_line(pin_list: list[Any], op: Callable[[Any], Any]) -> Outcome:
    results = [outcome(op, pin) for pin in pin_list]
    assert results[1] == results[0]
    return results[0]


def test_an_uninitialised_pin_raises_attribute_error_alike() -> None:
    made = []
    for impl in IMPLS:

        class Pin(impl.PinBase):  # type: ignore[name-defined]
            pass

        made.append(Pin.__new__(Pin))
    for op in (lambda p: p._line, lambda p: p.value(), lambda p: p.toggle()):
        result = run_without_line(made, op)
        assert result[:2] == ("raised", AttributeError)


def test_init_resets_and_takes_no_arguments() -> None:
    ps = pins()
    run(ps, lambda p: p.value(1))
    for impl, pin in zip(IMPLS, ps):
        pin._fd = 7
        impl.PinBase.__init__(pin)
        assert (pin._line, pin._out, pin._fd) == (None, -1, -1)
    for args, kwargs in [((1,), {}), ((), {"x": 1}), ((1,), {"self": 1}), ((), {"elf": 1})]:
        results = [outcome(impl.PinBase, *args, **kwargs) for impl in IMPLS]
        assert results[0] == results[1]
        assert results[0][:2] == ("raised", TypeError)


def test_attributes_read_and_write() -> None:
    for impl in IMPLS:
        pin = impl.PinBase()
        line = FakeLine()
        pin._line, pin._out, pin._fd = line, 1, 3
        assert (pin._line, pin._out, pin._fd) == (line, 1, 3)
        pin._fd = -1
        assert pin._fd == -1
        with pytest.raises(AttributeError):
            pin.other = 1  # no __dict__ on the base type, as with __slots__


def test_subclasses_get_a_dict_and_weakrefs() -> None:
    for impl in IMPLS:

        class Pin(impl.PinBase):  # type: ignore[name-defined]
            pass

        pin = Pin()
        pin.name = "GP2"
        assert weakref.ref(pin)() is pin
        assert isinstance(pin, impl.PinBase)


def test_a_cycle_through_the_line_is_collected() -> None:
    for impl in IMPLS:

        class Pin(impl.PinBase):  # type: ignore[name-defined]
            pass

        pin = Pin()
        line = FakeLine()
        line.owner = pin  # type: ignore[attr-defined]
        pin._line = line
        ref = weakref.ref(pin)
        del pin, line
        gc.collect()
        assert ref() is None, impl.__name__


def test_the_c_type_is_a_gc_type_that_tracks_its_line() -> None:
    pin = _speedups.PinBase()
    line = FakeLine()
    pin._line = line
    assert gc.is_tracked(pin)
    assert pin in gc.get_referrers(line)


# -- the direct GPIO v2 path: _fd >= 0 -------------------------------------------------------
#
# Both implementations issue GPIO_V2_LINE_{GET,SET}_VALUES on _fd themselves. With no GPIO chip
# here, two things stand in for a line request: /dev/null (the kernel answers ENOTTY, so the
# ioctl did reach the fd and its error comes back in device_error()'s form), and an LD_PRELOAD
# shim that catches exactly those two request numbers and plays a one-line request, recording
# the request number and the 16 bytes each call passed. The real kernel path is covered in the
# VM (tests/kernel/run.sh runs the contract suite on gpio-sim).


def direct_pins(fd: int, level: int = 0) -> list[Any]:
    """One pin per implementation with the direct path on ``fd``."""
    made = pins(level)
    for pin in made:
        pin._fd = fd
    return made


@contextlib.contextmanager
def devnull_fd() -> Iterator[int]:
    fd = os.open(os.devnull, os.O_RDONLY)
    try:
        yield fd
    finally:
        os.close(fd)


def gpio_v2_in_c() -> bool:
    return bool(_speedups.HAVE_GPIO_V2)


def test_request_numbers_are_linux_gpio_v2() -> None:
    # _IOWR(0xB4, nr, 16 bytes) = (read|write) << 30 | 16 << 16 | 0xB4 << 8 | nr
    assert _pyimpl.GPIO_V2_LINE_GET_VALUES == (3 << 30) | (16 << 16) | (0xB4 << 8) | 0x0E
    assert _pyimpl.GPIO_V2_LINE_SET_VALUES == (3 << 30) | (16 << 16) | (0xB4 << 8) | 0x0F


def test_ioctl_errors_are_device_errors_alike() -> None:
    with devnull_fd() as fd:
        ps = direct_pins(fd)
        if not gpio_v2_in_c():  # built without <linux/gpio.h> v2: the C type ignores _fd
            ps[1].value(1)
            assert ps[1]._line.calls == [("set", 1)]
            return
        ops: list[Callable[[Any], Any]] = [
            lambda p: p.value(1),
            lambda p: p(True),
            lambda p: p.value(0.5),  # not an exact int: C's general path, same ioctl
            lambda p: p.value(),
            lambda p: p(),
            lambda p: p.toggle(),
        ]
        for op in ops:
            # /dev/null is no GPIO line request: ENOTTY, as device_error(ENOTTY) builds it.
            assert run(ps, op) == ("raised", OSError, "[Errno 25] ENOTTY")
            for pin in ps:
                with pytest.raises(OSError) as info:
                    op(pin)
                assert type(info.value) is OSError
                assert info.value.args == (errno.ENOTTY,)
                assert info.value.errno == errno.ENOTTY
        ps[0]._out = ps[1]._out = 1
        assert run(ps, lambda p: p.toggle()) == ("raised", OSError, "[Errno 25] ENOTTY")
        assert run(ps, lambda p: p.value(1)) == ("ok", None)  # 1 is in _out: no ioctl at all
        ps[0]._out = ps[1]._out = -1
    # The fd is closed now.
    assert run(ps, lambda p: p.value(0)) == ("raised", OSError, "[Errno 9] EBADF")
    assert ps[0]._out == -1
    assert ps[0]._line.calls == []


def test_direct_path_still_checks_the_line_and_arguments_first() -> None:
    with devnull_fd() as fd:
        ps = direct_pins(fd)
        assert run(ps, lambda p: p.value(1, 2))[:2] == ("raised", TypeError)
        assert run(ps, lambda p: p(1, x=2))[:2] == ("raised", TypeError)
        assert run(ps, lambda p: p.toggle(1))[:2] == ("raised", TypeError)
        assert run(ps, lambda p: p.value(Undecidable()))[:2] == ("raised", ArithmeticError)
        for pin in ps:
            pin._line = None
        for op in (lambda p: p.value(1), lambda p: p.value(), lambda p: p.toggle()):
            assert run_without_line(ps, op) == ("raised", ValueError, "pin is deinitialised")


class DropsTheFd:
    """Truthy, and its ``__bool__`` takes the direct path away from ``pin`` mid-call."""

    def __init__(self, pin: Any) -> None:
        self.pin = pin

    def __bool__(self) -> bool:
        self.pin._fd = -1
        return True


def test_fd_is_read_after_the_argument_is_judged() -> None:
    with devnull_fd() as fd:
        ps = direct_pins(fd)
        assert run(ps, lambda p: p.value(DropsTheFd(p))) == ("ok", None)
        assert ps[0]._line.calls == [("set", 1)]


# A one-line GPIO v2 line request in user space: ioctl() requests GPIO_V2_LINE_GET_VALUES and
# GPIO_V2_LINE_SET_VALUES on any open fd are answered here (others go to the kernel), and each
# is logged as "<G|S> <request> <bits> <mask>" with the bits and mask it was given.
SHIM_C = r"""
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static char log_text[1 << 16];
static size_t log_len;
static uint64_t level;
static int fail_errno, fail_count;

const char *shim_log(void) { log_text[log_len] = 0; return log_text; }
void shim_reset(void) { log_len = 0; }
void shim_fail(int code, int count) { fail_errno = code; fail_count = count; }
void shim_set_level(int value) { level = (uint64_t)value; }
int shim_level(void) { return (int)level; }

int ioctl(int fd, unsigned long request, ...)
{
    va_list ap;
    uint64_t *values;

    va_start(ap, request);
    values = va_arg(ap, uint64_t *);
    va_end(ap);
    if (request != 0xC010B40EUL && request != 0xC010B40FUL) {
        return (int)syscall(SYS_ioctl, fd, request, values);
    }
    if (log_len < sizeof(log_text) - 100) {
        log_len += (size_t)snprintf(log_text + log_len, sizeof(log_text) - log_len,
                                    "%c %#lx %llu %llu\n", request & 1 ? 'S' : 'G', request,
                                    (unsigned long long)values[0],
                                    (unsigned long long)values[1]);
    }
    if (fcntl(fd, F_GETFD) < 0) {
        return -1; /* EBADF */
    }
    if (fail_count > 0) {
        fail_count--;
        errno = fail_errno;
        return -1;
    }
    if (request & 1) {
        level = (level & ~values[1]) | (values[0] & values[1]);
    } else {
        values[0] = level & values[1];
    }
    return 0;
}
"""

# Runs in a child with the shim preloaded: the same calls on a pin of each implementation,
# printing per implementation what each call did, the ioctls it made and the fake line's level.
SHIM_SCRIPT = r"""
import ctypes, errno, gc, json, os, sys
from micropython_compat import _pyimpl, _speedups

shim = ctypes.CDLL(sys.argv[1])
shim.shim_log.restype = ctypes.c_char_p


class Line:
    def __init__(self):
        self.calls = []

    def get(self):
        self.calls.append("get")
        return 0

    def set(self, value):
        self.calls.append("set")


def outcome(fn):
    try:
        return ["ok", fn()]
    except Exception as exc:
        return ["raised", type(exc).__name__, str(exc), exc.args]


def steps(pin):
    yield "read", lambda: pin.value()
    yield "drive 1", lambda: pin.value(1)
    yield "drive 1 again", lambda: pin.value(1)
    yield "call 0", lambda: pin(0)
    yield "call True", lambda: pin(True)
    yield "drive 7", lambda: pin.value(7)
    yield "drive 0.0", lambda: pin.value(0.0)
    yield "drive []", lambda: pin.value([])
    yield "forget _out", lambda: setattr(pin, "_out", -1)
    yield "toggle", lambda: pin.toggle()
    yield "toggle again", lambda: pin.toggle()
    yield "read again", lambda: pin()
    yield "fail EIO", lambda: shim.shim_fail(errno.EIO, 99)
    yield "drive 1 fails", lambda: pin.value(1)
    yield "read fails", lambda: pin.value()
    yield "toggle fails", lambda: pin.toggle()
    yield "one EINTR", lambda: shim.shim_fail(errno.EINTR, 1)
    yield "drive 1 after EINTR", lambda: pin.value(1)
    yield "one EINTR", lambda: shim.shim_fail(errno.EINTR, 1)
    yield "read after EINTR", lambda: pin.value()
    yield "fail none", lambda: shim.shim_fail(0, 0)


report = {}
fd = os.open(os.devnull, os.O_RDONLY)
for impl in (_pyimpl, _speedups):
    class Pin(impl.PinBase):
        pass

    pin = Pin()
    pin._line = Line()
    pin._fd = fd
    shim.shim_set_level(0)
    rows = []
    for name, step in steps(pin):
        shim.shim_reset()
        result = outcome(step)
        rows.append([name, result, shim.shim_log().decode().splitlines(), pin._out,
                     shim.shim_level()])
    # A hot loop on the direct path allocates nothing.
    for _ in range(2):
        gc.collect()
        before = sys.getallocatedblocks()
        for i in range(20000):
            pin.value(i & 1)
            pin(i & 1 ^ 1)
            pin.toggle()
            pin.value()
        shim.shim_reset()
        grew = sys.getallocatedblocks() - before
    report[impl.__name__] = {"rows": rows, "line": pin._line.calls, "grew": grew}
print(json.dumps(report))
"""


@pytest.fixture(scope="module")
def shim_library(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The shim above, compiled (the C extension these tests need takes a compiler too)."""
    folder = tmp_path_factory.mktemp("gpio_shim")
    source = folder / "gpio_shim.c"
    source.write_text(SHIM_C)
    library = folder / "gpio_shim.so"
    compiler = os.environ.get("CC", "cc")
    subprocess.run(
        [compiler, "-shared", "-fPIC", "-O1", "-o", str(library), str(source)],
        check=True,
        capture_output=True,
    )
    return str(library)


def test_both_issue_the_same_ioctls_with_the_same_buffers(shim_library: str) -> None:
    assert gpio_v2_in_c()  # this machine's headers have GPIO v2 (Linux >= 5.10)
    env = dict(os.environ, LD_PRELOAD=shim_library)
    done = subprocess.run(
        [sys.executable, "-c", SHIM_SCRIPT, shim_library],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(done.stdout)
    py, c = report["micropython_compat._pyimpl"], report["micropython_compat._speedups"]
    assert c["rows"] == py["rows"]
    assert c["line"] == py["line"] == []  # the line handle is never used
    rows = {name: (result, log, out, level) for name, result, log, out, level in py["rows"]}
    get, set_ = "G 0xc010b40e", "S 0xc010b40f"
    # Every request carries mask 1 (line 0 of the request) and, for a write, bits 0 or 1.
    assert rows["read"] == (["ok", 0], [f"{get} 0 1"], -1, 0)
    assert rows["drive 1"] == (["ok", None], [f"{set_} 1 1"], 1, 1)
    assert rows["drive 1 again"] == (["ok", None], [], 1, 1)  # already in _out: no ioctl
    assert rows["call 0"] == (["ok", None], [f"{set_} 0 1"], 0, 0)
    assert rows["call True"] == (["ok", None], [f"{set_} 1 1"], 1, 1)
    assert rows["drive 7"] == (["ok", None], [], 1, 1)
    assert rows["drive 0.0"] == (["ok", None], [f"{set_} 0 1"], 0, 0)
    assert rows["drive []"] == (["ok", None], [], 0, 0)
    assert rows["toggle"] == (["ok", None], [f"{get} 0 1", f"{set_} 1 1"], 1, 1)
    assert rows["toggle again"] == (["ok", None], [f"{set_} 0 1"], 0, 0)
    assert rows["read again"] == (["ok", 0], [f"{get} 0 1"], 0, 0)
    eio = ["raised", "OSError", "[Errno 5] EIO", [errno.EIO]]
    assert rows["drive 1 fails"] == (eio, [f"{set_} 1 1"], 0, 0)  # _out keeps the old level
    assert rows["read fails"] == (eio, [f"{get} 0 1"], 0, 0)
    assert rows["toggle fails"] == (eio, [f"{set_} 1 1"], 0, 0)
    assert rows["drive 1 after EINTR"] == (["ok", None], [f"{set_} 1 1"] * 2, 1, 1)
    assert rows["read after EINTR"] == (["ok", 1], [f"{get} 0 1"] * 2, 1, 1)
    assert c["grew"] < 50


# -- ure: Match and FastMatcher ----------------------------------------------------------------

GROUPS = re.compile("(a)(x)?(b)", re.DOTALL | re.ASCII)


def seen(result: Any) -> Any:
    """A match object as the caller sees it (repr and every group), anything else as is."""
    if isinstance(result, (_pyimpl.Match, _speedups.Match)):
        if not isinstance(result._m, re.Match):
            return ("wraps", result._m)
        count = result._m.re.groups + 1
        return ("match", repr(result), [result.group(i) for i in range(count)])
    return result


def both_on(make: Callable[[ModuleType], Any], op: Callable[[Any], Any]) -> Outcome:
    """``op`` on the object ``make(module)`` builds for each module; assert they agree."""
    results = []
    for impl in IMPLS:
        kind, *rest = outcome(op, make(impl))
        results.append((kind, seen(rest[0])) if kind == "ok" else (kind, *rest))
    assert results[1] == results[0]
    return results[0]


def matches(impl: ModuleType) -> Any:
    return impl.Match(GROUPS.match("ab"))


INDEXES: list[Any] = [0, 1, 2, 3, 4, -1, -4, True, False, 1 << 70, -(1 << 70), "1", 1.0, None]


@pytest.mark.parametrize("index", INDEXES)
def test_match_group_agrees(index: Any) -> None:
    both_on(matches, lambda m: m.group(index))
    both_on(matches, lambda m: m.group(index=index))


def test_match_group_known_values() -> None:
    for impl in IMPLS:
        m = matches(impl)
        assert (m.group(), m.group(0), m.group(1), m.group(2), m.group(3)) == (
            "ab",
            "ab",
            "a",
            None,
            "b",
        )
        assert m.group(True) == "a"
        assert repr(m) == "<match num=4>"
        assert outcome(m.group, 4) == ("raised", IndexError, "4")
        assert outcome(m.group, -1) == ("raised", IndexError, "-1")
        assert outcome(m.group, IntLike(1)) == ("raised", TypeError, "can't convert to int")
        with pytest.raises(IndexError) as exc:
            m.group(1 << 70)
        assert exc.value.args == (1 << 70,)
        for missing in ("groups", "span", "start", "end", "groupdict", "__getitem__"):
            assert not hasattr(m, missing)


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [((1, 2), {}), ((), {"indx": 1}), ((1,), {"index": 1}), ((), {"self": 1}), ((), {"x": 1})],
)
def test_match_group_binds_alike(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    assert both_on(matches, lambda m: m.group(*args, **kwargs))[0] == "raised"


@pytest.mark.parametrize(
    ("subject", "pattern"), [(b"ab", rb"(a)(x)?(b)"), ("", ""), ("xyz", "x(y)(z)"), ("é", ".")]
)
def test_match_over_any_re_match_agrees(subject: Any, pattern: Any) -> None:
    m = re.compile(pattern).match(subject)
    for index in range(-1, 5):
        both_on(lambda impl, m=m: impl.Match(m), lambda x, i=index: x.group(i))
    both_on(lambda impl, m=m: impl.Match(m), repr)


class NoRe:
    """Not a match: no ``re`` attribute."""

    def group(self, index: Any) -> str:
        return "never"


def test_match_over_something_else_raises_alike() -> None:
    assert both_on(lambda impl: impl.Match(NoRe()), lambda m: m.group(0))[0] == "raised"
    assert both_on(lambda impl: impl.Match(NoRe()), repr)[0] == "raised"
    assert both_on(lambda impl: impl.Match(NoRe()), lambda m: m.group("x"))[0] == "raised"


@pytest.mark.parametrize(
    ("args", "kwargs"), [((), {}), ((1, 2), {}), ((), {"m": None}), ((), {"n": None})]
)
def test_match_constructor_binds_alike(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    py = outcome(_pyimpl.Match, *args, **kwargs)
    c = outcome(_speedups.Match, *args, **kwargs)
    assert (c[0], c[1:] if c[0] == "raised" else c[1]._m) == (
        py[0],
        py[1:] if py[0] == "raised" else py[1]._m,
    )


def test_match_keeps_its_re_match() -> None:
    m = GROUPS.match("ab")
    for impl in IMPLS:
        assert impl.Match(m)._m is m


class Fallback:
    """A fallback that records its calls and returns (or raises) a marker."""

    def __init__(self, fail: BaseException | None = None) -> None:
        self.calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
        self.fail = fail

    def __call__(self, *args: Any, **kwargs: Any) -> str:
        self.calls.append((args, kwargs))
        if self.fail is not None:
            raise self.fail
        return "fallback"


def fast_run(func: Any, call: Callable[[Any], Any], fail: BaseException | None = None) -> Any:
    """``call`` on a FastMatcher(func, Fallback()) of each module; assert the outcomes and the
    fallback's calls agree, and return (outcome, fallback calls)."""
    results = []
    for impl in IMPLS:
        fallback = Fallback(fail)
        kind, *rest = outcome(call, impl.FastMatcher(func, fallback))
        got = (kind, seen(rest[0])) if kind == "ok" else (kind, *rest)
        if kind == "ok" and rest[0] is not None and rest[0] != "fallback":
            assert type(rest[0]) is impl.Match  # each module wraps in its own Match
        results.append((got, fallback.calls))
    assert results[1] == results[0]
    return results[0]


class Text(str):
    pass


SUBJECTS: list[Any] = [
    "ab",
    "abc",
    "xab",
    "",
    "é",
    "ab\udcff",
    Text("ab"),
    b"ab",
    bytearray(b"ab"),
    None,
    5,
]


@pytest.mark.parametrize("op", ["match", "search"])
@pytest.mark.parametrize("subject", SUBJECTS)
def test_fast_matcher_agrees_on_subjects(op: str, subject: Any) -> None:
    func = getattr(GROUPS, op)
    fast_run(func, lambda f: f(subject))
    fast_run(func, lambda f: f(subject, 1, 2))
    fast_run(None, lambda f: f(subject))


def test_fast_matcher_takes_the_fast_path_only_for_ascii_str() -> None:
    assert fast_run(GROUPS.match, lambda f: f("ab")) == (
        ("ok", ("match", "<match num=4>", ["ab", "a", None, "b"])),
        [],
    )
    assert fast_run(GROUPS.search, lambda f: f("zzab", 0, "ignored")) == (
        ("ok", ("match", "<match num=4>", ["ab", "a", None, "b"])),
        [],
    )
    assert fast_run(GROUPS.match, lambda f: f("ba")) == (("ok", None), [])
    for call in (
        lambda f: f("é"),
        lambda f: f(Text("ab")),
        lambda f: f(b"ab"),
        lambda f: f(),
        lambda f: f("ab", 1, 2, 3),
        lambda f: f("ab", pos=1),
        lambda f: f(string="ab"),
    ):
        assert fast_run(GROUPS.match, call)[0] == ("ok", "fallback")
    assert fast_run(None, lambda f: f("ab")) == (("ok", "fallback"), [(("ab",), {})])
    assert fast_run(GROUPS.match, lambda f: f("ab", 1, 2, 3))[1] == [(("ab", 1, 2, 3), {})]
    assert fast_run(GROUPS.match, lambda f: f("é", k=1))[1] == [(("é",), {"k": 1})]


def test_fast_matcher_passes_errors_through_alike() -> None:
    def boom(string: str) -> Any:
        raise RuntimeError("maximum recursion depth exceeded")

    assert fast_run(boom, lambda f: f("ab"))[0][0] == "raised"
    assert fast_run(GROUPS.match, lambda f: f(b"ab"), fail=TypeError("nope"))[0] == (
        "raised",
        TypeError,
        "nope",
    )
    # anything but None is wrapped
    assert fast_run(lambda s: 5, lambda f: f("ab"))[0] == ("ok", ("wraps", 5))


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((), {}),
        ((None,), {}),
        ((None, None, None), {}),
        ((), {"func": None, "fallback": 1}),
        ((None,), {"fallbak": 1}),
    ],
)
def test_fast_matcher_constructor_binds_alike(
    args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    py = outcome(_pyimpl.FastMatcher, *args, **kwargs)
    c = outcome(_speedups.FastMatcher, *args, **kwargs)
    assert c[0] == py[0]
    if py[0] == "raised":
        assert c == py
    else:
        assert (c[1]._func, c[1]._fallback) == (py[1]._func, py[1]._fallback) == (None, 1)


@given(st.text(alphabet=st.sampled_from(list("ab=12x-é\n")), max_size=12))
def test_fast_matcher_agrees_on_any_text(subject: str) -> None:
    pattern = re.compile("([a-z]+)=([0-9]+)?", re.DOTALL | re.ASCII)
    for op in ("match", "search"):
        fast_run(getattr(pattern, op), lambda f: f(subject))


def test_a_cycle_through_a_fast_matcher_is_collected() -> None:
    for impl in IMPLS:
        fallback = Fallback()
        matcher = impl.FastMatcher(None, fallback)
        fallback.owner = matcher  # type: ignore[attr-defined]
        ref = weakref.ref(fallback)
        del matcher, fallback
        gc.collect()
        assert ref() is None, impl.__name__


def test_ure_uses_the_picked_implementation() -> None:
    import ure

    r = ure.compile("(a)b")
    assert type(r.match) is _fast.FastMatcher
    assert type(r.search) is _fast.FastMatcher
    assert type(r.match("ab")) is _fast.Match
    assert type(ure.search("b", b"ab")) is _fast.Match  # bytes: the general path, same type


# -- no leaks ----------------------------------------------------------------------------------


def test_hot_calls_do_not_leak() -> None:
    pin = _speedups.PinBase()
    line = FakeLine()
    pin._line = line
    big = 1 << 100
    clock = VirtualClock()
    level = IntLike(1)
    fallback = Fallback()
    fast = _speedups.FastMatcher(GROUPS.search, fallback)

    def work() -> None:
        for i in range(20_000):
            pin.value(i & 1)
            pin.value(level)
            pin.value()
            pin(1)
            pin.toggle()
            _speedups.ticks_us()
            _speedups.ticks_diff(big, -i)
            _speedups.ticks_add(IntLike(i), str(big))
            _speedups.ticks_diff(old=i, new=big)
            for call in (lambda: pin.value(1, 2), lambda: _speedups.ticks_diff(None, 1)):
                with contextlib.suppress(TypeError):
                    call()
        _speedups.set_clock(clock)
        for _ in range(20_000):
            _speedups.ticks_ms()
        _speedups.set_clock(None)
        line.calls.clear()
        for i in range(20_000):
            m = fast("xab") if i & 1 else fast("zz")
            if m is not None:
                m.group(1)
                m.group(2)
                repr(m)
                m.group(index=3)
            fast("é", 1, k=2)
            _speedups.Match(GROUPS.match("ab")).group(1)
            _speedups.FastMatcher(func=None, fallback=fallback)
            for bad in (
                lambda m=m: m.group(9),
                lambda m=m: m.group("x"),
                lambda m=m: m.group(1, idx=2),
                lambda: _speedups.Match(x=1),
            ):
                with contextlib.suppress(IndexError, TypeError, AttributeError):
                    bad()
        fallback.calls.clear()

    work()  # warm up caches and free lists
    gc.collect()
    fallback.calls.clear()
    refs = [sys.getrefcount(obj) for obj in (pin, line, big, clock, level, fast, fallback)]
    before = sys.getallocatedblocks()
    work()
    gc.collect()
    fallback.calls.clear()
    assert sys.getallocatedblocks() - before < 500
    objs = (pin, line, big, clock, level, fast, fallback)
    assert [sys.getrefcount(obj) for obj in objs] == refs


# -- which implementation _fast picks ----------------------------------------------------------


def picked(pure: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "MICROPYTHON_COMPAT_PURE"}
    if pure is not None:
        env["MICROPYTHON_COMPAT_PURE"] = pure
    code = (
        "from micropython_compat import _fast, _pyimpl, _speedups\n"
        "impl = _speedups if _fast.IMPLEMENTATION == 'c' else _pyimpl\n"
        "assert _fast.PinBase is impl.PinBase and _fast.ticks_us is impl.ticks_us\n"
        "assert _fast.Match is impl.Match and _fast.FastMatcher is impl.FastMatcher\n"
        "print(_fast.IMPLEMENTATION)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_fast_picks_c_when_built() -> None:
    assert picked(None) == "c"
    assert picked("0") == "c"
    assert picked("") == "c"


def test_pure_forces_the_twin() -> None:
    assert picked("1") == "python"


def test_this_run_uses_what_the_environment_asks_for() -> None:
    pure = os.environ.get("MICROPYTHON_COMPAT_PURE", "") not in ("", "0")
    expected: ModuleType = _pyimpl if pure else _speedups
    implementation = _fast.IMPLEMENTATION
    assert implementation == ("python" if pure else "c")
    assert _fast.PinBase is expected.PinBase
    assert _fast.Match is expected.Match
    assert _fast.FastMatcher is expected.FastMatcher


def test_machine_pin_runs_on_the_picked_base(wipy: Any) -> None:
    from machine import Pin

    pin = Pin("GP2", mode=Pin.OUT)
    assert isinstance(pin, _fast.PinBase)
    assert pin._fd == -1
    pin.value(1)
    pin.value(1)
    pin.toggle()
    assert [c.level for c in wipy.pin("GP2").history] == [1, 0]
