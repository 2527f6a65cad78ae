#!/usr/bin/python3
"""Acceptance check: `wembed eval` must reproduce gensim's evaluation numbers.

For each analogy file, runs
  wembed eval analogy --vectors V --questions Q --restrict N --json
and gensim's KeyedVectors.evaluate_word_analogies(Q, restrict_vocab=N,
case_insensitive=True), and requires the same number of seen questions (total
and per section) and the same accuracy within --tolerance points. It also
generates a derived analogy file (sections renamed, questions subsampled,
shuffled and re-cased, with a few malformed lines) and checks that too, and
(unless --no-mixed-case) repeats the analogy and similarity checks on a copy
of the vectors with case variants inserted (e.g. "Paris" before or after
"paris", with nearby vectors), which exercises the case-folding rules: the
first row of each lowercased word represents it, and case variants of the
question words are never answers.

For each pairs file, runs `wembed eval similarity --json` and compares with
gensim's evaluate_word_pairs over the whole vocabulary (scipy's spearmanr and
pearsonr underneath): the same pairs used and Spearman/Pearson within
--corr-tolerance.

Needs the Debian python3 with gensim (/usr/bin/python3). Example:
  /usr/bin/python3 scripts/compare_gensim_eval.py \
      --wembed build/wembed --vectors /tmp/vectors.bin \
      --questions /work/shared/data/eval/questions-words.txt \
                  /work/shared/data/eval/questions-phrases.txt \
      --pairs /work/shared/data/eval/wordsim353.txt
Exit status 0 when every check passes, 1 otherwise.
"""

import argparse
import json
import logging
import numpy as np
import os
import random
import subprocess
import sys
import tempfile
import time

from gensim.models import KeyedVectors


def detect_binary(path):
    """word2vec binary vs text, by the bytes of the first row."""
    with open(path, "rb") as f:
        f.readline()
        row = f.read(4096)
    line = row.split(b"\n", 1)[0]
    allowed = set(b"0123456789+-.eE \t\rnaifNAIFty")
    parts = line.split(b" ", 1)
    return len(parts) < 2 or not all(c in allowed for c in parts[1])


def run_wembed(cmd):
    t = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(out.stdout), time.perf_counter() - t


def make_derived_questions(src, dst, seed=12345):
    """A different analogy file in the same format: every section renamed,
    2/3 of its questions kept in shuffled order, words randomly re-cased, a
    few malformed lines (ignored by both tools) and one extra section."""
    rng = random.Random(seed)
    sections, cur = [], None
    with open(src, encoding="utf8") as f:
        for line in f:
            if line.startswith(": "):
                cur = [line[2:].strip(), []]
                sections.append(cur)
            elif line.split():
                cur[1].append(line.split())
    rng.shuffle(sections)
    with open(dst, "w", encoding="utf8") as out:
        for name, qs in sections:
            out.write(": %s-derived\n" % name)
            qs = [q for q in qs if rng.random() < 2 / 3]
            rng.shuffle(qs)
            for i, q in enumerate(qs):
                q = [w.upper() if rng.random() < 0.2 else w.lower() for w in q]
                out.write(" ".join(q) + "\n")
                if i % 97 == 0:
                    out.write(" ".join(q[:3]) + "\n")  # malformed: skipped
        # Reversed-direction questions of the first semantic section.
        name, qs = sections[0]
        out.write(": %s-reversed\n" % name)
        for q in qs[:300]:
            out.write("%s %s %s %s\n" % (q[1], q[0], q[3], q[2]))


def make_mixed_case_vectors(kv, path, seed=7):
    """Inserts case variants next to 10% of the words (before or after,
    vectors = the word's plus noise) and saves the result (binary)."""
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    present = set(kv.index_to_key)
    words, vecs = [], []
    for i, w in enumerate(kv.index_to_key):
        v = kv.vectors[i]
        variants = [x for x in (w.capitalize(), w.upper()) if x not in present]
        r = rng.random()
        if not variants or r >= 0.10:
            words.append(w)
            vecs.append(v)
            continue
        noisy = [v + nrng.normal(0, 0.3 * float(np.abs(v).mean()), v.shape)
                 .astype(np.float32) for _ in variants]
        if r < 0.05:  # a variant is the more frequent row
            words += variants[:1] + [w] + variants[1:]
            vecs += noisy[:1] + [v] + noisy[1:]
        else:
            words += [w] + variants
            vecs += [v] + noisy
        present.update(variants)
    out = KeyedVectors(kv.vector_size)
    out.add_vectors(words, np.array(vecs, dtype=np.float32))
    out.save_word2vec_format(path, binary=True)
    return out


