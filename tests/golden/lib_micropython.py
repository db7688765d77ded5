# micropython (4.2.2) and the const/native/viper idioms of the optimisation chapter.
# board: native.toml  (the WiPy's firmware has no native emitter)
import gc

import micropython
from micropython import const

micropython.alloc_emergency_exception_buf(100)

ROWS = const(33)
_COLS = const(0x10)
BIT14 = const(1 << 14)
BIT0 = const(1)
print(ROWS, _COLS, BIT14, BIT0)


@micropython.native
def foo(arg):
    return arg * 2


@micropython.viper
def bar(arg: int) -> int:
    return arg + 1


print(foo(21), bar(41))
print(micropython.opt_level())
gc.collect()
print(gc.mem_free() > 0, gc.mem_alloc() > 0)
gc.threshold(gc.mem_free() // 4 + gc.mem_alloc())
print(gc.threshold() > 0)
