"""The one IRQ dispatcher: one handler at a time, by priority, deferrable."""

from __future__ import annotations

import threading

import pytest

from micropython_compat.dispatcher import Dispatcher
from micropython_compat.resets import HardReset


def test_synchronous_mode_runs_handlers_before_post_returns() -> None:
    d = Dispatcher(synchronous=True)
    seen: list[int] = []
    d.post(seen.append, 1)
    assert seen == [1]
    d.close()


def test_a_handler_posting_another_runs_it_after_itself() -> None:
    d = Dispatcher(synchronous=True)
    seen: list[str] = []

    def outer(_: object) -> None:
        d.post(lambda _: seen.append("inner"), None, priority=7)
        seen.append("outer done")

    d.post(outer, None)
    assert seen == ["outer done", "inner"]
    d.close()


def test_disable_defers_and_enable_runs_by_priority() -> None:
    d = Dispatcher(synchronous=True)
    seen: list[str] = []
    state = d.disable()
    assert state == 1 and not d.enabled
    d.post(lambda _: seen.append("low"), None, priority=1)
    d.post(lambda _: seen.append("high"), None, priority=7)
    d.post(lambda _: seen.append("low 2"), None, priority=1)
    assert seen == [] and d.pending() == 3
    nested = d.disable()
    assert nested == 0
    d.enable(nested)  # restoring a nested state keeps interrupts off
    assert seen == []
    d.enable(state)
    assert seen == ["high", "low", "low 2"]
    d.close()


def test_threaded_mode_runs_on_one_thread_never_concurrently() -> None:
    d = Dispatcher(synchronous=False)
    running = 0
    overlap = False
    threads: set[str] = set()
    done = threading.Event()
    lock = threading.Lock()

    def handler(i: int) -> None:
        nonlocal running, overlap
        with lock:
            running += 1
            overlap |= running > 1
        threads.add(threading.current_thread().name)
        with lock:
            running -= 1
        if i == 99:
            done.set()

    def post_ten(k: int) -> None:
        for j in range(10):
            d.post(handler, k * 10 + j)

    posters = [threading.Thread(target=post_ten, args=(k,)) for k in range(10)]
    for t in posters:
        t.start()
    for t in posters:
        t.join()
    assert done.wait(5)
    assert not overlap
    assert threads == {"micropython-compat irq"}
    before = threading.active_count()
    d.close()
    assert threading.active_count() == before - 1


def test_failing_handler_is_printed_and_the_next_still_runs(
    capsys: pytest.CaptureFixture[str],
) -> None:
    d = Dispatcher(synchronous=True)
    seen: list[int] = []
    d.post(lambda _: 1 // 0, None)
    d.post(seen.append, 2)
    assert seen == [2]
    assert "ZeroDivisionError" in capsys.readouterr().out
    d.close()


def test_reset_request_in_a_handler_reaches_the_program() -> None:
    d = Dispatcher(synchronous=True)

    def handler(_: object) -> None:
        raise HardReset

    with pytest.raises(HardReset):
        d.post(handler, None)
    d.close()