def compare_analogy(kv, wembed, vectors, qfile, restrict, tol):
    ok = True
    t = time.perf_counter()
    g_score, g_sections = kv.evaluate_word_analogies(
        qfile, restrict_vocab=restrict, case_insensitive=True)
    g_time = time.perf_counter() - t
    w, w_time = run_wembed([wembed, "eval", "analogy", "--vectors", vectors,
                            "--questions", qfile, "--restrict", str(restrict),
                            "--json"])
    g_total = g_sections[-1]
    g_seen = len(g_total["correct"]) + len(g_total["incorrect"])
    g_correct = len(g_total["correct"])
    g_acc = 100.0 * g_score
    print("%s (restrict %d)" % (qfile, restrict))
    print("  %-40s %8s %8s %9s | %8s %8s %9s" %
          ("section", "g.seen", "g.corr", "g.acc", "w.seen", "w.corr", "w.acc"))
    for gs, ws in zip(g_sections[:-1], w["sections"]):
        gseen = len(gs["correct"]) + len(gs["incorrect"])
        gacc = 100.0 * len(gs["correct"]) / gseen if gseen else 0.0
        flag = ""
        if gs["section"] != ws["name"] or gseen != ws["seen"]:
            flag = "  <-- MISMATCH (name/seen)"
            ok = False
        print("  %-40s %8d %8d %8.2f%% | %8d %8d %8.2f%%%s" %
              (gs["section"][:40], gseen, len(gs["correct"]), gacc, ws["seen"],
               ws["correct"], ws["accuracy"], flag))
    if len(g_sections) - 1 != len(w["sections"]):
        print("  section count differs: gensim %d, wembed %d" %
              (len(g_sections) - 1, len(w["sections"])))
        ok = False
    tw = w["total"]
    diff = abs(tw["accuracy"] - g_acc)
    same_seen = tw["seen"] == g_seen
    print("  total: gensim %d seen, %d correct, %.4f%%  |  wembed %d seen, %d "
          "correct, %.4f%% (of %d questions)" %
          (g_seen, g_correct, g_acc, tw["seen"], tw["correct"], tw["accuracy"],
           tw["questions"]))
    print("  seen equal: %s; accuracy difference %.4f points (tolerance %.2f)"
          % ("yes" if same_seen else "NO", diff, tol))
    print("  time: gensim %.2f s; wembed %.2f s wall (load %.2f s, evaluate "
          "%.2f s)" % (g_time, w_time, w["seconds"]["load"],
                       w["seconds"]["evaluate"]))
    return ok and same_seen and diff <= tol


def compare_pairs(kv, wembed, vectors, pfile, tol):
    (g_pearson, _), (g_spearman, _), g_oov = kv.evaluate_word_pairs(
        pfile, delimiter="\t", restrict_vocab=len(kv.index_to_key),
        case_insensitive=True)
    w, w_time = run_wembed([wembed, "eval", "similarity", "--vectors", vectors,
                            "--pairs", pfile, "--json"])
    n_total = w["pairs_total"]
    g_used = round(n_total * (1 - g_oov / 100.0))
    d_s = abs(w["spearman"] - g_spearman)
    d_p = abs(w["pearson"] - g_pearson)
    print("%s" % pfile)
    print("  gensim/scipy: spearman %.6f pearson %.6f pairs used %d of %d" %
          (g_spearman, g_pearson, g_used, n_total))
    print("  wembed:       spearman %.6f pearson %.6f pairs used %d of %d "
          "(%.2f s)" % (w["spearman"], w["pearson"], w["pairs_used"], n_total,
                        w_time))
    print("  differences: spearman %.6f, pearson %.6f (tolerance %.4f)" %
          (d_s, d_p, tol))
    return d_s <= tol and d_p <= tol and g_used == w["pairs_used"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--wembed", required=True, help="path to the wembed binary")
    ap.add_argument("--vectors", required=True,
                    help="word2vec vectors (binary or text, auto-detected)")
    ap.add_argument("--questions", nargs="+", default=[])
    ap.add_argument("--pairs", nargs="+", default=[])
    ap.add_argument("--restrict", type=int, default=30000)
    ap.add_argument("--tolerance", type=float, default=0.05,
                    help="max analogy accuracy difference, in points")
    ap.add_argument("--corr-tolerance", type=float, default=0.0005)
    ap.add_argument("--no-derived", action="store_true",
                    help="skip the generated analogy file")
    ap.add_argument("--no-mixed-case", action="store_true",
                    help="skip the copy of the vectors with case variants")
    args = ap.parse_args()
    logging.basicConfig(level=logging.ERROR)

    binary = detect_binary(args.vectors)
    t = time.perf_counter()
    kv = KeyedVectors.load_word2vec_format(args.vectors, binary=binary)
    print("gensim loaded %s (%s, %d x %d) in %.2f s" %
          (args.vectors, "binary" if binary else "text", len(kv.index_to_key),
           kv.vector_size, time.perf_counter() - t))
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        qfiles = list(args.questions)
        if args.questions and not args.no_derived:
            derived = os.path.join(tmp, "derived-questions.txt")
            make_derived_questions(args.questions[0], derived)
            qfiles.append(derived)
        for q in qfiles:
            results.append((q, compare_analogy(kv, args.wembed, args.vectors, q,
                                               args.restrict, args.tolerance)))
        for p in args.pairs:
            results.append((p, compare_pairs(kv, args.wembed, args.vectors, p,
                                             args.corr_tolerance)))
        if not args.no_mixed_case:
            mixed = os.path.join(tmp, "mixed-case.bin")
            kvm = make_mixed_case_vectors(kv, mixed)
            print("\nmixed-case copy: %d rows (%d case variants added)" %
                  (len(kvm.index_to_key),
                   len(kvm.index_to_key) - len(kv.index_to_key)))
            for q in qfiles:
                results.append(("mixed-case: " + q, compare_analogy(
                    kvm, args.wembed, mixed, q, args.restrict, args.tolerance)))
            for p in args.pairs:
                results.append(("mixed-case: " + p, compare_pairs(
                    kvm, args.wembed, mixed, p, args.corr_tolerance)))
    print("\nsummary:")
    for name, ok in results:
        print("  %-6s %s" % ("PASS" if ok else "FAIL", name))
    return 0 if all(ok for _, ok in results) else 1


if __name__ == "__main__":
    sys.exit(main())
