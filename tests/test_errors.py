"""Device errors look as they do in MicroPython."""

from __future__ import annotations

import errno

import pytest

from micropython_compat.errors import bad_argument, device_error


@pytest.mark.parametrize(
    "code", [errno.EIO, errno.ENODEV, errno.EPERM, errno.ETIMEDOUT, errno.ENOENT]
)
def test_device_error_is_a_plain_oserror(code: int) -> None:
    exc = device_error(code)
    assert type(exc) is OSError
    assert exc.args == (code,) and exc.args[0] == code and exc.errno == code
    assert str(exc) == f"[Errno {code}] {errno.errorcode[code]}"


def test_bad_argument_message() -> None:
    assert str(bad_argument()) == "invalid argument(s) value"
    assert type(bad_argument()) is ValueError
