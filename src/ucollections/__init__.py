"""``ucollections``: ``namedtuple`` and ``OrderedDict``, as MicroPython 1.8.5 on the WiPy.

The WiPy build has this module with both (``OrderedDict`` is enabled in its release build).
``deque`` and ``defaultdict`` came after 1.8.5 and are absent (AttributeError). Differences
from CPython's ``collections`` (the device wins; each is tested):

``namedtuple(name, fields)``

* Takes exactly two positional arguments (no ``rename``, ``defaults``, ``module``).
* ``fields`` is a list or tuple of str, or a str split **on whitespace only**: ``'x, y'``
  gives the fields ``'x,'`` and ``'y'``, and ``'x,y'`` one field ``'x,y'`` (CPython also
  splits on commas). Anything else raises TypeError.
* Field names are not checked: keywords, duplicates, names starting with a digit or ``_`` are
  accepted (CPython raises ValueError). A duplicated name reads the first field.
* The type has no ``_fields``, ``_make``, ``_asdict`` or ``_replace`` (AttributeError).
* Instances take positional and keyword arguments; a wrong number of them, an unknown or a
  repeated keyword raise TypeError("argument num/types mismatch") (the WiPy's terse message).
* Fields can't be assigned or deleted: AttributeError("can't set attribute").
* ``repr`` is ``Name(a=1, b=2)``; instances are tuples (compare, index, slice, unpack).

``OrderedDict``

* A dict that keeps insertion order. ``repr`` is ``OrderedDict({'a': 1})`` on every Python
  version; ``==`` ignores order (it is the device's dict comparison), and ``move_to_end`` is
  absent (AttributeError), as on the device.
"""

from __future__ import annotations

import collections
from typing import Any, NoReturn

__all__ = ["OrderedDict", "namedtuple"]

_MISMATCH = "argument num/types mismatch"
_UNSET: Any = object()


def _field_names(fields: Any) -> tuple[str, ...]:
    if isinstance(fields, str):
        fields = fields.split()
    if not isinstance(fields, (list, tuple)):
        raise TypeError("expected tuple/list")
    for field in fields:
        if not isinstance(field, str):
            raise TypeError("can't convert to str implicitly")
    return tuple(fields)


def _read_only(self: object, name: str, value: object = None) -> NoReturn:
    raise AttributeError("can't set attribute")


def namedtuple(name: Any, fields: Any, /) -> type[tuple[Any, ...]]:
    """Make a tuple subclass called ``name`` whose items are also the attributes ``fields``.

    Raises TypeError if ``name`` is not str or ``fields`` is not a str, list or tuple of str.
    """
    if not isinstance(name, str):
        raise TypeError("can't convert to str implicitly")
    names = _field_names(fields)
    first: dict[str, int] = {}
    for index, field in enumerate(names):
        first.setdefault(field, index)

    def new(cls: type[tuple[Any, ...]], *args: Any, **kwargs: Any) -> tuple[Any, ...]:
        if len(args) + len(kwargs) != len(names):
            raise TypeError(_MISMATCH)
        items = [*args, *([_UNSET] * len(kwargs))]
        for key, value in kwargs.items():
            index = first.get(key)
            if index is None or items[index] is not _UNSET:
                raise TypeError(_MISMATCH)
            items[index] = value
        return tuple.__new__(cls, items)

    def show(self: tuple[Any, ...]) -> str:
        shown = ", ".join(f"{field}={value!r}" for field, value in zip(names, self))
        return f"{name}({shown})"

    def newargs(self: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(self)

    def getattr_(self: tuple[Any, ...], attr: str) -> Any:
        index = first.get(attr)
        if index is None:
            raise AttributeError(f"'{name}' object has no attribute '{attr}'")
        return self[index]

    namespace: dict[str, Any] = {
        "__slots__": (),
        "__new__": new,
        "__repr__": show,
        "__getnewargs__": newargs,
        "__getattr__": getattr_,
        "__setattr__": _read_only,
        "__delattr__": _read_only,
        "__module__": "builtins",  # the class prints as <class 'Name'>, as on the device
        "__doc__": f"{name}({', '.join(names)})",
    }
    for field, index in first.items():
        if not (field.startswith("__") and field.endswith("__")):
            namespace[field] = _field(index)
    return type(name, (tuple,), namespace)


def _field(index: int) -> property:
    """A read-only attribute for item ``index``."""
    return property(lambda self: self[index])


def _absent(self: object) -> NoReturn:
    raise AttributeError("'OrderedDict' object has no attribute 'move_to_end'")


class OrderedDict(collections.OrderedDict[Any, Any]):
    """A dict in insertion order (``OrderedDict()``, ``OrderedDict(pairs)``, keywords)."""

    move_to_end = property(_absent)

    def __repr__(self) -> str:
        return f"OrderedDict({dict.__repr__(self)})"

    def __eq__(self, other: object) -> bool:
        return dict.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return dict.__ne__(self, other)

    __hash__ = None  # type: ignore[assignment]
