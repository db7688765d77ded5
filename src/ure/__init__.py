"""``ure``: MicroPython 1.8.5's regular expressions (the re1.5 engine) on CPython.

Syntax (exactly what the device's compiler accepts): literal characters; ``.`` (any character,
newline included); ``[...]`` and ``[^...]`` with single characters and ranges, where a backslash
is an ordinary character and ``[a-]`` is an (unclosed) range, so an error; ``\\d \\D \\s \\S \\w
\\W`` (ASCII classes); any other escaped character stands for itself (``\\n`` is the letter
``n``, ``\\.`` a dot); ``^`` (start of the subject only) and ``$`` (end of the subject only, not
before a final newline); ``? * +`` and their lazy forms ``?? *? +?``; ``|``; ``(...)`` capturing
and ``(?:...)`` non-capturing groups.

Differences from CPython's ``re`` (the device wins; each is tested):

* Everything else has no special meaning or is an error, never CPython's meaning: ``{m,n}`` and
  ``}`` are literal characters; ``(?P<name>...)``, ``(?=...)``, ``(?i)`` and every other
  ``(?`` form, a quantifier with nothing to repeat (``*a``, ``a**``, ``a{2}*`` is fine),
  unbalanced parentheses, an unclosed class and a trailing backslash raise
  ``ValueError("Error in regex")``. A NUL character ends the pattern (the C string ends there).
* Matching works on the UTF-8 bytes of a str: ``.`` and classes match one byte, and a
  quantifier after a non-ASCII character repeats its last byte.
* ``*``/``+`` over something that can match empty (``(a*)*``, ``()+``) recurses forever on the
  device (the WiPy has no stack check and crashes); here that raises
  ``RuntimeError("maximum recursion depth exceeded")`` when the loop is reached.
* ``compile(pattern[, flags])``: only ``DEBUG`` means anything (prints the parsed program).
  ``match``/``search`` take (and ignore) up to two extra positional arguments, as the device.
* ``regex.split(string, max_split=-1)``: ``max_split <= 0`` means no limit; splitting stops at
  the first empty match (the rest is the last piece); a pattern with a capturing group raises
  ``NotImplementedError("Splitting with sub-captures")`` once it splits. ``^`` matches at the
  start of each remaining piece.
* Match objects have only ``group(index)``: numeric (a str index raises TypeError), an index out
  of range raises ``IndexError(index)``; no ``groups``/``span``/``start``/``end``. The spec shows
  the index as optional, so ``group()`` means ``group(0)`` here (1.8.5's C code requires it).
* Patterns and subjects may be str or bytes (in any mix); groups have the subject's type.
  Anything else raises ``TypeError("can't convert to str implicitly")``.

Implementation: a pattern is parsed once (cached) by a parser that follows the device's
compiler; it is translated to a CPython ``re`` pattern (``DOTALL``, ``ASCII``, ``\\A``/``\\Z``,
escaped literals) whenever the two engines agree, which is everything but loops over
empty-matching bodies; those run on a small backtracking matcher with re1.5's semantics. A
compiled regex's ``match``/``search`` are ``micropython_compat._fast.FastMatcher`` objects: an
ASCII ``str`` subject (with at most two ignored arguments) goes straight to the CPython pattern
and its ``re.Match`` is wrapped in the device-style match object (``_fast.Match``), in C when
the optional extension is built; any other call takes the general path (non-ASCII text is
matched on its UTF-8 bytes).
"""

from __future__ import annotations

import re as _re
import sys
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Callable, Union

from micropython_compat import _fast

__all__ = ["DEBUG", "compile", "match", "search"]

DEBUG = 0x1000

_ERROR = "Error in regex"
_MISSING: Any = object()

# ------------------------------------------------------------------------------ the parser
# Nodes: ("char", byte) ("any",) ("class", negated, ((lo, hi), ...)) ("named", letter_byte)
# ("bol",) ("eol",) ("group", index_or_None, alt) ("alt", (seq, ...)) where seq is a tuple
# of nodes, and ("rep", kind, greedy, node) with kind "*", "+" or "?".
Node = tuple[Any, ...]


