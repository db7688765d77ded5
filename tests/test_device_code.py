"""The program's code as the firmware loads it: const() in any scope, the compiler's
``@micropython`` decorators, ``execfile``, the device's ``bytearray`` and ``bytes %``,
``__file__`` as the device path, and which module an import gets."""

from __future__ import annotations

import builtins
import io
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from micropython_compat import runner

ROOT = Path(__file__).resolve().parent.parent

PI_BOARD = """\
extends = "wipy"
[firmware]
native_emitter = true
"""


def write(folder: Path, name: str, source: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source))
    return path


def run_main(flash: Path, source: str, **options: Any) -> tuple[int, str]:
    """Run ``source`` as the flash's main.py; the status and what it printed."""
    write(flash, "main.py", source)
    out = io.StringIO()
    saved = sys.stdout
    sys.stdout = out
    try:
        status = runner.run(flash=flash, virtual_clock=True, notes=io.StringIO(), **options)
    finally:
        sys.stdout = saved
    return status, out.getvalue()


# ------------------------------------------------------------------------------- const()


def test_const_in_a_class_is_substituted_in_its_methods(tmp_path: Path) -> None:
    status, out = run_main(
        tmp_path,
        """\
        class C:
            X = const(5)
            def f(self):
                return X
        print(C().f(), C.X)
        """,
    )
    assert (status, out) == (0, "5 5\n")


def test_const_in_a_function_reaches_the_rest_of_the_file(tmp_path: Path) -> None:
    status, out = run_main(
        tmp_path,
        """\
        def setup():
            _REG = const(0x10)
            MASK = const(_REG << 2 | 1)
            return MASK
        def later():
            return _REG + MASK
        print(setup(), later(), '_REG' in globals())
        """,
    )
    assert (status, out) == (0, "65 81 False\n")


def test_an_underscore_const_is_not_a_global_and_others_are(tmp_path: Path) -> None:
    status, out = run_main(
        tmp_path,
        """\
        _HIDDEN = const(1)
        SHOWN = const(2)
        print(sorted(k for k in globals() if k.isupper() or k.startswith('_H')))
        """,
    )
    assert (status, out) == (0, "['SHOWN']\n")


def test_const_needs_an_integer_the_parser_can_fold(tmp_path: Path) -> None:
    status, out = run_main(tmp_path, "print('never')\nX = const(2 ** 3)\n")
    assert (status, out) == (
        1,
        "Traceback (most recent call last):\n"
        '  File "main.py", line 2\n'
        "SyntaxError: constant must be an integer\n",
    )


def test_const_beyond_a_small_int_is_refused(tmp_path: Path) -> None:
    status, out = run_main(tmp_path, "X = const(0x40000000)\n")
    assert status == 1
    assert out.endswith("SyntaxError: constant must be an integer\n")


def test_const_in_a_flash_lib_module(tmp_path: Path) -> None:
    write(
        tmp_path,
        "lib/regs.py",
        """\
        class Dev:
            ADDR = const(0x3C)
            def addr(self):
                return ADDR
        """,
    )
    status, out = run_main(tmp_path, "import regs\nprint(hex(regs.Dev().addr()))\n")
    assert (status, out) == (0, "0x3c\n")


# ---------------------------------------------------------------- micropython decorators


def test_micropython_bytecode_needs_no_import(tmp_path: Path) -> None:
    status, out = run_main(
        tmp_path,
        """\
        @micropython.bytecode
        def f(x):
            return x + 1
        print(f(1), 'micropython' in globals())
        """,
    )
    assert (status, out) == (0, "2 False\n")


def test_native_and_viper_are_syntax_errors_on_the_wipy(tmp_path: Path) -> None:
    for decorator, line in (("native", 3), ("viper", 3), ("asm_thumb", 3), ("foo", 3)):
        status, out = run_main(
            tmp_path,
            f"""\
            import micropython
            print('never')
            @micropython.{decorator}
            def f():
                pass
            """,
        )
        assert (status, out) == (
            1,
            "Traceback (most recent call last):\n"
            f'  File "main.py", line {line}\n'
            "SyntaxError: invalid micropython decorator\n",
        ), decorator


def test_native_and_viper_run_as_python_on_a_generous_board(tmp_path: Path) -> None:
    board = tmp_path / "pi.toml"
    board.write_text(PI_BOARD)
    status, out = run_main(
        tmp_path / "flash",
        """\
        @micropython.native
        def f(x):
            return x * 2
        @micropython.viper
        def g(x):
            return x + 1
        print(f(3), g(3))
        """,
        board=board,
    )
    assert (status, out) == (0, "6 4\n")


def test_dir_of_micropython_shows_the_devices_names(tmp_path: Path) -> None:
    status, out = run_main(tmp_path, "import micropython\nprint(dir(micropython))\n")
    assert status == 0
    names = eval(out)
    assert "__name__" in names and "const" in names and "alloc_emergency_exception_buf" in names
    for host_name in ("Any", "Callable", "TypeVar", "sys", "F", "annotations", "native"):
        assert host_name not in names


