#!/usr/bin/env bash
# The test command. Installs the project with its test tools into .venv, runs the whole suite
# twice, with the C fast path and with its pure-Python twin (MICROPYTHON_COMPAT_PURE=1), then
# the real-kernel tier: the contract suite on the linux backend inside a QEMU guest
# (tests/kernel/run.sh; it installs its own tools with apt-get and caches its VM image).
#
#   bash tests/run.sh                 everything (what CI runs)
#   bash tests/run.sh --host-only     without the real-kernel tier (no root, no VM)
#   bash tests/run.sh -- -k uart      pytest arguments after "--"
set -euo pipefail
cd "$(dirname "$0")/.."
kernel=1
if [ "${1:-}" = "--host-only" ]; then kernel=0; shift; fi
[ "${1:-}" = "--" ] && shift
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test,linux]'
echo "== host suite, C fast path"
.venv/bin/python -m pytest "$@"
echo "== host suite, pure-Python twin (MICROPYTHON_COMPAT_PURE=1)"
MICROPYTHON_COMPAT_PURE=1 .venv/bin/python -m pytest "$@"
if [ "$kernel" = 1 ]; then
  echo "== real-kernel tier (QEMU guest: gpio-sim, i2c-stub, SPI loopback, 16550 UARTs)"
  bash tests/kernel/run.sh
fi
