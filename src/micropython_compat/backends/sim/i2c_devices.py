"""Simulated I2C device models, and building them from a board description.

Models (attach with ``board.i2c_bus(0).attach(addr, model)``):

* ``RegisterFile``: a register/memory file with 8- or 16-bit register addresses (sent MSB
  first), auto-increment that wraps at the end, and optional read-only registers.
* ``MPU9150``: an MPU-9150 motion sensor's registers with their reset values and its
  DEVICE_RESET (the sensor MicroPython's own WiPy I2C test talks to).
* ``EEPROM``: a 24Cxx serial EEPROM (24C01 .. 24C512): page writes that wrap inside the page
  and take effect at the stop, sequential reads across the whole memory, 8-bit word addresses
  (plus block bits in the device address, so a 24C04/08/16 answers on 2/4/8 addresses) up to
  2 KiB and 16-bit word addresses above, and an optional write cycle during which the part
  NACKs its address (acknowledge polling).

Both take ``nack_address=True`` (the part never answers) and ``nack_after=n`` (it NACKs every
written byte after the first ``n`` of a transaction, address bytes included).

A description adds them with ``[[sim.i2c]]`` tables::

    [[sim.i2c]]
    bus = 0                  # optional, 0 by default
    addr = 0x50
    model = "eeprom"         # or "registers", "mpu9150"
    part = "24C32"           # or size = 4096; page_size, addrsize, write_cycle_ms, fill
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ...hal import Clock

__all__ = [
    "EEPROM",
    "EEPROM_PARTS",
    "MPU9150",
    "I2CTarget",
    "RegisterFile",
    "device_from_description",
    "model_names",
]

#: 24Cxx parts: name -> (size in bytes, page size in bytes).
EEPROM_PARTS: dict[str, tuple[int, int]] = {
    "24C01": (128, 8),
    "24C02": (256, 8),
    "24C04": (512, 16),
    "24C08": (1024, 16),
    "24C16": (2048, 16),
    "24C32": (4096, 32),
    "24C64": (8192, 32),
    "24C128": (16384, 64),
    "24C256": (32768, 64),
    "24C512": (65536, 128),
}


class I2CTarget:
    """Base of the models: address/byte acknowledges, NACK options and the address phase.

    Subclasses implement ``_begin(read)``, ``_store(byte)`` (a data byte after the memory
    address), ``_load(n)`` and ``_end()``, and may override ``busy()``.
    """

    address_span = 1

    def __init__(self, *, addrsize: int, nack_address: bool, nack_after: int | None) -> None:
        if addrsize not in (8, 16):
            raise ValueError(f"addrsize must be 8 or 16, not {addrsize!r}")
        if nack_after is not None and nack_after < 0:
            raise ValueError("nack_after must be >= 0")
        self.addrsize = addrsize
        self.nack_address = bool(nack_address)
        self.nack_after = nack_after
        self.pointer = 0
        self._written = 0
        self._addr_left = 0
        self._addr_acc = 0

    def busy(self) -> bool:
        """Whether the part is busy and NACKs its address."""
        return False

    # -- the I2CDevice protocol --------------------------------------------------------------
    def start(self, read: bool) -> bool:
        if self.nack_address or self.busy():
            return False
        self._written = 0
        if not read:
            self._addr_left, self._addr_acc = self.addrsize // 8, 0
        self._begin(read)
        return True

    def write(self, byte: int) -> bool:
        if self.nack_after is not None and self._written >= self.nack_after:
            return False
        self._written += 1
        if self._addr_left:
            # Memory addresses arrive most significant byte first.
            self._addr_acc = (self._addr_acc << 8) | byte
            self._addr_left -= 1
            if not self._addr_left:
                self.pointer = self._word_address(self._addr_acc)
        else:
            self._store(byte)
        return True

    def read(self, n: int) -> bytes:
        return self._load(n)

    def stop(self) -> None:
        self._addr_left = 0
        self._end()

    # -- for subclasses ----------------------------------------------------------------------
    def _word_address(self, value: int) -> int:
        return value

    def _begin(self, read: bool) -> None:
        pass

    def _store(self, byte: int) -> None:
        raise NotImplementedError

    def _load(self, n: int) -> bytes:
        raise NotImplementedError

    def _end(self) -> None:
        pass


class RegisterFile(I2CTarget):
    """A register file of ``size`` bytes (``regs``), addressed with ``addrsize`` bits.

    A write sets the register pointer from its first byte(s), then stores the following bytes
    at the pointer, incrementing it (wrapping at ``size``). Writes to ``read_only`` registers
    are acknowledged and ignored. A read returns bytes from the pointer on, incrementing it.
    """

    def __init__(
        self,
        size: int = 256,
        addrsize: int = 8,
        *,
        read_only: Iterable[int] = (),
        values: Iterable[int] | Mapping[Any, int] | bytes = b"",
        nack_address: bool = False,
        nack_after: int | None = None,
    ) -> None:
        super().__init__(addrsize=addrsize, nack_address=nack_address, nack_after=nack_after)
        if not 1 <= size <= 1 << addrsize:
            raise ValueError(f"size must be 1..{1 << addrsize} for {addrsize}-bit addresses")
        self.size = size
        self.regs = bytearray(size)
        self.read_only = frozenset(int(r) for r in read_only)
        if isinstance(values, Mapping):
            for reg, value in values.items():
                self.regs[int(reg, 0) if isinstance(reg, str) else int(reg)] = int(value)
        else:
            initial = bytes(values)
            self.regs[: len(initial)] = initial

    def _word_address(self, value: int) -> int:
        return value % self.size

    def _store(self, byte: int) -> None:
        if self.pointer not in self.read_only:
            self.regs[self.pointer] = byte
        self.pointer = (self.pointer + 1) % self.size

    def _load(self, n: int) -> bytes:
        out = bytes(self.regs[(self.pointer + i) % self.size] for i in range(n))
        self.pointer = (self.pointer + n) % self.size
        return out


class EEPROM(I2CTarget):
    """A 24Cxx EEPROM: ``EEPROM(4096)``, ``EEPROM(part='24C32')``; contents in ``memory``.

    ``page_size`` and ``addrsize`` default from the part (16-bit word addresses above 2 KiB).
    A write's data bytes go into the page of the start address, wrapping inside it, and are
    programmed at the stop; with ``write_cycle_ms`` > 0 and a ``clock``, the part then NACKs its
    address for that long. Reads run on across pages and wrap at the end of the memory.
    """

    def __init__(
        self,
        size: int | None = None,
        *,
        part: str | None = None,
        page_size: int | None = None,
        addrsize: int | None = None,
        write_cycle_ms: float = 0,
        clock: Clock | None = None,
        fill: int = 0xFF,
        nack_address: bool = False,
        nack_after: int | None = None,
    ) -> None:
        if part is not None:
            key = part.upper()
            if key not in EEPROM_PARTS:
                raise ValueError(f"unknown EEPROM part {part!r} (known: {', '.join(EEPROM_PARTS)})")
            part_size, _ = EEPROM_PARTS[key]
            if size is not None and size != part_size:
                raise ValueError(f"{part} has {part_size} bytes, not {size}")
            size = part_size
        if size is None:
            size = 256
        by_size = {s: p for s, p in EEPROM_PARTS.values()}
        if size not in by_size:
            raise ValueError(f"EEPROM size must be one of {sorted(by_size)}, not {size!r}")
        page = by_size[size] if page_size is None else page_size
        if page <= 0 or page & (page - 1) or page > size:
            raise ValueError(f"page_size must be a power of two up to the size, not {page!r}")
        if addrsize is None:
            addrsize = 8 if size <= 2048 else 16
        super().__init__(addrsize=addrsize, nack_address=nack_address, nack_after=nack_after)
        if write_cycle_ms < 0:
            raise ValueError("write_cycle_ms must be >= 0")
        self.size = size
        self.page_size = page
        self.memory = bytearray([fill & 0xFF]) * size
        self.write_cycle_ms = write_cycle_ms
        self.clock = clock
        # Parts up to 2 KiB with 8-bit word addresses take the high address bits from the
        # device address: one I2C address per 256-byte block.
        self.address_span = max(1, size // 256) if addrsize == 8 else 1
        self._block = 0
        self._pending: dict[int, int] = {}
        self._busy_until_ns: int | None = None

    def select(self, offset: int) -> None:
        """Which of the part's addresses was used (the block, for 24C04..24C16)."""
        self._block = offset

    def busy(self) -> bool:
        if self._busy_until_ns is None or self.clock is None:
            return False
        if self.clock.now_ns() >= self._busy_until_ns:
            self._busy_until_ns = None
            return False
        return True

    def _word_address(self, value: int) -> int:
        return (self._block * 256 + value) % self.size if self.addrsize == 8 else value % self.size

    def _begin(self, read: bool) -> None:
        # A start before the stop aborts a page write: nothing is programmed.
        self._pending.clear()

    def _store(self, byte: int) -> None:
        self._pending[self.pointer] = byte
        base = self.pointer - self.pointer % self.page_size
        self.pointer = base + (self.pointer + 1) % self.page_size

    def _load(self, n: int) -> bytes:
        out = bytes(self.memory[(self.pointer + i) % self.size] for i in range(n))
        self.pointer = (self.pointer + n) % self.size
        return out

    def _end(self) -> None:
        if not self._pending:
            return
        for address, byte in self._pending.items():
            self.memory[address] = byte
        self._pending.clear()
        if self.write_cycle_ms and self.clock is not None:
            self._busy_until_ns = self.clock.now_ns() + int(self.write_cycle_ms * 1_000_000)


