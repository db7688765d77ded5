"""ure: MicroPython 1.8.5's regex subset and its differences from CPython's re."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ure


@pytest.mark.parametrize(
    ("pattern", "subject", "expected"),
    [
        ("abc", "abcd", "abc"),
        ("a.c", "a\nc", "a\nc"),  # '.' matches newline (CPython: only with DOTALL)
        ("[a-c]+", "abcd", "abc"),
        ("[^a-c]+", "xyza", "xyz"),
        ("a?b", "b", "b"),
        ("a*", "aaab", "aaa"),
        ("a+", "aaab", "aaa"),
        ("a??", "a", ""),
        ("a*?", "aaa", ""),
        ("a+?", "aaa", "a"),
        ("ab|cd", "cd", "cd"),
        ("(ab)+", "ababx", "abab"),
        ("(?:ab)+", "ababx", "abab"),
        ("\\d+", "123a", "123"),
        ("\\D+", "ab1", "ab"),
        ("\\s+", " \t\n\r\x0b\x0cx", " \t\n\r\x0b\x0c"),
        ("\\w+", "ab_9-", "ab_9"),
        ("\\W+", "-+a", "-+"),
        ("\\.", ".", "."),
        ("\\n", "n", "n"),  # an escaped letter is the letter: no \n escape in re1.5
        ("[\\d]", "d", "d"),  # a backslash in a class is an ordinary character
        ("[\\d]", "\\", "\\"),
        ("a{2}", "a{2}", "a{2}"),  # counted repetition is literal text
        ("a{2,3}", "a{2,3}", "a{2,3}"),
        ("^a", "a", "a"),
        ("a$", "a", "a"),
    ],
)
def test_supported_syntax_matches(pattern, subject, expected):
    m = ure.match(pattern, subject)
    assert m is not None
    assert m.group(0) == expected


@pytest.mark.parametrize(
    ("pattern", "subject"),
    [
        ("a$", "a\n"),  # '$' is the end of the subject only (CPython: also before a final \n)
        ("a{2}", "aa"),  # no counted repetitions
        ("\\d", "\u0661"),  # \d is ASCII only
        ("\\s", "\x1c"),  # CPython's str \s matches \x1c..\x1f
        ("[]]", "]"),  # an empty class matches nothing
    ],
)
def test_device_differs_from_cpython(pattern, subject):
    assert re.match(pattern, subject, re.DOTALL) is not None
    assert ure.match(pattern, subject) is None


def test_backslash_b_is_the_letter_not_a_word_boundary():
    assert ure.match("\\b", "b").group(0) == "b"
    assert re.match("\\b", "b").group(0) == ""


def test_empty_negated_class_matches_anything():
    assert ure.match("[^]", "\n").group(0) == "\n"


@pytest.mark.parametrize(
    "pattern",
    [
        "*",
        "+a",
        "?",
        "a**",
        "a*+",
        "a???",
        "^*",
        "$+",
        "a|*",
        "(?:)*",
        "(a",
        "a)",
        "(a))",
        "[a",
        "[a-]",  # 1.8.5 reads 'a-]' as a range and then wants another ']'
        "[a-",
        "a\\",
        "(?P<name>a)",
        "(?P=name)",
        "(?=a)",
        "(?!a)",
        "(?i)a",
        "(?#comment)",
    ],
)
def test_rejected_patterns_raise_device_error(pattern):
    with pytest.raises(ValueError, match=r"^Error in regex$"):
        ure.compile(pattern)
    with pytest.raises(ValueError, match=r"^Error in regex$"):
        ure.search(pattern, "abc")


def test_range_ending_in_bracket_is_a_range_when_closed_later():
    # '[a-]]' is the reversed range 'a'-']' (empty) and then the class closes.
    assert ure.match("[a-]]", "a") is None
    assert ure.match("[a-]]x", "x") is None


def test_nul_ends_the_pattern():
    assert ure.match("ab\x00c", "abd").group(0) == "ab"


def test_non_ascii_is_matched_bytewise():
    # 'é' is two bytes: the '+' repeats only its last byte, '.' matches one byte.
    assert ure.match("é+", "é\xa9").group(0) == "é"
    m = ure.match("(.)(.)", "é")
    assert m.group(0) == "é"
    assert m.group(1) == "\udcc3"  # half a character, as on the device
    assert ure.match("[é]", "é").group(0) == "\udcc3"  # class of the two bytes c3 and a9
    assert ure.search("[é]", "\xa9").group(0) == "\udca9"  # U+00A9 is c2 a9


def test_bytes_and_str_mix_and_group_type_follows_subject():
    assert ure.match(b"(a)", "ab").group(1) == "a"
    assert ure.match("(a)", b"ab").group(1) == b"a"
    assert ure.compile(b"x").split(b"axb") == [b"a", b"b"]


@pytest.mark.parametrize("bad", [1, None, bytearray(b"a"), ["a"]])
def test_non_str_arguments_raise_type_error(bad):
    with pytest.raises(TypeError):
        ure.compile(bad)
    with pytest.raises(TypeError):
        ure.match("a", bad)
    with pytest.raises(TypeError):
        ure.compile("a").split(bad)


def test_compile_flags_must_be_int():
    with pytest.raises(TypeError):
        ure.compile("a", "x")


def test_search_finds_first_position_and_anchors():
    assert ure.search("b+", "abbc").group(0) == "bb"
    assert ure.search("^b", "ab") is None
    assert ure.search("b$", "ab").group(0) == "b"
    assert ure.search("x", "abc") is None
    assert ure.match("b", "ab") is None


def test_extra_positional_arguments_are_ignored():
    r = ure.compile("a")
    assert r.match("ab", 1).group(0) == "a"  # pos is ignored on the device
    assert r.search("ba", 5, 6).group(0) == "a"
    assert ure.match("a", "a", 0).group(0) == "a"
    with pytest.raises(TypeError):
        r.match("a", 1, 2, 3)


def test_match_object_group_semantics():
    m = ure.match("(a)(x)?(b)", "ab")
    assert repr(m) == "<match num=4>"
    assert m.group(0) == "ab"
    assert m.group() == "ab"
    assert m.group(1) == "a"
    assert m.group(2) is None
    assert m.group(3) == "b"
    assert m.group(True) == "a"
    with pytest.raises(IndexError) as exc:
        m.group(4)
    assert exc.value.args == (4,)
    with pytest.raises(IndexError):
        m.group(-1)
    with pytest.raises(TypeError):
        m.group("name")
    for missing in ("groups", "span", "start", "end", "groupdict"):
        assert not hasattr(m, missing)


def test_regex_object_api():
    r = ure.compile("a")
    assert repr(r).startswith("<re ")
    assert not hasattr(r, "sub")
    assert not hasattr(r, "findall")
    assert not hasattr(ure, "sub")


def test_captures_in_loops_keep_the_last_iteration():
    m = ure.match("(?:(a)|b)+", "ab")
    assert m.group(1) == "a"
    assert ure.match("(a|b)*c", "abac").group(1) == "a"


def test_split_basics_and_max_split():
    r = ure.compile(",")
    assert r.split("a,b,,c") == ["a", "b", "", "c"]
    assert r.split("a,b,c", 1) == ["a", "b,c"]
    assert r.split("a,b,c", 0) == ["a", "b", "c"]  # <= 0: no limit
    assert r.split("a,b,c", -5) == ["a", "b", "c"]
    assert r.split("") == [""]
    assert ure.compile(",+").split(",a,,b,") == ["", "a", "b", ""]
    with pytest.raises(TypeError):
        r.split("a", "1")


def test_split_stops_at_first_empty_match():
    assert ure.compile("x*").split("axb") == ["axb"]  # CPython: ['a', 'b']
    assert ure.compile("b|x*").split("abcab") == ["abcab"]
    assert ure.compile("b|c*").split("bab") == ["", "ab"]


def test_split_with_groups_is_not_implemented_once_it_splits():
    r = ure.compile("(,)")
    assert r.split("ab") == ["ab"]
    with pytest.raises(NotImplementedError, match="Splitting with sub-captures"):
        r.split("a,b")
    assert ure.compile("(?:,)").split("a,b") == ["a", "b"]


def test_split_caret_matches_at_each_piece():
    assert ure.compile("^a").split("aab") == ["", "", "b"]


def test_split_non_ascii_str():
    assert ure.compile("é").split("aébéc") == ["a", "b", "c"]


def test_empty_loop_overflows_as_on_device():
    with pytest.raises(RuntimeError, match="maximum recursion depth exceeded"):
        ure.match("(a*)*", "aaa")
    with pytest.raises(RuntimeError):
        ure.search("()+", "x")
    with pytest.raises(RuntimeError):
        ure.match("(a|)*?b", "c")  # lazy: the loop is retried once 'b' fails
    # never reached: no overflow
    assert ure.match("x(a*)*", "y") is None
    assert ure.match("(a*)*?b", "b").group(0) == "b"


def test_debug_flag_prints_the_program(capsys):
    ure.compile("a(b)*", ure.DEBUG)
    out = capsys.readouterr().out
    assert "char 'a'" in out
    assert "save 1" in out
    assert ure.DEBUG == 0x1000
    ure.compile("a", 0)
    assert capsys.readouterr().out == ""


def test_patterns_are_cached():
    ure.compile("cache-me[0-9]")
    before = ure._program.cache_info().hits
    ure.compile("cache-me[0-9]")
    assert ure._program.cache_info().hits == before + 1


# ------------------------------------------------------------------------ property tests

_PATTERN_CHARS = st.sampled_from([*"ab.|()*+?[]^$-\\dws{}:", "(?:", "[^", "é"])
_SUBJECTS = st.text(alphabet=st.sampled_from(list("ab-\n ]{é")), max_size=8)
_patterns = st.lists(_PATTERN_CHARS, max_size=10).map("".join)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(pattern=_patterns, subject=_SUBJECTS)
def test_random_input_raises_only_documented_errors(pattern, subject):
    try:
        r = ure.compile(pattern)
    except ValueError as exc:
        assert str(exc) == "Error in regex"
        return
    for call in (r.match, r.search, r.split):
        try:
            result = call(subject)
        except NotImplementedError:  # a RuntimeError subclass: test it first
            assert call == r.split
        except RuntimeError as exc:
            assert str(exc) == "maximum recursion depth exceeded"
        else:
            if call == r.split:
                assert "".join(result) in subject or len(result) >= 1
            elif result is not None:
                assert isinstance(result.group(0), str)


@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow])
@given(pattern=_patterns, subject=_SUBJECTS)
def test_cpython_translation_agrees_with_reference_matcher(pattern, subject):
    """The fast path (CPython re) gives what the re1.5-order backtracking matcher gives."""
    try:
        prog = ure._Program(ure._pattern_bytes(pattern))
    except ValueError:
        return
    if prog.matcher is not None:
        return  # patterns with empty loops always use the reference matcher
    reference = ure._Matcher(prog.ast, prog.groups)
    data = subject.encode("utf-8", "surrogateescape")
    for anchored in (True, False):
        expected = reference.run(data, 0, anchored)
        got = prog.bytes_re.match(data) if anchored else prog.bytes_re.search(data)
        if expected is None:
            assert got is None
            continue
        assert got is not None
        spans = [got.span(i) for i in range(prog.groups + 1)]
        assert spans == [(expected[2 * i], expected[2 * i + 1]) for i in range(prog.groups + 1)]
