#!/usr/bin/env bash
# Build the micropython-compat test VM image: OUT_DIR/vmlinuz and OUT_DIR/rootfs.cpio.
#
#   bash tests/kernel/build-image.sh OUT_DIR
#
# Kernel: Debian bookworm-backports linux-image-amd64 (fetched with `apt-get download` through a
# private apt configuration whose only source is bookworm-backports on the Debian mirror this
# machine's apt already uses; see apt_source.py). Out-of-tree modules built against its headers:
# gpio-sim + irq_sim (from the matching linux-source) and our spi-loopback (modules/).
# Root file system: `debootstrap --variant=minbase` bookworm with python3 and kmod, the packages
# of guest-requirements.txt installed with `pip install --target`, the needed kernel modules,
# and guest-init.sh as /init; packed as an uncompressed cpio initramfs.
#
# Exit status: 0 built; 3 the build failed, with "image build failed: <what>" as the last line
# on stderr (the full log is OUT_DIR.log). Every step is bounded by a timeout.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:?usage: build-image.sh OUT_DIR}
RELEASE=bookworm
WORK="$OUT.tmp"
LOG="$OUT.log"
PY=${MPC_VM_PYTHON:-python3}
export LC_ALL=C DEBIAN_FRONTEND=noninteractive

# shellcheck source=lib.sh
. "$HERE/lib.sh"

DEBOOTSTRAP_PID=""
remove_work() { # also after an interrupted debootstrap, which may leave mounts in its target
    [ -n "$DEBOOTSTRAP_PID" ] && kill "$DEBOOTSTRAP_PID" 2>/dev/null && wait "$DEBOOTSTRAP_PID"
    local m
    for m in proc sys dev/pts dev; do
        mountpoint -q "$WORK/rootfs/$m" 2>/dev/null && umount -l "$WORK/rootfs/$m"
    done
    rm -rf "$WORK"
}
trap remove_work EXIT

remove_work
rm -rf "$OUT"
mkdir -p "$WORK" || fail "cannot create $WORK"
: >"$LOG"
START=$(date +%s)

# --- where Debian packages come from: this machine's own apt configuration -------------------
debian_mirror "$RELEASE"

# --- root file system: debootstrap runs in the background while the kernel is prepared --------
ROOTFS="$WORK/rootfs"
echo "-- debootstrap $RELEASE (minbase) in the background" | tee -a "$LOG"
timeout --kill-after=10 900 debootstrap --variant=minbase --include=python3,kmod \
    --keyring="$KEYRING" "$RELEASE" "$ROOTFS" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 &
DEBOOTSTRAP_PID=$!

# --- kernel packages through a private apt configuration (bookworm-backports only) -----------
mkdir -p "$WORK/debs"
private_apt "$WORK/apt" "deb [signed-by=$KEYRING] $MIRROR $RELEASE-backports main"
step "apt-get update ($RELEASE-backports)" 180 apt-get "${APT_OPTS[@]}" update

IMAGE_PKG=$(depends_of linux-image-amd64 '^linux-image-[0-9]') ||
    fail "linux-image-amd64 not found in $RELEASE-backports"
