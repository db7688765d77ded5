#!/usr/bin/env bash
# Build the emulated Raspberry Pi 3B image: OUT_DIR/{Image, rpi3b.dtb, rootfs.cpio, qemu/}.
#
#   bash tests/pi/build-image.sh OUT_DIR
#
# Every Debian package comes through a private apt configuration (tests/kernel/lib.sh) whose
# sources are bookworm (arm64) and bookworm-backports (amd64, arm64) on the mirror this machine's
# apt already uses; the host's own sources are never changed.
# * QEMU 10 (qemu-system-arm from bookworm-backports), unpacked with dpkg -x into OUT_DIR/qemu:
#   bookworm's QEMU 7.2 models the Pi's I2C and SPI controllers as stubs. The shared libraries it
#   needs are installed on the host with apt-get.
# * Kernel: Debian's linux-image-arm64 from bookworm-backports (its vmlinuz is an arm64 Image)
#   and its bcm2837-rpi-3-b.dtb, patched as a Pi's config.txt would be (pi-dtb.sh).
# * Root file system: python3-minimal, libpython3.11-stdlib and busybox-static for arm64,
#   unpacked with dpkg -x, byte-compiled on the host (cold imports compile slowly under TCG);
#   the test tools for aarch64 (guest-requirements.txt); the Pi's driver modules decompressed
#   for busybox; guest-init.sh as /init. Packed as an uncompressed cpio.
# * wheels/: spidev for aarch64 (cross-compiled with gcc-aarch64-linux-gnu: it has no aarch64
#   wheel), from which run.sh installs the project with its [linux] extra, as on a Pi.
#
# Exit status: 0 built; 3 the build failed, "image build failed: <what>" last on stderr (the full
# log is OUT_DIR.log). Every step is bounded by a timeout.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:?usage: build-image.sh OUT_DIR}
WORK="$OUT.tmp"
LOG="$OUT.log"
PY=${MPC_VM_PYTHON:-python3}
export LC_ALL=C DEBIAN_FRONTEND=noninteractive
# shellcheck source=../kernel/lib.sh
. "$HERE/../kernel/lib.sh"
# The kernel modules the guest loads (with their dependencies): the Pi's I2C, SPI, watchdog (the
# restart handler: raspi3b has no PSCI) and RNG (else the first python3 waits for entropy), and
# the USB host controller with the FTDI serial driver for the UART's far end.
GUEST_MODULES="i2c-bcm2835 i2c-dev spi-bcm2835 bcm2835_wdt bcm2835-rng dwc2 ftdi_sio"
ROOTFS_PKGS="python3-minimal libpython3.11-stdlib busybox-static"

trap 'rm -rf "$WORK"' EXIT
rm -rf "$WORK" "$OUT"
mkdir -p "$WORK/debs" "$WORK/rootfs" "$WORK/k" "$WORK/dev" || fail "cannot create $WORK"
: >"$LOG"
START=$(date +%s)

debian_mirror bookworm
private_apt "$WORK/apt" \
    "deb [arch=arm64 signed-by=$KEYRING] $MIRROR bookworm main" \
    "deb [arch=amd64,arm64 signed-by=$KEYRING] $MIRROR bookworm-backports main"
APT_OPTS+=(-o APT::Architecture=arm64 -o APT::Architectures::=arm64 -o APT::Architectures::=amd64)
step "apt-get update (bookworm arm64, bookworm-backports)" 300 apt-get "${APT_OPTS[@]}" update

# ---- QEMU 10 -----------------------------------------------------------------------------------
QPKGS=(qemu-system-arm:amd64/bookworm-backports qemu-system-common:amd64/bookworm-backports
    qemu-system-data/bookworm-backports)
(cd "$WORK/debs" && step "apt-get download QEMU 10 (bookworm-backports)" 300 \
    apt-get "${APT_OPTS[@]}" download "${QPKGS[@]}") || exit 3
