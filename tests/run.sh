#!/usr/bin/env bash
# The test command. Installs the project with its test tools into .venv, runs the whole suite
# twice, with the C fast path and with its pure-Python twin (MICROPYTHON_COMPAT_PURE=1), then
# the real-kernel tier: the contract suite on the linux backend inside a QEMU guest
# (tests/kernel/run.sh; it installs its own tools with apt-get and caches its VM image), and the
# emulated Raspberry Pi tier (tests/pi/run.sh: the project's aarch64 wheel on a Pi 3B's drivers).
#
#   bash tests/run.sh                 everything (what CI runs)
#   bash tests/run.sh --host-only     without the real-kernel tier (no root, no VM)
#   bash tests/run.sh -- -k uart      pytest arguments after "--"
#
# Every stage runs even when an earlier one failed; each prints a one-line verdict with its
# time at the end, and the command exits non-zero if any stage failed.
set -uo pipefail
cd "$(dirname "$0")/.."
kernel=1
if [ "${1:-}" = "--host-only" ]; then kernel=0; shift; fi
[ "${1:-}" = "--" ] && shift

# Installing is not a stage: nothing can run without it, so a failure here ends the command.
python3 -m venv .venv &&
    .venv/bin/python -m pip install --quiet --upgrade pip &&
    .venv/bin/python -m pip install --quiet -e '.[test,linux]' ||
    { echo "tests/run.sh: installing the project and its test tools into .venv failed" >&2; exit 2; }

verdicts=()
passed=0
failed=0
stage() { # stage NAME COMMAND...: run one stage, remember its verdict and time
    local name=$1 start=$SECONDS status
    shift
    echo "== $name"
    "$@"
    status=$?
    if [ "$status" = 0 ]; then
        passed=$((passed + 1))
        verdicts+=("$(printf 'PASSED  %4ss  %s' $((SECONDS - start)) "$name")")
    else
        failed=$((failed + 1))
        verdicts+=("$(printf 'FAILED  %4ss  %s (exit %s)' $((SECONDS - start)) "$name" "$status")")
    fi
}

stage "host suite, C fast path" .venv/bin/python -m pytest "$@"
stage "host suite, pure-Python twin (MICROPYTHON_COMPAT_PURE=1)" \
    env MICROPYTHON_COMPAT_PURE=1 .venv/bin/python -m pytest "$@"
if [ "$kernel" = 1 ]; then
    stage "real-kernel tier (QEMU x86 guest: gpio-sim, i2c-stub, SPI loopback, 16550 UARTs)" \
        bash tests/kernel/run.sh
    stage "emulated Raspberry Pi tier (QEMU raspi3b: pinctrl-bcm2835, i2c-bcm2835, spi-bcm2835, PL011)" \
        bash tests/pi/run.sh
fi

echo "== verdicts"
printf '%s\n' "${verdicts[@]}"
echo "stages: $passed passed, $failed failed"
[ "$failed" = 0 ]