class MPU9150(RegisterFile):
    """An InvenSense MPU-9150 motion sensor's register map (address 0x68, or 0x69 with AD0
    high), as far as a program sees it over I2C without sampling: 128 registers, all 0 at
    power-up but PWR_MGMT_1 (107) = 0x40 (asleep) and WHO_AM_I (117) = 0x68 (read-only).
    Writing DEVICE_RESET (bit 7 of register 107) restores those reset values; the bit reads
    back as 0. ``values`` presets registers at power-up (sensor readings, say): a reset clears
    them like the rest.
    """

    PWR_MGMT_1 = 107
    WHO_AM_I = 117
    DEVICE_RESET = 0x80
    RESET_VALUES: Mapping[int, int] = {PWR_MGMT_1: 0x40, WHO_AM_I: 0x68}

    def __init__(
        self,
        *,
        values: Mapping[Any, int] | None = None,
        nack_address: bool = False,
        nack_after: int | None = None,
    ) -> None:
        super().__init__(
            128,
            read_only=(self.WHO_AM_I,),
            values={**self.RESET_VALUES, **(values or {})},
            nack_address=nack_address,
            nack_after=nack_after,
        )

    def reset(self) -> None:
        """What DEVICE_RESET does: every register back to its reset value."""
        self.regs[:] = bytes(self.size)
        for reg, value in self.RESET_VALUES.items():
            self.regs[reg] = value

    def _store(self, byte: int) -> None:
        if self.pointer == self.PWR_MGMT_1 and byte & self.DEVICE_RESET:
            self.reset()
            self.pointer += 1
            return
        super()._store(byte)


