#!/usr/bin/env python3
"""Trains gensim word2vec with the benchmark settings (used by bench.sh).

Usage: gensim_train.py CORPUS_TXT OUT_BIN EPOCHS THREADS [MODEL LOSS ALPHA]
  MODEL sg (default) or cbow, LOSS ns (default) or hs, ALPHA 0.025 default.
"""
import sys

from gensim.models import Word2Vec


def main():
    corpus, out, epochs, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    model_name = sys.argv[5] if len(sys.argv) > 5 else "sg"
    loss = sys.argv[6] if len(sys.argv) > 6 else "ns"
    alpha = float(sys.argv[7]) if len(sys.argv) > 7 else 0.025
    hs = 1 if loss == "hs" else 0
    model = Word2Vec(corpus_file=corpus, sg=1 if model_name == "sg" else 0,
                     hs=hs, vector_size=100, window=5,
                     negative=0 if hs else 5, sample=1e-4, min_count=5,
                     alpha=alpha, workers=threads, epochs=epochs)
    model.wv.save_word2vec_format(out, binary=True)


if __name__ == "__main__":
    main()
