#!/usr/bin/env bash
# The emulated Raspberry Pi tier: the project on a Raspberry Pi 3B's own kernel drivers
# (pinctrl-bcm2835, i2c-bcm2835, spi-bcm2835, the PL011) in QEMU's raspi3b machine.
#
#   bash tests/pi/run.sh [--shell] [--rebuild] [--timeout S] [-- PYTEST_ARGS...]
#
#   (default)   tests/pi/guest_pi.py and tests/contract (bench "pi") in the guest
#   --shell     an interactive shell in the guest (console on this terminal)
#   --rebuild   rebuild the image even if a cached one matches
#   --timeout S stop the emulated Pi after S seconds (default 420)
#   -- ARGS     passed to pytest in the guest, replacing the default test paths
#
# Installs what it needs itself (apt-get: the aarch64 cross compiler, dtc, kmod, cpio; QEMU 10
# and the arm64 kernel come from bookworm-backports through a private apt configuration), builds
# the image once (tests/pi/build-image.sh) and caches it in $MPC_PI_CACHE, default
# ${XDG_CACHE_HOME:-~/.cache}/micropython-compat-pi, keyed by a hash of the files that build it.
# Each run builds the project's aarch64 wheel (C extension included), installs it with pip for
# the guest, and appends it with the tests to the image as a second initramfs archive.
# See tests/pi/README.md.
#
# Exit status: pytest's (0 passed, 1 failed, ...); 3 when the image could not be built; 1 when
# the emulated Pi did not report a result (crash or timeout).
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CACHE=${MPC_PI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/micropython-compat-pi}
# shellcheck source=../kernel/lib.sh
. "$HERE/../kernel/lib.sh"
LOG=/dev/null
MODE=tests REBUILD="" VM_TIMEOUT=420 EXTRA=()
tier_options "$0" "shell" "$@"
T0=$(date +%s)
elapsed() { echo "$(($(date +%s) - T0)) s"; }

# ---- host tools --------------------------------------------------------------------------------
PY=""
for p in "${MPC_VM_PYTHON:-}" python3.11 python3; do
    [ -n "$p" ] && command -v "$p" >/dev/null && { PY=$p; break; }
done
[ -n "$PY" ] || fail "no python3 on this machine"
export MPC_VM_PYTHON=$PY
NEED_PKGS=()
for pair in aarch64-linux-gnu-gcc:gcc-aarch64-linux-gnu fdtput:device-tree-compiler \
    depmod:kmod cpio:cpio xz:xz-utils flock:util-linux; do
    command -v "${pair%%:*}" >/dev/null || NEED_PKGS+=("${pair#*:}")
done
[ -f /usr/aarch64-linux-gnu/include/stdlib.h ] || NEED_PKGS+=(libc6-dev-arm64-cross)
[ -f /usr/aarch64-linux-gnu/include/linux/spi/spidev.h ] || NEED_PKGS+=(linux-libc-dev-arm64-cross)
if [ "${#NEED_PKGS[@]}" -gt 0 ]; then
    echo "== installing host tools: ${NEED_PKGS[*]}"
    { timeout 300 apt-get update -qq && DEBIAN_FRONTEND=noninteractive timeout 600 \
        apt-get install -y -qq --no-install-recommends "${NEED_PKGS[@]}"; } >/dev/null ||
        fail "apt-get install ${NEED_PKGS[*]} failed"
fi

# ---- the image (cached) ------------------------------------------------------------------------
KEY=$(cat "$HERE/build-image.sh" "$HERE/pi-dtb.sh" "$HERE/cross-wheel.sh" "$HERE/guest-init.sh" \
    "$HERE/guest-requirements.txt" "$HERE/../kernel/lib.sh" "$HERE/../kernel/kmods.py" \
    "$HERE/../kernel/apt_source.py" | sha256sum | cut -c1-16)
