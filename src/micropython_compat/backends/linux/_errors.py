"""Host errors that say what to do: busy lines, missing permissions, missing devices.

Every error the Linux backend raises for a host problem is an ``OSError`` whose ``errno`` is the
host's and whose message names the cause and the fix. ``str()`` reads
``[Errno 16] EBUSY: GPIO line 'GPIO17' is in use by 'gpio-leds': ...``.
"""

from __future__ import annotations

import errno as _errno
import grp
import os

__all__ = ["access_hint", "group_of", "host_error", "reraise_open_error"]


def host_error(code: int, message: str) -> OSError:
    """A plain ``OSError`` with ``errno == code`` and ``message`` after the errno's name."""
    name = _errno.errorcode.get(code, str(code))
    exc = OSError(f"[Errno {code}] {name}: {message}")
    exc.errno = code
    exc.strerror = message
    return exc


def group_of(path: str) -> str | None:
    """The name of the group owning ``path`` (``None`` if it can't be found)."""
    try:
        gid = os.stat(path).st_gid
        return grp.getgrgid(gid).gr_name
    except (OSError, KeyError):
        return None


def access_hint(path: str, subsystem: str, usual_group: str) -> str:
    """What to do when ``path`` can't be opened for lack of permission: join the group that
    owns it (``usual_group`` when it is owned by root), or add a udev rule."""
    group = group_of(path)
    if group is None or group == "root":
        group = usual_group
    kernel = os.path.basename(path).rstrip("0123456789.") + "*"
    return (
        f"no permission to open {path}: add your user to the group {group!r} "
        f"(sudo usermod -aG {group} $USER, then log in again), or give the device to that "
        f'group with a udev rule: SUBSYSTEM=="{subsystem}", KERNEL=="{kernel}", '
        f'GROUP="{group}", MODE="0660"'
    )


_MISSING_HINTS = {
    "i2c": "enable I2C (raspi-config, or dtparam=i2c_arm=on in config.txt) and load i2c-dev",
    "spi": "enable SPI (raspi-config, or dtparam=spi=on in config.txt)",
    "uart": "enable the UART (raspi-config, or enable_uart=1 in config.txt)",
    "gpio": "this kernel has no GPIO character device for it (CONFIG_GPIO_CDEV)",
}

_GROUPS = {"i2c": "i2c", "spi": "spi", "uart": "dialout", "gpio": "gpio"}
_SUBSYSTEMS = {"i2c": "i2c-dev", "spi": "spidev", "uart": "tty", "gpio": "gpio"}


def reraise_open_error(exc: OSError, path: str, kind: str) -> OSError:
    """Turn the ``OSError`` from opening the device ``path`` of ``kind`` (``'i2c'``, ``'spi'``,
    ``'uart'``, ``'gpio'``) into one whose message says what to do."""
    code = exc.errno or _errno.EIO
    if code in (_errno.EACCES, _errno.EPERM):
        return host_error(code, access_hint(path, _SUBSYSTEMS[kind], _GROUPS[kind]))
    if code in (_errno.ENOENT, _errno.ENODEV, _errno.ENXIO):
        return host_error(
            code,
            f"{path} does not exist: {_MISSING_HINTS[kind]}, or map the bus to another "
            "device in the board description's [linux] table",
        )
    if code == _errno.EBUSY:
        return host_error(code, f"{path} is in use by another program")
    return host_error(code, f"can't open {path}: {exc.strerror or exc}")
