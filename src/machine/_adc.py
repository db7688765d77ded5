"""``machine.ADC`` and ``ADCChannel``: the analog-to-digital converter and its 4 channels.

As on the WiPy (1.8.5): one ADC (id 0) of 12 bits; channel 0..3 on GP2..GP5 (the board
description's ``[adc] channels``); creating a channel switches its pin to analog input, which
``repr(pin)`` shows as ``mode=Pin.OPEN_DRAIN, drive=Pin.LOW_POWER`` (the device's own quirk).
"""

from __future__ import annotations

import errno
from collections.abc import Mapping
from typing import Any

from micropython_compat.board import current_runtime
from micropython_compat.errors import bad_argument, device_error
from micropython_compat.hal import ADCBlock, LineConfig

from ._pin import Pin

__all__ = ["ADC", "ADCChannel"]

_BITS = 12  # the only resolution the WiPy's ADC accepts
_MISSING: Any = object()


def _as_int(value: Any) -> int:
    if not isinstance(value, int):
        raise TypeError(f"can't convert {type(value).__name__} to int")
    return int(value)


def _check_bits(bits: Any) -> None:
    if _as_int(bits) != _BITS:
        raise bad_argument()


class ADC:
    """The ADC block: ``ADC(id=0, *, bits=12)``.

    There is one object per board: ``ADC() is ADC()``; calling the constructor (re)enables it.
    Raises ``OSError(ENODEV)`` for an id other than 0 and ``ValueError`` for bits other than 12.
    """

    _block: ADCBlock
    _enabled: bool
    _channels: dict[int, ADCChannel]

    def __new__(cls, id: Any = 0, *, bits: Any = _BITS) -> ADC:
        if _as_int(id) != 0:
            raise device_error(errno.ENODEV)
        _check_bits(bits)
        runtime = current_runtime()
        return runtime.state("machine.ADC", lambda: cls._create(runtime.board.adc()))

    @classmethod
    def _create(cls, block: ADCBlock) -> ADC:
        self: ADC = super().__new__(cls)
        self._block = block
        self._enabled = False
        self._channels = {}
        return self

    def __init__(self, id: Any = 0, *, bits: Any = _BITS) -> None:
        self._enabled = True

    def init(self, *, bits: Any = _BITS) -> None:
        """Enable the ADC block (``ValueError`` for bits other than 12)."""
        _check_bits(bits)
        self._enabled = True

    def deinit(self) -> None:
        """Disable every channel, then the ADC block."""
        for channel in self._channels.values():
            channel.deinit()
        self._enabled = False

    def channel(self, id: Any = _MISSING, *, pin: Any = None) -> ADCChannel:
        """Enable and return ADC channel ``id`` (0..3), or the channel of ``pin``.

        Both given: they must agree. The pin is switched to analog input. Raises
        ``ValueError("resource not available")`` for an id >= 4 (negative ids wrap, as they do
        on the device), ``ValueError`` for a pin without an ADC channel or one that doesn't
        match ``id``, ``OSError(EPERM)`` when the ADC is disabled.
        """
        channels = current_runtime().board.description.adc_channels
        if id is not _MISSING:
            number = _as_int(id) & 0xFFFFFFFF  # the device reads it as unsigned
            if number not in channels:
                raise ValueError("resource not available")
            if pin is not None and _channel_of(pin, channels) != number:
                raise bad_argument()
        else:
            number = _channel_of(pin, channels)
        if not self._enabled:
            raise device_error(errno.EPERM)
        channel = self._channels.get(number)
        if channel is None:
            channel = self._channels[number] = ADCChannel._create(
                self, number, Pin._object(channels[number])
            )
        channel._pin_to_analog()
        channel._enabled = True
        return channel

    def __repr__(self) -> str:
        return f"ADC(0, bits={_BITS})" if self._enabled else "ADC(0)"


def _channel_of(pin: Any, channels: Mapping[int, str]) -> int:
    """The ADC channel of ``pin`` (a name or a Pin); ``ValueError`` if it has none."""
    name = Pin._object(pin).id()  # ValueError for None or an unknown pin
    for number, channel_pin in channels.items():
        if channel_pin == name:
            return int(number)
    raise bad_argument()


class ADCChannel:
    """One analog input, made by ``ADC.channel()``; calling it reads it like ``value()``."""

    _adc: ADC
    _id: int
    _pin: Pin
    _enabled: bool

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("cannot create 'ADCChannel' instances")

    @classmethod
    def _create(cls, adc: ADC, number: int, pin: Pin) -> ADCChannel:
        self: ADCChannel = cls.__new__(cls)
        self._adc, self._id, self._pin, self._enabled = adc, number, pin, False
        return self

    def _pin_to_analog(self) -> None:
        # The device puts the pad in analog mode (PIN_TYPE_ANALOG, 2 mA), which its Pin repr
        # prints as OPEN_DRAIN / LOW_POWER. Here the line becomes a plain input with no pull
        # (high impedance) and the Pin object records what the device's would.
        pin = self._pin
        pin._alive().reconfigure(LineConfig(mode="in", pull=None, drive="low"))
        pin._mode, pin._pull, pin._drive, pin._alt = Pin.OPEN_DRAIN, None, Pin.LOW_POWER, -1

    def init(self) -> None:
        """Enable the channel again; ``OSError(EPERM)`` if the ADC is disabled."""
        if not self._adc._enabled:
            raise device_error(errno.EPERM)
        self._enabled = True

    def deinit(self) -> None:
        """Disable the channel."""
        self._enabled = False

    def value(self) -> int:
        """Read the channel: 0..4095. ``OSError(EPERM)`` if it (or the ADC) is disabled."""
        if not (self._enabled and self._adc._enabled):
            raise device_error(errno.EPERM)
        return int(self._adc._block.read(self._id))

    def __call__(self) -> int:
        """The same as ``value()``."""
        return self.value()

    def __repr__(self) -> str:
        if self._enabled:
            return f"ADCChannel({self._id}, pin={self._pin.id()})"
        return f"ADCChannel({self._id})"
