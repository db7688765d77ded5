"""uio: MicroPython 1.8.5's StringIO/BytesIO and open, and where they differ from CPython's io."""

from __future__ import annotations

import io

import pytest

import uio


def test_bytesio_read_write_getvalue():
    stream = uio.BytesIO(b"hello")
    assert stream.read(2) == b"he"
    assert stream.read() == b"llo"
    assert stream.read() == b""
    assert stream.write(b"!!") == 2
    assert stream.getvalue() == b"hello!!"


def test_initial_value_starts_at_the_beginning_and_write_overwrites():
    stream = uio.StringIO("abcdef")
    assert stream.write("XY") == 2
    assert stream.getvalue() == "XYcdef"
    assert stream.read() == "cdef"


def test_stringio_counts_bytes_for_write_and_seek_chars_for_read():
    stream = uio.StringIO()
    assert stream.write("é") == 2  # CPython returns 1 (characters)
    assert io.StringIO().write("é") == 1
    stream.write("ab")
    assert stream.seek(0) == 0
    assert stream.read(2) == "éa"  # read(n) counts characters
    assert stream.seek(2) == 2  # seek positions are byte offsets
    assert stream.read() == "ab"
    assert stream.getvalue() == "éab"


def test_str_and_bytes_are_interchangeable_unlike_cpython():
    assert uio.BytesIO("é").getvalue() == b"\xc3\xa9"
    assert uio.StringIO(b"abc").read() == "abc"
    s = uio.StringIO()
    s.write(b"xy")
    s.write(bytearray(b"z"))
    assert s.getvalue() == "xyz"
    b = uio.BytesIO()
    assert b.write("hé") == 3
    assert b.getvalue() == b"h\xc3\xa9"
    with pytest.raises(TypeError):
        io.BytesIO().write("x")
    with pytest.raises(TypeError):
        b.write(5)
    with pytest.raises(TypeError):
        uio.StringIO(10)  # 1.8.5 has no alloc_size form


def test_constructor_ignores_keywords():
    assert uio.StringIO(initial_value="x").getvalue() == ""


def test_readline_and_iteration():
    stream = uio.StringIO("one\ntwo\nthree")
    assert stream.readline() == "one\n"
    assert stream.readline(2) == "tw"
    assert stream.readline() == "o\n"
    assert list(stream) == ["three"]
    assert stream.readline() == ""
    assert list(uio.BytesIO(b"a\nb\n")) == [b"a\n", b"b\n"]


def test_readall_and_readinto():
    stream = uio.BytesIO(b"abcdef")
    buf = bytearray(4)
    assert stream.readinto(buf) == 4
    assert buf == b"abcd"
    assert stream.readinto(buf, 1) == 1
    assert buf == b"ebcd"
    assert stream.readall() == b"f"
    with pytest.raises(TypeError):
        stream.readinto(b"immutable")


def test_seek_whence_negative_and_past_the_end():
    stream = uio.BytesIO(b"0123456789")
    assert stream.seek(-3, 2) == 7
    assert stream.read() == b"789"
    assert stream.seek(-2, 1) == 8
    assert stream.seek(-100, 1) == 0
    assert stream.seek(12) == 12
    assert stream.read() == b""
    stream.write(b"X")
    assert stream.getvalue() == b"0123456789\x00\x00X"


def test_device_subset_has_no_tell_or_readlines():
    stream = uio.BytesIO(b"a\nb\n")
    for name in ("tell", "readlines", "writelines", "truncate"):
        assert not hasattr(stream, name)
        assert hasattr(io.BytesIO(), name)
    assert stream.seek(0, 1) == 0  # the device idiom for tell()
    stream.flush()


def test_close_and_context_manager():
    with uio.StringIO("x") as stream:
        assert stream.read() == "x"
    for call in (stream.read, stream.getvalue, stream.readline, stream.flush):
        with pytest.raises(ValueError, match="I/O operation on closed file"):
            call()
    with pytest.raises(ValueError, match="closed"):
        stream.write("y")
    with pytest.raises(ValueError, match="closed"):
        stream.seek(0)
    stream.close()  # closing twice is fine


def test_repr():
    assert repr(uio.StringIO()).startswith("<io.StringIO 0x")
    assert repr(uio.BytesIO()).startswith("<io.BytesIO 0x")


def test_read_size_must_be_int():
    with pytest.raises(TypeError):
        uio.BytesIO(b"x").read("1")


def test_open_uses_the_board_file_system(wipy):
    with uio.open("/flash/note.txt", "w") as f:
        f.write("hi")
    with uio.open("note.txt") as f:  # relative to the device's current directory, /flash
        assert f.read() == "hi"
        assert isinstance(f, uio.TextIOWrapper)
    with uio.open("/flash/note.txt", "rb") as f:
        assert isinstance(f, uio.FileIO)
        assert f.read() == b"hi"
    with pytest.raises(OSError) as exc:
        uio.open("/etc/passwd")
    assert exc.value.args[0] == 2