# ------------------------------------------------------------------------------ execfile


def test_execfile_runs_a_flash_file_in_the_callers_globals(tmp_path: Path) -> None:
    write(tmp_path, "settings.py", "SSID = 'home'\nPORT = const(8080)\n")
    status, out = run_main(
        tmp_path,
        """\
        execfile('/flash/settings.py')
        print(SSID, PORT)
        execfile('settings.py')
        print('ok')
        """,
    )
    assert (status, out) == (0, "home 8080\nok\n")


def test_execfile_of_a_missing_file_is_oserror(tmp_path: Path) -> None:
    status, out = run_main(
        tmp_path,
        """\
        try:
            execfile('/flash/none.py')
        except OSError as e:
            print('OSError', e.args[0])
        """,
    )
    assert (status, out) == (0, "OSError 2\n")


def test_device_builtins_stay_out_of_the_process(tmp_path: Path) -> None:
    status, _ = run_main(tmp_path, "print(execfile, const)\n")
    assert status == 0
    assert not hasattr(builtins, "execfile") and not hasattr(builtins, "const")
    assert bytearray is type(bytearray())
    assert builtins.__import__.__module__ == "builtins"


# ------------------------------------------------------------------------------ __file__


def test_a_flash_modules_file_is_its_device_path(tmp_path: Path) -> None:
    write(tmp_path, "lib/data.py", "HERE = __file__\n")
    status, out = run_main(
        tmp_path,
        """\
        import data
        print(data.HERE, data.__file__)
        with open(data.__file__) as f:
            print(len(f.read()))
        """,
    )
    assert (status, out) == (0, "/flash/lib/data.py /flash/lib/data.py\n16\n")


# ------------------------------------------------------------------ which module you get


def test_the_programs_module_wins_over_one_cpython_already_imported(tmp_path: Path) -> None:
    import random

    assert "random" in sys.modules
    write(tmp_path, "lib/random.py", "def getrandbits(n):\n    return 4\n")
    write(tmp_path, "lib/functools.py", "def partial(*a):\n    return 'mine'\n")
    status, out = run_main(
        tmp_path,
        """\
        import random
        from functools import partial
        print(random.getrandbits(8), partial(), random.__file__)
        """,
    )
    assert (status, out) == (0, "4 mine /flash/lib/random.py\n")
    assert sys.modules["random"] is random
    assert random.getrandbits(64) != 4 or random.getrandbits(64) != 4


def test_a_script_folders_module_wins_too(tmp_path: Path, capsys: Any) -> None:
    write(tmp_path, "string.py", "ascii_letters = 'device'\n")
    script = write(tmp_path, "prog.py", "import string\nprint(string.ascii_letters)\n")
    status = runner.run(script, virtual_clock=True, notes=io.StringIO())
    assert (status, capsys.readouterr().out) == (0, "device\n")
    import string

    assert string.ascii_letters.startswith("abc")


