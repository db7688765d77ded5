#!/usr/bin/env bash
# Patch the Raspberry Pi 3B device tree as a Pi's config.txt would, for the emulated Pi.
#
#   bash tests/pi/pi-dtb.sh IN.dtb OUT.dtb
#
# * dtoverlay=disable-bt: the PL011 loses its Bluetooth child; otherwise it is a serdev
#   controller and no /dev/ttyAMA0 exists (the guest makes /dev/serial0 as Raspberry Pi OS's
#   udev rule does).
# * dtparam=spi=on: spi@7e204000 enabled with spidev@0 and spidev@1 (/dev/spidev0.0 and 0.1)
#   and active-low cs-gpios on GPIO8 and GPIO7, as Raspberry Pi OS has (the kernel holds those
#   lines as "spi0 CS0" and "spi0 CS1").
# * Without the SPI controller's DMA: spi-bcm2835 uses DMA from 96 bytes on, which QEMU's model
#   doesn't do (a 256-byte transfer sent wrong bytes).
set -euo pipefail
IN=${1:?usage: pi-dtb.sh IN.dtb OUT.dtb}
OUT=${2:?usage: pi-dtb.sh IN.dtb OUT.dtb}
SPI=/soc/spi@7e204000
cp "$IN" "$OUT"
fdtput -r "$OUT" /soc/serial@7e201000/bluetooth
GPIO=$(fdtget -t u "$OUT" /soc/gpio@7e200000 phandle)
fdtput -t s "$OUT" "$SPI" status okay
fdtput -d "$OUT" "$SPI" dmas
fdtput -d "$OUT" "$SPI" dma-names
fdtput -t u "$OUT" "$SPI" cs-gpios "$GPIO" 8 1 "$GPIO" 7 1
for cs in 0 1; do
    fdtput -c "$OUT" "$SPI/spidev@$cs"
    fdtput -t s "$OUT" "$SPI/spidev@$cs" compatible rohm,dh2228fv
    fdtput -t u "$OUT" "$SPI/spidev@$cs" reg "$cs"
    fdtput -t u "$OUT" "$SPI/spidev@$cs" spi-max-frequency 125000000
done
# What changed, for the build log.
fdtget "$OUT" "$SPI" status
fdtget "$OUT" "$SPI" cs-gpios
