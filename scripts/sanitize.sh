#!/usr/bin/env bash
# The sanitizer runs of the test suite (docs/reliability.md, "Sanitizers").
#   asan: AddressSanitizer + UndefinedBehaviorSanitizer (and LeakSanitizer)
#         build of everything but the Python module in build-asan; runs the
#         whole CTest suite there.
#   tsan: ThreadSanitizer build of the CLI and the test binary in
#         build-tsan; runs the tests of the pause/checkpoint/stop protocol
#         (checkpoints, signals, the progress monitor, the trainer's
#         threads). Intended hogwild races: tests/tsan.supp.
# Usage: scripts/sanitize.sh [asan|tsan|all]   (default: all)
# scripts/test.sh runs it after the normal suite unless WEMBED_SANITIZERS=0.
set -euo pipefail
cd "$(dirname "$0")/.."
WHAT="${1:-all}"
JOBS="$(nproc)"
ROOT="$(pwd)"

# -O1 keeps the instrumented build fast; -g1 gives line numbers in reports.
configure() {  # configure <build-dir> <sanitizers>
  local launcher=()
  if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  fi
  cmake -S . -B "$1" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" "${launcher[@]}" \
    -DWEMBED_SANITIZE="$2" -DWEMBED_BUILD_PYTHON=OFF \
    -DWEMBED_BUILD_BENCHMARKS=OFF
}

run_asan() {
  configure build-asan address,undefined
  cmake --build build-asan -j "$JOBS"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1 \
  LSAN_OPTIONS="suppressions=$ROOT/tests/lsan.supp:print_suppressions=0" \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j "$JOBS"
}

# The tests of the pause/checkpoint/stop protocol and of the threads that
# carry it out (trainer workers, monitor, progress reporting, signals), and
# of --deterministic's barrier, sync rounds and replica groups.
TSAN_TESTS='^(TrainingJobTest|ChunkReaderTest|ParallelScanTest|DeterministicTest|ReplicaGroupTest|SyncBarrierTest)\.|^TrainerTest\.(StopSaveResume|SingleThread|MultiThreadedRun|PrivateTreeRows|DivergedRun|AnEncodedCorpusDamaged)|^TrainCliTest\.Sig|^CheckpointTest\.KilledWriter|^ReliabilityCliTest\.(DivergedRun|IgnoredSighup|VectorsAreWritten|CheckpointIsWritten)|^HardeningCliTest\.SigintWhileStdin'

run_tsan() {
  configure build-tsan thread
  cmake --build build-tsan -j "$JOBS" --target wembed wembed_tests
  # OpenMP (libgomp) is not TSan-instrumented: its barriers and `omp
  # critical` locks are invisible, so OpenMP code (the evaluators the
  # training tests score with) runs with one thread here.
  OMP_NUM_THREADS=1 \
  TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$ROOT/tests/tsan.supp" \
    ctest --test-dir build-tsan --output-on-failure -j "$JOBS" \
    -R "$TSAN_TESTS"
}

case "$WHAT" in
  asan) run_asan ;;
  tsan) run_tsan ;;
  all) run_asan; run_tsan ;;
  *) echo "usage: scripts/sanitize.sh [asan|tsan|all]" >&2; exit 2 ;;
esac
