"""``uctypes``: MicroPython 1.8.5's foreign data interface, on real memory.

A descriptor is a dict mapping field names to encoded values, exactly as on the device:

* scalar: ``UINT32 | offset`` (any of the type constants below);
* bitfield: ``BFUINT16 | offset | pos << BF_POS | length << BF_LEN``;
* nested struct: ``(offset, {sub-descriptor})``;
* array of scalars: ``(ARRAY | offset, UINT8 | count)``; of aggregates:
  ``(ARRAY | offset, count, {element descriptor})``;
* pointer: ``(PTR | offset, UINT8)`` or ``(PTR | offset, {descriptor})``.

``struct(addr, descriptor, layout_type=NATIVE)`` gives an object whose fields read and write the
memory at ``addr``: scalars by attribute, arrays by ``[i]``, pointers by ``ptr[i]``.
``addressof(buf)`` returns the real address of a buffer (bytes, bytearray, array, memoryview,
ctypes object, ...), ``bytes_at(addr, n)`` copies memory, ``bytearray_at(addr, n)`` shares it,
``sizeof(descriptor or struct)`` measures a layout.

Errors, as on the device (1.8.5 messages):

* ``TypeError("syntax error in uctypes descriptor")`` for a malformed descriptor entry (raised
  when the entry is used, or by ``sizeof``), for assigning to an aggregate field, and here also
  for arrays of / pointers to bitfield types and tuples of the wrong length;
* ``TypeError("struct: no fields")`` for attribute access on an array/pointer/non-dict struct;
  ``TypeError("struct: cannot index")`` for indexing a dict struct;
* ``TypeError("Cannot unambiguously get sizeof scalar")`` for ``sizeof(int)``;
* ``TypeError("object with buffer protocol required")`` from ``addressof``;
* ``TypeError("can't convert X to int")`` / ``("can't convert X to float")`` for bad values;
* ``KeyError(name)`` for an unknown field (the exception is also an ``AttributeError``, so
  ``hasattr`` works);
* ``IndexError("struct: index out of range")`` for an array index past the end;
* ``OverflowError("overflow converting long int to machine word")`` when a NATIVE scalar field,
  a NATIVE array element or any bitfield is given an int outside the signed 32-bit range (1.8.5
  converts with ``mp_obj_get_int`` there); LITTLE_ENDIAN/BIG_ENDIAN writes truncate any int;
* ``RuntimeError`` (``RecursionError``) for a descriptor that contains itself other than
  through a pointer.

Device behaviour kept even where it surprises: a store through a pointer (``p[0] = 1``) is
silently ignored, as in 1.8.5; signed bitfields read as unsigned (LITTLE_ENDIAN/BIG_ENDIAN
containers are sign-extended to 32 bits before the shift, as on the device); ``sizeof`` rounds a
NATIVE struct up to its largest scalar, nested structs sharing the running maximum in descriptor
order; a layout value other than LITTLE_ENDIAN (0) or NATIVE (2) means big-endian; an array of
UINT8 read as a field is a by-reference byte buffer; deleting a field (``del s.f``) is a no-op;
``FLOAT32``/``FLOAT64`` exist as in 1.8.5 builds with float support.

Differences from the device, all in the name of never crashing CPython:

* Memory is reachable only inside buffers uctypes knows: every buffer passed to ``addressof``
  (kept alive while the program holds it, forgotten once only uctypes does) and the memory behind
  existing struct objects. ``struct``/``bytes_at``/``bytearray_at``/pointer dereference on any
  other address raise ``ValueError``; so does an access running past the end of the buffer and a
  write into a read-only buffer (``bytes``). ``unsafe_raw_access(True)`` lifts the first rule
  and reads/writes any address through ctypes, which can crash the interpreter, as on the device.
* ``bytearray_at`` and UINT8-array fields return a ``memoryview`` (CPython cannot make a
  ``bytearray`` that shares foreign memory): same indexing, ``len``, slicing and buffer protocol;
  ``bytes(x)`` copies. ``sizeof`` accepts memoryviews as it accepts bytearrays.
* Structs keep their buffer alive; a bytearray cannot be resized while a struct or a
  ``bytearray_at`` view refers to it (CPython raises ``BufferError``).
* Pointers are the host's size (8 bytes on 64-bit CPython, 4 on the WiPy), so they can hold real
  addresses; NATIVE byte order is the host's (little-endian, like the cc3200, on x86 and ARM).
* Array indexes must be ints and not negative (``IndexError``); the device does no check below
  zero. Pointer indexes may be negative (C semantics), within a known buffer.
* Arrays of FLOAT32/FLOAT64 use 4/8-byte elements in every layout (1.8.5 miscomputes their
  stride in LITTLE_ENDIAN/BIG_ENDIAN and in ``sizeof``).
* A descriptor is read when ``struct()`` is called; changing the dict later affects structs
  created later. Dunder field names (``__x__``) are not reachable as attributes. Iterating a
  struct raises ``TypeError``.
"""

