"""uctypes scalar field reads against ``struct.unpack_from`` (target: within 3x).

Run: ``python bench/bench_uctypes.py``. Prints nanoseconds per read and the ratios against
``struct.unpack_from(fmt, buf, off)`` and a precompiled ``struct.Struct(fmt).unpack_from``;
exits non-zero if a uctypes read is more than 3x slower than ``struct.unpack_from``.
"""

from __future__ import annotations

import struct
import sys
import timeit

import uctypes

TARGET = 3.0
NUMBER = 500_000
REPEAT = 5

LAYOUTS = {
    "NATIVE": (uctypes.NATIVE, "="),
    "LITTLE_ENDIAN": (uctypes.LITTLE_ENDIAN, "<"),
    "BIG_ENDIAN": (uctypes.BIG_ENDIAN, ">"),
}
DESC = {
    "u8": uctypes.UINT8 | 0,
    "u16": uctypes.UINT16 | 2,
    "u32": uctypes.UINT32 | 4,
    "i64": uctypes.INT64 | 8,
    "bits": uctypes.BFUINT16 | 2 | 3 << uctypes.BF_POS | 5 << uctypes.BF_LEN,
}
# field -> (struct format, offset, the equivalent expression on the unpacked value)
FIELDS = {
    "u8": ("B", 0, "v"),
    "u16": ("H", 2, "v"),
    "u32": ("I", 4, "v"),
    "i64": ("q", 8, "v"),
    "bits": ("H", 2, "(v >> 3) & 31"),
}


def best(stmt: str, env: dict[str, object]) -> float:
    """Best-of-REPEAT nanoseconds per execution of ``stmt``."""
    times = timeit.repeat(stmt, globals=env, number=NUMBER, repeat=REPEAT)
    return min(times) / NUMBER * 1e9


def main() -> int:
    buf = bytearray(range(16))
    worst = 0.0
    print(f"{'layout':14} {'field':5} {'uctypes':>8} {'unpack_from':>12} {'Struct':>8} ratios")
    for name, (layout, prefix) in LAYOUTS.items():
        s = uctypes.struct(uctypes.addressof(buf), DESC, layout)
        for field, (code, off, expr) in FIELDS.items():
            fmt = prefix + code
            env: dict[str, object] = {
                "s": s,
                "struct": struct,
                "buf": buf,
                "fmt": fmt,
                "off": off,
                "compiled": struct.Struct(fmt),
            }
            ours = best(f"s.{field}", env)
            plain = best(expr.replace("v", "struct.unpack_from(fmt, buf, off)[0]"), env)
            compiled = best(expr.replace("v", "compiled.unpack_from(buf, off)[0]"), env)
            ratio = ours / plain
            worst = max(worst, ratio)
            print(
                f"{name:14} {field:5} {ours:7.0f}ns {plain:10.0f}ns {compiled:6.0f}ns "
                f"{ratio:.2f}x / {ours / compiled:.2f}x"
            )
    print(f"worst ratio against struct.unpack_from: {worst:.2f}x (target {TARGET}x)")
    return 0 if worst <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
