#!/usr/bin/env bash
# Distributed and deterministic training against the default mode, one run
# each in the same session (issue 12; docs/distributed.md): wall time,
# words/s, peak RSS, Google analogy (top 30k) and WordSim-353 of
#   default        wembed train --threads 2
#   deterministic  wembed train --deterministic --threads 2 (twice; the two
#                  vector files must be identical)
#   mpi-2, mpi-4   mpirun -np 2 / -np 4 wembed train --threads 1
#                  (ranks on this machine; -np 4 oversubscribes 2 cores)
# plus, for each run, the sync time the trainer reports.
#
# Usage: scripts/bench_distributed.sh [--corpus F] [--epochs N]
#          [--ranks "2 4"] [--workdir DIR]
#   Default corpus ../shared/data/corpus/en-mix.txt.gz (unpacked once into
#   the workdir). Without it: download a corpus (e.g. text8,
#   http://mattmahoney.net/dc/text8.zip) and pass --corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
DATA="$ROOT/../shared/data"
CORPUS="$DATA/corpus/en-mix.txt.gz"
QUESTIONS="$DATA/eval/questions-words.txt"
PAIRS="$DATA/eval/wordsim353.txt"
EPOCHS=1
RANKS="2 4"
WORKDIR=""
while [ $# -gt 0 ]; do
  case "$1" in
    --corpus) CORPUS="$2"; shift 2 ;;
    --epochs) EPOCHS="$2"; shift 2 ;;
    --ranks) RANKS="$2"; shift 2 ;;
    --workdir) WORKDIR="$2"; shift 2 ;;
    *) echo "bench_distributed: unknown option $1" >&2; exit 2 ;;
  esac
done
if [ ! -f "$CORPUS" ]; then
  echo "bench_distributed: no corpus at $CORPUS; download one (e.g." \
       "http://mattmahoney.net/dc/text8.zip) and pass --corpus FILE" >&2
  exit 2
fi
command -v mpirun >/dev/null || { echo "bench_distributed: mpirun not found" \
  "(apt-get install openmpi-bin libopenmpi-dev)" >&2; exit 2; }
[ -n "$WORKDIR" ] || WORKDIR="$(mktemp -d /tmp/wembed-dist.XXXXXX)"
mkdir -p "$WORKDIR"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc)" --target wembed >/dev/null
WEMBED="$ROOT/build/wembed"
TEXT="$CORPUS"
if [ "$(head -c2 "$CORPUS" | od -An -tx1 | tr -d ' ')" = "1f8b" ]; then
  TEXT="$WORKDIR/corpus.txt"
  [ -s "$TEXT" ] || zcat "$CORPUS" > "$TEXT"
fi
TOKENS=$(wc -w < "$TEXT")
MPIRUN=(mpirun --oversubscribe --bind-to none)
[ "$(id -u)" = 0 ] && MPIRUN+=(--allow-run-as-root)
COMMON=(train --input "$TEXT" --format bin --dim 100 --window 5 --sample 1e-4
        --min-count 5 --epochs "$EPOCHS")

score() {  # vectors -> "google ws353"
  local acc ws
  acc=$("$WEMBED" eval analogy --vectors "$1" --questions "$QUESTIONS" \
        --restrict 30000 --json | python3 -c \
        'import json,sys; print("%.2f" % json.load(sys.stdin)["total"]["accuracy"])')
  ws=$("$WEMBED" eval similarity --vectors "$1" --pairs "$PAIRS" --json |
       python3 -c 'import json,sys; print("%.3f" % json.load(sys.stdin)["spearman"])')
  echo "$acc $ws"
}

run() {  # name command...
  local name="$1"; shift
  echo "bench_distributed: $name ..." >&2
  /usr/bin/time -f "%e %M" -o "$WORKDIR/time.txt" "$@" \
    > "$WORKDIR/$name.log" 2>&1 || { echo "bench_distributed: $name failed;" \
    "see $WORKDIR/$name.log" >&2; exit 1; }
  local wall rss
  read -r wall rss < <(tail -1 "$WORKDIR/time.txt")
  local sync
  sync=$(grep -o 'sync[^;]*' "$WORKDIR/$name.log" | tail -1 || true)
  printf "| %s | %s | %.0fk | %d MB | %s | %s | %s |\n" "$name" "$wall" \
    "$(echo "$TOKENS * $EPOCHS / $wall / 1000" | bc -l)" $((rss / 1024)) \
    $(score "$WORKDIR/$name.bin") "${sync:-}" >> "$WORKDIR/table.md"
}

echo "| run | wall s | words/s | peak RSS (rank 0 / process) | Google | WS353 | sync |" \
  > "$WORKDIR/table.md"
echo "|---|---|---|---|---|---|---|" >> "$WORKDIR/table.md"
run default "$WEMBED" "${COMMON[@]}" --threads 2 --output "$WORKDIR/default.bin"
run deterministic "$WEMBED" "${COMMON[@]}" --threads 2 --deterministic \
  --output "$WORKDIR/deterministic.bin"
run deterministic-again "$WEMBED" "${COMMON[@]}" --threads 2 --deterministic \
  --output "$WORKDIR/deterministic-again.bin"
for n in $RANKS; do
  run "mpi-$n" "${MPIRUN[@]}" -np "$n" "$WEMBED" "${COMMON[@]}" --threads 1 \
    --output "$WORKDIR/mpi-$n.bin"
done
cat "$WORKDIR/table.md"
if cmp -s "$WORKDIR/deterministic.bin" "$WORKDIR/deterministic-again.bin"; then
  echo "deterministic: the two runs wrote identical vectors"
else
  echo "deterministic: the two runs DIFFER"; exit 1
fi