mkdir -p "$WORK/qemu"
for deb in "$WORK"/debs/qemu-system-*.deb; do
    step "unpack $(basename "$deb")" 120 dpkg -x "$deb" "$WORK/qemu"
done
# Its shared libraries, from the host's own apt sources (all are in bookworm).
HOST_LIBS=$(for deb in "$WORK"/debs/qemu-system-arm_*.deb "$WORK"/debs/qemu-system-common_*.deb; do
    dpkg-deb -f "$deb" Depends; done | tr ',|' '\n\n' | sed 's/^ *//; s/ .*//' |
    grep -v '^qemu-' | sort -u | while read -r p; do
        dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || echo "$p"
    done)
if [ -n "$HOST_LIBS" ]; then
    step "apt-get install QEMU's libraries on the host: $(echo $HOST_LIBS)" 900 bash -c '
        apt-get install -y -q --no-install-recommends "$@" ||
            { apt-get update -q && apt-get install -y -q --no-install-recommends "$@"; }' _ $HOST_LIBS
fi
QEMU_BIN="$WORK/qemu/usr/bin/qemu-system-aarch64"
step "qemu-system-aarch64 runs" 30 env QEMU_MODULE_DIR="$WORK/qemu/usr/lib/x86_64-linux-gnu/qemu" \
    "$QEMU_BIN" --version

# ---- kernel, device tree, modules --------------------------------------------------------------
KPKG=$(depends_of linux-image-arm64/bookworm-backports '^linux-image-[0-9]') ||
    fail "linux-image-arm64 not found in bookworm-backports"
