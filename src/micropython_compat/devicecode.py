"""The program's source as MicroPython 1.8.5's compiler sees it.

``compile_source(source, filename, mode, native=...)`` compiles device code after a pass over
its syntax tree that does what the device's parser and compiler do and CPython's don't:

* ``NAME = const(expr)``, in any scope: ``expr`` must fold to a small integer (literals, earlier
  constants, ``+ - * // % << >> & | ^ ~``; the result between ``-2**30`` and ``2**30 - 1``),
  else ``SyntaxError: constant must be an integer``. From there to the end of the file every
  use of ``NAME`` is that integer, whatever the scope (the device substitutes while parsing).
  A name starting with ``_`` is not assigned at all (the device drops the statement).
* ``@micropython.X`` decorators are the compiler's, with no import needed: ``bytecode`` is
  accepted; ``native``, ``viper`` and ``asm_thumb`` only where the board's firmware has the
  native emitter (``native`` true: the function stays ordinary Python code); any other
  ``micropython`` decorator is ``SyntaxError: invalid micropython decorator``.
* a ``%`` whose left operand is a bytes literal formats as the device does
  (``b'%s' % 'GET'`` is ``b'GET'``): see ``bytesrules.bytes_format``.

Errors are ``SyntaxError`` with the device's message, the file name and the line.
"""

from __future__ import annotations

import ast
import operator
import types
from typing import Any, Callable

__all__ = ["BYTES_FORMAT_NAME", "DeviceSyntaxError", "compile_source", "native_emitter"]

# The name under which device builtins hold the bytes formatting helper.
BYTES_FORMAT_NAME = "__micropython_bytes_format__"

_SMALL_MIN = -(2**30)
_SMALL_MAX = 2**30 - 1

_BINARY: dict[type, Callable[[int, int], int]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.LShift: operator.lshift,
    ast.RShift: operator.rshift,
    ast.BitOr: operator.or_,
    ast.BitXor: operator.xor,
    ast.BitAnd: operator.and_,
}
_UNARY: dict[type, Callable[[int], int]] = {
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
    ast.Invert: operator.invert,
}
_NATIVE_DECORATORS = ("native", "viper", "asm_thumb")


class DeviceSyntaxError(SyntaxError):
    """A compile error CPython wouldn't raise; ``msg`` is the device's message."""


def _error(message: str, filename: str, node: ast.AST) -> DeviceSyntaxError:
    line = getattr(node, "lineno", 1)
    col = getattr(node, "col_offset", 0) + 1
    return DeviceSyntaxError(message, (filename, line, col, None))


def native_emitter(board: Any) -> bool:
    """Whether ``board``'s firmware has the native code emitter (``[firmware]
    native_emitter`` in its description; boards that don't say are generous)."""
    firmware = board.description.section("firmware")
    return bool(firmware.get("native_emitter", True))


def _start(node: ast.AST) -> tuple[int, int]:
    return (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))


def _end(node: ast.AST) -> tuple[int, int]:
    return (getattr(node, "end_lineno", 0) or 0, getattr(node, "end_col_offset", 0) or 0)


def _const_call(node: ast.AST) -> ast.expr | None:
    """The argument of ``NAME = const(arg)`` (the device's form exactly), else ``None``."""
    if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
        return None
    target, value = node.targets[0], node.value
    if not (isinstance(target, ast.Name) and isinstance(value, ast.Call)):
        return None
    func = value.func
    if not (isinstance(func, ast.Name) and func.id == "const"):
        return None
    if len(value.args) != 1 or value.keywords or isinstance(value.args[0], ast.Starred):
        return None
    return value.args[0]


class _Consts:
    """The constants defined so far, each with where its definition ends."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.defined: dict[str, list[tuple[tuple[int, int], int]]] = {}

    def value_at(self, name: str, where: tuple[int, int]) -> int | None:
        """The value ``name`` has at source position ``where`` (``None``: not a constant)."""
        found = None
        for end, value in self.defined.get(name, ()):
            if end <= where:
                found = value
        return found

    def fold(self, node: ast.expr, where: tuple[int, int]) -> int | None:
        """The integer ``node`` folds to as the device's parser folds, else ``None``."""
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            return None
        if isinstance(node, ast.Name):
            return self.value_at(node.id, where)
        if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
            operand = self.fold(node.operand, where)
            return None if operand is None else _UNARY[type(node.op)](operand)
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            left, right = self.fold(node.left, where), self.fold(node.right, where)
            if left is None or right is None:
                return None
            if isinstance(node.op, (ast.FloorDiv, ast.Mod)) and right == 0:
                return None
            if isinstance(node.op, (ast.LShift, ast.RShift)) and right < 0:
                return None
            return _BINARY[type(node.op)](left, right)
        return None

    def define(self, node: ast.Assign, argument: ast.expr) -> int:
        value = self.fold(argument, _start(node))
        if value is None or not _SMALL_MIN <= value <= _SMALL_MAX:
            raise _error("constant must be an integer", self.filename, node)
        name = node.targets[0]
        assert isinstance(name, ast.Name)
        self.defined.setdefault(name.id, []).append((_end(node), value))
        return value