class _Parser:
    def __init__(self, pattern: bytes) -> None:
        self.p = pattern
        self.i = 0
        self.groups = 0

    def peek(self, offset: int = 0) -> int:
        j = self.i + offset
        return self.p[j] if j < len(self.p) else 0

    def alternation(self) -> Node:
        """Parse up to ``)`` or the end; ``|`` splits the sequence into alternatives."""
        branches: list[tuple[Node, ...]] = []
        seq: list[Node] = []
        # ``term`` is the node a quantifier would repeat; None when there is nothing to repeat.
        term_ok = False
        while True:
            c = self.peek()
            if c in {0, 41}:  # end or ')'
                break
            self.i += 1
            if c == 0x5C:  # backslash
                e = self.peek()
                if e == 0:
                    raise ValueError(_ERROR)
                self.i += 1
                if e | 0x20 in (0x64, 0x73, 0x77):
                    seq.append(("named", e))
                else:
                    seq.append(("char", e))
                term_ok = True
            elif c == 0x2E:
                seq.append(("any",))
                term_ok = True
            elif c == 0x5B:
                seq.append(self.char_class())
                term_ok = True
            elif c == 0x28:
                capture = not (self.peek() == 0x3F and self.peek(1) == 0x3A)
                index: int | None = None
                if capture:
                    self.groups += 1
                    index = self.groups
                else:
                    self.i += 2
                inner = self.alternation()
                if self.peek() != 0x29:
                    raise ValueError(_ERROR)
                self.i += 1
                seq.append(("group", index, inner))
                # an empty non-capturing group emits no code: nothing to repeat
                term_ok = capture or _emits_code(inner)
            elif c in (0x3F, 0x2A, 0x2B):  # ? * +
                if not term_ok:
                    raise ValueError(_ERROR)
                greedy = True
                if self.peek() == 0x3F:
                    greedy = False
                    self.i += 1
                seq[-1] = ("rep", chr(c), greedy, seq[-1])
                term_ok = False
            elif c == 0x7C:  # |
                branches.append(tuple(seq))
                seq = []
                term_ok = False
            elif c == 0x5E:
                seq.append(("bol",))
                term_ok = False
            elif c == 0x24:
                seq.append(("eol",))
                term_ok = False
            else:
                seq.append(("char", c))
                term_ok = True
        branches.append(tuple(seq))
        return ("alt", tuple(branches))

    def char_class(self) -> Node:
        negated = self.peek() == 0x5E
        if negated:
            self.i += 1
        ranges: list[tuple[int, int]] = []
        while self.peek() != 0x5D:  # ']'
            lo = self.peek()
            if lo == 0:
                raise ValueError(_ERROR)
            hi = lo
            if self.peek(1) == 0x2D:  # a-b; also when b is ']' (1.8.5 has no special case)
                hi = self.peek(2)
                if hi == 0:
                    raise ValueError(_ERROR)
                self.i += 2
            self.i += 1
            ranges.append((lo, hi))
        self.i += 1
        return ("class", negated, tuple(ranges))


def _emits_code(node: Node) -> bool:
    return any(len(seq) > 0 for seq in node[1]) or len(node[1]) > 1


def _nullable(node: Node) -> bool:
    kind = node[0]
    if kind in ("bol", "eol"):
        return True
    if kind == "alt":
        return any(all(_nullable(n) for n in seq) for seq in node[1])
    if kind == "group":
        return _nullable(node[2])
    if kind == "rep":
        return node[1] != "+" or _nullable(node[3])
    return False


def _has_empty_loop(node: Node) -> bool:
    kind = node[0]
    if kind == "alt":
        return any(_has_empty_loop(n) for seq in node[1] for n in seq)
    if kind == "group":
        return _has_empty_loop(node[2])
    if kind == "rep":
        return (node[1] != "?" and _nullable(node[3])) or _has_empty_loop(node[3])
    return False


def _has_bol(node: Node) -> bool:
    kind = node[0]
    if kind == "bol":
        return True
    if kind == "alt":
        return any(_has_bol(n) for seq in node[1] for n in seq)
    if kind == "group":
        return _has_bol(node[2])
    if kind == "rep":
        return _has_bol(node[3])
    return False


# ------------------------------------------------------------------ translation to CPython re

_NAMED = {0x64: rb"\d", 0x44: rb"\D", 0x73: rb"\s", 0x53: rb"\S", 0x77: rb"\w", 0x57: rb"\W"}


