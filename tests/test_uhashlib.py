"""uhashlib: the WiPy's 1.8.5 hardware-backed sha1/sha256, and where they differ from hashlib."""

from __future__ import annotations

import hashlib

import pytest

import ubinascii
import uhashlib


def test_sha1_and_sha256_digests():
    assert uhashlib.sha1(b"abc").digest() == hashlib.sha1(b"abc").digest()
    assert uhashlib.sha256(b"abc").digest() == hashlib.sha256(b"abc").digest()
    assert len(uhashlib.sha1().digest()) == 20
    assert uhashlib.sha256().digest() == hashlib.sha256(b"").digest()


def test_update_and_str_data():
    h = uhashlib.sha256("hé")
    h.update(bytearray(b"llo"))
    h.update(memoryview(b"!"))
    assert h.digest() == hashlib.sha256("hé".encode() + b"llo!").digest()
    with pytest.raises(TypeError):
        h.update(5)
    with pytest.raises(TypeError):
        uhashlib.sha1(5)


def test_digest_twice_and_update_after_digest():
    h = uhashlib.sha1(b"hello")
    first = h.digest()
    assert h.digest() == first
    h.update(b"world")
    assert h.digest() == hashlib.sha1(b"helloworld").digest()


def test_no_hexdigest_or_other_cpython_extras():
    h = uhashlib.sha1(b"x")
    for name in ("hexdigest", "copy", "name", "digest_size", "block_size"):
        assert not hasattr(h, name)
        assert hasattr(hashlib.sha1(), name)
    assert not hasattr(uhashlib, "md5")
    assert not hasattr(uhashlib, "new")
    assert ubinascii.hexlify(h.digest()) == hashlib.sha1(b"x").hexdigest().encode()


def test_repr():
    assert repr(uhashlib.sha1()) == "<sha1>"
    assert repr(uhashlib.sha256()) == "<sha256>"


def test_arguments():
    with pytest.raises(TypeError):
        uhashlib.sha1(b"a", 4, 5)
    with pytest.raises(TypeError):
        uhashlib.sha1(data=b"a")
    with pytest.raises(TypeError):
        uhashlib.sha1(b"a", "4")


def test_block_size_mode_the_documented_example():
    h = uhashlib.sha1("abcd1234", 1001)
    fed = b"abcd1234"
    while len(fed) < 996:
        h.update("1234")
        fed += b"1234"
    h.update("12345")
    fed += b"12345"
    assert len(fed) == 1001
    assert h.digest() == hashlib.sha1(fed).digest()
    assert h.digest() == hashlib.sha1(fed).digest()


def test_block_size_mode_errors_are_eperm():
    h = uhashlib.sha256(b"abcd", 8)
    with pytest.raises(OSError) as exc:
        h.digest()  # only 4 of 8 bytes fed
    assert exc.value.args[0] == 1
    h.update(b"efgh")
    assert h.digest() == hashlib.sha256(b"abcdefgh").digest()
    with pytest.raises(OSError) as exc:
        h.update(b"more")  # the announced length is complete
    assert exc.value.args[0] == 1
    with pytest.raises(OSError) as exc:
        uhashlib.sha1(b"x", 0)
    assert exc.value.args[0] == 1


def test_block_size_mode_hashes_the_announced_length():
    h = uhashlib.sha1(b"ab", 4)
    h.update(b"cdef")  # the last chunk runs past block_size
    assert h.digest() == hashlib.sha1(b"abcd").digest()
