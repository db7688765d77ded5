#!/bin/sh
# Runs inside the emulated Raspberry Pi 3B (busybox sh), started by the image's /init from the
# run's own initramfs archive (/mpc-run, appended by run.sh).
#
# 1. Makes /dev/serial0 -> ttyAMA0 as Raspberry Pi OS's udev rule does, and waits for the Pi's
#    devices: /dev/gpiochip0 (pinctrl-bcm2835), /dev/i2c-1 (i2c-bcm2835: EEPROMs at 0x50 and
#    0x51, a TMP105 at 0x48), /dev/spidev0.0 (spi-bcm2835: a W25Q80BL flash on CS0),
#    /dev/ttyAMA0 (the PL011) and /dev/ttyUSB0 (a USB serial adapter: the PL011's far end,
#    through the host's relay).
# 2. Runs the mode the host asked for (/mpc-run/config: MPC_MODE = tests | shell) and prints
#    "MPC-VM: result N", which run.sh reads from the console.
# The project is installed system-wide (/usr/local) from its aarch64 wheel; no board file is set.
set -u
R=/mpc-run
MPC_MODE=tests
. "$R/config"

say() { echo "MPC-VM: $*"; }
uptime_s() { cut -d' ' -f1 /proc/uptime; }
finish() {
    say "result $1"
    exit 0
}

ln -sf ttyAMA0 /dev/serial0
missing=""
for _ in $(seq 100); do # nodes appear as the drivers bind (USB enumerates last); up to 10 s
    missing=""
    for dev in /dev/gpiochip0 /dev/i2c-1 /dev/spidev0.0 /dev/ttyAMA0 /dev/ttyUSB0; do
        [ -c "$dev" ] || missing="$missing $dev"
    done
    [ -z "$missing" ] && break
    [ -n "${first_missing+set}" ] || first_missing=$missing
    sleep 0.1
done
if [ -n "$missing" ]; then
    say "SETUP FAILED: device nodes missing:$missing"
    dmesg | tail -n 30
    finish 1
fi
export HOME=/root PY_COLORS=0 PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
export MICROPYTHON_COMPAT_CONTRACT_BENCH=pi MPC_UART_FAR=/dev/ttyUSB0
unset MICROPYTHON_COMPAT_BOARD
say "devices ready at $(uptime_s) s (missing at first:${first_missing:- none}): $(cat /proc/device-tree/model | tr -d '\0');" \
    "$(cat /sys/bus/gpio/devices/gpiochip0/of_node/compatible 2>/dev/null | tr '\0' ' ')" \
    "/dev/i2c-1 /dev/spidev0.0 /dev/serial0 -> ttyAMA0, far end /dev/ttyUSB0"
cd "$R/repo" || finish 1

case "$MPC_MODE" in
    tests)
        set -- tests/pi/guest_pi.py tests/contract
        if [ -s "$R/pytest-args" ]; then
            set --
            while IFS= read -r arg; do set -- "$@" "$arg"; done <"$R/pytest-args"
        fi
        python3 -m pytest -q -rs -p no:cacheprovider "$@"
        rc=$?
        ;;
    shell)
        say "interactive shell; exit to stop the emulated Pi"
        sh -i
        rc=$?
        ;;
    *)
        say "unknown mode $MPC_MODE"
        rc=2
        ;;
esac
say "$MPC_MODE finished at $(uptime_s) s (uptime)"
finish "$rc"
