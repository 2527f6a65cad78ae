#!/usr/bin/env bash
# Factor study for training defaults: trains wembed with each VARIANT's extra
# options (median of --repeats runs, each with its own --seed) at each
# --epochs setting, and reports Google analogy accuracy (top 30k, 3CosAdd) on
# the held-out split (odd-numbered sections: capital-world, city-in-state,
# gram1, gram3, gram5, gram7, gram9), on the choosing split (the
# even-numbered ones) and on all, and WordSim-353 Spearman, each as
# median [min..max]. Choose on the "dev" column; confirm on "test" and "all".
#
# Usage: scripts/quality_study.sh [--corpus F] [--epochs "1 5"] [--repeats N]
#          [--threads N] [--workdir DIR] [--wembed BIN] NAME=ARGS...
#   e.g.  scripts/quality_study.sh base= alpha05="--alpha 0.05"
#   Defaults: ../shared/data en-mix, epochs "1 5", 3 repeats, 2 threads.
#   Common settings (BENCHMARKS.md): dim 100, window 5, negative 5,
#   sample 1e-4, min-count 5; a variant's ARGS are added after them.
#   Results are appended to WORKDIR/results.tsv, so a study can be resumed
#   or extended; a (variant, epochs, seed) already there is not rerun.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
SHARED="$ROOT/../shared/data"
CORPUS="$SHARED/corpus/en-mix.txt.gz"
QUESTIONS="$SHARED/eval/questions-words.txt"
PAIRS="$SHARED/eval/wordsim353.txt"
EPOCHS="1 5"
REPEATS=3
THREADS=2
WORKDIR=""
WEMBED="$ROOT/build/wembed"
VARIANTS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --corpus) CORPUS="$2"; shift 2 ;;
    --questions) QUESTIONS="$2"; shift 2 ;;
    --pairs) PAIRS="$2"; shift 2 ;;
    --epochs) EPOCHS="$2"; shift 2 ;;
    --repeats) REPEATS="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --workdir) WORKDIR="$2"; shift 2 ;;
    --wembed) WEMBED="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | grep '^#' | cut -c3-; exit 0 ;;
    *=*) VARIANTS+=("$1"); shift ;;
    *) echo "quality_study: unknown argument $1" >&2; exit 2 ;;
  esac
done
if [ ${#VARIANTS[@]} -eq 0 ]; then
  echo "quality_study: give at least one NAME=ARGS variant (see --help)" >&2
  exit 2
fi
if [ ! -r "$CORPUS" ]; then
  echo "quality_study: corpus '$CORPUS' not found; pass --corpus (e.g. text8" \
       "from http://mattmahoney.net/dc/text8.zip)" >&2
  exit 1
fi
[ -n "$WORKDIR" ] || WORKDIR="$(mktemp -d /tmp/wembed-study.XXXXXX)"
mkdir -p "$WORKDIR"
RESULTS="$WORKDIR/results.tsv"
touch "$RESULTS"
PY=/usr/bin/python3

# Prints "dev test all" accuracies (percent) from `eval analogy --json`.
split_accuracy() {
  $PY -c '
import json, sys
j = json.load(sys.stdin)
acc = {"dev": [0, 0], "test": [0, 0], "all": [0, 0]}
for i, s in enumerate(j["sections"]):
    part = "dev" if i % 2 == 0 else "test"
    for p in (part, "all"):
        acc[p][0] += s["correct"]; acc[p][1] += s["seen"]
print(" ".join("%.3f" % (100.0 * c / max(n, 1)) for c, n in
               (acc["dev"], acc["test"], acc["all"])))'
}

for epochs in $EPOCHS; do
  for seed in $(seq 1 "$REPEATS"); do
    for variant in "${VARIANTS[@]}"; do
      name="${variant%%=*}"
      args="${variant#*=}"
      if awk -F'\t' -v n="$name" -v e="$epochs" -v s="$seed" \
           '$1==n && $2==e && $3==s {found=1} END {exit !found}' "$RESULTS"
      then
        continue
      fi
      out="$WORKDIR/$name-e$epochs-s$seed.bin"
      echo "quality_study: $name (epochs $epochs, seed $seed): $args" >&2
      # shellcheck disable=SC2086
      "$WEMBED" train --input "$CORPUS" --output "$out" --dim 100 --window 5 \
        --negative 5 --sample 1e-4 --min-count 5 --epochs "$epochs" \
        --threads "$THREADS" --seed "$seed" --quiet $args
      read -r dev test all < <("$WEMBED" eval analogy --vectors "$out" \
        --questions "$QUESTIONS" --restrict 30000 --json | split_accuracy)
      ws=$("$WEMBED" eval similarity --vectors "$out" --pairs "$PAIRS" \
           --json | $PY -c 'import json,sys; print("%.4f" % json.load(sys.stdin)["spearman"])')
      printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\n" "$name" "$epochs" "$seed" "$dev" \
        "$test" "$all" "$ws" >> "$RESULTS"
      rm -f "$out"
    done
  done
done

$PY - "$RESULTS" <<'PYEOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, epochs, seed, dev, test, all_, ws = line.rstrip("\n").split("\t")
    rows.setdefault((int(epochs), name), []).append(
        (float(dev), float(test), float(all_), float(ws)))
def cell(values, fmt):
    return (fmt + " [" + fmt + ".." + fmt + "]") % (
        statistics.median(values), min(values), max(values))
for epochs in sorted({e for e, _ in rows}):
    print("\n%d epoch(s): median [min..max] of the runs" % epochs)
    print("| variant | runs | Google dev | Google test | Google all | WS353 |")
    print("|---|---|---|---|---|---|")
    for (e, name), r in rows.items():
        if e != epochs:
            continue
        cols = list(zip(*r))
        print("| %s | %d | %s | %s | %s | %s |" % (
            name, len(r), cell(cols[0], "%.2f"), cell(cols[1], "%.2f"),
            cell(cols[2], "%.2f"), cell(cols[3], "%.3f")))
PYEOF