from __future__ import annotations

import ctypes as _ctypes
import struct as _struct
import sys as _sys
import threading as _threading
from typing import Any, Callable, Union

__all__ = [
    "ARRAY",
    "BFINT8",
    "BFINT16",
    "BFINT32",
    "BFUINT8",
    "BFUINT16",
    "BFUINT32",
    "BF_LEN",
    "BF_POS",
    "BIG_ENDIAN",
    "FLOAT32",
    "FLOAT64",
    "INT8",
    "INT16",
    "INT32",
    "INT64",
    "LITTLE_ENDIAN",
    "NATIVE",
    "PTR",
    "UINT8",
    "UINT16",
    "UINT32",
    "UINT64",
    "VOID",
    "addressof",
    "bytearray_at",
    "bytes_at",
    "sizeof",
    "struct",
    "unsafe_raw_access",
]

# --- constants ---------------------------------------------------------------------------------

LITTLE_ENDIAN = 0
BIG_ENDIAN = 1
NATIVE = 2

_VT_SHIFT = 27  # scalar type code: 4 bits at 27..30 (31 is the sign of a 32-bit small int)
_AGG_SHIFT = 29  # aggregate type code: 2 bits at 29..30
_SCALAR_OFF_MASK = (1 << _VT_SHIFT) - 1
_AGG_OFF_MASK = (1 << _AGG_SHIFT) - 1
_BF_OFF_MASK = (1 << 17) - 1
BF_POS = 17
BF_LEN = 22


def _encode(code: int, bits: int) -> int:
    """The device's constant for type ``code`` in a ``bits``-wide field below bit 31."""
    word = (code << (32 - bits)) & 0xFFFFFFFF
    signed = word - (1 << 32) if word & 0x80000000 else word
    return signed >> 1


UINT8 = _encode(0, 4)
INT8 = _encode(1, 4)
UINT16 = _encode(2, 4)
INT16 = _encode(3, 4)
UINT32 = _encode(4, 4)
INT32 = _encode(5, 4)
UINT64 = _encode(6, 4)
INT64 = _encode(7, 4)
BFUINT8 = _encode(8, 4)
BFINT8 = _encode(9, 4)
BFUINT16 = _encode(10, 4)
BFINT16 = _encode(11, 4)
BFUINT32 = _encode(12, 4)
BFINT32 = _encode(13, 4)
FLOAT32 = _encode(14, 4)
FLOAT64 = _encode(15, 4)
VOID = UINT8
PTR = _encode(1, 2)
ARRAY = _encode(2, 2)

_STRUCT_AGG, _PTR_AGG, _ARRAY_AGG = 0, 1, 2
_BF_FIRST, _BF_LAST = 8, 13
_VT_FLOAT32, _VT_FLOAT64 = 14, 15
# struct format letter of each scalar type code (bitfields use their container, code & 6)
_FORMATS = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "Q", 7: "q", 14: "f", 15: "d"}
_UNSIGNED = {"b": "B", "h": "H", "i": "I", "q": "Q"}
_PREFIX = {LITTLE_ENDIAN: "<", BIG_ENDIAN: ">", NATIVE: "="}
_PTR_SIZE = _struct.calcsize("P")
_WORD_MASK = (1 << (8 * _PTR_SIZE)) - 1
_SMALL_MIN, _SMALL_MAX = -(1 << 30), (1 << 30) - 1
_INT32_MIN, _INT32_MAX = -(1 << 31), (1 << 31) - 1

_SYNTAX = "syntax error in uctypes descriptor"


def _syntax_error() -> TypeError:
    return TypeError(_SYNTAX)


class _FieldError(KeyError, AttributeError):
    """An unknown field: ``KeyError(name)`` as on the device, and an ``AttributeError``."""


def _scalar_size(vt: int) -> int:
    """Byte size of scalar type code ``vt`` (bitfields: their container)."""
    if vt == _VT_FLOAT32:
        return 4
    return 1 << ((vt & 7) >> 1)


def _type_name(value: object) -> str:
    return type(value).__name__


def _to_int(value: object) -> int:
    """An int for a LITTLE_ENDIAN/BIG_ENDIAN store (truncated later). Raises TypeError."""
    if isinstance(value, int):
        return int(value)
    raise TypeError(f"can't convert {_type_name(value)} to int")


def _to_word(value: object) -> int:
    """``mp_obj_get_int``: an int in the signed 32-bit range. Raises TypeError, OverflowError."""
    if isinstance(value, int):
        if _INT32_MIN <= value <= _INT32_MAX:
            return int(value)
        raise OverflowError("overflow converting long int to machine word")
    raise TypeError(f"can't convert {_type_name(value)} to int")


def _to_float(value: object) -> float:
    """``mp_obj_get_float``: ints and floats; too big a value becomes an infinity."""
    if isinstance(value, float):
        return value
    if isinstance(value, int):
        try:
            return float(value)
        except OverflowError:
            return float("inf") if value > 0 else float("-inf")
    raise TypeError(f"can't convert {_type_name(value)} to float")