def _lit(byte: int) -> bytes:
    escaped: bytes = _re.escape(bytes((byte,)))
    return escaped


def _class_item(byte: int) -> bytes:
    return b"\\x%02x" % byte


def _translate(node: Node) -> bytes:
    kind = node[0]
    if kind == "char":
        return _lit(node[1])
    if kind == "any":
        return b"."
    if kind == "named":
        return _NAMED[node[1]]
    if kind == "bol":
        return rb"\A"
    if kind == "eol":
        return rb"\Z"
    if kind == "class":
        items = b"".join(
            _class_item(lo) if lo == hi else _class_item(lo) + b"-" + _class_item(hi)
            for lo, hi in node[2]
            if lo <= hi
        )
        if not items:
            return b"[\\x00-\\xff]" if node[1] else b"[^\\x00-\\xff]"
        return (b"[^" if node[1] else b"[") + items + b"]"
    if kind == "group":
        body = _translate(node[2])
        return b"(" + body + b")" if node[1] is not None else b"(?:" + body + b")"
    if kind == "alt":
        return b"|".join(b"".join(_translate(n) for n in seq) for seq in node[1])
    # rep: wrap the repeated node so the quantifier binds to all of it
    inner = _translate(node[3])
    if node[3][0] not in ("char", "any", "named", "class", "group"):
        inner = b"(?:" + inner + b")"
    return inner + str(node[1]).encode() + (b"" if node[2] else b"?")


# ------------------------------------------------------------- the re1.5-semantics matcher


class _Loop(Exception):
    """A loop body matched empty and would be retried at the same place forever."""


Cont = Callable[[int], bool]


class _Matcher:
    """Backtracking matcher with re1.5's order of trying alternatives and repeats."""

    def __init__(self, ast: Node, ngroups: int) -> None:
        self.ast = ast
        self.ngroups = ngroups
        self.s = b""
        self.caps: list[int] = []

    def run(self, subject: bytes, start: int, anchored: bool) -> list[int] | None:
        self.s = subject
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 6000))
        try:
            for pos in [start] if anchored else range(start, len(subject) + 1):
                self.caps = [-1] * (2 * self.ngroups + 2)
                end: list[int] = []

                def done(p: int, end: list[int] = end) -> bool:
                    end.append(p)
                    return True

                if self.node(self.ast, pos, done):
                    caps = self.caps
                    caps[0], caps[1] = pos, end[0]
                    return caps
            return None
        except (_Loop, RecursionError):
            raise RuntimeError("maximum recursion depth exceeded") from None
        finally:
            sys.setrecursionlimit(limit)

    def seq(self, seq: tuple[Node, ...], k: int, pos: int, cont: Cont) -> bool:
        if k == len(seq):
            return cont(pos)
        return self.node(seq[k], pos, lambda p: self.seq(seq, k + 1, p, cont))

    def node(self, n: Node, pos: int, cont: Cont) -> bool:
        kind = n[0]
        s = self.s
        if kind == "alt":
            for seq in n[1]:  # noqa: SIM110 - plain calls keep deep recursion off the C stack
                if self.seq(seq, 0, pos, cont):
                    return True
            return False
        if kind == "group":
            index = n[1]
            if index is None:
                return self.node(n[2], pos, cont)
            old = self.caps[2 * index], self.caps[2 * index + 1]

            def close(p: int) -> bool:
                saved = self.caps[2 * index + 1]
                self.caps[2 * index + 1] = p
                if cont(p):
                    return True
                self.caps[2 * index + 1] = saved
                return False

            self.caps[2 * index] = pos
            if self.node(n[2], pos, close):
                return True
            self.caps[2 * index], self.caps[2 * index + 1] = old
            return False
        if kind == "rep":
            return self.rep(n, pos, cont)
        if kind == "bol":
            return pos == 0 and cont(pos)
        if kind == "eol":
            return pos == len(s) and cont(pos)
        if pos >= len(s):
            return False
        if _byte_matches(n, s[pos]):
            return cont(pos + 1)
        return False

    def rep(self, n: Node, pos: int, cont: Cont) -> bool:
        op, greedy, body = n[1], n[2], n[3]
        if op == "?":
            if greedy:
                return self.node(body, pos, cont) or cont(pos)
            return cont(pos) or self.node(body, pos, cont)

        def again(start: int) -> Cont:
            def after_body(p: int) -> bool:
                if p == start:
                    raise _Loop
                return loop(p)

            return after_body

        def loop(p: int) -> bool:
            if greedy:
                return self.node(body, p, again(p)) or cont(p)
            return cont(p) or self.node(body, p, again(p))

        if op == "+":
            return self.node(body, pos, loop)
        return loop(pos)


