#!/usr/bin/env bash
# Bounded-memory benchmark (issue 11): trains 1 epoch on a corpus and on N
# copies of it (default 30 copies of en-mix.txt.gz, a multi-member gzip of
# about 1 billion tokens built in the work directory and never committed),
# and checks that
#   - peak RSS <= the two matrices + the vocabulary + 256 MB (the default
#     --memory-budget), on the big corpus;
#   - peak RSS of the big and the 1x run differ by at most 64 MB (the big
#     run uses --min-count 5 x N, which keeps exactly the 1x vocabulary, so
#     the matrices are the same size);
#   - words/s on the big corpus >= 90% of words/s on the 1x corpus, both
#     for 1 epoch of each (the issue's wording) and against the 1x corpus
#     trained for N epochs: as many words over as long a run, which sees
#     the machine's speed states as the big run does (a 1-epoch 1x run
#     lasts 4-5 s and mostly falls in one fast stretch);
#   - the whole scan of `train` with the threads given is <= 1.1x zcat's
#     time for the .gz and <= `wc -w`'s time for the unpacked text;
#   - Google analogy of the 1x run (compare with 26.5% at 1 epoch).
# Prints a table: corpus, tokens, wall time, words/s, peak RSS, cache size on
# disk, scan time. Timings need a quiet machine: run it alone.
#
# Usage: scripts/bench_bigcorpus.sh [--corpus F] [--copies N] [--threads N]
#          [--questions Q] [--workdir DIR] [--repeats N] [--skip-big] [--keep]
#   --corpus     the 1x corpus, plain or gzip (default ../shared/data/corpus/
#                en-mix.txt.gz)
#   --copies     copies in the big corpus (default 30)
#   --threads    training and scan threads (default 2)
#   --workdir    where the big corpus, caches and vectors go (default a new
#                directory under $TMPDIR); removed at the end unless --keep
#   --repeats    runs of zcat, wc -w and the 1x trainings, interleaved
#                (default 3); their medians are compared (the big run is
#                one run)
#   --skip-big   only the 1x runs (scan targets, RSS, quality)
# A small rehearsal: --corpus ../shared/data/corpus/en-mix-1M.txt --copies 2
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
SHARED="$ROOT/../shared/data"
CORPUS="$SHARED/corpus/en-mix.txt.gz"
QUESTIONS="$SHARED/eval/questions-words.txt"
COPIES=30
THREADS=2
WORKDIR=""
SKIP_BIG=0
KEEP=0
REPEATS=3
BUDGET_MB=256
while [ $# -gt 0 ]; do
  case "$1" in
    --corpus) CORPUS="$2"; shift 2 ;;
    --copies) COPIES="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --questions) QUESTIONS="$2"; shift 2 ;;
    --workdir) WORKDIR="$2"; shift 2 ;;
    --repeats) REPEATS="$2"; shift 2 ;;
    --skip-big) SKIP_BIG=1; shift ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | grep '^#' | cut -c3-; exit 0 ;;
    *) echo "bench_bigcorpus: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -r "$CORPUS" ] || { echo "bench_bigcorpus: no corpus $CORPUS" >&2; exit 1; }
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc)" --target wembed >/dev/null
WEMBED="$ROOT/build/wembed"
[ -n "$WORKDIR" ] || WORKDIR="$(mktemp -d "${TMPDIR:-/tmp}/wembed-bigcorpus.XXXXXX")"
mkdir -p "$WORKDIR/cache"
cleanup() { [ "$KEEP" = 1 ] || rm -rf "$WORKDIR"; }
trap cleanup EXIT

is_gzip() { [ "$(head -c2 "$1" | od -An -tx1 | tr -d ' ')" = "1f8b" ]; }

# The 1x corpus as gzip and as text, and the big one (N gzip members).
GZ="$WORKDIR/one.gz"; TEXT="$WORKDIR/one.txt"
if is_gzip "$CORPUS"; then
  cp "$CORPUS" "$GZ"; zcat "$CORPUS" > "$TEXT"