def _small_int(value: object) -> bool:
    """Whether ``value`` is what MicroPython stores as a small int (descriptor entries must)."""
    return (
        isinstance(value, int) and not isinstance(value, bool) and _SMALL_MIN <= value <= _SMALL_MAX
    )


# --- buffers and addresses ---------------------------------------------------------------------


class _PyBuffer(_ctypes.Structure):
    _fields_ = [
        ("buf", _ctypes.c_void_p),
        ("obj", _ctypes.c_void_p),
        ("len", _ctypes.c_ssize_t),
        ("itemsize", _ctypes.c_ssize_t),
        ("readonly", _ctypes.c_int),
        ("ndim", _ctypes.c_int),
        ("format", _ctypes.c_char_p),
        ("shape", _ctypes.c_void_p),
        ("strides", _ctypes.c_void_p),
        ("suboffsets", _ctypes.c_void_p),
        ("internal", _ctypes.c_void_p),
    ]


_get_buffer = _ctypes.pythonapi.PyObject_GetBuffer
_get_buffer.argtypes = [_ctypes.py_object, _ctypes.POINTER(_PyBuffer), _ctypes.c_int]
_get_buffer.restype = _ctypes.c_int
_release_buffer = _ctypes.pythonapi.PyBuffer_Release
_release_buffer.argtypes = [_ctypes.POINTER(_PyBuffer)]
_release_buffer.restype = None


def _buffer_info(obj: object) -> tuple[int, int, bool]:
    """(address, length, read-only) of a contiguous buffer. Raises TypeError for anything else."""
    view = _PyBuffer()
    try:
        _get_buffer(obj, _ctypes.byref(view), 0)
    except (TypeError, BufferError, ValueError):
        raise TypeError("object with buffer protocol required") from None
    try:
        return int(view.buf or 0), int(view.len), bool(view.readonly)
    finally:
        _release_buffer(_ctypes.byref(view))


class _Known:
    """A buffer whose address uctypes handed out, with its address and size when last seen."""

    __slots__ = ("length", "obj", "readonly", "start")

    def __init__(self, obj: object, start: int, length: int, readonly: bool) -> None:
        self.obj = obj
        self.start = start
        self.length = length
        self.readonly = readonly


def _refs(entry: _Known) -> int:
    return _sys.getrefcount(entry.obj)


def _calibrate() -> int:
    """References to a buffer that only the registry holds, counted the way _purge counts."""
    if not hasattr(_sys, "getrefcount"):
        return -1
    return _refs(_Known(bytearray(1), 0, 1, False))


_known: dict[int, _Known] = {}
_lock = _threading.RLock()
_ONLY_REGISTRY_REFS = _calibrate()
_purge_at = 64
_raw = False

_Region = tuple[memoryview, int]  # the memory (bytes), and the address of its first byte
_Mem = tuple[memoryview, int, int]  # memory, offset in it, address of its first byte


def _purge() -> None:
    """Forget buffers nothing but the registry refers to (their memory is gone on a device)."""
    global _purge_at
    with _lock:
        for key, entry in list(_known.items()):
            if _refs(entry) <= _ONLY_REGISTRY_REFS:
                del _known[key]
        _purge_at = max(64, 2 * len(_known))


def _register(obj: object) -> int:
    """Remember ``obj`` as known memory; return its address. Raises TypeError for non-buffers."""
    start, length, readonly = _buffer_info(obj)
    with _lock:
        entry = _known.get(id(obj))
        if entry is not None and entry.obj is obj:
            entry.start, entry.length, entry.readonly = start, length, readonly
        else:
            _known[id(obj)] = _Known(obj, start, length, readonly)
        if len(_known) > _purge_at:
            _purge()
    return start


def _refresh(entry: _Known) -> bool:
    """Re-read where ``entry``'s buffer is now; False (and forgotten) if it is no buffer now."""
    try:
        entry.start, entry.length, entry.readonly = _buffer_info(entry.obj)
    except TypeError:
        with _lock:
            _known.pop(id(entry.obj), None)
        return False
    return True


def _scan(addr: int, size: int) -> _Known | None:
    best: _Known | None = None
    for entry in list(_known.values()):
        if entry.start <= addr and addr + size <= entry.start + entry.length:
            before = (entry.start, entry.length)
            if not _refresh(entry) or before != (entry.start, entry.length):
                continue  # it moved or shrank: its old range is not memory any more
            if best is None or (best.readonly and not entry.readonly):
                best = entry
    return best


def _lookup(addr: int, size: int) -> _Region | None:
    """The known buffer holding ``size`` bytes at ``addr``, as a region, or None."""
    entry = _scan(addr, size)
    if entry is None:
        for other in list(_known.values()):  # buffers may have moved since they were seen
            _refresh(other)
        entry = _scan(addr, size)
    if entry is None:
        return None
    try:
        view = memoryview(entry.obj).cast("B")  # type: ignore[arg-type]
    except (TypeError, ValueError, BufferError):
        return None
    return view, entry.start


