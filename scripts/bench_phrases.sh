#!/usr/bin/env bash
# Phrase pipelines side by side (issue 14): `wembed phrases` followed by
# `wembed train`, against word2vec.c's word2phrase (two passes, threshold
# 200 then 100, as its demo-phrases.sh) followed by word2vec, plus the two
# crossed pipelines (so that the phrase step and the trainer can be told
# apart) and a run without phrases. Every model is scored by `wembed eval
# analogy` on questions-phrases.txt (3CosAdd, lowercased like the corpus),
# over the whole vocabulary as word2vec's demo-phrase-accuracy.sh does and
# over the top 30k words as gensim does, with accuracy and coverage
# (questions whose four words are all in the vocabulary), and on
# questions-words.txt (top 30k), to see what phrasing does to single words.
# Also printed: how many of the phrases the questions use each phrased
# corpus holds (count >= min-count), and how far the two phrase tools'
# outputs agree. Quality only: no timings are printed.
#
# Usage: scripts/bench_phrases.sh [--corpus F] [--questions Q]
#          [--word-questions Q] [--epochs N] [--threads N] [--min-count N]
#          [--word2phrase BIN] [--word2vec BIN] [--pipelines LIST]
#          [--workdir DIR]
#   Defaults: ../shared/data/corpus/en-mix.txt.gz, questions-phrases.txt,
#   questions-words.txt, 1 epoch, 2 threads, min-count 5 (phrases and
#   training), binaries ../anchors/word2phrase and ../anchors/word2vec,
#   pipelines "wembed w2p-w2v w2p-wembed wembed-w2v none" (pipelines needing
#   a missing binary are skipped). Training settings for both trainers:
#   skip-gram, dim 100, window 5, negative 5, sample 1e-4. Phrase settings
#   for both tools: 2 passes, thresholds 200 then 100, default (word2phrase)
#   scoring. A --workdir given again reuses the phrased corpora and vectors
#   made with the same settings (their names hold the settings).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
SHARED="$ROOT/../shared/data"
CORPUS="$SHARED/corpus/en-mix.txt.gz"
QUESTIONS="$SHARED/eval/questions-phrases.txt"
WORD_QUESTIONS="$SHARED/eval/questions-words.txt"
EPOCHS=1
THREADS=2
MIN_COUNT=5
W2P="$ROOT/../anchors/word2phrase"
W2V="$ROOT/../anchors/word2vec"
PIPELINES="wembed w2p-w2v w2p-wembed wembed-w2v none"
WORKDIR=""
while [ $# -gt 0 ]; do
  case "$1" in
    --corpus) CORPUS="$2"; shift 2 ;;
    --questions) QUESTIONS="$2"; shift 2 ;;
    --word-questions) WORD_QUESTIONS="$2"; shift 2 ;;
    --epochs) EPOCHS="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --min-count) MIN_COUNT="$2"; shift 2 ;;
    --word2phrase) W2P="$2"; shift 2 ;;
    --word2vec) W2V="$2"; shift 2 ;;
    --pipelines) PIPELINES="$2"; shift 2 ;;
    --workdir) WORKDIR="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | grep '^#' | cut -c3-; exit 0 ;;
    *) echo "bench_phrases: unknown argument $1" >&2; exit 2 ;;
  esac
done
for f in "$CORPUS" "$QUESTIONS" "$WORD_QUESTIONS"; do
  if [ ! -r "$f" ]; then
    echo "bench_phrases: '$f' not found (see --corpus, --questions)" >&2
    exit 1
  fi
done
PY=/usr/bin/python3
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc)" --target wembed >/dev/null
WEMBED="$ROOT/build/wembed"
[ -n "$WORKDIR" ] || WORKDIR="$(mktemp -d /tmp/wembed-phrases.XXXXXX)"
mkdir -p "$WORKDIR"
echo "bench_phrases: $EPOCHS epoch(s), $THREADS threads, min-count" \
     "$MIN_COUNT; workdir $WORKDIR" >&2