class _DeviceRules(ast.NodeTransformer):
    def __init__(self, consts: _Consts, native: bool) -> None:
        self.consts = consts
        self.native = native
        self.filename = consts.filename

    # -- const ------------------------------------------------------------------------------
    def visit_Assign(self, node: ast.Assign) -> ast.AST:
        argument = _const_call(node)
        if argument is None:
            return self.generic_visit(node)
        name = node.targets[0]
        assert isinstance(name, ast.Name)
        value = self.consts.value_at(name.id, _end(node))
        if name.id.startswith("_"):
            return ast.copy_location(ast.Pass(), node)
        node.value = ast.copy_location(ast.Constant(value), node.value)
        return node

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if isinstance(node.ctx, ast.Load) and node.id in self.consts.defined:
            value = self.consts.value_at(node.id, _start(node))
            if value is not None:
                return ast.copy_location(ast.Constant(value), node)
        return node

    # -- micropython decorators -------------------------------------------------------------
    def _decorated(self, node: Any) -> ast.AST:
        kept = []
        for decorator in node.decorator_list:
            dotted = _dotted_name(decorator.func if isinstance(decorator, ast.Call) else decorator)
            if not dotted or dotted[0] != "micropython":
                kept.append(decorator)
                continue
            if len(dotted) != 2:
                raise _error("invalid micropython decorator", self.filename, decorator)
            if dotted[1] == "bytecode" or (self.native and dotted[1] in _NATIVE_DECORATORS):
                continue
            raise _error("invalid micropython decorator", self.filename, decorator)
        node.decorator_list = kept
        return self.generic_visit(node)

    visit_FunctionDef = _decorated
    visit_AsyncFunctionDef = _decorated
    visit_ClassDef = _decorated

    # -- bytes % ----------------------------------------------------------------------------
    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        left = node.left
        if (
            isinstance(node.op, ast.Mod)
            and isinstance(left, ast.Constant)
            and isinstance(left.value, bytes)
        ):
            helper = ast.Name(BYTES_FORMAT_NAME, ast.Load())
            return ast.copy_location(ast.Call(helper, [left, node.right], []), node)
        return node


def _dotted_name(node: ast.AST) -> list[str]:
    """``['micropython', 'native']`` for ``micropython.native``; ``[]`` if not a dotted name."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return []
    parts.append(node.id)
    return parts[::-1]


def transform(tree: ast.mod, filename: str, *, native: bool) -> ast.mod:
    """Apply the device's compile-time rules to ``tree`` (in place); raises ``SyntaxError``."""
    consts = _Consts(filename)
    definitions = sorted(
        (node for node in ast.walk(tree) if _const_call(node) is not None), key=_start
    )
    for node in definitions:
        assert isinstance(node, ast.Assign)
        argument = _const_call(node)
        assert argument is not None
        consts.define(node, argument)
    result = _DeviceRules(consts, native).visit(tree)
    assert isinstance(result, ast.mod)
    return ast.fix_missing_locations(result)


def compile_source(
    source: str | bytes, filename: str, mode: str = "exec", *, native: bool
) -> types.CodeType:
    """Compile device code ``source`` as ``filename`` (see the module docstring); ``native``:
    the board's firmware has the native emitter.

    Raises ``SyntaxError`` (CPython's, or the device's for the rules above) and what
    ``compile`` raises (``ValueError`` for a NUL byte)."""
    tree: Any = compile(source, filename, mode, ast.PyCF_ONLY_AST, dont_inherit=True)
    tree = transform(tree, filename, native=native)
    code: types.CodeType = compile(tree, filename, mode, dont_inherit=True)
    return code
