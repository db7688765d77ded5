"""``uheapq``: heap queue on lists, as MicroPython 1.8.5's generic ``uheapq`` module.

**The WiPy's 1.8.5 build did not include this module** (``MICROPY_PY_UHEAPQ`` was 0 in its
port configuration); it is provided with the generic 1.8.5 API. Differences from CPython's
``heapq`` (each is tested):

* Only ``heappush``, ``heappop`` and ``heapify``; no ``heapreplace``, ``heappushpop``,
  ``merge``, ``nlargest`` or ``nsmallest`` (AttributeError).
* The heap must be exactly a ``list``: anything else, list subclasses included, raises
  TypeError("heap must be a list").
* ``heappop`` on an empty heap raises IndexError("empty heap").
* Items are compared with ``<`` only, in the same order as CPython's algorithm, so the
  resulting list layouts are the same.
"""

from __future__ import annotations

from typing import Any

__all__ = ["heapify", "heappop", "heappush"]


def _heap(heap: Any) -> list[Any]:
    if type(heap) is not list:
        raise TypeError("heap must be a list")
    return heap


def _sift_down(heap: list[Any], start: int, pos: int) -> None:
    """Move ``heap[pos]`` up towards ``start`` while it is smaller than its parent."""
    item = heap[pos]
    while pos > start:
        parent_pos = (pos - 1) >> 1
        parent = heap[parent_pos]
        if item < parent:
            heap[pos] = parent
            pos = parent_pos
        else:
            break
    heap[pos] = item


def _sift_up(heap: list[Any], pos: int) -> None:
    """Bubble the smaller child up from ``pos`` to a leaf, then place the item."""
    start = pos
    end = len(heap)
    item = heap[pos]
    child = 2 * pos + 1
    while child < end:
        if child + 1 < end and not heap[child] < heap[child + 1]:
            child += 1
        heap[pos] = heap[child]
        pos = child
        child = 2 * pos + 1
    heap[pos] = item
    _sift_down(heap, start, pos)


def heappush(heap: Any, item: Any, /) -> None:
    """Push ``item`` onto list ``heap``. Raises TypeError if ``heap`` is not a list."""
    target = _heap(heap)
    target.append(item)
    _sift_down(target, 0, len(target) - 1)


def heappop(heap: Any, /) -> Any:
    """Pop the smallest item of list ``heap``.

    Raises TypeError if ``heap`` is not a list, IndexError("empty heap") if it is empty.
    """
    target = _heap(heap)
    if not target:
        raise IndexError("empty heap")
    last = target.pop()
    if not target:
        return last
    smallest = target[0]
    target[0] = last
    _sift_up(target, 0)
    return smallest


def heapify(heap: Any, /) -> None:
    """Turn list ``heap`` into a heap in place. Raises TypeError if it is not a list."""
    target = _heap(heap)
    for pos in reversed(range(len(target) // 2)):
        _sift_up(target, pos)
