#!/usr/bin/python3
"""Writes random word2vec vectors for timing `wembed eval` and the loader.

The first rows are the (lowercased) words of the given analogy files, so that
every question is seen; the rest are filler words. Writes both formats:
  <out>.txt (text, "%.6f" values like word2vec.c) and <out>.bin (binary).
Usage: make_synthetic_vectors.py OUT ROWS DIM [QUESTIONS...]
"""
import sys

import numpy as np


def main():
    out, rows, dim = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    words = []
    seen = set()
    for q in sys.argv[4:]:
        with open(q, encoding="utf8") as f:
            for line in f:
                if line.startswith(":"):
                    continue
                for w in line.lower().split():
                    if w not in seen:
                        seen.add(w)
                        words.append(w)
    i = 0
    while len(words) < rows:
        w = "filler%d" % i
        i += 1
        if w not in seen:
            words.append(w)
    words = words[:rows]
    rng = np.random.default_rng(1)
    vecs = rng.standard_normal((rows, dim), dtype=np.float32)
    with open(out + ".bin", "wb") as f:
        f.write(b"%d %d\n" % (rows, dim))
        for w, v in zip(words, vecs):
            f.write(w.encode() + b" " + v.astype("<f4").tobytes() + b"\n")
    with open(out + ".txt", "w") as f:
        f.write("%d %d\n" % (rows, dim))
        fmt = " ".join(["%.6f"] * dim)
        for w, v in zip(words, vecs):
            f.write(w + " " + fmt % tuple(v) + "\n")


if __name__ == "__main__":
    main()
