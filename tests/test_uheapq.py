"""uheapq: MicroPython 1.8.5's heap functions on lists only, compared with CPython's heapq."""

from __future__ import annotations

import heapq
import random

import pytest

import uheapq


def test_push_pop_sorts():
    heap: list[int] = []
    for value in (5, 1, 4, 1, 3):
        uheapq.heappush(heap, value)
    assert [uheapq.heappop(heap) for _ in range(5)] == [1, 1, 3, 4, 5]
    assert heap == []


def test_same_layouts_as_cpython():
    rng = random.Random(1)
    for _ in range(200):
        values = [rng.randrange(50) for _ in range(rng.randrange(30))]
        mine, theirs = list(values), list(values)
        uheapq.heapify(mine)
        heapq.heapify(theirs)
        assert mine == theirs
        for value in values[:5]:
            uheapq.heappush(mine, value)
            heapq.heappush(theirs, value)
            assert mine == theirs
        while theirs:
            assert uheapq.heappop(mine) == heapq.heappop(theirs)
            assert mine == theirs


def test_only_lists():
    class MyList(list[int]):
        pass

    for bad in ((1, 2), MyList([1]), {1: 2}, "ab", None):
        with pytest.raises(TypeError, match="heap must be a list"):
            uheapq.heapify(bad)
        with pytest.raises(TypeError, match="heap must be a list"):
            uheapq.heappush(bad, 1)
        with pytest.raises(TypeError, match="heap must be a list"):
            uheapq.heappop(bad)
    heapq.heapify(MyList([2, 1]))  # CPython accepts list subclasses


def test_empty_heap():
    with pytest.raises(IndexError, match="empty heap"):
        uheapq.heappop([])


def test_only_the_three_functions():
    for name in ("heapreplace", "heappushpop", "merge", "nlargest", "nsmallest"):
        assert not hasattr(uheapq, name)
    assert [n for n in dir(uheapq) if n.startswith("heap")] == ["heapify", "heappop", "heappush"]


def test_uses_less_than_only():
    class Item:
        def __init__(self, key: int) -> None:
            self.key = key

        def __lt__(self, other: Item) -> bool:
            return self.key < other.key

    heap: list[Item] = []
    for key in (3, 1, 2):
        uheapq.heappush(heap, Item(key))
    assert [uheapq.heappop(heap).key for _ in range(3)] == [1, 2, 3]
