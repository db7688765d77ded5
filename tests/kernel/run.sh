#!/usr/bin/env bash
# The real-kernel test tier: runs the contract suite on the linux backend inside a QEMU guest
# whose kernel has gpio-sim, i2c-stub, a loopback SPI controller and 16550 UARTs.
#
#   bash tests/kernel/run.sh [--smoke | --bench | --shell] [--rebuild] [--timeout S]
#                            [-- PYTEST_OR_BENCH_ARGS...]
#
#   (default)   tests/kernel/guest_smoke.py and tests/contract in the guest
#   --smoke     only tests/kernel/guest_smoke.py (the devices themselves)
#   --bench     bench/bench_kernel_gpio.py in the guest
#   --shell     an interactive shell in the guest (console on this terminal)
#   --rebuild   rebuild the VM image even if a cached one matches
#   --timeout S stop the VM after S seconds (default 600)
#   -- ARGS     passed to pytest (replacing the default test paths) or to the bench
#
# The image (vmlinuz + rootfs.cpio) is cached in $MPC_VM_CACHE, default
# ${XDG_CACHE_HOME:-~/.cache}/micropython-compat-vm, keyed by a hash of the files that build it;
# the code under test is brought in at run time through a 9p share, so changing it never
# rebuilds the image. See tests/kernel/README.md.
#
# Exit status: pytest's (0 passed, 1 failed, ...); 3 when the image could not be built ("image
# build failed: <what>"); 1 when the VM did not report a result (crash or timeout).
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CACHE=${MPC_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/micropython-compat-vm}
# shellcheck source=lib.sh
. "$HERE/lib.sh"
LOG=/dev/null
MODE=tests REBUILD="" VM_TIMEOUT=600 EXTRA=()
tier_options "$0" "smoke bench shell" "$@"
T0=$(date +%s)
elapsed() { echo "$(($(date +%s) - T0)) s"; }

# ---- host tools --------------------------------------------------------------------------------
pick_python() { # a host python with the guest's minor version (bookworm: 3.11), else python3
    local p
    for p in "${MPC_VM_PYTHON:-}" python3.11 python3; do
        [ -n "$p" ] && command -v "$p" >/dev/null && { echo "$p"; return; }
    done
}
PY=$(pick_python)
[ -n "$PY" ] || fail "no python3 on this machine"
export MPC_VM_PYTHON=$PY
NEED_PKGS=()
for pair in qemu-system-x86_64:qemu-system-x86 debootstrap:debootstrap depmod:kmod cpio:cpio \
    gcc:gcc gcc-12:gcc-12 make:make xz:xz-utils; do
    command -v "${pair%%:*}" >/dev/null || NEED_PKGS+=("${pair#*:}")
done
[ -f /usr/include/linux/gpio.h ] || NEED_PKGS+=(linux-libc-dev)
[ -f /usr/lib/x86_64-linux-gnu/libc.a ] || NEED_PKGS+=(libc6-dev)
if [ "${#NEED_PKGS[@]}" -gt 0 ]; then
    echo "== installing host tools: ${NEED_PKGS[*]}"
    { timeout 300 apt-get update -qq && DEBIAN_FRONTEND=noninteractive timeout 600 \
        apt-get install -y -qq --no-install-recommends "${NEED_PKGS[@]}"; } >/dev/null ||
        fail "apt-get install ${NEED_PKGS[*]} failed"
fi

