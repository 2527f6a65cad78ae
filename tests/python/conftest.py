"""Shared fixtures: a generated corpus with planted analogies, a model
trained on it, and the CLI binary (WEMBED_BINARY, set by CTest)."""
import json
import os
import subprocess

import pytest

import wembed


@pytest.fixture(scope="session")
def cli():
    """Runs the wembed CLI; returns CompletedProcess (text)."""
    binary = os.environ.get("WEMBED_BINARY")
    if not binary:
        pytest.skip("WEMBED_BINARY is not set (run through CTest)")

    def run(*args, check=True):
        r = subprocess.run([binary, *map(str, args)], capture_output=True,
                           text=True)
        if check and r.returncode != 0:
            raise AssertionError(f"wembed {args}: {r.stderr}")
        return r

    run.json = lambda *args: json.loads(run(*args, "--json").stdout)
    return run


@pytest.fixture(scope="session")
def synth(tmp_path_factory):
    """(corpus, questions, pairs) of a small planted-analogy corpus."""
    d = tmp_path_factory.mktemp("synth")
    corpus, questions = d / "corpus.txt", d / "questions.txt"
    assert wembed.synth(corpus, questions) > 100
    # Word pairs with made-up scores: related (country, capital) pairs high.
    pairs = d / "pairs.txt"
    lines = ["word1\tword2\tscore"]
    for i in range(8):
        lines.append(f"country{i:02d}\tcapital{i:02d}\t{9 - i * 0.1:.1f}")
        lines.append(f"country{i:02d}\tfemale{(i + 3) % 8:02d}\t{1 + i * 0.2:.1f}")
    lines.append("country00\tnotaword\t5")
    pairs.write_text("\n".join(lines) + "\n")
    return corpus, questions, pairs


@pytest.fixture(scope="session")
def trained(synth, tmp_path_factory):
    """(model, vectors file, checkpoint) of one single-threaded run."""
    d = tmp_path_factory.mktemp("trained")
    vectors, ckpt = d / "v.bin", d / "run.ckpt"
    model = wembed.train(synth[0], dim=48, epochs=5, threads=1, seed=3,
                         output=vectors, checkpoint=ckpt)
    return model, vectors, ckpt
