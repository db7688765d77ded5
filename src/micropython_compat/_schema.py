"""The board description schema (``boards/schema.json``) and the one check every description
file goes through.

The schema is JSON Schema 2020-12, checked with the ``jsonschema`` library (the reference
implementation: every keyword, a stable error model with the failing key path, well kept). The
schema is data: a table or key a backend starts reading is added there, with a
``description`` that says what is expected; that text is what an error message quotes.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import os
import sys
from collections.abc import Iterable, Iterator, Mapping
from importlib import resources
from typing import Any

from .errors import BoardDescriptionError

__all__ = ["MAX_DEPTH", "check", "schema"]


@contextlib.contextmanager
def _without_the_current_folder() -> Iterator[None]:
    """Import host libraries without the current folder on ``sys.path``: ``python -m
    micropython_compat`` run in a program's folder puts it first, and a program's own
    ``json.py`` must not stand in for the standard library's (the runner gives the program
    its own modules in its own way)."""
    here = os.path.realpath(os.getcwd())
    saved = list(sys.path)
    sys.path[:] = [p for p in saved if os.path.realpath(p or ".") != here]
    try:
        yield
    finally:
        sys.path[:] = saved


@functools.cache
def _libraries() -> tuple[Any, Any]:
    """``(json, jsonschema)``, imported at the first check: a program that loads no board file
    of its own doesn't pay for them (built-in descriptions are checked by the test suite)."""
    with _without_the_current_folder():
        import json

        import jsonschema
        import jsonschema.exceptions
    return json, jsonschema


#: How deeply tables and arrays may nest in a description (the schema needs no more than 6).
MAX_DEPTH = 32


@functools.cache
def schema() -> dict[str, Any]:
    """The declared schema, as loaded from ``boards/schema.json``."""
    text = resources.files("micropython_compat.boards").joinpath("schema.json").read_text("utf-8")
    loaded: dict[str, Any] = _libraries()[0].loads(text)
    return loaded


@functools.cache
def _validator() -> Any:
    return _libraries()[1].Draft202012Validator(schema())


def check(data: Mapping[str, Any], source: str) -> None:
    """Check one description file's tables. Raises ``BoardDescriptionError`` saying
    ``SOURCE: KEY.PATH: what was expected, got what`` for the most relevant problem."""
    _check_depth(data, source)
    error = _libraries()[1].exceptions.best_match(_validator().iter_errors(data))
    if error is None:
        return
    while error.parent is not None and error.parent.validator in ("anyOf", "oneOf"):
        error = error.parent
    raise BoardDescriptionError(f"{source}: {_explain(error)}")


def _check_depth(data: Any, source: str) -> None:
    stack: list[tuple[Any, tuple[Any, ...]]] = [(data, ())]
    while stack:
        value, path = stack.pop()
        if len(path) > MAX_DEPTH:
            raise BoardDescriptionError(
                f"{source}: {_key_path(path[:3])}...: nested deeper than {MAX_DEPTH} levels"
            )
        if isinstance(value, dict):
            stack.extend((v, (*path, k)) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, (*path, i)) for i, v in enumerate(value))


def _explain(error: Any) -> str:
    path = tuple(error.absolute_path)
    kind = error.validator
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        known = sorted(error.schema.get("properties", {}))
        unknown = sorted(k for k in error.instance if k not in known)
        if unknown:
            return _unknown_key(path, unknown[0], known)
    if kind == "required" and isinstance(error.instance, dict):
        missing = next(k for k in error.validator_value if k not in error.instance)
        return f"{_key_path((*path, missing))}: missing from {_expected(error.schema)}"
    if "propertyNames" in error.absolute_schema_path:  # a key's own name is wrong
        return f"{_key_path((*path, error.instance))}: the key should be {_expected(error.schema)}"
    return f"{_key_path(path)}: expected {_expected(error.schema)}, got {_shown(error.instance)}"


def _unknown_key(path: tuple[Any, ...], key: str, known: Iterable[str]) -> str:
    names = list(known)
    close = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(names)}"
    return f"{_key_path((*path, key))}: unknown key; {hint}"


def _expected(schema_node: Mapping[str, Any]) -> str:
    description = schema_node.get("description")
    if isinstance(description, str):
        return description
    if "enum" in schema_node:
        return " or ".join(_libraries()[0].dumps(v) for v in schema_node["enum"])
    return str(schema_node.get("type", "something else"))


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return f"an array of {len(value)}"
    text = str(_libraries()[0].dumps(value, default=str, ensure_ascii=False))
    return text if len(text) <= 60 else text[:57] + "..."


def _key_path(parts: Iterable[Any]) -> str:
    """``sim.i2c[0].model``: TOML dotted keys, array positions in brackets."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
            continue
        text = str(part)
        bare = text and all(c.isalnum() or c in "_-" for c in text) and text.isascii()
        piece = text if bare else _libraries()[0].dumps(text, ensure_ascii=False)
        out = piece if not out else f"{out}.{piece}"
    return out or "(top level)"
