"""The virtual and the real clock."""

from __future__ import annotations

import threading

from micropython_compat.clocks import RealClock, VirtualClock


def test_virtual_clock_runs_alarms_in_deadline_order_at_their_time() -> None:
    clock = VirtualClock(step_ns=0)
    seen: list[tuple[str, int]] = []
    clock.call_at_ns(300, lambda: seen.append(("c", clock.now_ns())))
    clock.call_at_ns(100, lambda: seen.append(("a", clock.now_ns())))
    clock.call_at_ns(100, lambda: seen.append(("b", clock.now_ns())))
    cancelled = clock.call_at_ns(200, lambda: seen.append(("x", clock.now_ns())))
    cancelled.cancel()
    clock.sleep_until_ns(250)
    assert seen == [("a", 100), ("b", 100)]
    assert clock.now_ns() == 250
    clock.advance_ns(1000)
    assert seen[-1] == ("c", 300)
    assert clock.pending() == 0


def test_virtual_clock_alarm_scheduling_more_alarms() -> None:
    clock = VirtualClock(step_ns=0)
    fired: list[int] = []

    def periodic() -> None:
        fired.append(clock.now_ns())
        clock.call_at_ns(clock.now_ns() + 10, periodic)

    clock.call_at_ns(10, periodic)
    clock.advance_ns(100)
    assert fired == list(range(10, 101, 10))


def test_ticks_reads_move_a_virtual_clock_by_a_step() -> None:
    clock = VirtualClock(step_ns=1000)
    assert [clock.ticks_ns() for _ in range(3)] == [1000, 2000, 3000]
    assert clock.now_ns() == 3000


def test_real_clock_alarm_runs_on_its_thread_and_close_stops_it() -> None:
    clock = RealClock()
    done = threading.Event()
    where: list[str] = []

    def alarm() -> None:
        where.append(threading.current_thread().name)
        done.set()

    clock.call_at_ns(clock.now_ns() + 1_000_000, alarm)
    assert done.wait(5)
    assert where == ["micropython-compat clock"]
    before = threading.active_count()
    clock.close()
    assert threading.active_count() == before - 1