def _region(addr: int, size: int, raw_size: int) -> _Region:
    """Memory holding ``size`` bytes at ``addr`` (``raw_size`` bytes mapped in raw mode).

    Raises ValueError for an address outside every known buffer (unless raw access is on).
    """
    found = _lookup(addr, size)
    if found is not None:
        return found
    if _raw and addr:
        window = (_ctypes.c_ubyte * max(raw_size, size)).from_address(addr)
        return memoryview(window).cast("B"), addr
    what = f"{size} bytes at 0x{addr:x}" if size else f"address 0x{addr:x}"
    raise ValueError(
        f"uctypes: {what} is not inside a buffer known to uctypes; "
        "get addresses from uctypes.addressof(), or see uctypes.unsafe_raw_access()"
    )


def _address(value: object) -> int:
    """An address argument, truncated to a machine word like the device. Raises TypeError."""
    if isinstance(value, int):
        return int(value) & _WORD_MASK
    raise TypeError(f"can't convert {_type_name(value)} to int")


def _outside(view: memoryview, off: int, size: int, base: int) -> ValueError:
    return ValueError(
        f"uctypes: access to {size} bytes at 0x{(base + off) & _WORD_MASK:x} runs outside "
        f"the buffer at 0x{base:x} ({len(view)} bytes)"
    )


def _write_error(view: memoryview, off: int, size: int, base: int) -> ValueError:
    if view.readonly:
        return ValueError(f"uctypes: memory at 0x{base + off:x} is read-only")
    return _outside(view, off, size, base)


def unsafe_raw_access(enable: bool = True) -> bool:
    """Allow (or forbid again) access to addresses outside every known buffer.

    With raw access on, such addresses are read and written through ctypes exactly as the
    device would: a wrong address can crash the interpreter. Returns the previous setting.
    Not part of MicroPython's uctypes.
    """
    global _raw
    previous, _raw = _raw, bool(enable)
    return previous


# --- descriptors -------------------------------------------------------------------------------


class _Sizing:
    """State of one size computation: the largest scalar so far (shared with nested structs,
    as on the device) and the descriptors being measured (to catch cycles)."""

    __slots__ = ("active", "largest")

    def __init__(self) -> None:
        self.largest = 0
        self.active: set[int] = set()


class _Node:
    """A compiled descriptor (dict, tuple, or anything else) and its struct classes."""

    kind = "ERROR"  # what repr() shows for a struct of this descriptor

    def __init__(self) -> None:
        self.classes: dict[int, type[struct]] = {}
        self.sizes: dict[int, int] = {}

    def size(self, layout: int, acc: _Sizing) -> int:
        """The device's size of this descriptor; ``acc.largest`` tracks the largest scalar."""
        raise _syntax_error()

    def own_size(self, layout: int) -> int:
        """Size as a stand-alone type (array strides, pointer targets, ``sizeof``)."""
        cached = self.sizes.get(layout)
        if cached is None:
            cached = self.sizes[layout] = self.guarded_size(layout, _Sizing())
        return cached

    def guarded_size(self, layout: int, acc: _Sizing) -> int:
        """``size``, raising RecursionError for a descriptor that contains itself."""
        if id(self) in acc.active:
            raise RecursionError("maximum recursion depth exceeded")
        acc.active.add(id(self))
        try:
            return self.size(layout, acc)
        finally:
            acc.active.discard(id(self))

    def class_for(self, layout: int) -> type[struct]:
        cls = self.classes.get(layout)
        if cls is None:
            namespace = self.members(layout)
            namespace.update(__slots__=(), _uct_node=self, _uct_layout=layout)
            cls = self.classes[layout] = type("struct", (struct,), namespace)
        return cls

    def members(self, layout: int) -> dict[str, Any]:
        return {}


class _IntNode(_Node):
    def size(self, layout: int, acc: _Sizing) -> int:
        raise TypeError("Cannot unambiguously get sizeof scalar")


class _TupleNode(_Node):
    """A tuple descriptor whose aggregate code is STRUCT (as a struct's own type) or invalid."""

    kind = "unk"

    def __init__(self, valid: bool) -> None:
        super().__init__()
        self.valid = valid


class _SubStructNode(_TupleNode):
    """``(offset, {descriptor})``: its size is the sub-descriptor's."""

    def __init__(self, sub: _Node) -> None:
        super().__init__(True)
        self.sub = sub

    def size(self, layout: int, acc: _Sizing) -> int:
        return self.sub.guarded_size(layout, acc)


class _ArrayNode(_Node):
    kind = "ARRAY"

    def __init__(self, count: int, vt: int, elem: _Node | None) -> None:
        super().__init__()
        self.count = count
        self.vt = vt  # scalar element type code when elem is None
        self.elem = elem

    def size(self, layout: int, acc: _Sizing) -> int:
        if self.elem is not None:
            return self.elem.guarded_size(layout, acc) * self.count
        if _BF_FIRST <= self.vt <= _BF_LAST:
            raise _syntax_error()
        item = _scalar_size(self.vt)
        acc.largest = max(acc.largest, item)
        return item * self.count

    def members(self, layout: int) -> dict[str, Any]:
        return _array_members(self, layout)


