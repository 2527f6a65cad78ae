#!/usr/bin/env bash
# Makes the Python module built in <build-dir>/python importable by Debian's
# /usr/bin/python3 (the interpreter CMake builds it for, whose NumPy comes
# from apt): writes wembed.pth, holding that directory's absolute path, into
# the interpreter's site-packages (/usr/local/lib/python3.X/dist-packages).
# The module is used where it was built, so a rebuild needs no new install.
# Idempotent; run as root (or with sudo). Offline: nothing is downloaded.
#
# Usage: scripts/install_python.sh [build-dir]   (default: build)
# Environment: WEMBED_PYTHON (default /usr/bin/python3).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${1:-build}"
PYTHON="${WEMBED_PYTHON:-/usr/bin/python3}"

if ! ls "$BUILD_DIR"/python/wembed*.so >/dev/null 2>&1; then
  echo "install_python: no module in $BUILD_DIR/python; build it first:" >&2
  echo "  cmake --build $BUILD_DIR --target wembed_python" >&2
  exit 1
fi
MODULE_DIR="$(cd "$BUILD_DIR/python" && pwd)"
SITE="$("$PYTHON" -c 'import site; print(site.getsitepackages()[0])')"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO mkdir -p "$SITE"
echo "$MODULE_DIR" | $SUDO tee "$SITE/wembed.pth" >/dev/null
(cd / && "$PYTHON" -c 'import wembed; print("install_python: " +
    "import wembed works in", __import__("sys").executable, "(" +
    wembed.__file__ + ")")')
