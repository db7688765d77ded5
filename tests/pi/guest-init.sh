#!/bin/sh
# /init of the emulated Raspberry Pi 3B (built into the image by build-image.sh; busybox sh).
#
# Mounts the kernel file systems, makes busybox's applets, loads the Pi's driver modules, then
# runs /mpc-run/guest-run.sh: the run's own files, which run.sh appends to the image as a second
# cpio archive, so that changing the tests or the project never rebuilds the image. Whatever
# happens, the machine then restarts, which ends QEMU (-no-reboot): raspi3b has no power-off,
# its restart is the BCM2835 watchdog's (bcm2835_wdt).
/bin/busybox mkdir -p /proc /sys /dev /tmp /run
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev
/bin/busybox --install -s
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
exec </dev/console >/dev/console 2>&1
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mount -t debugfs debugfs /sys/kernel/debug
echo "MPC-VM: /init started at $(cut -d' ' -f1 /proc/uptime) s (uptime)"

# USB first: the adapter enumerates (the slowest device to appear) while the rest load.
for m in dwc2 ftdi_sio bcm2835_wdt bcm2835-rng i2c-bcm2835 i2c-dev spi-bcm2835; do
    modprobe "$m" || echo "MPC-VM: modprobe $m failed"
done
echo "MPC-VM: modules loaded at $(cut -d' ' -f1 /proc/uptime) s"
if [ -f /mpc-run/guest-run.sh ]; then
    sh /mpc-run/guest-run.sh
else
    echo "MPC-VM: no /mpc-run/guest-run.sh in the initramfs"
fi
sync
reboot -f
sleep 30
