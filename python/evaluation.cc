#include "evaluation.h"

#include <pybind11/stl.h>

#include <cmath>

#include "wembed/eval/analogy_evaluator.h"
#include "wembed/eval/similarity_evaluator.h"

namespace wembed::python {
namespace {

// The first `rows` rows (0 = all) of `kv`, copied: the evaluators keep
// (and normalise) what they are given.
Embeddings FirstRows(const KeyedVectors& kv, size_t rows) {
  const size_t n = rows == 0 ? kv.size() : std::min(rows, kv.size());
  Embeddings e;
  e.words.assign(kv.data().words.begin(), kv.data().words.begin() + n);
  e.vectors = Matrix(n, kv.dim());
  for (size_t r = 0; r < n; ++r) {
    std::copy_n(kv.data().vectors.row(r), kv.dim(), e.vectors.row(r));
  }
  return e;
}

AnalogyOptions ParseAnalogyOptions(size_t restrict, bool case_insensitive,
                                   const std::string& method,
                                   const std::string& protocol, int threads) {
  AnalogyOptions o;
  o.restrict_vocab = restrict;
  o.case_sensitive = !case_insensitive;
  if (method != "add" && method != "mul" && method != "both") {
    throw py::value_error("method must be add, mul or both, not '" + method +
                          "'");
  }
  o.method_add = method != "mul";
  o.method_mul = method != "add";
  if (protocol == "skip-unknown") {
    o.protocol = AnalogyProtocol::kSkipUnknown;
  } else if (protocol == "all-in-denominator") {
    o.protocol = AnalogyProtocol::kAllInDenominator;
  } else {
    throw py::value_error(
        "protocol must be skip-unknown or all-in-denominator, not '" +
        protocol + "'");
  }
  if (threads < 0) throw py::value_error("threads must be >= 0");
  o.threads = threads;
  return o;
}

py::dict Counts(const AnalogyCounts& c, bool mul, AnalogyProtocol protocol) {
  py::dict d;
  d["correct"] = mul ? c.correct_mul : c.correct_add;
  d["seen"] = c.seen;
  d["questions"] = c.questions;
  d["accuracy"] = AnalogyAccuracy(c, mul, protocol);
  d["coverage"] =
      c.questions == 0 ? 0.0 : 100.0 * double(c.seen) / double(c.questions);
  return d;
}

void AddTotals(py::dict& d, const AnalogyResult& r, bool mul,
               AnalogyProtocol protocol) {
  d["total"] = Counts(r.total, mul, protocol);
  d["semantic"] = Counts(r.semantic, mul, protocol);
  d["syntactic"] = Counts(r.syntactic, mul, protocol);
}

py::list Sections(const AnalogyResult& r, const AnalogyOptions& o) {
  py::list sections;
  const bool mul = !o.method_add;
  for (const AnalogySectionResult& s : r.sections) {
    py::dict d = Counts(s.counts, mul, o.protocol);
    d["name"] = s.name;
    d["type"] = s.syntactic ? "syntactic" : "semantic";
    if (o.method_mul) d["mul"] = Counts(s.counts, true, o.protocol);
    sections.append(d);
  }
  return sections;
}

py::dict EvaluateAnalogies(const KeyedVectors& kv, py::handle path,
                           size_t restrict, bool case_insensitive,
                           const std::string& method,
                           const std::string& protocol, int threads) {
  const AnalogyOptions o = ParseAnalogyOptions(restrict, case_insensitive,
                                               method, protocol, threads);
  const std::string file = PathFromPy(path, "evaluate_analogies");
  const bool skip = o.protocol == AnalogyProtocol::kSkipUnknown;
  Embeddings rows = FirstRows(kv, skip ? restrict : 0);
  StatusOr<AnalogyQuestionSet> set = Status::Internal("not read");
  AnalogyResult r;
  size_t candidates = 0;
  {
    py::gil_scoped_release nogil;
    set = ReadAnalogyQuestions(file);
    if (set.ok() && set->num_questions() > 0) {
      const AnalogyEvaluator evaluator(std::move(rows), o);
      candidates = evaluator.num_candidates();
      r = evaluator.Evaluate(*set);
    }
  }
  CheckOk(set.status());
  if (set->num_questions() == 0) {
    throw py::value_error(file +
                          ": no analogy questions (expected ': "
                          "section' headers and 'a b c d' lines)");
  }
  py::dict d;
  AddTotals(d, r, !o.method_add, o.protocol);
  if (o.method_mul) {
    py::dict mul;
    AddTotals(mul, r, true, o.protocol);
    d["mul"] = mul;
  }
  d["sections"] = Sections(r, o);
  d["candidates"] = candidates;
  d["skipped_lines"] = set->skipped_lines;
  return d;
}

py::object Number(double v) {
  return std::isfinite(v) ? py::object(py::float_(v)) : py::object(py::none());
}

py::dict EvaluatePairs(const KeyedVectors& kv, py::handle path, size_t restrict,
                       bool case_insensitive) {
  const std::string file = PathFromPy(path, "evaluate_pairs");
  SimilarityOptions o;
  o.case_sensitive = !case_insensitive;
  o.restrict_vocab = restrict;
  WordPairsReadInfo info;
  StatusOr<std::vector<WordPair>> pairs = ReadWordPairs(file, &info);
  CheckOk(pairs.status());
  if (pairs->empty()) throw py::value_error(file + ": no word pairs");
  StatusOr<SimilarityResult> r = Status::Internal("not evaluated");
  {
    py::gil_scoped_release nogil;
    r = SimilarityEvaluator(kv.data(), o).Evaluate(*pairs);
  }
  CheckOk(r.status());
  py::dict d;
  d["spearman"] = Number(r->spearman);
  d["pearson"] = Number(r->pearson);
  d["pairs_used"] = r->pairs_used;
  d["pairs_total"] = r->pairs_total;
  d["pairs_skipped"] = r->pairs_total - r->pairs_used;
  py::list unknown;
  for (const std::string& w : r->unknown_words) unknown.append(WordToPy(w));
  d["unknown_words"] = unknown;
  d["skipped_lines"] = info.skipped_lines;
  return d;
}

}  // namespace

void BindEvaluation(py::class_<KeyedVectors>& c) {
  c.def("evaluate_analogies", &EvaluateAnalogies, py::arg("path"),
        py::arg("restrict") = 30000, py::arg("case_insensitive") = true,
        py::arg("method") = "add", py::arg("protocol") = "skip-unknown",
        py::arg("threads") = 0,
        "Analogy accuracy as `wembed eval analogy --json` reports it: "
        "dict with total/semantic/syntactic counts (accuracy in percent) and "
        "sections.");
  c.def("evaluate_pairs", &EvaluatePairs, py::arg("path"),
        py::arg("restrict") = 0, py::arg("case_insensitive") = true,
        "Spearman and Pearson correlation with human scores as `wembed eval "
        "similarity --json` reports them.");
}

}  // namespace wembed::python