class _PtrNode(_Node):
    kind = "PTR"

    def __init__(self, vt: int, target: _Node | None) -> None:
        super().__init__()
        self.vt = vt  # scalar target type code when target is None
        self.target = target

    def size(self, layout: int, acc: _Sizing) -> int:
        acc.largest = max(acc.largest, _PTR_SIZE)
        return _PTR_SIZE

    def members(self, layout: int) -> dict[str, Any]:
        return _pointer_members(self, layout)


# A dict entry: (name or None, offset, spec); spec is a scalar type code (int), a bitfield
# (type code, pos, length), a child _Node (struct/array/pointer field), or None (malformed).
_Spec = Union[int, tuple[int, int, int], _Node, None]


class _DictNode(_Node):
    kind = "STRUCT"

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[tuple[str | None, int, _Spec]] = []

    def size(self, layout: int, acc: _Sizing) -> int:
        total = 0
        for _name, off, spec in self.entries:
            if spec is None:
                raise _syntax_error()
            if isinstance(spec, _Node):
                end = off + spec.guarded_size(layout, acc)
            else:
                item = _scalar_size(spec if isinstance(spec, int) else spec[0])
                acc.largest = max(acc.largest, item)
                end = off + item
            total = max(total, end)
        if layout == NATIVE and acc.largest:
            total = (total + acc.largest - 1) & ~(acc.largest - 1)
        return total

    def members(self, layout: int) -> dict[str, Any]:
        return _dict_members(self, layout)


class _Builder:
    """Turns a descriptor into nodes; a dict met again on the way (a cycle) is shared."""

    def __init__(self) -> None:
        self.dicts: dict[int, _DictNode] = {}

    def node(self, desc: object) -> _Node:
        if isinstance(desc, dict):
            return self.dict_node(desc)
        if isinstance(desc, tuple):
            return self.tuple_node(desc)
        if _small_int(desc):
            return _IntNode()
        return _Node()

    def dict_node(self, desc: dict[Any, Any]) -> _DictNode:
        node = self.dicts.get(id(desc))
        if node is not None:
            return node
        node = self.dicts[id(desc)] = _DictNode()
        for key, value in desc.items():
            name = key if isinstance(key, str) else None
            node.entries.append((name, *self.entry(value)))
        return node

    def entry(self, value: object) -> tuple[int, _Spec]:
        if _small_int(value):
            assert isinstance(value, int)
            vt = (value >> _VT_SHIFT) & 15
            off = value & _SCALAR_OFF_MASK
            if _BF_FIRST <= vt <= _BF_LAST:
                return off & _BF_OFF_MASK, (vt, (off >> 17) & 31, (off >> 22) & 31)
            return off, vt
        if isinstance(value, tuple) and value and _small_int(value[0]):
            sub = self.tuple_node(value)
            if isinstance(sub, _TupleNode) and not sub.valid:
                return 0, None
            off = value[0] & _AGG_OFF_MASK
            return off, sub.sub if isinstance(sub, _SubStructNode) else sub
        return 0, None

    def tuple_node(self, desc: tuple[Any, ...]) -> _Node:
        if len(desc) < 2 or not _small_int(desc[0]):
            return _TupleNode(False)
        agg = (desc[0] >> _AGG_SHIFT) & 3
        if agg == _STRUCT_AGG:
            return _SubStructNode(self.node(desc[1]))
        if agg == _PTR_AGG:
            if _small_int(desc[1]):
                return _PtrNode((desc[1] >> _VT_SHIFT) & 15, None)
            return _PtrNode(0, self.node(desc[1]))
        if agg == _ARRAY_AGG and _small_int(desc[1]):
            count = desc[1] & _SCALAR_OFF_MASK
            if len(desc) == 2:
                return _ArrayNode(count, (desc[1] >> _VT_SHIFT) & 15, None)
            return _ArrayNode(count, 0, self.node(desc[2]))
        return _TupleNode(False)


def _freeze(desc: object, path: list[int]) -> object:
    """A hashable image of a descriptor (the cache key); ``("R", k)`` marks a cycle."""
    if isinstance(desc, dict):
        if id(desc) in path:
            return ("R", len(path) - path.index(id(desc)))
        path.append(id(desc))
        try:
            return (
                "D",
                tuple(
                    (key if isinstance(key, str) else None, _freeze(value, path))
                    for key, value in desc.items()
                ),
            )
        finally:
            path.pop()
    if isinstance(desc, tuple):
        return ("T", tuple(_freeze(item, path) for item in desc))
    if _small_int(desc):
        return int(desc)  # type: ignore[call-overload]
    return ("X",)