cached_image "$CACHE" "$KEY" "$HERE/build-image.sh" $REBUILD
export QEMU_MODULE_DIR="$IMAGE/qemu/usr/lib/x86_64-linux-gnu/qemu"
QEMU_BIN="$IMAGE/qemu/usr/bin/qemu-system-aarch64"
T_IMAGE=$(date +%s)

# ---- the code under test: the project's aarch64 wheel, installed for the guest with its [linux]
# extra and dependencies (aarch64 wheels; spidev's from the image) -------------------------------
STAGE=$(mktemp -d "$CACHE/run.XXXXXX") || fail "cannot create a run directory in $CACHE"
RELAY_PID=""
CONTROL_PID=""
cleanup() {
    [ -n "$CONTROL_PID" ] && kill "$CONTROL_PID" 2>/dev/null
    [ -n "$RELAY_PID" ] && kill "$RELAY_PID" 2>/dev/null
    rm -rf "$STAGE"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
RUN="$STAGE/cpio"
GUEST_PY=$(sed -n 's/^python: //p' "$IMAGE/image-info.txt")
mkdir -p "$RUN/mpc-run" "$STAGE/sock" "$STAGE/wheel"
stage_tree "$ROOT" "$RUN/mpc-run/repo"
echo "== building the project's aarch64 wheel and installing it for the guest"
build_venv "$CACHE" "$PY" "$STAGE/pip.log" "$ROOT/pyproject.toml"
if ! MPC_BUILD_PYTHON="$BUILDENV/bin/python" bash "$HERE/cross-wheel.sh" "$IMAGE/dev" "$STAGE/wheel" "$RUN/mpc-run/repo" >"$STAGE/pip.log" 2>&1 ||
    ! "$PY" -m pip install --quiet --no-input --disable-pip-version-check \
        --target "$RUN/usr/local/lib/$GUEST_PY/dist-packages" --platform manylinux2014_aarch64 \
        --platform linux_aarch64 --only-binary=:all: --find-links "$IMAGE/wheels" \
        "$(echo "$STAGE"/wheel/micropython_compat-*.whl)[linux]" >>"$STAGE/pip.log" 2>&1; then
    tail -n 20 "$STAGE/pip.log" >&2
    echo "FAIL: the project's aarch64 wheel does not build or install" >&2
    exit 1
fi
SITE="$RUN/usr/local/lib/$GUEST_PY/dist-packages"
ls "$SITE"/micropython_compat/_speedups.cpython-*-aarch64-linux-gnu.so >/dev/null 2>&1 || {
    echo "FAIL: the aarch64 wheel has no C extension ($(basename "$STAGE"/wheel/*.whl))" >&2
    exit 1
}
# pip --target puts console scripts in bin/ with this host's interpreter; on the Pi, pip writes
# the Pi's (/usr/bin/python3 for a system-wide install, which this is).
mkdir -p "$RUN/usr/local/bin"
for script in "$SITE"/bin/*; do
    sed '1s|^#!.*|#!/usr/bin/python3|' "$script" >"$RUN/usr/local/bin/${script##*/}"
    chmod 0755 "$RUN/usr/local/bin/${script##*/}"
done
rm -rf "$SITE/bin" "$RUN/mpc-run/repo/build"
"$PY" -m compileall -q -j 0 --invalidation-mode unchecked-hash "$SITE" >/dev/null
cp "$HERE/guest-run.sh" "$RUN/mpc-run/guest-run.sh"
echo "MPC_MODE=$MODE" >"$RUN/mpc-run/config"
if [ "${#EXTRA[@]}" -gt 0 ]; then printf '%s\n' "${EXTRA[@]}"; fi >"$RUN/mpc-run/pytest-args"
(cd "$RUN" && find . -print0 | LC_ALL=C sort -z | cpio --null --create --format=newc --quiet \
    >"$STAGE/run.cpio") || { echo "FAIL: cannot pack the code under test" >&2; exit 1; }