# word2phrase and word2vec read plain text only.
TEXT="$CORPUS"
if [ "$(head -c2 "$CORPUS" | od -An -tx1 | tr -d ' ')" = "1f8b" ]; then
  TEXT="$WORKDIR/corpus.txt"
  [ -s "$TEXT" ] || zcat "$CORPUS" > "$TEXT"
fi

# The phrased corpus of tool $1 (wembed, w2p or none), made once; its path
# on stdout. The peak RSS of the phrase step goes to $WORKDIR/$1.rss.
phrased() {
  local tool="$1" out="$WORKDIR/phrased-$1-m$MIN_COUNT.txt"
  if [ "$tool" = none ]; then echo "$TEXT"; return; fi
  if [ ! -s "$out" ]; then
    echo "bench_phrases: phrases with $tool ..." >&2
    case "$tool" in
      wembed)
        /usr/bin/time -f "%M" -o "$WORKDIR/$tool.rss" "$WEMBED" phrases \
          --input "$TEXT" --output "$out" --passes 2 --threshold 200 100 \
          --min-count "$MIN_COUNT" >"$WORKDIR/phrases-$tool.log" 2>&1 ;;
      w2p)
        /usr/bin/time -f "%M" -o "$WORKDIR/$tool.rss" "$W2P" -train "$TEXT" \
          -output "$out.pass1" -threshold 200 -min-count "$MIN_COUNT" \
          >"$WORKDIR/phrases-$tool.log" 2>&1
        /usr/bin/time -f "%M" -a -o "$WORKDIR/$tool.rss" "$W2P" \
          -train "$out.pass1" -output "$out" -threshold 100 \
          -min-count "$MIN_COUNT" >>"$WORKDIR/phrases-$tool.log" 2>&1
        rm -f "$out.pass1" ;;
    esac
  fi
  echo "$out"
}

# Trains with trainer $2 (wembed or w2v) on file $1 into vectors $3.
train() {
  local input="$1" trainer="$2" out="$3"
  if [ -s "$out" ]; then return; fi
  echo "bench_phrases: training $(basename "$out") ..." >&2
  case "$trainer" in
    wembed) "$WEMBED" train --input "$input" --output "$out" --dim 100 \
      --window 5 --negative 5 --sample 1e-4 --min-count "$MIN_COUNT" \
      --epochs "$EPOCHS" --threads "$THREADS" --quiet ;;
    w2v) "$W2V" -train "$input" -output "$out.tmp" -cbow 0 -size 100 \
      -window 5 -negative 5 -hs 0 -sample 1e-4 -threads "$THREADS" \
      -binary 1 -iter "$EPOCHS" -min-count "$MIN_COUNT" >/dev/null
      mv "$out.tmp" "$out" ;;
  esac
}

# "accuracy coverage correct seen questions" of vectors $1 on questions
# $3 (default: the phrase questions), top $2 rows.
score() {
  "$WEMBED" eval analogy --vectors "$1" --questions "${3:-$QUESTIONS}" \
    --restrict "$2" --json | $PY -c '
import json, sys
t = json.load(sys.stdin)["total"]
print("%.2f %.1f %d %d %d" % (t["accuracy"], t["coverage"], t["correct"],
                              t["seen"], t["questions"]))'
}

# "P Q N": of the Q distinct phrases (words holding '_') of the phrase
# questions, P are seen >= min-count times in corpus $1, which holds N such
# phrase words in all.
phrase_vocab() {
  "$WEMBED" vocab --input "$1" --output "$WORKDIR/vocab.tmp" \
    --min-count "$MIN_COUNT" --quiet
  $PY - "$WORKDIR/vocab.tmp" "$QUESTIONS" <<'PYEOF'
import sys
vocab = {line.split()[0] for line in open(sys.argv[1])}
asked = {w for line in open(sys.argv[2]) if not line.startswith(":")
         for w in line.lower().split() if "_" in w}
print(len(asked & vocab), len(asked), sum(1 for w in vocab if "_" in w))
PYEOF
}