_MODELS: dict[str, type[I2CTarget]] = {
    "registers": RegisterFile,
    "eeprom": EEPROM,
    "mpu9150": MPU9150,
}


def model_names() -> list[str]:
    """The names a ``[[sim.i2c]]`` table's ``model`` may take."""
    return list(_MODELS)


def device_from_description(options: Mapping[str, Any], clock: Clock | None = None) -> I2CTarget:
    """Build a model from a ``[[sim.i2c]]`` table (without its ``bus``/``addr`` keys).

    ``model`` is ``"registers"`` (options: ``size``, ``addrsize``, ``read_only``, ``values``),
    ``"eeprom"`` (``size`` or ``part``, ``page_size``, ``addrsize``, ``write_cycle_ms``,
    ``fill``) or ``"mpu9150"`` (``values``); all take ``nack_address`` and ``nack_after``.
    ``clock`` is given to an EEPROM for its write cycle. Raises ``ValueError`` for an
    unknown model or option.
    """
    settings = dict(options)
    model = settings.pop("model", None)
    cls = _MODELS.get(model) if isinstance(model, str) else None
    if cls is None:
        raise ValueError(f"unknown I2C device model {model!r} (known: {', '.join(_MODELS)})")
    if cls is EEPROM and clock is not None:
        settings.setdefault("clock", clock)
    try:
        return cls(**settings)
    except TypeError as exc:
        raise ValueError(f"I2C device model {model!r}: {exc}") from None
