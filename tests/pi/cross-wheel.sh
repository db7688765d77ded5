#!/usr/bin/env bash
# Build a wheel for aarch64 (the emulated Pi's CPython) on this x86 host.
#
#   bash tests/pi/cross-wheel.sh DEV_ROOT OUT_DIR SOURCE
#
# DEV_ROOT holds libpython3.X-dev for arm64 unpacked (the image's dev/); SOURCE is a project
# directory or a package name (its source distribution is fetched from the configured index).
# C extensions are compiled with gcc-aarch64-linux-gnu against DEV_ROOT's headers, named with
# the guest's extension suffix, and the wheel is tagged linux_aarch64. Runs the host's python
# ($MPC_BUILD_PYTHON, else $MPC_VM_PYTHON, else python3; the same minor version as the guest's)
# with pip's build isolation unless that python already has setuptools and wheel.
set -euo pipefail
DEV=${1:?usage: cross-wheel.sh DEV_ROOT OUT_DIR SOURCE}
OUT=${2:?usage: cross-wheel.sh DEV_ROOT OUT_DIR SOURCE}
SOURCE=${3:?usage: cross-wheel.sh DEV_ROOT OUT_DIR SOURCE}
PY=${MPC_BUILD_PYTHON:-${MPC_VM_PYTHON:-python3}}
VER=$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
TRIPLET=aarch64-linux-gnu
command -v "$TRIPLET-gcc" >/dev/null || { echo "no $TRIPLET-gcc (gcc-aarch64-linux-gnu)" >&2; exit 1; }
[ -f "$DEV/usr/include/python$VER/Python.h" ] || { echo "no python$VER headers in $DEV" >&2; exit 1; }
# Debian's Python.h includes pyconfig.h, which includes <aarch64-linux-gnu/python3.X/pyconfig.h>
# when __aarch64__ is defined: both come from DEV, ahead of the host's own headers.
export CC="$TRIPLET-gcc" LDSHARED="$TRIPLET-gcc -shared" CFLAGS="-I$DEV/usr/include/python$VER -I$DEV/usr/include"
export SETUPTOOLS_EXT_SUFFIX=".cpython-${VER/./}-$TRIPLET.so" _PYTHON_HOST_PLATFORM=linux-aarch64
ISOLATION=()
"$PY" -c 'import setuptools, wheel' 2>/dev/null && ISOLATION=(--no-build-isolation)
[ -e "$SOURCE" ] || ISOLATION+=(--no-binary "$SOURCE")
mkdir -p "$OUT"
"$PY" -m pip wheel --quiet --no-input --disable-pip-version-check --no-cache-dir --no-deps "${ISOLATION[@]}" \
    --wheel-dir "$OUT" "$SOURCE"