_nodes: dict[object, _Node] = {}
_NODE_CACHE_SIZE = 256


def _node_for(desc: object) -> _Node:
    """The compiled node of ``desc``, shared by equal descriptors."""
    key = _freeze(desc, [])
    node = _nodes.get(key)
    if node is None:
        if len(_nodes) >= _NODE_CACHE_SIZE:
            _nodes.clear()
        node = _nodes[key] = _Builder().node(desc)
    return node


# --- struct objects ----------------------------------------------------------------------------


class struct:  # noqa: N801 - the device's name
    """``struct(addr, descriptor, layout_type=NATIVE)``: a view of the memory at ``addr``.

    Raises TypeError for a non-int ``addr`` or ``layout_type``, ValueError for an address
    outside every known buffer (see the module docstring). Errors in the descriptor surface
    when the faulty field is used.
    """

    # (memory, offset of this struct in it, address of the memory's first byte): one slot, so
    # a field read costs a single attribute lookup
    __slots__ = ("_uct_mem",)
    _uct_mem: _Mem
    _uct_node: _Node
    _uct_layout: int

    def __new__(cls, addr: int, descriptor: object, layout_type: int = NATIVE) -> struct:
        address = _address(addr)
        if not isinstance(layout_type, int):
            raise TypeError(f"can't convert {_type_name(layout_type)} to int")
        layout = layout_type if layout_type in (LITTLE_ENDIAN, NATIVE) else BIG_ENDIAN
        node = _node_for(descriptor)
        view, base = _region(address, 0, _raw_extent(node, layout))
        return _make(node.class_for(layout), (view, address - base, base))

    def __repr__(self) -> str:
        return f"<struct {self._uct_node.kind} {_address_of(self):x}>"

    def __bytes__(self) -> bytes:
        """A copy of the struct's ``sizeof`` bytes (the device's buffer protocol)."""
        return bytes(_span(self))

    def __buffer__(self, flags: int) -> memoryview:
        """The struct's memory, by reference (CPython 3.12+)."""
        return _span(self)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        if isinstance(self._uct_node, _DictNode):
            raise _FieldError(name)
        raise TypeError("struct: no fields")

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        raise TypeError("struct: no fields")

    def __delattr__(self, name: str) -> None:
        getattr(self, name)  # the device loads the field and does nothing else

    def __getitem__(self, index: int) -> Any:
        raise _index_error(self._uct_node)

    def __setitem__(self, index: int, value: Any) -> None:
        raise _index_error(self._uct_node)

    def __delitem__(self, index: int) -> None:
        raise TypeError("'struct' object does not support item deletion")

    def __iter__(self) -> Any:
        raise TypeError("'struct' object is not iterable")


def _address_of(obj: struct) -> int:
    _view, off, base = obj._uct_mem
    return (base + off) & _WORD_MASK


def _span(obj: struct) -> memoryview:
    """The struct's ``sizeof`` bytes, by reference. Raises ValueError past the buffer's end."""
    size = obj._uct_node.own_size(obj._uct_layout)
    view, off, base = obj._uct_mem
    if off + size > len(view):
        raise _outside(view, off, size, base)
    return view[off : off + size]


def _index_error(node: _Node) -> TypeError:
    if isinstance(node, _TupleNode):
        return TypeError("'struct' object is not subscriptable") if node.valid else _syntax_error()
    return TypeError("struct: cannot index")


_new = object.__new__
_set_mem = vars(struct)["_uct_mem"].__set__


def _make(cls: type[struct], mem: _Mem) -> struct:
    obj = _new(cls)
    _set_mem(obj, mem)
    return obj


def _raw_extent(node: _Node, layout: int) -> int:
    """Bytes to map for ``node`` at a raw address (0 when its size is undefined)."""
    if not _raw:
        return 0
    try:
        return node.own_size(layout)
    except (TypeError, RuntimeError):
        return 0


def _index(index: object) -> int:
    if isinstance(index, int):
        return int(index)
    raise TypeError(f"struct indices must be integers, not {_type_name(index)}")


def _checked_index(index: object, count: int) -> int:
    i = _index(index)
    if not 0 <= i < count:
        raise IndexError("struct: index out of range")
    return i


# --- accessors ---------------------------------------------------------------------------------

_Getter = Callable[[struct], Any]
_Setter = Callable[[struct, Any], None]
_Reader = Callable[[memoryview, int], tuple[Any, ...]]
_Writer = Callable[[memoryview, int, Any], None]


def _converter(vt: int, layout: int) -> Callable[[Any], Any]:
    """How a value is turned into what a field of type ``vt`` stores (raises as documented)."""
    if vt == _VT_FLOAT32:
        return _to_float32
    if vt == _VT_FLOAT64:
        return _to_float
    mask = (1 << (8 * _scalar_size(vt))) - 1
    check = _to_word if layout == NATIVE else _to_int

    def convert(value: Any) -> int:
        return check(value) & mask

    return convert


