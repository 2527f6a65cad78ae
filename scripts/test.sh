#!/usr/bin/env bash
# The whole test suite: install dependencies, build (the CLI, the library
# and the Python module), make the module importable, run CTest (GoogleTest
# and the Python module's pytest suite).
# Usage: scripts/test.sh [build-dir]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${1:-build}"

bash scripts/setup.sh
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release
cmake --build "$BUILD_DIR" -j "$(nproc)"
bash scripts/install_python.sh "$BUILD_DIR"
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$(nproc)"

# Sanitizers (docs/reliability.md, "Sanitizers"): ASan+UBSan suite and the
# TSan protocol tests, each in its own build directory. WEMBED_SANITIZERS=0
# skips them (quick local runs).
if [ "${WEMBED_SANITIZERS:-1}" != 0 ]; then bash scripts/sanitize.sh all; fi

# --- Fuzzing (docs/reliability.md, "Fuzzing") ---------------------------
# Every libFuzzer target (fuzz/) for a bounded time, built with clang in
# build-fuzz. WEMBED_FUZZ_SECONDS=<s> sets the time per target (default
# 12: 11 targets); WEMBED_FUZZ_SECONDS=0 skips the block.
FUZZ_SECONDS="${WEMBED_FUZZ_SECONDS:-12}"
if [ "$FUZZ_SECONDS" != "0" ]; then
  echo "test: fuzzing every target for ${FUZZ_SECONDS} s"
  bash scripts/fuzz.sh "$FUZZ_SECONDS"
fi