KVER=${KPKG#linux-image-}
echo "kernel $KVER ($KPKG)" | tee -a "$LOG"
(cd "$WORK/debs" && step "apt-get download $KPKG" 600 \
    apt-get "${APT_OPTS[@]}" download "$KPKG:arm64/bookworm-backports") || exit 3
step "unpack $KPKG" 300 dpkg -x "$WORK"/debs/"$KPKG"_*.deb "$WORK/k"
DTB=$(ls "$WORK"/k/usr/lib/linux-image-"$KVER"/broadcom/bcm2837-rpi-3-b.dtb 2>/dev/null)
[ -n "$DTB" ] || fail "no broadcom/bcm2837-rpi-3-b.dtb in $KPKG"
step "patch the device tree as config.txt would (pi-dtb.sh)" 60 \
    bash "$HERE/pi-dtb.sh" "$DTB" "$WORK/rpi3b.dtb"
step "depmod the unpacked kernel" 120 depmod -b "$WORK/k" "$KVER"

# ---- root file system --------------------------------------------------------------------------
ROOTFS="$WORK/rootfs"
step "apt-get download $ROOTFS_PKGS (arm64, with dependencies)" 600 \
    apt-get "${APT_OPTS[@]}" install -d -y -q --no-install-recommends $ROOTFS_PKGS
for deb in "$WORK"/apt/cache/archives/*.deb; do
    step "unpack $(basename "$deb")" 120 dpkg -x "$deb" "$ROOTFS"
done
GUEST_PY=$(cd "$ROOTFS/usr/bin" && ls python3.[0-9]* 2>/dev/null | grep -E '^python3\.[0-9]+$' | head -n1)
[ -n "$GUEST_PY" ] || fail "the arm64 packages gave no python3"
HOST_PY=$("$PY" -c 'import sys; print("python%d.%d" % sys.version_info[:2])')
[ "$HOST_PY" = "$GUEST_PY" ] ||
    fail "the guest has $GUEST_PY but the host's $PY is $HOST_PY: set MPC_VM_PYTHON to a $GUEST_PY"
ln -sf "$GUEST_PY" "$ROOTFS/usr/bin/python3"
mkdir -p "$ROOTFS/bin" "$ROOTFS/sbin" "$ROOTFS/usr/sbin"
# busybox can't run on the host (arm64): /bin/sh here, and /init makes the other applets' links
# in the guest (busybox --install -s).
ln -sf busybox "$ROOTFS/bin/sh"

# Headers to cross-compile C extensions for the guest's Python (also used by run.sh for the
# project's wheel): libpython3.11-dev for arm64, unpacked apart from the root file system.
(cd "$WORK/debs" && step "apt-get download lib${GUEST_PY}-dev (arm64)" 300 \
    apt-get "${APT_OPTS[@]}" download "lib${GUEST_PY}-dev:arm64" "${GUEST_PY}-dev:arm64") || exit 3
for deb in "$WORK"/debs/*"${GUEST_PY}"-dev_*.deb; do
    step "unpack $(basename "$deb")" 120 dpkg -x "$deb" "$WORK/dev"
done
[ -f "$WORK/dev/usr/include/$GUEST_PY/Python.h" ] || fail "no Python.h in lib${GUEST_PY}-dev:arm64"

SITE="$ROOTFS/usr/local/lib/$GUEST_PY/dist-packages"
mkdir -p "$SITE" "$WORK/wheels"
step "cross-compile spidev for aarch64" 300 bash "$HERE/cross-wheel.sh" "$WORK/dev" \
    "$WORK/wheels" spidev
step "pip install --target the guest's test tools (aarch64)" 600 \
    "$PY" -m pip install --no-input --disable-pip-version-check --no-warn-script-location \
    --target "$SITE" --platform manylinux2014_aarch64 --platform linux_aarch64 \
    --python-version "${GUEST_PY#python}" --implementation cp --only-binary=:all: \
    -r "$HERE/guest-requirements.txt"
step "byte-compile the guest's Python" 600 "$PY" -m compileall -q -j 0 \
    --invalidation-mode unchecked-hash "$ROOTFS/usr/lib/$GUEST_PY" "$SITE"

KMOD="$WORK/k/lib/modules/$KVER"
guest_modules "$KMOD" "$ROOTFS/lib/modules/$KVER" --unxz $GUEST_MODULES
step "depmod the guest" 120 depmod -b "$ROOTFS" "$KVER"
install -m 0755 "$HERE/guest-init.sh" "$ROOTFS/init" || fail "cannot install /init"
rm -rf "$ROOTFS"/usr/share/doc/* "$ROOTFS"/usr/share/man/* "$ROOTFS"/usr/share/locale/* \
    "$ROOTFS"/usr/share/lintian
mkdir -p "$ROOTFS/dev" "$ROOTFS/proc" "$ROOTFS/sys" "$ROOTFS/tmp" "$ROOTFS/run" "$ROOTFS/root"
[ -e "$ROOTFS/dev/console" ] || mknod -m 600 "$ROOTFS/dev/console" c 5 1 ||
    fail "cannot create /dev/console in the root file system"
pack_cpio "$ROOTFS" "$WORK/rootfs.cpio"

cp "$WORK/k/boot/vmlinuz-$KVER" "$WORK/Image" || fail "no vmlinuz-$KVER in $KPKG"
{
    echo "kernel: $KVER ($KPKG from bookworm-backports)"
    echo "qemu: $(QEMU_MODULE_DIR="$WORK/qemu/usr/lib/x86_64-linux-gnu/qemu" "$QEMU_BIN" --version | head -n1)"
    echo "python: $GUEST_PY"
    echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ) in $(($(date +%s) - START)) s"
    echo "wheels: $(cd "$WORK/wheels" && echo *.whl)"
    echo "guest packages:"
    ls "$SITE" | grep -E '\.dist-info$' | sed 's/\.dist-info$//; s/^/  /'
} >"$WORK/image-info.txt"
mkdir -p "$OUT" && mv "$WORK/Image" "$WORK/rpi3b.dtb" "$WORK/rootfs.cpio" "$WORK/qemu" \
    "$WORK/dev" "$WORK/wheels" "$WORK/image-info.txt" "$OUT/" || fail "cannot move the image to $OUT"
echo "-- image built in $(($(date +%s) - START)) s: $OUT ($(du -sh "$OUT" | cut -f1))" | tee -a "$LOG"
