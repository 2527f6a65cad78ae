#!/usr/bin/env bash
# Acceptance test for issue 5: crash-safe checkpoints and exact resume.
#
# Usage: scripts/checkpoint_acceptance.sh [options] [WEMBED]
#   WEMBED             the wembed binary (default: $WEMBED, else build/wembed)
#   --corpus-1m F      small corpus (default: ../shared/data/corpus/en-mix-1M.txt)
#   --corpus-full F    full corpus (default: ../shared/data/corpus/en-mix.txt.gz)
#   --questions F      analogy questions (default: ../shared/data/eval/questions-words.txt)
#   --pairs F          similarity pairs (default: ../shared/data/eval/wordsim353.txt)
#   --workdir D        scratch directory (default: a new mktemp -d under $TMPDIR
#                      or /tmp; removed at the end unless --keep)
#   --keep             keep the scratch directory
#   --only LIST        run only these checks, e.g. --only 1,3
#   --seed N           seed for the random kill moments and damage positions
#                      (default: random; printed, so a run can be repeated)
#   --quick            fewer interruption points and damage cases
# Environment: the same settings as WEMBED, CORPUS_1M, CORPUS_FULL, QUESTIONS,
#   PAIRS, WORKDIR, PYTHON (default /usr/bin/python3: check 3, JSON parsing,
#   and the gensim scorer), EVAL_WITH (check 4's scorer: auto = 'wembed eval'
#   if this binary has it, else gensim; or wembed, gensim).
#
# Checks (each prints PASS/FAIL lines; the exit status is 1 if any FAILed,
# 2 on a usage error):
#   1. --threads 1 --seed 3 on the 1M corpus (--epochs 3, then --epochs 12):
#      SIGINT/SIGTERM at several points (timed from the measured duration of
#      the uninterrupted run) exits 130/143 with a checkpoint and no vectors;
#      --resume then writes vectors byte-identical (cmp) to the uninterrupted
#      run's. A chain interrupts the resumed run again several times.
#   2. SIGKILL during --checkpoint-every 1 (and 0.05, so kills land inside
#      checkpoint writes) leaves a checkpoint that 'wembed info' loads; with
#      one thread, resuming it gives the uninterrupted vectors byte for byte
#      and removes the killed writer's temp file.
#   3. 'wembed info' refuses every damaged copy of a checkpoint: every byte
#      flipped (0xff and one bit) and every truncation length of a small
#      (--dim 4) checkpoint, trailing garbage, and thousands of flips and
#      truncations of a 1M-corpus checkpoint. Each must exit non-zero (< 128,
#      not a timeout of 'timeout 10') with exactly one stderr line.
#   4. SIGKILL of a 2-thread, 1-epoch run on the full corpus
#      (--checkpoint-every 2) at a random moment, --resume to the end, and
#      analogy accuracy / WS353 Spearman within noise of an uninterrupted run
#      (limits: 1.0 accuracy point, 0.02 Spearman; a second uninterrupted run
#      shows the run-to-run noise).
set -u -o pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SHARED="$ROOT/../shared/data"
WEMBED="${WEMBED:-$ROOT/build/wembed}"
CORPUS_1M="${CORPUS_1M:-$SHARED/corpus/en-mix-1M.txt}"
CORPUS_FULL="${CORPUS_FULL:-$SHARED/corpus/en-mix.txt.gz}"
QUESTIONS="${QUESTIONS:-$SHARED/eval/questions-words.txt}"
PAIRS="${PAIRS:-$SHARED/eval/wordsim353.txt}"
PYTHON="${PYTHON:-/usr/bin/python3}"
WORKDIR="${WORKDIR:-}"
EVAL_WITH="${EVAL_WITH:-auto}"  # auto, wembed or gensim (check 4's scorer)
KEEP=0
ONLY="1,2,3,4"
SEED=""
QUICK=0

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --corpus-1m) CORPUS_1M="${2:?}"; shift 2 ;;
    --corpus-full) CORPUS_FULL="${2:?}"; shift 2 ;;
    --questions) QUESTIONS="${2:?}"; shift 2 ;;
    --pairs) PAIRS="${2:?}"; shift 2 ;;
    --workdir) WORKDIR="${2:?}"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --only) ONLY="${2:?}"; shift 2 ;;
    --seed) SEED="${2:?}"; shift 2 ;;
    --quick) QUICK=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "checkpoint_acceptance: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) WEMBED="$1"; shift ;;
  esac
done

abspath() { (cd "$(dirname "$1")" 2>/dev/null && echo "$(pwd)/$(basename "$1")") || echo "$1"; }
WEMBED="$(abspath "$WEMBED")"
CORPUS_1M="$(abspath "$CORPUS_1M")"
CORPUS_FULL="$(abspath "$CORPUS_FULL")"
QUESTIONS="$(abspath "$QUESTIONS")"
PAIRS="$(abspath "$PAIRS")"
for f in "$WEMBED" "$CORPUS_1M"; do
  if [ ! -r "$f" ]; then
    echo "checkpoint_acceptance: cannot read $f" >&2
    exit 2
  fi
done
[ -x "$WEMBED" ] || { echo "checkpoint_acceptance: $WEMBED is not executable" >&2; exit 2; }
[ -n "$SEED" ] || SEED=$(( (RANDOM << 15) | RANDOM ))
RANDOM=$SEED