cat "$IMAGE/rootfs.cpio" "$STAGE/run.cpio" >"$STAGE/initrd.cpio" && rm -rf "$RUN" "$STAGE/run.cpio"
echo "== staged $(basename "$STAGE"/wheel/*.whl) in $(($(date +%s) - T_IMAGE)) s"

# ---- the UART's far end: PL011 <-> relay <-> USB serial adapter --------------------------------
start_uart_relay "$PY" "$STAGE/uart.log" "$STAGE/sock/ready" "$((VM_TIMEOUT + 30))" \
    --pair uart0 "$STAGE/sock/pl011" "$STAGE/sock/usb"

# ---- the emulated Pi ---------------------------------------------------------------------------
QEMU=("$QEMU_BIN" -M raspi3b -accel tcg,thread=single -display none -no-reboot -S
    -kernel "$IMAGE/Image" -dtb "$IMAGE/rpi3b.dtb" -initrd "$STAGE/initrd.cpio"
    -append "console=ttyS1,115200 rdinit=/init panic=-1 quiet"
    -chardev "socket,id=pl011,path=$STAGE/sock/pl011" -serial chardev:pl011
    -chardev stdio,id=console,signal=off -serial chardev:console
    -device at24c-eeprom,bus=i2c-bus.1,address=0x50,rom-size=256,id=eeprom0
    -device at24c-eeprom,bus=i2c-bus.1,address=0x51,rom-size=256,id=eeprom1
    -device tmp105,bus=i2c-bus.1,address=0x48,id=temp0
    -device w25q80bl,bus=spi,id=flash0
    -chardev "socket,id=usb,path=$STAGE/sock/usb" -device usb-serial,chardev=usb
    -qmp "unix:$STAGE/sock/qmp,server=on,wait=off")
# QEMU starts stopped (-S); qemu_control.py wires what the command line can't (the flash's chip
# select to GPIO8, the sensor's temperature), then lets it run.
"$PY" "$HERE/qemu_control.py" "$STAGE/sock/qmp" &
CONTROL_PID=$!
echo "== booting the emulated Raspberry Pi 3B (QEMU raspi3b, TCG; stops by itself within ${VM_TIMEOUT}s)"
T_VM=$(date +%s)
if [ "$MODE" = shell ]; then
    timeout --foreground --kill-after=10 "$VM_TIMEOUT" "${QEMU[@]}"
else
    "$PY" "$HERE/vm_console.py" "$STAGE/console.log" "$VM_TIMEOUT" -- "${QEMU[@]}"
fi
QEMU_RC=$?
VM_S=$(($(date +%s) - T_VM))
wait "$CONTROL_PID"
CONTROL_RC=$?
CONTROL_PID=""

RC=$(sed -n 's/^MPC-VM: result \([0-9]*\).*/\1/p' "$STAGE/console.log" 2>/dev/null | tail -n 1)
if [ "$CONTROL_RC" != 0 ]; then
    echo "FAIL: QEMU could not be set up over QMP (qemu_control.py exited $CONTROL_RC)" >&2
    exit 1
fi
if [ -z "$RC" ]; then
    why="the emulated Pi stopped without reporting a result"
    [ "$QEMU_RC" = 124 ] && why="the emulated Pi timed out after ${VM_TIMEOUT}s"
    [ "$QEMU_RC" = 125 ] && why="the emulated Pi's kernel panicked"
    echo "FAIL: $why (qemu exit $QEMU_RC); VM ${VM_S} s, total $(elapsed)" >&2
    exit 1
fi
if [ "$RC" = 0 ]; then
    echo "== PASS: emulated Raspberry Pi tier ($MODE) passed; VM ${VM_S} s, total $(elapsed)"
else
    echo "== FAIL: emulated Raspberry Pi tier ($MODE) exited $RC; VM ${VM_S} s, total $(elapsed)" >&2
fi
exit "$RC"