RESULTS="$WORKDIR/results.tsv"
: > "$RESULTS"
for p in $PIPELINES; do
  case "$p" in
    wembed) tool=wembed; trainer=wembed ;;
    w2p-w2v) tool=w2p; trainer=w2v ;;
    w2p-wembed) tool=w2p; trainer=wembed ;;
    wembed-w2v) tool=wembed; trainer=w2v ;;
    none) tool=none; trainer=wembed ;;
    *) echo "bench_phrases: unknown pipeline $p" >&2; exit 2 ;;
  esac
  if { [ "$tool" = w2p ] && [ ! -x "$W2P" ]; } ||
     { [ "$trainer" = w2v ] && [ ! -x "$W2V" ]; }; then
    echo "bench_phrases: skipping $p (binary missing; see --word2phrase," \
         "--word2vec)" >&2
    continue
  fi
  input="$(phrased "$tool")"
  [ -s "$WORKDIR/$tool-m$MIN_COUNT.vocab" ] ||
    phrase_vocab "$input" > "$WORKDIR/$tool-m$MIN_COUNT.vocab"
  rss="-"
  if [ -s "$WORKDIR/$tool.rss" ]; then
    rss="$(( $(sort -n "$WORKDIR/$tool.rss" | tail -1) / 1024 )) MB"
  fi
  vec="$WORKDIR/vectors-$p-m$MIN_COUNT-e$EPOCHS-t$THREADS.bin"
  train "$input" "$trainer" "$vec"
  printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n" "$p" "$tool" "$trainer" \
    "$(cat "$WORKDIR/$tool-m$MIN_COUNT.vocab")" "$rss" "$(score "$vec" 0)" \
    "$(score "$vec" 30000)" "$(score "$vec" 30000 "$WORD_QUESTIONS")" \
    >> "$RESULTS"
done

$PY - "$RESULTS" <<'PYEOF'
import sys
phrase_tools = {"wembed": "wembed phrases", "w2p": "word2phrase",
                "none": "(none)"}
trainers = {"wembed": "wembed train", "w2v": "word2vec.c"}
print("| phrases | trainer | question phrases in vocab | phrase words "
      "| phrase step peak RSS | phrase questions, all words: accuracy "
      "(correct/seen) | coverage | top 30k: accuracy | coverage "
      "| Google analogy top 30k: accuracy | coverage |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for line in open(sys.argv[1]):
    p, tool, trainer, vocab, rss, full, top, words = \
        line.rstrip("\n").split("\t")
    v, f, t, w = vocab.split(), full.split(), top.split(), words.split()
    print("| %s | %s | %s/%s | %s | %s | %s%% (%s/%s) | %s%% | %s%% | %s%% "
          "| %s%% | %s%% |" % (phrase_tools[tool], trainers[trainer], v[0],
                               v[1], v[2], rss, f[0], f[2], f[3], f[1], t[0],
                               t[1], w[0], w[1]))
PYEOF

# How far the two phrase tools agree, token by token, line by line
# (word2phrase writes a space before each line's first word).
A="$WORKDIR/phrased-wembed-m$MIN_COUNT.txt"
B="$WORKDIR/phrased-w2p-m$MIN_COUNT.txt"
if [ -s "$A" ] && [ -s "$B" ]; then
  $PY - "$A" "$B" <<'PYEOF'
import collections, sys
lines = same = 0
phrases = [collections.Counter(), collections.Counter()]
with open(sys.argv[1]) as a, open(sys.argv[2]) as b:
    for la, lb in zip(a, b):
        ta, tb = la.split(), lb.split()
        lines += 1
        same += ta == tb
        for counter, tokens in zip(phrases, (ta, tb)):
            counter.update(w for w in tokens if "_" in w)
a, b = (set(c) for c in phrases)
print()
print("wembed phrases vs word2phrase: %d of %d lines identical (%.2f%%); "
      "phrase tokens %d vs %d; distinct phrase words %d vs %d, %d in both"
      % (same, lines, 100.0 * same / max(lines, 1), sum(phrases[0].values()),
         sum(phrases[1].values()), len(a), len(b), len(a & b)))
PYEOF
fi
