"""The Python module: training through the library, KeyedVectors against
the CLI and gensim, zero-copy vectors, errors."""
import hashlib
import os
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

import wembed


def sha256(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


# ------------------------------------------------------------ training

def test_planted_analogies_are_learned(trained, synth):
    model, _, _ = trained
    result = model.wv.evaluate_analogies(synth[1])
    assert result["total"]["seen"] == result["total"]["questions"] > 100
    assert result["total"]["accuracy"] >= 90.0


def test_training_is_the_cli_training(trained, synth, cli, tmp_path):
    # One thread, one seed: the same pipeline writes the same bytes.
    _, vectors, _ = trained
    out = tmp_path / "cli.bin"
    cli("train", "-i", synth[0], "-o", out, "--dim", 48, "--epochs", 5,
        "--threads", 1, "--seed", 3, "-q")
    assert sha256(out) == sha256(vectors)


def test_model_holds_the_run(trained, synth):
    model, vectors, ckpt = trained
    assert model.options["dim"] == 48 and model.options["epochs"] == 5
    assert model.options["input"] == [os.path.abspath(synth[0])]
    assert model.summary["vocab_size"] == len(model.wv)
    assert model.summary["words_trained"] == 5 * model.summary["corpus_tokens"]
    assert model.syn1neg.shape == model.wv.vectors.shape
    assert model.wv.get_vecattr(model.wv.index_to_key[0], "count") > 0
    # The checkpoint loads as the same (default, auto) vectors.
    assert np.array_equal(wembed.load(ckpt).vectors, model.wv.vectors)
    assert np.array_equal(wembed.load(vectors).vectors, model.wv.vectors)


def test_every_cli_option_is_a_keyword(synth, tmp_path):
    options = wembed.training_options()
    names = {o["name"] for o in options}
    assert {"dim", "window", "epochs", "threads", "checkpoint", "min_count",
            "max_vocab", "log_json", "update", "kernels"} <= names
    # Every option at its default, by name, in one call.
    given = {o["name"]: o["default"] for o in options if o["name"] != "input"}
    given.update(epochs=1, threads=1)
    model = wembed.train(synth[0], **given)
    assert model.options["window"] == given["window"]


def test_option_errors_name_the_option(synth):
    with pytest.raises(TypeError, match="unexpected keyword argument 'bogus'"):
        wembed.train(synth[0], bogus=1)
    with pytest.raises(TypeError, match="dim"):
        wembed.train(synth[0], dim="100")
    with pytest.raises(TypeError, match="window"):
        wembed.train(synth[0], window=1.5)
    with pytest.raises(ValueError, match="--dim must be in 1..10000"):
        wembed.train(synth[0], dim=0)
    with pytest.raises(ValueError, match="--update must be batch or exact"):
        wembed.train(synth[0], update="fast")
    with pytest.raises(TypeError, match="corpus_file"):
        wembed.train(dim=10)
    with pytest.raises(FileNotFoundError, match="nope.txt: no such file"):
        wembed.train("nope.txt")


def test_progress_callable_and_json_log(synth, tmp_path):
    big = tmp_path / "big.txt"
    wembed.synth(big, tmp_path / "q.txt", sentences=150000)
    seen = []
    log = tmp_path / "log.jsonl"
    model = wembed.train(big, dim=32, epochs=3, threads=1, log_json=log,
                         progress=seen.append, progress_interval=0.05)
    assert seen, "the progress callable was never called"
    for p in seen:
        for key in ("words", "words_per_second", "loss", "learning_rate",
                    "eta", "epoch", "elapsed", "progress"):
            assert key in p
        assert 0 < p["learning_rate"] <= 0.05  # the default --alpha
    assert [p["words"] for p in seen] == sorted(p["words"] for p in seen)
    import json
    lines = [json.loads(l) for l in log.read_text().splitlines()]
    assert lines[-1]["words"] == lines[-1]["words_total"]
    assert lines[-1]["words"] == model.summary["words_trained"]


def test_an_exception_in_the_callable_stops_training(synth, tmp_path):
    big = tmp_path / "big.txt"
    wembed.synth(big, tmp_path / "q.txt", sentences=150000)

    def stop(progress):
        raise RuntimeError("enough at %d" % progress["words"])

    ckpt = tmp_path / "stopped.ckpt"
    with pytest.raises(RuntimeError, match="enough at"):
        wembed.train(big, epochs=50, threads=1, checkpoint=ckpt,
                     progress=stop, progress_interval=0.05)
    assert ckpt.exists()  # written when training stopped


def test_ctrl_c_stops_cleanly_with_a_checkpoint(tmp_path, cli):
    script = textwrap.dedent("""
        import os, signal, sys, threading, wembed
        corpus, ckpt = sys.argv[1], sys.argv[2]
        wembed.synth(corpus, corpus + ".q", sentences=150000)
        sent = []
        def progress(p):
            # One Ctrl-C from elsewhere, while the library trains.
            if not sent:
                sent.append(1)
                threading.Timer(0.1, os.kill,
                                (os.getpid(), signal.SIGINT)).start()
        try:
            wembed.train(corpus, epochs=200, threads=1, checkpoint=ckpt,
                         progress=progress, progress_interval=0.1)
        except KeyboardInterrupt:
            print("interrupted")
    """)
    ckpt = tmp_path / "run.ckpt"
    r = subprocess.run([sys.executable, "-c", script, str(tmp_path / "c.txt"),
                        str(ckpt)], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "interrupted"
    info = cli.json("info", ckpt)
    assert info["progress"]["finished"] is False
    assert 0 < info["progress"]["percent"] < 100


# ------------------------------------------------------------ KeyedVectors

def test_vectors_are_a_view_of_the_library_matrix(trained, tmp_path):
    model, _, _ = trained
    kv = model.wv
    v = kv.vectors
    assert v.dtype == np.float32 and v.shape == (len(kv), kv.vector_size)
    assert not v.flags.owndata and v.base is kv  # no copy: kv owns the data
    assert v.strides[0] % 64 == 0  # the matrix's padded rows
    assert np.shares_memory(v, kv.vectors)
    word = kv.index_to_key[5]
    assert np.shares_memory(v, kv[word])
    old = float(v[5, 0])
    v[5, 0] = 123.5
    assert kv[word][0] == 123.5  # written through the view
    kv.save(tmp_path / "edited.txt", format="txt")
    assert wembed.load(tmp_path / "edited.txt")[word][0] == 123.5
    v[5, 0] = old
    assert np.shares_memory(model.syn1neg, model.syn1neg)
    assert model.syn1neg.base is model


def test_lookups(trained):
    kv = trained[0].wv
    words = kv.index_to_key
    assert len(words) == len(kv) and kv.key_to_index[words[3]] == 3
    assert words[3] in kv and "not-a-word" not in kv and 42 not in kv
    assert kv.get_index("not-a-word", -1) == -1
    with pytest.raises(KeyError, match="Key 'not-a-word' not present"):
        kv["not-a-word"]
    both = kv[[words[1], words[2]]]
    assert both.shape == (2, kv.vector_size)
    assert np.array_equal(both[1], kv[words[2]])
    unit = kv.get_vector(words[1], norm=True)
    assert abs(np.linalg.norm(unit) - 1) < 1e-5


def test_queries_match_the_cli(trained, cli):
    kv = wembed.load(trained[1])
    out = cli("similar", "country03", "--vectors", trained[1], "-k", 5).stdout
    rows = [l.split("\t") for l in out.splitlines() if l and l[0] != "#"]
    got = kv.most_similar("country03", topn=5)
    assert [w for w, _ in got] == [r[1] for r in rows]
    assert np.allclose([c for _, c in got], [float(r[2]) for r in rows],
                       atol=1.5e-6)
    out = cli("analogy", "country00", "capital00", "country04", "--vectors",
              trained[1], "-k", 3).stdout
    rows = [l.split("\t") for l in out.splitlines() if l and l[0] != "#"]
    got = kv.most_similar(positive=["capital00", "country04"],
                          negative=["country00"], topn=3)
    assert [w for w, _ in got] == [r[1] for r in rows]
    assert got[0][0] == "capital04"


def test_evaluations_equal_the_cli(trained, synth, cli):
    kv = wembed.load(trained[1])
    for method in ("add", "both"):
        want = cli.json("eval", "analogy", "--vectors", trained[1],
                        "--questions", synth[1], "--method", method,
                        "--restrict", 300)
        got = kv.evaluate_analogies(synth[1], restrict=300, method=method)
        for part in ("total", "semantic", "syntactic"):
            assert got[part] == want[part]
        if method == "both":
            assert got["mul"]["total"] == want["mul"]["total"]
        assert [s["correct"] for s in got["sections"]] == \
            [s["correct"] for s in want["sections"]]
    want = cli.json("eval", "similarity", "--vectors", trained[1], "--pairs",
                    synth[2])
    got = kv.evaluate_pairs(synth[2])
    for key in ("spearman", "pearson", "pairs_used", "pairs_total",
                "unknown_words", "skipped_lines"):
        assert got[key] == want[key], key
    assert got["unknown_words"] == ["notaword"]


def test_gensim_semantics(trained):
    gensim = pytest.importorskip("gensim")
    from gensim.models import KeyedVectors as GensimKV
    g = GensimKV.load_word2vec_format(str(trained[1]), binary=True)
    kv = wembed.load(trained[1])
    for query in (dict(positive=["capital01", "country02"],
                       negative=["country01"]),
                  dict(positive=["male03"]),
                  dict(positive=["female02"], restrict_vocab=200)):
        ours = kv.most_similar(topn=5, **query)
        theirs = g.most_similar(topn=5, **query)
        assert [w for w, _ in ours] == [w for w, _ in theirs]
        assert np.allclose([c for _, c in ours], [c for _, c in theirs],
                           atol=1e-5)
    q = dict(positive=["capital01", "country02"], negative=["country01"])
    assert [w for w, _ in kv.most_similar_cosmul(topn=5, **q)] == \
        [w for w, _ in g.most_similar_cosmul(topn=5, **q)]
    assert abs(kv.similarity("male00", "female00") -
               g.similarity("male00", "female00")) < 1e-5
    odd = ["country00", "country01", "country02", "male05"]
    assert kv.doesnt_match(odd) == g.doesnt_match(odd)
    assert np.allclose(kv.most_similar("male01", topn=None),
                       g.most_similar("male01", topn=None), atol=1e-5)


def test_invalid_utf8_words_round_trip(tmp_path):
    path = tmp_path / "v.txt"
    path.write_bytes(b"3 2\nok 1 0\nbad\xff 0 1\nzz 1 1\n")
    kv = wembed.load(path)
    bad = kv.index_to_key[1]
    assert bad == b"bad\xff".decode("utf-8", "surrogateescape")
    assert kv[bad][1] == 1.0 and bad in kv
    kv.save(tmp_path / "out.txt", format="txt")
    assert (tmp_path / "out.txt").read_bytes() == path.read_bytes()


def test_errors_are_clear_exceptions(tmp_path, trained):
    with pytest.raises(FileNotFoundError, match="missing.bin: no such file"):
        wembed.load(tmp_path / "missing.bin")
    garbage = tmp_path / "garbage.txt"
    garbage.write_text("2 3\na 1 2\n")
    with pytest.raises(wembed.FormatError, match="garbage.txt"):
        wembed.load(garbage)
    assert issubclass(wembed.FormatError, ValueError)
    kv = trained[0].wv
    with pytest.raises(ValueError, match="format must be bin, txt, tsv or npy"):
        kv.save(tmp_path / "x", format="csv")
    with pytest.raises(FileNotFoundError):
        kv.evaluate_analogies(tmp_path / "none.txt")
    with pytest.raises(ValueError, match="no input"):
        kv.most_similar()
    with pytest.raises(TypeError):
        wembed.load(42)


# ------------------------------------------------------------ exports

def test_exports_load_in_numpy(trained, cli, tmp_path):
    model, vectors, ckpt = trained
    kv = model.wv
    cli("export", vectors, "--format", "npy", "-o", tmp_path / "np")
    arr = np.load(tmp_path / "np" / "vectors.npy", mmap_mode="r")
    assert isinstance(arr, np.memmap) and arr.dtype == np.float32
    assert np.array_equal(arr, kv.vectors)
    words = (tmp_path / "np" / "words.txt").read_text().splitlines()
    assert words == kv.index_to_key

    cli("export", ckpt, "--format", "tsv", "-o", tmp_path / "tb",
        "--output-vectors", "sum")
    tsv = np.loadtxt(tmp_path / "tb" / "vectors.tsv", delimiter="\t",
                     dtype=np.float32)
    cli("export", ckpt, "--format", "npy", "-o", tmp_path / "in",
        "--output-vectors", "input")
    w_e = np.load(tmp_path / "in" / "vectors.npy")
    assert np.array_equal(tsv, w_e + model.syn1neg)
    # The default (auto) vectors of a skip-gram run: W_E + 0.25 * output.
    assert np.allclose(kv.vectors, w_e + np.float32(0.25) * model.syn1neg,
                       rtol=0, atol=1e-6)
    assert not np.array_equal(kv.vectors, w_e)
    meta = (tmp_path / "tb" / "metadata.tsv").read_text().splitlines()
    assert meta == kv.index_to_key  # one column: no header line

    kv.save(tmp_path / "saved", format="npy")
    assert np.array_equal(np.load(tmp_path / "saved" / "vectors.npy"),
                          kv.vectors)
