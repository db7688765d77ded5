"""ADC channels from IIO sysfs (``in_voltageN_raw``).

Each channel is a file the board file names, or an IIO device found by its ``name`` under
``/sys/bus/iio/devices`` (never by its number) and a channel index. A reading is scaled from the
converter's resolution (``bits`` of the channel, default the description's) to the
description's ``adc.bits``.
"""

from __future__ import annotations

import errno
from collections.abc import Mapping
from pathlib import Path

from ._errors import host_error
from .schema import ADCSource

__all__ = ["LinuxADC", "scale_reading"]


def scale_reading(raw: int, from_bits: int, to_bits: int) -> int:
    """``raw`` of a ``from_bits`` converter as a ``to_bits`` reading (rounded, clamped)."""
    top_from, top_to = (1 << from_bits) - 1, (1 << to_bits) - 1
    raw = min(max(int(raw), 0), top_from)
    return (raw * top_to + top_from // 2) // top_from


class LinuxADC:
    """The board's ADC (``hal.ADCBlock``); ``iio_root`` is where IIO devices are listed."""

    def __init__(
        self,
        bits: int,
        sources: Mapping[int, ADCSource],
        *,
        iio_root: str | Path = "/sys/bus/iio/devices",
    ) -> None:
        self._bits = bits
        self._sources = dict(sources)
        self._root = Path(iio_root)

    @property
    def bits(self) -> int:
        return self._bits

    def path(self, channel: int) -> Path:
        """The sysfs file of ``channel``. ``ValueError`` if the board file names none, or the
        named IIO device isn't there."""
        source = self._sources.get(channel)
        if source is None:
            raise ValueError(
                f"ADC channel {channel} has no IIO channel: map it in the board file "
                f'([linux] adc = {{ "{channel}" = {{ device = "<iio name>", channel = N }} }})'
            )
        if source.path is not None:
            return Path(source.path)
        for folder in sorted(self._root.glob("iio:device*")):
            try:
                name = (folder / "name").read_text().strip()
            except OSError:
                continue
            if name == source.device:
                return folder / f"in_voltage{source.channel}_raw"
        raise ValueError(
            f"ADC channel {channel}: no IIO device named {source.device!r} in {self._root} "
            "(is its driver or overlay loaded?)"
        )

    def read(self, channel: int) -> int:
        """The reading of ``channel`` at the description's resolution. ``OSError`` naming the
        file when it can't be read."""
        path = self.path(channel)
        source = self._sources[channel]
        try:
            raw = int(path.read_text().strip())
        except OSError as exc:
            raise host_error(exc.errno or errno.EIO, f"can't read {path}: {exc.strerror}") from None
        except ValueError:
            raise host_error(errno.EIO, f"{path} does not hold a number") from None
        source_bits = source.bits if source.bits is not None else self._bits
        return scale_reading(raw, source_bits, self._bits)