# ---- the image (cached) ------------------------------------------------------------------------
KEY=$(cat "$HERE/build-image.sh" "$HERE/guest-init.sh" "$HERE/apt_source.py" "$HERE/lib.sh" \
    "$HERE/kmods.py" "$HERE/guest-requirements.txt" "$HERE"/modules/* | sha256sum | cut -c1-16)
cached_image "$CACHE" "$KEY" "$HERE/build-image.sh" $REBUILD
echo "== image ready after $(elapsed)"

# ---- the code under test, staged for the 9p share ----------------------------------------------
STAGE=$(mktemp -d "$CACHE/run.XXXXXX") || fail "cannot create a run directory in $CACHE"
RELAY_PID=""
cleanup() {
    [ -n "$RELAY_PID" ] && kill "$RELAY_PID" 2>/dev/null
    rm -rf "$STAGE"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$STAGE/repo" "$STAGE/site" "$STAGE/bin" "$STAGE/sock"
stage_tree "$ROOT" "$STAGE/repo"
echo "== installing the project for the guest (pip install --target, C extension built here)"
build_venv "$CACHE" "$PY" "$STAGE/pip.log" "$ROOT/pyproject.toml"
if ! timeout 300 "$BUILDENV/bin/python" -m pip install --quiet --no-input --no-build-isolation \
    --disable-pip-version-check --no-deps --target "$STAGE/site" "$STAGE/repo" \
    >"$STAGE/pip.log" 2>&1; then
    tail -n 20 "$STAGE/pip.log" >&2
    echo "FAIL: the project does not install (pip install --target)" >&2
    exit 1
fi
rm -rf "$STAGE/repo/build"
if [ "$MODE" = bench ]; then
    gcc -O2 -static -o "$STAGE/bin/gpio-raw-loop" "$ROOT/bench/bench_kernel_gpio_raw.c" || {
        echo "FAIL: cannot compile bench/bench_kernel_gpio_raw.c" >&2
        exit 1
    }
fi
# One file over 9p: unpacking a tarball in the guest is much faster than copying many files.
tar -C "$STAGE" -cf "$STAGE/code.tar" repo site bin && rm -rf "$STAGE/repo" "$STAGE/site" ||
    { echo "FAIL: cannot pack the code under test" >&2; exit 1; }
cp "$HERE/guest-run.sh" "$STAGE/guest-run.sh"
echo "MPC_MODE=$MODE" >"$STAGE/config"
if [ "${#EXTRA[@]}" -gt 0 ]; then printf '%s\n' "${EXTRA[@]}"; fi >"$STAGE/pytest-args"

# ---- the UART relay (host end of /dev/ttyS1 and /dev/ttyS2) -----------------------------------
start_uart_relay "$PY" "$STAGE/uart.log" "$STAGE/sock/ready" "$((VM_TIMEOUT + 30))" \
    --pair uart1 "$STAGE/sock/ttyS1" "$STAGE/sock/far1" --pair uart2 "$STAGE/sock/ttyS2" "$STAGE/sock/far2"

# ---- the VM ------------------------------------------------------------------------------------
echo "== booting the VM (QEMU TCG; mode $MODE; stops by itself within ${VM_TIMEOUT}s)"
QEMU=(qemu-system-x86_64 -accel tcg -M pc -m 1024 -smp 1 -nodefaults -display none -no-reboot
    -kernel "$IMAGE/vmlinuz" -initrd "$IMAGE/rootfs.cpio"
    -append "console=ttyS0 rdinit=/init panic=-1 quiet"
    -chardev stdio,id=console,signal=off -serial chardev:console
    -chardev "socket,id=uart1,path=$STAGE/sock/ttyS1" -serial chardev:uart1
    -chardev "socket,id=uart2,path=$STAGE/sock/ttyS2" -device isa-serial,chardev=uart2,index=2,irq=5
    -device virtio-serial-pci
    -chardev "socket,id=far1,path=$STAGE/sock/far1" -device virtserialport,chardev=far1,name=mpc.uart1.far
    -chardev "socket,id=far2,path=$STAGE/sock/far2" -device virtserialport,chardev=far2,name=mpc.uart2.far
    -virtfs "local,path=$STAGE,mount_tag=hostshare,security_model=none,id=hostshare")
T_VM=$(date +%s)
if [ "$MODE" = shell ]; then
    timeout --foreground --kill-after=10 "$VM_TIMEOUT" "${QEMU[@]}"
else
    timeout --kill-after=10 "$VM_TIMEOUT" "${QEMU[@]}" </dev/null | tee "$STAGE/console.log"
fi
QEMU_RC=${PIPESTATUS[0]}
VM_S=$(($(date +%s) - T_VM))

if [ -s "$STAGE/uart.log" ] && [ -n "${MPC_VM_KEEP_UART_LOG:-}" ]; then
    cp "$STAGE/uart.log" "$MPC_VM_KEEP_UART_LOG"
fi
if [ ! -s "$STAGE/result" ]; then
    why="the VM stopped without reporting a result"
    [ "$QEMU_RC" = 124 ] && why="the VM timed out after ${VM_TIMEOUT}s"
    echo "FAIL: $why (qemu exit $QEMU_RC); VM ${VM_S} s, total $(elapsed)" >&2
    exit 1
fi
RC=$(tr -dc 0-9 <"$STAGE/result")
if [ "$RC" = 0 ]; then
    echo "== PASS: real-kernel tier ($MODE) passed; VM ${VM_S} s, total $(elapsed)"
else
    echo "== FAIL: real-kernel tier ($MODE) exited $RC; VM ${VM_S} s, total $(elapsed)" >&2
fi
exit "$RC"
