#!/usr/bin/env bash
# The main job: install dependencies, build (the CLI and the Python module,
# made importable by /usr/bin/python3), train embeddings on the default
# corpus, evaluate them, show a few neighbours and analogies, and draw two
# pictures: a word map with an analogy's parallelogram and the training
# curve.
#
# Usage: scripts/run.sh [CORPUS...]
#   CORPUS  text files (plain or .gz). Default: ../shared/data/corpus/en-mix.txt.gz
#           when present; otherwise a generated synthetic corpus (and a note
#           on where to get a real one).
# Environment: EPOCHS (default 5), THREADS (default: all cores), DIM (100),
#              OUT (output directory, default out/), SKIP_SETUP=1.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
OUT="${OUT:-$ROOT/out}"
EPOCHS="${EPOCHS:-5}"
DIM="${DIM:-100}"
THREADS="${THREADS:-$(nproc)}"
SHARED="$ROOT/../shared/data"

if [ "${SKIP_SETUP:-0}" != 1 ]; then bash scripts/setup.sh; fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc)" --target wembed wembed_python
bash scripts/install_python.sh build
WEMBED="$ROOT/build/wembed"
mkdir -p "$OUT"

QUESTIONS=()
PAIRS=()
if [ $# -gt 0 ]; then
  CORPUS=("$@")
  for f in "${CORPUS[@]}"; do
    if [ "$f" != "-" ] && [ ! -r "$f" ]; then
      echo "run: cannot read corpus file '$f'" >&2
      exit 1
    fi
  done
elif [ -r "$SHARED/corpus/en-mix.txt.gz" ]; then
  CORPUS=("$SHARED/corpus/en-mix.txt.gz")
else
  cat >&2 <<'MSG'
run: no corpus given and ../shared/data/corpus/en-mix.txt.gz not found.
     Training on a small generated corpus with planted analogies instead.
     For real embeddings, download text8 (100 MB of Wikipedia text):
         wget http://mattmahoney.net/dc/text8.zip && unzip text8.zip
     then run: scripts/run.sh text8
     and get the Google analogy questions (questions-words.txt, shipped
     with word2vec) to score them.
MSG
  "$WEMBED" synth --output-corpus "$OUT/synthetic.txt" \
    --output-questions "$OUT/synthetic-questions.txt"
  CORPUS=("$OUT/synthetic.txt")
  QUESTIONS=("$OUT/synthetic-questions.txt")
fi
if [ ${#QUESTIONS[@]} -eq 0 ]; then
  for q in "$SHARED/eval/questions-words.txt" "$ROOT/../questions-words.txt" \
           "$ROOT/questions-words.txt"; do
    if [ -r "$q" ]; then QUESTIONS=("$q"); break; fi
  done
  [ -r "$SHARED/eval/wordsim353.txt" ] && PAIRS=("$SHARED/eval/wordsim353.txt")
fi

VECTORS="$OUT/vectors.bin"
echo "== training on ${CORPUS[*]} (dim $DIM, $EPOCHS epochs, $THREADS threads)"
"$WEMBED" train --input "${CORPUS[@]}" --output "$VECTORS" \
  --dim "$DIM" --epochs "$EPOCHS" --threads "$THREADS" \
  --save-vocab "$OUT/vocab.txt" --checkpoint "$OUT/train.ckpt" \
  --log-json "$OUT/training.jsonl"

if [ ${#QUESTIONS[@]} -gt 0 ]; then
  echo "== analogy accuracy (${QUESTIONS[*]})"
  "$WEMBED" eval analogy --vectors "$VECTORS" --questions "${QUESTIONS[@]}" \
    --restrict 30000
else
  echo "== no analogy questions found (questions-words.txt); skipping"
fi
if [ ${#PAIRS[@]} -gt 0 ]; then
  echo "== word similarity (${PAIRS[*]})"
  "$WEMBED" eval similarity --vectors "$VECTORS" --pairs "${PAIRS[@]}"
fi

# A few words that exist in the vocabulary.
probe=()
for w in king france computer water good country00 male00 capital00; do
  if grep -q "^$w " "$OUT/vocab.txt"; then probe+=("$w"); fi
done
if [ ${#probe[@]} -gt 0 ]; then
  echo "== nearest neighbours"
  "$WEMBED" similar "${probe[@]:0:4}" --vectors "$VECTORS" -k 8
fi
echo "== analogies"
if grep -q "^queen " "$OUT/vocab.txt"; then
  "$WEMBED" analogy man king woman --vectors "$VECTORS" -k 5
  "$WEMBED" analogy france paris italy --vectors "$VECTORS" -k 5 || true
else
  "$WEMBED" analogy country00 capital00 country01 --vectors "$VECTORS" -k 5
fi

echo "== pictures"
# Words of the map: an analogy and its neighbourhood, those in the vocabulary.
if grep -q "^queen " "$OUT/vocab.txt"; then
  ANALOGY="man:king::woman:queen"
  CANDIDATES="king queen man woman prince princess boy girl father mother son
              daughter brother sister uncle aunt husband wife"
else
  ANALOGY="country00:capital00::country01:capital01"
  CANDIDATES="country00 capital00 country01 capital01 country02 capital02
              country03 capital03 male00 female00 male01 female01"
fi
MAP_WORDS=()
for w in $CANDIDATES; do
  if grep -q "^$w " "$OUT/vocab.txt"; then MAP_WORDS+=("$w"); fi
done
"$WEMBED" plot --vectors "$VECTORS" --words "${MAP_WORDS[@]}" \
  --analogy "$ANALOGY" --output "$OUT/word-map.png"
"$WEMBED" plot --training "$OUT/training.jsonl" --output "$OUT/training.png"
echo "== done: vectors in $VECTORS, checkpoint in $OUT/train.ckpt"
echo "   pictures: $OUT/word-map.png (word map, $ANALOGY)"
echo "             $OUT/training.png (loss and learning rate)"
echo "   Python: /usr/bin/python3 -c 'import wembed' (see docs/python.md)"
