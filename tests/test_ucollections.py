"""ucollections: MicroPython 1.8.5's namedtuple and OrderedDict, and their CPython differences."""

from __future__ import annotations

import collections
import copy

import pytest

import ucollections
import ujson


def test_namedtuple_basics():
    point_t = ucollections.namedtuple("Point", ("x", "y"))
    p = point_t(1, 2)
    assert (p.x, p.y) == (1, 2)
    assert p == (1, 2)
    assert isinstance(p, tuple)
    assert p[1] == 2
    assert p[:1] == (1,)
    x, y = p
    assert (x, y) == (1, 2)
    assert len(p) == 2
    assert repr(p) == "Point(x=1, y=2)"
    assert repr(point_t) == "<class 'Point'>"
    assert point_t(y=2, x=1) == p
    assert point_t(1, y=2) == p
    assert copy.copy(p) == p
    assert copy.deepcopy(p) == p
    assert hash(p) == hash((1, 2))
    assert p.count(1) == 1


def test_fields_string_splits_on_whitespace_only():
    t_type = ucollections.namedtuple("T", "a  b\tc")
    assert repr(t_type(1, 2, 3)) == "T(a=1, b=2, c=3)"
    u_type = ucollections.namedtuple("U", "x,y")
    u = u_type(5)
    assert len(u) == 1
    assert getattr(u, "x,y") == 5
    v_type = ucollections.namedtuple("V", "x, y")
    assert getattr(v_type(1, 2), "x,") == 1
    assert collections.namedtuple("C", "x,y")._fields == ("x", "y")


def test_field_names_are_not_validated():
    t_type = ucollections.namedtuple("T", ["class", "1x", "_p", "a", "a"])
    t = t_type(1, 2, 3, 4, 5)
    assert getattr(t, "class") == 1
    assert getattr(t, "1x") == 2
    assert t._p == 3
    assert t.a == 4  # a duplicate name reads the first field
    with pytest.raises(ValueError):
        collections.namedtuple("T", ["class"])


def test_cpython_extras_are_absent():
    point_t = ucollections.namedtuple("Point", "x y")
    p = point_t(1, 2)
    for name in ("_fields", "_asdict", "_replace", "_make"):
        assert not hasattr(p, name)
        assert not hasattr(point_t, name)
    with pytest.raises(AttributeError):
        p.z  # noqa: B018
    assert not hasattr(ucollections, "deque")
    assert not hasattr(ucollections, "defaultdict")


def test_argument_mismatch_is_terse_type_error():
    point_t = ucollections.namedtuple("Point", "x y")
    for args, kwargs in (((1,), {}), ((1, 2, 3), {}), ((1,), {"z": 2}), ((1,), {"x": 2})):
        with pytest.raises(TypeError, match="argument num/types mismatch"):
            point_t(*args, **kwargs)


def test_fields_are_read_only():
    p = ucollections.namedtuple("Point", "x y")(1, 2)
    with pytest.raises(AttributeError, match="can't set attribute"):
        p.x = 3
    with pytest.raises(AttributeError, match="can't set attribute"):
        p.other = 3
    with pytest.raises(AttributeError, match="can't set attribute"):
        del p.x


def test_namedtuple_bad_arguments():
    with pytest.raises(TypeError):
        ucollections.namedtuple(b"P", "x")
    with pytest.raises(TypeError):
        ucollections.namedtuple("P", iter(["x"]))
    with pytest.raises(TypeError):
        ucollections.namedtuple("P", ["x", 1])
    with pytest.raises(TypeError):
        ucollections.namedtuple("P", "x", rename=True)


def test_ordered_dict():
    d = ucollections.OrderedDict([("b", 1), ("a", 2)])
    d["c"] = 3
    assert list(d) == ["b", "a", "c"]
    del d["a"]
    d["a"] = 4
    assert list(d.items()) == [("b", 1), ("c", 3), ("a", 4)]
    assert repr(d) == "OrderedDict({'b': 1, 'c': 3, 'a': 4})"
    assert repr(ucollections.OrderedDict()) == "OrderedDict({})"
    assert ucollections.OrderedDict(x=1) == {"x": 1}
    assert isinstance(d, dict)


def test_ordered_dict_compares_without_order_and_has_no_move_to_end():
    a = ucollections.OrderedDict([("x", 1), ("y", 2)])
    b = ucollections.OrderedDict([("y", 2), ("x", 1)])
    assert a == b
    assert (a != b) is False
    assert collections.OrderedDict(a) != collections.OrderedDict(b)
    assert not hasattr(a, "move_to_end")
    with pytest.raises(AttributeError):
        a.move_to_end("x")
    with pytest.raises(TypeError):
        hash(a)


def test_ordered_dict_serialises_as_ujson_does_for_the_device():
    assert ujson.dumps(ucollections.OrderedDict([("k", 1)])) == 'OrderedDict({"k": 1})'