else
  cp "$CORPUS" "$TEXT"; gzip -c "$CORPUS" > "$GZ"
fi
BIG="$WORKDIR/big.gz"
if [ "$SKIP_BIG" = 0 ]; then
  echo "bench_bigcorpus: building $COPIES copies in $BIG" >&2
  : > "$BIG"
  for _ in $(seq "$COPIES"); do cat "$GZ" >> "$BIG"; done
fi

# Seconds of wall time of a command (output discarded).
seconds() {
  /usr/bin/time -f "%e" -o "$WORKDIR/t" "$@" > /dev/null 2>&1
  cat "$WORKDIR/t"
}

# run NAME INPUT MIN_COUNT [EPOCHS]: trains 1 epoch (or EPOCHS), keeps the
# cache to measure it; sets TOKENS WALL WPS RSS_MB CACHE_MB SCAN VOCAB for
# the row.
run() {
  local name="$1" input="$2" min_count="$3" epochs="${4:-1}"
  local log="$WORKDIR/$1.log"
  rm -f "$WORKDIR"/cache/*.wenc
  /usr/bin/time -v "$WEMBED" train --input "$input" \
    --output "$WORKDIR/$name.bin" --epochs "$epochs" --threads "$THREADS" \
    --dim 100 --window 5 --negative 5 --sample 1e-4 --min-count "$min_count" \
    --cache-dir "$WORKDIR/cache" --keep-cache --log-json "$WORKDIR/$1.json" \
    2> "$log"
  TOKENS=$(grep -oE 'read [0-9.]+[kMG]? words' "$log" | head -1 | awk '{print $2}')
  SCAN=$(grep -oE 'distinct\) in [0-9.]+ s' "$log" | awk '{print $3}')
  VOCAB=$(grep -oE 'vocabulary [0-9]+ words' "$log" | awk '{print $2}')
  WPS=$(grep -oE 'train: done: .*' "$log" | grep -oE '[0-9.]+[kMG]? words/s' | awk '{print $1}')
  WALL=$(grep 'Elapsed (wall clock)' "$log" | awk '{print $NF}')
  RSS_MB=$(( $(grep 'Maximum resident set size' "$log" | awk '{print $NF}') / 1024 ))
  CACHE_MB=$(du -m "$WORKDIR"/cache/*.wenc | awk '{print $1}')
  rm -f "$WORKDIR"/cache/*.wenc
}

# The words/s of each second of a run's training, one per line, from its
# --log-json (the last, partial second left out).
second_rates() {
  awk -F'[:,]' '{ w[NR] = $2; t[NR] = $12 } END {
    for (i = 1; i < NR; ++i) {
      dt = t[i] - (i > 1 ? t[i - 1] : 0)
      if (dt > 0) printf "%.0f\n", (w[i] - (i > 1 ? w[i - 1] : 0)) / dt } }' "$1"
}
# The 90th percentile of numbers, one per line on stdin.
p90() { sort -g | awk '{v[NR]=$1} END {i = int(0.9 * NR + 0.999); print v[i < 1 ? 1 : i]}'; }

# "5.05M" -> 5050000
unhuman() {
  awk -v v="$1" 'BEGIN { m = 1; s = v;
    if (s ~ /k$/) m = 1e3; if (s ~ /M$/) m = 1e6; if (s ~ /G$/) m = 1e9;
    sub(/[kMG]$/, "", s); printf "%.0f", s * m }'
}

echo "bench_bigcorpus: workdir $WORKDIR, $THREADS threads" >&2
# The copies above leave gigabytes of dirty pages; their writeback would
# run during the timings below (and slow the scans, which write a cache,
# more than zcat and wc, which write nothing).
sync
# The median of numbers, one per argument.
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

# Interleaved: zcat, wc -w, the text scan, the 1x training, REPEATS times.
ZCATS=(); WCS=(); TEXT_SCANS=(); ONE_WPSS=(); ONE_SCANS=(); ONE_RSSS=()
ONE_WALLS=()
for _ in $(seq "$REPEATS"); do
  ZCATS+=("$(seconds zcat "$GZ")")
  WCS+=("$(seconds wc -w "$TEXT")")
  run text "$TEXT" 5; TEXT_SCANS+=("$SCAN")
  run one "$GZ" 5
  second_rates "$WORKDIR/one.json" >> "$WORKDIR/one.rates"
  ONE_WPSS+=("$(unhuman "$WPS")"); ONE_SCANS+=("$SCAN"); ONE_RSSS+=("$RSS_MB")
  ONE_WALLS+=("$(echo "$WALL" | awk -F: '{print (NF == 3) ? $1 * 3600 + $2 * 60 + $3 : $1 * 60 + $2}')")
done
V=$VOCAB
ONE_TOKENS=$TOKENS; ONE_CACHE_MB=$CACHE_MB
if [ "$SKIP_BIG" = 0 ]; then
  # N copies count every word N times: --min-count 5N keeps exactly the 1x
  # vocabulary (same words, order and frequencies), so both runs have the
  # same matrices and only the corpus length differs.
  run big "$BIG" $(( 5 * COPIES ))
  [ "$VOCAB" = "$V" ] || echo "bench_bigcorpus: vocabularies differ ($V, $VOCAB)" >&2
  BIG_ROW=("${COPIES}x (multi-member gzip)" "$TOKENS" "$WALL" "$WPS" "$RSS_MB" "$CACHE_MB" "$SCAN")
  BIG_RSS=$RSS_MB; BIG_WPS=$(unhuman "$WPS")
  # Its words/s in each fifth of the training (a flat line: the corpus
  # length costs nothing; a slope: the machine drifted).
  awk -F'[:,]' '{ w[NR] = $2; t[NR] = $12 } END {
    printf "bench_bigcorpus: big run words/s by fifth:";
    for (f = 1; f <= 5; ++f) { a = int(NR * (f - 1) / 5); b = int(NR * f / 5);
      wa = a ? w[a] : 0; ta = a ? t[a] : 0;
      if (b > a && t[b] > ta) printf " %.2fM", (w[b] - wa) / (t[b] - ta) / 1e6;
      else printf " -" }
    print "" }' "$WORKDIR/big.json" >&2
  # This machine switches between speed states for tens of seconds at a
  # time (measured: 8.0M words/s for 30 s, then 6.2M, in one run and in
  # short ones alike); a 3-minute run averages over them, short runs do
  # not. The 90th percentile of the per-second rates compares the two
  # corpora in the fast state.
  BIG_P90=$(second_rates "$WORKDIR/big.json" | p90)
  ONE_P90=$(p90 < "$WORKDIR/one.rates")
  # The 1x corpus for N epochs: the same words, as long a run.
  run long "$GZ" 5 "$COPIES"
  LONG_WPS=$(unhuman "$WPS")
  LONG_ROW=("1x for $COPIES epochs" "$TOKENS" "$WALL" "$WPS" "$RSS_MB" "$CACHE_MB" "$SCAN")
  # The machine's speed drifts over minutes: as many 1x trainings after the
  # big run as before it, so their median brackets it.
  for _ in $(seq "$REPEATS"); do
    run one "$GZ" 5
    second_rates "$WORKDIR/one.json" >> "$WORKDIR/one.rates"
    ONE_WPSS+=("$(unhuman "$WPS")"); ONE_RSSS+=("$RSS_MB")
    ONE_WALLS+=("$(echo "$WALL" | awk -F: '{print (NF == 3) ? $1 * 3600 + $2 * 60 + $3 : $1 * 60 + $2}')")
  done
fi
ZCAT=$(median "${ZCATS[@]}"); WC=$(median "${WCS[@]}")
TEXT_SCAN=$(median "${TEXT_SCANS[@]}"); ONE_SCAN=$(median "${ONE_SCANS[@]}")
ONE_WPS=$(median "${ONE_WPSS[@]}")
ONE_RSS=$(printf '%s\n' "${ONE_RSSS[@]}" | sort -n | tail -1)  # the highest
echo "bench_bigcorpus: zcat ${ZCATS[*]} s; wc -w ${WCS[*]} s; text scans ${TEXT_SCANS[*]} s;" \
  ".gz scans ${ONE_SCANS[*]} s; 1x words/s ${ONE_WPSS[*]} (medians compared)" >&2
ONE=("1x $(basename "$CORPUS") (median of ${#ONE_WPSS[@]})" "$ONE_TOKENS" \
     "$(median "${ONE_WALLS[@]}") s" \
     "$(awk -v w="$ONE_WPS" 'BEGIN {printf "%.2fM", w / 1e6}')" "$ONE_RSS" \
     "$ONE_CACHE_MB" "$ONE_SCAN")

printf '\n%-34s %10s %10s %10s %10s %10s %8s\n' corpus tokens wall words/s \
  "peak RSS" cache "scan s"
printf '%-34s %10s %10s %10s %8s MB %7s MB %8s\n' "${ONE[@]}"
if [ "$SKIP_BIG" = 0 ]; then
  printf '%-34s %10s %10s %10s %8s MB %7s MB %8s\n' "${BIG_ROW[@]}"
  printf '%-34s %10s %10s %10s %8s MB %7s MB %8s\n' "${LONG_ROW[@]}"
fi

# Matrices: 2 x V rows of dim 100 padded to 112 floats; the vocabulary and
# its tables: about 100 bytes a word (strings, counts, index, sampling).
MATRICES_MB=$(( 2 * V * 112 * 4 / 1048576 ))
VOCAB_MB=$(( V * 100 / 1048576 + 1 ))
LIMIT=$(( MATRICES_MB + VOCAB_MB + BUDGET_MB ))
check() { if [ "$1" = 1 ]; then echo "PASS  $2"; else echo "FAIL  $2"; fi; }
echo
check "$(awk -v s="$ONE_SCAN" -v z="$ZCAT" 'BEGIN{print (s <= 1.1*z)}')" \
  "scan of the .gz ${ONE_SCAN} s <= 1.1 x zcat ${ZCAT} s"
check "$(awk -v s="$TEXT_SCAN" -v w="$WC" 'BEGIN{print (s <= w)}')" \
  "scan of the text ${TEXT_SCAN} s <= wc -w ${WC} s"
if [ "$SKIP_BIG" = 0 ]; then
  check "$(( BIG_RSS <= LIMIT ))" \
    "big corpus peak RSS ${BIG_RSS} MB <= matrices ${MATRICES_MB} + vocabulary ${VOCAB_MB} + ${BUDGET_MB} MB"
  DIFF=$(( BIG_RSS > ONE_RSS ? BIG_RSS - ONE_RSS : ONE_RSS - BIG_RSS ))
  check "$(( DIFF <= 64 ))" "peak RSS differs by ${DIFF} MB <= 64 MB"
  check "$(awk -v b="$BIG_WPS" -v o="$ONE_WPS" 'BEGIN{print (b >= 0.9*o)}')" \
    "words/s on the big corpus $BIG_WPS >= 90% of $ONE_WPS (1x, 1 epoch)"
  check "$(awk -v b="$BIG_WPS" -v o="$LONG_WPS" 'BEGIN{print (b >= 0.9*o)}')" \
    "words/s on the big corpus $BIG_WPS >= 90% of $LONG_WPS (1x, $COPIES epochs: as many words)"
  check "$(awk -v b="$BIG_P90" -v o="$ONE_P90" 'BEGIN{print (o > 0 && b >= 0.9*o)}')" \
    "fast-state words/s (90th percentile of per-second rates): big corpus $BIG_P90 >= 90% of $ONE_P90"
fi
if [ -r "$QUESTIONS" ]; then
  "$WEMBED" eval analogy --vectors "$WORKDIR/one.bin" --questions "$QUESTIONS" \
    2>&1 | grep -E '^ *total' | head -1 | sed 's/^ */Google analogy of the 1x run (26.5% before): /'
fi