def _byte_matches(n: Node, b: int) -> bool:
    kind = n[0]
    if kind == "char":
        return bool(b == n[1])
    if kind == "any":
        return True
    if kind == "named":
        letter = n[1] | 0x20
        if letter == 0x64:
            hit = 0x30 <= b <= 0x39
        elif letter == 0x73:
            hit = b == 0x20 or 0x09 <= b <= 0x0D
        else:
            hit = (0x30 <= b <= 0x39) or (0x41 <= b <= 0x5A) or (0x61 <= b <= 0x7A) or b == 0x5F
        return hit if n[1] & 0x20 else not hit
    # class
    hit = any(lo <= b <= hi for lo, hi in n[2])
    return bool(hit != n[1])


# ------------------------------------------------------------------ compiled programs


class _Program:
    """A parsed pattern with its CPython translations (or its matcher when they differ)."""

    __slots__ = ("ast", "bytes_re", "groups", "has_bol", "matcher", "str_re")

    def __init__(self, pattern: bytes) -> None:
        parser = _Parser(pattern)
        ast = parser.alternation()
        if parser.i != len(pattern):  # a ')' without its '('
            raise ValueError(_ERROR)
        self.ast = ast
        self.groups = parser.groups
        self.has_bol = _has_bol(ast)
        self.matcher: _Matcher | None = None
        self.str_re: _re.Pattern[str] | None = None
        self.bytes_re: _re.Pattern[bytes] | None = None
        if _has_empty_loop(ast):
            self.matcher = _Matcher(ast, self.groups)
            return
        source = _translate(ast)
        self.bytes_re = _re.compile(source, _re.DOTALL)
        if pattern.isascii():
            self.str_re = _re.compile(source.decode("ascii"), _re.DOTALL | _re.ASCII)

    def dump(self) -> str:
        return _dump(self.ast, 0)


def _dump(node: Node, depth: int) -> str:
    pad = "  " * depth
    kind = node[0]
    if kind == "alt":
        lines = []
        for k, seq in enumerate(node[1]):
            if len(node[1]) > 1:
                lines.append(f"{pad}alternative {k}")
            lines.extend(_dump(n, depth + (len(node[1]) > 1)) for n in seq)
        return "\n".join(line for line in lines if line)
    if kind == "group":
        label = f"save {node[1]}" if node[1] is not None else "group"
        return f"{pad}{label}\n{_dump(node[2], depth + 1)}".rstrip()
    if kind == "rep":
        lazy = "" if node[2] else "?"
        return f"{pad}repeat {node[1]}{lazy}\n{_dump(node[3], depth + 1)}"
    if kind == "char":
        return f"{pad}char {chr(node[1])!r}"
    if kind == "named":
        return f"{pad}namedclass {chr(node[1])}"
    if kind == "class":
        neg = "classnot" if node[1] else "class"
        ranges = " ".join(f"{chr(lo)!r}-{chr(hi)!r}" for lo, hi in node[2])
        return f"{pad}{neg} {len(node[2])} {ranges}".rstrip()
    return f"{pad}{kind}"


def _pattern_bytes(pattern: Any) -> bytes:
    if isinstance(pattern, str):
        data = pattern.encode("utf-8", "surrogateescape")
    elif isinstance(pattern, bytes):
        data = pattern
    else:
        raise TypeError("can't convert to str implicitly")
    nul = data.find(b"\x00")
    return data if nul < 0 else data[:nul]


@lru_cache(maxsize=256)
def _program(pattern: bytes) -> _Program:
    return _Program(pattern)


Subject = Union[str, bytes]

#: A match on a CPython re.Match over the subject itself (C or pure, see ``_fast``).
_Match = _fast.Match


