#!/bin/sh
# /init of the micropython-compat test VM (built into the image by build-image.sh).
#
# Mounts the kernel file systems and the host's share (9p, mount tag "hostshare", prepared by
# run.sh), then runs the share's guest-run.sh, which sets the devices up and runs the tests.
# The test logic lives in the share so that changing it does not rebuild the image. Whatever
# happens, the VM powers itself off (QEMU runs with -no-reboot and the kernel with panic=-1).
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
mkdir -p /dev/pts /dev/shm /tmp /run /mnt/host
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run

power_off() {
    sync
    echo o >/proc/sysrq-trigger
    sleep 10
}

if ! modprobe 9pnet_virtio || ! modprobe 9p ||
    ! mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 hostshare /mnt/host; then
    echo "MPC-VM: cannot mount the host share (9p, tag hostshare)"
    power_off
fi
if [ -f /mnt/host/guest-run.sh ]; then
    /bin/bash /mnt/host/guest-run.sh
else
    echo "MPC-VM: the host share has no guest-run.sh"
fi
power_off
