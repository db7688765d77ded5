#!/bin/bash
# Runs inside the VM (started by the image's /init from the host share, see run.sh).
#
# 1. Sets the kernel's test devices up:
#    * gpio-sim chip "mpc-sim" (configfs: /sys/kernel/config/gpio-sim/mpc/bank0), 32 lines named
#      GP0..GP31; a line is driven from outside by writing pull-up/pull-down to its sysfs `pull`;
#    * i2c-stub with chips at 0x50 and 0x51 (-> /dev/i2c-0), i2c-dev;
#    * spi-loopback (-> /dev/spidev0.0, MOSI looped to MISO);
#    * /dev/ttyS1 (16550) whose far end is the host relay, reachable here as the virtio port
#      named mpc.uart1.far (MPC_UART_FAR); /dev/ttyS2 likewise with mpc.uart2.far.
# 2. Unpacks the code under test (code.tar: repo/, the installed project site/, bin/) to RAM.
# 3. Runs the mode the host asked for (config: MPC_MODE = smoke | tests | bench) and writes the
#    exit status to the share's `result` file.
set -u
S=/mnt/host
MPC_MODE=tests
# shellcheck source=/dev/null
. "$S/config"
mapfile -t PYTEST_ARGS <"$S/pytest-args"

say() { echo "MPC-VM: $*"; }
ms_since() { echo "$((($(date +%s%N) - $1) / 1000000)) ms"; }
finish() {
    echo "$1" >"$S/result"
    sync
    say "result $1"
    exit 0
}
fail_setup() {
    say "SETUP FAILED: $*"
    finish 1
}

T0=$(date +%s%N)
# ---- devices ---------------------------------------------------------------------------------
modprobe configfs || fail_setup "modprobe configfs"
mountpoint -q /sys/kernel/config || mount -t configfs none /sys/kernel/config ||
    fail_setup "mount configfs"
modprobe gpio-sim || fail_setup "modprobe gpio-sim"
CHIP=/sys/kernel/config/gpio-sim/mpc
mkdir -p "$CHIP/bank0" || fail_setup "gpio-sim configfs"
echo 32 >"$CHIP/bank0/num_lines"
echo mpc-sim >"$CHIP/bank0/label"
for n in $(seq 0 31); do
    mkdir "$CHIP/bank0/line$n" && echo "GP$n" >"$CHIP/bank0/line$n/name"
done
echo 1 >"$CHIP/live" || fail_setup "gpio-sim: live=1 refused"
GPIO_DEV=$(cat "$CHIP/dev_name")
GPIO_CHIP=$(cat "$CHIP/bank0/chip_name")
export MPC_GPIO_SIM_SYSFS="/sys/devices/platform/$GPIO_DEV/$GPIO_CHIP"
export MPC_GPIO_CHIP="/dev/$GPIO_CHIP"

modprobe i2c-dev || fail_setup "modprobe i2c-dev"
modprobe i2c-stub chip_addr=0x50,0x51 || fail_setup "modprobe i2c-stub"
modprobe spi-loopback || fail_setup "modprobe spi-loopback"

export MPC_UART_DEVICE=/dev/ttyS1 MPC_UART2_DEVICE=/dev/ttyS2
for port in /sys/class/virtio-ports/*; do
    [ -e "$port/name" ] || continue
    case "$(cat "$port/name")" in
        mpc.uart1.far) export MPC_UART_FAR="/dev/${port##*/}" ;;
        mpc.uart2.far) export MPC_UART2_FAR="/dev/${port##*/}" ;;
    esac
done

for i in $(seq 50); do # device nodes appear asynchronously; wait up to 5 s
    missing=""
    for dev in "$MPC_GPIO_CHIP" /dev/i2c-0 /dev/spidev0.0 /dev/ttyS1 "${MPC_UART_FAR:-/nonexistent}"; do
        [ -c "$dev" ] || missing="$missing $dev"
    done
    [ -z "$missing" ] && break
    sleep 0.1
done
[ -z "$missing" ] || fail_setup "device nodes missing:$missing"
say "devices ready in $(ms_since "$T0") (uptime $(cut -d' ' -f1 /proc/uptime) s):" \
    "$MPC_GPIO_CHIP ($(cat "$MPC_GPIO_SIM_SYSFS/../$GPIO_CHIP/label" 2>/dev/null ||
    echo mpc-sim)) /dev/i2c-0 /dev/spidev0.0 /dev/ttyS1 far=$MPC_UART_FAR ttyS2 far=${MPC_UART2_FAR:-none}"

# ---- the code under test ---------------------------------------------------------------------
T_COPY=$(date +%s%N)
mkdir -p /opt/mpc
tar -xf "$S/code.tar" -C /opt/mpc || fail_setup "unpacking the code under test"
export HOME=/root PY_COLORS=0 PYTHONPATH=/opt/mpc/site PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
export MICROPYTHON_COMPAT_CONTRACT_BENCH=gpio-sim
export MICROPYTHON_COMPAT_BOARD=/opt/mpc/repo/tests/kernel/vm-board.toml
export HYPOTHESIS_STORAGE_DIRECTORY=/tmp/hypothesis
cd /opt/mpc/repo || fail_setup "no repo"
say "code under test copied in $(ms_since "$T_COPY"); setup took $(ms_since "$T0")"
if [ "$MPC_MODE" = smoke ]; then
    say "$(python3 --version); gpiod $(python3 -c 'import gpiod; print(gpiod.__version__)' 2>&1)"
fi

# ---- run -------------------------------------------------------------------------------------
T1=$(date +%s%N)
case "$MPC_MODE" in
    smoke)
        python3 -m pytest -q -p no:cacheprovider tests/kernel/guest_smoke.py "${PYTEST_ARGS[@]}"
        rc=$?
        ;;
    tests)
        targets=(tests/kernel/guest_smoke.py)
        if [ -d tests/contract ]; then
            targets+=(tests/contract)
        else
            say "tests/contract is not in this tree yet: running the smoke tests only"
        fi
        [ "${#PYTEST_ARGS[@]}" -gt 0 ] && targets=()
        python3 -m pytest -q -p no:cacheprovider "${targets[@]}" "${PYTEST_ARGS[@]}"
        rc=$?
        ;;
    bench)
        python3 bench/bench_kernel_gpio.py --raw /opt/mpc/bin/gpio-raw-loop "${PYTEST_ARGS[@]}"
        rc=$?
        ;;
    shell)
        say "interactive shell; exit to power off"
        bash -i
        rc=$?
        ;;
    *)
        say "unknown mode $MPC_MODE"
        rc=2
        ;;
esac
say "$MPC_MODE took $(ms_since "$T1")"
finish "$rc"
