#!/usr/bin/env bash
# Distributed and deterministic training against the default mode, one run
# each in the same session (issue 12; docs/distributed.md): wall time,
# words/s, peak RSS, Google analogy (top 30k) and WordSim-353 of
#   default        wembed train --threads 2
#   deterministic  wembed train --deterministic --threads 2 (twice; the two
#                  vector files must be identical)
#   mpi-2, mpi-4   mpirun -np 2 / -np 4 wembed train --threads 1
#                  (ranks on this machine, which train one model in shared
#                  memory; -np 4 oversubscribes 2 cores)
#   mpi-2-private, mpi-4-private
#                  the same with --private-rank-models: each rank its own
#                  model, averaged at the syncs, as ranks on several
#                  machines train (what the cost model predicts from)
#   mpi-2x2        mpirun -np 2 wembed train --threads 2 (hogwild threads
#                  within each rank: 2 replicas, 4 threads on 2 cores)
#   mpi-2-wenc     mpirun -np 2 --threads 1 on the corpus encoded once
#                  (wembed encode, not timed): the ranks share the .wenc
# plus, for each run, the sync time the trainer reports. With --repeats R
# the default and mpi-N runs are repeated R times, interleaved, and the
# medians of their words/s compared (the machine's speed drifts).
#
# Usage: scripts/bench_distributed.sh [--corpus F] [--epochs N]
#          [--ranks "2 4"] [--repeats R] [--workdir DIR]
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
REPEATS=1
WORKDIR=""
while [ $# -gt 0 ]; do
  case "$1" in
    --corpus) CORPUS="$2"; shift 2 ;;
    --epochs) EPOCHS="$2"; shift 2 ;;
    --ranks) RANKS="$2"; shift 2 ;;
    --repeats) REPEATS="$2"; shift 2 ;;
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
  local sync trained
  sync=$(grep -o 'sync[^;]*' "$WORKDIR/$name.log" | tail -1 || true)
  # The trainer's own rate for its training phase ("done: ... 6.55M
  # words/s"): without process start, MPI start-up, the scan and the output.
  trained=$(tr '\r' '\n' < "$WORKDIR/$name.log" | grep -oE 'done: .*' |
    grep -oE '[0-9.]+[kM] words/s' | head -1 |
    awk '{v = $1; m = (v ~ /M$/) ? 1000 : 1; sub(/[kM]$/, "", v); printf "%.0fk", v * m}')
  printf "| %s | %s | %.0fk | %s | %d MB | %s | %s | %s |\n" "$name" "$wall" \
    "$(echo "$TOKENS * $EPOCHS / $wall / 1000" | bc -l)" "${trained:-?}" \
    $((rss / 1024)) $(score "$WORKDIR/$name.bin") "${sync:-}" \
    >> "$WORKDIR/table.md"
}

echo "| run | wall s | words/s (wall) | words/s (training) | peak RSS (rank 0 / process) | Google | WS353 | sync |" \
  > "$WORKDIR/table.md"
echo "|---|---|---|---|---|---|---|---|" >> "$WORKDIR/table.md"
for r in $(seq "$REPEATS"); do
  suffix=""; [ "$REPEATS" -gt 1 ] && suffix="#$r"
  run "default$suffix" "$WEMBED" "${COMMON[@]}" --threads 2 \
    --output "$WORKDIR/default$suffix.bin"
  for n in $RANKS; do
    run "mpi-$n$suffix" "${MPIRUN[@]}" -np "$n" "$WEMBED" "${COMMON[@]}" \
      --threads 1 --output "$WORKDIR/mpi-$n$suffix.bin"
    run "mpi-$n-private$suffix" "${MPIRUN[@]}" -np "$n" "$WEMBED" \
      "${COMMON[@]}" --threads 1 --private-rank-models \
      --output "$WORKDIR/mpi-$n-private$suffix.bin"
  done
done
run mpi-2x2 "${MPIRUN[@]}" -np 2 "$WEMBED" "${COMMON[@]}" --threads 2 \
  --output "$WORKDIR/mpi-2x2.bin"
"$WEMBED" encode --input "$TEXT" --output "$WORKDIR/corpus.wenc" \
  --min-count 5 -q
WENC_COMMON=("${COMMON[@]}")
WENC_COMMON[2]="$WORKDIR/corpus.wenc"  # --input
run mpi-2-wenc "${MPIRUN[@]}" -np 2 "$WEMBED" "${WENC_COMMON[@]}" --threads 1 \
  --output "$WORKDIR/mpi-2-wenc.bin"
run deterministic "$WEMBED" "${COMMON[@]}" --threads 2 --deterministic \
  --output "$WORKDIR/deterministic.bin"
run deterministic-again "$WEMBED" "${COMMON[@]}" --threads 2 --deterministic \
  --output "$WORKDIR/deterministic-again.bin"
cat "$WORKDIR/table.md"
python3 - "$WORKDIR/table.md" $RANKS <<'PY'
import statistics, sys
wall, trained = {}, {}
for line in open(sys.argv[1]):
    cells = [c.strip() for c in line.strip().strip('|').split('|')]
    if len(cells) > 3 and cells[2].endswith('k'):
        name = cells[0].split('#')[0]
        wall.setdefault(name, []).append(float(cells[2][:-1]))
        if cells[3].endswith('k'):
            trained.setdefault(name, []).append(float(cells[3][:-1]))
for label, rows in (("wall", wall), ("training", trained)):
    if 'default' not in rows:
        continue
    base = statistics.median(rows['default'])
    names = ['mpi-' + n + s for n in sys.argv[2:] for s in ('', '-private')]
    for name in names + ['deterministic']:
        runs = rows.get(name, [])
        if runs:
            m = statistics.median(runs)
            print("%s: words/s (%s) median %.0fk = %.2fx the default's median "
                  "%.0fk (%d and %d runs)" % (name, label, m, m / base, base,
                                              len(runs), len(rows['default'])))
PY
if cmp -s "$WORKDIR/deterministic.bin" "$WORKDIR/deterministic-again.bin"; then
  echo "deterministic: the two runs wrote identical vectors"
else
  echo "deterministic: the two runs DIFFER"; exit 1
fi
