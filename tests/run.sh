#!/usr/bin/env bash
# The test command: installs the project with its test tools into .venv, then runs the whole
# suite twice, with the C fast path and with its pure-Python twin (MICROPYTHON_COMPAT_PURE=1).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'
echo "== C fast path"
.venv/bin/python -m pytest "$@"
echo "== pure-Python twin (MICROPYTHON_COMPAT_PURE=1)"
MICROPYTHON_COMPAT_PURE=1 .venv/bin/python -m pytest "$@"
