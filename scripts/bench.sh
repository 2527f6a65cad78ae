#!/usr/bin/env bash
# Side-by-side training benchmark: wembed against the anchors installable
# here (fastText and gensim from Debian packages) and, when given, binaries of
# word2vec.c and pWord2Vec built elsewhere. Same corpus, same settings, one
# run; prints wall time, words/s, peak RSS, Google analogy (top 30k, 3CosAdd)
# and WordSim-353 Spearman, each scored by `wembed eval`.
#
# Usage: scripts/bench.sh [--corpus F] [--questions Q] [--pairs P]
#          [--epochs N] [--threads N] [--repeats N] [--tools LIST]
#          [--model sg|cbow] [--loss ns|hs] [--alpha A] [--subwords MIN-MAX]
#          [--word2vec PATH] [--pword2vec PATH] [--baseline PATH]
#          [--anchor-repeats N] [--workdir DIR]
#   Defaults: ../shared/data corpus and eval files, 1 epoch, 2 threads,
#   1 repeat, tools "wembed wembed-1thread wembed-exact fasttext gensim"
#   (word2vec / pword2vec are added when their binaries are given;
#   wembed-1thread is wembed with --threads 1, for thread scaling;
#   --baseline adds "baseline": another wembed binary, e.g. one built from
#   the commit before a change, run with wembed's settings in the same run).
#   --anchor-repeats N runs the other tools (not wembed, its variants or the
#   baseline) only N times (default: --repeats), for medians of wembed in a
#   run where the slow anchors run once.
#   Settings (BENCHMARKS.md): skip-gram, dim 100, window 5, negative 5,
#   sample 1e-4, min-count 5. Timing is of the whole process (/usr/bin/time).
#   --model cbow / --loss hs train every tool with CBOW / hierarchical
#   softmax (word2vec.c: -cbow 1, -hs 1 -negative 0; fastText: cbow, -loss
#   hs; gensim: sg=0, hs=1 negative=0; pWord2Vec has only skip-gram with
#   negative sampling and is skipped).
#   --alpha own (the default): each tool at its own defaults (wembed's
#   --alpha/--noise-exponent, word2vec.c's and pWord2Vec's -alpha 0.025
#   for skip-gram and 0.05 for CBOW, gensim's 0.025, fastText's -lr 0.05);
#   --alpha word2vec: every tool but fastText at word2vec.c's settings
#   (wembed with --preset word2vec); --alpha A: that rate for every tool
#   but fastText (which always keeps its -lr 0.05).
#   --subwords MIN-MAX: character n-grams (wembed --subwords MIN-MAX,
#   fastText -minn MIN -maxn MAX, both with 2M buckets); only wembed and
#   fastText have them, the other tools are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
SHARED="$ROOT/../shared/data"
CORPUS="$SHARED/corpus/en-mix.txt.gz"
QUESTIONS="$SHARED/eval/questions-words.txt"
PAIRS="$SHARED/eval/wordsim353.txt"
EPOCHS=1
THREADS=2
MODEL=sg
LOSS=ns
ALPHA=own
SUBWORDS=""
REPEATS=1
ANCHOR_REPEATS=
TOOLS="wembed wembed-1thread wembed-exact fasttext gensim"
W2V=""
PW2V=""
BASELINE=""
WORKDIR=""
while [ $# -gt 0 ]; do
  case "$1" in
    --corpus) CORPUS="$2"; shift 2 ;;
    --questions) QUESTIONS="$2"; shift 2 ;;
    --pairs) PAIRS="$2"; shift 2 ;;
    --epochs) EPOCHS="$2"; shift 2 ;;
    --model) MODEL="$2"; shift 2 ;;
    --loss) LOSS="$2"; shift 2 ;;
    --alpha) ALPHA="$2"; shift 2 ;;
    --subwords) SUBWORDS="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --repeats) REPEATS="$2"; shift 2 ;;
    --anchor-repeats) ANCHOR_REPEATS="$2"; shift 2 ;;
    --tools) TOOLS="$2"; shift 2 ;;
    --word2vec) W2V="$2"; TOOLS="$TOOLS word2vec"; shift 2 ;;
    --pword2vec) PW2V="$2"; TOOLS="$TOOLS pword2vec"; shift 2 ;;
    --baseline) BASELINE="$2"; TOOLS="$TOOLS baseline"; shift 2 ;;
    --workdir) WORKDIR="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | grep '^#' | cut -c3-; exit 0 ;;
    *) echo "bench: unknown argument $1" >&2; exit 2 ;;
  esac