class _BytewiseMatch:
    """A match on the UTF-8 bytes of a str, or one from the re1.5-order matcher.

    ``spans``: (start, end) of each group, group 0 first, (-1, -1) for one that took no part.
    Only ``group(index)``, with ``_Match``'s contract.
    """

    __slots__ = ("_data", "_is_str", "_spans")

    def __init__(self, spans: Sequence[tuple[int, int]], data: bytes, is_str: bool) -> None:
        self._spans = spans
        self._data = data
        self._is_str = is_str

    def group(self, index: Any = 0) -> Subject | None:
        """Return the text of group ``index`` (0: the whole match), or None if it took no part.

        Raises TypeError("can't convert to int") for a non-int index (names are not
        supported) and IndexError(index) when out of range.
        """
        if not isinstance(index, int):
            raise TypeError("can't convert to int")
        if index < 0 or index >= len(self._spans):
            raise IndexError(index)
        start, end = self._spans[index]
        if start < 0:
            return None
        piece = self._data[start:end]
        return piece.decode("utf-8", "surrogateescape") if self._is_str else piece

    def __repr__(self) -> str:
        return f"<match num={len(self._spans)}>"


MatchObject = Union[_Match, _BytewiseMatch]


def _spans(caps: Any) -> Sequence[tuple[int, int]]:
    """Each group's span from an re.Match or the matcher's flat list of offsets."""
    if isinstance(caps, list):
        return [(caps[i], caps[i + 1]) for i in range(0, len(caps), 2)]
    regs: Sequence[tuple[int, int]] = caps.regs
    return regs


def _subject_data(string: Any) -> tuple[Subject, bytes | None]:
    """Return (subject, utf8) where utf8 is None when CPython can match ``subject`` as is."""
    if type(string) is str:
        if string.isascii():
            return string, None
        return string, string.encode("utf-8", "surrogateescape")
    if isinstance(string, str):
        text = str(string)
        return text, (None if text.isascii() else text.encode("utf-8", "surrogateescape"))
    if isinstance(string, bytes):
        return string, None
    raise TypeError("can't convert to str implicitly")


class _General:
    """The general path of a regex's ``match``/``search``: every subject type, the matcher."""

    __slots__ = ("_prog",)

    def __init__(self, prog: _Program) -> None:
        self._prog = prog

    def raw(self, data: Subject, start: int, anchored: bool) -> Any:
        """Run on prepared data (an ASCII str, or bytes); an re.Match, a caps list or None."""
        prog = self._prog
        if prog.matcher is not None:
            return prog.matcher.run(_as_bytes(data), start, anchored)
        if isinstance(data, str):
            if prog.str_re is not None:
                sre = prog.str_re
                return sre.match(data, start) if anchored else sre.search(data, start)
            data = data.encode("ascii")
        bre = prog.bytes_re
        assert bre is not None
        return bre.match(data, start) if anchored else bre.search(data, start)

    def run(self, string: Any, anchored: bool) -> MatchObject | None:
        subject, text = _subject_data(string)
        if isinstance(subject, str) and (text is not None or self._prog.str_re is None):
            data = text if text is not None else subject.encode("ascii")
            caps = self.raw(data, 0, anchored)
            return None if caps is None else _BytewiseMatch(_spans(caps), data, True)
        caps = self.raw(subject, 0, anchored)
        if caps is None:
            return None
        if isinstance(caps, list):
            return _BytewiseMatch(_spans(caps), _as_bytes(subject), False)
        return _Match(caps)

    def match(self, string: Any, *_ignored: Any) -> MatchObject | None:
        """``regex.match`` for what the fast path leaves (see ``_Regex``)."""
        if len(_ignored) > 2:
            raise TypeError("function takes at most 4 arguments")
        return self.run(string, True)

    def search(self, string: Any, *_ignored: Any) -> MatchObject | None:
        """``regex.search`` for what the fast path leaves (see ``_Regex``)."""
        if len(_ignored) > 2:
            raise TypeError("function takes at most 4 arguments")
        return self.run(string, False)


