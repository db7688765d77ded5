"""The micropython module: const, the emitter decorators, and the memory reports."""

from __future__ import annotations

import re
from typing import Any

import pytest

import micropython


def test_const_returns_its_argument() -> None:
    assert micropython.const(1 << 14) == 16384
    marker = object()
    assert micropython.const(marker) is marker


def test_emitter_decorators_return_the_function_unchanged() -> None:
    def add(a: int, b: int) -> int:
        return a + b

    for decorator in (micropython.native, micropython.viper, micropython.asm_thumb):
        assert decorator(add) is add

    @micropython.native
    def twice(x: int) -> int:
        return 2 * x

    assert twice(21) == 42


def test_alloc_emergency_exception_buf() -> None:
    micropython.alloc_emergency_exception_buf(100)
    with pytest.raises(TypeError):
        micropython.alloc_emergency_exception_buf("100")
    with pytest.raises(TypeError):
        micropython.alloc_emergency_exception_buf(None)


def test_opt_level_gets_and_sets() -> None:
    before = micropython.opt_level()
    try:
        assert before == 0
        assert micropython.opt_level(2) is None
        assert micropython.opt_level() == 2
        with pytest.raises(TypeError):
            micropython.opt_level("2")
    finally:
        micropython.opt_level(before)


def test_heap_lock_and_unlock_pair_up() -> None:
    micropython.heap_lock()
    micropython.heap_lock()
    micropython.heap_unlock()
    assert micropython._heap_locks == 1
    micropython.heap_unlock()
    micropython.heap_unlock()  # never below zero
    assert micropython._heap_locks == 0
    assert bytearray(10) == bytearray(10)  # allocation still works


def test_mem_info_prints_the_devices_summary(capsys: Any) -> None:
    micropython.mem_info()
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    assert re.fullmatch(r"stack: \d+ out of 8192", lines[0])
    match = re.fullmatch(r"GC: total: (\d+), used: (\d+), free: (\d+)", lines[1])
    assert match is not None
    total, used, free = map(int, match.groups())
    assert total == used + free and used > 0 and free > 0
    assert re.fullmatch(
        r" No\. of 1-blocks: \d+, 2-blocks: \d+, max blk sz: \d+, max free sz: \d+", lines[2]
    )


def test_mem_info_verbose_adds_the_heap_layout(capsys: Any) -> None:
    micropython.mem_info(1)
    lines = capsys.readouterr().out.splitlines()
    assert lines[3] == "GC memory layout; from 20004000:"
    layout = lines[4:]
    assert layout[0].startswith("00000: h")
    cells = "".join(line.split(": ", 1)[1] for line in layout if ": " in line)
    assert set(cells) <= {"h", "."}
    assert all(len(line.split(": ", 1)[1]) == 64 for line in layout if ": " in line)
    for line in layout:
        assert re.fullmatch(r"[0-9a-f]{5}: [h.]{1,64}|       \(\d+ lines all free\)", line)


def test_qstr_info(capsys: Any) -> None:
    micropython.qstr_info()
    out = capsys.readouterr().out
    assert re.fullmatch(
        r"qstr pool: n_pool=1, n_qstr=\d+, n_str_data_bytes=\d+, n_total_bytes=\d+\n", out
    )


def test_qstr_info_verbose_lists_the_programs_names(wipy: Any, capsys: Any) -> None:
    import sys
    import types

    flash = wipy.storage.flash
    module = types.ModuleType("devmod")
    module.__file__ = str(flash / "devmod.py")
    module.SENSOR_PIN = 3  # type: ignore[attr-defined]
    sys.modules["devmod"] = module
    try:
        micropython.qstr_info(1)
    finally:
        del sys.modules["devmod"]
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("qstr pool: n_pool=1, n_qstr=1,")
    assert lines[1:] == ["Q(SENSOR_PIN)"]
