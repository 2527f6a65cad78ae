#!/usr/bin/env python3
"""Trains gensim skip-gram with the benchmark settings (used by bench.sh).

Usage: gensim_train.py CORPUS_TXT OUT_BIN EPOCHS THREADS
"""
import sys

from gensim.models import Word2Vec


def main():
    corpus, out, epochs, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    model = Word2Vec(corpus_file=corpus, sg=1, hs=0, vector_size=100, window=5,
                     negative=5, sample=1e-4, min_count=5, alpha=0.025,
                     workers=threads, epochs=epochs)
    model.wv.save_word2vec_format(out, binary=True)


if __name__ == "__main__":
    main()