class _Regex:
    """A compiled regular expression (``ure.compile``).

    ``match(string, *ignored)``: match at the start of ``string``; ``search(string,
    *ignored)``: find the first position where the regex matches. Both return a match object
    or None, accept (and ignore) up to two more positional arguments as on the device, and
    raise TypeError if ``string`` is not str/bytes or with more arguments. They are
    ``_fast.FastMatcher`` attributes: an ASCII str goes straight to CPython's compiled pattern
    (in C when the extension is built), anything else to the general path.
    """

    __slots__ = ("_general", "match", "search")

    def __init__(self, prog: _Program) -> None:
        general = _General(prog)
        self._general = general
        str_re = prog.str_re
        self.match: Callable[..., MatchObject | None] = _fast.FastMatcher(
            None if str_re is None else str_re.match, general.match
        )
        self.search: Callable[..., MatchObject | None] = _fast.FastMatcher(
            None if str_re is None else str_re.search, general.search
        )

    def split(self, string: Any, max_split: Any = -1, /) -> list[Subject]:
        """Split ``string`` where the regex matches, at most ``max_split`` times if > 0.

        Splitting stops at the first empty match. Raises NotImplementedError("Splitting with
        sub-captures") if the regex has a capturing group and matches; TypeError for a
        non-str/bytes ``string`` or a non-int ``max_split``.
        """
        if not isinstance(max_split, int):
            raise TypeError("can't convert to int")
        subject, text = _subject_data(string)
        data: Subject = text if text is not None else subject
        pieces: list[Subject] = []
        raw = self._general.raw
        prog = self._general._prog
        begin = 0
        remaining = max_split
        while True:
            if prog.has_bol and begin:
                # the device moves the subject's start: '^' matches at each piece's start
                found = _span0(raw(data[begin:], 0, False))
                if found is not None:
                    found = (found[0] + begin, found[1] + begin)
            else:
                found = _span0(raw(data, begin, False))
            if found is None or found[0] == found[1]:
                break
            pieces.append(data[begin : found[0]])
            if prog.groups:
                raise NotImplementedError("Splitting with sub-captures")
            begin = found[1]
            if remaining > 0:
                remaining -= 1
                if remaining == 0:
                    break
        pieces.append(data[begin:])
        if text is not None:
            return [_as_bytes(p).decode("utf-8", "surrogateescape") for p in pieces]
        return pieces

    def __repr__(self) -> str:
        return f"<re {id(self) & 0xFFFFFFFF:x}>"


def _as_bytes(subject: Subject) -> bytes:
    return subject if isinstance(subject, bytes) else subject.encode("utf-8", "surrogateescape")


def _span0(caps: Any) -> tuple[int, int] | None:
    if caps is None:
        return None
    if isinstance(caps, list):
        return caps[0], caps[1]
    span: tuple[int, int] = caps.span()
    return span


def compile(regex: Any, flags: Any = 0, /) -> _Regex:
    """Compile ``regex`` (str or bytes); with ``flags & DEBUG`` print the parsed program.

    Raises ValueError("Error in regex") for a pattern the device rejects, TypeError for a
    non-str/bytes pattern or a non-int ``flags``.
    """
    if not isinstance(flags, int):
        raise TypeError("can't convert to int")
    prog = _program(_pattern_bytes(regex))
    if flags & DEBUG:
        print(prog.dump())
    return _Regex(prog)


_MODULE_CACHE: dict[Any, _Regex] = {}


def _cached_regex(regex: Any) -> _Regex:
    """The regex object for a pattern given to the module-level functions (cached)."""
    try:
        return _MODULE_CACHE[regex]
    except (KeyError, TypeError):
        pass
    compiled = _Regex(_program(_pattern_bytes(regex)))
    if len(_MODULE_CACHE) >= 256:
        _MODULE_CACHE.clear()
    if type(regex) in (str, bytes):
        _MODULE_CACHE[regex] = compiled
    return compiled


def match(regex: Any, string: Any, *_ignored: Any) -> MatchObject | None:
    """``compile(regex).match(string)``: match at the start of ``string``.

    Extra positional arguments (at most two, e.g. flags) are ignored. Raises what
    :func:`compile` and ``match`` raise.
    """
    if len(_ignored) > 2:
        raise TypeError("function takes at most 4 arguments")
    return _cached_regex(regex).match(string)


def search(regex: Any, string: Any, *_ignored: Any) -> MatchObject | None:
    """``compile(regex).search(string)``: find the first match anywhere in ``string``.

    Extra positional arguments (at most two, e.g. flags) are ignored. Raises what
    :func:`compile` and ``search`` raise.
    """
    if len(_ignored) > 2:
        raise TypeError("function takes at most 4 arguments")
    return _cached_regex(regex).search(string)