if [ -z "$WORKDIR" ]; then
  WORKDIR="$(mktemp -d "${TMPDIR:-/tmp}/wembed-ckpt-accept.XXXXXX")"
else
  mkdir -p "$WORKDIR"
fi
WORKDIR="$(cd "$WORKDIR" && pwd)"
case "$WORKDIR/" in
  "$ROOT"/*) echo "checkpoint_acceptance: --workdir must be outside the repository" >&2; exit 2 ;;
esac

# ---------------------------------------------------------------------------
# Bookkeeping.
RESULTS=()
NPASS=0
NFAIL=0
BG_PID=""
WATCHDOG_PID=""
pass() { echo "PASS  $*"; RESULTS+=("PASS  $*"); NPASS=$((NPASS + 1)); }
fail() { echo "FAIL  $*"; RESULTS+=("FAIL  $*"); NFAIL=$((NFAIL + 1)); }
note() { echo "      $*"; }
section() { echo; echo "== $*"; }
want() { case ",$ONLY," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }

cleanup() {
  # A subshell killed right after its fork can still run the inherited traps.
  [ "$BASHPID" = "$$" ] || return 0
  [ -n "$WATCHDOG_PID" ] && kill "$WATCHDOG_PID" 2>/dev/null
  [ -n "$BG_PID" ] && kill -KILL "$BG_PID" 2>/dev/null
  if [ "$KEEP" = 1 ]; then
    echo "work directory kept: $WORKDIR"
  else
    rm -rf "$WORKDIR"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now() { echo "$EPOCHREALTIME"; }
calc() { awk "BEGIN { printf \"%.3f\", $* }"; }
# Uniform random number in [lo, hi) with 3 decimals, from $RANDOM (seeded).
rand_between() { awk -v lo="$1" -v hi="$2" -v r="$(( (RANDOM << 15) | RANDOM ))" \
  'BEGIN { if (hi < lo) hi = lo; printf "%.3f", lo + (hi - lo) * r / 1073741824 }'; }
json_get() {  # json_get FILE PYTHON-EXPR-ON-d
  "$PYTHON" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# start_bg LOG CMD...: starts CMD in the background (BG_PID, BG_T0).
start_bg() {
  local log="$1"; shift
  BG_T0="$(now)"
  "$@" >"$log" 2>&1 &
  BG_PID=$!
}
# await_bg LIMIT_SECONDS: waits for BG_PID; RC = its exit status, ELAPSED =
# seconds since start, HUNG=1 if it had to be killed after LIMIT seconds.
# (stderr off: bash's "Killed" job notices would clutter the report.)
await_bg() { _await_bg "$@" 2>/dev/null; }
_await_bg() {
  local limit="$1" marker="$WORKDIR/.watchdog.$BG_PID"
  rm -f "$marker"
  ( trap - EXIT INT TERM
    deadline=$(calc "$(now)" + "$limit")
    while kill -0 "$BG_PID" 2>/dev/null; do
      if awk -v a="$(now)" -v b="$deadline" 'BEGIN { exit !(a > b) }'; then
        : >"$marker"; kill -KILL "$BG_PID" 2>/dev/null; break
      fi
      sleep 0.2
    done ) &
  WATCHDOG_PID=$!
  wait "$BG_PID"
  RC=$?
  ELAPSED=$(calc "$(now)" - "$BG_T0")
  kill "$WATCHDOG_PID" 2>/dev/null
  wait "$WATCHDOG_PID" 2>/dev/null
  WATCHDOG_PID=""
  HUNG=0
  [ -e "$marker" ] && HUNG=1
  rm -f "$marker"
  BG_PID=""
}
# run_fg LIMIT LOG CMD...: start_bg + await_bg.
run_fg() { local limit="$1" log="$2"; shift 2; start_bg "$log" "$@"; await_bg "$limit"; }
# signal_after DELAY SIGNAL LIMIT LOG CMD...: starts CMD, sends SIGNAL DELAY
# seconds after the start (unless it has exited), waits for it.
signal_after() {
  local delay="$1" sig="$2" limit="$3" log="$4"; shift 4
  start_bg "$log" "$@"
  sleep "$delay"
  kill "-$sig" "$BG_PID" 2>/dev/null
  await_bg "$limit"
}
# info_summary CKPT: "epoch E/N, P% done, finished F" or empty on error.
info_summary() {
  "$WEMBED" info --json "$1" >"$WORKDIR/info.json" 2>"$WORKDIR/info.err" || return 1
  json_get "$WORKDIR/info.json" \
    '"%.1f%% (epoch %d of %d), finished=%s" % (d["progress"]["percent"], d["progress"]["current_epoch"], d["progress"]["epochs"], d["progress"]["finished"])'
}
info_percent() { json_get "$WORKDIR/info.json" 'd["progress"]["percent"]'; }
info_finished() { json_get "$WORKDIR/info.json" 'd["progress"]["finished"]'; }
last_line() { tr '\r' '\n' <"$1" | grep -v '^ *$' | tail -n 1; }

echo "checkpoint acceptance (issue 5)"
echo "  wembed:   $WEMBED"
echo "  corpora:  $CORPUS_1M, $CORPUS_FULL"
echo "  eval:     $QUESTIONS, $PAIRS"
echo "  workdir:  $WORKDIR"
echo "  seed:     $SEED (repeat with --seed $SEED)"
echo "  load:     $(uptime | sed 's/.*load average/load average/')"
echo "  started:  $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
T_SCRIPT0="$(now)"

# ---------------------------------------------------------------------------
# Check 1: SIGINT/SIGTERM + --resume gives byte-identical vectors.
BIG_CKPT=""   # an interrupted 1M checkpoint, reused by check 3

# interrupt_trial TAG FRACTION SIGNAL EXPECTED_RC: one fresh run of COMMON
# interrupted at FRACTION of the measured duration T_REF, then resumed.
interrupt_trial() {
  local tag="$1" frac="$2" sig="$3" expect="$4"
  local ck="$WORKDIR/$tag.wemb" out="$WORKDIR/$tag.bin" log="$WORKDIR/$tag.log"
  local delay attempt why="" summary
  delay=$(calc "$T_REF" '*' "$frac")
  for attempt in 1 2 3 4 5; do
    rm -f "$ck" "$out"
    signal_after "$delay" "$sig" "$LIMIT" "$log" \
      "$WEMBED" train "${COMMON[@]}" --checkpoint "$ck" --output "$out"
    if [ "$HUNG" = 1 ]; then
      fail "1 $tag: SIG$sig at ${delay}s: no exit within ${LIMIT}s (hang)"; return
    fi
    if [ "$RC" = 0 ]; then  # finished before the signal: try earlier
      note "$tag: run finished before SIG$sig at ${delay}s; retrying earlier"
      delay=$(calc "$delay" '*' 0.6); continue
    fi
    if [ "$RC" = "$expect" ] && [ ! -e "$ck" ] && \
       grep -q "before training started" "$log"; then
      note "$tag: SIG$sig at ${delay}s arrived during the corpus scan; retrying later"
      delay=$(calc "$delay" + 0.05 + "$T_REF" '*' 0.1); continue
    fi
    break
  done
  if [ "$RC" != "$expect" ]; then
    fail "1 $tag: SIG$sig at ${delay}s: exit $RC, expected $expect ($(last_line "$log"))"; return
  fi
  local stop_rc=$RC
  if [ -e "$out" ]; then
    fail "1 $tag: the interrupted run left vectors at $out"; return
  fi
  if ! summary=$(info_summary "$ck"); then
    fail "1 $tag: wembed info rejects the checkpoint: $(head -n 1 "$WORKDIR/info.err")"; return
  fi
  if [ "$(info_finished)" != False ]; then
    fail "1 $tag: SIG$sig at ${delay}s: checkpoint says finished ($summary)"; return
  fi
  [ -z "$BIG_CKPT" ] && { cp "$ck" "$WORKDIR/big.wemb"; BIG_CKPT="$WORKDIR/big.wemb"; }
  run_fg "$LIMIT" "$log.resume" "$WEMBED" train --resume "$ck" --output "$out" -q
  if [ "$HUNG" = 1 ] || [ "$RC" != 0 ]; then
    fail "1 $tag: resume exit $RC (hung=$HUNG): $(last_line "$log.resume")"; return
  fi
  if cmp -s "$out" "$REF"; then
    pass "1 $tag: SIG$sig at ${delay}s -> exit $stop_rc at $summary; resume exit 0; vectors identical"
  else
    fail "1 $tag: SIG$sig at ${delay}s ($summary): resumed vectors differ from the uninterrupted run ($(cmp "$out" "$REF" 2>&1 | head -n 1))"
  fi
}

# chain_trial TAG: interrupt a fresh run, then interrupt each resumed run
# again, and finally let one finish.
chain_trial() {
  local tag="$1"
  local ck="$WORKDIR/$tag.wemb" out="$WORKDIR/$tag.bin" log="$WORKDIR/$tag.log"
  local delay links=0 mid=0 prev=0 pct summary i trail=""
  rm -f "$ck" "$out"
  delay=$(calc "$T_REF" '*' 0.25)
  for i in 1 2 3 4 5 6 7 8; do
    if [ "$i" = 1 ]; then
      signal_after "$delay" INT "$LIMIT" "$log.$i" \
        "$WEMBED" train "${COMMON[@]}" --checkpoint "$ck" --output "$out"
      if [ "$RC" = 130 ] && [ ! -e "$ck" ]; then  # during the scan
        delay=$(calc "$delay" + 0.05 + "$T_REF" '*' 0.1); continue
      fi
      if [ "$RC" = 0 ]; then delay=$(calc "$delay" '*' 0.6); rm -f "$out"; continue; fi
    else
      signal_after "$delay" INT "$LIMIT" "$log.$i" \
        "$WEMBED" train --resume "$ck" --output "$out" -q
    fi
    if [ "$HUNG" = 1 ]; then fail "1 $tag: link $i hung"; return; fi
    if [ "$RC" = 0 ]; then break; fi
    if [ "$RC" != 130 ]; then
      fail "1 $tag: link $i exit $RC, expected 130 or 0: $(last_line "$log.$i")"; return
    fi
    links=$((links + 1))
    if ! summary=$(info_summary "$ck"); then
      fail "1 $tag: link $i: wembed info rejects the checkpoint"; return
    fi
    pct=$(info_percent)
    if grep -q "before training started" "$log.$i"; then
      trail="$trail -> (scan)"
    else
      if ! awk -v a="$pct" -v b="$prev" 'BEGIN { exit !(a > b) }'; then
        fail "1 $tag: link $i: progress did not advance ($prev% -> $pct%)"; return
      fi
      mid=$((mid + 1)); prev=$pct
      trail="$trail -> $(printf '%.1f' "$pct")%"
    fi
    # Later links: a resumed run spends T_START reading the checkpoint and
    # the corpus; signal about a fifth of the training time after that.
    delay=$(calc "$T_START" + "$T_TRAIN" '*' 0.2)
  done
  if [ "$RC" != 0 ]; then
    fail "1 $tag: the chain did not finish after $links interruptions"; return
  fi
  if [ "$mid" -lt 3 ]; then
    fail "1 $tag: only $mid mid-training interruptions happened (timing); progress$trail"; return
  fi
  if cmp -s "$out" "$REF"; then
    pass "1 $tag: $mid interruptions (progress 0%$trail -> done), each exit 130, resumed $links times; vectors identical"
  else
    fail "1 $tag: after $links resumes (progress$trail) vectors differ from the uninterrupted run ($(cmp "$out" "$REF" 2>&1 | head -n 1))"
  fi
}

# config_trials NAME CHAIN POINTS ARGS...: the uninterrupted run of ARGS (its
# vectors REF, duration T_REF), then one interrupt_trial per POINTS entry
# (FRACTION:SIGNAL:EXIT) and, if CHAIN = 1, a chain_trial.
config_trials() {
  local name="$1" chain="$2" points="$3" p frac sig expect e
  shift 3
  COMMON=(-i "$CORPUS_1M" --threads 1 --seed 3 -q "$@")
  REF="$WORKDIR/ref-$name.bin"
  LIMIT=120
  run_fg "$LIMIT" "$WORKDIR/ref-$name.log" "$WEMBED" train "${COMMON[@]}" \
    --checkpoint "$WORKDIR/ref-$name.wemb" --output "$REF"
  if [ "$RC" != 0 ]; then
    fail "1 $name: the uninterrupted run failed (exit $RC): $(last_line "$WORKDIR/ref-$name.log")"
    return
  fi
  T_REF=$ELAPSED
  # The start-up share (corpus scan): a run with --epochs 1 and otherwise the
  # same work (checkpoint and vectors written) costs start-up + T/E.
  e=$(printf '%s\n' "$@" | awk 'p { print; exit } /^--epochs$/ { p = 1 }')
  T_START=$(calc "$T_REF" '*' 0.1)
  if [ -n "$e" ] && [ "$e" -gt 1 ]; then
    run_fg "$LIMIT" "$WORKDIR/one-$name.log" "$WEMBED" train "${COMMON[@]}" \
      --epochs 1 --checkpoint "$WORKDIR/one.wemb" --output "$WORKDIR/one.bin"
    T_START=$(awk -v t="$T_REF" -v o="$ELAPSED" -v e="$e" \
      'BEGIN { s = (o * e - t) / (e - 1); if (s < 0.03) s = 0.03; if (s > t / 2) s = t / 2; printf "%.3f", s }')
  fi
  T_TRAIN=$(calc "$T_REF" - "$T_START")
  LIMIT=$(calc 20 + 10 '*' "$T_REF")
  note "$name ($*): uninterrupted run ${T_REF}s (about ${T_START}s start-up, ${T_TRAIN}s training)"
  for p in $points; do
    IFS=: read -r frac sig expect <<<"$p"
    interrupt_trial "$name-at$frac-$sig" "$frac" "$sig" "$expect"
  done
  [ "$chain" = 1 ] && chain_trial "$name-chain"
}

if want 1; then
  section "1. SIGINT/SIGTERM, then --resume: byte-identical vectors (--threads 1 --seed 3)"
  if [ "$QUICK" = 1 ]; then
    config_trials e3 1 "0.3:INT:130 0.6:TERM:143" --epochs 3
  else
    ALL_POINTS="0.2:INT:130 0.35:INT:130 0.5:INT:130 0.65:TERM:143 0.8:INT:130 0.92:INT:130"
    config_trials e3 1 "$ALL_POINTS" --epochs 3
    config_trials e12 1 "$ALL_POINTS" --epochs 12
    # Variants: word2vec.c's update rule; sentences cut every 7 words, so
    # checkpoints also fall in the middle of a corpus line.
    config_trials exact 0 "0.3:INT:130 0.7:INT:130" --epochs 2 --update exact
    config_trials msl7 0 "0.3:INT:130 0.7:INT:130" --epochs 3 --max-sentence-length 7
  fi
fi

# ---------------------------------------------------------------------------
# Check 2: SIGKILL with periodic checkpoints leaves a loadable file.
if want 2; then
  section "2. SIGKILL during --checkpoint-every runs: the file left behind loads and resumes exactly"
  E2=20
  COMMON2=(-i "$CORPUS_1M" --threads 1 --seed 3 --epochs "$E2" -q)
  REF2="$WORKDIR/ref2.bin"
  run_fg 300 "$WORKDIR/ref2.log" "$WEMBED" train "${COMMON2[@]}" \
    --checkpoint "$WORKDIR/ref2.wemb" --checkpoint-every 1 --output "$REF2"
  if [ "$RC" != 0 ]; then
    fail "2: the uninterrupted --epochs $E2 run failed (exit $RC): $(last_line "$WORKDIR/ref2.log")"
  else
    T2=$ELAPSED
    note "uninterrupted --epochs $E2 run: ${T2}s"
    LIMIT2=$(calc 30 + 5 '*' "$T2")
    if [ "$QUICK" = 1 ]; then EVERY_SET="1 0.05"; else EVERY_SET="1 1 1 0.05 0.05 0.05"; fi
    n=0
    for every in $EVERY_SET; do
      n=$((n + 1))
      tag="kill$n-every$every"
      d="$WORKDIR/$tag"; mkdir -p "$d"
      ck="$d/run.wemb"; out="$d/run.bin"
      # After the first checkpoint: >= 1.5 s with --checkpoint-every 1.
      lo=$(awk -v e="$every" 'BEGIN { print (e >= 1 ? 1.6 : 0.6) }')
      hi=$(calc "$T2" '*' 0.9)
      kill_at=$(rand_between "$lo" "$hi")
      signal_after "$kill_at" KILL "$LIMIT2" "$d/train.log" \
        "$WEMBED" train "${COMMON2[@]}" --checkpoint "$ck" --checkpoint-every "$every"
      if [ "$RC" != 137 ]; then
        fail "2 $tag: SIGKILL at ${kill_at}s: exit $RC, expected 137 (run too short on this machine?)"
        continue
      fi
      temps=$(find "$d" -name 'run.wemb.tmp*' | wc -l)
      if [ ! -e "$ck" ]; then
        fail "2 $tag: SIGKILL at ${kill_at}s: no checkpoint file at all"; continue
      fi
      if ! summary=$(info_summary "$ck"); then
        fail "2 $tag: SIGKILL at ${kill_at}s: wembed info rejects the file left behind: $(head -n 1 "$WORKDIR/info.err")"
        continue
      fi
      pass "2 $tag: SIGKILL at ${kill_at}s: wembed info exit 0 on the file left behind ($summary; $temps temp file(s) of the killed writer)"
      # Exact resume from a periodic checkpoint (one thread).
      run_fg "$LIMIT2" "$d/resume.log" "$WEMBED" train --resume "$ck" --output "$out" -q
      left=$(find "$d" -name 'run.wemb.tmp*' | wc -l)
      if [ "$HUNG" = 1 ] || [ "$RC" != 0 ]; then
        fail "2 $tag: resume exit $RC (hung=$HUNG): $(last_line "$d/resume.log")"
      elif ! cmp -s "$out" "$REF2"; then
        fail "2 $tag: resumed vectors differ from the uninterrupted run ($summary; $(cmp "$out" "$REF2" 2>&1 | head -n 1))"
      elif [ "$left" != 0 ]; then
        fail "2 $tag: resumed run identical, but $left temp file(s) still left in $d"
      else
        pass "2 $tag: resume exit 0; vectors identical to the uninterrupted run; no temp files left"
      fi
    done
  fi
fi

# ---------------------------------------------------------------------------
# Check 3: wembed info refuses damaged checkpoints (one stderr line, no crash,
# no hang).
cat >"$WORKDIR/damage.py" <<'PY'
# damage.py WEMBED CKPT MODE SEED N_UNIFORM N_VOCAB N_TRUNC WORKDIR
# Prints "RESULT PASS|FAIL text" lines.
import collections, os, random, re, shutil, struct, subprocess, sys, time

wembed, path, mode, seed = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
n_uniform, n_vocab, n_trunc = map(int, sys.argv[5:8])
work = sys.argv[8]
rng = random.Random(seed)
data = open(path, "rb").read()
size = len(data)

# Section boundaries (docs/checkpoint-format.md): 20-byte header, then
# type u32, length u64, payload, crc u32.
sections = []  # (type, start, end)
off = 20
while off + 12 <= size:
    typ, length = struct.unpack_from("<IQ", data, off)
    end = off + 12 + length + 4
    sections.append((typ, off, end))
    off = end
    if typ == 6:
        break
if off != size or not sections or sections[-1][0] != 6:
    print("RESULT FAIL %s: cannot parse the section layout (stopped at %d of %d)"
          % (path, off, size))
    sys.exit(0)
by_type = {t: (s, e) for t, s, e in sections}


def run(p):
    r = subprocess.run(["timeout", "10", wembed, "info", p], cwd=work,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return r.returncode, r.stderr.decode("utf-8", "replace")


def classify(rc, err):
    if rc == 0:
        return "accepted (exit 0)"
    if rc == 124:
        return "hang (timeout 10 fired)"
    if rc < 0 or rc >= 128:
        return "crash (exit %d)" % rc
    if not err.endswith("\n") or err.count("\n") != 1 or not err.strip():
        return "stderr has %d lines" % err.count("\n")
    return None


class Sweep:
    def __init__(self, name, target):
        self.name, self.target = name, target
        self.n = 0
        self.bad = []
        self.codes = collections.Counter()
        self.unnamed = 0
        self.kinds = collections.Counter()  # messages with numbers masked
        self.t0 = time.time()

    def case(self, label):
        rc, err = run(self.target)
        self.n += 1
        self.codes[rc] += 1
        why = classify(rc, err)
        if why:
            self.bad.append("%s: %s: %s" % (label, why, err.strip()[:160]))
        elif self.target not in err:
            self.unnamed += 1
        if not why:
            msg = err.strip().replace(self.target, "FILE")
            self.kinds[re.sub(r"[0-9]+", "N", msg)] += 1

    def report(self):
        secs = time.time() - self.t0
        codes = ", ".join("exit %d x%d" % kv for kv in sorted(self.codes.items()))
        if self.bad:
            print("RESULT FAIL 3 %s: %d of %d damaged copies mishandled (%s); first: %s"
                  % (self.name, len(self.bad), self.n, codes,
                     " | ".join(self.bad[:3])))
        else:
            print("RESULT PASS 3 %s: all %d damaged copies refused with one stderr line (%s; %.1f s)"
                  % (self.name, self.n, codes, secs))
        if self.unnamed:
            print("RESULT NOTE 3 %s: %d of %d messages do not name the file" %
                  (self.name, self.unnamed, self.n))
        if self.kinds:
            print("RESULT NOTE 3 %s: %d kinds of message; most common: %s" % (
                self.name, len(self.kinds), " | ".join(
                    "%s (x%d)" % (m[:110], c) for m, c in self.kinds.most_common(3))))


# The intact file must load, or the sweep proves nothing.
rc, err = run(path)
if rc != 0:
    print("RESULT FAIL 3 %s: the undamaged checkpoint is rejected (exit %d): %s"
          % (os.path.basename(path), rc, err.strip()))
    sys.exit(0)
print("RESULT NOTE 3 %s: %d bytes, sections %s" % (
    os.path.basename(path), size,
    ", ".join("%d@%d+%d" % (t, s, e - s) for t, s, e in sections)))

tag = mode
copy = os.path.join(work, "damaged-%s.wemb" % mode)


def flip_sweep(name, positions, masks):
    shutil.copyfile(path, copy)
    sw = Sweep(name, copy)
    with open(copy, "r+b", buffering=0) as f:
        for pos, mask in zip(positions, masks):
            f.seek(pos)
            f.write(bytes([data[pos] ^ mask]))
            sw.case("byte %d ^= 0x%02x" % (pos, mask))
            f.seek(pos)
            f.write(bytes([data[pos]]))
    sw.report()


def trunc_sweep(name, lengths):
    shutil.copyfile(path, copy)
    sw = Sweep(name, copy)
    for n in sorted(set(lengths), reverse=True):  # the copy only shrinks
        os.truncate(copy, n)
        sw.case("truncated to %d bytes" % n)
    sw.report()


def append_sweep(name, tails):
    sw = Sweep(name, copy)
    for label, tail in tails:
        with open(copy, "wb") as f:
            f.write(data + tail)
        sw.case(label)
    sw.report()


end_section = data[by_type[6][0]:by_type[6][1]]
tails = [("1 zero byte appended", b"\0"), ("1 random byte appended", bytes([rng.randrange(256)])),
         ("4 KB of random bytes appended", bytes(rng.randrange(256) for _ in range(4096))),
         ("a second end section appended", end_section),
         ("the whole file appended again", data)]

if mode == "small":
    flip_sweep("small: every byte ^ 0xff", range(size), [0xFF] * size)
    flip_sweep("small: every byte, one bit flipped",
               range(size), [1 << rng.randrange(8) for _ in range(size)])
    trunc_sweep("small: every truncation length", range(size))
    append_sweep("small: trailing garbage", tails)
else:
    near = set()
    for t, s, e in sections:  # every section frame, +-32 bytes
        near.update(range(max(0, s - 32), min(size, s + 48)))
        near.update(range(max(0, e - 32), min(size, e + 32)))
    dense = set(range(0, by_type[1][1]))  # header + options section
    dense.update(range(by_type[5][0], size))  # progress + end sections
    vs, ve = by_type[2]
    vocab = rng.sample(range(vs, ve), min(n_vocab, ve - vs))
    uniform = rng.sample(range(size), min(n_uniform, size))
    positions = sorted(near | dense | set(vocab) | set(uniform))
    masks = [0xFF if i % 2 else 1 << rng.randrange(8) for i in range(len(positions))]
    flip_sweep("big: %d flipped positions (every byte of header/options/progress/"
               "end and section frames, %d in the vocabulary, %d uniform)"
               % (len(positions), len(vocab), len(uniform)), positions, masks)
    lengths = set(range(0, by_type[1][1] + 1))
    lengths.update(x for x in near if x < size)
    lengths.update(range(by_type[5][0], size))
    lengths.update(rng.sample(range(size), min(n_trunc, size)))
    trunc_sweep("big: %d truncation lengths" % len(lengths), lengths)
    append_sweep("big: trailing garbage", tails)

cores = [f for f in os.listdir(work) if f.startswith("core")]
if cores:
    print("RESULT FAIL 3 %s: core files in %s: %s" % (mode, work, ", ".join(cores)))
PY

# run_damage CKPT MODE N_UNIFORM N_VOCAB N_TRUNC
run_damage() {
  local line kind text
  while IFS= read -r line; do
    case "$line" in
      "RESULT PASS "*) pass "${line#RESULT PASS }" ;;
      "RESULT FAIL "*) fail "${line#RESULT FAIL }" ;;
      "RESULT NOTE "*) note "${line#RESULT NOTE }" ;;
      *) note "$line" ;;
    esac
  done < <("$PYTHON" "$WORKDIR/damage.py" "$WEMBED" "$1" "$2" "$SEED" "$3" "$4" "$5" "$WORKDIR/damage" 2>&1)
}

if want 3; then
  section "3. wembed info refuses damaged checkpoints (non-zero exit < 128, one stderr line, no hang)"
  mkdir -p "$WORKDIR/damage"
  head -n 20 "$CORPUS_1M" >"$WORKDIR/tiny.txt"
  run_fg 60 "$WORKDIR/small.log" "$WEMBED" train -i "$WORKDIR/tiny.txt" --dim 4 \
    --epochs 2 --min-count 4 --threads 1 --seed 3 -q --checkpoint "$WORKDIR/small.wemb" \
    --checkpoint-every 600
  if [ "$RC" != 0 ]; then
    fail "3: cannot make the small checkpoint (exit $RC): $(last_line "$WORKDIR/small.log")"
  else
    run_damage "$WORKDIR/small.wemb" small 0 0 0
  fi
  if [ -z "$BIG_CKPT" ]; then
    BIG_CKPT="$WORKDIR/big.wemb"
    start_bg "$WORKDIR/big.log" "$WEMBED" train -i "$CORPUS_1M" --threads 1 --seed 3 \
      --epochs 3 -q --checkpoint "$BIG_CKPT"
    sleep 0.4; kill -INT "$BG_PID" 2>/dev/null; await_bg 120
    [ -e "$BIG_CKPT" ] || { note "(could not interrupt; using a finished checkpoint)";
      run_fg 120 "$WORKDIR/big.log" "$WEMBED" train -i "$CORPUS_1M" --threads 1 \
        --seed 3 --epochs 1 -q --checkpoint "$BIG_CKPT"; }
  fi
  if [ -e "$BIG_CKPT" ]; then
    if [ "$QUICK" = 1 ]; then run_damage "$BIG_CKPT" big 500 300 200
    else run_damage "$BIG_CKPT" big 2000 1000 500; fi
  else
    fail "3: no 1M-corpus checkpoint to damage"
  fi
fi

# ---------------------------------------------------------------------------
# Check 4: SIGKILL of a 2-thread full-corpus run, resume, quality within noise.
# score VECTORS: sets ACC (analogy accuracy, percent) and SPEARMAN.
score() {
  ACC=""; SPEARMAN=""
  if [ "$EVAL_WITH" = wembed ]; then
    "$WEMBED" eval analogy --vectors "$1" --questions "$QUESTIONS" --restrict 30000 \
      --json >"$WORKDIR/analogy.json" 2>"$WORKDIR/eval.err" || return 1
    "$WEMBED" eval similarity --vectors "$1" --pairs "$PAIRS" \
      --json >"$WORKDIR/similarity.json" 2>>"$WORKDIR/eval.err" || return 1
    ACC=$(json_get "$WORKDIR/analogy.json" 'd["total"]["accuracy"]')
    SPEARMAN=$(json_get "$WORKDIR/similarity.json" 'd["spearman"]')
  else
    local out
    out=$("$PYTHON" - "$1" "$QUESTIONS" "$PAIRS" 2>"$WORKDIR/eval.err" <<'PY'
import sys
from gensim.models import KeyedVectors
kv = KeyedVectors.load_word2vec_format(sys.argv[1], binary=True)
acc, _ = kv.evaluate_word_analogies(sys.argv[2], restrict_vocab=30000, case_insensitive=True)
sim = kv.evaluate_word_pairs(sys.argv[3], restrict_vocab=len(kv), case_insensitive=True)
print(acc * 100, sim[1][0])
PY
) || return 1
    read -r ACC SPEARMAN <<<"$out"
  fi
  [ -n "$ACC" ] && [ -n "$SPEARMAN" ]
}

if want 4; then
  section "4. SIGKILL of a 2-thread full-corpus run (--checkpoint-every 2), --resume, quality"
  if [ ! -r "$CORPUS_FULL" ] || [ ! -r "$QUESTIONS" ] || [ ! -r "$PAIRS" ]; then
    fail "4: needs $CORPUS_FULL, $QUESTIONS and $PAIRS"
  else
    if [ "$EVAL_WITH" = auto ]; then
      if "$WEMBED" eval analogy --help >/dev/null 2>&1 && \
         "$WEMBED" eval similarity --help >/dev/null 2>&1; then
        EVAL_WITH=wembed
      else
        EVAL_WITH=gensim
      fi
    fi
    note "scoring with: $EVAL_WITH"
    COMMON4=(-i "$CORPUS_FULL" --threads 2 --epochs 1)
    run_fg 900 "$WORKDIR/full-a.log" "$WEMBED" train "${COMMON4[@]}" \
      --checkpoint "$WORKDIR/full-a.wemb" --checkpoint-every 2 --output "$WORKDIR/full-a.bin"
    if [ "$RC" != 0 ]; then
      fail "4: the uninterrupted run failed (exit $RC): $(last_line "$WORKDIR/full-a.log")"
    else
      T4=$ELAPSED
      SCAN4=$(tr '\r' '\n' <"$WORKDIR/full-a.log" | sed -n 's/^read .* in \([0-9.]*\) s;.*/\1/p' | head -n 1)
      SCAN4=${SCAN4:-0}
      note "uninterrupted run: ${T4}s wall (corpus scan ${SCAN4}s); $(grep -o 'train: done.*' "$WORKDIR/full-a.log" | head -n 1)"
      NOISE_B=""
      if [ "$QUICK" != 1 ]; then
        run_fg 900 "$WORKDIR/full-b.log" "$WEMBED" train "${COMMON4[@]}" \
          --checkpoint "$WORKDIR/full-b.wemb" --checkpoint-every 2 --output "$WORKDIR/full-b.bin"
        [ "$RC" = 0 ] && NOISE_B="$WORKDIR/full-b.bin"
      fi
      # Kill after the first checkpoint (scan + 2 s of training) and before the end.
      ck="$WORKDIR/full-k.wemb"
      killed=0
      for attempt in 1 2 3; do
        rm -f "$ck" "$ck".tmp*
        kill_at=$(rand_between "$(calc "$SCAN4" + 2.6)" "$(calc "$T4" - 0.6)")
        signal_after "$kill_at" KILL 900 "$WORKDIR/full-k.log" "$WEMBED" train \
          "${COMMON4[@]}" --checkpoint "$ck" --checkpoint-every 2 --output "$WORKDIR/full-k.bin"
        if [ "$RC" = 137 ] && [ -e "$ck" ]; then killed=1; break; fi
        note "attempt $attempt: SIGKILL at ${kill_at}s: exit $RC, checkpoint present: $([ -e "$ck" ] && echo yes || echo no); retrying"
      done
      if [ "$killed" != 1 ]; then
        fail "4: could not SIGKILL the run after its first checkpoint (exit $RC)"
      elif ! ksummary=$(info_summary "$ck"); then
        fail "4: SIGKILL at ${kill_at}s: wembed info rejects the file left behind: $(head -n 1 "$WORKDIR/info.err")"
      else
        pass "4 SIGKILL at ${kill_at}s: exit 137, checkpoint loads ($ksummary)"
        run_fg 900 "$WORKDIR/full-k-resume.log" "$WEMBED" train --resume "$ck" \
          --output "$WORKDIR/full-k.bin"
        if [ "$HUNG" = 1 ] || [ "$RC" != 0 ] || [ ! -s "$WORKDIR/full-k.bin" ]; then
          fail "4 resume: exit $RC (hung=$HUNG): $(last_line "$WORKDIR/full-k-resume.log")"
        else
          fsummary=$(info_summary "$ck")
          pass "4 resume: exit 0 after ${ELAPSED}s, vectors written, checkpoint now $fsummary"
          if score "$WORKDIR/full-a.bin"; then
            ACC_A=$ACC; SP_A=$SPEARMAN
            if [ -n "$NOISE_B" ] && score "$NOISE_B"; then
              ACC_B=$ACC; SP_B=$SPEARMAN
              note "uninterrupted run B: analogy $(printf '%.2f' "$ACC_B")%, WS353 $(printf '%.4f' "$SP_B") (run-to-run noise: $(calc "$ACC_B" - "$ACC_A") points, $(awk -v a="$SP_B" -v b="$SP_A" 'BEGIN { printf "%.4f", a - b }'))"
            fi
            if score "$WORKDIR/full-k.bin"; then
              dacc=$(calc "$ACC" - "$ACC_A"); dsp=$(awk -v a="$SPEARMAN" -v b="$SP_A" 'BEGIN { printf "%.4f", a - b }')
              msg="uninterrupted analogy $(printf '%.2f' "$ACC_A")% WS353 $(printf '%.4f' "$SP_A"); killed+resumed analogy $(printf '%.2f' "$ACC")% WS353 $(printf '%.4f' "$SPEARMAN") (diff $dacc points, $dsp)"
              if awk -v a="$dacc" -v s="$dsp" 'BEGIN { exit !(a <= 1.0 && a >= -1.0 && s <= 0.02 && s >= -0.02) }'; then
                pass "4 quality: $msg"
              else
                fail "4 quality: $msg: outside the noise limits (1.0 point, 0.02)"
              fi
            else
              fail "4: scoring the resumed vectors failed: $(head -n 2 "$WORKDIR/eval.err")"
            fi
          else
            fail "4: scoring the uninterrupted vectors failed: $(head -n 2 "$WORKDIR/eval.err")"
          fi
        fi
      fi
    fi
  fi
fi

# ---------------------------------------------------------------------------
echo
echo "== summary ($(calc "$(now)" - "$T_SCRIPT0") s, seed $SEED)"
for r in "${RESULTS[@]}"; do echo "$r"; done
echo "$NPASS passed, $NFAIL failed"
if [ "$NFAIL" -gt 0 ]; then exit 1; fi
exit 0