def _to_float32(value: object) -> float:
    """A float32 store: too big a value becomes an infinity, like the device's C cast."""
    result = _to_float(value)
    try:
        _struct.pack("<f", result)
    except OverflowError:
        return float("inf") if result > 0 else float("-inf")
    return result


def _codecs(vt: int, layout: int) -> tuple[_Reader, _Writer, int]:
    """(unpack_from, pack_into, size) of scalar type ``vt`` in ``layout``; ints are written
    unsigned (the converter has already truncated them)."""
    fmt = _FORMATS[vt]
    prefix = _PREFIX[layout]
    reader = _struct.Struct(prefix + fmt).unpack_from
    writer = _struct.Struct(prefix + _UNSIGNED.get(fmt, fmt)).pack_into
    return reader, writer, _scalar_size(vt)


def _read(reader: _Reader, view: memoryview, off: int, size: int, base: int) -> Any:
    try:
        return reader(view, off)[0]
    except _struct.error:
        raise _outside(view, off, size, base) from None


def _write(writer: _Writer, view: memoryview, off: int, size: int, base: int, value: Any) -> None:
    try:
        writer(view, off, value)
    except (_struct.error, TypeError):
        raise _write_error(view, off, size, base) from None


def _scalar_accessors(foff: int, vt: int, layout: int) -> tuple[_Getter, _Setter]:
    reader, writer, size = _codecs(vt, layout)
    convert = _converter(vt, layout)
    error = _struct.error

    def get(self: struct) -> Any:
        view, off, base = self._uct_mem
        try:
            return reader(view, off + foff)[0]
        except error:
            raise _outside(view, off + foff, size, base) from None

    def put(self: struct, value: Any) -> None:
        view, off, base = self._uct_mem
        _write(writer, view, off + foff, size, base, convert(value))

    return get, put


def _bitfield_accessors(
    foff: int, spec: tuple[int, int, int], layout: int
) -> tuple[_Getter, _Setter]:
    vt, pos, length = spec
    container = vt & 6
    prefix = _PREFIX[layout]
    unsigned = _struct.Struct(prefix + _FORMATS[container])
    size = unsigned.size
    # LITTLE_ENDIAN/BIG_ENDIAN read a signed container sign-extended to 32 bits (1.8.5)
    signed = layout != NATIVE and vt & 1
    reader = _struct.Struct(prefix + _FORMATS[container | 1]) if signed else unsigned
    read, read_unsigned, write = reader.unpack_from, unsigned.unpack_from, unsigned.pack_into
    mask = (1 << length) - 1
    field = mask << pos
    container_mask = (1 << (8 * size)) - 1

    error = _struct.error

    def get(self: struct) -> int:
        view, off, base = self._uct_mem
        try:
            raw: int = read(view, off + foff)[0]
        except error:
            raise _outside(view, off + foff, size, base) from None
        return ((raw & 0xFFFFFFFF) >> pos) & mask

    def put(self: struct, value: Any) -> None:
        bits = (_to_word(value) & mask) << pos
        view, off, base = self._uct_mem
        raw: int = _read(read_unsigned, view, off + foff, size, base)
        _write(write, view, off + foff, size, base, ((raw & ~field) | bits) & container_mask)

    return get, put


def _refuse(self: struct, value: Any) -> None:
    raise _syntax_error()


def _broken(self: struct) -> Any:
    raise _syntax_error()


def _child_getter(foff: int, node: _Node, layout: int) -> _Getter:
    cell: list[type[struct]] = []

    def get(self: struct) -> struct:
        if not cell:
            cell.append(node.class_for(layout))
        view, off, base = self._uct_mem
        return _make(cell[0], (view, off + foff, base))

    return get


def _bytes_getter(foff: int, count: int) -> _Getter:
    def get(self: struct) -> memoryview:
        view, off, base = self._uct_mem
        start = off + foff
        if start + count > len(view):
            raise _outside(view, start, count, base)
        return view[start : start + count]

    return get


def _dict_members(node: _DictNode, layout: int) -> dict[str, Any]:
    members: dict[str, Any] = {}
    for name, foff, spec in node.entries:
        if name is None or (name.startswith("__") and name.endswith("__")):
            continue
        if name.startswith("_uct_"):
            continue
        getter: _Getter
        setter: _Setter = _refuse
        if spec is None:
            getter = _broken
        elif isinstance(spec, int):
            getter, setter = _scalar_accessors(foff, spec, layout)
        elif isinstance(spec, tuple):
            getter, setter = _bitfield_accessors(foff, spec, layout)
        elif isinstance(spec, _ArrayNode) and spec.elem is None and spec.vt == 0:
            getter = _bytes_getter(foff, spec.count)
        else:
            getter = _child_getter(foff, spec, layout)
        members[name] = property(getter, setter)
    setters = {name: prop.fset for name, prop in members.items()}

    def set_field(self: struct, name: str, value: Any) -> None:
        setter = setters.get(name)
        if setter is None:
            raise _FieldError(name)
        setter(self, value)

    members["__setattr__"] = set_field
    return members


