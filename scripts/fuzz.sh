#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, clang with ASan + UBSan) in
# build-fuzz and runs each for a bounded time on a temporary copy of its
# seed corpus (fuzz/corpus/<target>/; nothing is written into the repo).
# Fails (exit 1) on any crash, leak, timeout or out-of-memory, and prints
# where the reproducer was kept. docs/reliability.md, "Fuzzing".
#
# Usage: scripts/fuzz.sh [seconds-per-target] [target...]
#   seconds-per-target  default 20 (0: build only)
#   target              e.g. checkpoint word2vec_text (default: all)
# Environment:
#   WEMBED_FUZZ_BUILD_DIR  build directory (default build-fuzz)
#   WEMBED_FUZZ_ARTIFACTS  where reproducers are kept
#                          (default <build dir>/fuzz-artifacts)
#   WEMBED_FUZZ_ARGS       extra libFuzzer flags (e.g. "-jobs=2 -workers=2")
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_TARGET="${1:-20}"
if [ $# -gt 0 ]; then shift; fi
BUILD_DIR="${WEMBED_FUZZ_BUILD_DIR:-build-fuzz}"
ARTIFACTS="${WEMBED_FUZZ_ARTIFACTS:-$BUILD_DIR/fuzz-artifacts}"

all_targets=()
for f in fuzz/*_fuzzer.cc; do
  t="$(basename "$f" _fuzzer.cc)"
  all_targets+=("$t")
done
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then targets=("${all_targets[@]}"); fi
for t in "${targets[@]}"; do
  if [ ! -f "fuzz/${t}_fuzzer.cc" ]; then
    echo "fuzz: unknown target '$t' (have: ${all_targets[*]})" >&2
    exit 2
  fi
done

launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache
            -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
CC=clang CXX=clang++ cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DWEMBED_FUZZ=ON -DWEMBED_BUILD_TESTS=OFF -DWEMBED_BUILD_BENCHMARKS=OFF \
  -DWEMBED_BUILD_PYTHON=OFF "${launcher[@]}" >/dev/null
build_targets=()
for t in "${targets[@]}"; do build_targets+=("${t}_fuzzer"); done
cmake --build "$BUILD_DIR" -j "$(nproc)" --target "${build_targets[@]}"
if [ "$SECONDS_PER_TARGET" = "0" ]; then exit 0; fi

work="$(mktemp -d "${TMPDIR:-/tmp}/wembed-fuzz.XXXXXX")"
trap 'rm -rf "$work"' EXIT
failed=()
printf '%-20s %8s %10s %8s %s\n' target cpu_s execs corpus result
for t in "${targets[@]}"; do
  dir="$work/$t"
  mkdir -p "$dir/corpus" "$dir/artifacts" "$dir/tmp"
  if [ -d "fuzz/corpus/$t" ]; then cp -r fuzz/corpus/"$t"/. "$dir/corpus/"; fi
  rc=0
  # shellcheck disable=SC2086  # WEMBED_FUZZ_ARGS is a list of flags
  # TMPDIR: the targets' input files and scratch files go with the rest
  # (libFuzzer may end a run without running atexit handlers).
  TMPDIR="$dir/tmp" /usr/bin/time -f '%U %S' -o "$dir/time" \
    "$BUILD_DIR/fuzz/${t}_fuzzer" "$dir/corpus" \
    -max_total_time="$SECONDS_PER_TARGET" -timeout=10 \
    -rss_limit_mb=2048 -malloc_limit_mb=1024 -print_final_stats=1 \
    -artifact_prefix="$dir/artifacts/" ${WEMBED_FUZZ_ARGS:-} \
    >"$dir/log" 2>&1 || rc=$?
  # (time's last line: a failed command adds one before it)
  cpu="$(tail -1 "$dir/time" | awk '{printf "%.0f", $1 + $2}')"
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -1)"
  files="$(find "$dir/corpus" -type f | wc -l)"
  if [ "$rc" -eq 0 ] && [ -z "$(ls -A "$dir/artifacts")" ]; then
    printf '%-20s %8s %10s %8s %s\n' "$t" "$cpu" "${execs:-?}" "$files" ok
    continue
  fi
  printf '%-20s %8s %10s %8s %s\n' "$t" "$cpu" "${execs:-?}" "$files" \
    "FAILED (exit $rc)"
  failed+=("$t")
  mkdir -p "$ARTIFACTS/$t"
  cp "$dir/log" "$ARTIFACTS/$t/log"
  for a in "$dir"/artifacts/*; do
    [ -e "$a" ] || continue
    cp "$a" "$ARTIFACTS/$t/"
    echo "fuzz: $t: reproducer $ARTIFACTS/$t/$(basename "$a")" \
         "(rerun: $BUILD_DIR/fuzz/${t}_fuzzer $ARTIFACTS/$t/$(basename "$a"))"
  done
  grep -m1 -E 'ERROR: |SUMMARY: |invariant failed' "$dir/log" | sed "s/^/fuzz: $t: /" || true
  echo "fuzz: $t: full log $ARTIFACTS/$t/log"
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} targets, ${SECONDS_PER_TARGET} s each: no crash"