def test_micropython_is_this_librarys_even_with_blinka_installed(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write(site, "micropython.py", "def const(x):\n    return x\n")  # what Blinka ships
    program = write(
        tmp_path,
        "prog.py",
        """\
        import micropython
        micropython.alloc_emergency_exception_buf(100)
        print('ok', micropython.const(3))
        """,
    )
    env = dict(os.environ, MICROPYTHON_COMPAT_BOARD="sim")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(site), env.get("PYTHONPATH")) if p)
    check = subprocess.run(
        [sys.executable, "-c", "import micropython; print(micropython.__file__)"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=60,
    )
    assert check.stdout.strip() == str(site / "micropython.py")  # Blinka's comes first
    result = subprocess.run(
        [sys.executable, "-m", "micropython_compat", "run", "--virtual-clock", str(program)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
        timeout=60,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "ok 3\n", "")


# --------------------------------------------------------------- bytearray and bytes %


def test_bytearray_follows_the_devices_rules(tmp_path: Path) -> None:
    status, out = run_main(
        tmp_path,
        """\
        b = bytearray('abc')
        print(b, isinstance(b, bytearray), type(b) == bytearray, type(b'x') == bytes)
        c = bytearray(2)
        c[0] = 0x1aa
        c[1] = -1
        c.append(0x141)
        print(c, bytearray([256, 1, 511]))
        c[0:2] = b'xy'
        print(c, c[0:2], isinstance(bytearray(b'z'), bytearray))
        try:
            bytearray('abc', 'utf-8')
        except TypeError:
            print('TypeError')
        """,
    )
    assert (status, out) == (
        0,
        "bytearray(b'abc') True True True\n"
        "bytearray(b'\\xaa\\xffA') bytearray(b'\\x00\\x01\\xff')\n"
        "bytearray(b'xyA') bytearray(b'xy') True\n"
        "TypeError\n",
    )


def test_bytes_of_a_big_int_is_refused_as_on_the_wipy(tmp_path: Path) -> None:
    # The WiPy's release build (MICROPY_CPYTHON_COMPAT) checks the range in bytes(iterable).
    status, out = run_main(
        tmp_path,
        """\
        try:
            bytes([256])
        except ValueError:
            print('ValueError')
        """,
    )
    assert (status, out) == (0, "ValueError\n")


def test_bytes_formatting_takes_str_and_bytes(tmp_path: Path) -> None:
    status, out = run_main(
        tmp_path,
        """\
        method, path, host = 'GET', 'index.html', b'example'
        print(b'%s /%s HTTP/1.0\\r\\n' % (method, path))
        print(b'Host: %s:%d %r %%' % (host, 80, 'q'))
        print(b'%-4s|%3d|%02x|%c' % ('a', 5, 10, 65))
        print(b'%(k)s' % {'k': 'v'})
        for bad in ((1, 2), ()):
            try:
                b'%d' % bad
            except TypeError as e:
                print('TypeError')
        """,
    )
    assert (status, out) == (
        0,
        "b'GET /index.html HTTP/1.0\\r\\n'\n"
        "b\"Host: example:80 'q' %\"\n"
        "b'a   |  5|0a|A'\n"
        "b'v'\n"
        "TypeError\nTypeError\n",
    )


# ------------------------------------------------------------------- files, as the device


def test_open_gives_the_devices_file_objects(tmp_path: Path) -> None:
    (tmp_path / "raw.bin").write_bytes(b"line1\r\nli\xffne2\n")
    status, out = run_main(
        tmp_path,
        """\
        f = open('/flash/t', 'w')
        print(f.write(b'x'), f.write('y\\u00e9'), f.write(b'abcdef', 2), f.write(b'abcdef', 3, 2))
        f.close()
        print(open('/flash/t', 'rb').readall())
        f = open('/flash/t')
        print(repr(f)[:17], f.read(3), f.tell(), f.readall())
        f.close()
        with open('raw.bin') as f:
            text = f.read()
        print(len(text), text.startswith('line1\\r\\n'))
        with open('raw.bin', 'rb') as f:
            print(f.readline(), f.readlines())
        f = open('/flash/t', 'w')
        try:
            f.read()
        except OSError as e:
            print('read of a w file', e.args[0])
        f.close()
        try:
            f.write('z')
        except OSError as e:
            print('closed', e.args[0])
        """,
    )
    assert (status, out) == (
        0,
        "1 3 2 2\nb'xy\\xc3\\xa9abde'\n<io.TextIOWrapper xy\\xe9 4 abde\n".replace(
            "\\xe9", "\u00e9"
        )
        + "14 True\n"
        "b'line1\\r\\n' [b'li\\xffne2\\n']\n"
        "read of a w file 13\n"
        "closed 22\n",
    )


def test_an_unclosed_device_file_closes_quietly(tmp_path: Path) -> None:
    write(tmp_path, "cfg.txt", "on\n")
    status, out = run_main(tmp_path, "print(open('cfg.txt').read().strip())\n")
    assert (status, out) == (0, "on\n")


def test_flash_listings_keep_the_directory_order(tmp_path: Path) -> None:
    for name in ("zeta.py", "alpha.py", "mid.py", "beta.py"):
        write(tmp_path / "data", name, "")
    status, out = run_main(tmp_path, "import os\nprint(os.listdir('/flash/data'))\n")
    assert (status, out) == (0, f"{os.listdir(tmp_path / 'data')}\n")


# ---------------------------------------------------------------- stream write(buf, n)


def test_uart_and_socket_write_take_a_count_and_an_offset(tmp_path: Path) -> None:
    import socket

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    try:
        status, out = run_main(
            tmp_path,
            f"""\
            import usocket
            from machine import UART
            uart = UART(1, 9600)
            print(uart.write(b'abc', 2), uart.write('hello', 1, 3), uart.write(b'xy', 5, 1))
            s = usocket.socket()
            s.connect(('127.0.0.1', {port}))
            print(s.write(b'GET /', 3), s.write(b'0123456789', 4, 2))
            s.close()
            """,
        )
        conn, _ = server.accept()
        with conn:
            received = b""
            while len(received) < 5:
                chunk = conn.recv(16)
                if not chunk:
                    break
                received += chunk
    finally:
        server.close()
    assert (status, out) == (0, "2 3 0\n3 2\n")
    assert received == b"GET45"


def test_a_file_loaded_in_a_test_follows_the_devices_rules(tmp_path: Path, wipy: Any) -> None:
    path = write(
        tmp_path,
        "driver.py",
        """\
        class LCD:
            ADDR = const(0x27)
            def frame(self):
                buf = bytearray(2)
                buf[0] = ADDR << 4
                return buf, b'%s' % 'on'
        """,
    )
    assert wipy.load(path).LCD().frame() == (bytearray(b"\x70\x00"), b"on")