done
case "$MODEL" in sg|cbow) ;; *) echo "bench: --model sg or cbow" >&2; exit 2 ;; esac
case "$LOSS" in ns|hs) ;; *) echo "bench: --loss ns or hs" >&2; exit 2 ;; esac
# word2vec.c's (and pWord2Vec's) default rate for the model.
W2V_ALPHA=0.025
if [ "$MODEL" = cbow ]; then W2V_ALPHA=0.05; fi
# WEMBED_ALPHA: wembed's rate flags; BASELINE_ALPHA: the same for a baseline
# binary that may predate --preset; TOOL_ALPHA: the others' rate.
case "$ALPHA" in
  own) WEMBED_ALPHA=""; BASELINE_ALPHA=""; TOOL_ALPHA="" ;;
  word2vec) WEMBED_ALPHA="--preset word2vec"
    BASELINE_ALPHA="--alpha $W2V_ALPHA --noise-exponent 0.75"
    TOOL_ALPHA="$W2V_ALPHA" ;;
  *) WEMBED_ALPHA="--alpha $ALPHA"; BASELINE_ALPHA="--alpha $ALPHA"
    TOOL_ALPHA="$ALPHA" ;;
esac
GENSIM_ALPHA="${TOOL_ALPHA:-0.025}"  # gensim's own default either way
if [ "$MODEL-$LOSS" != sg-ns ] && [[ " $TOOLS " == *" pword2vec "* ]]; then
  echo "bench: pWord2Vec trains only skip-gram with negative sampling;" \
       "skipping it" >&2
  TOOLS="${TOOLS//pword2vec/}"
fi
FT_NGRAMS="-minn 0 -maxn 0"
if [ -n "$SUBWORDS" ]; then
  if ! [[ "$SUBWORDS" =~ ^([0-9]+)-([0-9]+)$ ]]; then
    echo "bench: --subwords MIN-MAX, e.g. 3-6" >&2; exit 2
  fi
  FT_NGRAMS="-minn ${BASH_REMATCH[1]} -maxn ${BASH_REMATCH[2]}"
  kept=""
  for t in $TOOLS; do
    case "$t" in
      wembed|fasttext) kept="$kept $t" ;;
      *) echo "bench: $t has no subword model; skipping it" >&2 ;;
    esac
  done
  TOOLS="$kept"
fi
# The model flags of each tool.
WEMBED_MODEL="--model $MODEL --loss $LOSS $WEMBED_ALPHA"
if [ "$LOSS" = hs ]; then WEMBED_MODEL="$WEMBED_MODEL --negative 0"; else
  WEMBED_MODEL="$WEMBED_MODEL --negative 5"; fi
if [ -n "$SUBWORDS" ]; then WEMBED_MODEL="$WEMBED_MODEL --subwords $SUBWORDS"; fi
# A baseline binary may predate --model/--loss: name them only when needed.
BASELINE_MODEL="${WEMBED_MODEL/$WEMBED_ALPHA/$BASELINE_ALPHA}"
if [ "$MODEL" = sg ] && [ "$LOSS" = ns ]; then
  BASELINE_MODEL="$BASELINE_ALPHA --negative 5"; fi
W2V_MODEL="-cbow $([ "$MODEL" = cbow ] && echo 1 || echo 0)"
if [ -n "$TOOL_ALPHA" ]; then W2V_MODEL="$W2V_MODEL -alpha $TOOL_ALPHA"; fi
if [ "$LOSS" = hs ]; then W2V_MODEL="$W2V_MODEL -hs 1 -negative 0"; else
  W2V_MODEL="$W2V_MODEL -hs 0 -negative 5"; fi
FT_MODEL="$([ "$MODEL" = cbow ] && echo cbow || echo skipgram)"
FT_LOSS="$([ "$LOSS" = hs ] && echo "-loss hs" || echo "-loss ns -neg 5")"
if [ ! -r "$CORPUS" ]; then
  echo "bench: corpus '$CORPUS' not found; pass --corpus (e.g. text8 from" \
       "http://mattmahoney.net/dc/text8.zip)" >&2
  exit 1
fi
PY=/usr/bin/python3
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc)" --target wembed >/dev/null
WEMBED="$ROOT/build/wembed"
[ -n "$WORKDIR" ] || WORKDIR="$(mktemp -d /tmp/wembed-bench.XXXXXX)"
mkdir -p "$WORKDIR"

# The reference protocol trains on the unpacked text.
TEXT="$CORPUS"
if [ "$(head -c2 "$CORPUS" | od -An -tx1 | tr -d ' ')" = "1f8b" ]; then
  TEXT="$WORKDIR/corpus.txt"
  if [ ! -s "$TEXT" ]; then
    echo "bench: unpacking $CORPUS" >&2
    zcat "$CORPUS" > "$TEXT"
  fi
fi
WORDS=$(wc -w < "$TEXT")
echo "bench: corpus $TEXT ($WORDS words), $MODEL-$LOSS${SUBWORDS:+ subwords $SUBWORDS}, alpha $ALPHA," \
     "$EPOCHS epoch(s), $THREADS threads, $REPEATS repeat(s); workdir" \
     "$WORKDIR" >&2