KVER=${IMAGE_PKG#linux-image-}
HEADERS_PKG=linux-headers-$KVER
COMMON_PKG=$(depends_of "$HEADERS_PKG" '^linux-headers-.*-common$') ||
    fail "$HEADERS_PKG (or its -common dependency) not found in $RELEASE-backports"
KBUILD_PKG=$(depends_of "$HEADERS_PKG" '^linux-kbuild-') ||
    fail "the linux-kbuild dependency of $HEADERS_PKG not found"
SOURCE_PKG=linux-source-$(echo "$KVER" | cut -d. -f1,2)
echo "kernel $KVER: $IMAGE_PKG $HEADERS_PKG $COMMON_PKG $KBUILD_PKG $SOURCE_PKG" | tee -a "$LOG"

(cd "$WORK/debs" && step "apt-get download the kernel, its headers and source" 600 \
    apt-get "${APT_OPTS[@]}" download "$IMAGE_PKG" "$HEADERS_PKG" "$COMMON_PKG" "$KBUILD_PKG" \
    "$SOURCE_PKG") || exit 3

K="$WORK/kernel"
mkdir -p "$K"
for pkg in "$IMAGE_PKG" "$HEADERS_PKG" "$COMMON_PKG" "$KBUILD_PKG"; do
    step "unpack $pkg" 300 dpkg -x "$WORK/debs/${pkg}_"*.deb "$K"
done
HDR="$K/usr/src/linux-headers-$KVER"
[ -f "$HDR/Makefile" ] || fail "no kernel headers at $HDR"
# The headers' Makefile includes the -common tree by its installed path; point it at ours.
sed -i "s|/usr/src/|$K/usr/src/|g" "$HDR/Makefile" || fail "cannot patch $HDR/Makefile"

MOD="$WORK/modules"
mkdir -p "$MOD"
cp "$HERE"/modules/* "$MOD"/ || fail "cannot copy tests/kernel/modules"
step "extract gpio-sim.c and irq_sim.c from $SOURCE_PKG" 300 bash -c '
    set -o pipefail
    dpkg-deb --fsys-tarfile "$1"/'"$SOURCE_PKG"'_*.deb |
        tar -xO --wildcards "./usr/src/linux-source-*.tar.xz" | xz -dc |
        tar -x -C "$2" --strip-components=3 --wildcards "*/drivers/gpio/gpio-sim.c" &&
    dpkg-deb --fsys-tarfile "$1"/'"$SOURCE_PKG"'_*.deb |
        tar -xO --wildcards "./usr/src/linux-source-*.tar.xz" | xz -dc |
        tar -x -C "$2" --strip-components=3 --wildcards "*/kernel/irq/irq_sim.c"' _ \
    "$WORK/debs" "$MOD"
[ -f "$MOD/gpio-sim.c" ] && [ -f "$MOD/irq_sim.c" ] || fail "gpio-sim.c/irq_sim.c missing from $SOURCE_PKG"
# Debian's kernel has no CONFIG_IRQ_SIM and does not export irq_to_desc(): build irq_sim.c as
# its own module, calling generic_handle_irq() instead.
sed -i 's/handle_simple_irq(irq_to_desc(irqnum))/generic_handle_irq(irqnum)/' "$MOD/irq_sim.c"
grep -q 'generic_handle_irq(irqnum)' "$MOD/irq_sim.c" ||
    fail "irq_sim.c of $SOURCE_PKG changed: the irq_to_desc patch did not apply"
sed -i 's|#include <linux/slab.h>|#include <linux/slab.h>\n#include <linux/module.h>|' "$MOD/irq_sim.c"
printf '\nMODULE_DESCRIPTION("Interrupt simulator, out-of-tree build");\nMODULE_LICENSE("GPL");\n' \
    >>"$MOD/irq_sim.c"
step "build gpio-sim, irq_sim and spi-loopback modules" 300 \
    make -C "$HDR" M="$MOD" CONFIG_DEBUG_INFO_BTF_MODULES= modules
for m in gpio-sim irq_sim spi-loopback; do
    [ -f "$MOD/$m.ko" ] || fail "module $m.ko was not built"
done

echo "-- waiting for debootstrap" | tee -a "$LOG"
wait "$DEBOOTSTRAP_PID"
rc=$?
DEBOOTSTRAP_PID=""
cat "$WORK/debootstrap.log" >>"$LOG"
if [ "$rc" -ne 0 ]; then
    grep -E '^(E|W):' "$WORK/debootstrap.log" | tail -n 5 | sed 's/^/   | /' >&2
    fail "debootstrap $RELEASE (exit $rc; log: $LOG)"
fi
GUEST_PY=$(cd "$ROOTFS/usr/bin" && ls python3.[0-9]* 2>/dev/null | grep -E '^python3\.[0-9]+$' | head -n1)
[ -n "$GUEST_PY" ] || fail "debootstrap gave no python3"
HOST_PY=$("$PY" -c 'import sys; print("python%d.%d" % sys.version_info[:2])')
[ "$HOST_PY" = "$GUEST_PY" ] ||
    fail "the guest has $GUEST_PY but the host's $PY is $HOST_PY: set MPC_VM_PYTHON to a $GUEST_PY"

SITE="$ROOTFS/usr/local/lib/$GUEST_PY/dist-packages"
step "pip install --target the guest's Python packages" 600 \
    "$PY" -m pip install --no-input --disable-pip-version-check --no-warn-script-location \
    --target "$SITE" -r "$HERE/guest-requirements.txt"

# --- kernel, modules (only what the tests need, with their dependencies) -----------------------
step "depmod the unpacked kernel" 120 depmod -b "$K" "$KVER"
KMOD="$K/lib/modules/$KVER"
GMOD="$ROOTFS/lib/modules/$KVER"
mkdir -p "$GMOD/extra"
WANTED="configfs i2c-stub i2c-dev 9p 9pnet_virtio"
guest_modules "$KMOD" "$GMOD" $WANTED
cp "$MOD"/gpio-sim.ko "$MOD"/irq_sim.ko "$MOD"/spi-loopback.ko "$GMOD/extra/" ||
    fail "cannot copy the built modules"
step "depmod the guest" 120 depmod -b "$ROOTFS" "$KVER"

install -m 0755 "$HERE/guest-init.sh" "$ROOTFS/init" || fail "cannot install /init"
# Trim what a test run never reads.
rm -rf "$ROOTFS"/usr/share/doc/* "$ROOTFS"/usr/share/man/* "$ROOTFS"/usr/share/info/* \
    "$ROOTFS"/usr/share/locale/* "$ROOTFS"/var/cache/apt/* "$ROOTFS"/var/lib/apt/lists/* \
    "$ROOTFS"/var/cache/debconf/*-old "$ROOTFS"/var/log/*.log
[ -e "$ROOTFS/dev/console" ] || mknod -m 600 "$ROOTFS/dev/console" c 5 1 ||
    fail "cannot create /dev/console in the root file system"

pack_cpio "$ROOTFS" "$WORK/rootfs.cpio"
cp "$K/boot/vmlinuz-$KVER" "$WORK/vmlinuz" || fail "no vmlinuz-$KVER in $IMAGE_PKG"
{
    echo "kernel: $KVER ($IMAGE_PKG from $RELEASE-backports)"
    echo "python: $GUEST_PY"
    echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ) in $(($(date +%s) - START)) s"
    echo "guest packages:"
    ls "$SITE" | grep -E '\.dist-info$' | sed 's/\.dist-info$//; s/^/  /'
} >"$WORK/image-info.txt"

mkdir -p "$OUT" && mv "$WORK/vmlinuz" "$WORK/rootfs.cpio" "$WORK/image-info.txt" "$OUT/" ||
    fail "cannot move the image to $OUT"
echo "-- image built in $(($(date +%s) - START)) s: $OUT ($(du -sh "$OUT" | cut -f1))" | tee -a "$LOG"
