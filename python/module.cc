// The Python module `wembed` (docs/python.md): train(), load(), synth(),
// KeyedVectors and Model, over the wembed library.
#include <pybind11/pybind11.h>

#include "common.h"
#include "keyed_vectors.h"
#include "training.h"
#include "wembed/corpus/synthetic_corpus.h"
#include "wembed/vectors/checkpoint.h"
#include "wembed/vectors/embeddings.h"

namespace wembed::python {
namespace {

// wembed.load(): word2vec text or binary (plain or gzip) or a checkpoint's
// vectors, as KeyedVectors; a subword checkpoint's with its n-gram rows.
py::object Load(py::handle path, size_t max_rows) {
  const std::string p = PathFromPy(path, "load");
  StatusOr<Embeddings> e = Status::Internal("not loaded");
  SubwordSpec subwords;
  Matrix subword_input;
  {
    py::gil_scoped_release nogil;
    if (LooksLikeCheckpoint(p)) {
      // Read once: the vectors and, with subwords, the n-gram rows.
      StatusOr<Checkpoint> c = ReadCheckpoint(p);
      e = c.ok() ? CheckpointEmbeddings(&*c, max_rows, p) : c.status();
      if (e.ok() && c->subwords.enabled()) {
        subwords = c->subwords;
        subword_input = std::move(c->subword_input);
      }
    } else {
      e = LoadEmbeddings(p, max_rows);
    }
  }
  auto kv = std::make_unique<KeyedVectors>(ValueOrThrow(std::move(e)));
  if (subwords.enabled()) kv->SetSubwords(subwords, std::move(subword_input));
  return MakeKeyedVectors(std::move(kv));
}

// wembed.synth(): `wembed synth` (a corpus with planted analogies).
int Synth(py::handle corpus, py::handle questions, int sentences, int pairs,
          uint64_t seed) {
  SyntheticCorpusOptions o;
  o.sentences = sentences;
  o.pairs = pairs;
  o.seed = seed;
  if (sentences < 1 || pairs < 2) {
    throw py::value_error("synth: needs sentences >= 1 and pairs >= 2");
  }
  const SyntheticCorpus c = GenerateSyntheticCorpus(o);
  CheckOk(WriteSyntheticCorpus(c, PathFromPy(corpus, "corpus"),
                               PathFromPy(questions, "questions")));
  return c.num_questions;
}

}  // namespace
}  // namespace wembed::python

PYBIND11_MODULE(wembed, m) {
  namespace py = pybind11;
  using namespace wembed::python;
  m.doc() =
      "wembed: word embeddings (skip-gram, negative sampling). train() "
      "returns a Model whose .wv are KeyedVectors; load() reads word2vec "
      "files and checkpoints. See docs/python.md.";
  m.attr("__version__") = "0.1.0";
  py::register_exception<FormatError>(m, "FormatError", PyExc_ValueError);
  BindKeyedVectors(m);
  BindTraining(m);
  m.def("load", &Load, py::arg("path"), py::arg("max_rows") = 0,
        "Loads word2vec text or binary vectors (plain or gzip, detected) or "
        "the vectors a wembed checkpoint's run wrote by default (docs/quality.md); max_rows > 0 keeps the "
        "first rows only.");
  m.def("synth", &Synth, py::arg("corpus"), py::arg("questions"),
        py::arg("sentences") = 40000, py::arg("pairs") = 12,
        py::arg("seed") = 7,
        "Writes a small corpus with planted analogies and its questions "
        "file (as `wembed synth`); returns the number of questions.");
}