# Prints the command line that trains with tool $1 and writes vectors to $2.
command_for() {
  local tool="$1" out="$2"
  case "$tool" in
    wembed) echo "$WEMBED train --input $TEXT --output $out.bin --format bin" \
      "--dim 100 --window 5 $WEMBED_MODEL --sample 1e-4 --min-count 5" \
      "--epochs $EPOCHS --threads $THREADS --quiet" ;;
    baseline) echo "$BASELINE train --input $TEXT --output $out.bin" \
      "--format bin --dim 100 --window 5 $BASELINE_MODEL --sample 1e-4" \
      "--min-count 5 --epochs $EPOCHS --threads $THREADS --quiet" ;;
    wembed-1thread) echo "$WEMBED train --input $TEXT --output $out.bin" \
      "--format bin --dim 100 --window 5 $WEMBED_MODEL --sample 1e-4" \
      "--min-count 5 --epochs $EPOCHS --threads 1 --quiet" ;;
    wembed-exact) echo "$WEMBED train --input $TEXT --output $out.bin" \
      "--format bin --dim 100 --window 5 $WEMBED_MODEL --sample 1e-4" \
      "--min-count 5 --epochs $EPOCHS --threads $THREADS --update exact" \
      "--quiet" ;;
    fasttext) echo "fasttext $FT_MODEL -input $TEXT -output $out -dim 100" \
      "-ws 5 $FT_LOSS -t 1e-4 -minCount 5 -epoch $EPOCHS -thread $THREADS" \
      "$FT_NGRAMS -verbose 0" ;;
    gensim) echo "$PY $ROOT/scripts/gensim_train.py $TEXT $out.bin" \
      "$EPOCHS $THREADS $MODEL $LOSS $GENSIM_ALPHA" ;;
    word2vec) echo "$W2V -train $TEXT -output $out.bin $W2V_MODEL -size 100" \
      "-window 5 -sample 1e-4 -threads $THREADS" \
      "-binary 1 -iter $EPOCHS -min-count 5" ;;
    pword2vec) echo "$PW2V -train $TEXT -output $out.bin -size 100" \
      "-window 5 -negative 5 -sample 1e-4 -threads $THREADS -binary 1" \
      "-iter $EPOCHS -min-count 5 -batch-size 11" \
      "${TOOL_ALPHA:+-alpha $TOOL_ALPHA}" ;;
  esac
}

vectors_file() {  # fastText writes .vec (text); the others .bin
  if [ "$1" = fasttext ]; then echo "$2.vec"; else echo "$2.bin"; fi
}

RESULTS="$WORKDIR/results.tsv"
: > "$RESULTS"
for rep in $(seq 1 "$REPEATS"); do
  for tool in $TOOLS; do
    case "$tool" in
      wembed*|baseline) ;;
      *) if [ "$rep" -gt "${ANCHOR_REPEATS:-$REPEATS}" ]; then continue; fi ;;
    esac
    out="$WORKDIR/$tool"
    echo "bench: [$rep/$REPEATS] training with $tool ..." >&2
    # shellcheck disable=SC2046
    if ! /usr/bin/time -f "%e %M" -o "$WORKDIR/time.txt" \
         $(command_for "$tool" "$out") > "$WORKDIR/$tool.log" 2>&1; then
      echo "bench: $tool failed; see $WORKDIR/$tool.log" >&2
      continue
    fi
    read -r wall rss_kb < <(tail -1 "$WORKDIR/time.txt")
    vec="$(vectors_file "$tool" "$out")"
    echo "bench:   $tool: ${wall}s, $((rss_kb / 1024)) MB; scoring ..." >&2
    acc=$("$WEMBED" eval analogy --vectors "$vec" --questions "$QUESTIONS" \
          --restrict 30000 --json | $PY -c \
          'import json,sys; print("%.2f" % json.load(sys.stdin)["total"]["accuracy"])')
    ws=$("$WEMBED" eval similarity --vectors "$vec" --pairs "$PAIRS" --json |
         $PY -c 'import json,sys; print("%.3f" % json.load(sys.stdin)["spearman"])')
    printf "%s\t%s\t%s\t%s\t%s\n" "$tool" "$wall" "$rss_kb" "$acc" "$ws" \
      >> "$RESULTS"
  done
done

$PY - "$RESULTS" "$WORDS" "$EPOCHS" "$MODEL" "$LOSS" <<'PYEOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    tool, wall, rss, acc, ws = line.split("\t")
    rows.setdefault(tool, []).append((float(wall), int(rss), float(acc), float(ws)))
words = int(sys.argv[2]) * int(sys.argv[3])
setting = "| %s | %s | %s " % (sys.argv[4], sys.argv[5], sys.argv[3])
print("| tool | model | loss | epochs | wall s (median) | words/s | peak RSS | Google analogy (top 30k) | WS353 | runs |")
print("|---|---|---|---|---|---|---|---|---|---|")
base = {}
for tool, r in rows.items():
    wall = statistics.median(x[0] for x in r)
    base[tool] = wall
    print("| %s %s| %.2f | %.0fk | %d MB | %.2f%% | %.3f | %d |" % (
        tool, setting, wall, words / wall / 1e3, max(x[1] for x in r) // 1024,
        statistics.median(x[2] for x in r), statistics.median(x[3] for x in r), len(r)))
if "wembed" in base:
    print()
    for tool, wall in base.items():
        if tool != "wembed":
            print("wembed speed-up over %s: %.2fx" % (tool, wall / base["wembed"]))
PYEOF
