"""Subword models (--subwords) in Python: vectors for words outside the
vocabulary, as gensim's FastTextKeyedVectors gives them."""
import numpy as np
import pytest

import wembed

UNSEEN = "qqzzyxw"


def ngrams(word, min_n, max_n):
    """fastText's computeSubwords for an ASCII word, written out here."""
    w = "<" + word + ">"
    out = []
    for i in range(len(w)):
        for n in range(1, max_n + 1):
            if i + n > len(w):
                break
            if n >= min_n and not (n == 1 and (i == 0 or i + n == len(w))):
                out.append(w[i:i + n])
    return out


def fnv1a(text):
    """fastText's hash: FNV-1a over the bytes, each sign-extended."""
    h = 2166136261
    for b in text.encode("utf-8"):
        h ^= (b - 256 if b >= 128 else b) & 0xFFFFFFFF
        h = (h * 16777619) & 0xFFFFFFFF
    return h


@pytest.fixture(scope="module")
def subword_run(synth, tmp_path_factory):
    """(model, checkpoint) of a small single-threaded subword run."""
    d = tmp_path_factory.mktemp("subwords")
    ckpt = d / "run.ckpt"
    model = wembed.train(synth[0], dim=16, epochs=1, threads=1, seed=3,
                         subwords="3-5", buckets=5000, checkpoint=ckpt)
    return model, ckpt


def test_unseen_vector_is_the_mean_of_its_ngram_rows(subword_run):
    for kv in (subword_run[0].wv, wembed.load(subword_run[1])):
        assert kv.subwords == (3, 5, 5000)
        ngram_rows = np.asarray(kv.vectors_ngrams)
        assert ngram_rows.shape == (5000, 16)
        assert UNSEEN not in kv.key_to_index
        grams = ngrams(UNSEEN, 3, 5)
        want = np.mean([ngram_rows[fnv1a(g) % 5000] for g in grams], axis=0)
        assert np.allclose(kv[UNSEEN], want, atol=1e-6)
        assert np.allclose(kv.get_vector(UNSEEN), want, atol=1e-6)
        unit = kv.get_vector(UNSEEN, norm=True)
        assert np.allclose(unit, want / np.linalg.norm(want), atol=1e-6)
        both = kv[[UNSEEN, "country00"]]
        assert np.allclose(both[0], want, atol=1e-6)
        assert np.array_equal(both[1], kv["country00"])


def test_contains_follows_gensim(subword_run):
    kv = subword_run[0].wv
    assert UNSEEN in kv and "country00" in kv
    # No n-gram: "<>" is shorter than 3 characters.
    assert "" not in kv
    with pytest.raises(KeyError, match="not present"):
        kv[""]
    # Vocabulary lookups stay vocabulary lookups.
    assert not kv.has_index_for(UNSEEN)
    assert kv.get_index(UNSEEN, -1) == -1


def test_queries_with_an_unseen_word(subword_run):
    kv = subword_run[0].wv
    v = kv[UNSEEN]
    m = np.asarray(kv.vectors, dtype=np.float64)
    cos = m @ v / (np.linalg.norm(m, axis=1) * np.linalg.norm(v))
    got = kv.most_similar(UNSEEN, topn=5)
    assert [w for w, _ in got] == [kv.index_to_key[i]
                                   for i in np.argsort(-cos)[:5]]
    assert np.allclose([c for _, c in got], np.sort(cos)[::-1][:5],
                       atol=1e-5)
    assert abs(kv.similarity(UNSEEN, "country00")
               - cos[kv.key_to_index["country00"]]) < 1e-5


def test_unseen_vector_equals_the_cli_export(subword_run, cli, tmp_path):
    kv = subword_run[0].wv
    words, out = tmp_path / "words.txt", tmp_path / "sel.txt"
    words.write_text(UNSEEN + "\n")
    cli("export", subword_run[1], "--words", words, "--output", out,
        "--format", "txt")
    row = [l.split() for l in out.read_text().splitlines()
           if l.startswith(UNSEEN + " ")][0]
    assert np.allclose(kv[UNSEEN], [float(x) for x in row[1:]], atol=1e-5)


def test_plain_vectors_have_no_unseen_words(trained):
    kv = trained[0].wv
    assert kv.subwords is None and kv.vectors_ngrams is None
    assert UNSEEN not in kv
    with pytest.raises(KeyError, match=f"Key '{UNSEEN}' not present"):
        kv[UNSEEN]