def _array_members(node: _ArrayNode, layout: int) -> dict[str, Any]:
    count = node.count
    if node.elem is not None:
        elem = node.elem

        def get_struct(self: struct, index: Any) -> struct:
            i = _checked_index(index, count)
            view, off, base = self._uct_mem
            return _make(elem.class_for(layout), (view, off + i * elem.own_size(layout), base))

        def refuse(self: struct, index: Any, value: Any) -> None:
            raise TypeError("'struct' object does not support item assignment")

        return {"__getitem__": get_struct, "__setitem__": refuse}

    if _BF_FIRST <= node.vt <= _BF_LAST:

        def broken(self: struct, index: Any, value: Any = None) -> Any:
            raise _syntax_error()

        return {"__getitem__": broken, "__setitem__": broken}

    reader, writer, stride = _codecs(node.vt, layout)
    convert = _converter(node.vt, layout)

    def get(self: struct, index: Any) -> Any:
        i = _checked_index(index, count)
        view, off, base = self._uct_mem
        return _read(reader, view, off + i * stride, stride, base)

    def put(self: struct, index: Any, value: Any) -> None:
        i = _checked_index(index, count)
        view, off, base = self._uct_mem
        _write(writer, view, off + i * stride, stride, base, convert(value))

    return {"__getitem__": get, "__setitem__": put}


_POINTER = _struct.Struct("@P").unpack_from


def _pointer_members(node: _PtrNode, layout: int) -> dict[str, Any]:
    def target(self: struct, index: Any, stride: int) -> int:
        i = _index(index)
        view, off, base = self._uct_mem
        pointer: int = _read(_POINTER, view, off, _PTR_SIZE, base)
        return (pointer + i * stride) & _WORD_MASK

    get: Callable[[struct, Any], Any]
    if node.target is not None:
        pointee = node.target

        def get(self: struct, index: Any) -> Any:
            stride = pointee.own_size(layout)
            addr = target(self, index, stride)
            view, base = _region(addr, 0, stride)
            return _make(pointee.class_for(layout), (view, addr - base, base))

    elif _BF_FIRST <= node.vt <= _BF_LAST:

        def get(self: struct, index: Any) -> Any:
            _index(index)
            raise _syntax_error()

    else:
        reader, _writer, size = _codecs(node.vt, NATIVE)

        def get(self: struct, index: Any) -> Any:
            addr = target(self, index, size)
            view, base = _region(addr, size, size)
            return reader(view, addr - base)[0]

    def put(self: struct, index: Any, value: Any) -> None:
        get(self, index)  # 1.8.5 reads the element and ignores the store

    return {"__getitem__": get, "__setitem__": put}


# --- module functions --------------------------------------------------------------------------


def sizeof(obj: object) -> int:
    """Size in bytes of a descriptor (NATIVE layout), a struct object, or a bytearray.

    Raises TypeError("Cannot unambiguously get sizeof scalar") for an int and
    TypeError("syntax error in uctypes descriptor") for anything else that is no descriptor.
    """
    if isinstance(obj, (bytearray, memoryview)):
        return len(obj) if isinstance(obj, bytearray) else obj.nbytes
    if isinstance(obj, struct):
        return obj._uct_node.own_size(obj._uct_layout)
    return _node_for(obj).own_size(NATIVE)


def addressof(obj: object) -> int:
    """The real address of ``obj``'s buffer (or of a struct); uctypes remembers the buffer.

    Raises TypeError("object with buffer protocol required") for anything else (and for a
    non-contiguous buffer).
    """
    if isinstance(obj, struct):
        return _address_of(obj)
    return _register(obj)


def _size_arg(size: object) -> int:
    if not isinstance(size, int):
        raise TypeError(f"can't convert {_type_name(size)} to int")
    count = int(size)
    if count < 0:
        raise ValueError("uctypes: negative size")
    return count


def bytes_at(addr: int, size: int) -> bytes:
    """A copy of ``size`` bytes at ``addr``.

    Raises TypeError for non-int arguments, ValueError for a negative size or memory outside
    every known buffer.
    """
    address, count = _address(addr), _size_arg(size)
    if count == 0:
        return b""
    found = _lookup(address, count)
    if found is None:
        if _raw and address:
            return _ctypes.string_at(address, count)
        _region(address, count, count)  # raises the ValueError
        raise AssertionError("unreachable")  # pragma: no cover
    view, base = found
    return bytes(view[address - base : address - base + count])


def bytearray_at(addr: int, size: int) -> memoryview:
    """``size`` bytes at ``addr`` by reference: writes through it reach the memory.

    Returns a memoryview (see the module docstring). Raises TypeError for non-int arguments,
    ValueError for a negative size or memory outside every known buffer.
    """
    address, count = _address(addr), _size_arg(size)
    if count == 0:
        return memoryview(bytearray())
    view, base = _region(address, count, count)
    return view[address - base : address - base + count]
