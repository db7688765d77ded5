"""ujson: the WiPy's 1.8.5 JSON output format and lenient parser."""

from __future__ import annotations

import collections
import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

import ujson


def test_dumps_format():
    obj = {"a": 1, "b": [1, 2], "c": None, "d": True, "e": False}
    assert ujson.dumps(obj) == '{"a": 1, "b": [1, 2], "c": null, "d": true, "e": false}'
    assert ujson.dumps([]) == "[]"
    assert ujson.dumps({}) == "{}"
    assert ujson.dumps((1, (2,))) == "[1, [2]]"
    assert ujson.dumps(-12345678901234567890) == "-12345678901234567890"


def test_dumps_strings():
    assert ujson.dumps("é") == '"é"'  # no ensure_ascii (CPython: "\\u00e9")
    assert json.dumps("é") == '"\\u00e9"'
    assert ujson.dumps('a"b\\c') == '"a\\"b\\\\c"'
    assert ujson.dumps("\n\r\t\x08\x0c\x01\x7f") == '"\\n\\r\\t\\u0008\\u000c\\u0001\x7f"'


def test_dumps_bytes_is_a_json_string_not_type_error():
    assert ujson.dumps(b"ab\n") == '"ab\\n"'
    with pytest.raises(TypeError):
        json.dumps(b"ab")


def test_dumps_non_str_keys_are_unquoted():
    assert ujson.dumps({1: 2, None: 3}) == "{1: 2, null: 3}"


def test_dumps_ordered_dict_and_other_objects():
    assert ujson.dumps(collections.OrderedDict(a=1)) == 'OrderedDict({"a": 1})'

    class Thing:
        def __repr__(self):
            return "<thing>"

    assert ujson.dumps([Thing()]) == "[<thing>]"


def test_dumps_floats_in_micropython_form():
    assert ujson.dumps(1.5) == "1.5"
    assert ujson.dumps(2.0) == "2.0"
    assert ujson.dumps(0.1 + 0.2) == "0.3"  # %.16g, CPython: 0.30000000000000004
    assert ujson.dumps(1e20) == "1e+20"
    assert ujson.dumps(float("inf")) == "inf"


def test_dumps_recursive_structure_raises():
    a: list[object] = []
    a.append(a)
    with pytest.raises(RecursionError):
        ujson.dumps(a)


def test_loads_valid_json():
    assert ujson.loads('{"a": [1, -2, "x", true, false, null], "b": {}}') == {
        "a": [1, -2, "x", True, False, None],
        "b": {},
    }
    assert ujson.loads("  7 \n") == 7
    assert ujson.loads(b'"bytes ok"') == "bytes ok"
    assert ujson.loads('"\\u00e9\\n\\t\\/\\"\\\\"') == 'é\n\t/"\\'
    assert ujson.loads("12345678901234567890") == 12345678901234567890


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[1 2]", [1, 2]),  # commas are whitespace
        ("[1,,2,]", [1, 2]),  # trailing/double commas accepted
        ('{"a" 1 "b" 2}', {"a": 1, "b": 2}),  # colons are whitespace
        ("[1}", [1]),  # either bracket closes
        ("[1, 2", [1, 2]),  # unclosed top-level container accepted
        ("[[1]", [[1]]),
        ("{2: 2, null: 3, true: 4}", {2: 2, None: 3, True: 4}),  # any primitive key
        ('{"a"}', {}),  # a dangling key is dropped
        ('[{"a"}, {"b": 1}]', [{}, {"a": "b"}]),  # ...and reused by the next dict
        ('"\\q\\\'"', "q'"),  # unknown escapes stand for the character
        ('"\\ud83d\\ude00"', "\ud83d\ude00"),  # surrogates not paired (CPython: one emoji)
        ('"a\x01b"', "a\x01b"),  # raw control characters accepted
        ("[nulltrue]", [None, True]),
        ("007", 7),
    ],
)
def test_loads_lenient_like_the_device(text, expected):
    assert ujson.loads(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "'a'",
        "NaN",
        "Infinity",
        "+1",
        "[1] 2",
        "1 2",
        "nul",
        "True",
        "{[1]: 2}",
        '"abc',
        "]",
        "[[1]]]",
        "x",
        '"\\u12"',
        "\x00",
    ],
)
def test_loads_rejects_with_syntax_error(text):
    with pytest.raises(ValueError, match=r"^syntax error in JSON$"):
        ujson.loads(text)


@pytest.mark.parametrize("text", ["1.5", "[1e3]", "-0.0", "2E1"])
def test_loads_has_no_floats_on_the_wipy(text):
    with pytest.raises(ValueError, match=r"^decimal numbers not supported$"):
        ujson.loads(text)


@pytest.mark.parametrize("text", ["-", "1-2", "--1"])
def test_loads_bad_integer(text):
    with pytest.raises(ValueError, match=r"^invalid syntax for integer$"):
        ujson.loads(text)


@pytest.mark.parametrize("bad", [1, None, bytearray(b"1"), ["1"]])
def test_loads_type_error(bad):
    with pytest.raises(TypeError):
        ujson.loads(bad)


def test_dump_and_load_on_streams():
    buf = io.StringIO()
    ujson.dump({"k": [1, 2]}, buf)
    assert buf.getvalue() == '{"k": [1, 2]}'
    buf.seek(0)
    assert ujson.load(buf) == {"k": [1, 2]}
    assert ujson.load(io.BytesIO(b"[true]")) == [True]
    with pytest.raises(AttributeError):
        ujson.dump(1, object())
    assert ujson.load(io.StringIO("{")) == {}  # unclosed top-level container accepted
    with pytest.raises(ValueError, match="syntax error in JSON"):
        ujson.load(io.StringIO("'x'"))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=12,
)


@given(json_values)
def test_round_trip_of_json_values(value):
    assert ujson.loads(ujson.dumps(value)) == value


@given(json_values)
def test_output_is_cpython_parseable_for_json_values(value):
    assert json.loads(ujson.dumps(value)) == value


@given(st.binary(max_size=30) | st.text(max_size=30))
def test_random_input_raises_only_documented_errors(data):
    try:
        ujson.loads(data)
    except ValueError as exc:
        assert str(exc) in (
            "syntax error in JSON",
            "decimal numbers not supported",
            "invalid syntax for integer",
        )
